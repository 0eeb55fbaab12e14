//! The config file's other sections: API keys, platform MCP servers, quotas, tool
//! relations, and the `connectors-ts` environment.

use std::fmt;

use connectors::api::{SecretString, SecretStringMap};
use serde::Deserialize;

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
