//! Exactly-once under faults: a few hundred tool invocations with a visible side effect
//! (the `notes` server's `add_note`, one title per call) go through a fault-injecting
//! proxy on loopback (`connectors_test_support::fault_proxy`) to the reference gateway;
//! afterwards the notes are counted at the gateway itself.
//!
//! On every profile: no call ran twice, no call that ran reports a plain failure (it is
//! either a result or `OutcomeUnknown`), a result always ran. On the full profile, which
//! honours idempotency keys and says so, every call also ends with its result unless
//! every one of its attempts met a fault. On the `connectors-ts` profile (keys ignored),
//! ambiguous failures are never retried: they surface as `OutcomeUnknown`.
//!
//! Correctness only: the counts are bounded and so is the time (each call has a
//! deadline); nothing here asserts a duration.

use connectors::Error;
use connectors_gateway::Profile;
use connectors_test_support::fault_proxy::Fault;
use connectors_test_support::fault_proxy::scenario::{Run, never_twice_never_lost, summary};

const CALLS: usize = 240;
const IN_FLIGHT: usize = 8;

fn run(profile: Profile, seed: u64) -> Run {
    Run {
        profile,
        seed,
        calls: CALLS,
        in_flight: IN_FLIGHT,
        fault_rate: 0.2,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_on_a_gateway_that_honours_keys() {
    let (endings, proxy) = run(Profile::Full, 7).invoke_through_faults().await;
    let mut problems = never_twice_never_lost(&endings);
    for ending in &endings {
        if let Err(e) = &ending.outcome
            && !proxy.attempts(&ending.title).all_faulted()
        {
            problems.push(format!(
                "{}: {} although an attempt met no fault ({:?}): {e}",
                ending.title,
                e.kind(),
                proxy.attempts(&ending.title).faults
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n{}",
        problems.join("\n"),
        summary(&endings, &proxy)
    );
    assert!(
        endings.iter().filter(|e| e.outcome.is_ok()).count() > CALLS / 2,
        "{}",
        summary(&endings, &proxy)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_twice_on_a_gateway_that_ignores_keys() {
    let (endings, proxy) = run(Profile::ConnectorsTs, 11).invoke_through_faults().await;
    let mut problems = never_twice_never_lost(&endings);
    // The faults after the gateway ran the call are ambiguous to the client: without
    // keys honoured, each must end as OutcomeUnknown, not be retried.
    for ending in &endings {
        let attempts = proxy.attempts(&ending.title);
        let ambiguous = attempts
            .faults
            .iter()
            .any(|f| f.reached_gateway() && *f != Fault::None);
        if ambiguous && !matches!(ending.outcome, Err(Error::OutcomeUnknown { .. })) {
            problems.push(format!(
                "{}: an ambiguous failure ({:?}) ended as {:?}",
                ending.title,
                attempts.faults,
                ending.outcome.as_ref().map_err(Error::kind)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n{}",
        problems.join("\n"),
        summary(&endings, &proxy)
    );
}
