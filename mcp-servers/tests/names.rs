//! The `names` server run as a real child process over stdio: its awkward tool names, the
//! echo of every call and the call log named by `CONNECTORS_NAMES_CALL_LOG`.

mod common;

use std::path::{Path, PathBuf};

use common::{ok_json, server_command};
use connectors_mcp_servers::names::{CALL_LOG_ENV, LONG_TOOL_NAME, TOOL_NAMES};
use connectors_test_support::mcp::{self as client, call};
use serde_json::{Value, json};

/// `connectors-mcp-servers names` as a child process, logging calls to `log` when given.
async fn spawn_names(log: Option<&Path>) -> client::Client {
    let mut command = server_command("names");
    command.env_remove(CALL_LOG_ENV);
    if let Some(log) = log {
        command.env(CALL_LOG_ENV, log);
    }
    client::spawn_child(command).await.0
}

/// The echo of a successful call without its `meta` (rmcp's client sends a progress
/// token with every call, so every echo has one).
fn echo(result: &rmcp::model::CallToolResult) -> Value {
    let mut out = ok_json(result);
    let meta = out.as_object_mut().unwrap().remove("meta");
    assert!(
        meta.as_ref()
            .is_some_and(|m| m.get("progressToken").is_some()),
        "{meta:?}"
    );
    out
}

/// A fresh, empty directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connectors-names-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn log_lines(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each log line is JSON"))
        .collect()
}

#[tokio::test]
async fn lists_the_awkward_names_with_schemas_and_annotations() {
    let client = spawn_names(None).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("connectors-names")
    );

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOL_NAMES);
    for expected in [
        "get.user",
        "get_user",
        "Get-User",
        "files/read",
        "files.read",
        "get user",
        "données.lire",
        "UPPER",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    assert_eq!(LONG_TOOL_NAME.chars().count(), 80);
    assert!(LONG_TOOL_NAME.starts_with("a_very_long_tool_name_a_very_long"));

    let mut descriptions = Vec::new();
    for tool in &tools {
        let description = tool.description.as_deref().unwrap_or_default();
        assert!(
            description.len() > 30,
            "{}: description too short",
            tool.name
        );
        descriptions.push(description.to_string());
        let schema = &tool.input_schema;
        assert_eq!(schema.get("type"), Some(&json!("object")), "{}", tool.name);
        let required = schema["required"].as_array().expect("required properties");
        assert!(!required.is_empty(), "{}", tool.name);
        assert!(
            tool.output_schema.is_some(),
            "{} has no output schema",
            tool.name
        );
    }
    descriptions.sort();
    descriptions.dedup();
    assert_eq!(descriptions.len(), tools.len(), "descriptions are distinct");

    let upper = tools.iter().find(|t| t.name == "UPPER").unwrap();
    assert_eq!(upper.input_schema["properties"]["count"]["type"], "integer");
    assert_eq!(upper.input_schema["required"], json!(["count"]));
    let read = tools.iter().find(|t| t.name == "files/read").unwrap();
    let annotations = read.annotations.as_ref().expect("files/read annotations");
    assert_eq!(annotations.read_only_hint, Some(true));
    let dotted = tools.iter().find(|t| t.name == "files.read").unwrap();
    assert!(dotted.annotations.is_none());

    // Without CONNECTORS_NAMES_CALL_LOG the calls are answered all the same.
    let out = echo(&call(&client, "Get-User", json!({ "value": "ada@example.com" })).await);
    assert_eq!(
        out,
        json!({ "tool": "Get-User", "arguments": { "value": "ada@example.com" }, "call": 1 })
    );

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn calls_echo_name_arguments_and_count_and_are_logged() {
    let dir = scratch("calls");
    let log = dir.join("calls.jsonl");
    let client = spawn_names(Some(&log)).await;

    let out = echo(&call(&client, "get user", json!({ "value": "Ada Lovelace" })).await);
    assert_eq!(
        out,
        json!({ "tool": "get user", "arguments": { "value": "Ada Lovelace" }, "call": 1 })
    );
    let out = echo(&call(&client, "données.lire", json!({ "value": "clé-1" })).await);
    assert_eq!(
        out,
        json!({ "tool": "données.lire", "arguments": { "value": "clé-1" }, "call": 1 })
    );
    // Counts are per tool: a second call of `get user`, whatever the arguments.
    let args = json!({ "value": "Grace Hopper", "extra": [1, 2, { "nested": true }] });
    let out = echo(&call(&client, "get user", args.clone()).await);
    assert_eq!(
        out,
        json!({ "tool": "get user", "arguments": args, "call": 2 })
    );
    let out = echo(&call(&client, LONG_TOOL_NAME, json!({ "value": "T-42" })).await);
    assert_eq!(out["tool"], LONG_TOOL_NAME);
    assert_eq!(out["call"], 1);

    assert_eq!(
        log_lines(&log),
        [
            json!({ "tool": "get user", "arguments": { "value": "Ada Lovelace" } }),
            json!({ "tool": "données.lire", "arguments": { "value": "clé-1" } }),
            json!({ "tool": "get user", "arguments": args }),
            json!({ "tool": LONG_TOOL_NAME, "arguments": { "value": "T-42" } }),
        ]
    );

    // The request's `_meta` comes back as given (SEP-414 trace context here).
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut params = rmcp::model::CallToolRequestParams::new("UPPER")
        .with_arguments(json!({ "count": 1 }).as_object().unwrap().clone());
    rmcp::model::RequestParamsMeta::set_traceparent(&mut params, traceparent);
    rmcp::model::RequestParamsMeta::set_tracestate(&mut params, "rojo=1");
    let out = ok_json(&client.call_tool(params).await.unwrap());
    assert_eq!(out["meta"]["traceparent"], traceparent, "{out}");
    assert_eq!(out["meta"]["tracestate"], "rojo=1", "{out}");
    assert_eq!(out["tool"], "UPPER");

    // An unknown name (here a near miss) is a protocol error, and is not logged.
    let unknown = client
        .call_tool(rmcp::model::CallToolRequestParams::new("get-user"))
        .await;
    assert!(unknown.is_err(), "{unknown:?}");
    assert_eq!(log_lines(&log).len(), 5);

    client.cancel().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn two_server_processes_append_to_one_log() {
    let dir = scratch("shared");
    let log = dir.join("calls.jsonl");
    let first = spawn_names(Some(&log)).await;
    let second = spawn_names(Some(&log)).await;

    let out = echo(&call(&first, "files/read", json!({ "path": "/etc/hosts" })).await);
    assert_eq!(out["call"], 1);
    // The count is the process's own: the other process has not seen `files/read` yet.
    let out = echo(&call(&second, "files/read", json!({ "path": "a.txt" })).await);
    assert_eq!(out["call"], 1);
    let out = echo(&call(&second, "UPPER", json!({ "count": 3 })).await);
    assert_eq!(
        out,
        json!({ "tool": "UPPER", "arguments": { "count": 3 }, "call": 1 })
    );

    let lines = log_lines(&log);
    assert_eq!(lines.len(), 3);
    let tools: Vec<&str> = lines.iter().map(|l| l["tool"].as_str().unwrap()).collect();
    assert_eq!(tools, ["files/read", "files/read", "UPPER"]);

    first.cancel().await.unwrap();
    second.cancel().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
