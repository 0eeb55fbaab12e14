//! Shared by the CLI and bridge tests: the reference gateway in-process on 127.0.0.1, the
//! `connectors` binary pointed at it, and a real rmcp client that records notifications.
#![allow(dead_code)]

use std::process::{Command, Output};

use connectors_gateway::{Gateway, RunningGateway};
use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::{ClientHandler, RoleClient};
use serde_json::Value;
use tokio::sync::mpsc;

/// The built binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_connectors");

/// The CONNECTORS_* settings of `gateway`, as a host's configuration would set them.
pub fn env_of(gateway: &RunningGateway) -> Vec<(&'static str, String)> {
    vec![
        ("CONNECTORS_BASE_URL", gateway.url().to_string()),
        ("CONNECTORS_API_KEY", gateway.api_key().to_string()),
        ("CONNECTORS_TENANT_ID", gateway.tenant_id().to_string()),
    ]
}

pub async fn gateway() -> RunningGateway {
    Gateway::builder().spawn().await.expect("reference gateway")
}

/// `connectors ARGS` against `gateway`, with no CONNECTORS_* setting of the test's own
/// environment leaking in.
pub fn command(gateway: &RunningGateway, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("CONNECTORS_") {
            command.env_remove(key);
        }
    }
    command.envs(env_of(gateway)).args(args);
    command
}

/// Runs `connectors ARGS` (off the async workers: the gateway runs on them).
pub async fn run(gateway: &RunningGateway, args: &[&str]) -> Output {
    let mut command = command(gateway, args);
    tokio::task::spawn_blocking(move || command.output().expect("run connectors"))
        .await
        .expect("join")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The stdout of a run that must succeed, as JSON.
pub fn json_ok(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

/// What the MCP client saw besides answers.
#[derive(Debug)]
pub enum Seen {
    Progress(ProgressNotificationParam),
    ToolListChanged,
}

/// A client handler that forwards progress and tools/list_changed notifications.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::UnboundedSender<Seen>,
}

impl Recorder {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Seen>) {
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

pub type Client = RunningService<RoleClient, Recorder>;

/// Calls `tool` with JSON `arguments`; a protocol-level failure fails the test (the
/// bridge answers every call with a result).
pub async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object");
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("tools/call {tool} failed at the protocol level: {e}"))
}

/// The text of a result's first content item.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

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

/// Waits (at most 20 s) for a tools/list_changed notification, skipping progress.
pub async fn list_changed(seen: &mut mpsc::UnboundedReceiver<Seen>) {
    let wait = async {
        while let Some(event) = seen.recv().await {
            if matches!(event, Seen::ToolListChanged) {
                return;
            }
        }
        panic!("the client closed before tools/list_changed");
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), wait)
        .await
        .expect("a tools/list_changed notification");
}
