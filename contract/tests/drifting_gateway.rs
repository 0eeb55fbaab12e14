//! The suite against a gateway that drifts from the spec (a local wiremock server): a
//! body that breaks its schema fails with the field's path, missing routes are "not
//! offered", and a read-only run sends no write.

mod common;

use common::{gateway_without_routes, metadata, mount_drifted_health, options};
use connectors_contract::operations::OPERATIONS;
use connectors_contract::runner::{Options, run};
use connectors_contract::{Outcome, Report};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const API_KEY: &str = "ck_test_0123456789abcdef0123456789abcdef";

fn outcome<'a>(report: &'a Report, id: &str) -> &'a Outcome {
    &report
        .operation(id)
        .unwrap_or_else(|| panic!("{id} is missing from\n{report}"))
        .outcome
}

/// The operations a read-only run skips: the table's writes, so a new one in the spec
/// needs no edit here.
fn writes() -> Vec<&'static str> {
    OPERATIONS
        .iter()
        .filter(|op| op.writes())
        .map(|op| op.id)
        .collect()
}

#[tokio::test]
async fn drift_is_failed_with_its_path_missing_routes_are_not_offered_and_nothing_is_written() {
    let server = gateway_without_routes().await;
    // `uptime` must be a number.
    mount_drifted_health(&server).await;

    let report = run(options(&server, API_KEY))
        .await
        .expect("the runner starts");
    let text = report.to_string();

    assert_eq!(report.operations.len(), OPERATIONS.len(), "{text}");
    let writes = writes();
    match outcome(&report, "getHealth") {
        Outcome::Failed(reasons) => {
            assert!(reasons.iter().any(|r| r.contains("/data/uptime")), "{text}")
        }
        other => panic!("getHealth: {other:?}\n{text}"),
    }
    for &id in &writes {
        assert_eq!(
            outcome(&report, id),
            &Outcome::SkippedReadOnly,
            "{id}\n{text}"
        );
    }
    for op in &report.operations {
        if op.operation_id != "getHealth" && !writes.contains(&op.operation_id.as_str()) {
            assert_eq!(
                op.outcome,
                Outcome::NotOffered,
                "{}\n{text}",
                op.operation_id
            );
        }
    }
    // getHealth failed, the writes skipped, every other operation not offered.
    let (total, skipped) = (OPERATIONS.len(), writes.len());
    let not_offered = total - 1 - skipped;
    assert!(
        text.ends_with(&format!(
            "{total} operations: 0 passed, 1 failed, {not_offered} not offered, {skipped} skipped (read-only)"
        )),
        "{text}"
    );
    assert_eq!(report.exit_code(), 1);
    assert!(!text.contains(API_KEY));

    // Selection is the only POST of a read-only run: it changes nothing.
    let requests = server.received_requests().await.expect("recording is on");
    for request in &requests {
        let m = request.method.as_str();
        assert!(
            m == "GET" || (m == "POST" && request.url.path() == "/api/v1/tools/select"),
            "a read-only run sent {m} {}",
            request.url.path()
        );
    }
}

#[tokio::test]
async fn a_drifted_event_on_the_event_stream_fails_the_stream() {
    let server = gateway_without_routes().await;
    let events = "event: deployment\n\
        data: {\"deploymentId\":\"dep-1\",\"status\":\"exploded\"}\n\n\
        event: server\n\
        data: {\"name\":\"notes\",\"status\":\"running\"}\n\n";
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(events, "text/event-stream"))
        .mount(&server)
        .await;

    let only = Options {
        only: Some(vec!["streamEvents".into(), "listCategories".into()]),
        ..options(&server, API_KEY)
    };
    let report = run(only).await.expect("the runner starts");
    let text = report.to_string();

    assert_eq!(report.operations.len(), 2, "{text}");
    match outcome(&report, "streamEvents") {
        Outcome::Failed(reasons) => {
            assert_eq!(reasons.len(), 1, "{text}");
            assert!(
                reasons[0].starts_with("`deployment` event (DeploymentEvent): /status: "),
                "{text}"
            );
            assert!(reasons[0].contains("/status"), "{text}");
        }
        other => panic!("streamEvents: {other:?}\n{text}"),
    }
    assert_eq!(outcome(&report, "listCategories"), &Outcome::NotOffered);
    assert!(
        text.ends_with("2 operations: 0 passed, 1 failed, 1 not offered, 0 skipped (read-only)")
    );
}

#[tokio::test]
async fn a_deployment_that_ends_stopped_is_no_failure_of_get_deployment() {
    let server = gateway_without_routes().await;
    let accepted = json!({
        "success": true,
        "data": {"deploymentId": "dep-1", "status": "deploying"},
        "metadata": metadata(),
    });
    Mock::given(method("POST"))
        .and(path("/api/v1/mcp/add"))
        .respond_with(ResponseTemplate::new(202).set_body_json(accepted))
        .mount(&server)
        .await;
    // `stopped` is a status the spec's DeploymentStatus allows.
    let stopped = json!({
        "success": true,
        "data": {"deploymentId": "dep-1", "status": "stopped"},
        "metadata": metadata(),
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(stopped))
        .with_priority(1)
        .mount(&server)
        .await;
    // Any other deployment is unknown (the suite asks for one that cannot exist).
    let unknown = json!({
        "success": false,
        "error": {"code": "DEPLOYMENT_NOT_FOUND", "message": "no such deployment"},
        "metadata": metadata(),
    });
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            "^/api/v1/mcp/deployments/[^/]+$",
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(unknown))
        .with_priority(2)
        .mount(&server)
        .await;

    let options = Options {
        only: Some(vec!["addMcpServer".into(), "getDeployment".into()]),
        allow_writes: true,
        deploy_command: Some(vec!["true".into()]),
        ..options(&server, API_KEY)
    };
    let report = run(options).await.expect("the runner starts");
    let text = report.to_string();

    assert_eq!(
        outcome(&report, "getDeployment"),
        &Outcome::Passed,
        "{text}"
    );
    let get = report.operation("getDeployment").expect("getDeployment");
    assert!(
        get.checks.iter().any(|c| c.name
            == "follows the run's deployment until it ends: it ended `stopped`, so later checks do not use its server"),
        "{:?}\n{text}",
        get.checks
    );
    assert_eq!(outcome(&report, "addMcpServer"), &Outcome::Passed, "{text}");
    assert!(
        text.ends_with("2 operations: 2 passed, 0 failed, 0 not offered, 0 skipped (read-only)"),
        "{text}"
    );
}
