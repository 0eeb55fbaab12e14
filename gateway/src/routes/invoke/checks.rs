//! What is checked of an invocation before it is decoded (the real gateway's messages for
//! a field of the wrong type), its decoding, and the caller's trace context.

use axum::http::HeaderMap;
use connectors::TraceContext;
use connectors::api::types;
use serde_json::{Map, Value};

use crate::auth::Tenant;
use crate::errors::{ApiError, ApiResult};
use crate::schema_check::decode;

/// The caller's W3C trace context from the `traceparent` and `tracestate` headers; a
/// malformed `traceparent` is ignored and a malformed `tracestate` dropped, as the W3C
/// specification asks of a receiver.
pub(super) fn trace_context(headers: &HeaderMap) -> Option<TraceContext> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    TraceContext::received(
        // An HTTP header's value may carry optional whitespace around it.
        header(connectors::trace::TRACEPARENT_HEADER).map(str::trim),
        header(connectors::trace::TRACESTATE_HEADER),
    )
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

pub(super) fn check_request(body: &Map<String, Value>, prefix: &str) -> ApiResult<()> {
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

pub(super) fn decode_invocation(
    tenant: &Tenant,
    body: Map<String, Value>,
) -> ApiResult<types::InvokeToolRequest> {
    check_request(&body, "")?;
    let request: types::InvokeToolRequest = decode(Value::Object(body), "InvokeToolRequest")?;
    tenant.check(Some(request.tenant_id.as_str()))?;
    Ok(request)
}
