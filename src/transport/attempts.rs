//! The attempts of one request: send, judge what came back by [`classify`], and either end
//! the call or wait and send the copy kept for the retry.

use std::time::{Duration, Instant, SystemTime};

use tracing::Instrument;

use super::Policy;
use super::body::{Answer, Unread, read_body};
use super::classify::{Reached, Seen, Verdict, classify, proves_nothing_after_a_possible_run};
use super::keys::may_repeat;
use super::request::{number, retry_copy};
use crate::api::Client;
use crate::retry::Decision;
use progenitor_client::ClientInfo;

/// The "no timeout" of a request sent by a client that has one: tokio's timers treat a
/// deadline this far out as never.
const UNBOUNDED: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// What the retry rule needs to know of the operation being called.
#[derive(Debug, Clone, Copy)]
pub(super) struct CallKind {
    /// [`crate::operations::RetryClass::Keyed`]: it may have side effects.
    pub(super) keyed: bool,
    /// Its success is an event stream, which is not read into memory.
    pub(super) streaming: bool,
}

/// What one attempt met: a response, or no usable one.
type Met = reqwest::Result<Answer>;

/// How a call ends.
pub(super) struct End {
    pub(super) result: Met,
    /// A keyed call may have run without its outcome known.
    pub(super) unknown: bool,
    /// The overall deadline ended the attempts.
    pub(super) deadline_hit: bool,
    /// The server asked for a wait longer than the policy sleeps through.
    pub(super) retry_after: Option<Duration>,
    pub(super) attempts: u32,
}

/// Sends `request` until an answer ends the call, by `policy`.
pub(super) async fn attempts(
    client: &Client,
    mut request: reqwest::Request,
    policy: &Policy,
    call: CallKind,
) -> End {
    let deadline = policy.deadline.map(|d| Instant::now() + d);
    let mut retries_done = 0u32;
    // Whether an earlier attempt of a keyed call failed after the request may have been
    // processed: then no later failure can prove that it did not run.
    let mut may_have_run = false;
    loop {
        let attempt = retries_done + 1;
        let end = |result: Met, unknown: bool| End {
            result,
            unknown,
            deadline_hit: false,
            retry_after: None,
            attempts: attempt,
        };
        number(&mut request, attempt);
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        // reqwest's per-request timeout also bounds reading the body, which happens here:
        // no timer of our own is needed for it. An event stream has none.
        let timeout = match (policy.timeout, remaining) {
            _ if call.streaming => None,
            (Some(t), Some(r)) => Some(t.min(r)),
            (None, r) => r,
            (t, None) => t,
        };
        // The deadline, not the per-attempt timeout, is what a timeout of this attempt
        // would mean.
        let deadline_binds =
            !call.streaming && remaining.is_some_and(|r| policy.timeout.is_none_or(|t| r < t));
        // The client's own timeout serves when it is the same: a timeout set on the
        // request costs it (and its copy) a map of extensions.
        if timeout != policy.client_timeout {
            *request.timeout_mut() = Some(timeout.unwrap_or(UNBOUNDED));
        }
        // A body that cannot be copied (a stream) is sent once.
        let next = (retries_done < policy.retry.max_retries)
            .then(|| retry_copy(&request))
            .flatten();

        let span = tracing::debug_span!(
            "connectors.attempt",
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Timed and entered only for a subscriber that records the span: the clock costs
        // on every call, and the wrapper moves the future and enters the span on each poll.
        let traced = !span.is_disabled();
        let started = traced.then(Instant::now);
        let sent = if traced {
            client
                .client()
                .execute(request)
                .instrument(span.clone())
                .await
        } else {
            client.client().execute(request).await
        };
        if traced {
            // The request's span, which the attempts run in when it is recorded.
            tracing::Span::current().record("attempts", attempt);
        }
        let (met, verdict) = match sent {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                policy.keys.learn(response.headers());
                if traced {
                    judge(response, policy, call).instrument(span.clone()).await
                } else {
                    judge(response, policy, call).await
                }
            }
            Err(error) => {
                let verdict = classify(Seen::Failure(&error), call.keyed);
                if error.is_timeout() && deadline_binds {
                    // The deadline, not the per-attempt timeout, ended this attempt.
                    let unknown = call.keyed && verdict == Verdict::Transient(Reached::Maybe);
                    let end = End {
                        deadline_hit: true,
                        ..end(Err(error), unknown)
                    };
                    return settle(end, may_have_run);
                }
                (Err(error), verdict)
            }
        };
        if let Some(started) = started {
            span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        }
        let reached = match verdict {
            Verdict::Final | Verdict::NeedsCode => return settle(end(met, false), may_have_run),
            Verdict::FinalUnknown => return settle(end(met, true), may_have_run),
            Verdict::Transient(reached) => reached,
        };
        // Ending here leaves the outcome unknown: this attempt may have run, or the key's
        // first request is still running.
        let unsettled = call.keyed && reached != Reached::Nothing;
        let decision = match &met {
            Ok(answer) => {
                policy
                    .retry
                    .wait_after(answer.headers(), retries_done, SystemTime::now())
            }
            Err(_) if retries_done < policy.retry.max_retries => {
                Decision::Retry(policy.retry.backoff(retries_done))
            }
            Err(_) => Decision::Stop,
        };
        let wait = match decision {
            Decision::Retry(wait) => wait,
            Decision::Stop => {
                return settle(
                    stop(met, call, policy, unsettled, attempt).await,
                    may_have_run,
                );
            }
            Decision::WaitTooLong(wait) => {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "the server asks for a longer wait than the retry cap; not retrying"
                );
                let mut end = stop(met, call, policy, unsettled, attempt).await;
                end.retry_after = Some(wait);
                return settle(end, may_have_run);
            }
        };
        let reason = match &met {
            Ok(_) if reached == Reached::KeyInUse => "idempotency key in use",
            Ok(_) => "status",
            Err(error) if error.is_timeout() => "timeout",
            Err(error) if error.is_connect() => "connection error",
            Err(_) => "connection lost or body cut",
        };
        let ambiguous = call.keyed && reached == Reached::Maybe;
        may_have_run |= ambiguous;
        if ambiguous && !may_repeat(client, policy, deadline).await {
            tracing::info!(
                attempt,
                reason,
                "not retrying: the operation may have run and the gateway is not known to honour idempotency keys"
            );
            return settle(stop(met, call, policy, true, attempt).await, may_have_run);
        }
        let Some(again) = next else {
            return settle(
                stop(met, call, policy, unsettled, attempt).await,
                may_have_run,
            );
        };
        if let Some(deadline) = deadline
            && Instant::now() + wait >= deadline
        {
            tracing::debug!("the deadline leaves no time for another attempt");
            let mut end = stop(met, call, policy, unsettled, attempt).await;
            end.deadline_hit = true;
            return settle(end, may_have_run);
        }
        tracing::info!(
            attempt,
            wait_ms = wait.as_millis() as u64,
            reason,
            "retrying"
        );
        // A failed response is dropped unread: its connection is not reused, which is the
        // safe choice after a server error.
        drop(met);
        tokio::time::sleep(wait).await;
        request = again;
        retries_done += 1;
    }
}

