//! One fault run: a reference gateway, the proxy in front of it, many `add_note` calls
//! through it, and the notes counted at the gateway afterwards.

use std::collections::HashMap;
use std::time::Duration;

use connectors::{Connectors, Error, RetryPolicy};
use connectors_gateway::{Gateway, Profile, RateLimitConfig};
use futures::StreamExt;
use serde_json::{Value, json};

use super::{FaultProxy, Settings};

const KEY: &str = "ck_test_fault_injection_0123456789abcdef";
const TENANT: &str = "tenant-faults";

/// How one call ended, and how often its note exists at the gateway.
#[derive(Debug)]
pub struct Ending {
    /// The note's title, unique to the call.
    pub title: String,
    /// What the caller got.
    pub outcome: Result<(), Error>,
    /// How often the tool ran for it.
    pub runs: usize,
}

/// The shape of a run.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// The gateway's profile.
    pub profile: Profile,
    /// Seeds the faults.
    pub seed: u64,
    /// Invocations.
    pub calls: usize,
    /// Invocations in flight at once.
    pub in_flight: usize,
    /// The share of exchanges that meet a fault.
    pub fault_rate: f64,
}

impl Run {
    /// Runs the calls; every ending, and the proxy (what it saw).
    pub async fn invoke_through_faults(self) -> (Vec<Ending>, FaultProxy) {
        let seed = self.seed;
        // The gateway's own quotas stay out of the way: the faults are the proxy's.
        let unlimited = RateLimitConfig::unlimited();
        let gateway = Gateway::builder()
            .api_key(KEY, TENANT)
            .profile(self.profile)
            // connectors-ts runs a call only with stored OAuth credentials for its integration.
            .oauth_credentials(TENANT, "notes")
            .rate_limits(unlimited)
            .spawn()
            .await
            .expect("gateway");
        let proxy = FaultProxy::start(Settings {
            upstream: gateway.local_addr(),
            seed,
            fault_rate: self.fault_rate,
            delay: Duration::from_millis(900),
            marker_field: "title",
        })
        .await
        .expect("proxy");
        let client = Connectors::builder()
            .base_url(proxy.url())
            .api_key(KEY)
            .tenant_id(TENANT)
            .timeout(Duration::from_millis(400))
            .deadline(Duration::from_secs(10))
            .retry_policy(
                RetryPolicy::default()
                    .max_retries(4)
                    .initial_backoff(Duration::from_millis(1))
                    .max_backoff(Duration::from_millis(5)),
            )
            .build()
            .expect("client");

        let outcomes: Vec<(String, Result<(), Error>)> = futures::stream::iter(0..self.calls)
            .map(|i| {
                let client = client.clone();
                async move {
                    let title = format!("fault-{seed}-{i}");
                    let arguments = json!({"title": title, "body": "counted afterwards"});
                    let outcome = client
                        .tools()
                        .invoke("notes.add_note", arguments)
                        .await
                        .and_then(|result| match result.is_error() {
                            true => Err(Error::InvalidInput {
                                field: "add_note".into(),
                                message: result.text(),
                            }),
                            false => Ok(()),
                        });
                    (title, outcome)
                }
            })
            .buffer_unordered(self.in_flight)
            .collect()
            .await;

        // Counted at the gateway itself, not through the proxy.
        let direct = crate::gateway::client_of(&gateway);
        let listed = direct
            .tools()
            .invoke("notes.list_notes", json!({}))
            .await
            .expect("list_notes");
        let mut runs: HashMap<String, usize> = HashMap::new();
        for note in listed.structured()["notes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(title) = note.get("title").and_then(Value::as_str) {
                *runs.entry(title.to_string()).or_default() += 1;
            }
        }
        gateway.shutdown().await;
        let endings = outcomes
            .into_iter()
            .map(|(title, outcome)| Ending {
                runs: runs.get(&title).copied().unwrap_or(0),
                title,
                outcome,
            })
            .collect();
        (endings, proxy)
    }
}

/// What every profile must show: never twice, never a lost result (a call that ran is
/// a result or `OutcomeUnknown`, never a plain failure; a result always ran).
pub fn never_twice_never_lost(endings: &[Ending]) -> Vec<String> {
    let mut problems = Vec::new();
    for ending in endings {
        match (&ending.outcome, ending.runs) {
            (_, runs) if runs > 1 => problems.push(format!("{} ran {runs} times", ending.title)),
            (Ok(()), 0) => problems.push(format!("{}: a result, but it never ran", ending.title)),
            (Err(Error::OutcomeUnknown { .. }), _) | (Ok(()), _) | (Err(_), 0) => {}
            (Err(e), _) => problems.push(format!(
                "{} ran, but the caller was told it failed: {} ({e})",
                ending.title,
                e.kind()
            )),
        }
    }
    problems
}

/// Endings by kind, and the faults injected.
pub fn summary(endings: &[Ending], proxy: &FaultProxy) -> String {
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for ending in endings {
        let kind = match &ending.outcome {
            Ok(()) => "ok",
            Err(e) => e.kind(),
        };
        *kinds.entry(kind).or_default() += 1;
    }
    format!("outcomes {kinds:?}, faults {:?}", proxy.counts())
}
