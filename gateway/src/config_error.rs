//! [`ConfigError`], why a configuration could not be loaded. A module of its own, below
//! both [`crate::config`] (which holds a [`crate::Profile`]) and [`crate::profile`] (whose
//! names are parsed into one), so that the profile needs nothing from the configuration.
//! Re-exported as `config::ConfigError`, where the public API names it.

use std::fmt;

/// Why a configuration could not be loaded.
#[derive(Debug)]
pub struct ConfigError(pub(crate) String);

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
