//! Wire compatibility with the real gateway: every exchange recorded from the
//! TypeScript gateway (`tests/fixtures/connectors-gateway/recorded.json`) is replayed
//! by a local HTTP server and requested through the generated client.
//!
//! For each exchange:
//! - the recorded request body, decoded into the operation's request type and encoded
//!   again, must be what the real gateway received (so our request types can say what
//!   real clients say); only requests that the gateway rejected may fail to round-trip;
//! - the response must decode into the success type (2xx), into the error type with the
//!   right variant (error statuses), or, for the HTML 500 page, into an unexpected-response
//!   error that keeps the status and the body;
//! - every field the gateway sent must survive decoding with its value, so no field is
//!   silently dropped by a misspelled name.

mod common;

use connectors::api::{Client, Transport, prelude::*, types};
use progenitor_client::{Error, ResponseValue};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the generated client made of a response.
#[derive(Debug)]
enum Outcome {
    Success { status: u16, value: Value },
    Envelope { status: u16, value: Value },
    RateLimited { status: u16, value: Value },
    Unexpected { status: u16, body: String },
}

/// Error types of generated operations: the shared error body, or nothing for
/// operations that declare no error response.
trait ErrorBody {
    fn outcome(self, status: u16) -> Outcome;
}

impl ErrorBody for types::ErrorResponse {
    fn outcome(self, status: u16) -> Outcome {
        match self {
            types::ErrorResponse::ErrorEnvelope(e) => Outcome::Envelope {
                status,
                value: serde_json::to_value(e).unwrap(),
            },
            types::ErrorResponse::PlainError(e) => Outcome::RateLimited {
                status,
                value: serde_json::to_value(e).unwrap(),
            },
        }
    }
}

impl ErrorBody for () {
    fn outcome(self, status: u16) -> Outcome {
        panic!("status {status} decoded into an operation without error responses")
    }
}

async fn outcome<T: Serialize, E: ErrorBody>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> Outcome {
    match result {
        Ok(response) => Outcome::Success {
            status: response.status().as_u16(),
            value: serde_json::to_value(response.into_inner()).unwrap(),
        },
        Err(Error::ErrorResponse(response)) => {
            let status = response.status().as_u16();
            response.into_inner().outcome(status)
        }
        Err(Error::UnexpectedResponse(response)) => Outcome::Unexpected {
            status: response.status().as_u16(),
            body: response.text().await.unwrap(),
        },
        Err(other) => panic!(
            "the client failed instead of decoding: {}",
            other.into_untyped()
        ),
    }
}

/// Decodes a recorded request body into `T`. `None` when the body cannot be said with
/// the typed client, or says something else once encoded again.
fn typed_body<T: DeserializeOwned + Serialize>(body: Option<&Value>) -> Option<T> {
    let body = body?;
    let typed: T = serde_json::from_value(body.clone()).ok()?;
    (serde_json::to_value(&typed).ok()? == *body).then_some(typed)
}

/// Asserts that `decoded` holds every field of `recorded` with the same value. A field
/// whose recorded value is an empty array or object may be absent (optional empty
/// collections are not sent again).
fn assert_covers(recorded: &Value, decoded: &Value, at: &str) {
    match (recorded, decoded) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let here = format!("{at}.{key}");
                match got.get(key) {
                    Some(inner) => assert_covers(value, inner, &here),
                    None => {
                        let empty = matches!(value, Value::Array(a) if a.is_empty())
                            || matches!(value, Value::Object(o) if o.is_empty());
                        assert!(empty, "{here} = {value} was lost in decoding");
                    }
                }
            }
            for key in got.keys() {
                assert!(want.contains_key(key), "{at}.{key} appeared in decoding");
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            assert_eq!(want.len(), got.len(), "{at}: array length");
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                assert_covers(w, g, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(want), Value::Number(got)) => {
            assert_eq!(want.as_f64(), got.as_f64(), "{at}");
        }
        (want, got) => assert_eq!(want, got, "{at}"),
    }
}

