//! `tools/invoke` and its batch and streaming forms: MCP `tools/call` on the live session.
//!
//! A call is answered within `callTimeoutSeconds`. Without an `Idempotency-Key` the call
//! is abandoned then (MCP `notifications/cancelled`). Under a key ([`Keyed`]) the call runs
//! in a task of its own with [`in_progress_bound`](crate::idempotency::in_progress_bound)
//! to finish: the client still gets its 502 at the call timeout, but the handler attaches
//! a [`Deferred`](crate::idempotency::Deferred) to that answer and later sends the call's
//! real outcome, which the key stores and replays, so a retry never runs the tool a second
//! time.
//!
//! This module holds the plain route; `batch` and `stream` the other two; `checks` the
//! checks of a request before it is decoded; `target` the tool and session a call goes to;
//! `call` one call, keyed or not, and how it ended.

mod batch;
mod call;
mod checks;
mod stream;
mod target;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use connectors::api::types;

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::extract::JsonBody;
use crate::idempotency::{Keyed, defer};
use crate::state::AppState;
pub(crate) use batch::batch;
use call::{Outcome, Started, joined, run, spawn_keyed, still_running, until};
use checks::{decode_invocation, trace_context};
pub(crate) use stream::stream;

/// The answer for an outcome.
fn answer(outcome: Outcome) -> Response {
    match outcome {
        Ok(result) => ok::<types::InvokeToolResponse>(result).into_response(),
        Err(failure) => failure.error.into_response(),
    }
}

pub(crate) async fn invoke(
    State(state): State<AppState>,
    tenant: Tenant,
    keyed: Option<Extension<Keyed>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let request = match decode_invocation(&tenant, body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let trace = trace_context(&headers);
    let call_timeout = state.config.call_timeout();
    let Some(Extension(Keyed(key))) = keyed else {
        let outcome = run(
            &state,
            &tenant,
            &request,
            trace.as_ref(),
            None,
            call_timeout,
            None,
        )
        .await;
        return answer(outcome);
    };
    let task = spawn_keyed(
        &state,
        &tenant,
        &request,
        trace.as_ref(),
        None,
        key.to_string(),
    );
    let deadline = tokio::time::Instant::now() + call_timeout;
    match until(deadline, task).await {
        Started::Done(outcome) => answer(outcome),
        Started::Running(task) => {
            let mut response = still_running(&request, call_timeout).into_response();
            let outcome = defer(&mut response);
            tokio::spawn(crate::envelope::in_request(async move {
                // The tool's own answer is the key's outcome; one abandoned at the bound
                // (no answer at all) is in doubt.
                match joined(task.await) {
                    Err(failure) if failure.in_doubt => outcome.send(None),
                    finished => outcome.send(Some(answer(finished))),
                }
            }));
            response
        }
    }
}
