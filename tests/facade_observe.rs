//! The response observer: the raw body of every call's final response, before decoding.

mod common;

use std::sync::{Arc, Mutex};

use common::{KEY, builder, err, ok};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: String,
    path: String,
    status: u16,
    body: Option<String>,
    attempts: u32,
}

fn recording(server: &MockServer) -> (connectors::Connectors, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let client = builder(server)
        .observe_responses(move |r| {
            log.lock().unwrap().push(Seen {
                operation: r.operation_id().to_string(),
                path: r.path().to_string(),
                status: r.status().as_u16(),
                body: r.body().map(|b| String::from_utf8_lossy(b).into_owned()),
                attempts: r.attempts(),
            })
        })
        .build()
        .unwrap();
    (client, seen)
}

#[tokio::test]
async fn the_observer_sees_the_raw_body_and_the_decoder_still_gets_it() {
    let server = MockServer::start().await;
    // Formatting and an unknown field that decoding drops: the observer sees them as sent.
    let body = format!(
        "{}\n",
        serde_json::to_string_pretty(&ok(
            json!({"name": "github", "extra": 1, "status": "healthy"})
        ))
        .unwrap()
    );
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers/github/health"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let (client, seen) = recording(&server);

    let health = client.mcp().server("github").health().await.unwrap();
    assert_eq!(health.name, "github");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [Seen {
            operation: "getServerHealth".into(),
            path: "/api/v1/mcp/servers/{name}/health".into(),
            status: 200,
            body: Some(body),
            attempts: 1,
        }]
    );
}

#[tokio::test]
async fn only_the_final_attempt_is_observed_and_errors_keep_their_mapping() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/github.nope"))
        .respond_with(ResponseTemplate::new(503).set_body_json(err("UNAVAILABLE", "later")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/github.nope"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(err("TOOL_NOT_FOUND", "no such tool")),
        )
        .mount(&server)
        .await;
    let (client, seen) = recording(&server);

    let error = client.tools().get("github.nope").await.unwrap_err();
    assert!(matches!(error, connectors::Error::NotFound(_)), "{error:?}");
    assert_eq!(error.code(), Some("TOOL_NOT_FOUND"));
    assert!(!format!("{error:?}").contains(KEY));

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!((seen[0].status, seen[0].attempts), (404, 2));
    assert!(seen[0].body.as_deref().unwrap().contains("TOOL_NOT_FOUND"));
}

#[tokio::test]
async fn event_streams_are_observed_without_buffering_their_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "event: heartbeat\ndata: {\"type\":\"heartbeat\",\"timestamp\":\"2026-11-21T16:11:56.459Z\"}\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let (client, seen) = recording(&server);

    use futures::StreamExt;
    let mut events = client.events().subscribe().await.unwrap();
    let first = events.next().await;
    assert!(first.is_some());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].operation, "streamEvents");
    assert_eq!(seen[0].body, None);
}
