//! Helpers shared by the facade tests: a client of a local wiremock server with tiny
//! backoff delays, and envelope bodies.
#![allow(dead_code)]

use std::time::Duration;

use connectors::{Connectors, ConnectorsBuilder, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An API key of the length the gateway requires; tests check it never leaks.
pub const KEY: &str = "ck_test_5f3a9c1e7b2d4f6a8c0e1b3d5f7a9c1e";
pub const TENANT: &str = "tenant-a";

/// A builder for a client of `server` with millisecond backoff.
pub fn builder(server: &MockServer) -> ConnectorsBuilder {
    Connectors::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .tenant_id(TENANT)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
}

pub fn client(server: &MockServer) -> Connectors {
    builder(server).build().expect("client")
}

/// Mounts on `server`: `first` for the first `times` requests `verb route`, then `then`.
pub async fn failing_then(
    server: &MockServer,
    verb: &str,
    route: &str,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// [`failing_then`] once.
pub async fn first_then(
    server: &MockServer,
    verb: &str,
    route: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    failing_then(server, verb, route, first, 1, then).await;
}

/// A success envelope around `data`.
pub fn ok(data: Value) -> Value {
    json!({"success": true, "data": data, "metadata": {"timestamp": "2026-11-21T16:11:56.459Z", "requestId": "req-1", "version": "1.0.0"}})
}

/// A 200 answer to `math.evaluate` with the text `14`.
pub fn invoke_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(ok(json!({
        "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]},
        "performance": {"latency_ms": 3}
    })))
}

/// An error envelope.
pub fn err(code: &str, message: &str) -> Value {
    json!({"success": false, "error": {"code": code, "message": message}, "metadata": {"timestamp": "2026-11-21T16:11:56.459Z", "requestId": "req-err"}})
}

pub fn tool(id: &str, score: f64, tier: i64) -> Value {
    json!({"toolId": id, "name": id.split('.').nth(1).unwrap(), "description": format!("{id} does things"), "category": "code",
           "score": score, "tokenCost": 100, "tier": tier})
}

/// The exchanges recorded from the real gateway (`tests/fixtures/connectors-gateway`).
pub fn recorded_exchanges() -> Value {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/connectors-gateway/recorded.json"
    );
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("the recorded exchanges are needed at {file}: {e}"));
    serde_json::from_str(&text).expect("recorded.json is JSON")
}
