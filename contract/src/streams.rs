//! Reading the two event streams through the facade's typed streams, and checking the
//! payload of each event against its schema in the spec.
//!
//! The typed streams hand over decoded payloads, not the event's raw `data` text, so a
//! payload is checked as it re-serializes: a missing required field or a value of the
//! wrong type fails to decode (reported as such), an unknown enumeration value or a
//! malformed format fails the schema, but unknown extra fields are not seen.

use std::time::{Duration, Instant};

use connectors::Error;
use connectors::api::types;
use connectors::events::{EventStream, GatewayEvent};
use connectors::tools::InvocationEvent;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{Value, json};

use crate::judge::describe_violations;
use crate::suite::Suite;

const INVOKE_STREAM: &str = "invokeToolStream";
const EVENTS: &str = "streamEvents";

/// Checks a decoded payload against component schema `schema`, failing `op` if it breaks it.
fn check_payload(suite: &mut Suite, op: &str, event: &str, schema: &str, payload: Value) {
    match suite.schemas().validate_component(schema, &payload) {
        Ok(violations) => {
            let prefix = format!("`{event}` event ({schema}): ");
            for line in describe_violations(&prefix, &violations) {
                suite.fail(op, line);
            }
        }
        Err(e) => suite.fail(op, e.to_string()),
    }
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// How a streamed invocation is expected to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// With a `result` event.
    Result,
    /// With a `result` or an `error` event (a tool called without knowing its arguments).
    ResultOrError,
}

/// Reads a streamed invocation until its `result` or `error` event, for at most `bound`.
pub(crate) async fn watch_invocation(
    suite: &mut Suite,
    mut events: EventStream<InvocationEvent>,
    ending: Ending,
    bound: Duration,
) {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + bound;
    let mut ended = false;
    while let Ok(next) = tokio::time::timeout_at(deadline, events.next()).await {
        match next {
            None => break,
            Some(Ok(InvocationEvent::Progress(p))) => {
                check_payload(
                    suite,
                    INVOKE_STREAM,
                    "progress",
                    "InvocationProgressEvent",
                    to_json(&p),
                );
            }
            Some(Ok(InvocationEvent::Log(line))) => {
                check_payload(
                    suite,
                    INVOKE_STREAM,
                    "log",
                    "InvocationLogEvent",
                    to_json(&line),
                );
            }
            Some(Ok(InvocationEvent::Result(result))) => {
                let mut payload = json!({"toolId": result.tool_id, "result": result.result});
                if let Some(ms) = result.latency_ms {
                    payload["performance"] = json!({ "latency_ms": ms });
                }
                check_payload(suite, INVOKE_STREAM, "result", "InvokeToolResult", payload);
                ended = true;
                break;
            }
            Some(Ok(InvocationEvent::Other(event))) => {
                suite.fail(
                    INVOKE_STREAM,
                    format!("undeclared event type `{}`", event.event),
                );
            }
            Some(Ok(_)) => {}
            // The facade turns the `error` event into this error, after decoding it as an
            // `ErrorDetail`.
            Some(Err(error @ (Error::ToolInvocation { .. } | Error::NotFound(_)))) => {
                // An unknown tool's `error` event is `NotFound`, as through every call.
                let code = error.code().map(str::to_string);
                let message = match &error {
                    Error::ToolInvocation { message, .. } => message.clone(),
                    other => other
                        .api_error()
                        .map(|e| e.message.clone())
                        .unwrap_or_default(),
                };
                if ending == Ending::Result {
                    suite.fail(
                        INVOKE_STREAM,
                        format!(
                            "the stream ended with an `error` event ({}): {message}",
                            code.as_deref().unwrap_or("no code")
                        ),
                    );
                }
                ended = true;
                break;
            }
            Some(Err(e)) => {
                suite.fail(INVOKE_STREAM, format!("reading the stream: {e}"));
                ended = true;
                break;
            }
        }
    }
    if !ended {
        suite.fail(
            INVOKE_STREAM,
            format!("no `result` or `error` event within {} s", bound.as_secs()),
        );
    }
    suite.add_time(INVOKE_STREAM, started.elapsed());
}

/// When to stop listening to the gateway's event stream.
#[derive(Debug, Clone)]
pub(crate) enum Until {
    /// The deployment with this id reached a final status.
    DeploymentDone(String),
    /// This many events arrived.
    Events(usize),
}

/// Reads the gateway's event stream until `until`, for at most `bound`; silence is not a
/// failure (nothing may be happening on the gateway).
pub(crate) async fn watch_events(
    suite: &mut Suite,
    mut events: EventStream<GatewayEvent>,
    until: Until,
    bound: Duration,
) -> usize {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + bound;
    let mut seen = 0;
    while let Ok(Some(next)) = tokio::time::timeout_at(deadline, events.next()).await {
        seen += 1;
        let done = match next {
            Ok(GatewayEvent::Deployment(event)) => {
                check_payload(
                    suite,
                    EVENTS,
                    "deployment",
                    "DeploymentEvent",
                    to_json(&event),
                );
                deployment_done(&until, &event)
            }
            Ok(GatewayEvent::Server(event)) => {
                check_payload(
                    suite,
                    EVENTS,
                    "server",
                    "ServerStatusEvent",
                    to_json(&event),
                );
                false
            }
            Ok(GatewayEvent::Other(event)) => {
                suite.fail(EVENTS, format!("undeclared event type `{}`", event.event));
                false
            }
            Ok(_) => false,
            Err(e) => {
                suite.fail(EVENTS, format!("reading the stream: {e}"));
                true
            }
        };
        if done || matches!(until, Until::Events(n) if seen >= n) {
            break;
        }
    }
    suite.add_time(EVENTS, started.elapsed());
    seen
}

fn deployment_done(until: &Until, event: &types::DeploymentEvent) -> bool {
    matches!(until, Until::DeploymentDone(id) if *id == event.deployment_id)
        && event.status.is_terminal()
}
