//! The result of a run: one outcome per operation, printed as an aligned table with a
//! summary line, and written as JUnit XML or JSON for a CI system
//! ([`Report::write`]; the JSON's schema is `report.schema.json` in this crate).

use std::fmt;
use std::path::Path;
use std::time::Duration;

pub use crate::output::ReportFormat;

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
    /// The request id (`X-Request-Id`) of its last checked call.
    pub request_id: Option<String>,
    /// Every check of the operation, in the order run.
    pub checks: Vec<Check>,
    /// Which of its declared statuses the run met.
    pub coverage: StatusCoverage,
}

/// One check of an operation: a call and what was expected of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was expected, e.g. `succeeds` or `401 with a bad key`.
    pub name: String,
    /// The status of its response, if it got one.
    pub status: Option<u16>,
    /// How long the call took.
    pub elapsed: Duration,
    /// The request id of its request.
    pub request_id: Option<String>,
    /// Why it failed; empty when it passed.
    pub failures: Vec<Failure>,
}

impl Check {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// What kind of problem a [`Failure`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The call did not end as expected (a success where a refusal was due, ...).
    Expectation,
    /// A response body breaks the schema the spec declares for its status.
    Schema,
    /// Anything else the check found (an undeclared status, a broken event stream).
    Other,
}

impl FailureKind {
    /// `expectation`, `schema` or `other`.
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Expectation => "expectation",
            FailureKind::Schema => "schema",
            FailureKind::Other => "other",
        }
    }
}

/// One reason a check failed, with the request to replay it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Its kind.
    pub kind: FailureKind,
    /// The reason (for a schema violation: the status, the JSON pointer and the rule).
    pub message: String,
    /// The request that met it, as a `curl` command line with the API key and secrets
    /// as `$CONNECTORS_...` variables.
    pub reproducer: Option<String>,
}

/// Per operation: its declared response statuses the run met, those it did not, and
/// statuses it met that the spec does not declare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCoverage {
    /// Every declared response key (`200`, `4XX`, `default`).
    pub declared: Vec<String>,
    /// The declared keys some response met.
    pub exercised: Vec<String>,
    /// The declared keys no response met.
    pub missed: Vec<String>,
    /// Statuses met that the spec does not declare.
    pub undeclared: Vec<u16>,
}

/// How one tenant isolation check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    /// The second tenant was refused as the contract says: 403 (`CROSS_TENANT_ACCESS_DENIED`)
    /// or the not-found answer of a missing resource.
    Refused,
    /// The gateway does not offer the route (404 `ROUTE_NOT_FOUND`): nothing to isolate.
    NotOffered,
    /// Drift from the contract: the gateway carried out the request where the contract
    /// refuses another tenant, on a route where that deviation of the original TypeScript
    /// gateway is known.
    Drift {
        /// What was answered, and where the deviation is documented.
        reason: String,
        /// The request, as a `curl` command line (see [`Failure::reproducer`]).
        reproducer: Option<String>,
    },
    /// Anything else: the check's failures say why.
    Failed,
}

/// One tenant isolation check: a request with the second tenant's key against the first
/// tenant's resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsolationCheck {
    /// The `operationId` of the request.
    pub operation: String,
    /// The request and its failures (a drift is not one of them).
    pub check: Check,
    /// How it ended.
    pub outcome: Isolation,
}

impl IsolationCheck {
    /// `passed`, `failed`, `drift` or `not offered`.
    pub fn label(&self) -> &'static str {
        if !self.check.passed() {
            return "failed";
        }
        match &self.outcome {
            Isolation::Failed => "failed",
            Isolation::Refused => "passed",
            Isolation::NotOffered => "not offered",
            Isolation::Drift { .. } => "drift",
        }
    }
}

/// The tenant isolation checks (`--second-key`).
///
/// A refusal of the second tenant proves isolation only when its key works, so the key
/// is tried first on a request of its own ([`Tenancy::second_key`]); when that fails, no
/// isolation check is run and the section fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenancy {
    /// The second tenant's own request (`operationId` and check), which must succeed.
    pub second_key: (String, Check),
    /// One check per route tried with the second tenant's key against the first
    /// tenant's resources; the name says which. Empty when the second key does not work.
    pub checks: Vec<IsolationCheck>,
}

