//! The checks of a configuration that serde cannot make: key lengths, names, sources.

use super::{Config, ConfigError, EMBEDDING_MODEL_ENV};

impl Config {
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
        let ranking = self.selection_ranking();
        if ranking.needs_model() && self.embedding_model.is_none() {
            return Err(ConfigError(format!(
                "ranking `{ranking}` needs a sentence model: set embeddingModel (or \
                 --embedding-model, {EMBEDDING_MODEL_ENV})"
            )));
        }
        if self.embedding_model.is_some() && !cfg!(feature = "embeddings") {
            return Err(ConfigError(
                "embeddingModel is set, but this build of the gateway has no embeddings \
                 (cargo feature `embeddings`)"
                    .into(),
            ));
        }
        Ok(())
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
