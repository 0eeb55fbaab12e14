//! A real rmcp client for tests that drive an MCP server: a handler that records what the
//! server announces, the two ways to connect it (a child process's stdio, streamable
//! HTTP), and the calls the tests make through it. Used by the tests of
//! `connectors-mcp-servers` and by the bridge tests of `connectors-cli` (whose bridge is
//! an MCP server too).

use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;
use tokio::sync::mpsc;

/// A notification the client received.
#[derive(Debug)]
pub enum Seen {
    /// `notifications/progress`.
    Progress(ProgressNotificationParam),
    /// `notifications/tools/list_changed`.
    ToolListChanged,
}

/// What the client received, in order.
pub type Notifications = mpsc::UnboundedReceiver<Seen>;

/// A client handler that forwards progress and tools/list_changed notifications.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::UnboundedSender<Seen>,
}

impl Recorder {
    /// A recorder and the receiving end of what it records.
    pub fn new() -> (Self, Notifications) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Recorder { tx }, rx)
    }
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.tx.send(Seen::Progress(params));
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        let _ = self.tx.send(Seen::ToolListChanged);
    }
}

/// A connected client.
pub type Client = RunningService<RoleClient, Recorder>;

/// Starts `command` as a child process and completes the MCP handshake over its stdio.
pub async fn spawn_child(command: tokio::process::Command) -> (Client, Notifications) {
    let transport = TokioChildProcess::new(command).expect("spawn the MCP server process");
    let (recorder, seen) = Recorder::new();
    let client = recorder
        .serve(transport)
        .await
        .expect("MCP handshake over stdio");
    (client, seen)
}

/// Connects to the streamable HTTP MCP endpoint at `url`.
pub async fn connect_http(url: &str) -> (Client, Notifications) {
    let (recorder, seen) = Recorder::new();
    let client = recorder
        .serve(StreamableHttpClientTransport::from_uri(url.to_string()))
        .await
        .expect("MCP handshake over HTTP");
    (client, seen)
}

/// Calls `tool` with JSON `arguments` (an object); a protocol-level failure fails the test.
pub async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object, got {arguments}");
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("tools/call {tool} failed at the protocol level: {e}"))
}

/// The text of a result's first content item (empty when it has none).
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// The server's tool names, sorted.
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

/// The next progress notification, skipping any other (at most 20 s).
pub async fn next_progress(seen: &mut Notifications) -> ProgressNotificationParam {
    let wait = async {
        while let Some(event) = seen.recv().await {
            if let Seen::Progress(progress) = event {
                return progress;
            }
        }
        panic!("the client closed before the next progress notification");
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("a progress notification")
}

/// Waits (at most 20 s) for a tools/list_changed notification, skipping progress.
pub async fn list_changed(seen: &mut Notifications) {
    let wait = async {
        while let Some(event) = seen.recv().await {
            if matches!(event, Seen::ToolListChanged) {
                return;
            }
        }
        panic!("the client closed before tools/list_changed");
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("a tools/list_changed notification");
}
