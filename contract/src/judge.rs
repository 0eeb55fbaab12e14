//! Judging one call: did it end as expected, and does every response conform to the spec.

use connectors::Error;
use serde_json::Value;

use crate::recorder::{Observed, ROUTE_NOT_FOUND};
use crate::report::FailureKind;
use crate::{ResponseSchemas, SchemaError, Violation};

/// Violations shown per response; the rest are counted.
const SHOWN_VIOLATIONS: usize = 3;
/// Longest violation message shown (the validator quotes whole values).
const MAX_MESSAGE_CHARS: usize = 200;

/// How the runner expects a call to end. Refusals are judged by the spec, not by what
/// one gateway answers: any error status the spec declares for the operation will do
/// (an unknown tool is 404 on the reference gateway and 401 `OAUTH_AUTHENTICATION_FAILED`
/// on the original one, and the spec declares both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A success status.
    Success,
    /// A refusal: a 4xx status other than 429 that the spec declares for the operation
    /// (e.g. for an id that cannot exist).
    Refused,
    /// Either a success or a refusal as in [`Expect::Refused`] (a resource that may be
    /// gone by the time it is asked for).
    SuccessOrRefused,
    /// Either a success or this status (503 from a health check that is not ready).
    SuccessOr(u16),
    /// Exactly this error status (401 for a key the gateway does not know).
    Status(u16),
}

impl Expect {
    /// The name of a check that expects this.
    pub fn describe(self) -> String {
        match self {
            Expect::Success => "succeeds".into(),
            Expect::Refused => "is refused with a declared status".into(),
            Expect::SuccessOrRefused => "succeeds or is refused with a declared status".into(),
            Expect::SuccessOr(status) => format!("succeeds or answers {status}"),
            Expect::Status(status) => format!("answers {status}"),
        }
    }

    /// Why `result` is not what was expected, or `None` when it is; `declared` says
    /// whether the spec declares a status for the operation.
    pub fn mismatch<T>(
        self,
        result: &Result<T, Error>,
        declared: impl Fn(u16) -> bool,
    ) -> Option<String> {
        let refusal = |e: &Error| {
            e.status()
                .map(|s| s.as_u16())
                .is_some_and(|s| (400..500).contains(&s) && s != 429 && declared(s))
        };
        match (self, result) {
            (Expect::Success | Expect::SuccessOrRefused | Expect::SuccessOr(_), Ok(_)) => None,
            (Expect::Refused, Ok(_)) => Some("expected a refusal, got a success".to_string()),
            (Expect::Refused | Expect::SuccessOrRefused, Err(e)) if refusal(e) => None,
            (Expect::SuccessOr(want) | Expect::Status(want), Err(e))
                if e.status().map(|s| s.as_u16()) == Some(want) =>
            {
                None
            }
            (Expect::Status(want), Ok(_)) => Some(format!("expected {want}, got a success")),
            (Expect::Status(want), Err(e)) => Some(format!("expected {want}, got: {e}")),
            (Expect::Success, Err(e)) => Some(format!("expected a success, got: {e}")),
            (Expect::Refused, Err(e)) => Some(format!(
                "expected a refusal with a status the spec declares, got: {e}"
            )),
            (Expect::SuccessOrRefused, Err(e)) => Some(format!(
                "expected a success or a refusal with a status the spec declares, got: {e}"
            )),
            (Expect::SuccessOr(other), Err(e)) => {
                Some(format!("expected a success or {other}, got: {e}"))
            }
        }
    }
}

/// Whether the facade's error says the route does not exist on the gateway.
pub fn is_route_not_found(error: &Error) -> bool {
    error.status().map(|s| s.as_u16()) == Some(404) && error.code() == Some(ROUTE_NOT_FOUND)
}

/// The refusal the contract asks of a tenant isolation check, for messages.
const TENANCY_REFUSAL: &str = "403 (CROSS_TENANT_ACCESS_DENIED) or 404 as for a missing resource";

/// Why the second tenant's own request failed: its key is not shown to work, so no
/// refusal of it would mean anything.
pub fn second_key_refused(error: &Error) -> String {
    let status = error.status().map(|s| s.as_u16());
    let cause = match status {
        Some(401) => "the gateway refused the second tenant's key".to_string(),
        Some(429) => "the gateway rate limited the second tenant's request".to_string(),
        _ if is_route_not_found(error) => {
            "the gateway does not offer the request the second key is tried on".to_string()
        }
        _ => "the second tenant's request did not succeed".to_string(),
    };
    format!(
        "{cause}: {error}; no isolation check was run, as a refusal of a key that does not \
         work proves nothing"
    )
}

