//! Idempotency keys (issue #23): a key the header cannot carry is refused before anything
//! is sent, and every answer of a gateway that honours keys is read as what it is: a
//! replay (`Idempotent-Replayed: true`) is the key's first outcome and is not retried, the
//! gateway's 409 codes for a key are retried (`IDEMPOTENCY_KEY_IN_USE`) or end as
//! `OutcomeUnknown` with the key, and a 404 after an attempt that may have run is not a
//! plain `NotFound`. Against wiremock over real sockets; assertions on request counts,
//! headers and values.

mod common;

use connectors_test_support::gateway::reference_gateway;

use std::time::Duration;

use common::{KEY, builder, client, err, first_then, ok};
use connectors::api::prelude::*;
use connectors::{Connectors, Error, RequestOptions, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INVOKE: &str = "/api/v1/tools/invoke";

fn invoke_body() -> Value {
    ok(json!({
        "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]},
        "performance": {"latency_ms": 3}
    }))
}

/// A client that knows the gateway honours keys (as the reference gateway says).
fn honouring(server: &MockServer) -> Connectors {
    builder(server)
        .idempotency_keys_honoured(true)
        .build()
        .expect("client")
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording")
}

fn key_of(request: &wiremock::Request) -> Option<String> {
    request
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

// ------------------------------------------------------------ keys the header cannot carry

/// Keys that a header cannot carry or a gateway cannot read, with what the refusal says.
fn bad_keys() -> Vec<(String, &'static str)> {
    vec![
        ("clé-1".to_string(), "non-ASCII byte 0xC3 at byte 3"),
        ("a b".to_string(), "a space at byte 2"),
        (" leading".to_string(), "a space at byte 1"),
        ("tab\there".to_string(), "control character 0x09 at byte 4"),
        (
            "line\nbreak".to_string(),
            "control character 0x0A at byte 5",
        ),
        ("del\u{7f}".to_string(), "control character 0x7F at byte 4"),
        (String::new(), "this one is empty"),
        ("k".repeat(256), "this one is 256 bytes long"),
    ]
}

fn assert_refused(error: &Error, says: &str) {
    match error {
        Error::InvalidInput { field, message } => {
            assert_eq!(field, "idempotency_key", "{error}");
            assert!(message.contains(says), "{message}");
            assert!(message.contains("1 to 255 bytes"), "{message}");
            assert!(message.contains("0x21-0x7E"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let text = format!("{error} {error:?}");
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test]
async fn a_key_the_header_cannot_carry_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoke_body()))
        .mount(&server)
        .await;
    let client = client(&server);
    for (key, says) in bad_keys() {
        let error = client
            .tools()
            .invoke("math.evaluate", json!({"expression": "2+2"}))
            .idempotency_key(key.clone())
            .await
            .expect_err("refused");
        assert_refused(&error, says);
    }
    assert_eq!(requests(&server).await.len(), 0, "nothing was sent");

    // 255 visible ASCII bytes, every one of the alphabet among them, go through as given.
    let alphabet: String = (0x21u8..=0x7E).map(char::from).collect();
    let longest = format!("{alphabet}{}", "z".repeat(255 - alphabet.len()));
    assert_eq!(longest.len(), 255);
    client
        .tools()
        .invoke("math.evaluate", json!({"expression": "2+2"}))
        .idempotency_key(longest.clone())
        .await
        .expect("a key of 255 visible ASCII bytes is sent");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(key_of(&sent[0]).as_deref(), Some(longest.as_str()));
}

#[tokio::test]
async fn the_generated_builders_of_every_keyed_operation_refuse_such_a_key_too() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({}))))
        .mount(&server)
        .await;
    let client = client(&server);
    let api = client.api();
    // Keys a header value takes but the gateway cannot read: refused by the transport.
    for (key, says) in [
        ("clé", "non-ASCII byte 0xC3 at byte 3"),
        ("a b", "a space at byte 2"),
        ("", "this one is empty"),
    ] {
        let outcomes = [
            api.remove_custom_server()
                .name("notes")
                .idempotency_key(key)
                .send()
                .await
                .map(drop),
            api.delete_identity()
                .identity_id("idn-1")
                .idempotency_key(key)
                .send()
                .await
                .map(drop),
            api.update_identity()
                .identity_id("idn-1")
                .idempotency_key(key)
                .body(connectors::api::types::UpdateIdentityRequest::default())
                .send()
                .await
                .map(drop),
            api.delete_oauth_config()
                .tenant_id("tenant-a")
                .integration("github")
                .idempotency_key(key)
                .send()
                .await
                .map(drop),
        ];
        for outcome in outcomes {
            let error = outcome.expect_err("refused");
            let text = error.to_string();
            assert!(text.contains("idempotency-key"), "{text}");
            assert!(text.contains(says), "{text}");
        }
    }
    // A 256-byte key, through the facade's own handle of the generated client.
    let long = "k".repeat(256);
    let error = api
        .delete_identity()
        .identity_id("idn-1")
        .idempotency_key(long.as_str())
        .send()
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("256 bytes long"), "{error}");
    assert_eq!(requests(&server).await.len(), 0, "nothing was sent");

    // A good key on a DELETE is sent as given.
    api.delete_identity()
        .identity_id("idn-1")
        .idempotency_key("delete-idn-1-once")
        .send()
        .await
        .ok();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(key_of(&sent[0]).as_deref(), Some("delete-idn-1-once"));
}

