//! The `opentelemetry` feature: a call of a handle without an explicit trace context sends
//! the OpenTelemetry context of its span (`tracing_opentelemetry`) as `traceparent` and
//! `tracestate`; an explicit `RequestOptions::trace_context` wins; nothing without a span.

mod common;

use common::{client, ok};
use connectors::{RequestOptions, TraceContext};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use serde_json::json;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EXPLICIT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/invoke"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]},
            "performance": {"latency_ms": 3}
        }))))
        .mount(&server)
        .await;
    server
}

/// `traceparent` of every request received, in order.
async fn traceparents(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("traceparent")
                .map(|v| v.to_str().unwrap().to_string())
        })
        .collect()
}

/// The (trace id, span id) of a span recorded by the layer.
fn ids(span: &tracing::Span) -> (String, String) {
    let cx = span.context();
    let otel = cx.span();
    let context = otel.span_context();
    assert!(context.is_valid(), "the layer records the span");
    (
        format!("{:032x}", context.trace_id()),
        format!("{:016x}", context.span_id()),
    )
}

#[tokio::test]
async fn the_spans_context_is_sent_and_an_explicit_one_wins() {
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    let _default = tracing::subscriber::set_default(subscriber);
    let server = server().await;
    let plain = client(&server);

    let span = tracing::info_span!("caller");
    let (trace_id, caller_id) = ids(&span);
    {
        let _entered = span.enter();
        plain
            .tools()
            .invoke("math.evaluate", json!({"expression": "2*(3+4)"}))
            .await
            .unwrap();
        plain
            .with_options(
                RequestOptions::new().trace_context(TraceContext::parse(EXPLICIT).unwrap()),
            )
            .tools()
            .invoke("math.evaluate", json!({}))
            .await
            .unwrap();
    }

    let seen = traceparents(&server).await;
    assert_eq!(seen.len(), 2);
    let sent = TraceContext::parse(seen[0].as_deref().expect("a traceparent")).unwrap();
    assert_eq!(sent.trace_id(), trace_id, "the caller's trace");
    // The parent is the request's own span, a child of the caller's.
    assert_ne!(sent.parent_id(), caller_id);
    assert!(sent.sampled());
    assert_eq!(seen[1].as_deref(), Some(EXPLICIT));
}

#[tokio::test]
async fn without_the_request_span_the_callers_span_is_the_parent() {
    let provider = SdkTracerProvider::builder().build();
    // The request span is at debug level: filtered out here.
    let subscriber = tracing_subscriber::registry()
        .with(LevelFilter::INFO)
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    let _default = tracing::subscriber::set_default(subscriber);
    let server = server().await;
    let plain = client(&server);

    let span = tracing::info_span!("caller");
    let (trace_id, caller_id) = ids(&span);
    assert_eq!(
        TraceContext::from_span(&span).unwrap().traceparent(),
        format!("00-{trace_id}-{caller_id}-01")
    );
    {
        let _entered = span.enter();
        plain
            .tools()
            .invoke("math.evaluate", json!({}))
            .await
            .unwrap();
    }
    // And outside every span, nothing.
    plain
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap();

    assert_eq!(
        traceparents(&server).await,
        [Some(format!("00-{trace_id}-{caller_id}-01")), None]
    );
}

#[tokio::test]
async fn a_remote_parents_trace_state_is_sent_as_tracestate() {
    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    let _default = tracing::subscriber::set_default(subscriber);
    let server = server().await;
    let plain = client(&server);

    let remote = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("congo", "t61rcWkgMzE")]).unwrap(),
    );
    let span = tracing::info_span!("handler");
    span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote))
        .unwrap();
    {
        let _entered = span.enter();
        plain
            .tools()
            .invoke("math.evaluate", json!({}))
            .await
            .unwrap();
    }

    let request = &server.received_requests().await.unwrap()[0];
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let sent = TraceContext::parse(&header("traceparent").unwrap()).unwrap();
    assert_eq!(sent.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_ne!(
        sent.parent_id(),
        "00f067aa0ba902b7",
        "a span of this process"
    );
    assert_eq!(header("tracestate").as_deref(), Some("congo=t61rcWkgMzE"));
}
