//! `Idempotency-Key` in the full profile, over real sockets: replays, cut responses,
//! cancelled requests, concurrent duplicates, reuse with another body, tenant scope and
//! the `Connectors-Idempotency` header.
//!
//! The tests that cut or cancel requests run on a multi-threaded runtime so that their
//! timeouts fire even if the gateway misbehaves by spinning on a worker.

mod common;

use std::time::Duration;

use common::*;
use connectors_gateway::Profile;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

const INVOKE: &str = "/api/v1/tools/invoke";

fn add_note(tenant: &str, title: &str) -> Value {
    add_note_with_body(tenant, title, "exactly once")
}

fn add_note_with_body(tenant: &str, title: &str, body: &str) -> Value {
    json!({"toolId": "notes.add_note", "integration": "notes", "tenantId": tenant, "parameters": {"title": title, "body": body}})
}

/// A `count_primes` call that takes a while (the largest `n` the tool accepts).
fn slow_call() -> Value {
    json!({"toolId": "math.count_primes", "integration": "math", "tenantId": TENANT_A, "parameters": {"n": 50_000_000u64}})
}

/// A keyed `POST path` with `body` as `api_key`'s tenant.
async fn keyed_post_as(gw: &Gw, api_key: &str, path: &str, body: &Value, key: &str) -> Reply {
    keyed_as(gw, api_key, Method::POST, path, Some(body), key).await
}

