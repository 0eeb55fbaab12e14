//! Shared by the contract's integration tests: the base of a drifting gateway (a local
//! wiremock server on which every route is missing), the options that point the runner at
//! it, the `connectors-contract` binary, and a temporary directory for its files.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use connectors_contract::runner::Options;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The `metadata` of the gateway's envelopes.
pub fn metadata() -> Value {
    json!({"timestamp": "2026-11-21T00:00:00.000Z", "requestId": "r"})
}

/// A gateway whose every route but those mounted on it later answers 404
/// ROUTE_NOT_FOUND, as the original gateway answers a route it lacks.
pub async fn gateway_without_routes() -> MockServer {
    let server = MockServer::start().await;
    let missing = json!({
        "success": false,
        "error": {"code": "ROUTE_NOT_FOUND", "message": "Route not found"},
        "metadata": metadata(),
    });
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(404).set_body_json(missing))
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

/// Mounts on `server` a `/health` that drifted from the spec (its `uptime` is not a
/// number); returns the body it answers.
pub async fn mount_drifted_health(server: &MockServer) -> Value {
    let health = json!({
        "success": true,
        "data": {"status": "healthy", "uptime": "soon"},
        "metadata": metadata(),
    });
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(health.clone()))
        .mount(server)
        .await;
    health
}

/// The in-process runner's options for `server`, with `api_key` for tenant-a.
pub fn options(server: &MockServer, api_key: &str) -> Options {
    Options {
        url: Some(server.uri()),
        settings: vec![
            ("CONNECTORS_API_KEY".into(), api_key.into()),
            ("CONNECTORS_TENANT_ID".into(), "tenant-a".into()),
        ],
        ..Options::default()
    }
}

/// The `connectors-contract` binary, without the CONNECTORS_* settings of the shell that
/// runs the tests (they must not redirect the run).
pub fn runner() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_connectors-contract"));
    for (name, _) in std::env::vars() {
        if name.starts_with("CONNECTORS_") {
            command.env_remove(name);
        }
    }
    command
}

/// A new directory under the system's temporary one, unique to this process and call.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "connectors-contract-{name}-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// The summary line of a run in which every operation of the spec passed, counted from the
/// generated table, so a new operation in `openapi.yaml` needs no edit here.
pub fn every_operation_passed() -> String {
    let total = connectors_contract::operations::OPERATIONS.len();
    format!("{total} operations: {total} passed, 0 failed, 0 not offered, 0 skipped (read-only)")
}

/// The summary line of a run against a gateway with the original gateway's routes alone:
/// they pass and the extension routes are not offered (both counted from the table).
pub fn original_operations_passed() -> String {
    let operations = connectors_contract::operations::OPERATIONS;
    let extensions = operations.iter().filter(|op| op.extension).count();
    format!(
        "{} operations: {} passed, 0 failed, {extensions} not offered, 0 skipped (read-only)",
        operations.len(),
        operations.len() - extensions
    )
}
