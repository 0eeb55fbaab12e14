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
pub mod config;
#[cfg(feature = "redis")]
mod deployment_records;
mod deployments;
#[cfg(feature = "embeddings")]
pub mod embedding;
mod envelope;
mod errors;
#[cfg(feature = "redis")]
mod event_relay;
mod events;
mod heap;
mod idempotency;
mod identities;
mod index;
mod mcp_client;
mod metrics;
mod oauth;
mod profile;
mod rate_limit;
mod registry;
#[cfg(feature = "redis")]
mod replication;
mod routes;
mod scoped;
mod selection;
mod serve;
#[cfg(feature = "redis")]
mod shared_notes;
mod state;
mod store;
#[cfg(feature = "redis")]
mod tenant_hash;

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use connectors::api::{SecretString, types};
use connectors_mcp_servers::Builtin;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::{
    ApiKeyConfig, Config, ConfigError, ConnectorsTsConfig, OAuthCredentialConfig, RateLimitConfig,
    RelationConfig, ServerConfig, ServingConfig,
};
pub use profile::Profile;
pub use store::StoreLocation;

use crate::mcp_client::Endpoint;
use crate::registry::{Server, ServerKind};
use crate::state::AppState;

/// Tenant of the generated development key.
pub const DEV_TENANT: &str = "default";

/// Entry point: [`Gateway::builder`].
#[derive(Debug)]
pub struct Gateway;

