//! Idempotency keys (issue #23): a key the header cannot carry is refused before anything
//! is sent. Against wiremock over real sockets; assertions on request counts, headers and
//! values.

mod common;

use common::{KEY, builder, client, ok};
use connectors::Error;
use connectors::api::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn invoke_body() -> Value {
    ok(json!({
        "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]},
        "performance": {"latency_ms": 3}
    }))
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
