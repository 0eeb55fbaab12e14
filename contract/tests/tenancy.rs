//! The tenant isolation checks over real sockets: against the reference gateway started
//! in-process in its two profiles (full: every cross-tenant request is refused;
//! connectors-ts: the routes that leak across tenants on the original are drift), with a
//! second key that does not work (the section fails, nothing is judged), and against a
//! local wiremock gateway whose refusals are an authentication failure and a rate limit
//! (neither is a tenancy refusal).

mod common;

use common::{
    every_operation_passed, gateway_without_routes, metadata, options, original_operations_passed,
};
use connectors_contract::Report;
use connectors_contract::report::{Isolation, IsolationCheck, Tenancy};
use connectors_contract::runner::{Options, run};
use connectors_gateway::{Gateway, Profile, RunningGateway};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const FIRST_KEY: &str = "ck_test_tenancy_a_0123456789abcdef0123456789";
const SECOND_KEY: &str = "ck_test_tenancy_b_0123456789abcdef0123456789";
/// A key no gateway of these tests knows.
const MADE_UP_KEY: &str = "ck_test_tenancy_made_up_0123456789abcdef01234";

/// The routes that leak across tenants on the original TypeScript gateway.
const LEAKING: [&str; 3] = ["listCustomServers", "getDeployment", "removeCustomServer"];

/// The reference gateway in `profile`, with tenant-a's and tenant-b's keys.
async fn gateway(profile: Profile) -> RunningGateway {
    Gateway::builder()
        .profile(profile)
        .api_key(FIRST_KEY, "tenant-a")
        .api_key(SECOND_KEY, "tenant-b")
        .spawn()
        .await
        .expect("the reference gateway starts")
}

/// A run with writes against `gateway` as tenant-a, with `second_key`; the deployed MCP
/// server is the built runner binary's.
async fn run_against(gateway: &RunningGateway, second_key: &str) -> Report {
    let runner = env!("CARGO_BIN_EXE_connectors-contract");
    let options = Options {
        url: Some(gateway.url().to_string()),
        settings: vec![
            ("CONNECTORS_API_KEY".into(), FIRST_KEY.into()),
            ("CONNECTORS_TENANT_ID".into(), "tenant-a".into()),
        ],
        allow_writes: true,
        deploy_command: Some(vec![runner.into(), "mcp-server".into(), "notes".into()]),
        second_key: Some(second_key.into()),
        seed: Some(22),
        ..Options::default()
    };
    run(options).await.expect("the runner starts")
}

/// The JSON report validates against `report.schema.json`, and the JUnit report is XML.
fn check_reports(report: &Report) -> (serde_json::Value, String) {
    let json = connectors_contract::output::json(report);
    let schema: serde_json::Value =
        serde_json::from_str(connectors_contract::output::JSON_SCHEMA).expect("the schema");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let junit = connectors_contract::output::junit(report);
    roxmltree::Document::parse(&junit).expect("well-formed XML");
    (json, junit)
}

fn tenancy(report: &Report) -> &Tenancy {
    report
        .tenancy
        .as_ref()
        .unwrap_or_else(|| panic!("no tenant isolation section\n{report}"))
}

