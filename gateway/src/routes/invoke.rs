//! `tools/invoke` and its batch and streaming forms: MCP `tools/call` on the live session.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use connectors::TraceContext;
use connectors::api::{ServerStatus, types};
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult, JsonBody, decode};
use crate::mcp_client::{CallError, CallEvent, Session};
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
    let snapshot = server.snapshot();
    let Some(session) = server.session() else {
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
    if snapshot.status == ServerStatus::Running && !snapshot.tools.iter().any(|t| t.name == tool) {
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

async fn run(
    state: &AppState,
    tenant: &Tenant,
    request: &types::InvokeToolRequest,
    trace: Option<&TraceContext>,
    events: Option<mpsc::UnboundedSender<CallEvent>>,
) -> ApiResult<types::InvokeToolResult> {
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
            state
                .config
                .profile
                .passes_tenant_to_servers()
                .then_some(tenant.0.as_str()),
            trace,
            events,
            state.config.call_timeout(),
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
            Err(call_error(state, &target, request.integration.as_str(), e))
        }
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

pub(crate) async fn invoke(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<types::InvokeToolResponse>> {
    let request = decode_invocation(&tenant, body)?;
    let trace = trace_context(&headers);
    Ok(ok(
        run(&state, &tenant, &request, trace.as_ref(), None).await?
    ))
}

pub(crate) async fn batch(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<types::BatchInvokeResponse>> {
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
    let outcomes = futures::future::join_all(
        request
            .invocations
            .iter()
            .map(|item| run(&state, &tenant, item, trace.as_ref(), None)),
    )
    .await;
    let mut succeeded = 0;
    let mut failed = 0;
    let mut ran_together = Vec::new();
    let results = outcomes
        .into_iter()
        .zip(&request.invocations)
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
            Err(error) => {
                failed += 1;
                types::BatchInvokeItem {
                    index: index as u64,
                    tool_id: item.tool_id.to_string(),
                    success: false,
                    result: None,
                    error: Some(error.detail()),
                }
            }
        })
        .collect();
    if ran_together.len() > 1 {
        state.relations.record(&tenant.0, &ran_together);
    }
    Ok(ok(types::BatchInvokeResult {
        results,
        succeeded: Some(succeeded),
        failed: Some(failed),
    }))
}

fn sse_event<T: serde::Serialize>(name: &str, data: &T) -> Event {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_string());
    Event::default().event(name).data(json)
}

pub(crate) async fn stream(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let request = decode_invocation(&tenant, body)?;
    let trace = trace_context(&headers);
    // Resolve first, so an unknown tool or a stopped server is an HTTP error, not an event.
    resolve(&state, &tenant, &request)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    tokio::spawn(async move {
        let (events_tx, mut events_rx) = mpsc::unbounded_channel::<CallEvent>();
        let call = run(&state, &tenant, &request, trace.as_ref(), Some(events_tx));
        tokio::pin!(call);
        let forward = |event: CallEvent, tx: &mpsc::UnboundedSender<Event>| {
            let _ = tx.send(match event {
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
            });
        };
        let outcome = loop {
            tokio::select! {
                outcome = &mut call => break Some(outcome),
                Some(event) = events_rx.recv() => forward(event, &tx),
                _ = tx.closed() => break None,
            }
        };
        let Some(outcome) = outcome else {
            tracing::debug!("stream client went away; the call was cancelled");
            return;
        };
        while let Ok(event) = events_rx.try_recv() {
            forward(event, &tx);
        }
        let _ = tx.send(match outcome {
            Ok(result) => sse_event("result", &result),
            Err(error) => sse_event("error", &error.detail()),
        });
    });
    let stream =
        futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|e| e.map(Ok::<_, Infallible>)));
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
