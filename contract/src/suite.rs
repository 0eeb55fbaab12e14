//! The state of one run: the client, what each operation has shown so far, and what the
//! run created and must remove again.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};

use connectors::{Connectors, Error};

use crate::ResponseSchemas;
use crate::judge::{self, Expect};
use crate::operations::OPERATIONS;
use crate::recorder::{Observed, Recorder};
use crate::report::{
    Check, Failure, FailureKind, Isolation, IsolationCheck, OperationReport, Outcome, RateLimits,
    Report, StatusCoverage, Tenancy,
};
use crate::reproduce::{self, Secrets};
use crate::wire::Log;

/// The name of the check that holds problems of responses met outside any check.
const OUTSIDE_CHECKS: &str = "responses of unchecked calls conform to the spec";

/// The name of the check that the second tenant's key works.
const SECOND_KEY_CHECK: &str = "the second tenant's key works: a request of its own succeeds";

/// What one operation has shown so far.
#[derive(Debug, Default)]
struct Tally {
    exercised: bool,
    not_offered: bool,
    skipped: bool,
    problems: Vec<String>,
    status: Option<u16>,
    elapsed: Duration,
    request_id: Option<String>,
    checks: Vec<Check>,
    /// Every status its responses had (404 `ROUTE_NOT_FOUND` aside).
    seen: BTreeSet<u16>,
    /// The proxy's number of its latest request.
    last_exchange: Option<usize>,
}

/// What the runner needs to turn a request into a reproducer.
#[derive(Clone)]
pub(crate) struct Replay {
    /// The recording proxy's log.
    pub log: Log,
    /// The gateway's base URL.
    pub base: String,
    /// The keys the reproducers replace with variables.
    pub secrets: Secrets,
}

/// Something the run created on the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Created {
    /// A custom MCP server, by name.
    Server(String),
    /// An identity, by id.
    Identity(String),
    /// The tenant's OAuth configuration of an integration.
    OauthConfig(String),
}

/// One run of the suite.
pub(crate) struct Suite {
    /// The client under test; its responses reach [`Self::recorder`].
    pub client: Connectors,
    recorder: Recorder,
    schemas: ResponseSchemas,
    writes: bool,
    only: Option<BTreeSet<String>>,
    tallies: BTreeMap<&'static str, Tally>,
    created: Vec<Created>,
    cleanup_failures: Vec<String>,
    /// Removed from every message (the API keys).
    secrets: Vec<String>,
    /// Makes the names of what the run creates, and of what cannot exist, unique.
    suffix: String,
    /// The program and arguments of the MCP server the run deploys.
    pub deploy_command: Result<(String, Vec<String>), String>,
    /// How long to listen to the event stream when nothing is being deployed.
    pub events_wait: Duration,
    replay: Replay,
    seed: u64,
    /// The check being run: operation and index of its [`Check`].
    current: Option<(String, usize)>,
    /// The name of the next check (else its expectation's).
    next_name: Option<String>,
    /// The tenant isolation checks, once the second tenant's key was tried.
    tenancy: Option<Tenancy>,
    /// The second tenant's client (its key, the first tenant's id), for the isolation
    /// checks; they use it through [`Self::second`].
    pub second_tenant: Option<Connectors>,
    /// A client with a key no gateway knows, for the 401 checks.
    pub unknown_key: Option<Connectors>,
}

