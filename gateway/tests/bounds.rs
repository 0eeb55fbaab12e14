//! The bounds the gateway checks are the spec's: each one, taken from the constants
//! generated from `openapi.yaml` (`connectors::api::limits`) or from the spec itself, is
//! accepted at its edge and refused with 400 `VALIDATION_ERROR` one step past it.

mod common;

use common::*;
use connectors::api::limits;
use connectors::operations::OPERATIONS;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `openapi.yaml` as JSON.
fn spec() -> Value {
    serde_json::from_str(connectors::api::OPENAPI_JSON).expect("the spec is JSON")
}

/// The integer at `pointer` in the spec.
fn bound(pointer: &str) -> u64 {
    spec()
        .pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no integer at {pointer}"))
}

fn refused(reply: &Reply, field: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.code(), "VALIDATION_ERROR", "{}", reply.body);
    assert_eq!(
        reply.body["error"]["context"]["field"], field,
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn selection_bounds_are_the_specs() {
    let gw = start().await;
    let select = |options: Value| {
        let gw = &gw;
        async move {
            gw.post(
                "/api/v1/tools/select",
                json!({"query": "add a note", "options": options}),
            )
            .await
        }
    };
    for max in [limits::MAX_TOOLS_MIN, limits::MAX_TOOLS_MAX] {
        let reply = select(json!({"maxTools": max})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    for max in [limits::MAX_TOOLS_MIN - 1, limits::MAX_TOOLS_MAX + 1] {
        refused(&select(json!({"maxTools": max})).await, "options.maxTools");
    }
    for budget in [limits::TOKEN_BUDGET_MIN, limits::TOKEN_BUDGET_MAX] {
        let reply = select(json!({"tokenBudget": budget})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    for budget in [limits::TOKEN_BUDGET_MIN - 1, limits::TOKEN_BUDGET_MAX + 1] {
        refused(
            &select(json!({"tokenBudget": budget})).await,
            "options.tokenBudget",
        );
    }
    let categories = |n: usize| (0..n).map(|i| format!("c{i}")).collect::<Vec<_>>();
    let reply = select(json!({"allowedCategories": categories(limits::CATEGORIES_MAX)})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    refused(
        &select(json!({"allowedCategories": categories(limits::CATEGORIES_MAX + 1)})).await,
        "options.allowedCategories",
    );

    let most = bound("/components/schemas/BatchSelectRequest/properties/queries/maxItems");
    let queries = |n: u64| {
        (0..n)
            .map(|_| json!({"use_case": "add a note"}))
            .collect::<Vec<_>>()
    };
    let batch = |n: u64| {
        let gw = &gw;
        async move {
            gw.post("/api/v1/tools/select", json!({"queries": queries(n)}))
                .await
        }
    };
    assert_eq!(batch(most).await.status, StatusCode::OK);
    refused(&batch(most + 1).await, "queries");
    refused(&batch(0).await, "queries");
    gw.running.shutdown().await;
}

/// The schema of `op`'s query parameter `name`, its `$ref` resolved.
fn query_parameter(spec: &Value, path: &str, method: &str, name: &str) -> Option<Value> {
    let operation = &spec["paths"][path][method.to_lowercase()];
    operation["parameters"]
        .as_array()?
        .iter()
        .map(|p| match p["$ref"].as_str() {
            Some(reference) => spec
                .pointer(reference.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null),
            None => p.clone(),
        })
        .find(|p| p["in"] == "query" && p["name"] == name)
}

#[tokio::test]
async fn every_limit_parameter_is_bounded_as_the_spec_says() {
    let gw = start().await;
    // A deployment of the run's own, for the operations under a deployment's id.
    let deployment = gw
        .deploy(
            "bounds-probe",
            json!({"type": "http", "url": "http://127.0.0.1:9/mcp"}),
        )
        .await;
    let spec = spec();
    let mut checked = 0;
    for op in OPERATIONS {
        let Some(limit) = query_parameter(&spec, op.path, op.method, "limit") else {
            continue;
        };
        let (Some(min), Some(max)) = (
            limit["schema"]["minimum"].as_u64(),
            limit["schema"]["maximum"].as_u64(),
        ) else {
            panic!("{}: limit without bounds", op.id);
        };
        let path = sample_path(op.path).replace("dep-1", &deployment);
        for limit in [min, max] {
            let reply = gw.get(&format!("{path}?limit={limit}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{} {}", op.id, reply.body);
        }
        for limit in [min - 1, max + 1] {
            refused(&gw.get(&format!("{path}?limit={limit}")).await, "limit");
        }
        checked += 1;
    }
    assert!(checked > 0);
    // The listings' bounds are also the SDK's constants.
    let listing = query_parameter(&spec, "/api/v1/tools/list", "GET", "limit").unwrap();
    assert_eq!(
        limit_bounds(&listing),
        (limits::PAGE_SIZE_MIN, limits::PAGE_SIZE_MAX)
    );
    gw.running.shutdown().await;
}

fn limit_bounds(parameter: &Value) -> (u64, u64) {
    (
        parameter["schema"]["minimum"].as_u64().unwrap(),
        parameter["schema"]["maximum"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn batches_arguments_and_server_names_are_bounded_by_the_spec() {
    let gw = start().await;
    let invocations = |n: usize| {
        (0..n)
            .map(|_| json!({"toolId": "text.word_count", "integration": "text", "tenantId": TENANT_A, "parameters": {"text": "a b"}}))
            .collect::<Vec<_>>()
    };
    let batch = |n: usize| {
        let gw = &gw;
        async move {
            gw.post(
                "/api/v1/tools/invoke/batch",
                json!({"invocations": invocations(n)}),
            )
            .await
        }
    };
    for n in [limits::BATCH_MIN, limits::BATCH_MAX] {
        let reply = batch(n).await;
        assert_eq!(reply.status, StatusCode::OK, "{n}: {}", reply.body);
    }
    for n in [limits::BATCH_MIN - 1, limits::BATCH_MAX + 1] {
        let reply = batch(n).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{n}: {}", reply.body);
        assert_eq!(reply.code(), "VALIDATION_ERROR");
    }

    let most = bound("/components/schemas/ToolArguments/maxProperties");
    let arguments = |n: u64| {
        let names = (0..n).map(|i| (format!("p{i}"), json!(1)));
        Value::Object(names.collect())
    };
    refused(
        &gw.invoke("text.word_count", arguments(most + 1)).await,
        "parameters",
    );
    let reply = gw.invoke("text.word_count", arguments(most)).await;
    assert_ne!(
        reply.body["error"]["context"]["field"], "parameters",
        "{}",
        reply.body
    );

    let longest = bound("/components/schemas/AddMcpServerRequest/properties/name/maxLength");
    let add = |name: String| {
        let gw = &gw;
        async move {
            gw.post(
                "/api/v1/mcp/add",
                json!({"name": name, "category": "code", "source": {"type": "http", "url": "http://127.0.0.1:9/mcp"}}),
            )
            .await
        }
    };
    let name = |n: u64| "n".repeat(usize::try_from(n).unwrap());
    assert_eq!(add(name(longest)).await.status, StatusCode::ACCEPTED);
    refused(&add(name(longest + 1)).await, "name");
    gw.running.shutdown().await;
}
