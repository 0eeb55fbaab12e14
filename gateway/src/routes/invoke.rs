//! `tools/invoke` and its batch and streaming forms: MCP `tools/call` on the live session.
//!
//! A call is answered within `callTimeoutSeconds`. Without an `Idempotency-Key` the call
//! is abandoned then (MCP `notifications/cancelled`). Under a key ([`Keyed`]) the call runs
//! in a task of its own with [`in_progress_bound`] to finish: the client still gets its
//! 502 at the call timeout, but the handler attaches a [`Deferred`](crate::idempotency::Deferred)
//! to that answer and later sends the call's real outcome, which the key stores and
//! replays, so a retry never runs the tool a second time.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use connectors::TraceContext;
use connectors::api::types;
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinHandle};

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult, JsonBody, decode};
use crate::idempotency::{Keyed, defer, in_progress_bound};
use crate::mcp_client::{CallError, CallEvent, CallMeta, Session};
use crate::state::AppState;

/// The caller's W3C trace context from the `traceparent` and `tracestate` headers; a
/// malformed `traceparent` is ignored and a malformed `tracestate` dropped, as the W3C
/// specification asks of a receiver.
fn trace_context(headers: &HeaderMap) -> Option<TraceContext> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    TraceContext::received(
        // An HTTP header's value may carry optional whitespace around it.
        header(connectors::trace::TRACEPARENT_HEADER).map(str::trim),
        header(connectors::trace::TRACESTATE_HEADER),
    )
}

/// A checked invocation, resolved to a live session.
struct Target {
    tool_id: String,
    tool: String,
    session: Arc<Session>,
    arguments: Map<String, Value>,
}

/// The real gateway's message when `toolId` is not a string.
fn require_string(body: &Map<String, Value>, field: &str, prefix: &str) -> ApiResult<()> {
    match body.get(field) {
        Some(Value::String(_)) => Ok(()),
        _ => {
            let name = format!("{prefix}{field}");
            Err(ApiError::validation(
                &name,
                format!("{name} must be a string"),
            ))
        }
    }
}

fn check_request(body: &Map<String, Value>, prefix: &str) -> ApiResult<()> {
    require_string(body, "toolId", prefix)?;
    require_string(body, "integration", prefix)?;
    require_string(body, "tenantId", prefix)?;
    if let Some(Value::Object(parameters)) = body.get("parameters")
        && parameters.len() > 100
    {
        return Err(ApiError::validation(
            &format!("{prefix}parameters"),
            "parameters must have at most 100 names",
        ));
    }
    Ok(())
}

/// The answer for a tool the gateway cannot reach: 404 `TOOL_NOT_FOUND`, or the 401 the
/// original gateway's OAuth proxy gives first (recorded, message and context included).
fn tool_not_found(state: &AppState, tool_id: &str, integration: &str) -> ApiError {
    if state.config.profile.reports_unknown_tools() {
        ApiError::not_found("TOOL_NOT_FOUND", format!("Tool '{tool_id}' not found"))
            .with("toolId", tool_id)
    } else {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "OAUTH_AUTHENTICATION_FAILED",
            "MCP request failed: Failed to retrieve OAuth credentials",
        )
        .with("integration", integration)
    }
}

