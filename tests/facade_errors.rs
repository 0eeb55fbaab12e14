//! Error mapping of the facade: every status family, the recorded real-gateway error
//! bodies, undecodable bodies (status kept, excerpt bounded, key removed), and the
//! checks made before anything is sent.

mod common;

use common::{KEY, builder, client, ok};
use connectors::{Connectors, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn once(server: &MockServer) -> Connectors {
    builder(server).max_retries(0).build().unwrap()
}

#[tokio::test]
async fn each_status_family_maps_to_its_variant_on_declared_and_undeclared_statuses() {
    let cases = [
        (400, "BadRequest"),
        (401, "Authentication"),
        (403, "PermissionDenied"),
        (404, "NotFound"),
        (409, "Conflict"),
        (418, "Api"),
        (422, "BadRequest"),
        (429, "RateLimited"),
        (500, "Server"),
        (502, "Server"),
        (503, "ServiceUnavailable"),
        (504, "Server"),
    ];
    for (status, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(common::err("SOME_CODE", "it failed")),
            )
            .mount(&server)
            .await;
        let client = once(&server);
        // `tools/list` declares 400, 401 and 429; `/health/detailed` declares only 404,
        // so the others arrive as undeclared responses: both paths must agree.
        for error in [
            client.tools().list().await.unwrap_err(),
            client.health().detailed().await.unwrap_err(),
        ] {
            assert_eq!(error.kind(), expected, "{status}: {error:?}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(error.code(), Some("SOME_CODE"));
            assert_eq!(error.request_id(), Some("req-err"));
            assert_eq!(error.api_error().unwrap().message, "it failed");
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_the_error_schema_keeps_its_status() {
    let server = MockServer::start().await;
    // 401 is declared for tools/list: progenitor fails to decode it and drops the status.
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("go away", "text/plain"))
        .mount(&server)
        .await;
    let error = once(&server).tools().list().await.unwrap_err();
    match &error {
        Error::UnexpectedResponse {
            status,
            content_type,
            body_excerpt,
            request_id,
        } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(content_type.as_deref(), Some("text/plain"));
            assert_eq!(body_excerpt, "go away");
            assert!(request_id.is_some(), "the request id that was sent");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_is_a_decode_error_with_an_excerpt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": true, "data": {"uptime": 1}})),
        )
        .mount(&server)
        .await;
    match once(&server).health().check().await.unwrap_err() {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(body_excerpt.contains("uptime"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let error = once(&server).health().check().await.unwrap_err();
    assert!(error.request_id().is_some(), "the request id that was sent");
}

/// The error and its excerpt for an HTML 500 with `body`.
async fn html_500(body: String) -> (Error, String) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body, "text/html"))
        .mount(&server)
        .await;
    let error = once(&server).health().check().await.unwrap_err();
    let Error::UnexpectedResponse { body_excerpt, .. } = &error else {
        panic!("expected UnexpectedResponse, got {error:?}");
    };
    let excerpt = body_excerpt.clone();
    (error, excerpt)
}

#[tokio::test]
async fn excerpts_are_bounded_and_never_hold_the_api_key() {
    let (error, body_excerpt) = html_500(format!("<html>{KEY} {}</html>", "x".repeat(5000))).await;
    assert!(body_excerpt.len() <= connectors::error::EXCERPT_BYTES + 3);
    assert!(body_excerpt.contains("<redacted>"));
    for text in [format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
    }

    // Cut on a character boundary, and the key past the cut is gone as a whole.
    let (_, body_excerpt) = html_500(format!("{}{KEY}", "\u{e9}".repeat(300))).await;
    assert!(body_excerpt.len() <= connectors::error::EXCERPT_BYTES + '\u{2026}'.len_utf8());
    assert!(body_excerpt.ends_with('\u{2026}'), "{body_excerpt}");
    assert!(
        body_excerpt
            .trim_end_matches('\u{2026}')
            .chars()
            .all(|c| c == '\u{e9}')
    );

    // A message that echoes the key is scrubbed too.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(common::err(
            "INVALID_API_KEY",
            &format!("key {KEY} is unknown"),
        )))
        .mount(&server)
        .await;
    let error = once(&server).tools().list().await.unwrap_err();
    assert_eq!(
        error.api_error().unwrap().message,
        "key <redacted> is unknown"
    );
    assert!(!format!("{error} {error:?}").contains(KEY));
}