#[tokio::test]
async fn every_keyed_facade_call_sends_a_generated_key_that_fits_the_spec() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = builder(&server).max_retries(0).build().expect("client");
    let _ = client.mcp().remove("notes").await;
    let _ = client.identities().delete("idn-1").await;
    let _ = client.tenants().oauth_config("github").delete().await;
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    for request in &sent {
        let key = key_of(request).expect("a key on every keyed call");
        assert!(
            (1..=connectors::api::limits::IDEMPOTENCY_KEY_MAX_BYTES).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| connectors::api::limits::IDEMPOTENCY_KEY_BYTES.contains(&b)),
            "{key}"
        );
    }
}

// ------------------------------------------------------------ replays

#[tokio::test]
async fn a_replayed_5xx_is_the_first_outcome_and_is_not_retried() {
    let server = MockServer::start().await;
    // The first attempt's 500 is stored; the retry with the same key gets it replayed.
    first_then(
        &server,
        "POST",
        INVOKE,
        ResponseTemplate::new(500).set_body_json(err("INTERNAL_ERROR", "The request failed")),
        ResponseTemplate::new(500)
            .insert_header("Idempotent-Replayed", "true")
            .set_body_json(err("INTERNAL_ERROR", "The request failed")),
    )
    .await;
    let error = honouring(&server)
        .tools()
        .invoke("math.evaluate", json!({"expression": "2+2"}))
        .await
        .expect_err("the first outcome, a 500");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "not retried after the replay: {error}");
    assert_eq!(key_of(&sent[0]), key_of(&sent[1]));
    assert_ne!(error.kind(), "OutcomeUnknown", "{error}");
    let api = error.api_error().expect("the gateway's answer");
    assert_eq!(api.status.as_u16(), 500);
    assert!(api.replayed);
    assert!(!error.is_transient(), "the same key gets it again: {error}");
    assert!(
        error.to_string().contains("replayed: the first outcome"),
        "{error}"
    );

    // A replayed 502 on the first attempt (a key given again) is not retried either.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("Idempotent-Replayed", "true")
                .set_body_json(err("MCP_SERVER_UNAVAILABLE", "MCP server 'math' timed out")),
        )
        .mount(&server)
        .await;
    let error = honouring(&server)
        .tools()
        .invoke("math.evaluate", json!({}))
        .idempotency_key("given-again")
        .await
        .expect_err("the first outcome, a 502");
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(error.code(), Some("MCP_SERVER_UNAVAILABLE"));
    assert_eq!(error.api_error().map(|e| e.replayed), Some(true));
    assert!(!error.is_transient());

    // A fresh (not replayed) 5xx stays transient, and unmarked.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(err("SERVICE_NOT_READY", "no")))
        .mount(&server)
        .await;
    let error = builder(&server)
        .max_retries(0)
        .build()
        .expect("client")
        .tools()
        .categories()
        .await
        .expect_err("503");
    assert_eq!(error.api_error().map(|e| e.replayed), Some(false));
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_replayed_404_after_an_ambiguous_attempt_is_the_definite_answer() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "DELETE",
        "/api/v1/identities/idn-1",
        ResponseTemplate::new(502),
        ResponseTemplate::new(404)
            .insert_header("Idempotent-Replayed", "true")
            .set_body_json(err("IDENTITY_NOT_FOUND", "Identity 'idn-1' not found")),
    )
    .await;
    let error = honouring(&server)
        .identities()
        .delete("idn-1")
        .await
        .expect_err("not found");
    assert_eq!(requests(&server).await.len(), 2);
    match &error {
        Error::NotFound(api) => assert!(api.replayed),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

// ------------------------------------------------------------ the gateway's 409s for a key

#[tokio::test]
async fn result_not_retained_is_outcome_unknown_saying_it_ran() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(409).set_body_json(err(
            "IDEMPOTENCY_RESULT_NOT_RETAINED",
            "The operation ran for this Idempotency-Key but its answer was too large to keep",
        )))
        .mount(&server)
        .await;
    let error = honouring(&server)
        .tools()
        .invoke("notes.add_note", json!({"text": "big"}))
        .idempotency_key("batch-7")
        .await
        .expect_err("outcome unknown");
    assert_eq!(requests(&server).await.len(), 1, "never retried");
    match &error {
        Error::OutcomeUnknown {
            operation,
            idempotency_key,
            keys_honoured,
            attempts,
            ..
        } => {
            assert_eq!(operation, "invokeTool");
            assert_eq!(idempotency_key.as_deref(), Some("batch-7"));
            assert_eq!(*keys_honoured, Some(true));
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(error.code(), Some("IDEMPOTENCY_RESULT_NOT_RETAINED"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    let text = error.to_string();
    assert!(
        text.starts_with("invokeTool ran on the gateway, but its answer is lost"),
        "{text}"
    );
    assert!(text.contains("idempotency key batch-7"), "{text}");
    assert!(text.contains("does not run it again"), "{text}");
    assert!(!error.is_transient());
}

#[tokio::test]
async fn outcome_in_doubt_is_outcome_unknown_with_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(409).set_body_json(err(
            "IDEMPOTENCY_OUTCOME_IN_DOUBT",
            "The first attempt with this Idempotency-Key began and its outcome is unknown",
        )))
        .mount(&server)
        .await;
    let error = honouring(&server)
        .mcp()
        .remove("notes")
        .await
        .expect_err("outcome unknown");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1, "never retried");
    let sent_key = key_of(&sent[0]).expect("a key");
    match &error {
        Error::OutcomeUnknown {
            operation,
            idempotency_key,
            ..
        } => {
            assert_eq!(operation, "removeCustomServer");
            assert_eq!(idempotency_key.as_deref(), Some(sent_key.as_str()));
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(error.code(), Some("IDEMPOTENCY_OUTCOME_IN_DOUBT"));
    let text = error.to_string();
    assert!(text.contains("cannot tell whether it completed"), "{text}");
    assert!(text.contains(&sent_key), "{text}");
}

fn in_use(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(409)
        .insert_header("Retry-After", retry_after)
        .set_body_json(err(
            "IDEMPOTENCY_KEY_IN_USE",
            "A request with this Idempotency-Key is still being processed; retry later",
        ))
}

#[tokio::test]
async fn key_in_use_is_retried_with_the_same_key_and_gets_the_first_outcome() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "POST",
        INVOKE,
        in_use("0"),
        ResponseTemplate::new(200)
            .insert_header("Idempotent-Replayed", "true")
            .set_body_json(invoke_body()),
    )
    .await;
    // Not known to honour keys: the 409 says it does, so the retry is safe anyway.
    let result = client(&server)
        .tools()
        .invoke("math.evaluate", json!({"expression": "2*7"}))
        .await
        .expect("the first outcome");
    assert_eq!(result.text(), "14");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert!(key_of(&sent[0]).is_some());
    assert_eq!(key_of(&sent[0]), key_of(&sent[1]), "the same key");

    // Through any keyed operation.
    let server = MockServer::start().await;
    first_then(
        &server,
        "DELETE",
        "/api/v1/identities/idn-1",
        in_use("0"),
        ResponseTemplate::new(200).set_body_json(ok(
            json!({"id": "idn-1", "message": "Identity 'idn-1' deleted"}),
        )),
    )
    .await;
    client(&server)
        .identities()
        .delete("idn-1")
        .await
        .expect("deleted");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(key_of(&sent[0]), key_of(&sent[1]));
}