/// Finds the session and tool name behind an invocation.
fn resolve(
    state: &AppState,
    tenant: &Tenant,
    request: &types::InvokeToolRequest,
) -> ApiResult<Target> {
    let integration = request.integration.as_str();
    let tool_id = request.tool_id.as_str();
    let not_found = |id: &str| tool_not_found(state, id, integration);
    if state.config.profile.invokes_with_stored_credentials_only()
        && !state.oauth.has_credentials(&tenant.0, integration)
    {
        // The original's OAuth proxy reads the credentials before anything else.
        return Err(not_found(tool_id));
    }
    let tool = match tool_id.split_once('.') {
        Some((server, tool)) if server == integration => tool,
        // The original sends the call to `integration` whatever the id's server part says.
        Some((_, tool)) if !state.config.profile.reports_unknown_tools() => tool,
        Some(_) => return Err(not_found(tool_id)),
        None => tool_id,
    };
    let full_id = format!("{integration}.{tool}");
    let server = state
        .registry
        .get_visible(&tenant.0, integration)
        .ok_or_else(|| not_found(&full_id))?;
    let Some(session) = server.session() else {
        let snapshot = server.snapshot();
        let reason = snapshot
            .last_error
            .clone()
            .unwrap_or_else(|| snapshot.status.to_string());
        return Err(ApiError::server_unavailable(
            integration,
            format!(
                "MCP server '{integration}' is not running ({}: {reason})",
                snapshot.status
            ),
        ));
    };
    if server.running_without(tool) {
        return Err(not_found(&full_id));
    }
    Ok(Target {
        tool_id: full_id,
        tool: tool.to_string(),
        session,
        arguments: request
            .parameters
            .clone()
            .map(|p| p.into_map())
            .unwrap_or_default(),
    })
}

fn call_error(state: &AppState, target: &Target, integration: &str, error: CallError) -> ApiError {
    match error {
        CallError::Unavailable(reason) => ApiError::server_unavailable(integration, reason),
        CallError::Timeout(after) => ApiError::server_unavailable(
            integration,
            format!(
                "MCP server '{integration}' did not answer '{}' within {} s",
                target.tool,
                after.as_secs()
            ),
        ),
        CallError::Protocol {
            code: -32602,
            message,
        } => ApiError::validation(
            "parameters",
            format!("Invalid parameters for '{}': {message}", target.tool_id),
        ),
        CallError::Protocol { code: -32601, .. } => {
            tool_not_found(state, &target.tool_id, integration)
        }
        CallError::Protocol { code, message } => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "MCP_ERROR",
            format!("MCP server '{integration}' returned error {code}: {message}"),
        )
        .with("integration", integration),
    }
}

/// Why a call has no result.
#[derive(Debug, Clone)]
struct Failure {
    error: ApiError,
    /// The server did not answer within the call's time (or the call's task died): the
    /// tool may have run, or may still be running.
    in_doubt: bool,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Failure {
        Failure {
            error,
            in_doubt: false,
        }
    }
}

/// How one call ended.
type Outcome = Result<types::InvokeToolResult, Failure>;

/// Runs one call, giving the server `timeout` to answer.
async fn run(
    state: &AppState,
    tenant: &Tenant,
    request: &types::InvokeToolRequest,
    trace: Option<&TraceContext>,
    events: Option<mpsc::UnboundedSender<CallEvent>>,
    timeout: Duration,
    idempotency_key: Option<&str>,
) -> Outcome {
    let mut target = resolve(state, tenant, request)?;
    let started = Instant::now();
    let trace_id = trace.map(TraceContext::trace_id);
    // One line per call at DEBUG: at INFO it was a measurable share of an invocation.
    // A traced call is logged at INFO when it ends (below), with its trace id.
    tracing::debug!(tenant = %tenant.0, tool = %target.tool_id, trace_id, "invoking tool");
    let arguments = std::mem::take(&mut target.arguments);
    let outcome = target
        .session
        .call_tool(
            &target.tool,
            arguments,
            CallMeta {
                tenant: state
                    .config
                    .profile
                    .passes_tenant_to_servers()
                    .then_some(tenant.0.as_str()),
                trace,
                idempotency_key,
            },
            events,
            timeout,
        )
        .await;
    let latency = started.elapsed().as_secs_f64() * 1000.0;
    if let Some(trace_id) = trace_id {
        tracing::info!(
            tenant = %tenant.0,
            tool = %target.tool_id,
            trace_id,
            latency_ms = (latency * 100.0).round() / 100.0,
            ok = outcome.is_ok(),
            "tool call"
        );
    }
    match outcome {
        Ok(result) => {
            state
                .relations
                .record(&tenant.0, std::slice::from_ref(&target.tool_id));
            Ok(types::InvokeToolResult {
                tool_id: target.tool_id,
                result,
                performance: Some(types::InvocationPerformance {
                    latency_ms: Some((latency * 100.0).round() / 100.0),
                }),
            })
        }
        Err(e) => {
            tracing::warn!(tool = %target.tool_id, trace_id, error = %e, "tool call failed");
            let in_doubt = matches!(e, CallError::Timeout(_));
            Err(Failure {
                error: call_error(state, &target, request.integration.as_str(), e),
                in_doubt,
            })
        }
    }
}

