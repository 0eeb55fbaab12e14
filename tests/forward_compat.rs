//! A gateway newer than this SDK adds fields and enumeration values; the generated
//! client must still decode its responses, keeping the values it does not know.

use connectors::api::{
    Client, DeploymentStatus, IdentityType, RelationType, StepStatus, Transport, prelude::*, types,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(route: &str, body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client =
        Client::new_with_client(&server.uri(), reqwest::Client::new(), Transport::default());
    (server, client)
}

#[tokio::test]
async fn a_deployment_with_an_unlisted_status_and_extra_fields_decodes() {
    let (_server, client) = serve(
        "/api/v1/mcp/deployments/dep-1",
        json!({
            "success": true,
            "data": {
                "deploymentId": "dep-1",
                "status": "hibernating",
                "progress": {"clone": "completed", "build": "paused", "deploy": "pending", "warmup": "pending"},
                "region": "eu-west",
                "replicas": {"desired": 2, "ready": 1}
            },
            "metadata": {"timestamp": "2026-11-21T16:26:49.449Z", "requestId": "r", "version": "2.0.0", "traceId": "t"},
            "apiVersion": 2
        }),
    )
    .await;
    let deployment = client
        .get_deployment()
        .deployment_id("dep-1")
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(
        deployment.status,
        DeploymentStatus::Unknown("hibernating".into())
    );
    assert!(!deployment.status.is_known() && !deployment.status.is_terminal());
    assert_eq!(deployment.status.to_string(), "hibernating");
    let progress = deployment.progress.expect("progress");
    assert_eq!(progress.clone, Some(StepStatus::Completed));
    assert_eq!(progress.build, Some(StepStatus::Unknown("paused".into())));
    // Encoding it again gives back the value as it was sent.
    assert_eq!(
        serde_json::to_value(&deployment.status).unwrap(),
        json!("hibernating")
    );
}

#[tokio::test]
async fn selections_with_unknown_fields_and_relation_types_decode() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/select"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {
                "query": "open a pull request",
                "tools": {
                    "tier1": [{
                        "toolId": "github.createPullRequest", "name": "createPullRequest",
                        "description": "Create a pull request", "category": "code",
                        "score": 0.9, "tokenCost": 120, "tier": 1,
                        "confidence": "high",
                        "relatedTools": [{"toolId": "github.merge", "relation": "FOLLOWED_BY", "weight": 0.4, "since": "v2"}]
                    }],
                    "tier2": [], "tier3": [], "tier4": []
                },
                "performance": {"totalTools": 1, "tokenUsage": 120, "tokenBudget": 5000, "latency_ms": 3, "cacheHit": true},
                "experiments": ["ranker-v2"]
            }
        })))
        .mount(&server)
        .await;
    let client =
        Client::new_with_client(&server.uri(), reqwest::Client::new(), Transport::default());
    let request: types::SelectToolsRequest = types::SingleSelectRequest::try_from(
        types::SingleSelectRequest::builder().query("open a pull request"),
    )
    .unwrap()
    .into();
    let result = client
        .select_tools()
        .body(request)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    let types::SelectToolsResult::ToolSelectionResult(single) = result else {
        panic!("decoded as batch: {result:?}");
    };
    let tool = &single.tools.tier1[0];
    assert_eq!(tool.tool_id, "github.createPullRequest");
    assert_eq!(
        tool.related_tools[0].relation,
        RelationType::Unknown("FOLLOWED_BY".into())
    );
}

#[tokio::test]
async fn an_identity_of_a_new_type_decodes() {
    let (_server, client) = serve(
        "/api/v1/identities/idn-1",
        json!({
            "success": true,
            "data": {"id": "idn-1", "type": "SERVICE_ACCOUNT", "name": "ci", "scopes": ["read"]}
        }),
    )
    .await;
    let identity = client
        .get_identity()
        .identity_id("idn-1")
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(
        identity.type_,
        IdentityType::Unknown("SERVICE_ACCOUNT".into())
    );
}

#[test]
fn display_honours_width_so_statuses_line_up_in_tables() {
    assert_eq!(
        format!("[{:<9}]", DeploymentStatus::from("running")),
        "[running  ]"
    );
    assert_eq!(
        format!("[{:>9}]", DeploymentStatus::from("hibernating")),
        "[hibernating]"
    );
}
