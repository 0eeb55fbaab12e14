//! A key's first outcome is final (issue 23), probed over real sockets with the effects
//! counted at a real MCP server: a tool slower than `callTimeoutSeconds` retried with the
//! same key (once while it still runs, once after), a call abandoned at the in-progress
//! bound (in doubt), answers over the old 4 MiB limit (cut mid-body, and over the 32 MiB
//! cap), and keys the gateway cannot read. `keyed_operations.rs` sends the same key twice
//! to every keyed operation of the spec's table.
//!
//! The slow tool is the built-in `names` server with a delay (each call is logged as it
//! arrives, then answered after the delay), served over streamable HTTP, so a run is a
//! line of its call log.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::names::slow_call;
use common::*;
use connectors_gateway::{Config, Gateway, ServerConfig};
use connectors_mcp_servers::HttpServerHandle;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

const INVOKE: &str = "/api/v1/tools/invoke";
const BATCH: &str = "/api/v1/tools/invoke/batch";
const STREAM: &str = "/api/v1/tools/invoke/stream";

/// A call log in a fresh temporary directory.
fn call_log(test: &str) -> PathBuf {
    names::call_log(&format!("first-outcome-{test}"))
}

/// The calls the `names` server has logged: the tool's runs.
fn runs(log: &Path) -> usize {
    names::logged_calls(log).len()
}

/// A gateway whose calls time out after 1 s, with a platform server `slow`: the `names`
/// server on a loopback port of this process, answering `delay_ms` after it logs each call
/// to `log`. (Served here rather than as the gateway binary's child, so the test runs the
/// server this build compiled.)
async fn slow_gateway(delay_ms: u64, log: &Path) -> (Gw, HttpServerHandle) {
    let (url, server) = names::counting_server(log, delay_ms).await;
    let config = Config {
        call_timeout_seconds: 1,
        ..Config::default()
    };
    let slow: ServerConfig =
        serde_json::from_value(json!({ "url": url })).expect("a server configuration");
    let gw = start_with(
        Gateway::builder()
            .config(config)
            .api_key(KEY_A, TENANT_A)
            .api_key(KEY_B, TENANT_B)
            .platform_server("slow", slow),
    )
    .await;
    eventually(Duration::from_secs(60), || async {
        let server = gw.get("/api/v1/mcp/servers/slow").await;
        (server.data()["status"] == "running").then_some(())
    })
    .await;
    (gw, server)
}

fn add_note(title: &str, body: &str) -> Value {
    notes_call(TENANT_A, "add_note", json!({"title": title, "body": body}))
}

/// A tool slower than the call timeout: the client gets 502 at the timeout, but the call
/// goes on and the key stays in progress; a retry meanwhile waits for it, and every retry
/// gets the tool's real answer, replayed. The tool runs once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_slower_than_the_call_timeout_runs_once_and_its_answer_is_replayed() {
    let log = call_log("slow");
    let (gw, _server) = slow_gateway(2_500, &log).await;
    let body = slow_call("ada");
    let started = Instant::now();
    let first = keyed_post(&gw, INVOKE, &body, "slow-1").await;
    assert_eq!(first.status, StatusCode::BAD_GATEWAY, "{}", first.body);
    assert_eq!(first.code(), "MCP_SERVER_UNAVAILABLE");
    assert!(
        started.elapsed() < Duration::from_millis(2_400),
        "answered at the timeout"
    );
    // The tool still runs: a retry waits for it and gets its answer.
    let waiting = keyed_post(&gw, INVOKE, &body, "slow-1").await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.body);
    assert!(replayed(&waiting));
    let echo = &waiting.data()["result"]["structuredContent"];
    assert_eq!(echo["arguments"]["value"], "ada");
    assert_eq!(echo["call"], 1);
    let later = keyed_post(&gw, INVOKE, &body, "slow-1").await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(replayed(&later));
    assert_eq!(later.data(), waiting.data());
    // Another body with the key is refused; the key is not reused.
    let other = keyed_post(&gw, INVOKE, &slow_call("bob"), "slow-1").await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
    assert_eq!(other.code(), "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(runs(&log), 1, "the slow tool ran once");
    println!(
        "invoke past the call timeout, 3 attempts: {} run(s)",
        runs(&log)
    );

    // The same through a batch (one slow item) and a stream.
    let batch = json!({"invocations": [slow_call("carol")]});
    let first = keyed_post(&gw, BATCH, &batch, "slow-batch").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.data()["results"][0]["success"], false);
    assert_eq!(
        first.data()["results"][0]["error"]["code"],
        "MCP_SERVER_UNAVAILABLE"
    );
    let retry = keyed_post(&gw, BATCH, &batch, "slow-batch").await;
    assert!(replayed(&retry), "{}", retry.body);
    assert_eq!(
        retry.data()["results"][0]["success"],
        true,
        "{}",
        retry.body
    );
    assert_eq!(
        retry.data()["results"][0]["result"]["result"]["structuredContent"]["arguments"]["value"],
        "carol"
    );
    assert_eq!(runs(&log), 2);

    let streamed = slow_call("dave");
    let first = keyed_post(&gw, STREAM, &streamed, "slow-stream").await;
    let text = first.body.as_str().expect("an event stream");
    assert!(text.contains("event: error"), "{text}");
    let retry = keyed_post(&gw, STREAM, &streamed, "slow-stream").await;
    assert!(replayed(&retry));
    let text = retry.body.as_str().expect("an event stream");
    assert!(
        text.contains("event: result") && text.contains("dave"),
        "{text}"
    );
    assert!(!text.contains("event: error"), "{text}");
    assert_eq!(
        runs(&log),
        3,
        "each of invoke, batch and stream ran its tool once"
    );
    gw.running.shutdown().await;
}

