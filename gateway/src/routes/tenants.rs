//! Tenant OAuth client configurations and integrations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use connectors::api::types;
use serde_json::Value;

use crate::auth::Tenant;
use crate::config::{is_server_name, is_tenant_id};
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::{ApiPath, JsonBody};
use crate::schema_check::decode;
use crate::state::AppState;
use connectors::api::limits::OAUTH_CLIENT_SECRET_MIN_LENGTH;

/// The tenant in the path must be the caller's (a malformed id cannot be, so it is a 403 too).
fn check_tenant(tenant: &Tenant, requested: &str) -> ApiResult<()> {
    if !is_tenant_id(requested) || requested != tenant.0 {
        return Err(ApiError::cross_tenant(&tenant.0, requested));
    }
    Ok(())
}

fn not_found(tenant: &str, integration: &str) -> ApiError {
    ApiError::not_found(
        "OAUTH_CONFIG_NOT_FOUND",
        format!(
            "OAuth configuration not found for tenant '{tenant}' and integration '{integration}'"
        ),
    )
    .with("tenantId", tenant)
    .with("integration", integration)
}

/// A configuration that does not exist: 404, or the 500 (`code`, `message`) the original
/// gateway answers when its Vault lookup misses.
fn missing(
    state: &AppState,
    tenant: &str,
    integration: &str,
    code: &str,
    message: &str,
) -> ApiError {
    if state.config.profile.reports_missing_oauth_configs() {
        return not_found(tenant, integration);
    }
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
        .with("tenantId", tenant)
        .with("integration", integration)
}

pub(crate) async fn create_oauth(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath((tenant_id, integration)): ApiPath<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<types::OAuthConfigChangeResponse>)> {
    check_tenant(&tenant, &tenant_id)?;
    if !is_server_name(&integration) {
        return Err(ApiError::validation(
            "integration",
            "integration must match ^[a-z0-9-]+$",
        ));
    }
    let request: types::OAuthConfigRequest = decode(Value::Object(body), "OAuthConfigRequest")?;
    if request.client_secret.expose().chars().count() < OAUTH_CLIENT_SECRET_MIN_LENGTH {
        return Err(ApiError::validation(
            "clientSecret",
            format!("clientSecret must have at least {OAUTH_CLIENT_SECRET_MIN_LENGTH} characters"),
        ));
    }
    state
        .oauth
        .put(&tenant_id, &integration, request)
        .await
        .map_err(ApiError::store_unavailable)?;
    tracing::info!(tenant = %tenant_id, %integration, "OAuth configuration stored");
    Ok((
        StatusCode::CREATED,
        ok(types::OAuthConfigChange {
            tenant_id,
            integration,
            message: Some("OAuth configuration stored successfully".into()),
        }),
    ))
}

pub(crate) async fn get_oauth(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath((tenant_id, integration)): ApiPath<(String, String)>,
) -> ApiResult<Json<types::GetOAuthConfigResponse>> {
    check_tenant(&tenant, &tenant_id)?;
    let config = state
        .oauth
        .get(&tenant_id, &integration)
        .await
        .map_err(ApiError::store_unavailable)?;
    let config = config.ok_or_else(|| {
        missing(
            &state,
            &tenant_id,
            &integration,
            "OAUTH_CONFIG_RETRIEVAL_ERROR",
            "Failed to retrieve OAuth configuration",
        )
    })?;
    Ok(ok(types::OAuthConfigView {
        tenant_id,
        integration,
        config,
    }))
}

pub(crate) async fn delete_oauth(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath((tenant_id, integration)): ApiPath<(String, String)>,
) -> ApiResult<Json<types::OAuthConfigChangeResponse>> {
    check_tenant(&tenant, &tenant_id)?;
    let deleted = state
        .oauth
        .delete(&tenant_id, &integration)
        .await
        .map_err(ApiError::store_unavailable)?;
    if !deleted {
        return Err(missing(
            &state,
            &tenant_id,
            &integration,
            "OAUTH_CONFIG_DELETION_ERROR",
            "Failed to delete OAuth configuration",
        ));
    }
    Ok(ok(types::OAuthConfigChange {
        tenant_id,
        integration,
        message: Some("OAuth configuration deleted successfully".into()),
    }))
}

pub(crate) async fn integrations(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(tenant_id): ApiPath<String>,
) -> ApiResult<Json<types::ListTenantIntegrationsResponse>> {
    check_tenant(&tenant, &tenant_id)?;
    let integrations = state
        .oauth
        .integrations(&tenant_id)
        .await
        .map_err(ApiError::store_unavailable)?;
    Ok(ok(types::TenantIntegrations {
        count: Some(integrations.len() as u64),
        integrations,
        tenant_id,
    }))
}