/// A keyed call, started in a task of its own with [`in_progress_bound`] to finish, so
/// that neither the client leaving nor the call timeout's answer cancels it.
fn spawn_keyed(
    state: &AppState,
    tenant: &Tenant,
    request: &types::InvokeToolRequest,
    trace: Option<&TraceContext>,
    events: Option<mpsc::UnboundedSender<CallEvent>>,
    idempotency_key: String,
) -> JoinHandle<Outcome> {
    let (state, tenant, request, trace) = (
        state.clone(),
        tenant.clone(),
        request.clone(),
        trace.cloned(),
    );
    tokio::spawn(crate::envelope::in_request(async move {
        let bound = in_progress_bound(state.config.call_timeout());
        let key = Some(idempotency_key.as_str());
        run(
            &state,
            &tenant,
            &request,
            trace.as_ref(),
            events,
            bound,
            key,
        )
        .await
    }))
}

/// The outcome of a finished call task; a task that died (panicked) leaves it in doubt.
fn joined(result: Result<Outcome, JoinError>) -> Outcome {
    result.unwrap_or_else(|_| {
        Err(Failure {
            error: ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_ERROR",
                "The tool call failed inside the gateway",
            ),
            in_doubt: true,
        })
    })
}

/// The client's answer for a keyed call still running at the call timeout: what an
/// unkeyed call that timed out answers.
fn still_running(request: &types::InvokeToolRequest, after: Duration) -> ApiError {
    let integration = request.integration.as_str();
    ApiError::server_unavailable(
        integration,
        format!(
            "MCP server '{integration}' did not answer '{}' within {} s",
            request.tool_id.as_str(),
            after.as_secs()
        ),
    )
}

/// A call of a keyed request: finished within the call timeout, or still running.
enum Started {
    Done(Outcome),
    /// Past the call timeout; the task ends within [`in_progress_bound`].
    Running(JoinHandle<Outcome>),
}

/// Waits for a keyed call task until `deadline` (the call timeout).
async fn until(deadline: tokio::time::Instant, mut task: JoinHandle<Outcome>) -> Started {
    match tokio::time::timeout_at(deadline, &mut task).await {
        Ok(result) => Started::Done(joined(result)),
        Err(_) => Started::Running(task),
    }
}

fn decode_invocation(
    tenant: &Tenant,
    body: Map<String, Value>,
) -> ApiResult<types::InvokeToolRequest> {
    check_request(&body, "")?;
    let request: types::InvokeToolRequest = decode(Value::Object(body), "InvokeToolRequest")?;
    tenant.check(Some(request.tenant_id.as_str()))?;
    Ok(request)
}

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

/// The batch's answer from each invocation's outcome, in order; `record` notes the tools
/// that succeeded together in the relation graph (once per batch, not again for a keyed
/// batch's deferred outcome).
fn batch_result(
    state: &AppState,
    tenant: &Tenant,
    invocations: &[types::InvokeToolRequest],
    outcomes: Vec<Outcome>,
    record: bool,
) -> types::BatchInvokeResult {
    let mut succeeded = 0;
    let mut failed = 0;
    let mut ran_together = Vec::new();
    let results = outcomes
        .into_iter()
        .zip(invocations)
        .enumerate()
        .map(|(index, (outcome, item))| match outcome {
            Ok(result) => {
                succeeded += 1;
                ran_together.push(result.tool_id.clone());
                types::BatchInvokeItem {
                    index: index as u64,
                    tool_id: result.tool_id.clone(),
                    success: true,
                    result: Some(result),
                    error: None,
                }
            }
            Err(failure) => {
                failed += 1;
                types::BatchInvokeItem {
                    index: index as u64,
                    tool_id: item.tool_id.to_string(),
                    success: false,
                    result: None,
                    error: Some(failure.error.detail()),
                }
            }
        })
        .collect();
    if record && ran_together.len() > 1 {
        state.relations.record(&tenant.0, &ran_together);
    }
    types::BatchInvokeResult {
        results,
        succeeded: Some(succeeded),
        failed: Some(failed),
    }
}