/// Judges a response: a transient one is left unread (it is dropped if retried); any
/// other is read within the cap (a keyed 409 is judged again by its body's code).
async fn judge(response: reqwest::Response, policy: &Policy, call: CallKind) -> (Met, Verdict) {
    let status = response.status();
    let headers = response.headers();
    let verdict = classify(
        Seen::Answer {
            status,
            headers,
            body: None,
        },
        call.keyed,
    );
    if matches!(verdict, Verdict::Transient(_)) || call.streaming {
        return (Ok(Answer::Unread(response)), verdict);
    }
    match read_body(response, policy.max_response_bytes).await {
        Ok(read) => {
            let verdict = match verdict {
                Verdict::NeedsCode => classify(
                    Seen::Answer {
                        status,
                        headers: &read.headers,
                        body: Some(&read.body),
                    },
                    call.keyed,
                ),
                verdict => verdict,
            };
            (Ok(Answer::Read(read)), verdict)
        }
        Err(Unread::TooLarge(result)) => (*result, Verdict::Final),
        // A body cut while read is a failure like a broken connection.
        Err(Unread::Cut(error)) => (Err(error), classify(Seen::BodyCut, call.keyed)),
    }
}

/// Ends the call with a failed attempt's result: an error response is read (capped) so
/// that the decoder finds the gateway's error body.
async fn stop(met: Met, call: CallKind, policy: &Policy, unknown: bool, attempts: u32) -> End {
    let result = match met {
        Ok(Answer::Unread(response)) if !call.streaming => {
            match read_body(response, policy.max_response_bytes).await {
                Ok(read) => Ok(Answer::Read(read)),
                Err(Unread::TooLarge(result)) => *result,
                Err(Unread::Cut(error)) => Err(error),
            }
        }
        met => met,
    };
    End {
        result,
        unknown,
        deadline_hit: false,
        retry_after: None,
        attempts,
    }
}

/// A call that ends in a failure that proves nothing after an earlier attempt may have
/// run has an unknown outcome, whatever the last attempt met (see
/// [`proves_nothing_after_a_possible_run`]).
fn settle(mut end: End, may_have_run: bool) -> End {
    if may_have_run {
        end.unknown |= match &end.result {
            Err(_) => true,
            Ok(answer) => proves_nothing_after_a_possible_run(answer.status(), answer.headers()),
        };
    }
    end
}
