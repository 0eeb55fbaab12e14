//! Configuration: API keys and their tenants, platform MCP servers, quotas and timeouts.
//!
//! A config file is JSON. Its `mcpServers` section has the shape common MCP client
//! configurations use (`command`/`args`/`env` for stdio servers, `url`/`headers` for
//! streamable HTTP ones), so an existing client configuration can be pasted in:
//!
//! ```json
//! {
//!   "apiKeys": [{"key": "cgw-0123456789abcdef0123456789abcdef", "tenantId": "tenant-a"}],
//!   "builtins": ["text", "math", "notes"],
//!   "mcpServers": {
//!     "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], "category": "knowledge"},
//!     "remote": {"url": "http://127.0.0.1:8931/mcp", "headers": {"Authorization": "Bearer x"}}
//!   },
//!   "rateLimits": {"windowSeconds": 60, "select": 600, "invoke": 1200, "list": 300, "default": 100000},
//!   "serving": {"headerReadTimeoutSeconds": 10, "idleTimeoutSeconds": 120, "bodyTimeoutSeconds": 30, "maxConnections": 10000},
//!   "profile": "full"
//! }
//! ```
//!
//! The `connectors-ts` profile models the original gateway, whose tool catalog is empty and
//! whose invocations need OAuth credentials that none of its routes stores. Its
//! `connectorsTs` section sets up what the original would find in its environment, for
//! tests that need tools there ([`ConnectorsTsConfig`]; the `full` profile ignores it):
//!
//! ```json
//! {
//!   "profile": "connectors-ts",
//!   "connectorsTs": {
//!     "catalog": ["text", "math"],
//!     "oauthCredentials": [{"tenantId": "tenant-a", "integration": "math"}],
//!     "selectionIndices": true
//!   }
//! }
//! ```
//!
//! API keys can also come from the environment variable `CONNECTORS_GATEWAY_API_KEYS`
//! (`key=tenant` pairs separated by commas).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use connectors::api::{SecretString, SecretStringMap};
use serde::Deserialize;

use crate::profile::Profile;
use crate::store::StoreLocation;

/// Environment variable holding extra API keys: `key=tenant[,key=tenant...]`.
pub const API_KEYS_ENV: &str = "CONNECTORS_GATEWAY_API_KEYS";

/// Everything the gateway can be configured with. `Config::default()` is the built-in
/// development setup: the three built-in MCP servers in-process, a generated API key.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// API keys (at least 32 characters) and the tenant each one authenticates.
    #[serde(default)]
    pub api_keys: Vec<ApiKeyConfig>,
    /// Built-in servers (`text`, `math`, `notes`, and for tests `names`) to run in-process
    /// as platform servers; the default is `text`, `math` and `notes`.
    #[serde(default = "default_builtins")]
    pub builtins: Vec<String>,
    /// Further platform MCP servers, by name (the integration part of their tool ids).
    #[serde(default)]
    pub mcp_servers: BTreeMap<String, ServerConfig>,
    /// Per-tenant request quotas.
    #[serde(default)]
    pub rate_limits: RateLimitConfig,
    /// How long a response is kept for replay under its `Idempotency-Key` (seconds).
    #[serde(default = "default_idempotency_window")]
    pub idempotency_window_seconds: u64,
    /// How often a crashed server is restarted before it is marked failed for good.
    #[serde(default = "default_max_restarts")]
    pub max_restarts: u32,
    /// Seconds between health checks (an MCP round trip) of every running server.
    #[serde(default = "default_health_interval")]
    pub health_check_interval_seconds: u64,
    /// Seconds to wait for an MCP server to start and answer the handshake.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_seconds: u64,
    /// Seconds a single tool call may take before the gateway gives up on it.
    #[serde(default = "default_call_timeout")]
    pub call_timeout_seconds: u64,
    /// Source types `mcp/add` may deploy (`stdio`, `http`, `github`, `docker`).
    #[serde(default = "default_sources")]
    pub deployment_sources: Vec<String>,
    /// Where `github` deployments are cloned (default: a directory under the system temp dir).
    #[serde(default)]
    pub work_dir: Option<PathBuf>,
    /// Seconds a `git clone` may take.
    #[serde(default = "default_clone_timeout")]
    pub clone_timeout_seconds: u64,
    /// Declared relations between tools, added to the relation graph.
    #[serde(default)]
    pub relations: Vec<RelationConfig>,
    /// Which gateway to behave as: `full` (default) or `connectors-ts`.
    #[serde(default)]
    pub profile: Profile,
    /// Where the state replicas share lives: `memory` (default: this process) or
    /// `redis://HOST[:PORT][/DB]` (every replica pointed at it shares it).
    #[serde(default)]
    pub store: StoreLocation,
    /// What the `connectors-ts` profile finds in its environment: the tool catalog, stored
    /// OAuth credentials, selection indices. Ignored by the `full` profile.
    #[serde(default)]
    pub connectors_ts: ConnectorsTsConfig,
    /// How long a client may take to send a request, how long an idle connection is kept,
    /// and how many connections are served at once.
    #[serde(default)]
    pub serving: ServingConfig,
}

