//! The report as a CI system reads it: JUnit XML (one test case per operation and
//! check) and JSON (the schema is `report.schema.json`, [`JSON_SCHEMA`]).

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use crate::report::{Check, Isolation, IsolationCheck, OperationReport, Outcome, Report};

/// The JSON Schema of the JSON report (draft 2020-12).
pub const JSON_SCHEMA: &str = include_str!("../report.schema.json");
/// The version of the JSON report's shape; raised when a field changes meaning or goes.
pub const SCHEMA_VERSION: u64 = 2;

/// The formats `--report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// JUnit XML, as CI systems (GitLab, Jenkins, GitHub actions) read it.
    Junit,
    /// JSON, described by [`JSON_SCHEMA`].
    Json,
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn check_json(check: &Check) -> Value {
    json!({
        "name": check.name,
        "outcome": if check.passed() { "passed" } else { "failed" },
        "status": check.status,
        "timeMs": millis(check.elapsed),
        "requestId": check.request_id,
        "failures": check.failures.iter().map(|f| json!({
            "kind": f.kind.label(),
            "message": f.message,
            "reproducer": f.reproducer,
        })).collect::<Vec<_>>(),
    })
}

fn operation_json(op: &OperationReport) -> Value {
    let reasons = match &op.outcome {
        Outcome::Failed(reasons) => reasons.clone(),
        Outcome::Passed | Outcome::NotOffered | Outcome::SkippedReadOnly => Vec::new(),
    };
    let violations: Vec<&str> = op
        .checks
        .iter()
        .flat_map(|c| &c.failures)
        .filter(|f| f.kind == crate::report::FailureKind::Schema)
        .map(|f| f.message.as_str())
        .collect();
    json!({
        "operationId": op.operation_id,
        "method": op.method,
        "path": op.path,
        "outcome": op.outcome.label(),
        "status": op.status,
        "timeMs": op.elapsed.map(millis),
        "requestId": op.request_id,
        "reasons": reasons,
        "violations": violations,
        "checks": op.checks.iter().map(check_json).collect::<Vec<_>>(),
        "coverage": {
            "declared": op.coverage.declared,
            "exercised": op.coverage.exercised,
            "missed": op.coverage.missed,
            "undeclared": op.coverage.undeclared,
        },
    })
}

/// The report as JSON.
pub fn json(report: &Report) -> Value {
    let (met, all) = report.status_coverage();
    let tenancy = report.tenancy.as_ref().map(|t| {
        let (operation, proof) = &t.second_key;
        let mut second_key = check_json(proof);
        second_key["operationId"] = json!(operation);
        json!({
            "secondKey": second_key,
            "secondKeyWorks": t.second_key_works(),
            "checks": t.checks.iter().map(|c| {
                let mut v = check_json(&c.check);
                v["operationId"] = json!(c.operation);
                v["outcome"] = json!(c.label());
                v["drift"] = match &c.outcome {
                    Isolation::Drift { reason, reproducer } => {
                        json!({"reason": reason, "reproducer": reproducer})
                    }
                    _ => Value::Null,
                };
                v
            }).collect::<Vec<_>>(),
            "passed": t.count("passed"),
            "failed": t.failed(),
            "drift": t.drift(),
            "notOffered": t.count("not offered"),
            "line": t.summary(),
        })
    });
    json!({
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "connectors-contract", "version": env!("CARGO_PKG_VERSION")},
        "target": report.target,
        "writesAllowed": report.writes_allowed,
        "seed": report.seed,
        "summary": {
            "operations": report.operations.len(),
            "passed": report.count("passed"),
            "failed": report.count("failed"),
            "notOffered": report.count("not offered"),
            "skipped": report.count("skipped (read-only)"),
            "line": report.summary(),
        },
        "statusCoverage": {
            "exercised": met,
            "declared": all,
            "fraction": if all == 0 { 1.0 } else { met as f64 / all as f64 },
        },
        "rateLimits": {
            "responses": report.rate_limits.responses,
            "requestedWaitSeconds": report.rate_limits.requested_wait_seconds,
        },
        "tenancy": tenancy,
        "operations": report.operations.iter().map(operation_json).collect::<Vec<_>>(),
        "cleanupFailures": report.cleanup_failures,
    })
}

/// Escapes text for an XML attribute or element; characters XML 1.0 cannot hold are
/// dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Element text: newlines kept as they are.
fn xml_text(text: &str) -> String {
    xml(text).replace("&#10;", "\n")
}

struct Case {
    classname: String,
    name: String,
    time: Duration,
    /// (message, type, details)
    failure: Option<(String, String, String)>,
    skipped: Option<String>,
    /// Text for `system-out` (a drift's reason and reproducer).
    out: Option<String>,
}

fn check_case(classname: &str, check: &Check) -> Case {
    let failure = check.failures.first().map(|first| {
        let mut details = String::new();
        for f in &check.failures {
            let _ = writeln!(details, "- [{}] {}", f.kind.label(), f.message);
            if let Some(line) = &f.reproducer {
                let _ = writeln!(details, "  reproduce: {line}");
            }
        }
        (
            first.message.clone(),
            first.kind.label().to_string(),
            details,
        )
    });
    Case {
        classname: classname.to_string(),
        name: check.name.clone(),
        time: check.elapsed,
        failure,
        skipped: None,
        out: None,
    }
}

