//! Tenancy in the full profile, over real sockets: the built-in `notes` data is per
//! tenant, another tenant's deployment is indistinguishable from an unknown one, and
//! metrics and detailed health tell no tenant about another.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn notes_call(tenant: &str, tool: &str, parameters: Value) -> Value {
    json!({"toolId": format!("notes.{tool}"), "integration": "notes", "tenantId": tenant, "parameters": parameters})
}

async fn notes_of(gw: &Gw, api_key: &str, tenant: &str) -> Vec<Value> {
    let reply = gw
        .post_as(
            api_key,
            "/api/v1/tools/invoke",
            notes_call(tenant, "list_notes", json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.data()["result"]["structuredContent"]["notes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_built_in_notes_are_per_tenant() {
    let gw = start().await;
    let added = gw
        .post_as(
            KEY_A,
            "/api/v1/tools/invoke",
            notes_call(TENANT_A, "add_note", json!({"title": "a's secret"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let id = added.data()["result"]["structuredContent"]["id"].clone();
    assert_eq!(notes_of(&gw, KEY_A, TENANT_A).await.len(), 1);
    assert!(notes_of(&gw, KEY_B, TENANT_B).await.is_empty());
    // Not by id either, nor by search.
    let got = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/invoke",
            notes_call(TENANT_B, "get_note", json!({"id": id})),
        )
        .await;
    assert_eq!(got.data()["result"]["isError"], true, "{}", got.body);
    let found = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/invoke",
            notes_call(TENANT_B, "search_notes", json!({"query": "secret"})),
        )
        .await;
    assert_eq!(
        found.data()["result"]["structuredContent"]["count"],
        0,
        "{}",
        found.body
    );
    gw.running.shutdown().await;
}

/// The error object of a reply without what names the id asked for.
fn error_shape(reply: &Reply, id: &str) -> Value {
    let mut error = reply.body["error"].clone();
    let message = error["message"].as_str().unwrap_or("").replace(id, "<id>");
    error["message"] = Value::String(message);
    if let Some(context) = error["context"].as_object_mut() {
        context.remove("deploymentId");
    }
    error
}

#[tokio::test]
async fn another_tenants_deployment_answers_as_an_unknown_one() {
    let gw = start().await;
    let id = gw.deploy("a-notes", builtin_source("notes")).await;
    assert_eq!(gw.wait_deployment(&id).await["status"], "running");
    let unknown = "dep-00000000-0000-4000-8000-000000000000";
    for suffix in ["", "/logs"] {
        let theirs = gw
            .get_as(KEY_B, &format!("/api/v1/mcp/deployments/{id}{suffix}"))
            .await;
        let nobodys = gw
            .get_as(KEY_B, &format!("/api/v1/mcp/deployments/{unknown}{suffix}"))
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
        assert_eq!(theirs.code(), "DEPLOYMENT_NOT_FOUND");
        assert_eq!(nobodys.status, StatusCode::NOT_FOUND);
        assert_eq!(error_shape(&theirs, &id), error_shape(&nobodys, unknown));
        let text = theirs.body.to_string();
        assert!(!text.contains(TENANT_A), "{text}");
        // The owner still sees it.
        let mine = gw
            .get(&format!("/api/v1/mcp/deployments/{id}{suffix}"))
            .await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    }
    gw.running.shutdown().await;
}

fn requests_total(reply: &Reply) -> u64 {
    reply.data()["metrics"]["requests"]["total"]
        .as_u64()
        .expect("requests.total")
}

#[tokio::test]
async fn metrics_count_only_the_asking_tenants_requests() {
    let gw = start().await;
    for _ in 0..5 {
        gw.get("/api/v1/tools/list").await;
    }
    gw.post("/api/v1/tools/select", json!({"query": "add a note"}))
        .await;
    let a = gw.get("/api/v1/metrics").await;
    assert!(requests_total(&a) >= 6, "{}", a.body);
    // B has made no request before this one, whatever A did.
    let b = gw.get_as(KEY_B, "/api/v1/metrics").await;
    assert_eq!(requests_total(&b), 0, "{}", b.body);
    assert_eq!(
        b.data()["metrics"]["tokenUsage"]["total"],
        0.0,
        "{}",
        b.body
    );
    let b = gw.get_as(KEY_B, "/api/v1/metrics").await;
    assert_eq!(requests_total(&b), 1, "{}", b.body);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn detailed_health_says_nothing_of_tenants_servers() {
    let gw = start().await;
    let before = gw
        .send(Method::GET, "/health/detailed", None, None, &[])
        .await;
    let id = gw.deploy("a-private", builtin_source("notes")).await;
    assert_eq!(gw.wait_deployment(&id).await["status"], "running");
    let after = gw
        .send(Method::GET, "/health/detailed", None, None, &[])
        .await;
    assert_eq!(after.status, StatusCode::OK);
    let text = after.body.to_string();
    assert!(!text.contains("a-private"), "{text}");
    assert!(!text.contains("custom"), "{text}");
    let messages = |reply: &Reply| -> Vec<Value> {
        reply.data()["checks"]
            .as_array()
            .map(|checks| checks.iter().map(|c| c["message"].clone()).collect())
            .unwrap_or_default()
    };
    // A tenant's deployment changes nothing another tenant can read here.
    assert_eq!(messages(&before), messages(&after));
    gw.running.shutdown().await;
}
