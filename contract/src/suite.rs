//! The state of one run: the client, what each operation has shown so far, and what the
//! run created and must remove again.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};

use connectors::{Connectors, Error};

use crate::ResponseSchemas;
use crate::judge::{self, Expect};
use crate::operations::OPERATIONS;
use crate::recorder::Recorder;
use crate::report::{OperationReport, Outcome, Report};

/// What one operation has shown so far.
#[derive(Debug, Default)]
struct Tally {
    exercised: bool,
    not_offered: bool,
    skipped: bool,
    problems: Vec<String>,
    status: Option<u16>,
    elapsed: Duration,
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
    /// Removed from every message (the API key).
    secret: Option<String>,
    /// Makes the names of what the run creates, and of what cannot exist, unique.
    suffix: String,
    /// The program and arguments of the MCP server the run deploys.
    pub deploy_command: Result<(String, Vec<String>), String>,
    /// How long to listen to the event stream when nothing is being deployed.
    pub events_wait: Duration,
}

impl Suite {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        client: Connectors,
        recorder: Recorder,
        schemas: ResponseSchemas,
        writes: bool,
        only: Option<BTreeSet<String>>,
        secret: Option<String>,
        deploy_command: Result<(String, Vec<String>), String>,
        events_wait: Duration,
    ) -> Self {
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
            secret: secret.filter(|s| !s.is_empty()),
            suffix: format!("{:08x}", fastrand::u32(..)),
            deploy_command,
            events_wait,
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
        // Not offered is never a failure. The client remembers a route the gateway does
        // not offer, so a later call may send nothing (a fallback, or the error at once).
        let known_not_offered = self.tallies.get(op).is_some_and(|t| t.not_offered);
        let not_offered = own.as_ref().is_some_and(|r| r.is_route_not_found())
            || result.as_ref().err().is_some_and(judge::is_route_not_found)
            || (known_not_offered && own.is_none());
        if !self.selected(op) {
            return result;
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
            }
            tally.not_offered |= not_offered;
        }
        if let Some(why) = problem {
            self.fail(op, why);
        }
        result
    }

    /// Records a failure reason for `op`.
    pub fn fail(&mut self, op: &str, why: String) {
        let why = self.scrub(&why);
        if let Some(tally) = self.tallies.get_mut(op)
            && !tally.problems.contains(&why)
        {
            tally.problems.push(why);
        }
    }

    /// Adds time spent on `op` outside [`Self::check`] (reading a stream).
    pub fn add_time(&mut self, op: &str, elapsed: Duration) {
        if let Some(tally) = self.tallies.get_mut(op) {
            tally.elapsed += elapsed;
        }
    }

    /// Judges responses against the spec, each under its own operation.
    fn absorb(&mut self, responses: &[crate::recorder::Observed]) {
        for response in responses {
            if !self.selected(&response.operation_id) || response.is_route_not_found() {
                continue;
            }
            for problem in judge::problems(&self.schemas, response) {
                self.fail(&response.operation_id.clone(), problem);
            }
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
        match &self.secret {
            Some(secret) if text.contains(secret.as_str()) => text.replace(secret, "<redacted>"),
            _ => text.to_string(),
        }
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
                OperationReport {
                    method: op.method.to_string(),
                    path: op.path.to_string(),
                    operation_id: op.id.to_string(),
                    outcome,
                    status: tally.status,
                    elapsed: ran.then_some(tally.elapsed),
                }
            })
            .collect();
        Report {
            target,
            writes_allowed: self.writes,
            operations,
            cleanup_failures: self.cleanup_failures,
        }
    }
}