/// Why `error`, the answer to a request of the second tenant against the first tenant's
/// resource, is not the tenancy refusal: `None` for 403 (`PermissionDenied`, as
/// `CROSS_TENANT_ACCESS_DENIED`) or the not-found answer of a missing resource (404, not
/// `ROUTE_NOT_FOUND`). An authentication failure or a rate limit says nothing about
/// isolation: the gateway did not get to the resource.
pub fn not_a_tenancy_refusal(error: &Error) -> Option<String> {
    let status = error.status().map(|s| s.as_u16());
    match status {
        Some(403) => None,
        Some(404) if !is_route_not_found(error) => None,
        Some(401) => Some(format!(
            "an authentication failure is not a tenancy refusal: the second tenant's key, \
             which worked before, was refused, so isolation was not judged: {error}"
        )),
        Some(429) => Some(format!(
            "a rate limit is not a tenancy refusal: the gateway answered 429, so isolation was \
             not judged: {error}"
        )),
        _ => Some(format!(
            "expected the tenancy refusal, {TENANCY_REFUSAL}, got: {error}"
        )),
    }
}

/// What the gateway did with a request it carried out although the contract refuses it
/// (`status`), and `held`, the first tenant's resource its body named.
pub fn carried_out(status: Option<u16>, held: Option<&str>) -> String {
    let status = status.map_or_else(|| "a success".to_string(), |s| s.to_string());
    let mut text = format!(
        "the gateway answered {status} where the contract refuses another tenant with \
         {TENANCY_REFUSAL}"
    );
    if let Some(held) = held {
        text.push_str(&format!("; the answer holds the first tenant's `{held}`"));
    }
    text
}

/// A cross-tenant request that the original TypeScript gateway carries out: answered so,
/// it is reported as drift from the contract, not as a failure.
#[derive(Debug)]
pub struct KnownLeak {
    /// The `operationId`.
    pub operation: &'static str,
    /// What the original gateway does, as measured.
    pub what: &'static str,
}

/// The cross-tenant requests the original TypeScript gateway carries out (measured live,
/// issue 22); every other success of another tenant is a failure.
const KNOWN_LEAKS: [KnownLeak; 3] = [
    KnownLeak {
        operation: "listCustomServers",
        what: "lists another tenant's custom servers given its tenantId",
    },
    KnownLeak {
        operation: "getDeployment",
        what: "shows another tenant's deployment",
    },
    KnownLeak {
        operation: "removeCustomServer",
        what: "removes another tenant's custom server",
    },
];

/// The known leak of `op`, if there is one.
pub fn known_leak(op: &str) -> Option<&'static KnownLeak> {
    KNOWN_LEAKS.iter().find(|leak| leak.operation == op)
}

impl KnownLeak {
    /// Where the deviation is documented: `openapi.yaml` when the operation's description
    /// says contract runs report it as drift, else the measurement alone.
    pub fn documented(&self, spec: &Value) -> String {
        let in_spec = spec
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .filter(|op| op.get("operationId").and_then(Value::as_str) == Some(self.operation))
            .filter_map(|op| op.get("description").and_then(Value::as_str))
            .any(|text| text.contains("drift"));
        if in_spec {
            format!(
                "A known deviation of the original TypeScript gateway, which {}: openapi.yaml \
                 documents it (the description of {})",
                self.what, self.operation
            )
        } else {
            format!(
                "A known deviation of the original TypeScript gateway, which {} (measured \
                 live); openapi.yaml does not document it",
                self.what
            )
        }
    }
}