/// Calls the facade function for a recorded route.
async fn call(client: &Connectors, verb: &str, route: &str) -> Result<(), Error> {
    let segments: Vec<&str> = route.trim_start_matches('/').split('/').collect();
    match (verb, segments.as_slice()) {
        ("GET", ["nope"]) => client.health().detailed().await.map(drop),
        ("GET", ["api", "v1", "tools", "list"]) => client.tools().list().await.map(drop),
        ("POST", ["api", "v1", "tools", "select"]) => client
            .tools()
            .select("create a github pull request")
            .await
            .map(drop),
        ("POST", ["api", "v1", "tools", "invoke"]) => client
            .tools()
            .invoke("github.createPullRequest", json!({"repo": "o/r"}))
            .await
            .map(drop),
        ("POST", ["api", "v1", "mcp", "add"]) => client
            .mcp()
            .add(
                "my-http-mcp",
                connectors::mcp::Source::http("http://127.0.0.1:18500"),
                "code",
            )
            .await
            .map(drop),
        ("GET", ["api", "v1", "mcp", "deployments", id]) => {
            client.deployments().get(*id).await.map(drop)
        }
        ("DELETE", ["api", "v1", "mcp", "custom", name]) => {
            client.mcp().remove(*name).await.map(drop)
        }
        other => panic!("no facade call for {other:?}"),
    }
}

#[tokio::test]
async fn every_recorded_gateway_error_maps_to_a_typed_error() {
    let fixture = common::recorded_exchanges();
    let mut seen = 0;
    for exchange in fixture["exchanges"].as_array().unwrap() {
        let status = exchange["response"]["status"].as_u64().unwrap() as u16;
        if status < 400 {
            continue;
        }
        seen += 1;
        let name = exchange["name"].as_str().unwrap();
        let verb = exchange["request"]["method"].as_str().unwrap();
        let route = exchange["request"]["path"].as_str().unwrap();
        let response = &exchange["response"];
        let server = MockServer::start().await;
        let mut template = ResponseTemplate::new(status);
        for (key, value) in response["headers"].as_object().unwrap() {
            template = template.insert_header(key.as_str(), value.as_str().unwrap());
        }
        let content_type = response["headers"]["Content-Type"].as_str().unwrap();
        let body = match response.get("body_text").and_then(Value::as_str) {
            Some(text) => text.as_bytes().to_vec(),
            None => serde_json::to_vec(&response["body"]).unwrap(),
        };
        template = template.set_body_raw(body, content_type);
        let served = if route == "/nope" {
            "/health/detailed"
        } else {
            route
        };
        Mock::given(method(verb))
            .and(path(served))
            .respond_with(template)
            .mount(&server)
            .await;

        let error = call(&once(&server), verb, route).await.unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{name}: {error:?}"
        );
        let body = &response["body"];
        if let Some(code) = body["error"]["code"].as_str() {
            assert_eq!(error.code(), Some(code), "{name}");
            assert_eq!(
                error.api_error().unwrap().message,
                body["error"]["message"].as_str().unwrap(),
                "{name}"
            );
        }
        if let Some(id) = body["metadata"]["requestId"].as_str() {
            assert_eq!(error.request_id(), Some(id), "{name}");
        }
        if let Some(context) = body["error"]["context"].as_object() {
            assert_eq!(&error.api_error().unwrap().context, context, "{name}");
        }
        let expected = match (status, verb, route) {
            (500, ..) => "UnexpectedResponse",
            (400 | 404, "POST", "/api/v1/tools/select") => "ToolSelection",
            (400, "POST", "/api/v1/tools/invoke") => "ToolInvocation",
            // An unknown tool is `NotFound` through every call that names one.
            (404, "POST", "/api/v1/tools/invoke") => "NotFound",
            (401, "POST", "/api/v1/tools/invoke") => "ToolInvocation",
            // An unknown route: the gateway does not offer the operation.
            (404, "GET", "/nope") => "NotOffered",
            (400, ..) => "BadRequest",
            (401, ..) => "Authentication",
            (403, ..) => "PermissionDenied",
            (404, ..) => "NotFound",
            (409, ..) => "Conflict",
            (429, ..) => "RateLimited",
            _ => "?",
        };
        assert_eq!(error.kind(), expected, "{name}: {error:?}");
        match &error {
            Error::RateLimited(e) => {
                assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(26)));
                assert_eq!(
                    e.limits.as_ref().unwrap().scope.as_deref(),
                    Some("endpoint:tools-list")
                );
            }
            Error::UnexpectedResponse {
                content_type,
                body_excerpt,
                ..
            } => {
                assert!(content_type.as_deref().unwrap().starts_with("text/html"));
                assert!(
                    body_excerpt.starts_with("<!DOCTYPE html>"),
                    "{body_excerpt}"
                );
                assert!(body_excerpt.len() <= connectors::error::EXCERPT_BYTES + 3);
            }
            Error::BadRequest(e) if e.code.as_deref() == Some("VALIDATION_ERROR") => {
                assert!(e.field().is_some(), "{name}");
            }
            _ => {}
        }
    }
    assert_eq!(seen, 19, "error exchanges in the fixture");
}

