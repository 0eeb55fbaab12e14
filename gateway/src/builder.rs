//! [`Gateway::builder`] and [`GatewayBuilder`]: a gateway's configuration, and its start
//! (checks, listening socket, platform servers, serving task).

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use connectors::api::SecretString;
use tokio_util::sync::CancellationToken;

use crate::config::{
    ApiKeyConfig, Config, OAuthCredentialConfig, RateLimitConfig, SelectionRanking, ServerConfig,
    ServingConfig,
};
use crate::meaning::Meaning;
use crate::platform::start_platform_servers;
use crate::state::AppState;
use crate::{DEV_TENANT, GatewayError, Profile, RunningGateway, StoreLocation, routes, serve};

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

    /// The directory of a sentence model (e.g. all-MiniLM-L6-v2 as sentence-transformers
    /// lays it out): selection finds tools by the meaning of a request as well as by its
    /// words (`embeddingModel` of the config file; needs the cargo feature `embeddings`).
    /// [`GatewayBuilder::spawn`] fails, naming the file, if the model cannot be loaded.
    pub fn embedding_model(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.config.embedding_model = Some(dir.into());
        self
    }

    /// Where `github` deployments are cloned and tool embeddings cached (`workDir` of the
    /// config file; default `connectors-gateway` under the system's temp directory).
    pub fn work_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.config.work_dir = Some(dir.into());
        self
    }

    /// Which signals rank `tools/select` (`ranking` of the config file; by default
    /// [`SelectionRanking::Fused`] with a model, [`SelectionRanking::Lexical`] without).
    pub fn ranking(mut self, ranking: SelectionRanking) -> Self {
        self.config.ranking = Some(ranking);
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
        let shared = crate::store::Shared::open(&self.config.store)
            .map_err(|e| GatewayError(format!("the store cannot be used: {}", e.0)))?;
        let meaning = load_meaning(&self.config, &shared).await?;
        let state = AppState::with(self.config, shared, meaning);
        start_platform_servers(&state).await;
        state.registry.spawn_health_checks(
            Duration::from_secs(state.config.health_check_interval_seconds.max(1)),
            shutdown.clone(),
        );
        // With the Redis store, this replica runs the custom servers tenants deployed on
        // any replica (and deployed before it started).
        #[cfg(feature = "redis")]
        if let crate::store::Shared::Redis(redis) = &state.shared {
            let replica = crate::replication::Replica {
                registry: state.registry.clone(),
                deployments: state.deployments.clone(),
                deployer: state.deployer(),
            };
            crate::replication::spawn(replica, redis.clone(), shutdown.clone());
            crate::event_relay::spawn(state.events.clone(), redis.clone(), shutdown.clone());
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

/// The sentence model of `embeddingModel`, loaded on a blocking thread (a second or so of
/// reading and checking 90 MB); an error names the file at fault.
async fn load_meaning(
    config: &Config,
    shared: &crate::store::Shared,
) -> Result<Option<std::sync::Arc<Meaning>>, GatewayError> {
    let Some(dir) = config.embedding_model.clone() else {
        return Ok(None);
    };
    let work_dir = config.work_dir();
    let shared = shared.clone();
    let started = std::time::Instant::now();
    let meaning = tokio::task::spawn_blocking(move || Meaning::load(&dir, &work_dir, shared))
        .await
        .map_err(|e| GatewayError(format!("the embedding model could not be loaded: {e}")))?
        .map_err(|e| {
            GatewayError(format!(
                "the embedding model (embeddingModel) cannot be used: {e}"
            ))
        })?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "embedding model loaded: selection ranks by meaning and words"
    );
    Ok(Some(std::sync::Arc::new(meaning)))
}
