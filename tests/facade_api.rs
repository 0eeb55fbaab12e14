//! The ergonomic calls against a local HTTP server: what goes on the wire and what comes
//! back (selection flattening, pagination across pages, invocation, MCP handles,
//! deployments, health, function-calling export, typed calls).

mod common;

use std::time::Duration;

use common::{TENANT, client, ok, tool};
use connectors::Error;
use connectors::function_calling::ToolDefinition;
use connectors::mcp::Source;
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn select_sends_the_options_nested_and_flattens_the_tiers_by_rank() {
    let server = MockServer::start().await;
    let mut core = tool("github.createPullRequest", 0.92, 1);
    core["reason"] = json!("matches 'pull request'");
    core["relatedTools"] =
        json!([{"toolId": "github.listBranches", "relation": "OFTEN_USED_WITH", "weight": 0.6}]);
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/select"))
        .and(body_json(json!({
            "query": "create a pull request",
            "options": {"maxTools": 5, "tokenBudget": 2000, "allowedCategories": ["code"],
                        "excludeServers": ["gitlab"], "includeRelated": true, "includeSchemas": true}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "query": "create a pull request",
            "tools": {
                "tier1": [tool("github.getRepo", 0.5, 1), core],
                "tier2": [tool("github.listBranches", 0.7, 2)],
                "tier3": [tool("slack.post", 0.9, 3)]
            },
            "performance": {"totalTools": 40, "tokenUsage": 400, "tokenBudget": 2000, "latency_ms": 12},
            // The schemas beside the tiers, as the original gateway sends them.
            "tool_schemas": {
                "github.createPullRequest": {"input_schema": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}},
                "github.getRepo": {"input_schema": {"type": "object", "properties": {"repo": {"type": "string"}}}},
                "github.listBranches": {"input_schema": {"type": "object", "properties": {"repo": {"type": "string"}}}},
                "slack.post": {"input_schema": {"type": "object", "properties": {"text": {"type": "string"}}}}
            }
        }))))
        .expect(1)
        .mount(&server)
        .await;
    let selection = client(&server)
        .tools()
        .select("create a pull request")
        .max_tools(5)
        .token_budget(2000)
        .categories(["code"])
        .exclude_servers(["gitlab"])
        .include_related(true)
        .await
        .unwrap();
    assert_eq!(
        selection.tool_ids(),
        [
            "github.createPullRequest",
            "github.getRepo",
            "github.listBranches",
            "slack.post"
        ]
    );
    let first = &selection.tools[0];
    assert_eq!(first.reason.as_deref(), Some("matches 'pull request'"));
    assert_eq!(first.related_tools[0].tool_id, "github.listBranches");
    assert_eq!(first.token_cost, 100);
    assert_eq!(selection.total_tools, Some(40));
    assert_eq!(selection.token_usage, Some(400));

    let openai = selection.openai_tools().unwrap();
    assert_eq!(openai[0]["type"], "function");
    assert_eq!(openai[0]["function"]["name"], "github__createPullRequest");
    assert_eq!(openai[0]["function"]["parameters"]["type"], "object");
    assert_eq!(
        openai[0]["function"]["parameters"]["required"],
        json!(["title"])
    );
    let anthropic = selection.anthropic_tools().unwrap();
    assert_eq!(anthropic[3]["name"], "slack__post");
    assert!(anthropic[3]["input_schema"]["properties"].is_object());
}

#[tokio::test]
async fn a_schema_fetched_for_a_selected_tool_brings_what_its_server_declared() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/select"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "query": "delete a note",
            "tools": {"tier1": [tool("notes.delete_note", 0.9, 1)], "tier2": [], "tier3": []}
        }))))
        .expect(1)
        .mount(&server)
        .await;
    let declared = json!({
        "title": "Delete note",
        "annotations": {"readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": false},
        "outputSchema": {"type": "object", "properties": {"deleted": {"type": "boolean"}}},
        "icons": [{"src": "https://example.com/bin.svg", "mimeType": "image/svg+xml", "sizes": ["any"]}],
        "_meta": {"connectors/undoable": false}
    });
    let mut full = tool("notes.delete_note", 1.0, 1);
    full["schema"] = json!({"name": "delete_note", "parameters": {"type": "object", "properties": {"id": {"type": "integer"}}}});
    for (key, value) in declared.as_object().unwrap() {
        full[key] = value.clone();
    }
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/notes.delete_note"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(full)))
        .expect(1)
        .mount(&server)
        .await;
    let selection = client(&server)
        .tools()
        .select("delete a note")
        .await
        .unwrap();
    let tool = serde_json::to_value(&selection.tools[0]).unwrap();
    assert!(tool["schema"]["parameters"]["properties"]["id"].is_object());
    for (key, value) in declared.as_object().unwrap() {
        assert_eq!(&tool[key], value, "{key}");
    }
}

