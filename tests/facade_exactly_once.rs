//! Exactly once: which failures the transport retries for safe and for keyed operations
//! (`x-connectors-retry` in openapi.yaml), how it learns whether the gateway honours
//! idempotency keys, and the cap on response bodies. Against real local servers: wiremock,
//! and a small scripted HTTP/1.1 server for bodies cut in the middle. Assertions are on
//! request counts, headers and values, never on durations.

mod common;

use std::time::Duration;

use common::{KEY, TENANT, ok};
use connectors::{Connectors, ConnectorsBuilder, Error, RetryPolicy};
use connectors_test_support::http_server::{Request, ScriptedServer, Step};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INVOKE: &str = "/api/v1/tools/invoke";
const LIST: &str = "/api/v1/tools/list";
/// A tool argument value: a secret that must not show in any error.
const ARGUMENT: &str = "s3cr3t-argument-value";

fn invoke_body() -> Value {
    ok(json!({
        "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]},
        "performance": {"latency_ms": 3}
    }))
}

fn list_body() -> Value {
    ok(json!({"tools": [], "pagination": {"total": 0, "limit": 100, "offset": 0}}))
}

fn service_info(idempotency_keys: Option<bool>) -> Value {
    let mut data = json!({"name": "MCP Gateway", "version": "1.0.0", "status": "operational"});
    if let Some(honoured) = idempotency_keys {
        data["capabilities"] = json!({"idempotencyKeys": honoured});
    }
    ok(data)
}

/// A client of `uri` with millisecond backoff and two retries.
fn builder_of(uri: &str) -> ConnectorsBuilder {
    Connectors::builder()
        .base_url(uri)
        .api_key(KEY)
        .tenant_id(TENANT)
        .max_retries(2)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
}

fn client_of(uri: &str) -> Connectors {
    builder_of(uri).build().expect("client")
}

async fn invoke(client: &Connectors) -> connectors::Result<connectors::tools::ToolResult> {
    client
        .tools()
        .invoke("math.evaluate", json!({"expression": ARGUMENT}))
        .await
}

/// A JSON response of 64 KiB framed by the end of the connection, without a length.
fn unsized_body(status: u16) -> Step {
    Step::status(status)
        .header("content-type", "application/json")
        .body(vec![b' '; 64 * 1024])
        .until_close()
}

fn keys(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.header("idempotency-key").expect("a key").to_string())
        .collect()
}

fn assert_secret_free(error: &Error) {
    for text in [format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(ARGUMENT), "{text}");
    }
}

// ------------------------------------------------------------ safe operations

#[tokio::test]
async fn a_body_cut_while_read_is_retried_for_a_safe_read() {
    let server = ScriptedServer::start(|seen, n| match (seen.path.as_str(), n) {
        (LIST, 0) => Step::json(200, &list_body()).cut_in_half(),
        _ => Step::json(200, &list_body()),
    })
    .await;
    let page = client_of(&server.url())
        .tools()
        .list()
        .await
        .expect("the retry succeeds");
    assert!(page.items.is_empty());
    let requests = server.requests_to(LIST);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("x-connectors-attempt"), Some("2"));
    assert!(
        server.requests_to("/").is_empty(),
        "a safe read needs no probe"
    );
}

// ------------------------------------------------------------ keyed operations