impl Gateway {
    /// A builder with the default configuration (built-in servers in-process, a
    /// generated API key, `127.0.0.1:0`).
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder {
            config: Config::default(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// Configures and starts a gateway.
#[derive(Debug, Clone)]
pub struct GatewayBuilder {
    config: Config,
    bind: SocketAddr,
}

impl GatewayBuilder {
    /// Replaces the whole configuration (its [`Config::profile`] included).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral loopback port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Adds an API key (at least 32 characters) for `tenant`.
    pub fn api_key(mut self, key: impl Into<String>, tenant: impl Into<String>) -> Self {
        self.config.api_keys.push(ApiKeyConfig {
            key: SecretString::new(key),
            tenant_id: tenant.into(),
        });
        self
    }

    /// Adds a platform MCP server.
    pub fn platform_server(mut self, name: impl Into<String>, server: ServerConfig) -> Self {
        self.config.mcp_servers.insert(name.into(), server);
        self
    }

    /// Changes the quotas.
    pub fn rate_limits(mut self, limits: RateLimitConfig) -> Self {
        self.config.rate_limits = limits;
        self
    }

    /// How often a crashed server is restarted before it is marked failed.
    pub fn max_restarts(mut self, restarts: u32) -> Self {
        self.config.max_restarts = restarts;
        self
    }

    /// The serving limits: header-read, idle and request-body timeouts and the connection
    /// cap (`serving` of the config file).
    pub fn serving(mut self, serving: ServingConfig) -> Self {
        self.config.serving = serving;
        self
    }

    /// Which gateway to behave as (default [`Profile::Full`]); [`Profile::ConnectorsTs`]
    /// models the original TypeScript gateway.
    pub fn profile(mut self, profile: Profile) -> Self {
        self.config.profile = profile;
        self
    }

    /// Where the state replicas share lives (default [`StoreLocation::Memory`]); with
    /// [`StoreLocation::Redis`], every gateway pointed at the same Redis runs each
    /// `Idempotency-Key` once between them.
    pub fn store(mut self, store: StoreLocation) -> Self {
        self.config.store = store;
        self
    }

    /// On [`Profile::ConnectorsTs`]: puts the tools of these servers (built-in or
    /// configured platform servers) in the catalog, which is otherwise empty as the
    /// original's is (`connectorsTs.catalog` of the config file). The full profile's catalog
    /// always holds every server's tools.
    pub fn catalog(mut self, servers: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.config
            .connectors_ts
            .catalog
            .extend(servers.into_iter().map(Into::into));
        self
    }

    /// On [`Profile::ConnectorsTs`]: OAuth credentials of `tenant` for `integration` are
    /// stored, so that its invocations through that integration run
    /// (`connectorsTs.oauthCredentials` of the config file). Without them an invocation is
    /// 401 `OAUTH_AUTHENTICATION_FAILED`, as in the original.
    pub fn oauth_credentials(
        mut self,
        tenant: impl Into<String>,
        integration: impl Into<String>,
    ) -> Self {
        self.config
            .connectors_ts
            .oauth_credentials
            .push(OAuthCredentialConfig {
                tenant_id: tenant.into(),
                integration: integration.into(),
            });
        self
    }

    /// Binds, starts the platform servers (waiting for them to connect or fail) and
    /// serves the API until [`RunningGateway::shutdown`].
    pub async fn spawn(mut self) -> Result<RunningGateway, GatewayError> {
        self.config
            .validate()
            .map_err(|e| GatewayError(e.to_string()))?;
        // The routes come from the operation table generated from openapi.yaml; a spec
        // the handlers do not match is refused here, before anything starts, rather than
        // served with an operation missing.
        let problems = routes::problems();
        if !problems.is_empty() {
            return Err(GatewayError(format!(
                "the gateway cannot serve openapi.yaml as built:\n  - {}",
                problems.join("\n  - ")
            )));
        }
        let generated_key = if self.config.api_keys.is_empty() {
            let key = format!("cgw-dev-{}", uuid::Uuid::new_v4().simple());
            self.config.api_keys.push(ApiKeyConfig {
                key: SecretString::new(key),
                tenant_id: DEV_TENANT.to_string(),
            });
            true
        } else {
            false
        };
        let first_key = self.config.api_keys.first().cloned();
        let listener = listen(self.bind)
            .map_err(|e| GatewayError(format!("cannot listen on {}: {e}", self.bind)))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| GatewayError(format!("cannot read the bound address: {e}")))?;
        let shutdown = CancellationToken::new();
        let state = AppState::new(self.config)
            .map_err(|e| GatewayError(format!("the store cannot be used: {}", e.0)))?;
        start_platform_servers(&state).await;
        state.registry.spawn_health_checks(
            Duration::from_secs(state.config.health_check_interval_seconds.max(1)),
            shutdown.clone(),
        );
        // With the Redis store, this replica runs the custom servers tenants deployed on
        // any replica (and deployed before it started).
        #[cfg(feature = "redis")]
        if let store::Shared::Redis(redis) = &state.shared {
            replication::spawn(state.clone(), redis.clone(), shutdown.clone());
            event_relay::spawn(state.events.clone(), redis.clone(), shutdown.clone());
        }
        state.ready.store(true, Ordering::SeqCst);
        let app = routes::router(state.clone());
        let task = tokio::spawn(serve::serve(
            listener,
            app,
            state.config.serving,
            shutdown.clone(),
        ));
        let (api_key, tenant_id) = match first_key {
            Some(k) => (k.key, k.tenant_id),
            None => (SecretString::new(""), DEV_TENANT.to_string()),
        };
        tracing::info!(address = %local_addr, profile = %state.config.profile, "gateway listening");
        Ok(RunningGateway {
            url: format!("http://{local_addr}"),
            local_addr,
            api_key,
            tenant_id,
            generated_key,
            state,
            shutdown,
            task: Some(task),
        })
    }
}

/// Connections the kernel queues for the gateway to accept. tokio's default (1,024)
/// overflowed under a burst of 15,000 connections (41 clients had to resend their SYN a
/// second later); the kernel caps it at `net.core.somaxconn` in any case.
const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `addr` with [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, as tokio's
/// `TcpListener::bind` sets, so a restarted gateway can take its port again at once).
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn start_platform_servers(state: &AppState) {
    let mut pending = Vec::new();
    for name in &state.config.builtins {
        let Ok(builtin) = name.parse::<Builtin>() else {
            continue;
        };
        let category = match builtin {
            Builtin::Text => "text",
            Builtin::Math => "math",
            Builtin::Notes => "productivity",
            Builtin::Names => "testing",
        };
        // With the Redis store, the tenants' notes are shared by the replicas.
        #[cfg(feature = "redis")]
        let endpoint = match (&state.shared, builtin) {
            (store::Shared::Redis(redis), Builtin::Notes) => {
                Endpoint::SharedNotes(Arc::new(shared_notes::RedisNotes::new(redis.clone())))
            }
            _ => Endpoint::InProcess(builtin),
        };
        #[cfg(not(feature = "redis"))]
        let endpoint = Endpoint::InProcess(builtin);
        pending.push(platform_server(
            state,
            builtin.name(),
            category,
            Some(builtin.description().to_string()),
            endpoint,
        ));
    }
    for (name, server) in &state.config.mcp_servers {
        let endpoint = match (&server.command, &server.url) {
            (Some(command), _) => Endpoint::Stdio {
                command: command.clone(),
                args: server.args.clone(),
                env: server.env.clone(),
            },
            (None, Some(url)) => Endpoint::Http {
                url: url.clone(),
                headers: server.headers.clone(),
            },
            (None, None) => continue,
        };
        let category = server.category.clone().unwrap_or_else(|| name.clone());
        pending.push(platform_server(
            state,
            name,
            &category,
            server.description.clone(),
            endpoint,
        ));
    }
    let starts = pending.into_iter().flatten().map(|server| {
        let registry = state.registry.clone();
        async move {
            let name = server.name.clone();
            match registry.start(server).await {
                Ok(count) => {
                    tracing::info!(server = %name, tools = count, "platform server running")
                }
                Err(e) => {
                    tracing::warn!(server = %name, error = %e, "platform server failed to start")
                }
            }
        }
    });
    futures::future::join_all(starts).await;
}

fn platform_server(
    state: &AppState,
    name: &str,
    category: &str,
    description: Option<String>,
    endpoint: Endpoint,
) -> Option<Arc<Server>> {
    let server_name = name.to_string();
    let log: mcp_client::LogSink = Arc::new(move |stream, line| {
        tracing::debug!(server = %server_name, stream = %stream, "{line}");
    });
    let server = Server::new(
        name,
        ServerKind::Platform,
        None,
        category,
        description,
        endpoint,
        log,
    );
    match state.registry.insert(server.clone()) {
        Ok(()) => Some(server),
        Err(_) => {
            tracing::warn!(server = %name, "a platform server of that name is configured twice");
            None
        }
    }
}

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