/// Two requests with one key at once, the tool slower than the call timeout: one runs, and
/// the other (arriving while it runs) is given its final answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_sent_together_run_a_slow_tool_once() {
    let log = call_log("together");
    let (gw, _server) = slow_gateway(2_000, &log).await;
    let body = slow_call("together");
    let (a, b) = tokio::join!(
        keyed_post(&gw, INVOKE, &body, "together"),
        keyed_post(&gw, INVOKE, &body, "together"),
    );
    let statuses = [a.status, b.status];
    assert!(statuses.contains(&StatusCode::BAD_GATEWAY), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert_eq!(runs(&log), 1);
    gw.running.shutdown().await;
}

/// The key reaches the MCP server in the call's `_meta` (`connectors/idempotencyKey`), so a
/// tool can deduplicate too; each item of a keyed batch gets the key and its index.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_travels_to_the_tool_in_the_calls_meta() {
    let log = call_log("meta");
    let (gw, _server) = slow_gateway(0, &log).await;
    let meta_key =
        |result: &Value| result["structuredContent"]["meta"]["connectors/idempotencyKey"].clone();
    let one = keyed_post(&gw, INVOKE, &slow_call("one"), "meta-key").await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(meta_key(&one.data()["result"]), "meta-key", "{}", one.body);
    let batch = json!({"invocations": [slow_call("a"), slow_call("b")]});
    let both = keyed_post(&gw, BATCH, &batch, "meta-batch").await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.body);
    let results: Vec<Value> = both.data()["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| meta_key(&item["result"]["result"]))
        .collect();
    assert_eq!(
        results,
        vec![json!("meta-batch#0"), json!("meta-batch#1")],
        "{}",
        both.body
    );
    // Without a key, none.
    let unkeyed = gw.post(INVOKE, slow_call("none")).await;
    assert_eq!(
        meta_key(&unkeyed.data()["result"]),
        Value::Null,
        "{}",
        unkeyed.body
    );
    gw.running.shutdown().await;
}

/// A call that outlives the in-progress bound (4 × the call timeout) is abandoned, and the
/// gateway cannot know whether it ran: the key answers 409 `IDEMPOTENCY_OUTCOME_IN_DOUBT`
/// from then on, and never runs the tool again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_abandoned_at_the_bound_is_in_doubt_and_never_runs_again() {
    let log = call_log("doubt");
    let (gw, _server) = slow_gateway(8_000, &log).await;
    let body = slow_call("doubt");
    let first = keyed_post(&gw, INVOKE, &body, "doubt").await;
    assert_eq!(first.status, StatusCode::BAD_GATEWAY, "{}", first.body);
    let outcome = eventually(Duration::from_secs(30), || async {
        let reply = keyed_post(&gw, INVOKE, &body, "doubt").await;
        (reply.code() != "IDEMPOTENCY_KEY_IN_USE").then_some(reply)
    })
    .await;
    assert_eq!(outcome.status, StatusCode::CONFLICT, "{}", outcome.body);
    assert_eq!(outcome.code(), "IDEMPOTENCY_OUTCOME_IN_DOUBT");
    let again = keyed_post(&gw, INVOKE, &body, "doubt").await;
    assert_eq!(again.code(), "IDEMPOTENCY_OUTCOME_IN_DOUBT");
    assert_eq!(
        runs(&log),
        1,
        "the abandoned call ran once, and nothing after it"
    );
    gw.running.shutdown().await;
}

