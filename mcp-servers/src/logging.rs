//! The logging set-up of the workspace's binaries (`connectors-mcp-servers`,
//! `connectors-gateway` and `connectors-contract`).
//!
//! Logs are [`tracing`] events written to **stderr**, never stdout: in stdio mode stdout
//! carries MCP messages, and `connectors-contract` prints its report there. They are plain
//! text (no ANSI colours), so they stay readable when captured into a file or a parent
//! process's log.
//!
//! The filter uses the [`EnvFilter`] syntax (e.g. `debug` or `connectors=debug,rmcp=warn`)
//! and comes from the first of:
//!
//! 1. [`FILTER_VAR`] (`CONNECTORS_LOG`), the workspace's own variable;
//! 2. `RUST_LOG`;
//! 3. the binary's default.
//!
//! A variable that is unset or does not parse as a filter is skipped.
//!
//! ```no_run
//! // At the start of `main`: info and above, but only warnings from rmcp.
//! connectors_mcp_servers::logging::init("info,rmcp=warn");
//! tracing::info!("logged to stderr");
//! ```

use tracing_subscriber::EnvFilter;

/// The environment variable read first for the log filter: `CONNECTORS_LOG`.
pub const FILTER_VAR: &str = "CONNECTORS_LOG";

/// Installs the process-wide `tracing` subscriber: stderr, no ANSI, with the filter from
/// `CONNECTORS_LOG`, else `RUST_LOG`, else `default_filter` (see the [module](self)).
///
/// `default_filter` is an [`EnvFilter`] directive string such as `"info,rmcp=warn"`, or
/// `"off"` for a binary that is silent unless asked (invalid directives in it are ignored).
///
/// Call it once, early in `main`. If a global subscriber is already installed (a second
/// call, or a test harness that installed its own), it is kept and this does nothing.
pub fn init(default_filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(default_filter))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// The filter [`init`] installs: `CONNECTORS_LOG`, else `RUST_LOG`, else `default_filter`.
pub fn filter(default_filter: &str) -> EnvFilter {
    choose(
        std::env::var(FILTER_VAR).ok().as_deref(),
        std::env::var(EnvFilter::DEFAULT_ENV).ok().as_deref(),
        default_filter,
    )
}

/// The first of `connectors_log` and `rust_log` that is set and parses, else the default
/// (without its invalid directives).
fn choose(connectors_log: Option<&str>, rust_log: Option<&str>, default_filter: &str) -> EnvFilter {
    [connectors_log, rust_log]
        .into_iter()
        .flatten()
        .find_map(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter))
}

#[cfg(test)]
mod tests {
    use super::choose;

    #[test]
    fn connectors_log_wins_then_rust_log_then_the_default() {
        let shown = |c, r, d| choose(c, r, d).to_string();
        assert_eq!(shown(Some("debug"), Some("warn"), "info"), "debug");
        assert_eq!(shown(None, Some("warn"), "info"), "warn");
        assert_eq!(shown(None, None, "info,rmcp=warn"), "rmcp=warn,info");
        // A variable that does not parse is skipped.
        assert_eq!(shown(Some("=&nope["), Some("trace"), "info"), "trace");
        assert_eq!(shown(Some("=&nope["), None, "off"), "off");
    }
}
