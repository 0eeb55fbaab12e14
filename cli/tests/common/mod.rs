//! Shared by the CLI and bridge tests: the reference gateway in-process on 127.0.0.1 and
//! the `connectors` binary pointed at it. The rmcp client the bridge tests drive it with
//! is `connectors_test_support::mcp`.
#![allow(dead_code)]

use std::process::{Command, Output};

use connectors_gateway::{Gateway, RunningGateway};
use connectors_test_support::process::{Pipe, spawn_until_prefix};
use serde_json::Value;

/// The built binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_connectors");

/// The built-in `notes` MCP server over streamable HTTP on a free loopback port, in this
/// process: a server to deploy (its `url()`), stopped when the handle is dropped.
pub async fn notes_over_http() -> connectors_mcp_servers::HttpServerHandle {
    let any_port = "127.0.0.1:0".parse().expect("a socket address");
    let (_, notes) =
        connectors_mcp_servers::serve_http(connectors_mcp_servers::Builtin::Notes, any_port)
            .await
            .expect("the notes server over HTTP");
    notes
}

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

/// [`command`] for a child the test talks to while it runs (an MCP server on its stdio).
pub fn async_command(gateway: &RunningGateway, args: &[&str]) -> tokio::process::Command {
    command(gateway, args).into()
}

/// Runs `connectors ARGS` (off the async workers: the gateway runs on them).
pub async fn run(gateway: &RunningGateway, args: &[&str]) -> Output {
    let mut command = command(gateway, args);
    tokio::task::spawn_blocking(move || command.output().expect("run connectors"))
        .await
        .expect("join")
}

/// Runs a prepared [`command`] (off the async workers: the gateway runs on them).
pub async fn output(mut command: Command) -> Output {
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

/// What the HTTP bridge prints on stderr before the URL it serves at.
const SERVING_AT: &str = "connectors: serving MCP at ";

/// Starts `command`, a `connectors mcp serve --http ...`, and waits for the URL it prints;
/// the rest of its stderr goes line by line to `forward` (e.g. to print it).
pub async fn start_http_bridge(
    mut command: tokio::process::Command,
    forward: fn(&str),
) -> (tokio::process::Child, String) {
    command.stdout(std::process::Stdio::null());
    spawn_until_prefix(command, Pipe::Stderr, SERVING_AT, forward).await
}

/// `connectors mcp serve --http 127.0.0.1:0 ARGS` against `gateway`, started, with the URL
/// it printed and the rest of its stderr (each line to `forward`, e.g. to print it).
pub async fn serve_http(
    gateway: &RunningGateway,
    args: &[&str],
    forward: fn(&str),
) -> (tokio::process::Child, String) {
    let args = [&["mcp", "serve", "--http", "127.0.0.1:0"], args].concat();
    start_http_bridge(async_command(gateway, &args), forward).await
}
