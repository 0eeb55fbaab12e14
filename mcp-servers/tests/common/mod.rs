//! Shared helpers for the integration tests: the server binary as a child process behind
//! the rmcp client of `connectors_test_support::mcp`, and checks of tool results.

#![allow(dead_code)]

use connectors_mcp_servers::serve_io_with;
use connectors_test_support::mcp::{Client, Notifications, Recorder, spawn_child};
use rmcp::model::CallToolResult;
use rmcp::service::RunningService;
use rmcp::{RoleServer, ServiceExt};
use serde_json::Value;

/// The command `connectors-mcp-servers <server>`, logging warnings only.
pub fn server_command(server: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_connectors-mcp-servers"));
    command.arg(server).env("RUST_LOG", "warn");
    command
}

/// Spawns `connectors-mcp-servers <server>` as a child process and connects over stdio.
pub async fn spawn_stdio(server: &str) -> (Client, Notifications) {
    spawn_child(server_command(server)).await
}

/// `server` served in-process over a duplex byte stream (`serve_io_with`), and a client
/// of it; both handshakes run at once, since each needs the other side.
pub async fn over_duplex<S: rmcp::Service<RoleServer>>(
    server: S,
) -> (RunningService<RoleServer, S>, Client) {
    let (client_end, server_end) = tokio::io::duplex(64 * 1024);
    let (reader, writer) = tokio::io::split(server_end);
    let (handler, _) = Recorder::new();
    let (server, client) = tokio::join!(
        serve_io_with(server, reader, writer),
        handler.serve(client_end)
    );
    (
        server.expect("the server's side of the handshake"),
        client.expect("the client's side of the handshake"),
    )
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
