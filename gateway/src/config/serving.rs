//! The config file's `serving` section: the limits under which HTTP connections are
//! served, with their checks.

use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;

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
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
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
