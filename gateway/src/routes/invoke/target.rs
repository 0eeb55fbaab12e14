//! The tool and live session an invocation goes to, and the answers for a tool the gateway
//! cannot reach or a call that failed.

use std::sync::Arc;

use axum::http::StatusCode;
use connectors::api::types;
use serde_json::{Map, Value};

use crate::auth::Tenant;
use crate::errors::{ApiError, ApiResult};
use crate::mcp_client::{CallError, Session};
use crate::state::AppState;

/// A checked invocation, resolved to a live session.
pub(super) struct Target {
    pub(super) tool_id: String,
    pub(super) tool: String,
    pub(super) session: Arc<Session>,
    pub(super) arguments: Map<String, Value>,
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
pub(super) fn resolve(
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

pub(super) fn call_error(
    state: &AppState,
    target: &Target,
    integration: &str,
    error: CallError,
) -> ApiError {
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