#[tokio::test]
async fn a_refused_selection_names_the_available_categories() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/select"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(common::err("VALIDATION_ERROR", "no such category")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/categories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "categories": [{"name": "code"}, {"name": "productivity", "toolCount": 3}]
        }))))
        .mount(&server)
        .await;
    match client(&server)
        .tools()
        .select("send a fax")
        .categories(["fax"])
        .await
    {
        Err(Error::ToolSelection {
            query,
            available_categories,
            source,
        }) => {
            assert_eq!(query, "send a fax");
            assert_eq!(available_categories, ["code", "productivity"]);
            assert!(matches!(*source, Error::BadRequest(_)));
        }
        other => panic!("expected ToolSelection, got {other:?}"),
    }
}

#[tokio::test]
async fn invocation_errors_carry_the_tool_and_only_opted_in_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(502).set_body_json(common::err("MCP_SERVER_UNAVAILABLE", "down")),
        )
        .mount(&server)
        .await;
    let client = once(&server);
    let error = client
        .tools()
        .invoke("notes.add_note", json!({"token": "s3cr3t-value"}))
        .await
        .unwrap_err();
    // A 502 leaves open whether the tool ran (tests/facade_exactly_once.rs): the
    // invocation error is the source of `OutcomeUnknown`.
    let error = match error {
        Error::OutcomeUnknown { source, .. } => *source,
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    };
    match &error {
        Error::ToolInvocation {
            tool_id,
            code,
            parameters,
            ..
        } => {
            assert_eq!(tool_id, "notes.add_note");
            assert_eq!(code.as_deref(), Some("MCP_SERVER_UNAVAILABLE"));
            assert!(parameters.is_none());
        }
        other => panic!("expected ToolInvocation, got {other:?}"),
    }
    let error = client
        .tools()
        .invoke("notes.add_note", json!({"token": "s3cr3t-value"}))
        .parameters_in_errors(true)
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { source, .. } = &error else {
        panic!("{error:?}")
    };
    let Error::ToolInvocation { parameters, .. } = source.as_ref() else {
        panic!("{error:?}")
    };
    assert_eq!(
        parameters.as_ref().unwrap().as_map()["token"],
        "s3cr3t-value"
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t-value"));
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let tools = client.tools();
    let cases: Vec<(Error, &str)> = vec![
        (tools.select("   ").await.unwrap_err(), "query"),
        (
            tools.select("x").max_tools(0).await.unwrap_err(),
            "max_tools",
        ),
        (
            tools.select("x").max_tools(101).await.unwrap_err(),
            "max_tools",
        ),
        (
            tools.select("x").token_budget(99).await.unwrap_err(),
            "token_budget",
        ),
        (
            tools.select("x").token_budget(100_001).await.unwrap_err(),
            "token_budget",
        ),
        (
            tools
                .select("x")
                .categories(["Not A Category"])
                .await
                .unwrap_err(),
            "categories",
        ),
        (
            tools
                .invoke("createPullRequest", json!({}))
                .await
                .unwrap_err(),
            "tool_id",
        ),
        (
            tools
                .invoke(".createPullRequest", json!({}))
                .await
                .unwrap_err(),
            "tool_id",
        ),
        (
            tools
                .invoke("GitHub.createPullRequest", json!({}))
                .await
                .unwrap_err(),
            "tool_id",
        ),
        (
            tools.invoke("github.", json!({})).await.unwrap_err(),
            "tool_id",
        ),
        (
            tools.invoke("github.x", json!([1, 2])).await.unwrap_err(),
            "params",
        ),
        (tools.list().page_size(0).await.unwrap_err(), "page_size"),
    ];
    for (error, expected) in cases {
        match error {
            Error::InvalidInput { field, .. } => assert_eq!(field, expected),
            other => panic!("expected InvalidInput({expected}), got {other:?}"),
        }
    }
    // In range is accepted: the edges are inclusive.
    assert!(
        tools
            .select("x")
            .max_tools(100)
            .token_budget(100)
            .await
            .is_err_and(|e| !matches!(e, Error::InvalidInput { .. }))
    );
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1, "only the in-range selection was sent");
}

#[tokio::test]
async fn invoking_without_a_tenant_is_a_configuration_error_naming_the_variable() {
    let server = MockServer::start().await;
    let client = Connectors::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    match client.tools().invoke("math.evaluate", json!({})).await {
        Err(Error::Config { setting, .. }) => assert_eq!(setting, "CONNECTORS_TENANT_ID"),
        other => panic!("expected Config, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
