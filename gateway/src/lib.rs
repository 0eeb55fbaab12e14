//! The reference Connectors gateway: a real HTTP server that implements every operation
//! of `openapi.yaml` in front of real MCP servers, so that the SDK's tests, its examples
//! and a first run need no network and no external service.
//!
//! * Wire types are the ones generated from `openapi.yaml` (`connectors::api::types`).
//! * MCP runs through the official Rust SDK (`rmcp`) as a client: the built-in servers
//!   (`text`, `math`, `notes`) in-process over a byte stream, other servers over stdio or
//!   streamable HTTP. Sessions stay open, crashed servers are restarted or marked failed.
//! * Tenants come from API keys; quotas, idempotency keys, deployments with logs, tool
//!   selection, identities and OAuth configurations behave like the real gateway.
//! * [`Profile::ConnectorsTs`] turns it into a behaviour model of the original TypeScript
//!   gateway: only its 18 routes, and its measured quirks (see [`Profile`]).
//!
//! Start one in-process on an ephemeral loopback port:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let gateway = connectors_gateway::Gateway::builder().spawn().await?;
//! println!("{} (key {})", gateway.url(), gateway.api_key());
//! gateway.shutdown().await;
//!
//! // The same, behaving as the original TypeScript gateway.
//! use connectors_gateway::{Gateway, Profile};
//! let original = Gateway::builder().profile(Profile::ConnectorsTs).spawn().await?;
//! original.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod auth;
mod body_deadline;
mod builder;
pub mod config;
mod config_error;
#[cfg(feature = "redis")]
mod deployment_records;
mod deployments;
pub mod embedding;
mod envelope;
mod errors;
#[cfg(feature = "redis")]
mod event_relay;
mod events;
mod express_body;
mod extract;
mod heap;
mod idempotency;
mod identities;
mod mcp_client;
mod meaning;
mod metrics;
mod oauth;
mod operation;
mod paging;
mod platform;
mod profile;
mod rate_limit;
mod registry;
#[cfg(feature = "redis")]
mod replication;
mod routes;
mod schema_check;
mod scoped;
mod selection;
mod serve;
#[cfg(feature = "redis")]
mod server_records;
#[cfg(feature = "redis")]
mod shared_notes;
mod state;
mod store;
#[cfg(feature = "redis")]
mod tenant_hash;
mod tool;

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use connectors::api::{SecretString, types};
use connectors_mcp_servers::Builtin;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use builder::{Gateway, GatewayBuilder};
pub use config::{
    ApiKeyConfig, Config, ConfigError, ConnectorsTsConfig, OAuthCredentialConfig, RateLimitConfig,
    RelationConfig, SelectionRanking, ServerConfig, ServingConfig,
};
pub use profile::Profile;
pub use store::StoreLocation;

use crate::state::AppState;

/// Tenant of the generated development key.
pub const DEV_TENANT: &str = "default";

/// A gateway serving on a local port.
pub struct RunningGateway {
    url: String,
    local_addr: SocketAddr,
    api_key: SecretString,
    tenant_id: String,
    generated_key: bool,
    state: AppState,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningGateway")
            .field("url", &self.url)
            .field("tenant_id", &self.tenant_id)
            .finish_non_exhaustive()
    }
}

impl RunningGateway {
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The first configured API key (the generated development key when none was given).
    pub fn api_key(&self) -> &str {
        self.api_key.expose()
    }

    /// The tenant of [`api_key`](Self::api_key).
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The profile it behaves as.
    pub fn profile(&self) -> Profile {
        self.state.config.profile
    }

    /// Whether [`api_key`](Self::api_key) was generated because none was configured.
    pub fn key_was_generated(&self) -> bool {
        self.generated_key
    }

    /// Process id of the stdio server `name`'s current process, if it has one.
    pub fn server_pid(&self, name: &str) -> Option<u32> {
        self.state
            .registry
            .all()
            .into_iter()
            .find(|s| s.name == name)
            .and_then(|s| s.snapshot().pid)
    }

    /// Returns once every server's tools that were being embedded have their vectors
    /// (at once without an embedding model). The gateway serves before that: a server's
    /// tools are indexed as soon as they are listed, with the vectors its embedding cache
    /// holds, and are found by words alone until the rest are computed. Wait for this
    /// before measuring selection by meaning.
    pub async fn embedded(&self) {
        self.state.registry.embedded().await;
    }

    /// Stops serving and stops every MCP server.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }

    /// Waits until the server stops (after [`shutdown`](Self::shutdown) from elsewhere, or an error).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop(&self) {
        self.shutdown.cancel();
        self.state.registry.shutdown();
    }
}

impl Drop for RunningGateway {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Why the gateway could not start.
#[derive(Debug)]
pub struct GatewayError(String);

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GatewayError {}

/// A `stdio` source that runs built-in server `builtin` through `binary` (the
/// `connectors-gateway` executable: `connectors-gateway mcp-server <name>`).
pub fn builtin_stdio_source(
    binary: &Path,
    builtin: Builtin,
) -> Result<types::McpSource, GatewayError> {
    let command = binary
        .to_string_lossy()
        .parse()
        .map_err(|e| GatewayError(format!("invalid command {}: {e}", binary.display())))?;
    Ok(types::McpSource::Stdio {
        command,
        args: vec!["mcp-server".into(), builtin.name().into()],
        env: None,
    })
}

/// Serves built-in server `name` over this process's stdin/stdout until stdin closes
/// (what `connectors-gateway mcp-server <name>` runs).
pub async fn serve_builtin_stdio(name: &str) -> Result<(), GatewayError> {
    let builtin: Builtin = name.parse().map_err(|e| GatewayError(format!("{e}")))?;
    tracing::info!(
        server = builtin.name(),
        "serving built-in MCP server over stdio"
    );
    connectors_mcp_servers::serve_stdio(builtin)
        .await
        .map(|_| ())
        .map_err(|e| GatewayError(e.to_string()))
}

pub use connectors_mcp_servers::Builtin as BuiltinServer;
