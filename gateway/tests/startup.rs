//! The `connectors-gateway` binary started for real: what it prints for a client to paste.

use std::collections::BTreeMap;

use connectors_test_support::gateway::gateway_command;
use connectors_test_support::process::{Pipe, spawn_until};
use serde_json::{Value, json};

/// Starts the binary on a free port with no configuration and returns the child and the
/// lines it printed up to and including the `Try:` line.
async fn start_gateway() -> (tokio::process::Child, Vec<String>) {
    let mut command = gateway_command(env!("CARGO_BIN_EXE_connectors-gateway"), ["--port", "0"]);
    command.env_remove("CONNECTORS_LOG").env("RUST_LOG", "warn");
    spawn_until(
        command,
        Pipe::Stdout,
        |line| line.starts_with("Try:"),
        |_| {},
    )
    .await
}

#[tokio::test]
async fn prints_every_variable_a_client_needs_as_export_lines() {
    let (mut child, printed) = start_gateway().await;
    let text = printed.join("\n");

    // The first line names the address; the rest of the printout is still there.
    let url = printed[0]
        .strip_prefix(connectors_test_support::gateway::LISTENING)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no listening line in:\n{text}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        text.contains("Development API key (tenant 'default'): cgw-dev-"),
        "{text}"
    );
    assert!(text.contains("/api/v1/tools/list"), "{text}");

    // Exactly three export lines, each `export NAME=VALUE` as a shell takes it.
    let exports: BTreeMap<&str, &str> = printed
        .iter()
        .filter_map(|line| line.strip_prefix("export "))
        .map(|assignment| assignment.split_once('=').expect("NAME=VALUE"))
        .collect();
    assert_eq!(
        exports.keys().copied().collect::<Vec<_>>(),
        [
            "CONNECTORS_API_KEY",
            "CONNECTORS_BASE_URL",
            "CONNECTORS_TENANT_ID"
        ],
        "{text}"
    );
    let lines: Vec<&str> = printed
        .iter()
        .map(String::as_str)
        .filter(|line| line.starts_with("export "))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(exports["CONNECTORS_BASE_URL"], url);
    assert_eq!(exports["CONNECTORS_TENANT_ID"], "default");
    let key = exports["CONNECTORS_API_KEY"];
    assert!(key.starts_with("cgw-dev-") && key.len() >= 32, "{key}");
    assert!(
        text.contains(&format!("Development API key (tenant 'default'): {key}")),
        "{text}"
    );
    for value in exports.values() {
        assert!(
            value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ":/.-_".contains(c)),
            "{value} would need quoting in a shell"
        );
    }

    // What they are for: the three values are enough to invoke a tool.
    let reply = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/tools/invoke",
            exports["CONNECTORS_BASE_URL"]
        ))
        .bearer_auth(key)
        .json(&json!({
            "toolId": "math.evaluate",
            "integration": "math",
            "tenantId": exports["CONNECTORS_TENANT_ID"],
            "parameters": {"expression": "6*7"}
        }))
        .send()
        .await
        .expect("invoke sent");
    assert_eq!(reply.status(), reqwest::StatusCode::OK);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["data"]["result"]["structuredContent"]["result"], 42.0);

    child.kill().await.unwrap();
}