#[tokio::test]
async fn the_tool_stream_walks_every_page() {
    let server = MockServer::start().await;
    for (offset, ids) in [
        (0, vec!["a.one", "a.two"]),
        (2, vec!["a.three", "a.four"]),
        (4, vec!["a.five"]),
    ] {
        let tools: Vec<Value> = ids.iter().map(|id| tool(id, 1.0, 1)).collect();
        Mock::given(method("GET"))
            .and(path("/api/v1/tools/list"))
            .and(query_param("offset", offset.to_string().as_str()))
            .and(query_param("limit", "2"))
            .and(query_param("integration", "a"))
            .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
                "tools": tools, "pagination": {"total": 5, "limit": 2, "offset": offset}
            }))))
            // The page at offset 2 is also fetched on its own below.
            .expect(if offset == 2 { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let all: Vec<_> = client
        .tools()
        .list()
        .server("a")
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|t| t.tool_id.as_str()).collect();
    assert_eq!(ids, ["a.one", "a.two", "a.three", "a.four", "a.five"]);

    let page = client
        .tools()
        .list()
        .server("a")
        .page_size(2)
        .offset(2)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.has_more());
    assert_eq!(page.next_offset(), 4);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("offset", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "tools": [tool("a.one", 1.0, 1)], "pagination": {"total": 3, "limit": 1, "offset": 0}
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("offset", "1"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(common::err("CROSS_TENANT_ACCESS_DENIED", "no")),
        )
        .mount(&server)
        .await;
    let items: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(client(&server).tools().list().page_size(1).stream())
            .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(items[1], Err(Error::PermissionDenied(_))));
}

#[tokio::test]
async fn invoke_fills_in_the_integration_and_the_tenant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/invoke"))
        .and(body_json(json!({
            "toolId": "github.createPullRequest", "integration": "github", "tenantId": TENANT,
            "parameters": {"repo": "o/r", "title": "t"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "toolId": "github.createPullRequest",
            "result": {"content": [{"type": "text", "text": "{\"number\": 7}"}]},
            "performance": {"latency_ms": 106}
        }))))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let result = client
        .tools()
        .invoke(
            "github.createPullRequest",
            json!({"repo": "o/r", "title": "t"}),
        )
        .await
        .unwrap();
    assert_eq!(result.latency_ms, Some(106.0));
    assert_eq!(result.structured(), json!({"number": 7}));
    assert!(!result.is_error());

    // The same call through a server handle, by tool name.
    let handle = client.mcp().server("github");
    let result = handle
        .call("createPullRequest", json!({"repo": "o/r", "title": "t"}))
        .await
        .unwrap();
    assert_eq!(result.tool_id, "github.createPullRequest");
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Evaluate {
    /// An arithmetic expression.
    expression: String,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Evaluated {
    value: f64,
}

struct EvaluateTool;
impl connectors::typed::TypedTool for EvaluateTool {
    const TOOL_ID: &'static str = "math.evaluate";
    const DESCRIPTION: &'static str = "Evaluate an arithmetic expression";
    type Input = Evaluate;
    type Output = Evaluated;
}

#[tokio::test]
async fn typed_calls_send_the_struct_and_decode_the_output() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json!({"toolId": "math.evaluate", "integration": "math", "tenantId": TENANT,
                              "parameters": {"expression": "2*(3+4)"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "toolId": "math.evaluate", "result": {"content": [], "structuredContent": {"value": 14.0}}
        }))))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "division by zero"}], "isError": true}
        }))))
        .mount(&server)
        .await;
    let client = client(&server);
    let input = Evaluate {
        expression: "2*(3+4)".into(),
    };
    let out = client.tools().call::<EvaluateTool>(&input).await.unwrap();
    assert_eq!(out, Evaluated { value: 14.0 });
    match client
        .tools()
        .call::<EvaluateTool>(&Evaluate {
            expression: "1/0".into(),
        })
        .await
    {
        Err(Error::ToolInvocation {
            tool_id, message, ..
        }) => {
            assert_eq!(tool_id, "math.evaluate");
            assert_eq!(message, "division by zero");
        }
        other => panic!("expected ToolInvocation, got {other:?}"),
    }

    let definition = ToolDefinition::from_typed::<EvaluateTool>();
    let schema = &definition.to_anthropic()["input_schema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["properties"]["expression"]["type"], "string");
    assert_eq!(
        schema["properties"]["expression"]["description"],
        "An arithmetic expression."
    );
    assert_eq!(schema["required"], json!(["expression"]));
}

