//! Secrets never reach an error's `Display` or `Debug`: the API key echoed anywhere in an
//! error body (type, nested context, field errors, a value serde quotes, an HTML page),
//! tool argument values echoed by the gateway or the tool (unless the caller opted in),
//! and the user info of a base URL, which is refused.

mod common;

use common::KEY;
use connectors::{Connectors, Error};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A tool argument that must not leak (long enough to be told apart from ordinary words).
const ARGUMENT: &str = "ghp_argument_s3cr3t_4c1e7b";

fn once(server: &MockServer) -> Connectors {
    common::builder(server).max_retries(0).build().unwrap()
}

async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn assert_hidden(error: &Error, secret: &str) {
    let shown = format!("{error}\n{error:?}\n{error:#?}");
    assert!(!shown.contains(secret), "{shown}");
}

#[tokio::test]
async fn the_key_echoed_in_the_envelope_type_and_nested_context_never_shows() {
    let server = answering(
        400,
        json!({"success": false, "error": {
            "code": "VALIDATION_ERROR",
            "message": format!("key {KEY} refused"),
            "type": format!("Bad{KEY}"),
            "context": {"field": "apiKey", "sent": {"headers": [format!("x-api-key: {KEY}")], "raw": KEY},
                        KEY: "as a name"}
        }}),
    )
    .await;
    let error = once(&server).tools().categories().await.unwrap_err();
    assert_eq!(error.kind(), "BadRequest");
    assert_eq!(error.api_error().unwrap().field(), Some("apiKey"));
    assert_hidden(&error, KEY);
}

#[tokio::test]
async fn the_key_echoed_in_field_errors_never_shows() {
    let server = answering(
        400,
        json!({"success": false, "error": "Validation failed", "message": "see errors",
               "errors": [{"field": KEY, "message": format!("{KEY} is not a client id")}]}),
    )
    .await;
    let error = once(&server).tools().categories().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.api_error().unwrap().field_errors.len(), 1);
    assert_hidden(&error, KEY);
}

#[tokio::test]
async fn the_key_quoted_by_serde_in_a_decode_error_never_shows() {
    // A value of the wrong type is the key: serde quotes it in its message.
    let server = answering(200, common::ok(json!({"categories": KEY}))).await;
    let error = once(&server).tools().categories().await.unwrap_err();
    assert_eq!(error.kind(), "Decode");
    assert_hidden(&error, KEY);
}

#[tokio::test]
async fn the_key_in_an_html_page_never_shows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(format!("<html><pre>key={KEY}</pre></html>"), "text/html"),
        )
        .mount(&server)
        .await;
    let error = once(&server).tools().categories().await.unwrap_err();
    assert_eq!(error.kind(), "UnexpectedResponse");
    assert_hidden(&error, KEY);
}

fn echoing_body() -> Value {
    json!({"success": false, "error": {
        "code": "VALIDATION_ERROR",
        "message": format!("token {ARGUMENT} is not valid"),
        "type": "ValidationError",
        "context": {"parameters": {"token": ARGUMENT, "repo": "o/r"}},
    }})
}

#[tokio::test]
async fn tool_arguments_echoed_by_the_gateway_show_only_when_opted_in() {
    let server = answering(400, echoing_body()).await;
    let client = once(&server);
    let args = json!({"token": ARGUMENT, "nested": {"list": [ARGUMENT]}});
    let error = client
        .tools()
        .invoke("notes.add_note", &args)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "ToolInvocation");
    assert!(format!("{error}").contains("is not valid"), "{error}");
    assert_hidden(&error, ARGUMENT);

    let error = client
        .tools()
        .invoke("notes.add_note", &args)
        .parameters_in_errors(true)
        .await
        .unwrap_err();
    let Error::ToolInvocation { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(message.contains(ARGUMENT), "opted in: {message}");
}