#[tokio::test]
async fn key_in_use_past_the_retries_or_the_wait_cap_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(in_use("0"))
        .mount(&server)
        .await;
    let error = client(&server)
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .expect_err("still running");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3, "the retry policy's three attempts");
    assert!(sent.iter().all(|r| key_of(r) == key_of(&sent[0])));
    match &error {
        Error::OutcomeUnknown {
            idempotency_key,
            attempts,
            ..
        } => {
            assert_eq!(*attempts, 3);
            assert_eq!(idempotency_key.as_deref(), key_of(&sent[0]).as_deref());
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(error.code(), Some("IDEMPOTENCY_KEY_IN_USE"));
    let text = error.to_string();
    assert!(text.contains("still running it"), "{text}");
    assert!(
        text.contains("re-send it later with the same key"),
        "{text}"
    );

    // A wait longer than the policy's cap ends the call at once, with the wait.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(in_use("3600"))
        .mount(&server)
        .await;
    let error = builder(&server)
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::from_secs(5)))
        .build()
        .expect("client")
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .expect_err("still running");
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(error.kind(), "OutcomeUnknown");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn another_409_is_the_gateways_definite_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/identities"))
        .respond_with(ResponseTemplate::new(409).set_body_json(err(
            "IDENTITY_ALREADY_EXISTS",
            "An identity named 'reviewers' exists",
        )))
        .mount(&server)
        .await;
    let error = client(&server)
        .identities()
        .create(connectors::api::IdentityType::Group, "reviewers")
        .await
        .expect_err("conflict");
    assert_eq!(requests(&server).await.len(), 1);
    match &error {
        Error::Conflict(api) => {
            assert_eq!(api.code.as_deref(), Some("IDENTITY_ALREADY_EXISTS"));
            assert!(!api.replayed);
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
}

// ------------------------------------------------------------ after an ambiguous attempt

#[tokio::test]
async fn a_404_after_an_attempt_that_may_have_run_is_outcome_unknown() {
    // A gateway that ignores keys; the caller opted into blind retries. The first DELETE
    // times out (the gateway removed the server), the retry finds nothing left.
    let server = MockServer::start().await;
    first_then(
        &server,
        "DELETE",
        "/api/v1/mcp/custom/notes",
        ResponseTemplate::new(200)
            .set_delay(Duration::from_secs(5))
            .set_body_json(ok(json!({"name": "notes", "message": "removed"}))),
        ResponseTemplate::new(404)
            .set_body_json(err("SERVER_NOT_FOUND", "MCP server 'notes' not found")),
    )
    .await;
    let client = builder(&server)
        .idempotency_keys_honoured(false)
        .build()
        .expect("client")
        .with_options(
            RequestOptions::new()
                .retry_ambiguous(true)
                .timeout(Duration::from_millis(300)),
        );
    let error = client.mcp().remove("notes").await.expect_err("unknown");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    match &error {
        Error::OutcomeUnknown {
            operation,
            idempotency_key,
            keys_honoured,
            source,
            ..
        } => {
            assert_eq!(operation, "removeCustomServer");
            assert_eq!(idempotency_key.as_deref(), key_of(&sent[0]).as_deref());
            assert_eq!(*keys_honoured, Some(false));
            assert_eq!(source.kind(), "NotFound");
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(error.code(), Some("SERVER_NOT_FOUND"));
    let text = error.to_string();
    assert!(
        text.contains("an earlier attempt may have run it"),
        "{text}"
    );

    // The same 404 without an earlier attempt is the plain answer.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(err("SERVER_NOT_FOUND", "MCP server 'notes' not found")),
        )
        .mount(&server)
        .await;
    let error = client_of_ignoring(&server)
        .mcp()
        .remove("notes")
        .await
        .expect_err("not found");
    assert_eq!(error.kind(), "NotFound");
}

fn client_of_ignoring(server: &MockServer) -> Connectors {
    builder(server)
        .idempotency_keys_honoured(false)
        .build()
        .expect("client")
        .with_options(RequestOptions::new().retry_ambiguous(true))
}

#[tokio::test]
async fn a_conflict_after_an_attempt_that_may_have_run_is_outcome_unknown() {
    // The first add failed with a 502 after the gateway began the deployment; the blind
    // retry meets the server the first one made.
    let server = MockServer::start().await;
    first_then(
        &server,
        "POST",
        "/api/v1/mcp/add",
        ResponseTemplate::new(502),
        ResponseTemplate::new(409).set_body_json(err(
            "SERVER_ALREADY_EXISTS",
            "MCP server with name 'my-notes' already exists",
        )),
    )
    .await;
    let error = client_of_ignoring(&server)
        .mcp()
        .add(
            "my-notes",
            connectors::mcp::Source::http("http://127.0.0.1:1"),
            "productivity",
        )
        .await
        .expect_err("unknown");
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(error.kind(), "OutcomeUnknown", "{error}");
    assert_eq!(error.code(), Some("SERVER_ALREADY_EXISTS"));
}

#[tokio::test]
async fn a_route_the_gateway_lacks_is_not_offered_even_after_an_ambiguous_attempt() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "DELETE",
        "/api/v1/identities/idn-1",
        ResponseTemplate::new(502),
        ResponseTemplate::new(404).set_body_json(err("ROUTE_NOT_FOUND", "Route not found")),
    )
    .await;
    let error = client_of_ignoring(&server)
        .identities()
        .delete("idn-1")
        .await
        .expect_err("not offered");
    assert_eq!(error.kind(), "NotOffered", "{error}");
}

