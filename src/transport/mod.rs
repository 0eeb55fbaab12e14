//! What happens to every request of the generated client: the `ClientHooks` of
//! [`crate::api::Client`].
//!
//! Progenitor routes each generated operation through `ClientHooks::pre` and `exec`, so
//! this is the one place where cross-cutting behaviour wraps all of them. One request, top
//! to bottom:
//!
//! 1. `pre` (here): a caller's idempotency key is checked against the spec's bounds
//!    ([`keys`]); for the facade's calls the operation's row of [`crate::operations`] is
//!    found, and an operation the gateway is known not to offer, or one that needs the
//!    missing API key, is refused without a request.
//! 2. `exec` → [`execute`] (here): the span, then [`attempts::prepare`] adds the request
//!    id, the idempotency key of a keyed operation (once per call, the same on every
//!    attempt), the trace context and default query parameters.
//! 3. [`attempts::attempts`]: per attempt, the attempt number and the timeout, a copy
//!    kept for a retry, the send; what came back is judged by [`classify::classify`],
//!    the retry rule as one pure function (documented in [`crate::retry`]); a final
//!    answer's body is read within the size cap ([`body`]), so a body cut while read is a
//!    failure like a broken connection; a transient one is waited out and sent again, a
//!    keyed call's ambiguous failure only when the gateway honours keys ([`keys`]).
//! 4. Back in [`execute`]: the end is written to the call's [`Exchange`] (the one side
//!    channel to the facade, [`exchange`]), shown to the observer, and handed to the
//!    generated decoder as a response whose body is already in memory.

mod attempts;
mod body;
pub(crate) mod classify;
mod exchange;
mod keys;
mod policy;
mod request;

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::api::Client;
use crate::operations::RetryClass;
use attempts::{CallKind, End, attempts};
use exchange::report;
use request::prepare;

pub(crate) use body::{Answer, TooLarge};
pub(crate) use classify::{KEY_IN_USE, OUTCOME_IN_DOUBT, RESULT_NOT_RETAINED};
pub(crate) use exchange::{Exchange, record_call};
pub(crate) use keys::{KeyHonour, check_idempotency_key};
pub(crate) use policy::Policy;
pub use policy::Transport;

/// The header that carries the attempt number (1 for the first attempt).
pub const ATTEMPT_HEADER: &str = "x-connectors-attempt";
/// The header that carries the idempotency key of a keyed operation.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The response header by which a gateway that honours idempotency keys marks an answer
/// it replays (value `true`): the first outcome of the key, not a new run.
pub const IDEMPOTENT_REPLAYED_HEADER: &str = "idempotent-replayed";
/// The header whose value the gateway echoes as `metadata.requestId`.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The response header by which a gateway says it honours idempotency keys (value
/// `honoured`, on every response).
pub const IDEMPOTENCY_HONOURED_HEADER: &str = "connectors-idempotency";
/// The default cap on a response body: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

impl ClientHooks<Transport> for Client {
    /// Names the operation to the facade call, and refuses (without a request) an operation the
    /// gateway already answered with 404 `ROUTE_NOT_FOUND`.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // A key the gateway could not read would be ignored there (the call then runs
        // without one, every time): refused before sending, on every client.
        if let Some(key) = request.headers().get(IDEMPOTENCY_HEADER)
            && let Err(problem) = check_idempotency_key(key.as_bytes())
        {
            report(|e| e.invalid_key = Some(problem.clone()));
            return Err(progenitor_client::Error::Custom(format!(
                "{IDEMPOTENCY_HEADER}: {problem}"
            )));
        }
        let Some(memory) = &self.inner().memory else {
            return Ok(());
        };
        let row = crate::operations::of_generated(info.operation_id);
        let operation = row.map_or(info.operation_id, |op| op.id);
        report(|e| {
            e.operation = Some(operation);
            e.row = row;
        });
        if self.inner().key_missing && row.is_some_and(|op| op.authenticated) {
            // The gateway's bare 401 would not say which setting is missing.
            report(|e| e.key_missing = true);
            return Err(progenitor_client::Error::Custom(format!(
                "{operation} needs an API key"
            )));
        }
        let Some(refusal) = memory.refusal(operation) else {
            return Ok(());
        };
        tracing::debug!(
            operation,
            "the gateway does not offer this operation (remembered); not sending"
        );
        report(|e| e.remembered_refusal = Some(Box::new(refusal)));
        // The facade turns this into `Error::NotOffered` from the reported refusal.
        Err(progenitor_client::Error::Custom(format!(
            "the gateway does not offer {operation}"
        )))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // On the heap, once: the state of a call's attempts (reqwest's futures, the body
        // read, the capability probe) is kilobytes, which the generated operation and
        // every facade layer above it would otherwise hold and move as they are built.
        Box::pin(execute(self, request, info)).await
    }
}

