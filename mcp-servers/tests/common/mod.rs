//! Shared helpers for the integration tests: a real rmcp client that records progress.

#![allow(dead_code)]

use rmcp::{
    ClientHandler, RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam},
    service::{NotificationContext, RunningService},
    transport::{ConfigureCommandExt, TokioChildProcess},
};
use serde_json::Value;
use tokio::sync::mpsc;

/// A client handler that forwards every `notifications/progress` to a channel.
#[derive(Clone)]
pub struct ProgressClient {
    tx: mpsc::UnboundedSender<ProgressNotificationParam>,
}

impl ProgressClient {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<ProgressNotificationParam>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }
}

impl ClientHandler for ProgressClient {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.tx.send(params);
    }
}

pub type Client = RunningService<RoleClient, ProgressClient>;

/// Spawns `connectors-mcp-servers <server>` as a child process and connects over stdio.
pub async fn spawn_stdio(
    server: &str,
) -> (Client, mpsc::UnboundedReceiver<ProgressNotificationParam>) {
    let command = tokio::process::Command::new(env!("CARGO_BIN_EXE_connectors-mcp-servers"))
        .configure(|cmd| {
            cmd.arg(server).env("RUST_LOG", "warn");
        });
    let transport = TokioChildProcess::new(command).expect("spawn server binary");
    let (handler, rx) = ProgressClient::new();
    let client = handler.serve(transport).await.expect("MCP handshake");
    (client, rx)
}

/// Calls `tool` with JSON `arguments` (an object).
pub async fn call(client: &Client, tool: &'static str, arguments: Value) -> CallToolResult {
    let arguments = match arguments {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    };
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("tools/call {tool} failed at the protocol level: {e}"))
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

/// Sorted tool names.
pub async fn tool_names(client: &Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    names
}