/// The limits under which HTTP connections are served (the config file's `serving`
/// section). Every slow or idle client is bounded in time and all of them together in
/// number, so that connections a client opens and abandons cannot pile up.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServingConfig {
    /// Seconds a new connection has to send its first request's head (request line and
    /// headers); it is closed otherwise. Default 10: a client sends its head in one write,
    /// and 10 s still covers a slow link that has to retransmit a lost segment a few times.
    #[serde(default = "default_header_read_timeout")]
    pub header_read_timeout_seconds: u64,
    /// Seconds a keep-alive connection may wait, after a response, until the head of its
    /// next request has arrived; it is closed otherwise. At least
    /// `header_read_timeout_seconds`. Default 120: longer than the 90 s after which the
    /// SDK's HTTP client (reqwest) drops an idle pooled connection itself, so that client
    /// never sends a request onto a connection the gateway is closing.
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_seconds: u64,
    /// Seconds a request's body has, from the end of its head, to arrive in full; a body
    /// still incomplete then is answered 408 `REQUEST_TIMEOUT` (the operation does not run)
    /// and the connection is closed. Default 30: request bodies are JSON of at most a few
    /// MB, which arrive in 30 s over even a slow link.
    #[serde(default = "default_body_timeout")]
    pub body_timeout_seconds: u64,
    /// Connections served at once. Further ones are not accepted until one closes: they
    /// wait in the listen backlog, costing the gateway nothing. Default 10,000: far more
    /// than a test suite or a team's gateway holds, while it bounds the memory idle or slow
    /// connections can take (tens of KB each) to a few hundred MB. The process's open-file
    /// limit (`ulimit -n`) must allow as many sockets for the cap to be reached.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
}

impl Default for ServingConfig {
    fn default() -> Self {
        ServingConfig {
            header_read_timeout_seconds: default_header_read_timeout(),
            idle_timeout_seconds: default_idle_timeout(),
            body_timeout_seconds: default_body_timeout(),
            max_connections: default_max_connections(),
        }
    }
}

impl ServingConfig {
    /// The longest any of the timeouts may be (an hour): a longer wait protects nothing.
    pub const MAX_TIMEOUT_SECONDS: u64 = 3600;
    /// The largest connection cap (a million): each connection is a file descriptor, and
    /// Linux lets a process open about that many at most (`fs.nr_open`).
    pub const MAX_CONNECTIONS: u32 = 1_000_000;