impl Tenancy {
    /// Whether the second tenant's key was shown to work.
    pub fn second_key_works(&self) -> bool {
        self.second_key.1.passed()
    }

    /// How many isolation checks ended with `label` (see [`IsolationCheck::label`]).
    pub fn count(&self, label: &str) -> usize {
        self.checks.iter().filter(|c| c.label() == label).count()
    }

    /// How many checks failed, the second key's own request included.
    pub fn failed(&self) -> usize {
        self.count("failed") + usize::from(!self.second_key_works())
    }

    /// How many checks found drift from the contract.
    pub fn drift(&self) -> usize {
        self.count("drift")
    }

    /// `tenant isolation: 12 checks: 9 passed, 0 failed, 2 drift, 1 not offered`, or that
    /// nothing was checked because the second key does not work.
    pub fn summary(&self) -> String {
        if !self.second_key_works() {
            return "tenant isolation: failed: the second tenant's key does not work, so no \
                    isolation check was run"
                .to_string();
        }
        format!(
            "tenant isolation: {} checks: {} passed, {} failed, {} drift, {} not offered",
            self.checks.len(),
            self.count("passed"),
            self.count("failed"),
            self.drift(),
            self.count("not offered"),
        )
    }
}

/// 429 answers met during the run, each waited out as the gateway asked (within the
/// client's budget) before the call was tried again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateLimits {
    /// How many 429 answers arrived.
    pub responses: usize,
    /// The waits they asked for (`Retry-After`), added up, in seconds.
    pub requested_wait_seconds: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What was tested (the gateway's address and how it was chosen).
    pub target: String,
    /// Whether writes were allowed.
    pub writes_allowed: bool,
    /// One entry per operation run, in spec order.
    pub operations: Vec<OperationReport>,
    /// What could not be cleaned up at the end (server, identity, OAuth configuration).
    pub cleanup_failures: Vec<String>,
    /// The seed of every generated name and value (`--seed` repeats the run).
    pub seed: u64,
    /// The tenant isolation checks, when a second tenant's key was given.
    pub tenancy: Option<Tenancy>,
    /// The 429 answers met.
    pub rate_limits: RateLimits,
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

    /// Whether anything failed, cleanups and tenant isolation included (a second key that
    /// does not work fails it). Drift from the contract found by the isolation checks is
    /// counted beside the failures ([`Tenancy::drift`]), not as one: it is a known
    /// deviation of the original TypeScript gateway, and each says where it is documented.
    pub fn has_failures(&self) -> bool {
        self.count("failed") > 0
            || !self.cleanup_failures.is_empty()
            || self.tenancy.as_ref().is_some_and(|t| t.failed() > 0)
    }

    /// Declared response keys met, and declared in all, over the operations run.
    pub fn status_coverage(&self) -> (usize, usize) {
        self.operations.iter().fold((0, 0), |(met, all), op| {
            (
                met + op.coverage.exercised.len(),
                all + op.coverage.declared.len(),
            )
        })
    }

    /// `status coverage: 61/120 declared statuses exercised (50.8%), 0 undeclared met`.
    pub fn coverage_summary(&self) -> String {
        let (met, all) = self.status_coverage();
        let undeclared: usize = self
            .operations
            .iter()
            .map(|o| o.coverage.undeclared.len())
            .sum();
        let percent = if all == 0 {
            100.0
        } else {
            met as f64 * 100.0 / all as f64
        };
        format!(
            "status coverage: {met}/{all} declared statuses exercised ({percent:.1}%), {undeclared} undeclared met"
        )
    }

    /// Writes the report as `format` to `path`, creating its directory.
    pub fn write(&self, format: ReportFormat, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let text = match format {
            ReportFormat::Junit => crate::output::junit(self),
            ReportFormat::Json => serde_json::to_string_pretty(&crate::output::json(self))
                .map_err(std::io::Error::other)?,
        };
        std::fs::write(path, text)
    }

    /// The process exit status for this report: 0 without failures, 1 with.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.has_failures())
    }

    /// `N operations: N passed, N failed, N not offered, N skipped (read-only)`, the first
    /// count being the operations run (every operation of the spec, or those of `--only`).
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
                let mut shown = Vec::new();
                for failure in op.checks.iter().flat_map(|c| &c.failures) {
                    if let Some(line) = &failure.reproducer
                        && !shown.contains(&line)
                    {
                        writeln!(f, "{:method_w$}      reproduce: {line}", "")?;
                        shown.push(line);
                    }
                }
            }
        }
        for failure in &self.cleanup_failures {
            writeln!(f, "cleanup failed: {failure}")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "Status coverage (declared statuses met / declared; missed; undeclared met):"
        )?;
        for op in &self.operations {
            let c = &op.coverage;
            let mut line = format!(
                "  {:<id_w$}  {}/{}",
                op.operation_id,
                c.exercised.len(),
                c.declared.len()
            );
            if !c.missed.is_empty() {
                line.push_str(&format!("  missed {}", c.missed.join(" ")));
            }
            if !c.undeclared.is_empty() {
                let shown: Vec<String> = c.undeclared.iter().map(u16::to_string).collect();
                line.push_str(&format!("  UNDECLARED {}", shown.join(" ")));
            }
            writeln!(f, "{line}")?;
        }
        if let Some(tenancy) = &self.tenancy {
            writeln!(f)?;
            writeln!(
                f,
                "Tenant isolation (the second tenant's key against the first tenant's resources):"
            )?;
            let (operation, check) = &tenancy.second_key;
            let outcome = if check.passed() { "passed" } else { "FAILED" };
            isolation_line(f, outcome, operation, check, None)?;
            for isolation in &tenancy.checks {
                let outcome = match isolation.label() {
                    "failed" => "FAILED",
                    "drift" => "DRIFT",
                    other => other,
                };
                let drift = match &isolation.outcome {
                    Isolation::Drift { reason, reproducer } => {
                        Some((reason.as_str(), reproducer.as_deref()))
                    }
                    _ => None,
                };
                isolation_line(f, outcome, &isolation.operation, &isolation.check, drift)?;
            }
            writeln!(f, "{}", tenancy.summary())?;
        }
        if self.rate_limits.responses > 0 {
            writeln!(
                f,
                "rate limited: {} answers 429, {:.1} s of waiting asked for",
                self.rate_limits.responses, self.rate_limits.requested_wait_seconds
            )?;
        }
        writeln!(f, "{}", self.coverage_summary())?;
        writeln!(
            f,
            "seed: {} (--seed {} repeats every generated name)",
            self.seed, self.seed
        )?;
        write!(f, "{}", self.summary())
    }
}

