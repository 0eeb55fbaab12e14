//! The host configuration of the README, started as written (its args, its env keys; the
//! binary under test in place of the command, an absolute path to `connectors`), against
//! the reference gateway in-process: what a host would run.

mod common;

use std::path::Path;

use common::{async_command, env_of, gateway};
use connectors_test_support::mcp::{call, list_changed, spawn_child, tool_names};
use serde_json::{Value, json};

/// The JSON block after the README's `host-config` marker.
fn host_config() -> Value {
    let readme = include_str!("../README.md");
    let (_, after) = readme
        .split_once("<!-- host-config")
        .expect("the host-config marker");
    let (_, block) = after
        .split_once("```json\n")
        .expect("a json block after the marker");
    let (block, _) = block.split_once("```").expect("the block's end");
    serde_json::from_str(block).expect("the README's host configuration is JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_host_configuration_starts_a_working_bridge() {
    let config = host_config();
    let server = &config["mcpServers"]["connectors"];
    // Hosts start the command without the shell's PATH: the block shows an absolute path
    // to the installed binary (the test runs the binary it built in its place).
    let command = Path::new(server["command"].as_str().expect("a command string"));
    assert!(command.is_absolute(), "{command:?} is not absolute");
    assert_eq!(
        command.file_name().and_then(|n| n.to_str()),
        Some("connectors"),
        "the installed binary's name"
    );
    let args: Vec<String> = server["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("string args").to_string())
        .collect();
    let env = server["env"].as_object().expect("env");

    let gw = gateway().await;
    // The README's variables, with this gateway's values in place of the placeholders.
    let values = env_of(&gw);
    let mut keys: Vec<&str> = env.keys().map(String::as_str).collect();
    keys.sort();
    let mut ours: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
    ours.sort();
    assert_eq!(
        keys, ours,
        "the README sets exactly the SDK's three variables"
    );

    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (client, mut seen) = spawn_child(async_command(&gw, &args)).await;
    assert_eq!(tool_names(&client).await, ["call_tool", "find_tools"]);
    let found = call(
        &client,
        "find_tools",
        json!({"query": "evaluate an arithmetic expression", "max_tools": 1}),
    )
    .await;
    assert_ne!(found.is_error, Some(true), "{found:?}");
    list_changed(&mut seen).await;
    let result = call(&client, "math__evaluate", json!({"expression": "2*(3+4)"})).await;
    assert_eq!(result.structured_content.as_ref().unwrap()["result"], 14.0);
    client.cancel().await.unwrap();
    gw.shutdown().await;
}

/// The names the README shows are the SDK's mapping, as `--format` prints it.
#[test]
fn the_readme_names_are_the_sdk_mapping() {
    let readme = include_str!("../README.md");
    for id in ["math.evaluate", "names.files/read"] {
        let name = connectors::function_calling::function_name(id);
        assert!(readme.contains(&format!("`{name}`")), "{id} is `{name}`");
    }
}
