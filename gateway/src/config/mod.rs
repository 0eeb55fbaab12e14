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
//!
//! This module holds [`Config`] itself; the `serving` section and the other sections
//! (keys, servers, quotas, relations, the `connectors-ts` environment) have modules of
//! their own, as do reading a configuration (`load`: file, JSON, environment) and checking
//! it (`validate`).

mod load;
mod sections;
mod selection;
mod serving;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

pub use crate::config_error::ConfigError;
use crate::profile::Profile;
use crate::store::StoreLocation;
pub use sections::{
    ApiKeyConfig, ConnectorsTsConfig, OAuthCredentialConfig, RateLimitConfig, RelationConfig,
    ServerConfig,
};

pub use selection::{EMBEDDING_MODEL_ENV, SelectionRanking};
pub use serving::ServingConfig;
pub(crate) use validate::{is_server_name, is_tenant_id};

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
    /// Where `github` deployments are cloned and tool embeddings are cached (default: a
    /// directory under the system temp dir).
    #[serde(default)]
    pub work_dir: Option<PathBuf>,
    /// The directory of a sentence model (sentence-transformers' layout: `config.json`,
    /// `tokenizer.json`, `model.safetensors`), e.g. all-MiniLM-L6-v2: selection then finds
    /// tools by the meaning of a request as well as by its words. None by default
    /// (selection by words); needs the cargo feature `embeddings`.
    #[serde(default)]
    pub embedding_model: Option<PathBuf>,
    /// Which signals rank `tools/select`: `lexical`, `dense` or `fused`. By default
    /// `fused` with an `embeddingModel`, `lexical` without.
    #[serde(default)]
    pub ranking: Option<SelectionRanking>,
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
            embedding_model: None,
            ranking: None,
            clone_timeout_seconds: default_clone_timeout(),
            relations: Vec::new(),
            profile: Profile::default(),
            store: StoreLocation::default(),
            connectors_ts: ConnectorsTsConfig::default(),
            serving: ServingConfig::default(),
        }
    }
}

impl Config {
    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds.max(1))
    }

    pub(crate) fn call_timeout(&self) -> Duration {
        Duration::from_secs(self.call_timeout_seconds.max(1))
    }

    /// Where deployments are cloned and embeddings cached: `workDir`, else
    /// `connectors-gateway` under the system's temp directory.
    pub(crate) fn work_dir(&self) -> PathBuf {
        self.work_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("connectors-gateway"))
    }

    /// The ranking `tools/select` uses: the configured one, else `fused` with a model and
    /// `lexical` without.
    pub fn selection_ranking(&self) -> SelectionRanking {
        self.ranking.unwrap_or(if self.embedding_model.is_some() {
            SelectionRanking::Fused
        } else {
            SelectionRanking::Lexical
        })
    }
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
