//! The built-in `names` server as a counting tool: served over streamable HTTP on a
//! loopback port of the test process, logging each call to a file as it arrives (and
//! answering after a delay), so that a test counts the tool's runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connectors_mcp_servers::names::NamesServer;
use connectors_mcp_servers::{HttpServerHandle, MCP_PATH, serve_http_server};
use serde_json::{Value, json};

use super::{TENANT_A, invocation};

/// A call log `calls.jsonl` in a fresh temporary directory of its own (for `test`).
pub fn call_log(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "connectors-gateway-test-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir.join("calls.jsonl")
}

/// The calls the server logged, in order.
pub fn logged_calls(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The `value` argument of each logged call, in order.
pub fn logged_values(log: &Path) -> Vec<String> {
    logged_calls(log)
        .iter()
        .filter_map(|call| call["arguments"]["value"].as_str().map(str::to_string))
        .collect()
}

/// Serves the `names` server, logging to `log` and answering `delay_ms` after each call;
/// returns its MCP URL and handle (the server stops when the handle is dropped).
pub async fn counting_server(log: &Path, delay_ms: u64) -> (String, HttpServerHandle) {
    let names = NamesServer::with_call_log(Some(log.to_path_buf()))
        .with_delay(Some(Duration::from_millis(delay_ms)));
    let (addr, server) = serve_http_server(names, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the names server starts");
    (format!("http://{addr}{MCP_PATH}"), server)
}

/// Tenant A's call of `get_user` with `value` on the server configured as `slow`.
pub fn slow_call(value: &str) -> Value {
    invocation(TENANT_A, "slow.get_user", json!({"value": value}))
}