    /// Checks that every limit is set (not 0), not absurdly large, and that the idle
    /// timeout covers the header read timeout.
    fn validate(&self) -> Result<(), ConfigError> {
        for (name, seconds) in [
            ("headerReadTimeoutSeconds", self.header_read_timeout_seconds),
            ("idleTimeoutSeconds", self.idle_timeout_seconds),
            ("bodyTimeoutSeconds", self.body_timeout_seconds),
        ] {
            if !(1..=Self::MAX_TIMEOUT_SECONDS).contains(&seconds) {
                return Err(ConfigError(format!(
                    "serving.{name} must be between 1 and {} (got {seconds})",
                    Self::MAX_TIMEOUT_SECONDS
                )));
            }
        }
        // A connection's idle wait ends when its next request's head is complete (one timer
        // in hyper covers both), so a shorter idle timeout would cut first heads short too.
        if self.idle_timeout_seconds < self.header_read_timeout_seconds {
            return Err(ConfigError(format!(
                "serving.idleTimeoutSeconds ({}) must be at least serving.headerReadTimeoutSeconds ({}): \
                 the idle wait includes the time the next request's head takes to arrive",
                self.idle_timeout_seconds, self.header_read_timeout_seconds
            )));
        }
        if !(1..=Self::MAX_CONNECTIONS).contains(&self.max_connections) {
            return Err(ConfigError(format!(
                "serving.maxConnections must be between 1 and {} (got {})",
                Self::MAX_CONNECTIONS,
                self.max_connections
            )));
        }
        Ok(())
    }

    pub(crate) fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_seconds)
    }

    pub(crate) fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_seconds)
    }

    pub(crate) fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_seconds)
    }
}

/// The environment of the original gateway that the `connectors-ts` profile models (the
/// config file's `connectorsTs` section). By default it is the environment of the
/// recorded exchanges: an empty tool catalog, no stored OAuth credentials, and selection
/// indices loaded (`/ready` answers 200).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectorsTsConfig {
    /// Servers whose tools make up the catalog (`tools/list`, `tools/select`,
    /// `categories`): built-in servers of `builtins` or keys of `mcpServers`. Empty by
    /// default, as the original's catalog is (its indexing call is commented out); every
    /// server runs behind the gateway all the same.
    #[serde(default)]
    pub catalog: Vec<String>,
    /// OAuth credentials the original's Vault holds, by tenant and integration: an
    /// invocation runs only with credentials for its tenant and `integration`, otherwise it
    /// is 401 `OAUTH_AUTHENTICATION_FAILED`. None by default: the original stores them only
    /// after an OAuth flow that none of its routes runs (the `oauth-config` routes store a
    /// client configuration, at another Vault path).
    #[serde(default)]
    pub oauth_credentials: Vec<OAuthCredentialConfig>,
    /// Whether the original's selection (FAISS) indices are loaded, as when the exchanges
    /// were recorded (default `true`). Without them (measured live) `/ready` answers 503
    /// `SERVICE_NOT_READY` and a selection that has to search them (no categories given)
    /// is 500 `TOOL_SELECTION_FAILED`.
    #[serde(default = "default_true")]
    pub selection_indices: bool,
}

impl Default for ConnectorsTsConfig {
    fn default() -> Self {
        ConnectorsTsConfig {
            catalog: Vec::new(),
            oauth_credentials: Vec::new(),
            selection_indices: true,
        }
    }
}

/// Stored OAuth credentials of one tenant for one integration (`connectorsTs.oauthCredentials`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthCredentialConfig {
    /// The tenant they belong to.
    pub tenant_id: String,
    /// The integration (server name) they are for.
    pub integration: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_keys: Vec::new(),
            builtins: default_builtins(),
            mcp_servers: BTreeMap::new(),
            rate_limits: RateLimitConfig::default(),
            idempotency_window_seconds: default_idempotency_window(),
            max_restarts: default_max_restarts(),
            health_check_interval_seconds: default_health_interval(),
            connect_timeout_seconds: default_connect_timeout(),
            call_timeout_seconds: default_call_timeout(),
            deployment_sources: default_sources(),
            work_dir: None,
            clone_timeout_seconds: default_clone_timeout(),
            relations: Vec::new(),
            profile: Profile::default(),
            store: StoreLocation::default(),
            connectors_ts: ConnectorsTsConfig::default(),
            serving: ServingConfig::default(),
        }
    }
}

/// One API key and its tenant.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// The key clients send as `Authorization: Bearer <key>`.
    pub key: SecretString,
    /// The tenant the key authenticates.
    pub tenant_id: String,
}

impl fmt::Debug for ApiKeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyConfig")
            .field("key", &self.key)
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