/// One line of the tenant isolation section, with the check's failures (and a drift's
/// reason) under it.
fn isolation_line(
    f: &mut fmt::Formatter<'_>,
    outcome: &str,
    operation: &str,
    check: &Check,
    drift: Option<(&str, Option<&str>)>,
) -> fmt::Result {
    let status = check
        .status
        .map_or_else(|| "-".to_string(), |s| s.to_string());
    writeln!(
        f,
        "  {outcome:<11}  {status:>3}  {operation}: {}",
        check.name
    )?;
    if let Some((why, reproducer)) = drift {
        writeln!(f, "                 - {why}")?;
        if let Some(line) = reproducer {
            writeln!(f, "                   reproduce: {line}")?;
        }
    }
    for failure in &check.failures {
        writeln!(f, "                 - {}", failure.message)?;
        if let Some(line) = &failure.reproducer {
            writeln!(f, "                   reproduce: {line}")?;
        }
    }
    Ok(())
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
                    request_id: None,
                    checks: Vec::new(),
                    coverage: StatusCoverage::default(),
                },
                OperationReport {
                    method: "DELETE".into(),
                    path: "/api/v1/identities/{identityId}".into(),
                    operation_id: "deleteIdentity".into(),
                    outcome: Outcome::SkippedReadOnly,
                    status: None,
                    elapsed: None,
                    request_id: None,
                    checks: Vec::new(),
                    coverage: StatusCoverage::default(),
                },
            ],
            cleanup_failures: Vec::new(),
            seed: 7,
            tenancy: None,
            rate_limits: RateLimits::default(),
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
