//! One call of a tool: run within a time limit, or (keyed) in a task of its own that
//! neither the client leaving nor the call timeout's answer cancels; and how it ended.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use connectors::TraceContext;
use connectors::api::types;
use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinHandle};

use super::target::{call_error, resolve};
use crate::auth::Tenant;
use crate::errors::ApiError;
use crate::idempotency::in_progress_bound;
use crate::mcp_client::{CallError, CallEvent, CallMeta};
use crate::state::AppState;

/// Why a call has no result.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) error: ApiError,
    /// The server did not answer within the call's time (or the call's task died): the
    /// tool may have run, or may still be running.
    pub(super) in_doubt: bool,
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
pub(super) type Outcome = Result<types::InvokeToolResult, Failure>;

/// Runs one call, giving the server `timeout` to answer.
pub(super) async fn run(
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
pub(super) fn spawn_keyed(
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
pub(super) fn joined(result: Result<Outcome, JoinError>) -> Outcome {
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
pub(super) fn still_running(request: &types::InvokeToolRequest, after: Duration) -> ApiError {
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
pub(super) enum Started {
    Done(Outcome),
    /// Past the call timeout; the task ends within [`in_progress_bound`].
    Running(JoinHandle<Outcome>),
}

/// Waits for a keyed call task until `deadline` (the call timeout).
pub(super) async fn until(
    deadline: tokio::time::Instant,
    mut task: JoinHandle<Outcome>,
) -> Started {
    match tokio::time::timeout_at(deadline, &mut task).await {
        Ok(result) => Started::Done(joined(result)),
        Err(_) => Started::Running(task),
    }
}