// ------------------------------------------------------------ the reference gateway

#[tokio::test]
async fn the_reference_gateway_honours_the_longest_key_and_never_sees_a_bad_one() {
    let (_gateway, client) = reference_gateway(&["notes"]).await;
    let count = || async {
        let listed = client
            .tools()
            .invoke("notes.list_notes", json!({}))
            .await
            .expect("list_notes");
        listed.structured()["count"].as_u64().expect("a count")
    };
    let before = count().await;
    let note = json!({"title": "once", "body": "added with the longest key"});
    let alphabet: String = (0x21u8..=0x7E).map(char::from).collect();
    let key = format!("{alphabet}{}", "k".repeat(255 - alphabet.len()));
    let first = client
        .tools()
        .invoke("notes.add_note", note.clone())
        .idempotency_key(key.clone())
        .await
        .expect("added");
    let again = client
        .tools()
        .invoke("notes.add_note", note.clone())
        .idempotency_key(key.clone())
        .await
        .expect("the first outcome, replayed");
    assert_eq!(first.structured(), again.structured());
    assert_eq!(count().await, before + 1, "the tool ran once for the key");

    // Keys the gateway could not read are refused before they reach it: no note is added.
    for (bad, _) in bad_keys() {
        let error = client
            .tools()
            .invoke("notes.add_note", note.clone())
            .idempotency_key(bad)
            .await
            .expect_err("refused");
        assert_eq!(error.kind(), "InvalidInput");
    }
    assert_eq!(count().await, before + 1);

    // A failure is a first outcome too: the same key gets it again, marked as a replay,
    // and the client reports it as it is, not retried and not transient.
    let unknown_tool = || {
        client
            .tools()
            .invoke("notes.no_such_tool", json!({}))
            .idempotency_key("the-same-key-for-a-404")
    };
    let first = unknown_tool().await.expect_err("no such tool");
    assert_eq!(first.kind(), "NotFound", "{first}");
    assert_eq!(first.api_error().map(|e| e.replayed), Some(false));
    let again = unknown_tool().await.expect_err("no such tool, replayed");
    assert_eq!(again.kind(), "NotFound", "{again}");
    assert_eq!(again.api_error().map(|e| e.replayed), Some(true), "{again}");
    assert!(!again.is_transient());
}