pub(crate) async fn batch(
    State(state): State<AppState>,
    tenant: Tenant,
    keyed: Option<Extension<Keyed>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let key = keyed.map(|Extension(Keyed(key))| key);
    match batch_checked(state, tenant, key, headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn batch_checked(
    state: AppState,
    tenant: Tenant,
    keyed: Option<Arc<str>>,
    headers: HeaderMap,
    body: Map<String, Value>,
) -> ApiResult<Response> {
    if let Some(Value::Array(items)) = body.get("invocations") {
        for (i, item) in items.iter().enumerate() {
            if let Value::Object(item) = item {
                check_request(item, &format!("invocations[{i}]."))?;
            }
        }
    }
    let request: types::BatchInvokeRequest = decode(Value::Object(body), "BatchInvokeRequest")?;
    if request.invocations.is_empty() || request.invocations.len() > 50 {
        return Err(ApiError::validation(
            "invocations",
            "invocations must have between 1 and 50 items",
        ));
    }
    for item in &request.invocations {
        tenant.check(Some(item.tenant_id.as_str()))?;
    }
    let trace = trace_context(&headers);
    let call_timeout = state.config.call_timeout();
    let Some(key) = keyed else {
        let outcomes = futures::future::join_all(request.invocations.iter().map(|item| {
            run(
                &state,
                &tenant,
                item,
                trace.as_ref(),
                None,
                call_timeout,
                None,
            )
        }))
        .await;
        let result = batch_result(&state, &tenant, &request.invocations, outcomes, true);
        return Ok(ok::<types::BatchInvokeResponse>(result).into_response());
    };
    let tasks: Vec<_> = request
        .invocations
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = format!("{key}#{i}");
            spawn_keyed(&state, &tenant, item, trace.as_ref(), None, key)
        })
        .collect();
    // One deadline for all: the calls run together, and each is waited for until then.
    let deadline = tokio::time::Instant::now() + call_timeout;
    let mut started = Vec::with_capacity(tasks.len());
    for task in tasks {
        started.push(until(deadline, task).await);
    }
    let now: Vec<Outcome> = started
        .iter()
        .zip(&request.invocations)
        .map(|(started, item)| match started {
            Started::Done(outcome) => outcome.clone(),
            Started::Running(_) => Err(still_running(item, call_timeout).into()),
        })
        .collect();
    let mut response = ok::<types::BatchInvokeResponse>(batch_result(
        &state,
        &tenant,
        &request.invocations,
        now,
        true,
    ))
    .into_response();
    if started.iter().any(|s| matches!(s, Started::Running(_))) {
        // Some calls outlived the call timeout: the batch's outcome is the one in which
        // they too have finished.
        let outcome = defer(&mut response);
        tokio::spawn(crate::envelope::in_request(async move {
            let mut outcomes = Vec::with_capacity(started.len());
            for started in started {
                outcomes.push(match started {
                    Started::Done(outcome) => outcome,
                    Started::Running(task) => joined(task.await),
                });
            }
            if outcomes
                .iter()
                .any(|o| matches!(o, Err(failure) if failure.in_doubt))
            {
                outcome.send(None);
                return;
            }
            let result = batch_result(&state, &tenant, &request.invocations, outcomes, false);
            outcome.send(Some(
                ok::<types::BatchInvokeResponse>(result).into_response(),
            ));
        }));
    }
    Ok(response)
}

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
