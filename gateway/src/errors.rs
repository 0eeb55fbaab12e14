//! `ApiError`, the one error type of every handler, its envelope, and the error codes the
//! idempotency layer answers with. What turns bad input into
//! it lives by job: [`crate::extract`] (path, query and body extractors),
//! [`crate::schema_check`] (a body against its `openapi.yaml` schema), [`crate::paging`]
//! and [`crate::express_body`] (the profiles that answer an HTML page instead).

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use connectors::api::types;
use serde_json::{Map, Value};

use crate::envelope;

/// An error answered with the gateway's error envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub kind: Option<&'static str>,
    pub context: Map<String, Value>,
    /// Auth-layer errors carry `{timestamp, path}` metadata instead of the usual one.
    pub auth_metadata: bool,
    /// Seconds sent as `Retry-After`, for an error a later retry may not meet.
    pub retry_after: Option<u32>,
    /// The request was refused before it read or changed anything, so the
    /// `Idempotency-Key` it carries is released, not bound to this answer
    /// ([`NotRun`]).
    pub not_run: bool,
}

/// Result of a handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            kind: None,
            context: Map::new(),
            auth_metadata: false,
            retry_after: None,
            not_run: false,
        }
    }

    /// 503 `STORE_UNAVAILABLE` with `Retry-After: 1`: the shared store (Redis) this
    /// request needs cannot be reached, so nothing was read or changed. The reason is
    /// logged, never sent (it is the client's business only that it may retry).
    pub fn store_unavailable(reason: crate::store::Unavailable) -> Self {
        tracing::warn!(reason = %reason.0, "shared store unavailable; the request was refused");
        let mut error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            STORE_UNAVAILABLE,
            "The gateway's shared store cannot be reached, so nothing was read, changed or \
             run; retry (with the same Idempotency-Key, if it had one) after Retry-After",
        );
        error.retry_after = Some(1);
        error.not_run = true;
        error
    }

    /// Adds one `context` entry.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.context.insert(key.to_string(), value.into());
        self
    }

    /// 400 `VALIDATION_ERROR` about `field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message).with("field", field)
    }

    /// 404 with a specific code.
    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 401 of the auth layer.
    pub fn unauthenticated(code: &str, message: &str) -> Self {
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, code, message);
        error.kind = Some("AuthenticationError");
        error.auth_metadata = true;
        error
    }

    /// 403 `CROSS_TENANT_ACCESS_DENIED`.
    pub fn cross_tenant(authenticated: &str, requested: &str) -> Self {
        let mut error = ApiError::new(
            StatusCode::FORBIDDEN,
            "CROSS_TENANT_ACCESS_DENIED",
            format!(
                "Access denied. You do not have permission to access resources for tenant: {requested}"
            ),
        )
        .with("authenticatedTenantId", authenticated)
        .with("requestedTenantId", requested)
        .with("path", envelope::route_path(&envelope::current().path));
        error.kind = Some("AuthorizationError");
        error.auth_metadata = true;
        error
    }

    /// 502 `MCP_SERVER_UNAVAILABLE`.
    pub fn server_unavailable(server: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_GATEWAY, "MCP_SERVER_UNAVAILABLE", message)
            .with("integration", server)
    }

    /// The `error` object of the envelope.
    pub fn detail(&self) -> types::ErrorDetail {
        types::ErrorDetail {
            code: self.code.clone(),
            message: self.message.clone(),
            type_: self.kind.map(str::to_string),
            context: self.context.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let metadata = if self.auth_metadata {
            envelope::auth_metadata()
        } else {
            envelope::metadata()
        };
        let body = types::ErrorEnvelope {
            success: false,
            error: self.detail(),
            metadata: Some(metadata),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        if self.not_run {
            response.extensions_mut().insert(NotRun);
        }
        response
    }
}

/// Response extension: the handler refused the request before it read or changed anything
/// (the shared store it needs could not be reached, after the idempotency layer claimed the
/// key), so, as after a 429, the key is released: the retry that `Retry-After` invites runs,
/// instead of replaying the refusal for the whole window. It lives with [`ApiError`], which
/// sets it, so that the error type needs nothing from the idempotency layer that reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NotRun;

/// 422: the `Idempotency-Key` was first used with another request (query or body).
pub(crate) const IDEMPOTENCY_KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";
/// 409 with `Retry-After`: the first request with the key is still in progress.
pub(crate) const IDEMPOTENCY_KEY_IN_USE: &str = "IDEMPOTENCY_KEY_IN_USE";
/// 409: the operation ran for the key, but its answer was too large to keep (over the
/// stored-answer cap, or dropped under memory pressure); it never runs again for the key.
pub(crate) const IDEMPOTENCY_RESULT_NOT_RETAINED: &str = "IDEMPOTENCY_RESULT_NOT_RETAINED";
/// 409: the operation began for the key and the gateway cannot know how it ended (a tool
/// call abandoned past its in-progress bound); it never runs again for the key.
pub(crate) const IDEMPOTENCY_OUTCOME_IN_DOUBT: &str = "IDEMPOTENCY_OUTCOME_IN_DOUBT";
/// 503 with `Retry-After`: the shared store (Redis) a keyed request needs cannot be
/// reached, so the request was not run; the same key may be sent again.
pub(crate) const STORE_UNAVAILABLE: &str = "STORE_UNAVAILABLE";
