//! The reports a CI system reads, from the binary against a drifting gateway (a local
//! wiremock server): the JSON validates against `report.schema.json`, the JUnit XML
//! follows the rules of the JUnit schema, and every failure's reproducer, run as printed
//! with the real `curl`, sends the same request and gets the same answer.

mod common;

use std::path::Path;
use std::process::Command;

use common::{gateway_without_routes, metadata, mount_drifted_health, options, runner, temp_dir};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "ck_test_report_0123456789abcdef0123456789";

/// Every route answers 404 ROUTE_NOT_FOUND but `/health` (its uptime is not a number)
/// and `/api/v1/categories` (500, which the spec does not declare for it).
async fn drifting_gateway() -> (MockServer, Value, Value) {
    let server = gateway_without_routes().await;
    let health = mount_drifted_health(&server).await;
    let broken = json!({"oops": true});
    Mock::given(method("GET"))
        .and(path("/api/v1/categories"))
        .respond_with(ResponseTemplate::new(418).set_body_json(broken.clone()))
        .mount(&server)
        .await;
    (server, health, broken)
}

/// The JUnit rules CI systems rely on (those of the common junit-10.xsd): a
/// `testsuites` root of `testsuite`s, counts matching their test cases, every test case
/// named with a class name and a time, and at most one `failure` (with a message and
/// a type) or `skipped` in it.
fn check_junit(text: &str) -> (usize, usize) {
    let document = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let number = |node: roxmltree::Node, attr: &str| -> f64 {
        node.attribute(attr)
            .unwrap_or_else(|| panic!("{} without {attr}", node.tag_name().name()))
            .parse()
            .unwrap_or_else(|_| panic!("{attr} is not a number"))
    };
    let (mut tests, mut failures) = (0, 0);
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        assert!(suite.attribute("name").is_some_and(|n| !n.is_empty()));
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "testcase")
            .collect();
        for child in suite.children().filter(|n| n.is_element()) {
            assert!(
                ["properties", "testcase", "system-out", "system-err"]
                    .contains(&child.tag_name().name()),
                "{:?}",
                child.tag_name()
            );
        }
        let failed = cases
            .iter()
            .filter(|c| c.children().any(|n| n.tag_name().name() == "failure"))
            .count();
        let skipped = cases
            .iter()
            .filter(|c| c.children().any(|n| n.tag_name().name() == "skipped"))
            .count();
        assert_eq!(number(suite, "tests") as usize, cases.len());
        assert_eq!(number(suite, "failures") as usize, failed);
        assert_eq!(number(suite, "skipped") as usize, skipped);
        assert_eq!(number(suite, "errors"), 0.0);
        assert!(number(suite, "time") >= 0.0);
        for case in &cases {
            assert!(case.attribute("name").is_some_and(|n| !n.is_empty()));
            assert!(case.attribute("classname").is_some_and(|n| !n.is_empty()));
            assert!(number(*case, "time") >= 0.0);
            let children: Vec<_> = case.children().filter(|n| n.is_element()).collect();
            assert!(children.len() <= 1, "one outcome per test case");
            for child in children {
                match child.tag_name().name() {
                    "failure" => {
                        assert!(child.attribute("message").is_some());
                        assert!(child.attribute("type").is_some());
                    }
                    "skipped" | "system-out" => {}
                    other => panic!("unexpected <{other}> in a test case"),
                }
            }
        }
        tests += cases.len();
        failures += failed;
    }
    assert_eq!(number(root, "tests") as usize, tests);
    assert_eq!(number(root, "failures") as usize, failures);
    (tests, failures)
}

fn check_json(report: &Value) {
    let schema: Value =
        serde_json::from_str(connectors_contract::output::JSON_SCHEMA).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Runs `line` with `sh`, the API key in its variable; the status and body of the
/// answer (`curl -i` prints the head first).
fn replay(line: &str) -> (u16, Value) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("CONNECTORS_API_KEY", API_KEY)
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{line}\n{output:?}");
    let text = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").expect("a head and a body");
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (status, serde_json::from_str(body).expect("a JSON body"))
}