#[tokio::test]
async fn batch_invoke_keeps_each_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/invoke/batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "results": [
                {"index": 0, "toolId": "math.evaluate", "success": true,
                 "result": {"toolId": "math.evaluate", "result": {"content": [{"type": "text", "text": "14"}]}}},
                {"index": 1, "toolId": "text.word_count", "success": false,
                 "error": {"code": "TOOL_NOT_FOUND", "message": "Tool 'text.word_count' not found"}}
            ],
            "succeeded": 1, "failed": 1
        }))))
        .mount(&server)
        .await;
    let results = client(&server)
        .tools()
        .invoke_batch([
            ("math.evaluate", json!({"expression": "2*(3+4)"})),
            ("text.word_count", json!({"text": "a"})),
        ])
        .await
        .unwrap();
    assert_eq!(results[0].as_ref().unwrap().text(), "14");
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.code(), Some("TOOL_NOT_FOUND"));
    let sent = body(&server.received_requests().await.unwrap()[0]);
    assert_eq!(sent["invocations"][1]["integration"], "text");
    assert_eq!(sent["invocations"][1]["tenantId"], TENANT);
}

#[tokio::test]
async fn server_handles_list_tools_and_health() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers/math/tools"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "server": "math",
            "tools": [{"toolId": "math.evaluate", "name": "evaluate", "description": "Evaluate",
                       "inputSchema": {"type": "object", "properties": {"expression": {"type": "string"}}}}]
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers/math/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "name": "math", "status": "healthy", "latencyMs": 0.8, "restarts": 0
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "servers": [{"name": "math", "type": "platform", "status": "running", "toolCount": 3}],
            "pagination": {"total": 1, "limit": 100, "offset": 0}
        }))))
        .mount(&server)
        .await;
    let client = client(&server);
    let math = client.mcp().server("math");
    let tools = math.tools().await.unwrap();
    assert_eq!(tools[0].tool_id, "math.evaluate");
    assert_eq!(
        ToolDefinition::from(&tools[0]).to_openai()["function"]["parameters"]["properties"]["expression"]
            ["type"],
        "string"
    );
    assert!(math.health().await.unwrap().status == connectors::api::HealthState::Healthy);
    let servers = client.mcp().list().await.unwrap();
    assert_eq!(servers.items[0].name, "math");
}

#[tokio::test]
async fn a_deployment_is_followed_until_ready() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/mcp/add"))
        // The client's tenant: a server filed under no tenant is every tenant's on the
        // original gateway.
        .and(body_json(json!({"name": "my-notes", "category": "productivity", "tenantId": common::TENANT,
                              "source": {"type": "stdio", "command": "connectors-mcp-servers", "args": ["notes"]}})))
        .respond_with(ResponseTemplate::new(202).set_body_json(ok(json!({
            "deploymentId": "dep-1", "status": "pending", "estimatedTime": "30-60 seconds"
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!({"deploymentId": "dep-1", "status": "building"}))),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "deploymentId": "dep-1", "status": "running", "toolsDiscovered": 4
        }))))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let deployment = client
        .mcp()
        .add(
            "my-notes",
            Source::stdio("connectors-mcp-servers", ["notes"]),
            "productivity",
        )
        .await
        .unwrap()
        .poll_interval(Duration::from_millis(1));
    assert_eq!(deployment.id(), "dep-1");
    let ready = deployment
        .wait_until_ready(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(ready.tools_discovered, Some(4));
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert_eq!(polls, 3);
}