async fn note_count(gw: &Gw, api_key: &str, tenant: &str) -> usize {
    let reply = gw
        .post_as(
            api_key,
            INVOKE,
            json!({"toolId": "notes.list_notes", "integration": "notes", "tenantId": tenant, "parameters": {}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.data()["result"]["structuredContent"]["notes"]
        .as_array()
        .map_or(0, Vec::len)
}

/// When a raw client closes its socket.
enum Hangup {
    /// Right after writing the request, before reading anything.
    BeforeReading,
    /// After reading the status line of the response (the body unread).
    AfterStatusLine,
    /// After `delay`, whatever has arrived by then.
    After(Duration),
}

/// Sends `POST path` with `body` and an `Idempotency-Key` over a hand-written HTTP/1.1
/// request, then closes the connection as `hangup` says.
async fn send_and_hang_up(
    gw: &Gw,
    path: &str,
    body: &Value,
    idempotency_key: &str,
    hangup: Hangup,
) {
    let head = format!("POST {path} HTTP/1.1\r\nIdempotency-Key: {idempotency_key}");
    let mut socket = gw.raw(head.as_bytes(), body.to_string().as_bytes()).await;
    match hangup {
        Hangup::BeforeReading => {}
        Hangup::AfterStatusLine => {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            let read_line = async {
                while !head.ends_with(b"\r\n") {
                    match socket.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
            };
            tokio::time::timeout(BOUND, read_line)
                .await
                .expect("a status line");
            assert!(head.starts_with(b"HTTP/1.1 200"), "{head:?}");
        }
        Hangup::After(delay) => tokio::time::sleep(delay).await,
    }
    drop(socket);
}

/// A client that hangs up before reading anything may do so before the server even
/// dispatches the request (hyper then drops it unstarted, and the retry is the first run,
/// not a replay); once dispatched, it runs to completion and the retry is its replay.
/// Either way the note is added exactly once, which is checked over several attempts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_cut_before_it_is_read_is_replayed_not_run_again() {
    let gw = start().await;
    let attempts = 5;
    let mut replayed = 0;
    for attempt in 0..attempts {
        let title = format!("cut before reading {attempt}");
        let key = format!("cut-1-{attempt}");
        let body = add_note(TENANT_A, &title);
        send_and_hang_up(&gw, INVOKE, &body, &key, Hangup::BeforeReading).await;
        let retry = keyed_post_as(&gw, KEY_A, INVOKE, &body, &key).await;
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
        assert_eq!(retry.data()["result"]["structuredContent"]["title"], title);
        if retry.headers.get("idempotent-replayed").is_some() {
            assert_eq!(retry.headers["idempotent-replayed"], "true");
            replayed += 1;
        }
        assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, attempt + 1);
    }
    println!("{replayed} of {attempts} retries were replays");
    gw.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_cut_after_its_status_line_is_replayed_not_run_again() {
    let gw = start().await;
    // A result of about 2 MB (the body twice) outgrows the socket buffers of a client that
    // stops reading, so the response is cut mid-body, not sent whole before the hang-up.
    let text = "x".repeat(1_000_000);
    let body = add_note_with_body(TENANT_A, "cut after the status line", &text);
    send_and_hang_up(&gw, INVOKE, &body, "cut-2", Hangup::AfterStatusLine).await;
    let retry = keyed_post_as(&gw, KEY_A, INVOKE, &body, "cut-2").await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let note = &retry.data()["result"]["structuredContent"];
    assert_eq!(note["title"], "cut after the status line");
    assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, 1);
    gw.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_client_went_away_completes_once_and_the_retry_gets_it() {
    let gw = start().await;
    let body = slow_call();
    // The client leaves while the sieve runs; the call is not cancelled with it.
    send_and_hang_up(
        &gw,
        INVOKE,
        &body,
        "slow-1",
        Hangup::After(Duration::from_millis(200)),
    )
    .await;
    let retry = keyed_post_as(&gw, KEY_A, INVOKE, &body, "slow-1").await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    // Replayed: the answer is the first (abandoned) call's, so the tool ran once.
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let result = &retry.data()["result"]["structuredContent"];
    assert_eq!(result["prime_count"], 3_001_134, "{}", retry.body);
    gw.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_duplicate_waits_for_the_first_and_gets_its_result() {
    let gw = start().await;
    let body = json!({"toolId": "math.count_primes", "integration": "math", "tenantId": TENANT_A, "parameters": {"n": 5_000_000u64}});
    let (first, second) = tokio::join!(
        keyed_post_as(&gw, KEY_A, INVOKE, &body, "together"),
        keyed_post_as(&gw, KEY_A, INVOKE, &body, "together"),
    );
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(first.data(), second.data());
    let replayed = [&first, &second]
        .iter()
        .filter(|r| r.headers.get("idempotent-replayed").is_some())
        .count();
    assert_eq!(replayed, 1, "one ran, the other was given its result");
    gw.running.shutdown().await;
}

#[tokio::test]
async fn a_key_reused_with_another_body_is_422() {
    let gw = start().await;
    let first = keyed_post_as(&gw, KEY_A, INVOKE, &add_note(TENANT_A, "first"), "reused").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let other = keyed_post_as(&gw, KEY_A, INVOKE, &add_note(TENANT_A, "second"), "reused").await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
    assert_eq!(other.body["success"], false);
    assert_eq!(other.code(), "IDEMPOTENCY_KEY_REUSED");
    assert!(other.body["error"]["message"].is_string());
    assert!(other.body["metadata"]["timestamp"].is_string());
    assert!(other.headers.get("idempotent-replayed").is_none());
    assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, 1);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn keys_belong_to_a_tenant_and_an_operation() {
    let gw = start().await;
    let a = keyed_post_as(&gw, KEY_A, INVOKE, &add_note(TENANT_A, "a"), "shared-key").await;
    let b = keyed_post_as(&gw, KEY_B, INVOKE, &add_note(TENANT_B, "b"), "shared-key").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert!(b.headers.get("idempotent-replayed").is_none());
    assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, 1);
    assert_eq!(note_count(&gw, KEY_B, TENANT_B).await, 1);
    // The same key on another operation is another key, not a reuse.
    let batch = json!({"invocations": [add_note(TENANT_A, "batch")]});
    let batched = keyed_post_as(
        &gw,
        KEY_A,
        "/api/v1/tools/invoke/batch",
        &batch,
        "shared-key",
    )
    .await;
    assert_eq!(batched.status, StatusCode::OK, "{}", batched.body);
    assert!(batched.headers.get("idempotent-replayed").is_none());
    let again = keyed_post_as(
        &gw,
        KEY_A,
        "/api/v1/tools/invoke/batch",
        &batch,
        "shared-key",
    )
    .await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, 2);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn a_streamed_invocation_is_replayed_whole() {
    let gw = start().await;
    let body = json!({"toolId": "math.count_primes", "integration": "math", "tenantId": TENANT_A, "parameters": {"n": 1_000_000u64}});
    let path = "/api/v1/tools/invoke/stream";
    let first = keyed_post_as(&gw, KEY_A, path, &body, "stream-1").await;
    let second = keyed_post_as(&gw, KEY_A, path, &body, "stream-1").await;
    assert_eq!(first.status, StatusCode::OK);
    let text = first.body.as_str().expect("an event stream");
    assert!(text.contains("event: result"), "{text}");
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(
        second.headers["content-type"],
        first.headers["content-type"]
    );
    assert_eq!(second.body, first.body);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn every_full_response_says_keys_are_honoured() {
    let gw = start().await;
    let root = gw.send(Method::GET, "/", None, None, &[]).await;
    assert_eq!(root.data()["capabilities"]["idempotencyKeys"], true);
    let replies = [
        root,
        gw.send(Method::GET, "/health", None, None, &[]).await,
        gw.send(Method::GET, "/nope", None, None, &[]).await,
        gw.send(Method::GET, "/api/v1/tools/list", None, None, &[])
            .await,
        gw.get("/api/v1/tools/list").await,
        keyed_post_as(&gw, KEY_A, INVOKE, &add_note(TENANT_A, "h"), "h-1").await,
        keyed_post_as(&gw, KEY_A, INVOKE, &add_note(TENANT_A, "h"), "h-1").await,
    ];
    for reply in &replies {
        assert_eq!(
            reply.headers["connectors-idempotency"], "honoured",
            "{} {}",
            reply.status, reply.body
        );
    }
    gw.running.shutdown().await;
}

#[tokio::test]
async fn the_connectors_ts_profile_ignores_keys_and_says_nothing() {
    let gw = start_with(
        builder()
            .profile(Profile::ConnectorsTs)
            .oauth_credentials(TENANT_A, "notes"),
    )
    .await;
    let root = gw.send(Method::GET, "/", None, None, &[]).await;
    assert!(root.data().get("capabilities").is_none(), "{}", root.body);
    let body = add_note(TENANT_A, "twice");
    for _ in 0..2 {
        let reply = keyed_post_as(&gw, KEY_A, INVOKE, &body, "ignored").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.headers.get("connectors-idempotency").is_none());
        assert!(reply.headers.get("idempotent-replayed").is_none());
    }
    assert!(root.headers.get("connectors-idempotency").is_none());
    assert_eq!(note_count(&gw, KEY_A, TENANT_A).await, 2);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn a_keyed_answer_names_the_callers_request_id_like_any_other() {
    // The keyed operation runs in a task of its own; the request's context must go with
    // it, or its envelope would name a made-up request id and an error no path.
    let gw = start().await;
    let headers = [
        ("idempotency-key", "request-id-probe"),
        ("x-request-id", "req-keyed-1"),
    ];
    let ok = gw
        .send(
            Method::POST,
            INVOKE,
            Some(KEY_A),
            Some(&add_note(TENANT_A, "traced")),
            &headers,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        ok.body["metadata"]["requestId"], "req-keyed-1",
        "{}",
        ok.body
    );
    let headers = [
        ("idempotency-key", "request-id-probe-2"),
        ("x-request-id", "req-keyed-2"),
    ];
    let refused = gw
        .send(
            Method::POST,
            INVOKE,
            Some(KEY_A),
            Some(&json!({"toolId": "notes.nope", "integration": "notes", "tenantId": TENANT_A})),
            &headers,
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(
        refused.body["metadata"]["requestId"], "req-keyed-2",
        "{}",
        refused.body
    );
    gw.running.shutdown().await;
}