/// Calls the operation that the recorded request corresponds to. Returns the outcome
/// and whether the typed client could send the recorded body as it was.
async fn call(client: &Client, method: &str, path: &str, body: Option<&Value>) -> (Outcome, bool) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", [""]) => (outcome(client.get_service_info().send().await).await, true),
        ("GET", ["health"]) => (outcome(client.get_health().send().await).await, true),
        ("GET", ["health", "detailed"]) => (
            outcome(client.get_detailed_health().send().await).await,
            true,
        ),
        ("GET", ["ready"]) => (outcome(client.get_readiness().send().await).await, true),
        ("GET", ["api", "v1", "tools", "list"]) => {
            (outcome(client.list_tools().send().await).await, true)
        }
        ("GET", ["api", "v1", "categories"]) => {
            (outcome(client.list_categories().send().await).await, true)
        }
        ("GET", ["api", "v1", "metrics"]) => {
            (outcome(client.get_metrics().send().await).await, true)
        }
        ("GET", ["api", "v1", "mcp", "custom"]) => (
            outcome(client.list_custom_servers().send().await).await,
            true,
        ),
        ("GET", ["api", "v1", "mcp", "health"]) => {
            (outcome(client.get_mcp_health().send().await).await, true)
        }
        ("GET", ["api", "v1", "mcp", "deployments", id]) => (
            outcome(client.get_deployment().deployment_id(*id).send().await).await,
            true,
        ),
        ("DELETE", ["api", "v1", "mcp", "custom", name]) => (
            outcome(client.remove_custom_server().name(*name).send().await).await,
            true,
        ),
        ("POST", ["api", "v1", "tools", "select"]) => {
            let typed = typed_body::<types::SelectToolsRequest>(body);
            let sent = typed.is_some();
            let request = typed.unwrap_or_else(|| {
                let single = types::SingleSelectRequest::builder().query("x");
                types::SingleSelectRequest::try_from(single).unwrap().into()
            });
            (
                outcome(client.select_tools().body(request).send().await).await,
                sent,
            )
        }
        ("POST", ["api", "v1", "tools", "invoke"]) => {
            let typed = typed_body::<types::InvokeToolRequest>(body);
            let sent = typed.is_some();
            let request = typed.unwrap_or_else(|| {
                types::InvokeToolRequest::builder()
                    .tool_id("x.y")
                    .integration("x")
                    .tenant_id("tenant-a")
                    .try_into()
                    .unwrap()
            });
            (
                outcome(client.invoke_tool().body(request).send().await).await,
                sent,
            )
        }
        ("POST", ["api", "v1", "mcp", "add"]) => {
            let typed = typed_body::<types::AddMcpServerRequest>(body);
            let sent = typed.is_some();
            let request = typed.unwrap_or_else(|| {
                serde_json::from_value(json!({
                    "name": "x", "category": "code",
                    "source": {"type": "http", "url": "http://127.0.0.1:9/"}
                }))
                .unwrap()
            });
            (
                outcome(client.add_mcp_server().body(request).send().await).await,
                sent,
            )
        }
        other => panic!("no operation of openapi.yaml answers {other:?}"),
    }
}

