//! `tools/invoke/stream`: the call's progress and log messages as server-sent events, then
//! its result; under a key the client's stream ends at the call timeout while the call goes
//! on, and the whole stream is the key's outcome.

use std::convert::Infallible;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use connectors::api::types;
use tokio::sync::mpsc;

use super::call::{Failure, Outcome, joined, run, spawn_keyed, still_running};
use super::checks::{decode_invocation, trace_context};
use super::target::resolve;
use crate::auth::Tenant;
use crate::errors::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{Keyed, defer};
use crate::mcp_client::CallEvent;
use crate::state::AppState;

fn sse_event<T: serde::Serialize>(name: &str, data: &T) -> Event {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_string());
    Event::default().event(name).data(json)
}

/// An MCP event of the call as a server-sent event.
fn call_event(event: CallEvent) -> Event {
    match event {
        CallEvent::Progress {
            progress,
            total,
            message,
        } => sse_event(
            "progress",
            &types::InvocationProgressEvent {
                progress,
                total,
                message,
            },
        ),
        CallEvent::Log { level, message } => sse_event(
            "log",
            &types::InvocationLogEvent {
                level: Some(level),
                message,
            },
        ),
    }
}

/// The final event of a stream.
fn final_event(outcome: &Outcome) -> Event {
    match outcome {
        Ok(result) => sse_event("result", result),
        Err(failure) => sse_event("error", &failure.error.detail()),
    }
}

pub(crate) async fn stream(
    State(state): State<AppState>,
    tenant: Tenant,
    keyed: Option<Extension<Keyed>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let request = decode_invocation(&tenant, body)?;
    let trace = trace_context(&headers);
    // Resolve first, so an unknown tool or a stopped server is an HTTP error, not an event.
    resolve(&state, &tenant, &request)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let stream =
        futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|e| e.map(Ok::<_, Infallible>)));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    let call_timeout = state.config.call_timeout();
    let Some(Extension(Keyed(key))) = keyed else {
        tokio::spawn(crate::envelope::in_request(async move {
            let (events_tx, mut events_rx) = mpsc::unbounded_channel::<CallEvent>();
            let call = run(
                &state,
                &tenant,
                &request,
                trace.as_ref(),
                Some(events_tx),
                call_timeout,
                None,
            );
            tokio::pin!(call);
            let outcome = loop {
                tokio::select! {
                    outcome = &mut call => break Some(outcome),
                    Some(event) = events_rx.recv() => { let _ = tx.send(call_event(event)); }
                    _ = tx.closed() => break None,
                }
            };
            let Some(outcome) = outcome else {
                tracing::debug!("stream client went away; the call was cancelled");
                return;
            };
            while let Ok(event) = events_rx.try_recv() {
                let _ = tx.send(call_event(event));
            }
            let _ = tx.send(final_event(&outcome));
        }));
        return Ok(response);
    };
    // Keyed: the client's stream ends at the call timeout (with the same error event as an
    // unkeyed call), but the call goes on, its events recorded; the key's outcome is the
    // whole stream as it would have been, ending with the tool's own result.
    let outcome_sender = defer(&mut response);
    tokio::spawn(crate::envelope::in_request(async move {
        let (events_tx, mut events_rx) = mpsc::unbounded_channel::<CallEvent>();
        let mut call = spawn_keyed(
            &state,
            &tenant,
            &request,
            trace.as_ref(),
            Some(events_tx),
            key.to_string(),
        );
        let live_until = tokio::time::sleep(call_timeout);
        tokio::pin!(live_until);
        let mut live = Some(tx);
        let mut recorded = Vec::new();
        let send = |live: &Option<mpsc::UnboundedSender<Event>>, event: Event| {
            if let Some(tx) = live {
                // The client may have gone; the call goes on regardless, for the key.
                let _ = tx.send(event);
            }
        };
        let outcome = loop {
            tokio::select! {
                result = &mut call => break joined(result),
                Some(event) = events_rx.recv() => {
                    let event = call_event(event);
                    recorded.push(event.clone());
                    send(&live, event);
                }
                _ = &mut live_until, if live.is_some() => {
                    let failure = Failure::from(still_running(&request, call_timeout));
                    send(&live, final_event(&Err(failure)));
                    // Dropping the sender ends the client's stream.
                    live = None;
                }
            }
        };
        while let Ok(event) = events_rx.try_recv() {
            let event = call_event(event);
            recorded.push(event.clone());
            send(&live, event);
        }
        send(&live, final_event(&outcome));
        if matches!(&outcome, Err(failure) if failure.in_doubt) {
            outcome_sender.send(None);
            return;
        }
        recorded.push(final_event(&outcome));
        let events = futures::stream::iter(recorded.into_iter().map(Ok::<_, Infallible>));
        outcome_sender.send(Some(Sse::new(events).into_response()));
    }));
    Ok(response)
}