/// What is wrong with `response` according to the spec (empty when it conforms).
#[cfg(test)]
pub fn problems(schemas: &ResponseSchemas, response: &Observed) -> Vec<String> {
    classified(schemas, response)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// [`problems`], each with its kind: a schema violation or another problem.
pub fn classified(schemas: &ResponseSchemas, response: &Observed) -> Vec<(FailureKind, String)> {
    let mut schema_lines = Vec::new();
    let all = unclassified(schemas, response, &mut |violations, status| {
        let lines = describe_violations(&format!("status {status}: "), violations);
        schema_lines.extend(lines.iter().cloned());
        lines
    });
    all.into_iter()
        .map(|text| {
            let kind = if schema_lines.contains(&text) {
                FailureKind::Schema
            } else {
                FailureKind::Other
            };
            (kind, text)
        })
        .collect()
}

fn unclassified(
    schemas: &ResponseSchemas,
    response: &Observed,
    describe: &mut dyn FnMut(&[Violation], u16) -> Vec<String>,
) -> Vec<String> {
    let op = &response.operation_id;
    let status = response.status;
    if response.body.is_none() {
        // An event stream: the spec declares no JSON body for it, only the media type.
        return match schemas.validate(op, status, &Value::Null) {
            Err(SchemaError::NotJson { .. }) => Vec::new(),
            Err(SchemaError::UndeclaredStatus { .. }) => vec![undeclared(status, response)],
            Err(other) => vec![other.to_string()],
            Ok(_) => vec![format!(
                "status {status}: an event stream where the spec declares a JSON body"
            )],
        };
    }
    let Some(body) = response.json() else {
        return match schemas.validate(op, status, &Value::Null) {
            Err(SchemaError::UndeclaredStatus { .. }) => vec![undeclared(status, response)],
            _ => vec![format!(
                "status {status}: the body is not JSON ({})",
                content_type(response)
            )],
        };
    };
    match schemas.validate(op, status, &body) {
        Ok(violations) if violations.is_empty() => Vec::new(),
        Ok(violations) => describe(&violations, status),
        Err(SchemaError::UndeclaredStatus { .. }) => vec![undeclared(status, response)],
        Err(SchemaError::NotJson { .. }) => vec![format!(
            "status {status}: the spec declares an event stream, got {}",
            content_type(response)
        )],
        Err(other) => vec![other.to_string()],
    }
}

/// The first few violations of one body, one line each, with their JSON pointers, after
/// `prefix` (what the body was).
pub fn describe_violations(prefix: &str, violations: &[Violation]) -> Vec<String> {
    let mut lines: Vec<String> = violations
        .iter()
        .take(SHOWN_VIOLATIONS)
        .map(|v| format!("{prefix}{}", shorten(&v.to_string())))
        .collect();
    if violations.len() > SHOWN_VIOLATIONS {
        lines.push(format!(
            "{prefix}... and {} more schema violation(s)",
            violations.len() - SHOWN_VIOLATIONS
        ));
    }
    lines
}

fn undeclared(status: u16, response: &Observed) -> String {
    let code = response.json().and_then(|b| {
        b.pointer("/error/code")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match code {
        Some(code) => format!("status {status} ({code}) is not declared for this operation"),
        None => format!("status {status} is not declared for this operation"),
    }
}

fn content_type(response: &Observed) -> &str {
    response
        .content_type
        .as_deref()
        .unwrap_or("no content type")
}

/// Cuts `text` to [`MAX_MESSAGE_CHARS`] characters.
pub fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(op: &str, status: u16, body: &str) -> Observed {
        Observed {
            operation_id: op.into(),
            status,
            content_type: Some("application/json".into()),
            body: Some(body.as_bytes().to_vec()),
            exchange: None,
        }
    }

    #[test]
    fn a_conforming_body_has_no_problems_and_a_drifted_one_names_the_field() {
        let schemas = ResponseSchemas::bundled().expect("spec");
        let good = r#"{"success":true,"data":{"status":"healthy","uptime":1.5},"metadata":{"timestamp":"2026-11-21T00:00:00.000Z","requestId":"r"}}"#;
        assert!(problems(&schemas, &observed("getHealth", 200, good)).is_empty());
        let bad = good.replace("1.5", "\"soon\"");
        let found = problems(&schemas, &observed("getHealth", 200, &bad));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("/data/uptime"), "{found:?}");
    }

    #[test]
    fn undeclared_statuses_html_bodies_and_route_not_found_are_told_apart() {
        let schemas = ResponseSchemas::bundled().expect("spec");
        let html = Observed {
            content_type: Some("text/html".into()),
            ..observed("getHealth", 200, "<html></html>")
        };
        assert!(problems(&schemas, &html)[0].contains("not JSON"));
        let missing = r#"{"success":false,"error":{"code":"ROUTE_NOT_FOUND","message":"no"},"metadata":{"timestamp":"2026-11-21T00:00:00.000Z","requestId":"r"}}"#;
        let response = observed("getHealth", 404, missing);
        assert!(response.is_route_not_found());
        assert!(problems(&schemas, &response)[0].contains("404 (ROUTE_NOT_FOUND) is not declared"));
    }

    #[test]
    fn a_known_leak_says_whether_the_spec_documents_it() {
        let schemas = ResponseSchemas::bundled().expect("spec");
        let listed = known_leak("listCustomServers").expect("a known leak");
        assert!(
            listed
                .documented(schemas.spec())
                .ends_with("openapi.yaml documents it (the description of listCustomServers)")
        );
        let read = known_leak("getDeployment").expect("a known leak");
        let silent = serde_json::json!({"paths": {"/d": {"get": {
            "operationId": "getDeployment", "description": "One deployment"
        }}}});
        assert!(
            read.documented(&silent)
                .ends_with("(measured live); openapi.yaml does not document it")
        );
        assert!(known_leak("getIdentity").is_none());
    }

    #[test]
    fn expectations() {
        let ok: Result<(), Error> = Ok(());
        let declared = |status: u16| matches!(status, 401 | 404);
        assert_eq!(Expect::Success.mismatch(&ok, declared), None);
        assert!(Expect::Refused.mismatch(&ok, declared).is_some());
        assert_eq!(Expect::SuccessOrRefused.mismatch(&ok, declared), None);
        assert_eq!(Expect::SuccessOr(503).mismatch(&ok, declared), None);
    }
}
