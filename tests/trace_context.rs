//! W3C trace context (`RequestOptions::trace_context`): the `traceparent` and `tracestate`
//! headers on every request and attempt of a traced handle (none without one), and end to
//! end through the reference gateway to the MCP server's `_meta`, which the `names`
//! server echoes.

mod common;

use connectors_test_support::gateway::reference_gateway;

use common::{client, first_then, invoke_ok};
use connectors::api::prelude::*;
use connectors::{RequestOptions, TraceContext};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACESTATE: &str = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

fn trace() -> TraceContext {
    TraceContext::parse(TRACEPARENT)
        .unwrap()
        .with_tracestate(TRACESTATE)
        .unwrap()
}

fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn raw_body() -> connectors::api::types::InvokeToolRequest {
    serde_json::from_value(
        json!({"toolId": "math.evaluate", "integration": "math", "tenantId": "tenant-a"}),
    )
    .unwrap()
}

#[tokio::test]
async fn a_traced_handle_sends_traceparent_and_tracestate_on_every_attempt() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "POST",
        "/api/v1/tools/invoke",
        ResponseTemplate::new(503).insert_header("Retry-After", "0"),
        invoke_ok(),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})))
        .mount(&server)
        .await;

    let plain = client(&server);
    let traced = plain.with_options(RequestOptions::new().trace_context(trace()));
    traced
        .tools()
        .invoke("math.evaluate", json!({"expression": "2*(3+4)"}))
        .await
        .expect("the retry succeeds");
    let _ = traced.health().check().await;
    // The handle it came from, and the generated client of the traced handle.
    plain
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap();
    traced
        .api()
        .invoke_tool()
        .body(raw_body())
        .send()
        .await
        .unwrap();
    // A header parameter given to one request wins over the handle's.
    let own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    traced
        .api()
        .invoke_tool()
        .traceparent(own)
        .body(raw_body())
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(String, Option<String>, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.url.path().to_string(),
                header(r, "traceparent"),
                header(r, "tracestate"),
            )
        })
        .collect();
    let traced_seen = |path: &str| {
        (
            path.to_string(),
            Some(TRACEPARENT.to_string()),
            Some(TRACESTATE.to_string()),
        )
    };
    let invoke = "/api/v1/tools/invoke";
    assert_eq!(
        seen,
        [
            traced_seen(invoke),
            traced_seen(invoke),
            traced_seen("/health"),
            (invoke.to_string(), None, None),
            traced_seen(invoke),
            (invoke.to_string(), Some(own.to_string()), None),
        ]
    );
}

#[tokio::test]
async fn malformed_trace_contexts_are_refused_before_any_request() {
    for bad in [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ] {
        let error = TraceContext::parse(bad).unwrap_err();
        assert!(
            error.to_string().starts_with("invalid traceparent"),
            "{error}"
        );
    }
}

/// What the `names` server echoed for a call: its structured content.
fn echo_meta(structured: &Value) -> &Value {
    &structured["meta"]
}

#[tokio::test]
async fn the_gateway_passes_the_trace_context_to_the_mcp_servers_meta() {
    let (gateway, client) = reference_gateway(&["names"]).await;
    let traced = client.with_options(RequestOptions::new().trace_context(trace()));

    let result = traced
        .tools()
        .invoke("names.UPPER", json!({"count": 2}))
        .await
        .unwrap();
    let structured = result.structured();
    assert_eq!(structured["tool"], "UPPER", "{structured}");
    assert_eq!(echo_meta(&structured)["traceparent"], TRACEPARENT);
    assert_eq!(echo_meta(&structured)["tracestate"], TRACESTATE);

    // Every call of a batch.
    let batch = traced
        .tools()
        .invoke_batch([
            ("names.UPPER", json!({"count": 1})),
            ("names.get_user", json!({"value": "ada"})),
        ])
        .await
        .unwrap();
    for outcome in batch {
        let structured = outcome.unwrap().structured();
        assert_eq!(echo_meta(&structured)["traceparent"], TRACEPARENT);
    }

    // The streamed form.
    let mut events = traced
        .tools()
        .invoke_stream("names.UPPER", json!({"count": 3}))
        .await
        .unwrap();
    let mut streamed = None;
    while let Some(event) = events.next().await {
        if let connectors::tools::InvocationEvent::Result(result) = event.unwrap() {
            streamed = Some(result.structured());
        }
    }
    let streamed = streamed.expect("a result event");
    assert_eq!(echo_meta(&streamed)["traceparent"], TRACEPARENT);
    assert_eq!(echo_meta(&streamed)["tracestate"], TRACESTATE);

    // Without a trace context, none reaches the server.
    let plain = client
        .tools()
        .invoke("names.UPPER", json!({"count": 4}))
        .await
        .unwrap()
        .structured();
    assert_eq!(echo_meta(&plain).get("traceparent"), None, "{plain}");
    gateway.shutdown().await;
}
