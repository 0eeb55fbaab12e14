//! Tenant integrations and OAuth configuration through the facade.

mod common;

use common::{TENANT, client, ok};
use connectors::Error;
use connectors::api::types::OAuthConfigRequest;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "client-secret-do-not-log-0123456789";

fn request() -> OAuthConfigRequest {
    OAuthConfigRequest::builder()
        .client_id("Iv1.0123456789abcdef")
        .client_secret(SECRET)
        .redirect_uri("https://agents.example.com/oauth/callback")
        .auth_endpoint("https://github.com/login/oauth/authorize")
        .token_endpoint("https://github.com/login/oauth/access_token")
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn oauth_configuration_goes_to_the_clients_tenant() {
    let server = MockServer::start().await;
    let route = format!("/api/v1/tenants/{TENANT}/integrations/github/oauth-config");
    Mock::given(method("POST"))
        .and(path(route.as_str()))
        .and(body_partial_json(json!({"clientSecret": SECRET})))
        .respond_with(ResponseTemplate::new(201).set_body_json(ok(
            json!({"tenantId": TENANT, "integration": "github", "message": "stored"}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/tenants/{TENANT}/integrations")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(
            json!({"tenantId": TENANT, "integrations": ["github"], "count": 1}),
        )))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(route.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!({"tenantId": TENANT, "integration": "github"}))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let config = request();
    assert!(!format!("{config:?}").contains(SECRET));
    let stored = client
        .tenants()
        .oauth_config("github")
        .set(config)
        .await
        .unwrap();
    assert_eq!(stored.integration, "github");
    let integrations = client.tenants().integrations().await.unwrap();
    assert_eq!(integrations.integrations, ["github"]);
    client
        .tenants()
        .oauth_config("github")
        .delete()
        .await
        .unwrap();
}

#[tokio::test]
async fn another_tenant_can_be_named_and_bad_names_fail_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v1/tenants/tenant-b/integrations/slack/oauth-config",
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "success": false,
            "error": {"code": "NOT_FOUND", "message": "no OAuth configuration for slack"},
        })))
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client
        .tenants()
        .tenant("tenant-b")
        .oauth_config("slack")
        .get()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");

    let error = client
        .tenants()
        .oauth_config("Not A Name")
        .get()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "integration"),
        "{error:?}"
    );

    // Without a tenant configured, the call names the missing setting.
    let anonymous = connectors::Connectors::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = anonymous.tenants().integrations().await.unwrap_err();
    assert!(
        matches!(&error, Error::Config { setting, .. } if setting == "CONNECTORS_TENANT_ID"),
        "{error:?}"
    );
    let received: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| json!(r.url.path()))
        .collect();
    assert_eq!(
        received.len(),
        1,
        "only the tenant-b lookup is sent: {received:?}"
    );
}

#[tokio::test]
async fn a_client_secret_shorter_than_the_spec_allows_is_refused_before_sending() {
    // The real gateway refuses secrets under 16 characters (openapi.yaml says so).
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let mut config = request();
    config.client_secret = "fifteen-chars-x".into();
    let error = client(&server)
        .tenants()
        .oauth_config("github")
        .set(config)
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "client_secret"),
        "{error:?}"
    );
    assert!(error.to_string().contains("16"), "{error}");
    assert!(!format!("{error} {error:?}").contains("fifteen-chars-x"));
}
