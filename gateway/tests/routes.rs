//! The routes come from the operation table generated from `openapi.yaml`
//! (`connectors::operations::OPERATIONS`): every operation is served on the full profile,
//! at its method and path, and every keyed one goes through the idempotency layer.

mod common;

use common::*;
use connectors::operations::{OPERATIONS, Operation, RetryClass};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Sends one request for `op` (sample path, `{}` as the body of a write) and returns the
/// status and, unless it answered with an event stream, the JSON body.
async fn call(gw: &Gw, op: &Operation, headers: &[(&str, &str)]) -> (StatusCode, Value, bool) {
    let method: Method = op.method.parse().unwrap();
    let mut request = gw
        .http
        .request(
            method.clone(),
            format!("{}{}", gw.url, sample_path(op.path)),
        )
        .header("authorization", format!("Bearer {KEY_A}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if method == Method::POST || method == Method::PATCH {
        request = request.json(&json!({}));
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let replayed = response.headers().get("idempotent-replayed").is_some();
    let streams = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if streams {
        // An event stream does not end by itself: the status and the type say enough.
        return (status, Value::Null, replayed);
    }
    let text = response.text().await.expect("body read");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, replayed)
}

#[tokio::test]
async fn every_operation_of_the_spec_is_routed_at_its_method_and_path() {
    let gw = start().await;
    for op in OPERATIONS {
        let (status, body, _) = call(&gw, op, &[]).await;
        let what = format!("{} {} {}", op.id, op.method, op.path);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{what}: {body}");
        assert_ne!(body["error"]["code"], "ROUTE_NOT_FOUND", "{what}: {body}");
        assert!(status.as_u16() < 500, "{what}: {status} {body}");
    }
    // The one route the spec does not describe.
    assert_eq!(gw.get("/api/v1/docs").await.status, StatusCode::OK);
    gw.running.shutdown().await;
}

/// Every keyed POST replays its first answer for the same key (the idempotency layer does
/// not yet handle other methods; it is applied to every keyed operation all the same).
#[tokio::test]
async fn every_keyed_post_replays_the_first_answer_for_the_same_key() {
    let gw = start().await;
    let keyed: Vec<&Operation> = OPERATIONS
        .iter()
        .filter(|op| op.retry == RetryClass::Keyed && op.method == "POST")
        .collect();
    assert!(!keyed.is_empty());
    for (n, op) in keyed.into_iter().enumerate() {
        let key = format!("routes-test-key-{n}");
        let headers = [("idempotency-key", key.as_str())];
        let (first_status, first, first_replayed) = call(&gw, op, &headers).await;
        let (status, again, replayed) = call(&gw, op, &headers).await;
        assert!(!first_replayed, "{}", op.id);
        assert!(replayed, "{}: {status} {again}", op.id);
        assert_eq!(status, first_status, "{}", op.id);
        assert_eq!(again["error"], first["error"], "{}", op.id);
    }
    gw.running.shutdown().await;
}