#[tokio::test]
async fn a_cut_invocation_on_a_gateway_without_the_capability_is_outcome_unknown_once() {
    let server = ScriptedServer::start(|seen, _| match seen.path.as_str() {
        INVOKE => Step::json(200, &invoke_body()).cut_in_half(),
        _ => Step::json(200, &service_info(None)),
    })
    .await;
    let error = invoke(&client_of(&server.url())).await.unwrap_err();
    let requests = server.requests_to(INVOKE);
    assert_eq!(requests.len(), 1, "not retried: the tool may have run");
    let sent_key = keys(&requests).remove(0);
    match &error {
        Error::OutcomeUnknown {
            operation,
            idempotency_key,
            keys_honoured,
            attempts,
            source,
        } => {
            assert_eq!(operation, "invokeTool");
            assert_eq!(idempotency_key.as_deref(), Some(sent_key.as_str()));
            assert_eq!(*keys_honoured, Some(false), "its GET / said so");
            assert_eq!(*attempts, 1);
            assert_eq!(source.kind(), "Connection");
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert!(!error.is_transient());
    assert_eq!(error.kind(), "OutcomeUnknown");
    let text = error.to_string();
    assert!(text.contains("may have run"), "{text}");
    // Re-sending with the same key runs the tool again on a gateway that ignores keys:
    // the advice must not offer it.
    assert!(
        !text.contains(&sent_key) && !text.contains("same idempotency key"),
        "no same-key advice where keys are ignored: {text}"
    );
    assert!(
        text.contains("ignores idempotency keys") && text.contains("may run it again"),
        "{text}"
    );
    assert_secret_free(&error);
    assert_eq!(server.requests_to("/").len(), 1, "asked GET / once");
}

#[tokio::test]
async fn a_gateway_that_says_it_honours_keys_gets_the_retry_with_the_same_key() {
    let honoured = || Step::json(200, &invoke_body()).header("connectors-idempotency", "honoured");
    let server = ScriptedServer::start(move |seen, n| match (seen.path.as_str(), n) {
        (INVOKE, 0) => honoured().cut_in_half(),
        (INVOKE, _) => honoured(),
        _ => Step::json(500, &json!({})),
    })
    .await;
    let client = client_of(&server.url());
    let result = invoke(&client).await.expect("retried");
    assert_eq!(result.text(), "14");
    let requests = server.requests_to(INVOKE);
    assert_eq!(requests.len(), 2);
    let keys = keys(&requests);
    assert_eq!(keys[0], keys[1], "the same key on the retry");
    assert!(
        server.requests_to("/").is_empty(),
        "the header said it: no probe"
    );
    assert_eq!(client.idempotency_keys_honoured(), Some(true));
}

#[tokio::test]
async fn the_get_root_capability_allows_the_retry_and_is_asked_once_per_client() {
    let server = ScriptedServer::start(|seen, n| match (seen.path.as_str(), n % 2) {
        (INVOKE, 0) => Step::json(200, &invoke_body()).cut_in_half(),
        (INVOKE, _) => Step::json(200, &invoke_body()),
        _ => Step::json(200, &service_info(Some(true))),
    })
    .await;
    let client = client_of(&server.url());
    invoke(&client).await.expect("retried after the probe");
    // A clone shares what was learned: its cut call is retried without asking again.
    invoke(&client.clone()).await.expect("retried");
    let requests = server.requests_to(INVOKE);
    assert_eq!(requests.len(), 4);
    let keys = keys(&requests);
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[2], keys[3]);
    assert_ne!(keys[0], keys[2], "two logical calls, two keys");
    let probes = server.requests_to("/");
    assert_eq!(probes.len(), 1, "GET / at most once per client");
    assert_eq!(probes[0].method, "GET");
}

#[tokio::test]
async fn a_500_on_a_keyed_call_to_a_gateway_that_ignores_keys_is_outcome_unknown_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(500).set_body_json(common::err("INTERNAL", "boom")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(service_info(Some(false))))
        .mount(&server)
        .await;
    let client = client_of(&server.uri());
    let error = client
        .tools()
        .invoke("math.evaluate", json!({"expression": ARGUMENT}))
        .idempotency_key("caller-key-1")
        .await
        .unwrap_err();
    match &error {
        Error::OutcomeUnknown {
            idempotency_key,
            attempts,
            source,
            ..
        } => {
            assert_eq!(idempotency_key.as_deref(), Some("caller-key-1"));
            assert_eq!(*attempts, 1);
            assert_eq!(source.status().map(|s| s.as_u16()), Some(500));
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.code(), Some("INTERNAL"));
    assert!(!error.is_transient());
    assert_secret_free(&error);
    // A second call learns nothing new and asks nothing again.
    invoke(&client).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count(INVOKE), 2, "one attempt per call");
    assert_eq!(count("/"), 1, "the answer `false` is cached");
    assert_eq!(client.idempotency_keys_honoured(), Some(false));
}

#[tokio::test]
async fn a_timeout_after_sending_a_keyed_call_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(invoke_body())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(service_info(None)))
        .mount(&server)
        .await;
    let client = builder_of(&server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = invoke(&client).await.unwrap_err();
    match &error {
        Error::OutcomeUnknown { source, .. } => assert_eq!(source.kind(), "Timeout"),
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    let requests = server.received_requests().await.unwrap();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count(INVOKE), 1);
}

#[tokio::test]
async fn failures_that_prove_nothing_ran_are_retried_for_keyed_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after-ms", "1"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoke_body()))
        .with_priority(3)
        .mount(&server)
        .await;
    invoke(&client_of(&server.uri()))
        .await
        .expect("503 with Retry-After, then 429, then the answer");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "no GET / needed: {requests:?}");

    // Connection refused: nothing was sent, so the keyed call is retried.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = invoke(&client_of(&format!("http://127.0.0.1:{port}")))
        .await
        .unwrap_err();
    match &error {
        Error::Connection { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("expected a connection error after 3 attempts, got {other:?}"),
    }
    assert!(error.is_transient(), "nothing ran: re-sending is safe");
}

#[tokio::test]
async fn a_503_without_retry_after_on_a_keyed_call_is_ambiguous() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // No GET / route: the gateway answers 404, which says it advertises nothing.
    let error = invoke(&client_of(&server.uri())).await.unwrap_err();
    assert_eq!(error.kind(), "OutcomeUnknown", "{error:?}");
    let requests = server.received_requests().await.unwrap();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count(INVOKE), 1);
    assert_eq!(count("/"), 1);
}

