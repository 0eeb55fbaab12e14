//! Many calls at once with bounded concurrency: a stream with `buffer_unordered` on one
//! task, then spawned tasks held back by a semaphore. Clones of one client share its
//! connection pool; the summary shows the calls, failures, wall time and the most calls
//! that were ever in flight together.
//!
//! ```text
//! cargo run --example concurrency
//! ```
//!
//! With no configuration it starts the reference gateway in this process (the calls go
//! to its `math` and `text` servers); set `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and
//! `CONNECTORS_TENANT_ID` to use another gateway. Each part first checks that the gateway
//! has its tool and runs it for this client; where it does not, it says so in one line
//! and is skipped.

mod support;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use connectors::{Connectors, Error};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;
use support::{BoxError, Offer, heading};
use tokio::sync::Semaphore;

/// Calls in flight at most; more would only queue at the gateway (and count against its
/// rate limits sooner).
const CONCURRENCY: usize = 4;

/// The output of `math.evaluate`.
#[derive(Debug, Deserialize)]
struct Evaluated {
    result: f64,
}

/// The output of `text.word_count` (the part used here).
#[derive(Debug, Deserialize)]
struct WordCount {
    words: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let started = Instant::now();
    let (client, guard) = support::connect().await?;
    let outcome = concurrently(&client).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn concurrently(client: &Connectors) -> Result<(), BoxError> {
    heading("What the gateway offers");
    let offer = support::discover(client).await?;
    let failed = evaluations(client, &offer).await? + word_counts(client, &offer).await?;
    if failed > 0 {
        return Err(format!("{failed} of the calls failed").into());
    }
    Ok(())
}

/// Evaluations in a stream with `buffer_unordered`; returns how many calls failed.
async fn evaluations(client: &Connectors, offer: &Offer) -> Result<usize, BoxError> {
    heading(&format!(
        "24 evaluations, at most {CONCURRENCY} at a time (buffer_unordered)"
    ));
    let probe = json!({"expression": "1 + 1"});
    if !offer.runs(client, "math.evaluate", probe).await? {
        return Ok(0);
    }
    let gauge = Gauge::default();
    let started = Instant::now();
    let outcomes: Vec<(String, Result<f64, Error>, Duration)> = futures::stream::iter(1..=24)
        .map(|i| {
            let client = client.clone();
            let gauge = gauge.clone();
            async move {
                let expression = format!("{i}^2 + sqrt({i})");
                let _in_flight = gauge.enter();
                let call = Instant::now();
                let result = client
                    .tools()
                    .invoke("math.evaluate", json!({ "expression": expression }))
                    .await
                    .and_then(|r| r.decode::<Evaluated>())
                    .map(|e| e.result);
                (expression, result, call.elapsed())
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (expression, result, took) in &outcomes {
        match result {
            Ok(value) => println!("  {expression:<16} = {value:<10.4} ({took:.0?})"),
            Err(e) => println!("  {expression:<16} failed: {e}"),
        }
    }
    Ok(summary(
        outcomes.iter().map(|(_, r, took)| (r.is_ok(), *took)),
        started.elapsed(),
        gauge.max(),
    ))
}

/// Word counts in spawned tasks held back by a semaphore; returns how many calls failed.
async fn word_counts(client: &Connectors, offer: &Offer) -> Result<usize, BoxError> {
    heading(&format!(
        "12 word counts in spawned tasks, at most {CONCURRENCY} at a time (Semaphore)"
    ));
    if !offer
        .runs(client, "text.word_count", json!({"text": "a b"}))
        .await?
    {
        return Ok(0);
    }
    let gauge = Gauge::default();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 1..=12 {
        // Spawned tasks need their own handles: a clone shares the connection pool.
        let client = client.clone();
        let permits = permits.clone();
        let gauge = gauge.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let _in_flight = gauge.enter();
            let text = "lorem ipsum dolor ".repeat(i);
            let call = Instant::now();
            let result = client
                .tools()
                .invoke("text.word_count", json!({ "text": text }))
                .await
                .and_then(|r| r.decode::<WordCount>())
                .map(|w| w.words);
            (3 * i as u64, result, call.elapsed())
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined?);
    }
    // Tasks finish in any order.
    outcomes.sort_by_key(|(expected, ..)| *expected);
    for (expected, result, _) in &outcomes {
        match result {
            Ok(words) => println!("  {expected:>2} words sent, {words:>2} counted"),
            Err(e) => println!("  {expected:>2} words sent, failed: {e}"),
        }
    }
    Ok(summary(
        outcomes.iter().map(|(_, r, took)| (r.is_ok(), *took)),
        started.elapsed(),
        gauge.max(),
    ))
}

/// Prints the summary of a run from each call's success and duration; returns how many
/// calls failed.
fn summary(calls: impl Iterator<Item = (bool, Duration)>, wall: Duration, max: usize) -> usize {
    let (mut count, mut failed, mut busy) = (0, 0, Duration::ZERO);
    for (ok, took) in calls {
        count += 1;
        failed += usize::from(!ok);
        busy += took;
    }
    println!(
        "summary: {count} calls, {failed} failed, {wall:.0?} wall time for {busy:.0?} of calls, at most {max} in flight"
    );
    failed
}

/// Counts the calls in flight and remembers the most there ever were.
#[derive(Clone, Default)]
struct Gauge(Arc<(AtomicUsize, AtomicUsize)>);

impl Gauge {
    fn enter(&self) -> InFlight {
        let now = self.0.0.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.1.fetch_max(now, Ordering::SeqCst);
        InFlight(self.clone())
    }

    fn max(&self) -> usize {
        self.0.1.load(Ordering::SeqCst)
    }
}

/// One call in flight; leaving drops the count again.
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.0.0.fetch_sub(1, Ordering::SeqCst);
    }
}
