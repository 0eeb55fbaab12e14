//! The result of a run: one outcome per operation, printed as an aligned table with a
//! summary line.

use std::fmt;
use std::time::Duration;

/// How one operation fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The call ended as expected and every response conformed to the spec.
    Passed,
    /// Something did not; the reasons, one per line.
    Failed(Vec<String>),
    /// The gateway does not have the route (404 `ROUTE_NOT_FOUND`).
    NotOffered,
    /// A write, not run because writes were not allowed.
    SkippedReadOnly,
}

impl Outcome {
    /// The outcome as printed.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed(_) => "failed",
            Outcome::NotOffered => "not offered",
            Outcome::SkippedReadOnly => "skipped (read-only)",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationReport {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The `operationId`.
    pub operation_id: String,
    /// How it fared.
    pub outcome: Outcome,
    /// The status of its (last) checked response, if it got one.
    pub status: Option<u16>,
    /// Time spent in its checked calls.
    pub elapsed: Option<Duration>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// What was tested (the gateway's address and how it was chosen).
    pub target: String,
    /// Whether writes were allowed.
    pub writes_allowed: bool,
    /// One entry per operation run, in spec order.
    pub operations: Vec<OperationReport>,
    /// What could not be cleaned up at the end (server, identity, OAuth configuration).
    pub cleanup_failures: Vec<String>,
}

impl Report {
    /// The entry of `operation_id`.
    pub fn operation(&self, operation_id: &str) -> Option<&OperationReport> {
        self.operations
            .iter()
            .find(|o| o.operation_id == operation_id)
    }

    /// How many operations ended with `label` (see [`Outcome::label`]).
    pub fn count(&self, label: &str) -> usize {
        self.operations
            .iter()
            .filter(|o| o.outcome.label() == label)
            .count()
    }

    /// Whether anything failed, cleanups included.
    pub fn has_failures(&self) -> bool {
        self.count("failed") > 0 || !self.cleanup_failures.is_empty()
    }

    /// The process exit status for this report: 0 without failures, 1 with.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.has_failures())
    }

    /// `35 operations: N passed, N failed, N not offered, N skipped (read-only)`.
    pub fn summary(&self) -> String {
        format!(
            "{} operations: {} passed, {} failed, {} not offered, {} skipped (read-only)",
            self.operations.len(),
            self.count("passed"),
            self.count("failed"),
            self.count("not offered"),
            self.count("skipped (read-only)"),
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let writes = if self.writes_allowed {
            "writes allowed"
        } else {
            "read-only"
        };
        writeln!(f, "Contract run against {}, {writes}", self.target)?;
        writeln!(f)?;
        let width = |get: fn(&OperationReport) -> usize, min: usize| {
            self.operations.iter().map(get).max().unwrap_or(0).max(min)
        };
        let method_w = width(|o| o.method.len(), 6);
        let path_w = width(|o| o.path.len(), 4);
        let id_w = width(|o| o.operation_id.len(), 9);
        let outcome_w = "skipped (read-only)".len();
        writeln!(
            f,
            "{:<method_w$}  {:<path_w$}  {:<id_w$}  {:<outcome_w$}  {:>6}  {:>8}",
            "METHOD", "PATH", "OPERATION", "OUTCOME", "STATUS", "TIME"
        )?;
        for op in &self.operations {
            let status = op.status.map_or_else(|| "-".to_string(), |s| s.to_string());
            let time = op
                .elapsed
                .map_or_else(|| "-".to_string(), |d| format!("{} ms", d.as_millis()));
            writeln!(
                f,
                "{:<method_w$}  {:<path_w$}  {:<id_w$}  {:<outcome_w$}  {:>6}  {:>8}",
                op.method,
                op.path,
                op.operation_id,
                op.outcome.label(),
                status,
                time
            )?;
            if let Outcome::Failed(reasons) = &op.outcome {
                for reason in reasons {
                    writeln!(f, "{:method_w$}    - {reason}", "")?;
                }
            }
        }
        for failure in &self.cleanup_failures {
            writeln!(f, "cleanup failed: {failure}")?;
        }
        writeln!(f)?;
        write!(f, "{}", self.summary())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_aligned_and_ends_with_the_summary() {
        let report = Report {
            target: "http://127.0.0.1:1".into(),
            writes_allowed: false,
            operations: vec![
                OperationReport {
                    method: "GET".into(),
                    path: "/health".into(),
                    operation_id: "getHealth".into(),
                    outcome: Outcome::Failed(vec!["status 200: /data/uptime: bad".into()]),
                    status: Some(200),
                    elapsed: Some(Duration::from_millis(3)),
                },
                OperationReport {
                    method: "DELETE".into(),
                    path: "/api/v1/identities/{identityId}".into(),
                    operation_id: "deleteIdentity".into(),
                    outcome: Outcome::SkippedReadOnly,
                    status: None,
                    elapsed: None,
                },
            ],
            cleanup_failures: Vec::new(),
        };
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let column = |line: &str| {
            line.find("getHealth")
                .or_else(|| line.find("deleteIdentity"))
        };
        assert_eq!(column(lines[3]), column(lines[5]), "{text}");
        assert!(text.contains("    - status 200: /data/uptime: bad"));
        assert!(
            text.ends_with(
                "2 operations: 0 passed, 1 failed, 0 not offered, 1 skipped (read-only)"
            )
        );
        assert_eq!(report.exit_code(), 1);
    }
}