impl Suite {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        client: Connectors,
        recorder: Recorder,
        schemas: ResponseSchemas,
        writes: bool,
        only: Option<BTreeSet<String>>,
        secrets: Vec<String>,
        deploy_command: Result<(String, Vec<String>), String>,
        events_wait: Duration,
        replay: Replay,
        seed: u64,
    ) -> Self {
        // Every name the run generates derives from the seed.
        let mut rng = fastrand::Rng::with_seed(seed);
        let tallies = OPERATIONS
            .iter()
            .map(|op| (op.id, Tally::default()))
            .collect();
        Suite {
            client,
            recorder,
            schemas,
            writes,
            only,
            tallies,
            created: Vec::new(),
            cleanup_failures: Vec::new(),
            secrets: secrets.into_iter().filter(|s| !s.is_empty()).collect(),
            suffix: format!("{:08x}", rng.u32(..)),
            deploy_command,
            events_wait,
            replay,
            seed,
            current: None,
            next_name: None,
            tenancy: None,
            second_tenant: None,
            unknown_key: None,
        }
    }

    /// The name of what this run creates: `contract-<hex>`.
    pub fn resource_name(&self) -> String {
        format!("contract-{}", self.suffix)
    }

    /// A name of kind `prefix` that no gateway has: `<prefix>contract-absent-<hex>`.
    pub fn absent(&self, prefix: &str) -> String {
        format!("{prefix}contract-absent-{}", self.suffix)
    }

    /// The schemas responses are checked against.
    pub fn schemas(&self) -> &ResponseSchemas {
        &self.schemas
    }

    /// Whether the run may change state on the gateway.
    pub fn writes(&self) -> bool {
        self.writes
    }

    /// Whether `op` is part of this run (`--only`).
    pub fn selected(&self, op: &str) -> bool {
        self.only.as_ref().is_none_or(|only| only.contains(op))
    }

    /// Whether any of `ops` is part of this run.
    pub fn any_selected(&self, ops: &[&str]) -> bool {
        ops.iter().any(|op| self.selected(op))
    }

    /// Whether the write `op` is to be run; a selected write that is not allowed is
    /// recorded as skipped.
    pub fn write_allowed(&mut self, op: &str) -> bool {
        if !self.selected(op) {
            return false;
        }
        if !self.writes {
            if let Some(tally) = self.tallies.get_mut(op) {
                tally.skipped = true;
            }
            return false;
        }
        true
    }

    /// Runs `call` as a check of `op`, if `op` is selected; its value on success.
    pub async fn run<T>(
        &mut self,
        op: &str,
        expect: Expect,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Option<T> {
        if !self.selected(op) {
            return None;
        }
        self.check(op, expect, call).await.ok()
    }

    /// Runs `call` whether or not `op` is selected (other checks need what it finds),
    /// checking it when it is.
    pub async fn discover<T>(
        &mut self,
        op: &str,
        expect: Expect,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Option<T> {
        self.check(op, expect, call).await.ok()
    }

    /// Runs `call` and judges it and every response it caused.
    pub async fn check<T>(
        &mut self,
        op: &str,
        expect: Expect,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        // Responses of earlier, unchecked calls are still judged, not mixed into this one.
        let earlier = self.recorder.drain();
        self.absorb(&earlier);
        let name = self.next_name.take().unwrap_or_else(|| expect.describe());
        if self.selected(op)
            && let Some(tally) = self.tallies.get_mut(op)
        {
            let taken = tally
                .checks
                .iter()
                .filter(|c| c.name == name || c.name.starts_with(&format!("{name} (#")))
                .count();
            let name = if taken == 0 {
                name
            } else {
                format!("{name} (#{})", taken + 1)
            };
            tally.checks.push(Check {
                name,
                status: None,
                elapsed: Duration::ZERO,
                request_id: None,
                failures: Vec::new(),
            });
            self.current = Some((op.to_string(), tally.checks.len() - 1));
        }
        let (result, elapsed, own) = self.observe(op, call).await;
        // Not offered is never a failure. The client remembers a route the gateway does
        // not offer, so a later call may send nothing (a fallback, or the error at once).
        let known_not_offered = self.tallies.get(op).is_some_and(|t| t.not_offered);
        let not_offered = own.as_ref().is_some_and(|r| r.is_route_not_found())
            || result.as_ref().err().is_some_and(judge::is_route_not_found)
            || (known_not_offered && own.is_none());
        if !self.selected(op) {
            return result;
        }
        let request_id = own.as_ref().and_then(|r| self.request_id(r.exchange));
        if let Some((_, index)) = self.current.clone()
            && let Some(check) = self
                .tallies
                .get_mut(op)
                .and_then(|t| t.checks.get_mut(index))
        {
            check.status = own.as_ref().map(|r| r.status);
            check.elapsed = elapsed;
            check.request_id = request_id.clone();
        }
        let schemas = &self.schemas;
        let problem = if not_offered {
            None
        } else if let Some(why) = expect.mismatch(&result, |status| schemas.declares(op, status)) {
            Some(why)
        } else if own.is_none() {
            Some("no response of this operation was observed".to_string())
        } else {
            None
        };
        if let Some(tally) = self.tallies.get_mut(op) {
            tally.exercised = true;
            tally.elapsed += elapsed;
            if let Some(own) = &own {
                tally.status = Some(own.status);
                tally.request_id = request_id;
            }
            tally.not_offered |= not_offered;
        }
        if let Some(why) = problem {
            let exchange = own.as_ref().and_then(|r| r.exchange);
            self.record(op, FailureKind::Expectation, why, exchange);
        }
        self.current = None;
        result
    }

    /// Awaits `call`, timed, and takes in what the recorder saw meanwhile: the result, how
    /// long it took, and the last response of `op` among them (if it sent one).
    async fn observe<T>(
        &mut self,
        op: &str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> (Result<T, Error>, Duration, Option<Observed>) {
        let started = Instant::now();
        let result = call.await;
        let elapsed = started.elapsed();
        let responses = self.recorder.drain();
        let own = responses
            .iter()
            .rev()
            .find(|r| r.operation_id == op)
            .cloned();
        self.absorb(&responses);
        (result, elapsed, own)
    }

    /// Tries the second tenant's key on `op`, a request of its own that must succeed
    /// (`call`) before any refusal of it means something. Until it has, [`Self::second`]
    /// gives nothing and no isolation check runs; when it fails, the tenant isolation
    /// section fails with the reason.
    pub async fn prove_second_key<T>(
        &mut self,
        op: &str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> bool {
        let earlier = self.recorder.drain();
        self.absorb(&earlier);
        let (result, elapsed, own) = self.observe(op, call).await;
        let exchange = own.as_ref().and_then(|r| r.exchange);
        let why = match &result {
            Ok(_) if own.is_some() => None,
            Ok(_) => Some(format!(
                "no response of {op} was observed, so the second tenant's key is not known to work"
            )),
            Err(e) => Some(judge::second_key_refused(e)),
        };
        let reproducer = exchange.and_then(|n| self.reproducer(n));
        let check = self.expectation(
            SECOND_KEY_CHECK,
            own.as_ref().map(|r| r.status),
            elapsed,
            exchange,
            why,
            reproducer,
        );
        let works = check.passed();
        self.tenancy = Some(Tenancy {
            second_key: (op.to_string(), check),
            checks: Vec::new(),
        });
        works
    }

    /// A tenancy check named `name` of the response `status` (request `exchange`), failed
    /// with `why` (scrubbed) when there is a reason.
    fn expectation(
        &self,
        name: &str,
        status: Option<u16>,
        elapsed: Duration,
        exchange: Option<usize>,
        why: Option<String>,
        reproducer: Option<String>,
    ) -> Check {
        Check {
            name: name.to_string(),
            status,
            elapsed,
            request_id: self.request_id(exchange),
            failures: why
                .map(|why| Failure {
                    kind: FailureKind::Expectation,
                    message: self.scrub(&why),
                    reproducer,
                })
                .into_iter()
                .collect(),
        }
    }

    /// The second tenant's client, once its key was shown to work
    /// ([`Self::prove_second_key`]).
    pub fn second(&self) -> Option<Connectors> {
        self.tenancy
            .as_ref()
            .filter(|t| t.second_key_works())
            .and(self.second_tenant.clone())
    }

    /// Whether an isolation check of `op` has run.
    pub fn isolation_checked(&self, op: &str) -> bool {
        self.tenancy
            .as_ref()
            .is_some_and(|t| t.checks.iter().any(|c| c.operation == op))
    }

    /// A tenant isolation check: `call`, made with the second tenant's key against the
    /// first tenant's resource, must get the tenancy refusal: 403 or the not-found answer
    /// of a missing resource (a 401 or a 429 is no such refusal). A success is drift from
    /// the contract on a route where that deviation is known ([`judge::known_leak`]),
    /// else a failure; `evidence` (the first tenant's resource name or id) is looked for
    /// in its body. A route the gateway does not offer is reported as such. Returns
    /// whether the gateway carried the request out (a success).
    pub async fn isolation<T>(
        &mut self,
        op: &str,
        name: &str,
        evidence: Option<&str>,
        call: impl Future<Output = Result<T, Error>>,
    ) -> bool {
        let earlier = self.recorder.drain();
        self.absorb(&earlier);
        let (result, elapsed, own) = self.observe(op, call).await;
        let exchange = own.as_ref().and_then(|r| r.exchange);
        let not_offered = own.as_ref().is_some_and(Observed::is_route_not_found)
            || result.as_ref().err().is_some_and(judge::is_route_not_found);
        let status = own.as_ref().map(|r| r.status);
        let held = match (evidence, own.as_ref().and_then(|r| r.body.as_deref())) {
            (Some(wanted), Some(body)) if !wanted.is_empty() => {
                String::from_utf8_lossy(body).contains(wanted)
            }
            _ => false,
        };
        let reproducer = exchange.and_then(|n| self.reproducer(n));
        let (outcome, why) = if not_offered {
            (Isolation::NotOffered, None)
        } else if own.is_none() {
            (
                Isolation::Failed,
                Some(format!(
                    "no response of {op} was observed (the request was not sent): {}",
                    match &result {
                        Ok(_) => "the client answered it by itself".to_string(),
                        Err(e) => e.to_string(),
                    }
                )),
            )
        } else {
            match &result {
                Ok(_) => {
                    let answered = judge::carried_out(status, held.then_some(evidence).flatten());
                    match judge::known_leak(op) {
                        Some(leak) => (
                            Isolation::Drift {
                                reason: self.scrub(&format!(
                                    "drift from the contract: {answered}. {}",
                                    leak.documented(self.schemas.spec())
                                )),
                                reproducer: reproducer.clone(),
                            },
                            None,
                        ),
                        None => (
                            Isolation::Failed,
                            Some(format!(
                                "the second tenant was not refused: {answered} (is the second \
                                 key another tenant's?)"
                            )),
                        ),
                    }
                }
                Err(e) => match judge::not_a_tenancy_refusal(e) {
                    None => (Isolation::Refused, None),
                    Some(why) => (Isolation::Failed, Some(why)),
                },
            }
        };
        let carried_out = result.is_ok() && own.is_some();
        let check = self.expectation(name, status, elapsed, exchange, why, reproducer);
        if let Some(tenancy) = self.tenancy.as_mut() {
            tenancy.checks.push(IsolationCheck {
                operation: op.to_string(),
                check,
                outcome,
            });
        }
        carried_out
    }

    /// Appends `note` to the name of the latest check of `op` (what the check found that
    /// later checks depend on).
    pub fn note_on_check(&mut self, op: &str, note: &str) {
        if self.selected(op)
            && let Some(check) = self.tallies.get_mut(op).and_then(|t| t.checks.last_mut())
        {
            check.name = format!("{}: {note}", check.name);
        }
    }

    /// Names the next check (else it is named after what it expects).
    pub fn name_next(&mut self, name: impl Into<String>) {
        self.next_name = Some(name.into());
    }

    /// Records a failure reason for `op`, with its latest request as the reproducer.
    pub fn fail(&mut self, op: &str, why: String) {
        let exchange = self.tallies.get(op).and_then(|t| t.last_exchange);
        self.record(op, FailureKind::Other, why, exchange);
    }

    /// Records a failure of `op`: under the check being run when it is one of `op`'s,
    /// else under [`OUTSIDE_CHECKS`].
    fn record(&mut self, op: &str, kind: FailureKind, why: String, exchange: Option<usize>) {
        let message = self.scrub(&why);
        let reproducer = exchange.and_then(|n| self.reproducer(n));
        let current = self
            .current
            .as_ref()
            .filter(|(o, _)| o == op)
            .map(|(_, i)| *i);
        let Some(tally) = self.tallies.get_mut(op) else {
            return;
        };
        if !tally.problems.contains(&message) {
            tally.problems.push(message.clone());
        }
        let index = match current {
            Some(index) => index,
            None => match tally.checks.iter().position(|c| c.name == OUTSIDE_CHECKS) {
                Some(index) => index,
                None => {
                    tally.checks.push(Check {
                        name: OUTSIDE_CHECKS.into(),
                        status: None,
                        elapsed: Duration::ZERO,
                        request_id: None,
                        failures: Vec::new(),
                    });
                    tally.checks.len() - 1
                }
            },
        };
        if let Some(check) = tally.checks.get_mut(index)
            && !check.failures.iter().any(|f| f.message == message)
        {
            check.failures.push(Failure {
                kind,
                message,
                reproducer,
            });
        }
    }

    /// The request id the client sent with exchange `n`.
    fn request_id(&self, n: Option<usize>) -> Option<String> {
        let exchange = self.replay.log.get(n?)?;
        exchange
            .header(connectors::REQUEST_ID_HEADER)
            .map(str::to_string)
    }

    /// Exchange `n` as a `curl` command line.
    pub(crate) fn reproducer(&self, n: usize) -> Option<String> {
        let exchange = self.replay.log.get(n)?;
        let path = exchange.path(&self.replay.base);
        let schema = self
            .schemas
            .route_for(&exchange.method, path)
            .and_then(|route| self.schemas.request_schema(&route.operation_id));
        let line = reproduce::curl(&exchange, self.schemas.spec(), schema, &self.replay.secrets);
        Some(self.scrub(&line))
    }

    /// Adds time spent on `op` outside [`Self::check`] (reading a stream).
    pub fn add_time(&mut self, op: &str, elapsed: Duration) {
        if let Some(tally) = self.tallies.get_mut(op) {
            tally.elapsed += elapsed;
        }
    }

    /// Judges responses against the spec, each under its own operation.
    fn absorb(&mut self, responses: &[Observed]) {
        for response in responses {
            if !self.selected(&response.operation_id) || response.is_route_not_found() {
                continue;
            }
            if let Some(tally) = self.tallies.get_mut(response.operation_id.as_str()) {
                tally.seen.insert(response.status);
                tally.last_exchange = response.exchange.or(tally.last_exchange);
            }
            for (kind, problem) in judge::classified(&self.schemas, response) {
                self.record(&response.operation_id, kind, problem, response.exchange);
            }
        }
    }

    /// Per operation, which declared statuses its responses met.
    fn coverage(&self, op: &str, seen: &BTreeSet<u16>) -> StatusCoverage {
        let declared = self.schemas.declared_statuses(op);
        let mut exercised = BTreeSet::new();
        let mut undeclared = Vec::new();
        for status in seen {
            match self.schemas.declared_key(op, *status) {
                Some(key) => {
                    exercised.insert(key);
                }
                None => undeclared.push(*status),
            }
        }
        let missed = declared
            .iter()
            .filter(|k| !exercised.contains(*k))
            .cloned()
            .collect();
        StatusCoverage {
            declared,
            exercised: exercised.into_iter().collect(),
            missed,
            undeclared,
        }
    }

    /// Notes that the run created `what`, to remove it at the end unless a check does.
    pub fn created(&mut self, what: Created) {
        if !self.created.contains(&what) {
            self.created.push(what);
        }
    }

    /// Notes that `what` is gone.
    pub fn removed(&mut self, what: &Created) {
        self.created.retain(|c| c != what);
    }

    /// Removes whatever the run created and did not remove itself, newest first; a
    /// resource that is already gone (404) is fine.
    pub async fn clean_up(&mut self) {
        let client = self.client.clone();
        while let Some(what) = self.created.pop() {
            let (op, result) = match &what {
                Created::Server(name) => (
                    "removeCustomServer",
                    client.mcp().remove(name).await.map(drop),
                ),
                Created::Identity(id) => (
                    "deleteIdentity",
                    client.identities().delete(id).await.map(drop),
                ),
                Created::OauthConfig(integration) => (
                    "deleteOauthConfig",
                    client
                        .tenants()
                        .oauth_config(integration.as_str())
                        .delete()
                        .await
                        .map(drop),
                ),
            };
            let responses = self.recorder.drain();
            self.absorb(&responses);
            if let Err(e) = result
                && e.status().map(|s| s.as_u16()) != Some(404)
            {
                let message = self.scrub(&format!("{what:?} ({op}): {e}"));
                self.cleanup_failures.push(message);
            }
        }
    }

    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "<redacted>");
            }
        }
        text
    }

    /// The report: the selected operations in spec order.
    pub fn into_report(mut self, target: String) -> Report {
        let leftover = self.recorder.drain();
        self.absorb(&leftover);
        let selected: Vec<_> = OPERATIONS
            .iter()
            .filter(|op| self.selected(op.id))
            .collect();
        let operations = selected
            .into_iter()
            .map(|op| {
                let tally = self.tallies.remove(op.id).unwrap_or_default();
                let outcome = if !tally.problems.is_empty() {
                    Outcome::Failed(tally.problems)
                } else if tally.not_offered {
                    Outcome::NotOffered
                } else if tally.skipped {
                    Outcome::SkippedReadOnly
                } else if tally.exercised {
                    Outcome::Passed
                } else {
                    Outcome::Failed(vec!["the runner did not get to call it".into()])
                };
                let ran = tally.exercised;
                let coverage = self.coverage(op.id, &tally.seen);
                OperationReport {
                    method: op.method.to_string(),
                    path: op.path.to_string(),
                    operation_id: op.id.to_string(),
                    outcome,
                    status: tally.status,
                    elapsed: ran.then_some(tally.elapsed),
                    request_id: tally.request_id,
                    checks: tally.checks,
                    coverage,
                }
            })
            .collect();
        let mut rate_limits = RateLimits::default();
        for exchange in self.replay.log.all() {
            if exchange.status == Some(429) {
                rate_limits.responses += 1;
                rate_limits.requested_wait_seconds += exchange.retry_after.unwrap_or(0.0);
            }
        }
        Report {
            target,
            writes_allowed: self.writes,
            operations,
            cleanup_failures: self.cleanup_failures,
            seed: self.seed,
            tenancy: self.tenancy,
            rate_limits,
        }
    }
}
