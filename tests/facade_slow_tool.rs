//! A tool slower than the gateway's call timeout, called through the SDK with its own
//! retries (issue 23): the gateway answers 502 at `callTimeoutSeconds` while the tool still
//! runs, the SDK retries with the same key (the reference gateway honours keys), the
//! gateway holds the key in progress until the tool returns, and the caller gets the
//! tool's real answer; the tool ran once, counted in the call log of a real MCP server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connectors::{Connectors, RetryPolicy};
use connectors_gateway::{Config, Gateway, ServerConfig};
use connectors_mcp_servers::names::NamesServer;
use connectors_mcp_servers::{MCP_PATH, serve_http_server};
use serde_json::json;

const KEY: &str = "cgw-slow-tool-key-0123456789abcdef0123456789";
const TENANT: &str = "tenant-slow";

fn call_log() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connectors-slow-tool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let log = dir.join("calls.jsonl");
    let _ = std::fs::remove_file(&log);
    log
}

fn runs(log: &Path) -> usize {
    std::fs::read_to_string(log).map_or(0, |text| text.lines().count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_slower_than_the_call_timeout_runs_once_and_its_answer_reaches_the_caller() {
    let log = call_log();
    let names = NamesServer::with_call_log(Some(log.clone()))
        .with_delay(Some(Duration::from_millis(2_500)));
    let (addr, server) = serve_http_server(names, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the names server starts");
    let slow: ServerConfig =
        serde_json::from_value(json!({ "url": format!("http://{addr}{MCP_PATH}") }))
            .expect("a server configuration");
    let gateway = Gateway::builder()
        .config(Config {
            call_timeout_seconds: 1,
            ..Config::default()
        })
        .api_key(KEY, TENANT)
        .platform_server("slow", slow)
        .spawn()
        .await
        .expect("the gateway starts");
    // How many attempts the invocation took, as the final response reports it.
    let attempts = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = attempts.clone();
    // Retries generous enough to outlast the tool: a 502 and the 409s of a key in progress
    // are retried with the same key.
    let client = Connectors::builder()
        .base_url(gateway.url())
        .api_key(KEY)
        .tenant_id(TENANT)
        .timeout(Duration::from_secs(30))
        .retry_policy(
            RetryPolicy::default()
                .max_retries(6)
                .initial_backoff(Duration::from_millis(200)),
        )
        .observe_responses(move |response| {
            if response.operation_id() == "invokeTool" {
                *seen.lock().expect("the attempts") = Some(response.attempts());
            }
        })
        .build()
        .expect("a client");
    let mut ready = false;
    for _ in 0..300 {
        if client
            .mcp()
            .server("slow")
            .info()
            .await
            .is_ok_and(|s| s.status.as_str() == "running")
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the slow server never ran");

    let result = client
        .tools()
        .invoke("slow.get_user", json!({"value": "once"}))
        .await
        .expect("the tool's own answer, after the gateway gave up waiting on the first attempt");
    assert_eq!(result.structured()["tool"], "get_user", "{}", result.text());
    assert_eq!(result.structured()["arguments"]["value"], "once");
    assert_eq!(runs(&log), 1, "the tool ran once across the SDK's attempts");
    let attempts = attempts.lock().expect("the attempts").unwrap_or(0);
    assert!(
        attempts >= 2,
        "the first attempt met the gateway's call timeout and was retried with its key ({attempts} attempts)"
    );

    gateway.shutdown().await;
    drop(server);
}