fn operation_cases(op: &OperationReport) -> Vec<Case> {
    let classname = format!("contract.{}", op.operation_id);
    let mut cases: Vec<Case> = op
        .checks
        .iter()
        .map(|c| check_case(&classname, c))
        .collect();
    let elapsed = op.elapsed.unwrap_or_default();
    match &op.outcome {
        Outcome::NotOffered => {
            cases = vec![Case {
                classname,
                name: format!("{} {}", op.method, op.path),
                time: elapsed,
                failure: None,
                skipped: Some("not offered: the gateway answers 404 ROUTE_NOT_FOUND".into()),
                out: None,
            }]
        }
        Outcome::SkippedReadOnly => cases.push(Case {
            classname,
            name: format!("{} {}", op.method, op.path),
            time: elapsed,
            failure: None,
            skipped: Some("a write, and writes are not allowed".into()),
            out: None,
        }),
        // A failure no check carries (the runner never got to call it).
        Outcome::Failed(reasons) if cases.iter().all(|c| c.failure.is_none()) => cases.push(Case {
            classname,
            name: format!("{} {}", op.method, op.path),
            time: elapsed,
            failure: Some((
                reasons.first().cloned().unwrap_or_default(),
                "other".into(),
                reasons.join("\n"),
            )),
            skipped: None,
            out: None,
        }),
        // Listed, not `_`: a new outcome must say how JUnit shows it.
        Outcome::Passed | Outcome::Failed(_) => {}
    }
    cases
}

/// An isolation check as a test case: a failure fails it, a route the gateway does not
/// offer skips it, and drift passes it with the reason in `system-out` and in its name
/// (JUnit has no outcome for a documented deviation).
fn isolation_case(isolation: &IsolationCheck) -> Case {
    let mut case = check_case(
        &format!("tenancy.{}", isolation.operation),
        &isolation.check,
    );
    if case.failure.is_some() {
        return case;
    }
    match &isolation.outcome {
        Isolation::NotOffered => {
            case.skipped = Some("not offered: the gateway answers 404 ROUTE_NOT_FOUND".into());
        }
        Isolation::Drift { reason, reproducer } => {
            case.name = format!("{} (drift from the contract)", case.name);
            let mut text = reason.clone();
            if let Some(line) = reproducer {
                text.push_str(&format!("\nreproduce: {line}"));
            }
            case.out = Some(text);
        }
        Isolation::Refused | Isolation::Failed => {}
    }
    case
}

fn suite(out: &mut String, name: &str, cases: &[Case], properties: &[(&str, String)]) {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
    let time: Duration = cases.iter().map(|c| c.time).sum();
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}" time="{:.3}">"#,
        xml(name),
        cases.len(),
        time.as_secs_f64()
    );
    if !properties.is_empty() {
        out.push_str("    <properties>\n");
        for (key, value) in properties {
            let _ = writeln!(
                out,
                r#"      <property name="{}" value="{}"/>"#,
                xml(key),
                xml(value)
            );
        }
        out.push_str("    </properties>\n");
    }
    for case in cases {
        let _ = write!(
            out,
            r#"    <testcase classname="{}" name="{}" time="{:.3}""#,
            xml(&case.classname),
            xml(&case.name),
            case.time.as_secs_f64()
        );
        match (&case.failure, &case.skipped) {
            (None, None) if case.out.is_some() => {
                let _ = writeln!(
                    out,
                    r#">
      <system-out>{}</system-out>
    </testcase>"#,
                    xml_text(case.out.as_deref().unwrap_or_default())
                );
            }
            (Some((message, kind, details)), _) => {
                let _ = writeln!(
                    out,
                    r#">
      <failure message="{}" type="{}">{}</failure>
    </testcase>"#,
                    xml(message),
                    xml(kind),
                    xml_text(details)
                );
            }
            (None, Some(why)) => {
                let _ = writeln!(
                    out,
                    r#">
      <skipped message="{}"/>
    </testcase>"#,
                    xml(why)
                );
            }
            (None, None) => out.push_str("/>\n"),
        }
    }
    out.push_str("  </testsuite>\n");
}

/// The report as JUnit XML: a test suite of the operations' checks, and one of the
/// tenant isolation checks when they ran.
pub fn junit(report: &Report) -> String {
    let operations: Vec<Case> = report.operations.iter().flat_map(operation_cases).collect();
    let mut cleanup: Vec<Case> = report
        .cleanup_failures
        .iter()
        .map(|why| Case {
            classname: "contract.cleanup".into(),
            name: "removes what the run created".into(),
            time: Duration::ZERO,
            failure: Some((why.clone(), "cleanup".into(), why.clone())),
            skipped: None,
            out: None,
        })
        .collect();
    let mut all = operations;
    all.append(&mut cleanup);
    let tenancy: Option<Vec<Case>> = report.tenancy.as_ref().map(|t| {
        let (operation, proof) = &t.second_key;
        std::iter::once(check_case(&format!("tenancy.{operation}"), proof))
            .chain(t.checks.iter().map(isolation_case))
            .collect()
    });
    let total = all.len() + tenancy.as_ref().map_or(0, Vec::len);
    let failures = all
        .iter()
        .chain(tenancy.iter().flatten())
        .filter(|c| c.failure.is_some())
        .count();
    let time: Duration = all
        .iter()
        .chain(tenancy.iter().flatten())
        .map(|c| c.time)
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="connectors-contract" tests="{total}" failures="{failures}" errors="0" time="{:.3}">"#,
        time.as_secs_f64()
    );
    let (met, declared) = report.status_coverage();
    suite(
        &mut out,
        "connectors-contract",
        &all,
        &[
            ("target", report.target.clone()),
            ("seed", report.seed.to_string()),
            ("summary", report.summary()),
            ("status-coverage", format!("{met}/{declared}")),
        ],
    );
    if let (Some(cases), Some(t)) = (&tenancy, &report.tenancy) {
        suite(
            &mut out,
            "tenant isolation",
            cases,
            &[("summary", t.summary()), ("drift", t.drift().to_string())],
        );
    }
    out.push_str("</testsuites>\n");
    out
}