#[tokio::test]
async fn reports_validate_and_every_failure_replays_as_printed() {
    let (server, health, broken) = drifting_gateway().await;
    let dir = temp_dir("reports");
    let (junit, json_path) = (dir.join("junit.xml"), dir.join("sub/report.json"));
    let output = runner()
        .args(["--url", &server.uri(), "--seed", "7"])
        .arg(format!("--report=junit={}", junit.display()))
        .args(["--report", &format!("json={}", json_path.display())])
        .env("CONNECTORS_API_KEY", API_KEY)
        .env("CONNECTORS_TENANT_ID", "tenant-a")
        .env("CONNECTORS_MAX_RETRIES", "0")
        .output()
        .expect("the runner runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains(API_KEY), "{stdout}");
    assert!(stdout.contains("seed: 7"), "{stdout}");
    assert!(stdout.contains("status coverage: "), "{stdout}");
    assert!(stdout.contains("UNDECLARED 418"), "{stdout}");

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("the JSON report"))
            .expect("JSON");
    check_json(&report);
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    assert!(!xml.contains(API_KEY) && !report.to_string().contains(API_KEY));
    let (tests, failures) = check_junit(&xml);
    assert!(
        tests >= connectors_contract::operations::OPERATIONS.len(),
        "{xml}"
    );
    assert_eq!(failures, 2, "{xml}");
    assert_eq!(report["seed"], 7);

    let requests_before = server.received_requests().await.expect("recording").len();
    let mut replayed = 0;
    for op in report["operations"].as_array().expect("operations") {
        for check in op["checks"].as_array().expect("checks") {
            for failure in check["failures"].as_array().expect("failures") {
                let line = failure["reproducer"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no reproducer: {failure}"));
                assert!(stdout.contains(&format!("reproduce: {line}")), "{stdout}");
                assert!(line.contains("$CONNECTORS_API_KEY") || !line.contains("uthorization"));
                let (status, body) = replay(line);
                assert_eq!(Some(u64::from(status)), check["status"].as_u64(), "{line}");
                let expected = match op["operationId"].as_str() {
                    Some("getHealth") => &health,
                    Some("listCategories") => &broken,
                    other => panic!("{other:?} should not fail"),
                };
                assert_eq!(&body, expected, "{line}");
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 2, "{report:#}");
    // curl sent what the runner sent: same method, path, query, headers and body.
    let requests = server.received_requests().await.expect("recording");
    let (runs, replays) = requests.split_at(requests_before);
    for again in replays {
        let original = runs
            .iter()
            .find(|r| {
                r.headers.get("x-request-id") == again.headers.get("x-request-id")
                    && again.headers.contains_key("x-request-id")
            })
            .expect("the replay carries the original request id");
        assert_eq!(original.method, again.method);
        assert_eq!(original.url, again.url);
        assert_eq!(original.body, again.body);
        for (name, value) in original.headers.iter() {
            if ["host", "content-length", "accept-encoding"].contains(&name.as_str()) {
                continue;
            }
            assert_eq!(again.headers.get(name), Some(value), "{name}");
        }
    }
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

#[tokio::test]
async fn a_run_against_the_reference_gateway_has_coverage_and_passing_reports() {
    let dir = temp_dir("reference");
    let json_path = dir.join("report.json");
    let junit = dir.join("junit.xml");
    let output = runner()
        .args(["--seed", "1"])
        .arg(format!("--report=json={}", json_path.display()))
        .arg(format!("--report=junit={}", junit.display()))
        .output()
        .expect("the runner runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("report")).expect("JSON");
    check_json(&report);
    let (_, failures) = check_junit(&std::fs::read_to_string(&junit).expect("junit"));
    assert_eq!(failures, 0);
    // The declared error statuses the suite provokes on purpose are met.
    let coverage = |id: &str| {
        let op = report["operations"]
            .as_array()
            .and_then(|ops| ops.iter().find(|o| o["operationId"] == id))
            .unwrap_or_else(|| panic!("{id}"));
        op["coverage"]["exercised"].clone()
    };
    for (id, status) in [
        ("getTool", "404"),
        ("listTools", "401"),
        ("createIdentity", "400"),
        ("createIdentity", "409"),
    ] {
        let exercised = coverage(id);
        assert!(
            exercised
                .as_array()
                .is_some_and(|s| s.contains(&json!(status))),
            "{id} {status}: {exercised}"
        );
    }
    let fraction = report["statusCoverage"]["fraction"]
        .as_f64()
        .expect("fraction");
    assert!(fraction > 0.0 && fraction <= 1.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_429_is_waited_out_as_the_gateway_says_and_reported() {
    let (server, _, _) = drifting_gateway().await;
    let categories = json!({
        "success": true,
        "data": {"categories": [{"name": "code", "description": "Source code", "toolCount": 1}]},
        "metadata": metadata(),
    });
    let slow_down = json!({
        "error": "Too Many Requests",
        "message": "slow down",
        "retryAfter": 1,
        "limits": {"scope": "global", "limit": 1, "window": "1 minute", "remaining": 0, "resetAt": "2026-11-21T00:00:01.000Z"}
    });
    // One 429, then the categories (mounted after the drifting ones, so tried first).
    Mock::given(method("GET"))
        .and(path("/api/v1/categories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(categories))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/categories"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(slow_down),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let options = connectors_contract::runner::Options {
        only: Some(vec!["listCategories".into()]),
        ..options(&server, API_KEY)
    };
    let started = std::time::Instant::now();
    let report = connectors_contract::runner::run(options)
        .await
        .expect("the runner starts");
    let text = report.to_string();
    assert_eq!(
        report.operation("listCategories").map(|o| &o.outcome),
        Some(&connectors_contract::Outcome::Passed),
        "{text}"
    );
    assert_eq!(report.rate_limits.responses, 1, "{text}");
    assert_eq!(report.rate_limits.requested_wait_seconds, 1.0, "{text}");
    assert!(
        text.contains("rate limited: 1 answers 429, 1.0 s of waiting asked for"),
        "{text}"
    );
    // The wait was the gateway's, not skipped.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "{text}"
    );
}