#[tokio::test]
async fn tool_arguments_quoted_in_a_decode_error_never_show() {
    // The gateway answers the invocation with the argument where the result belongs.
    let server = answering(200, common::ok(json!(ARGUMENT))).await;
    let error = once(&server)
        .tools()
        .invoke("notes.add_note", json!({"token": ARGUMENT}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "Decode", "{error:?}");
    assert_hidden(&error, ARGUMENT);
}

#[tokio::test]
async fn tool_arguments_echoed_in_a_failed_result_never_show() {
    let server = answering(
        200,
        common::ok(json!({"toolId": "notes.add_note", "result": {
            "content": [{"type": "text", "text": format!("rejected token {ARGUMENT} and {KEY}")}],
            "isError": true,
        }})),
    )
    .await;
    let result = once(&server)
        .tools()
        .invoke("notes.add_note", json!({"token": ARGUMENT}))
        .await
        .unwrap();
    let error = result.decode::<Value>().unwrap_err();
    assert_eq!(error.kind(), "ToolInvocation");
    assert_hidden(&error, ARGUMENT);
    assert_hidden(&error, KEY);
}

#[tokio::test]
async fn tool_arguments_echoed_in_a_batch_or_a_stream_error_never_show() {
    let server = answering(
        200,
        common::ok(
            json!({"results": [{"index": 0, "toolId": "notes.add_note", "success": false,
            "error": {"code": "TOOL_FAILED", "message": format!("bad {ARGUMENT}")}}]}),
        ),
    )
    .await;
    let results = once(&server)
        .tools()
        .invoke_batch([("notes.add_note", json!({"token": ARGUMENT}))])
        .await
        .unwrap();
    let error = results[0].as_ref().unwrap_err();
    assert_hidden(error, ARGUMENT);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(
                "event: error\ndata: {{\"code\":\"TOOL_FAILED\",\"message\":\"bad {ARGUMENT}\"}}\n\n"
            ),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let events: Vec<_> = once(&server)
        .tools()
        .invoke_stream("notes.add_note", json!({"token": ARGUMENT}))
        .await
        .unwrap()
        .collect()
        .await;
    let error = events.last().unwrap().as_ref().unwrap_err();
    assert_eq!(error.kind(), "ToolInvocation");
    assert_hidden(error, ARGUMENT);
}

#[test]
fn a_base_url_with_user_info_is_refused_without_showing_the_password() {
    for url in [
        "http://admin:hunter2-pw@127.0.0.1:3000",
        "https://admin:hunter2-pw@gateway.example",
        "ftp://admin:hunter2-pw@gateway.example",
        "http://admin:hunter2-pw@127.0.0.1:bad-port",
    ] {
        let builder = Connectors::builder().base_url(url);
        assert!(
            !format!("{builder:?}").contains("hunter2-pw"),
            "{builder:?}"
        );
        let error = builder.build().unwrap_err();
        let Error::Config { setting, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(setting, "base_url");
        assert_hidden(&error, "hunter2-pw");
    }
    let error = Connectors::builder()
        .with_env_vars([(
            "CONNECTORS_BASE_URL".to_string(),
            "http://admin:hunter2-pw@127.0.0.1:3000".to_string(),
        )])
        .build()
        .unwrap_err();
    assert!(matches!(&error, Error::Config { setting, .. } if setting == "CONNECTORS_BASE_URL"));
    assert_hidden(&error, "hunter2-pw");

    let error = Connectors::builder()
        .base_url("http://admin@127.0.0.1:3000")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "Config");
    assert!(format!("{error}").contains("user"), "{error}");
}

#[tokio::test]
async fn argument_values_are_hidden_in_every_escaped_form_and_short_ones_stay() {
    let quoted = "pa\"ss\nw\u{f6}rd";
    let args = json!({"quoted": quoted, "nested": {"list": ["deep-secret"]}, "short": "abc", "number": 123456});
    // The body as text: the value JSON-escaped, beside values too short to hide.
    let echo = json!({"echo": quoted, "s": "abc", "n": 123456}).to_string();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(echo, "application/json"))
        .mount(&server)
        .await;
    let error = once(&server)
        .tools()
        .invoke("notes.add_note", &args)
        .await
        .unwrap_err();
    let Error::UnexpectedResponse { body_excerpt, .. } = &error else {
        panic!("expected UnexpectedResponse, got {error:?}");
    };
    assert_eq!(
        body_excerpt,
        r#"{"echo":"<redacted>","n":123456,"s":"abc"}"#
    );

    // Serde's message quotes a value Debug-escaped; a nested value goes too.
    for value in [quoted, "deep-secret"] {
        let result =
            json!({"toolId": "notes.add_note", "result": {}, "performance": {"latency_ms": value}});
        let server = answering(200, common::ok(result)).await;
        let error = once(&server)
            .tools()
            .invoke("notes.add_note", &args)
            .await
            .unwrap_err();
        let Error::Decode { source, .. } = &error else {
            panic!("expected Decode, got {error:?}");
        };
        let message = source.to_string();
        assert!(message.contains("invalid type"), "{message}");
        assert!(message.contains("<redacted>"), "{message}");
        assert_hidden(&error, value);
        assert_hidden(&error, &format!("{value:?}"));
    }
}