/// A note of about 1 MB, added without a key; its id.
async fn big_note(gw: &Gw) -> u64 {
    let added = gw
        .post(INVOKE, add_note("big", &"x".repeat(1_000_000)))
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    added.data()["result"]["structuredContent"]["id"]
        .as_u64()
        .expect("a note id")
}

/// A batch that adds one note titled `title` and reads the big note `reads` times: an
/// answer of about `2 × reads` MB (each result carries the body twice).
fn big_batch(title: &str, id: u64, reads: usize) -> Value {
    let mut invocations = vec![add_note(title, "small")];
    for _ in 0..reads {
        invocations.push(json!({"toolId": "notes.get_note", "integration": "notes", "tenantId": TENANT_A, "parameters": {"id": id}}));
    }
    json!({ "invocations": invocations })
}

/// An answer over the old 4 MiB limit, cut mid-body by a client that stops reading: the
/// retry is its replay, and the batch's note was added once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_4_mib_cut_mid_body_is_replayed_not_run_again() {
    let gw = start().await;
    let id = big_note(&gw).await;
    let body = big_batch("big answer", id, 3).to_string();
    let head = format!("POST {BATCH} HTTP/1.1\r\nIdempotency-Key: big-cut");
    let mut socket = gw.raw(head.as_bytes(), body.as_bytes()).await;
    // Read the head and a little of the body, then hang up with megabytes unread.
    let mut received = vec![0u8; 64 * 1024];
    let read = tokio::time::timeout(BOUND, socket.read(&mut received))
        .await
        .expect("an answer")
        .expect("read");
    assert!(received[..read].starts_with(b"HTTP/1.1 200"));
    drop(socket);
    let retry = keyed_post(
        &gw,
        BATCH,
        &serde_json::from_str(&body).expect("json"),
        "big-cut",
    )
    .await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert!(replayed(&retry));
    assert!(retry.body.to_string().len() > 4 * 1024 * 1024);
    assert_eq!(retry.data()["succeeded"], 4);
    let added = note_titles(&gw).await;
    let runs = added.iter().filter(|t| *t == "big answer").count();
    println!("batch answer over 4 MiB, cut and retried: {runs} run(s)");
    assert_eq!(runs, 1);
    gw.running.shutdown().await;
}

/// An answer over the 32 MiB cap is sent but not kept: the key remembers that the batch
/// ran, and a duplicate gets 409 `IDEMPOTENCY_RESULT_NOT_RETAINED`, never a second run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_cap_is_not_retained_and_never_runs_again() {
    let gw = start().await;
    let id = big_note(&gw).await;
    let body = big_batch("huge answer", id, 18);
    let first = keyed_post(&gw, BATCH, &body, "huge").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.to_string().len() > 32 * 1024 * 1024);
    let again = keyed_post(&gw, BATCH, &body, "huge").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.code(), "IDEMPOTENCY_RESULT_NOT_RETAINED");
    let runs = note_titles(&gw)
        .await
        .iter()
        .filter(|t| *t == "huge answer")
        .count();
    println!("batch answer over 32 MiB, twice: {runs} run(s)");
    assert_eq!(runs, 1);
    gw.running.shutdown().await;
}

/// A key the gateway cannot read is 400 `VALIDATION_ERROR` on `Idempotency-Key`, and
/// nothing runs: non-ASCII bytes, an empty value, a value over 255 bytes, a space inside.
#[tokio::test]
async fn a_key_the_gateway_cannot_read_is_400_and_runs_nothing() {
    let gw = start().await;
    let body = add_note("unread key", "never").to_string();
    let head = format!("POST {INVOKE} HTTP/1.1\r\nIdempotency-Key: cl\u{e9}-\u{2603}");
    let mut socket = gw.raw(head.as_bytes(), body.as_bytes()).await;
    let mut answer = Vec::new();
    tokio::time::timeout(BOUND, socket.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"VALIDATION_ERROR\""), "{answer}");
    assert!(answer.contains("\"Idempotency-Key\""), "{answer}");
    let long = "k".repeat(256);
    for bad in ["", "two words", long.as_str()] {
        let reply = keyed_post(&gw, INVOKE, &add_note("unread key", "never"), bad).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{bad:?}: {}",
            reply.body
        );
        assert_eq!(reply.code(), "VALIDATION_ERROR");
        assert_eq!(reply.body["error"]["context"]["field"], "Idempotency-Key");
    }
    assert!(note_titles(&gw).await.is_empty(), "nothing ran");
    // The longest key is accepted.
    let longest = "k".repeat(255);
    let reply = keyed_post(&gw, INVOKE, &add_note("longest key", "once"), &longest).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    gw.running.shutdown().await;
}