fn isolation<'a>(report: &'a Report, op: &str) -> &'a IsolationCheck {
    tenancy(report)
        .checks
        .iter()
        .find(|c| c.operation == op)
        .unwrap_or_else(|| panic!("no isolation check of {op}\n{report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_key_that_does_not_work_fails_isolation_and_judges_nothing() {
    let gateway = gateway(Profile::Full).await;
    let report = run_against(&gateway, MADE_UP_KEY).await;
    gateway.shutdown().await;
    let text = report.to_string();

    let tenancy = tenancy(&report);
    assert!(!tenancy.second_key_works(), "{text}");
    assert!(tenancy.checks.is_empty(), "nothing is judged\n{text}");
    assert_eq!(tenancy.failed(), 1, "{text}");
    let (operation, proof) = &tenancy.second_key;
    assert_eq!(operation, "listCategories");
    assert_eq!(proof.status, Some(401), "{text}");
    let reason = &proof.failures[0].message;
    assert!(
        reason.starts_with("the gateway refused the second tenant's key: authentication failed: 401 INVALID_API_KEY"),
        "{text}"
    );
    assert!(reason.contains("no isolation check was run"), "{text}");
    assert!(
        text.contains(
            "\ntenant isolation: failed: the second tenant's key does not work, so no isolation check was run\n"
        ),
        "{text}"
    );
    assert!(report.has_failures());
    assert_eq!(report.exit_code(), 1);
    // The operations themselves pass: only the isolation section fails.
    assert!(text.ends_with(&every_operation_passed()), "{text}");
    assert!(
        !text.contains(MADE_UP_KEY) && !text.contains(FIRST_KEY),
        "{text}"
    );

    // The JSON and JUnit reports say the same.
    let (json, junit) = check_reports(&report);
    assert_eq!(json["tenancy"]["secondKeyWorks"], false, "{json:#}");
    assert_eq!(json["tenancy"]["failed"], 1);
    assert_eq!(json["tenancy"]["checks"], json!([]));
    assert_eq!(
        json["tenancy"]["line"],
        "tenant isolation: failed: the second tenant's key does not work, so no isolation check was run"
    );
    assert_eq!(json["tenancy"]["secondKey"]["outcome"], "failed");
    assert!(
        junit.contains(r#"<testsuite name="tenant isolation" tests="1" failures="1""#),
        "{junit}"
    );
    assert!(
        junit.contains("the gateway refused the second tenant&apos;s key"),
        "{junit}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_profile_refuses_every_cross_tenant_request() {
    let gateway = gateway(Profile::Full).await;
    let report = run_against(&gateway, SECOND_KEY).await;
    gateway.shutdown().await;
    let text = report.to_string();

    let tenancy = tenancy(&report);
    assert!(tenancy.second_key_works(), "{text}");
    for op in LEAKING {
        let check = isolation(&report, op);
        assert_eq!(check.outcome, Isolation::Refused, "{op}\n{text}");
        assert_eq!(check.label(), "passed", "{op}\n{text}");
    }
    // Another tenant's custom servers are a 403; its deployment and server are not found.
    assert_eq!(
        isolation(&report, "listCustomServers").check.status,
        Some(403)
    );
    assert_eq!(isolation(&report, "getDeployment").check.status, Some(404));
    assert_eq!(
        isolation(&report, "removeCustomServer").check.status,
        Some(404)
    );
    let checks = tenancy.checks.len();
    assert!(checks >= 11, "{text}");
    assert!(
        text.contains(&format!(
            "\ntenant isolation: {checks} checks: {checks} passed, 0 failed, 0 drift, 0 not offered\n"
        )),
        "{text}"
    );
    // The run's own removal of its server came after the other tenant's, refused one.
    assert_eq!(
        report.operation("removeCustomServer").map(|o| o.status),
        Some(Some(200)),
        "{text}"
    );
    assert!(text.ends_with(&every_operation_passed()), "{text}");
    assert_eq!(report.exit_code(), 0, "{text}");
    check_reports(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connectors_ts_profile_is_drift_on_the_routes_that_leak() {
    let gateway = gateway(Profile::ConnectorsTs).await;
    let report = run_against(&gateway, SECOND_KEY).await;
    gateway.shutdown().await;
    let text = report.to_string();

    let tenancy = tenancy(&report);
    assert!(tenancy.second_key_works(), "{text}");
    for op in LEAKING {
        let check = isolation(&report, op);
        assert_eq!(check.label(), "drift", "{op}\n{text}");
        assert_eq!(check.check.status, Some(200), "{op}\n{text}");
        let Isolation::Drift { reason, reproducer } = &check.outcome else {
            panic!("{op}: {:?}\n{text}", check.outcome);
        };
        assert!(
            reason.starts_with(
                "drift from the contract: the gateway answered 200 where the contract refuses \
                 another tenant with 403 (CROSS_TENANT_ACCESS_DENIED) or 404 as for a missing \
                 resource; the answer holds the first tenant's `"
            ),
            "{op}: {reason}"
        );
        assert!(
            reproducer
                .as_deref()
                .is_some_and(|line| line.contains("$CONNECTORS_SECOND_API_KEY")),
            "{op}: {reproducer:?}"
        );
    }
    let Isolation::Drift { reason, .. } = &isolation(&report, "listCustomServers").outcome else {
        unreachable!("checked above");
    };
    assert!(
        reason.ends_with("openapi.yaml documents it (the description of listCustomServers)"),
        "{reason}"
    );
    // Extension routes are not offered there; the rest is refused.
    assert_eq!(
        isolation(&report, "getDeploymentLogs").label(),
        "not offered"
    );
    for op in [
        "listTenantIntegrations",
        "getOauthConfig",
        "deleteOauthConfig",
        "invokeTool",
    ] {
        assert_eq!(isolation(&report, op).label(), "passed", "{op}\n{text}");
    }
    assert!(
        text.contains("\ntenant isolation: 8 checks: 4 passed, 0 failed, 3 drift, 1 not offered\n"),
        "{text}"
    );
    // Drift is no failure: the operations pass and the run exits 0.
    assert!(text.ends_with(&original_operations_passed()), "{text}");
    assert_eq!(report.exit_code(), 0, "{text}");

    let (json, junit) = check_reports(&report);
    assert_eq!(json["tenancy"]["drift"], 3, "{json:#}");
    assert_eq!(json["tenancy"]["failed"], 0);
    assert_eq!(json["tenancy"]["checks"][0]["outcome"], "drift", "{json:#}");
    assert!(
        junit.contains(r#"<property name="drift" value="3"/>"#),
        "{junit}"
    );
    assert!(
        junit.contains("reads the first tenant&apos;s deployment (drift from the contract)"),
        "{junit}"
    );
}

#[tokio::test]
async fn an_authentication_failure_or_a_rate_limit_is_no_tenancy_refusal() {
    let server = gateway_without_routes().await;
    let second = format!("Bearer {SECOND_KEY}");
    // The second key works: a request of its own succeeds.
    let categories = json!({
        "success": true,
        "data": {"categories": [{"name": "code", "description": "Source code", "toolCount": 1}]},
        "metadata": metadata(),
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/categories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(categories))
        .mount(&server)
        .await;
    // The tenancy refusal.
    let refused = json!({
        "success": false,
        "error": {"code": "CROSS_TENANT_ACCESS_DENIED", "message": "another tenant"},
        "metadata": metadata(),
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/custom"))
        .and(query_param("tenantId", "tenant-a"))
        .and(header("authorization", second.as_str()))
        .respond_with(ResponseTemplate::new(403).set_body_json(refused))
        .mount(&server)
        .await;
    // Refused for its key (a circuit breaker that refuses a valid key for a while).
    let unauthenticated = json!({
        "success": false,
        "error": {"code": "INVALID_API_KEY", "message": "Invalid API key"},
        "metadata": metadata(),
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/tenants/tenant-a/integrations"))
        .and(header("authorization", second.as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(unauthenticated))
        .mount(&server)
        .await;
    let slow_down = json!({
        "error": "Too Many Requests",
        "message": "slow down",
        "retryAfter": 60,
        "limits": {"scope": "global", "limit": 1, "window": "1 minute", "remaining": 0, "resetAt": "2026-11-21T00:01:00.000Z"}
    });
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            r"^/api/v1/tenants/tenant-a/integrations/[^/]+/oauth-config$",
        ))
        .and(header("authorization", second.as_str()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "60")
                .set_body_json(slow_down),
        )
        .mount(&server)
        .await;

    let mut options = Options {
        second_key: Some(SECOND_KEY.into()),
        only: Some(vec!["listCategories".into()]),
        ..options(&server, FIRST_KEY)
    };
    options
        .settings
        .push(("CONNECTORS_MAX_RETRIES".into(), "0".into()));
    let report = run(options).await.expect("the runner starts");
    let text = report.to_string();

    assert!(tenancy(&report).second_key_works(), "{text}");
    assert_eq!(
        isolation(&report, "listCustomServers").label(),
        "passed",
        "{text}"
    );
    let unauthenticated = isolation(&report, "listTenantIntegrations");
    assert_eq!(unauthenticated.label(), "failed", "{text}");
    assert_eq!(unauthenticated.check.status, Some(401));
    assert!(
        unauthenticated.check.failures[0]
            .message
            .starts_with("an authentication failure is not a tenancy refusal"),
        "{text}"
    );
    let limited = isolation(&report, "getOauthConfig");
    assert_eq!(limited.label(), "failed", "{text}");
    assert_eq!(limited.check.status, Some(429));
    assert!(
        limited.check.failures[0]
            .message
            .starts_with("a rate limit is not a tenancy refusal: the gateway answered 429"),
        "{text}"
    );
    assert!(
        text.contains("\ntenant isolation: 3 checks: 1 passed, 2 failed, 0 drift, 0 not offered\n"),
        "{text}"
    );
    assert_eq!(report.exit_code(), 1, "{text}");
    assert!(!text.contains(SECOND_KEY), "{text}");
}