#[tokio::test]
async fn a_failed_deployment_reports_its_error_and_last_log_lines() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "deploymentId": "dep-2", "status": "failed", "error": "exit status 1"
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-2/logs"))
        .and(query_param("limit", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "deploymentId": "dep-2",
            "logs": [{"timestamp": "2026-11-21T16:26:49.449Z", "stream": "system", "message": "starting"},
                     {"timestamp": "2026-11-21T16:26:49.950Z", "stream": "stderr", "message": "no such command"}]
        }))))
        .mount(&server)
        .await;
    let error = client(&server)
        .deployments()
        .deployment("dep-2")
        .wait_until_ready(Duration::from_secs(5))
        .await
        .unwrap_err();
    match error {
        Error::Deployment {
            deployment_id,
            status,
            error,
            last_logs,
        } => {
            assert_eq!(deployment_id, "dep-2");
            assert_eq!(status, connectors::api::DeploymentStatus::Failed);
            assert_eq!(error.as_deref(), Some("exit status 1"));
            assert_eq!(last_logs, ["starting", "no such command"]);
        }
        other => panic!("expected Deployment, got {other:?}"),
    }
}

#[tokio::test]
async fn waiting_ends_with_a_distinct_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(
            json!({"deploymentId": "dep-3", "status": "a-new-status"}),
        )))
        .mount(&server)
        .await;
    let error = client(&server)
        .deployments()
        .deployment("dep-3")
        .poll_interval(Duration::from_millis(5))
        .wait_until_ready(Duration::from_millis(30))
        .await
        .unwrap_err();
    match error {
        Error::DeploymentTimeout { status, .. } => assert_eq!(status.as_str(), "a-new-status"),
        other => panic!("expected DeploymentTimeout, got {other:?}"),
    }
}

#[tokio::test]
async fn health_check_and_readiness() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!({"status": "healthy", "uptime": 1.5}))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ready"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(common::err("SERVICE_NOT_READY", "not ready")),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Retries stay on for the client; readiness is still asked once.
    let client = common::builder(&server).max_retries(3).build().unwrap();
    assert_eq!(client.health().check().await.unwrap().uptime, Some(1.5));
    let error = client.health().ready().await.unwrap_err();
    assert!(matches!(error, Error::ServiceUnavailable(_)));
    assert_eq!(error.code(), Some("SERVICE_NOT_READY"));
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_makes_the_same_calls() {
    use connectors::blocking::prelude::*;

    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/api/v1/tools/select"))
            .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
                "query": "q", "tools": {"tier1": [tool("a.one", 0.9, 1)], "tier2": [], "tier3": []}
            }))))
            .mount(&server),
    );
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/api/v1/tools/list"))
            .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
                "tools": [tool("a.one", 1.0, 1)], "pagination": {"total": 1, "limit": 100, "offset": 0}
            }))))
            .mount(&server),
    );
    let client = connectors::blocking::Connectors::build(common::builder(&server)).unwrap();
    let selection = client.tools().select("q").max_tools(3).wait().unwrap();
    assert_eq!(selection.tool_ids(), ["a.one"]);
    let all: Vec<_> = client
        .tools()
        .list()
        .stream()
        .wait_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), 1);

    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/api/v1/events"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                "event: heartbeat\ndata: {\"type\":\"heartbeat\",\"timestamp\":\"2026-11-21T16:11:56.459Z\"}\n\n",
                "text/event-stream",
            ))
            .mount(&server),
    );
    let events: Vec<_> = client
        .events()
        .subscribe()
        .wait()
        .unwrap()
        .wait_iter()
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].is_ok(), "{events:?}");

    rt.block_on(
        Mock::given(method("GET"))
            .and(path(format!(
                "/api/v1/tenants/{}/integrations",
                common::TENANT
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
                "tenantId": common::TENANT, "integrations": ["github"]
            }))))
            .mount(&server),
    );
    let integrations = client.tenants().integrations().wait().unwrap();
    assert_eq!(integrations.integrations, ["github"]);
}