#[tokio::test]
async fn an_opt_in_retries_an_ambiguous_failure_blindly_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoke_body()))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client_of(&server.uri());
    client
        .tools()
        .invoke("math.evaluate", json!({}))
        .retry_ambiguous(true)
        .await
        .expect("retried as asked");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "no probe when the caller opted in");
    let key = |i: usize| requests[i].headers.get("idempotency-key").cloned();
    assert!(key(0).is_some());
    assert_eq!(key(0), key(1));
    assert_eq!(client.idempotency_keys_honoured(), None, "nothing learned");

    // The same through `RequestOptions`, for any keyed operation.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"name": "notes"}))))
        .with_priority(2)
        .mount(&server)
        .await;
    client_of(&server.uri())
        .with_options(connectors::RequestOptions::new().retry_ambiguous(true))
        .mcp()
        .remove("notes")
        .await
        .expect("retried as asked");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_declaration_in_the_builder_wins_and_nothing_is_asked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoke_body()))
        .with_priority(2)
        .mount(&server)
        .await;
    let honoured = builder_of(&server.uri())
        .idempotency_keys_honoured(true)
        .build()
        .unwrap();
    invoke(&honoured).await.expect("retried: declared honoured");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500).insert_header("Connectors-Idempotency", "honoured"),
        )
        .mount(&server)
        .await;
    let ignored = builder_of(&server.uri())
        .idempotency_keys_honoured(false)
        .build()
        .unwrap();
    let error = invoke(&ignored).await.unwrap_err();
    assert_eq!(error.kind(), "OutcomeUnknown");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(ignored.idempotency_keys_honoured(), Some(false));
}

#[tokio::test]
async fn used_up_retries_on_a_gateway_that_honours_keys_still_hand_out_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(
            ResponseTemplate::new(504).insert_header("connectors-idempotency", "honoured"),
        )
        .mount(&server)
        .await;
    let error = invoke(&client_of(&server.uri())).await.unwrap_err();
    match &error {
        Error::OutcomeUnknown {
            attempts,
            idempotency_key,
            keys_honoured,
            ..
        } => {
            assert_eq!(*attempts, 3);
            assert_eq!(*keys_honoured, Some(true));
            let key = idempotency_key.as_deref().expect("the key");
            // Where keys are honoured, the same key is the safe way to re-send.
            let text = error.to_string();
            assert!(
                text.contains(&format!(
                    "re-send it only with the same idempotency key {key}"
                )),
                "{text}"
            );
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
}

#[tokio::test]
async fn a_rate_limit_after_an_attempt_that_may_have_run_is_still_outcome_unknown() {
    // Found by the 10,000-call fault run: the first attempt may have run (a 502), every
    // retry met a 429; reporting RateLimited would invite a retry with a new key.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(
            ResponseTemplate::new(502).insert_header("connectors-idempotency", "honoured"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOKE))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": "Rate Limit Exceeded", "retryAfter": 0})),
        )
        .mount(&server)
        .await;
    let error = invoke(&client_of(&server.uri())).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::OutcomeUnknown {
                attempts: 3,
                idempotency_key: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_transient());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// ------------------------------------------------------------ body caps

#[tokio::test]
async fn a_body_over_the_cap_is_a_typed_error_and_not_retried() {
    // Declared by Content-Length: refused before reading.
    let server = MockServer::start().await;
    let big = ok(
        json!({"tools": [], "pagination": {"total": 0, "limit": 100, "offset": 0},
        "padding": "x".repeat(4096)}),
    );
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(big))
        .mount(&server)
        .await;
    let client = builder_of(&server.uri())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    assert_eq!(client.config().max_response_bytes(), 1024);
    let error = client.tools().list().await.unwrap_err();
    match &error {
        Error::ResponseTooLarge {
            limit,
            received_at_least,
            status,
        } => {
            assert_eq!(*limit, 1024);
            assert!(*received_at_least > 1024);
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(!error.is_transient());
    assert_eq!(error.kind(), "ResponseTooLarge");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Without a length (read until the connection closes): stopped past the cap. An
    // error body is capped too.
    let server = ScriptedServer::start(|seen, _| match seen.path.as_str() {
        LIST => unsized_body(200),
        _ => unsized_body(400),
    })
    .await;
    let client = builder_of(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let error = client.tools().list().await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    let error = client.health().check().await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests_to(LIST).len(), 1);
}

#[tokio::test]
async fn the_cap_comes_from_the_environment_and_a_bad_value_is_refused() {
    let client = Connectors::builder()
        .with_env_vars([("CONNECTORS_MAX_RESPONSE_BYTES", "2048")])
        .build()
        .unwrap();
    assert_eq!(client.config().max_response_bytes(), 2048);
    let default = Connectors::builder().build().unwrap();
    assert_eq!(default.config().max_response_bytes(), 32 * 1024 * 1024);
    let error = Connectors::builder()
        .with_env_vars([("CONNECTORS_MAX_RESPONSE_BYTES", "lots")])
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("CONNECTORS_MAX_RESPONSE_BYTES"),
        "{error}"
    );
}