/// `exec`: the attempts of one request by the client's policy, traced, recorded for the
/// facade and observed.
async fn execute(
    client: &Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let transport = client.inner();
    let reports = transport.reports();
    // A facade call's `pre` has found the row already.
    let op = match reports.then(exchange::reported_row) {
        Some(Some(row)) => Some(row),
        _ => crate::operations::of_generated(info.operation_id),
    };
    // The path template, not the concrete path: ids in paths stay out of traces.
    let path = op.map_or("", |op| op.path);
    let span = tracing::debug_span!(
        "connectors.request",
        // The generated name, as the traces have always shown it.
        operation = info.operation_id,
        method = %request.method(),
        path = %path,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    // Timed only for a subscriber that records the span: the clock costs on every call.
    let started = (!span.is_disabled()).then(Instant::now);
    // Without an explicit trace context, the span's OpenTelemetry one: this request's span
    // when the layer records it (the gateway's work is its child), else the caller's.
    #[cfg(feature = "opentelemetry")]
    if transport.policy.as_ref().is_none_or(|p| p.trace.is_none())
        && let Some(trace) = crate::trace::TraceContext::from_span(&span)
            .or_else(|| crate::trace::TraceContext::from_span(&tracing::Span::current()))
    {
        trace.apply(request.headers_mut());
    }
    let end = match &transport.policy {
        // `Transport::default()`: one attempt, as the generated client alone would send.
        None => End {
            result: client.client().execute(request).await.map(Answer::Unread),
            unknown: false,
            deadline_hit: false,
            retry_after: None,
            attempts: 1,
        },
        Some(policy) => {
            // An operation missing from the table (none is) counts as keyed unless
            // its method is a read: the cautious side.
            let keyed = op.map_or(
                !matches!(
                    *request.method(),
                    reqwest::Method::GET | reqwest::Method::HEAD
                ),
                |op| op.retry == RetryClass::Keyed,
            );
            let call = CallKind {
                keyed,
                streaming: op.is_some_and(|op| op.streaming),
            };
            let (request_id, key) = prepare(&mut request, policy, keyed);
            if reports {
                report(|e| {
                    e.request_id = Some(request_id);
                    e.idempotency_key = key;
                });
            }
            let method = request.method().clone();
            // Entered only when a subscriber records it (see `attempts`).
            let end = if started.is_some() {
                attempts(client, request, policy, call)
                    .instrument(span.clone())
                    .await
            } else {
                attempts(client, request, policy, call).await
            };
            match (end, &policy.observer) {
                (mut end, Some(observer)) => {
                    let id = op.map_or(info.operation_id, |op| op.id);
                    if let Ok(answer) = end.result {
                        end.result = observer
                            .observe(answer, id, &method, path, end.attempts)
                            .await;
                    }
                    end
                }
                (end, None) => end,
            }
        }
    };
    if reports {
        report(|e| {
            e.outcome_unknown = end.unknown;
            e.retry_after = end.retry_after;
            e.ended(&end.result, end.attempts, end.deadline_hit);
        });
    }
    if let Some(started) = started {
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(answer) = &end.result {
            span.record("status", answer.status().as_u16());
        }
    }
    end.result.map(Answer::into_response)
}