#[tokio::test]
async fn every_recorded_exchange_decodes_through_the_generated_client() {
    let fixture = common::recorded_exchanges();
    let exchanges = fixture["exchanges"].as_array().expect("exchanges");
    assert_eq!(exchanges.len(), 42, "the fixture holds 42 exchanges");

    for exchange in exchanges {
        let name = exchange["name"].as_str().unwrap();
        let request = &exchange["request"];
        let response = &exchange["response"];
        let verb = request["method"].as_str().unwrap();
        let recorded_path = request["path"].as_str().unwrap();
        let (mut route, query) = match recorded_path.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (recorded_path.to_string(), None),
        };
        // An unknown route gives 404 ROUTE_NOT_FOUND; a client meets that body when it
        // calls an extension route on the original gateway, so serve it on one.
        if route == "/nope" {
            route = "/health/detailed".into();
        }

        let server = MockServer::start().await;
        let status = response["status"].as_u64().unwrap() as u16;
        let mut template = ResponseTemplate::new(status);
        for (key, value) in response["headers"].as_object().unwrap() {
            template = template.insert_header(key.as_str(), value.as_str().unwrap());
        }
        let body_bytes = match response.get("body_text").and_then(Value::as_str) {
            Some(text) => text.as_bytes().to_vec(),
            None => serde_json::to_vec(&response["body"]).unwrap(),
        };
        let content_type = response["headers"]["Content-Type"].as_str().unwrap();
        template = template.set_body_raw(body_bytes, content_type);

        let mut headers = reqwest::header::HeaderMap::new();
        let mut mock = Mock::given(method(verb)).and(path(route.as_str()));
        if let Some(auth) = request.get("authorization").and_then(Value::as_str) {
            headers.insert("authorization", auth.parse().unwrap());
            mock = mock.and(header("authorization", auth));
        }
        if let Some(id) = request.get("x_request_id").and_then(Value::as_str) {
            headers.insert("x-request-id", id.parse().unwrap());
        }
        for pair in query.iter().flat_map(|q| q.split('&')) {
            let (k, v) = pair.split_once('=').unwrap();
            mock = mock.and(query_param(k, v));
        }
        let body = request.get("body");
        mock.respond_with(template).expect(1).mount(&server).await;

        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let client = Client::new_with_client(&server.uri(), http, Transport::default());
        let (outcome, sent_as_recorded) = if let Some(q) = &query {
            // The only recorded query is on tools/list: pass its parameters through the builder.
            assert_eq!(route, "/api/v1/tools/list", "{name}");
            let mut call = client.list_tools();
            for pair in q.split('&') {
                call = match pair.split_once('=').unwrap() {
                    ("category", v) => call.category(v),
                    ("limit", v) => call.limit(v.parse::<u64>().unwrap()),
                    ("offset", v) => call.offset(v.parse::<u64>().unwrap()),
                    (k, _) => panic!("{name}: unexpected query parameter {k}"),
                };
            }
            (outcome(call.send().await).await, true)
        } else {
            call(&client, verb, &route, body).await
        };

        if sent_as_recorded {
            if let Some(body) = body {
                let received = &server.received_requests().await.unwrap()[0];
                let got: Value = serde_json::from_slice(&received.body).unwrap();
                assert_eq!(&got, body, "{name}: the typed client sent another body");
            }
        } else {
            assert!(
                status >= 400,
                "{name}: the real gateway accepted a body that the typed request cannot express"
            );
        }
        server.verify().await;

        match outcome {
            Outcome::Success { status: got, value } => {
                assert!((200..300).contains(&status), "{name}: decoded as success");
                assert_eq!(got, status, "{name}");
                assert_covers(&response["body"], &value, name);
            }
            Outcome::Envelope { status: got, value } => {
                assert!(status >= 400, "{name}: decoded as an error");
                assert_eq!(got, status, "{name}");
                assert_eq!(response["body"]["success"], json!(false), "{name}");
                assert_covers(&response["body"], &value, name);
            }
            Outcome::RateLimited { status: got, value } => {
                assert_eq!((status, got), (429, 429), "{name}");
                assert_covers(&response["body"], &value, name);
            }
            Outcome::Unexpected { status: got, body } => {
                assert_eq!(got, status, "{name}: the status must be kept");
                let html = response["body_text"]
                    .as_str()
                    .expect("only the HTML page is unexpected");
                assert_eq!(body, html, "{name}: the body must be kept");
            }
        }
    }
}

#[tokio::test]
async fn the_rate_limit_body_keeps_retry_after_and_limits() {
    let fixture = common::recorded_exchanges();
    let exchange = fixture["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["response"]["status"] == 429)
        .expect("a recorded 429");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "26")
                .set_body_json(&exchange["response"]["body"]),
        )
        .mount(&server)
        .await;
    let client =
        Client::new_with_client(&server.uri(), reqwest::Client::new(), Transport::default());
    match client.list_tools().send().await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.headers()["retry-after"], "26");
            match response.into_inner() {
                types::ErrorResponse::PlainError(body) => {
                    assert_eq!(body.retry_after, Some(26));
                    let limits = body.limits.expect("limits");
                    assert_eq!(limits.scope.as_deref(), Some("endpoint:tools-list"));
                    assert_eq!(limits.limit, Some(300));
                    assert_eq!(limits.remaining, Some(0));
                }
                other => panic!("decoded as {other:?}"),
            }
        }
        other => panic!("expected the 429 error response, got {other:?}"),
    }
}
