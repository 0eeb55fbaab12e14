//! `connectors mcp serve` judged by clients nobody here wrote: the official Python MCP SDK
//! (pip `mcp`, its default `Client` in auto mode, 2026-07-28, and in legacy mode,
//! 2025-11-25) and the official TypeScript SDK (npm `@modelcontextprotocol/sdk`), over stdio
//! and streamable HTTP, in front of the reference gateway in-process on 127.0.0.1.
//!
//! Each combination runs one script of `tests/clients/` as a child process; the script
//! prints one JSON line per check and this test judges them. The clients are installed by
//! `bash cli/tests/clients/install.sh` (which `.ci/run` calls) into `target/py` and
//! `target/js`; without them these tests fail and say so, unless
//! `CONNECTORS_SKIP_OFFICIAL_CLIENTS=1` is set.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::{BIN, env_of, gateway};
use serde_json::Value;

/// Every check a script runs; `origin` over HTTP only.
const CHECKS: &[&str] = &[
    "list",
    "find",
    "notified",
    "listed_after_find",
    "call_found",
    "facts",
    "progress",
    "cancel",
    "origin",
];

/// Checks whose server side is still being built (issue 21), with what they wait for. Their
/// results are shown but not required; one that passes fails the test, so that it is taken
/// off this list (the list must end empty).
const PENDING: &[(&str, &str)] = &[];

#[derive(Debug, Clone, Copy)]
enum Sdk {
    PythonAuto,
    PythonLegacy,
    Node,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Transport {
    Stdio,
    Http,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    std::env::var_os("CONNECTORS_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/py/bin/python"))
}

fn node_sdk() -> PathBuf {
    std::env::var_os("CONNECTORS_TEST_NODE_SDK")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/js"))
}

/// False (skip) only when the clients are missing and CONNECTORS_SKIP_OFFICIAL_CLIENTS=1.
fn installed(sdk: Sdk) -> bool {
    let (present, what) = match sdk {
        Sdk::PythonAuto | Sdk::PythonLegacy => (python().exists(), "the Python SDK (mcp 2.3.0)"),
        Sdk::Node => (
            node_sdk()
                .join("node_modules/@modelcontextprotocol/sdk/package.json")
                .exists(),
            "the TypeScript SDK (@modelcontextprotocol/sdk 1.32.2)",
        ),
    };
    if present {
        return true;
    }
    let message = format!(
        "{what} is not installed for the official-client tests: run `bash cli/tests/clients/install.sh` \
         (needs python3 and npm; installs into target/py and target/js), or set \
         CONNECTORS_SKIP_OFFICIAL_CLIENTS=1 to skip these tests"
    );
    if std::env::var("CONNECTORS_SKIP_OFFICIAL_CLIENTS").as_deref() == Ok("1") {
        eprintln!("skipped: {message}");
        return false;
    }
    panic!("{message}");
}

/// Runs the client of `sdk` against a bridge over `transport` and returns each check's
/// result: (ok, detail).
async fn run_client(sdk: Sdk, transport: Transport) -> BTreeMap<String, (bool, String)> {
    let gw = gateway().await;
    let mut server = None;
    let target = match transport {
        Transport::Stdio => vec!["--stdio".to_string(), BIN.to_string()],
        Transport::Http => {
            let (child, url) =
                common::serve_http(&gw, &[], |line| eprintln!("[bridge] {line}")).await;
            server = Some(child);
            vec!["--http".to_string(), url]
        }
    };
    let clients = repo().join("cli/tests/clients");
    let mut command = match sdk {
        Sdk::PythonAuto | Sdk::PythonLegacy => {
            let mut command = tokio::process::Command::new(python());
            let mode = if matches!(sdk, Sdk::PythonAuto) {
                "auto"
            } else {
                "legacy"
            };
            command
                .arg(clients.join("python_client.py"))
                .args(["--mode", mode]);
            command
        }
        Sdk::Node => {
            let mut command = tokio::process::Command::new("node");
            command
                .arg(clients.join("node_client.cjs"))
                .arg("--sdk")
                .arg(node_sdk());
            command
        }
    };
    for (key, _) in std::env::vars() {
        if key.starts_with("CONNECTORS_") {
            command.env_remove(key);
        }
    }
    command
        .envs(env_of(&gw))
        .args(&target)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(300), command.output())
        .await
        .unwrap_or_else(|_| panic!("{sdk:?} over {transport:?}: the client ran for 5 minutes"))
        .unwrap_or_else(|e| panic!("{sdk:?}: could not start the client: {e}"));
    drop(server);
    gw.shutdown().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{sdk:?} over {transport:?}: the client crashed ({:?})\n{stdout}",
        output.status
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|line| {
            (
                line["check"].as_str().unwrap_or_default().to_string(),
                (
                    line["ok"] == true,
                    line["detail"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

/// Runs one combination and judges every check.
async fn judge(sdk: Sdk, transport: Transport) {
    if !installed(sdk) {
        return;
    }
    let results = run_client(sdk, transport).await;
    let mut failures = Vec::new();
    // The version each Python mode negotiates (the list check's detail starts with it).
    let version = match sdk {
        Sdk::PythonAuto => Some("2026-07-28"),
        Sdk::PythonLegacy => Some("2025-11-25"),
        Sdk::Node => None,
    };
    if let (Some(version), Some((_, detail))) = (version, results.get("list"))
        && !detail.starts_with(version)
    {
        failures.push(format!(
            "negotiated another version than {version}: {detail}"
        ));
    }
    for check in CHECKS {
        let expected = *check != "origin" || transport == Transport::Http;
        let pending = PENDING.iter().find(|(name, _)| name == check);
        let outcome = match (results.get(*check), expected) {
            (None, false) => continue,
            (Some(_), false) => Some("ran although it does not apply".to_string()),
            (None, true) => Some("did not run".to_string()),
            (Some((true, _)), true) if pending.is_some() => Some(format!(
                "passes now: take it off PENDING ({})",
                pending.unwrap().1
            )),
            (Some((true, _)), true) => None,
            (Some((false, _)), true) if pending.is_some() => {
                eprintln!(
                    "{sdk:?}/{transport:?} {check}: pending ({})",
                    pending.unwrap().1
                );
                None
            }
            (Some((false, detail)), true) => Some(detail.clone()),
        };
        let mark = match (&outcome, results.get(*check)) {
            (Some(_), _) => "FAIL",
            (None, Some((true, _))) => "pass",
            _ => "pending",
        };
        eprintln!("{sdk:?}/{transport:?} {check}: {mark}");
        if let Some(reason) = outcome {
            failures.push(format!("{check}: {reason}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{sdk:?} over {transport:?}:\n{}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn python_auto_over_stdio() {
    judge(Sdk::PythonAuto, Transport::Stdio).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn python_auto_over_http() {
    judge(Sdk::PythonAuto, Transport::Http).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn python_legacy_over_stdio() {
    judge(Sdk::PythonLegacy, Transport::Stdio).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn python_legacy_over_http() {
    judge(Sdk::PythonLegacy, Transport::Http).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn node_over_stdio() {
    judge(Sdk::Node, Transport::Stdio).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn node_over_http() {
    judge(Sdk::Node, Transport::Http).await;
}
