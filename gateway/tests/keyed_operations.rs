//! The same key twice on every keyed operation of `openapi.yaml` (issue 23), over real
//! sockets: the operations come from the generated table (`x-connectors-retry: keyed`),
//! so a new keyed operation without a probe here fails the test.

mod common;

use common::*;
use connectors::operations::{OPERATIONS, RetryClass};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const INVOKE: &str = "/api/v1/tools/invoke";
const BATCH: &str = "/api/v1/tools/invoke/batch";
const STREAM: &str = "/api/v1/tools/invoke/stream";

fn add_note(title: &str, body: &str) -> Value {
    json!({"toolId": "notes.add_note", "integration": "notes", "tenantId": TENANT_A, "parameters": {"title": title, "body": body}})
}

/// The same key twice on every keyed operation of `openapi.yaml` (from the generated
/// operation table): the second gets the first outcome, replayed, and the effect happened
/// once. A keyed operation this test does not know fails it.
#[tokio::test]
async fn the_same_key_twice_on_every_keyed_operation_replays_the_first_outcome() {
    let gw = start().await;
    let oauth = "/api/v1/tenants/tenant-a/integrations/github/oauth-config";
    let oauth_body = json!({"clientId": "client-123", "clientSecret": "s3cr3t-value-0123456789", "redirectUri": "https://app.example.com/cb", "authEndpoint": "https://github.com/login/oauth/authorize", "tokenEndpoint": "https://github.com/login/oauth/access_token", "scopes": ["repo"]});
    let mut covered = Vec::new();
    for op in OPERATIONS.iter().filter(|op| op.retry == RetryClass::Keyed) {
        let key = format!("every-{}", op.id);
        let method = Method::from_bytes(op.method.as_bytes()).expect("a method");
        // Each operation's request, after whatever it needs to exist first.
        let (path, body): (String, Option<Value>) = match op.id {
            "invokeTool" => (INVOKE.into(), Some(add_note(op.id, "once"))),
            "invokeToolsBatch" => (
                BATCH.into(),
                Some(json!({"invocations": [add_note(op.id, "once")]})),
            ),
            "invokeToolStream" => (STREAM.into(), Some(add_note(op.id, "once"))),
            "addMcpServer" => (
                "/api/v1/mcp/add".into(),
                Some(
                    json!({"name": "keyed-notes", "category": "testing", "source": builtin_source("notes")}),
                ),
            ),
            "removeCustomServer" => {
                let id = gw.deploy("to-remove", builtin_source("notes")).await;
                gw.wait_deployment(&id).await;
                ("/api/v1/mcp/custom/to-remove".into(), None)
            }
            "createOauthConfig" => (oauth.into(), Some(oauth_body.clone())),
            "deleteOauthConfig" => {
                let created = gw.post(oauth, oauth_body.clone()).await;
                assert!(created.status.is_success(), "{}", created.body);
                (oauth.into(), None)
            }
            "createIdentity" => (
                "/api/v1/identities".into(),
                Some(json!({"type": "AGENT", "name": "keyed-bot"})),
            ),
            "updateIdentity" | "deleteIdentity" => {
                let made = gw
                    .post(
                        "/api/v1/identities",
                        json!({"type": "AGENT", "name": format!("for-{}", op.id)}),
                    )
                    .await;
                let id = made.data()["id"].as_str().expect("an id").to_string();
                let body = (op.id == "updateIdentity").then(|| json!({"description": "once"}));
                (format!("/api/v1/identities/{id}"), body)
            }
            other => panic!("keyed operation `{other}` has no probe here: add one"),
        };
        let first = keyed(&gw, method.clone(), &path, body.as_ref(), &key).await;
        assert!(
            first.status.is_success(),
            "{} {path}: {} {}",
            op.method,
            first.status,
            first.body
        );
        assert!(!replayed(&first), "{}", op.id);
        let second = keyed(&gw, method.clone(), &path, body.as_ref(), &key).await;
        assert_eq!(second.status, first.status, "{}: {}", op.id, second.body);
        assert!(replayed(&second), "{}: the second is a replay", op.id);
        if !op.streaming {
            assert_eq!(second.data(), first.data(), "{}", op.id);
        }
        if let Some(body) = &body {
            // The same key with another body (or on a body-less operation, with one).
            let mut other = body.clone();
            other["another"] = json!(true);
            let reused = keyed(&gw, method.clone(), &path, Some(&other), &key).await;
            assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", op.id);
        }
        covered.push(op.id);
    }
    // The effects, counted where they land.
    let titles = note_titles(&gw).await;
    for id in ["invokeTool", "invokeToolsBatch", "invokeToolStream"] {
        assert_eq!(titles.iter().filter(|t| *t == id).count(), 1, "{id}");
    }
    let identities = gw.get("/api/v1/identities").await;
    let named = |name: &str| {
        identities.data()["identities"]
            .as_array()
            .map_or(0, |all| all.iter().filter(|i| i["name"] == name).count())
    };
    assert_eq!(named("keyed-bot"), 1, "{}", identities.body);
    assert_eq!(named("for-deleteIdentity"), 0);
    println!("keyed operations probed: {}", covered.join(", "));
    assert_eq!(covered.len(), 10, "{covered:?}");
    gw.running.shutdown().await;
}
