//! Shared helpers for the integration tests: a real rmcp client that records progress
//! (`client`, shared with the CLI's bridge tests), the server binary as its child process,
//! and checks of tool results.

#![allow(dead_code)]

pub mod client;

use rmcp::model::CallToolResult;
use rmcp::transport::ConfigureCommandExt;
use serde_json::Value;

/// Spawns `connectors-mcp-servers <server>` as a child process and connects over stdio.
pub async fn spawn_stdio(server: &str) -> (client::Client, client::Notifications) {
    let command = tokio::process::Command::new(env!("CARGO_BIN_EXE_connectors-mcp-servers"))
        .configure(|cmd| {
            cmd.arg(server).env("RUST_LOG", "warn");
        });
    client::spawn_child(command).await
}

/// The structured content of a successful result, checked against its text content.
pub fn ok_json(result: &CallToolResult) -> Value {
    assert_eq!(
        result.is_error,
        Some(false),
        "tool error: {:?}",
        result.content
    );
    let structured = result
        .structured_content
        .clone()
        .expect("structured content");
    let text = result
        .content
        .first()
        .and_then(|c| c.as_text())
        .expect("a text content item");
    let from_text: Value = serde_json::from_str(&text.text).expect("text content is JSON");
    assert_eq!(from_text, structured, "text and structured content differ");
    structured
}

/// The text of a tool error result.
pub fn error_text(result: &CallToolResult) -> String {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected a tool error: {result:?}"
    );
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .expect("error text")
}
