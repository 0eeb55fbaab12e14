//! Reading a configuration: a JSON file or text, and API keys from the environment.

use std::path::Path;

use connectors::api::SecretString;

use super::{API_KEYS_ENV, ApiKeyConfig, Config, ConfigError};

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
}
