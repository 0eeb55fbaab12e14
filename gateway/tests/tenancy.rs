//! Tenancy in the full profile, over real sockets: the built-in `notes` data is per
//! tenant, another tenant's deployment is indistinguishable from an unknown one, and
//! metrics and detailed health tell no tenant about another.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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

/// Deploys `source` as `name` for the tenant of `key`; waits for it to run.
async fn deploy_running(gw: &Gw, key: &str, name: &str, source: Value) -> Reply {
    let added = gw
        .post_as(
            key,
            "/api/v1/mcp/add",
            json!({"name": name, "category": "testing", "source": source}),
        )
        .await;
    assert_eq!(added.status, StatusCode::ACCEPTED, "{}", added.body);
    let id = added.data()["deploymentId"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let path = format!("/api/v1/mcp/deployments/{id}");
    let status = eventually(std::time::Duration::from_secs(90), || async {
        let reply = gw.get_as(key, &path).await;
        let status = reply.data()["status"].as_str().unwrap_or("").to_string();
        (status != "pending" && status != "deploying").then_some(status)
    })
    .await;
    assert_eq!(status, "running");
    added
}

/// The tool names of server `name` as the tenant of `key` sees it.
async fn tool_names(gw: &Gw, key: &str, name: &str) -> Vec<String> {
    let reply = gw
        .get_as(key, &format!("/api/v1/mcp/servers/{name}/tools"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut names: Vec<String> = reply.data()["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn two_tenants_may_each_deploy_a_server_of_one_name() {
    let gw = start().await;
    deploy_running(&gw, KEY_A, "twin", builtin_source("notes")).await;
    // B's add of the same name is not refused: refusing it would tell B that another
    // tenant has a server of that name.
    deploy_running(&gw, KEY_B, "twin", builtin_source("text")).await;

    // Each tenant reaches its own server under the name, and only its own.
    let notes = tool_names(&gw, KEY_A, "twin").await;
    let text = tool_names(&gw, KEY_B, "twin").await;
    assert!(notes.contains(&"add_note".to_string()), "{notes:?}");
    assert!(text.contains(&"word_count".to_string()), "{text:?}");
    assert!(!text.contains(&"add_note".to_string()), "{text:?}");
    let counted = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/invoke",
            invocation(TENANT_B, "twin.word_count", json!({"text": "one two"})),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    assert_eq!(counted.data()["result"]["structuredContent"]["words"], 2);
    let theirs = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/invoke",
            invocation(TENANT_B, "twin.add_note", json!({"title": "x"})),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
    let listed = |reply: &Reply| -> Vec<String> {
        reply.data()["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["toolId"].as_str().map(str::to_string))
            .collect()
    };
    let a_list = listed(
        &gw.get_as(KEY_A, "/api/v1/tools/list?integration=twin&limit=100")
            .await,
    );
    let b_list = listed(
        &gw.get_as(KEY_B, "/api/v1/tools/list?integration=twin&limit=100")
            .await,
    );
    assert!(a_list.contains(&"twin.add_note".to_string()), "{a_list:?}");
    assert!(
        !a_list.contains(&"twin.word_count".to_string()),
        "{a_list:?}"
    );
    assert!(
        b_list.contains(&"twin.word_count".to_string()),
        "{b_list:?}"
    );
    assert!(!b_list.contains(&"twin.add_note".to_string()), "{b_list:?}");
    let selected = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/select",
            json!({"query": "add a note with a title"}),
        )
        .await;
    assert!(
        !selected.body.to_string().contains("twin.add_note"),
        "{}",
        selected.body
    );

    // A name is still taken within its scope: the tenant's own, and the platform's for
    // every tenant.
    let again = gw
        .post_as(
            KEY_A,
            "/api/v1/mcp/add",
            json!({"name": "twin", "category": "testing", "source": builtin_source("math")}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.code(), "SERVER_ALREADY_EXISTS");
    let platform = gw
        .post_as(
            KEY_B,
            "/api/v1/mcp/add",
            json!({"name": "notes", "category": "testing", "source": builtin_source("math")}),
        )
        .await;
    assert_eq!(platform.status, StatusCode::CONFLICT, "{}", platform.body);

    // A's removal removes A's server only.
    let removed = gw
        .send(
            Method::DELETE,
            "/api/v1/mcp/custom/twin",
            Some(KEY_A),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let gone = gw.get_as(KEY_A, "/api/v1/mcp/servers/twin").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    assert_eq!(tool_names(&gw, KEY_B, "twin").await, text);
    let counted = gw
        .post_as(
            KEY_B,
            "/api/v1/tools/invoke",
            invocation(TENANT_B, "twin.word_count", json!({"text": "still here"})),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    let b_custom = gw.get_as(KEY_B, "/api/v1/mcp/custom").await;
    assert_eq!(b_custom.data()["count"], 1, "{}", b_custom.body);
    gw.running.shutdown().await;
}

#[tokio::test]
async fn what_one_tenant_runs_together_relates_tools_for_it_alone() {
    let gw = start().await;
    for tool in ["add_note", "list_notes"] {
        let ran = gw
            .post_as(
                KEY_A,
                "/api/v1/tools/invoke",
                notes_call(TENANT_A, tool, json!({"title": "t"})),
            )
            .await;
        assert_eq!(ran.status, StatusCode::OK, "{}", ran.body);
    }
    let together = |reply: &Reply| {
        reply.data()["related"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| {
                r["toolId"] == "notes.list_notes"
                    && r["reason"]
                        .as_str()
                        .is_some_and(|why| why.contains("together"))
            })
    };
    let a = gw
        .get_as(KEY_A, "/api/v1/tools/notes.add_note/related")
        .await;
    assert!(together(&a), "{}", a.body);
    let b = gw
        .get_as(KEY_B, "/api/v1/tools/notes.add_note/related")
        .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert!(!together(&b), "{}", b.body);
    gw.running.shutdown().await;
}
