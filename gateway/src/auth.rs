//! Bearer API keys mapped to tenants, and the tenant checks of every route.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Config;
use crate::errors::{ApiError, ApiResult};

/// The tenant a request was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tenant(pub String);

/// Known API keys.
pub(crate) struct Keys {
    by_key: HashMap<String, String>,
}

impl Keys {
    pub fn from_config(config: &Config) -> Keys {
        Keys {
            by_key: config
                .api_keys
                .iter()
                .map(|k| (k.key.expose().to_string(), k.tenant_id.clone()))
                .collect(),
        }
    }

    fn tenant_of(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }
}

/// Middleware: authenticates `Authorization: Bearer <key>` and stores the [`Tenant`].
pub(crate) async fn authenticate(
    State(keys): State<Arc<Keys>>,
    mut request: Request,
    next: Next,
) -> Response {
    let header = match request.headers().get(axum::http::header::AUTHORIZATION) {
        None => {
            return ApiError::unauthenticated(
                "MISSING_AUTH_HEADER",
                "Missing Authorization header. Please provide an API key using: Authorization: Bearer <api-key>",
            )
            .into_response();
        }
        Some(value) => value.to_str().unwrap_or(""),
    };
    // `Bearer <key>`: exactly two words separated by one space.
    let key = match header.split_once(' ') {
        Some(("Bearer", key)) if !key.is_empty() && !key.contains(' ') => key,
        _ => {
            return ApiError::unauthenticated(
                "INVALID_AUTH_FORMAT",
                "Invalid Authorization header format. Expected: Authorization: Bearer <api-key>",
            )
            .into_response();
        }
    };
    if key.len() < 32 {
        return ApiError::unauthenticated(
            "INVALID_API_KEY_FORMAT",
            "Invalid API key format. API keys must be at least 32 characters long.",
        )
        .into_response();
    }
    let Some(tenant) = keys.tenant_of(key) else {
        tracing::debug!("rejected an unknown API key");
        return ApiError::unauthenticated(
            "INVALID_API_KEY",
            "Invalid API key. Please check your credentials or generate a new API key.",
        )
        .into_response();
    };
    let tenant = Tenant(tenant.to_string());
    request.extensions_mut().insert(tenant.clone());
    let mut response = next.run(request).await;
    // For the layers outside authentication (metrics), which count per tenant.
    response.extensions_mut().insert(tenant);
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Tenant>().cloned().ok_or_else(|| {
            ApiError::unauthenticated(
                "MISSING_AUTH_HEADER",
                "Missing Authorization header. Please provide an API key using: Authorization: Bearer <api-key>",
            )
        })
    }
}

impl Tenant {
    /// 403 `CROSS_TENANT_ACCESS_DENIED` unless `requested` (when given) is this tenant.
    pub fn check(&self, requested: Option<&str>) -> ApiResult<()> {
        match requested {
            Some(other) if other != self.0 => Err(ApiError::cross_tenant(&self.0, other)),
            _ => Ok(()),
        }
    }
}