/// A platform MCP server: `command` (+ `args`, `env`) for stdio, or `url` (+ `headers`)
/// for streamable HTTP.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerConfig {
    /// Program to start (stdio servers).
    #[serde(default)]
    pub command: Option<String>,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment variables.
    #[serde(default)]
    pub env: SecretStringMap,
    /// The MCP endpoint (streamable HTTP servers).
    #[serde(default)]
    pub url: Option<String>,
    /// Extra HTTP headers (streamable HTTP servers).
    #[serde(default)]
    pub headers: SecretStringMap,
    /// Transport hint some client configs carry (`stdio`, `http`, `streamable-http`); optional.
    #[serde(default, rename = "type")]
    pub transport: Option<String>,
    /// Tool category of the server's tools (default: the server name).
    #[serde(default)]
    pub category: Option<String>,
    /// One line about the server.
    #[serde(default)]
    pub description: Option<String>,
}

impl ServerConfig {
    /// A stdio server.
    pub fn stdio(
        command: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        ServerConfig {
            command: Some(command.into()),
            args: args.into_iter().map(Into::into).collect(),
            ..ServerConfig::default()
        }
    }

    /// A streamable HTTP server.
    pub fn http(url: impl Into<String>) -> Self {
        ServerConfig {
            url: Some(url.into()),
            ..ServerConfig::default()
        }
    }

    /// Sets the category.
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }
}

/// Per-tenant quotas: requests per window for each endpoint family.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Length of the window in seconds.
    #[serde(default = "default_window")]
    pub window_seconds: u64,
    /// `POST /api/v1/tools/select`.
    #[serde(default = "default_select")]
    pub select: u64,
    /// `POST /api/v1/tools/invoke` (and its batch and stream forms).
    #[serde(default = "default_invoke")]
    pub invoke: u64,
    /// `GET /api/v1/tools/list`.
    #[serde(default = "default_list")]
    pub list: u64,
    /// Every other authenticated route.
    #[serde(default = "default_other")]
    pub default: u64,
}

impl RateLimitConfig {
    /// Quotas no test or benchmark reaches, for runs where only the client's own
    /// behaviour is under measurement.
    pub fn unlimited() -> Self {
        RateLimitConfig {
            window_seconds: default_window(),
            select: u64::MAX / 2,
            invoke: u64::MAX / 2,
            list: u64::MAX / 2,
            default: u64::MAX / 2,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            window_seconds: default_window(),
            select: default_select(),
            invoke: default_invoke(),
            list: default_list(),
            default: default_other(),
        }
    }
}

/// A declared relation between two tools.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationConfig {
    /// Tool id (`server.tool`).
    pub from: String,
    /// Tool id (`server.tool`).
    pub to: String,
    /// `OFTEN_USED_WITH`, `DEPENDS_ON`, `ALTERNATIVE_TO` or `PRECEDES`.
    #[serde(rename = "type")]
    pub relation: String,
    /// Strength in 0..=1 (default 0.8).
    #[serde(default)]
    pub weight: Option<f64>,
}

fn default_true() -> bool {
    true
}
fn default_builtins() -> Vec<String> {
    vec!["text".into(), "math".into(), "notes".into()]
}
fn default_idempotency_window() -> u64 {
    24 * 60 * 60
}
fn default_max_restarts() -> u32 {
    3
}
fn default_health_interval() -> u64 {
    15
}
fn default_connect_timeout() -> u64 {
    60
}
fn default_call_timeout() -> u64 {
    300
}
fn default_clone_timeout() -> u64 {
    180
}
fn default_sources() -> Vec<String> {
    vec![
        "stdio".into(),
        "http".into(),
        "github".into(),
        "docker".into(),
    ]
}
fn default_window() -> u64 {
    60
}
fn default_select() -> u64 {
    600
}
fn default_invoke() -> u64 {
    1200
}
fn default_list() -> u64 {
    300
}
fn default_other() -> u64 {
    100_000
}
fn default_header_read_timeout() -> u64 {
    10
}
fn default_idle_timeout() -> u64 {
    120
}
fn default_body_timeout() -> u64 {
    30
}
fn default_max_connections() -> u32 {
    10_000
}

/// Why a configuration could not be loaded.
#[derive(Debug)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> ConfigError {
        ConfigError(message.into())
    }
}

impl Config {
    /// Reads a JSON config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        Config::from_json(&text).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
    }

    /// Parses a JSON config.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            ConfigError(format!("invalid configuration at `{path}`: {}", e.inner()))
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Adds the keys of [`API_KEYS_ENV`], if set.
    pub fn with_env_keys(mut self) -> Result<Config, ConfigError> {
        if let Ok(value) = std::env::var(API_KEYS_ENV) {
            for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (key, tenant) = pair.split_once('=').ok_or_else(|| {
                    ConfigError(format!("{API_KEYS_ENV}: expected key=tenant pairs"))
                })?;
                self.api_keys.push(ApiKeyConfig {
                    key: SecretString::from(key.trim()),
                    tenant_id: tenant.trim().to_string(),
                });
            }
            self.validate()?;
        }
        Ok(self)
    }

    /// Checks what serde cannot: key lengths, names, sources.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for key in &self.api_keys {
            if key.key.expose().len() < 32 {
                return Err(ConfigError(format!(
                    "the API key of tenant '{}' is shorter than 32 characters",
                    key.tenant_id
                )));
            }
            if !is_tenant_id(&key.tenant_id) {
                return Err(ConfigError(format!(
                    "tenant id '{}' must match ^[a-zA-Z0-9_-]+$",
                    key.tenant_id
                )));
            }
        }
        for name in &self.builtins {
            if name.parse::<connectors_mcp_servers::Builtin>().is_err() {
                return Err(ConfigError(format!(
                    "unknown built-in server '{name}' (expected text, math, notes or names)"
                )));
            }
        }
        for (name, server) in &self.mcp_servers {
            if !is_server_name(name) {
                return Err(ConfigError(format!(
                    "server name '{name}' must match ^[a-z0-9-]+$ (it becomes the integration of its tool ids)"
                )));
            }
            match (&server.command, &server.url) {
                (Some(_), None) | (None, Some(_)) => {}
                _ => {
                    return Err(ConfigError(format!(
                        "server '{name}' needs exactly one of `command` (stdio) and `url` (streamable HTTP)"
                    )));
                }
            }
        }
        for source in &self.deployment_sources {
            if !["stdio", "http", "github", "docker"].contains(&source.as_str()) {
                return Err(ConfigError(format!(
                    "unknown deployment source type '{source}'"
                )));
            }
        }
        for name in &self.connectors_ts.catalog {
            if !self.builtins.contains(name) && !self.mcp_servers.contains_key(name) {
                return Err(ConfigError(format!(
                    "connectorsTs.catalog names '{name}', which is neither in `builtins` nor a key of `mcpServers`"
                )));
            }
        }
        for credential in &self.connectors_ts.oauth_credentials {
            if !is_tenant_id(&credential.tenant_id) {
                return Err(ConfigError(format!(
                    "connectorsTs.oauthCredentials: tenant id '{}' must match ^[a-zA-Z0-9_-]+$",
                    credential.tenant_id
                )));
            }
            if !is_server_name(&credential.integration) {
                return Err(ConfigError(format!(
                    "connectorsTs.oauthCredentials: integration '{}' must match ^[a-z0-9-]+$",
                    credential.integration
                )));
            }
        }
        if self.rate_limits.window_seconds == 0 {
            return Err(ConfigError(
                "rateLimits.windowSeconds must be at least 1".into(),
            ));
        }
        self.serving.validate()?;
        Ok(())
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds.max(1))
    }

    pub(crate) fn call_timeout(&self) -> Duration {
        Duration::from_secs(self.call_timeout_seconds.max(1))
    }
}

/// `^[a-z0-9-]+$`, at most 64 characters: a server (integration) name.
pub(crate) fn is_server_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `^[a-zA-Z0-9_-]+$`: a tenant id.
pub(crate) fn is_tenant_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
