//! Deployments, their logs, and the event stream.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use connectors::api::types;

use crate::auth::Tenant;
use crate::deployments::Deployment;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiPath, ApiResult, QueryParams, page, paginate};
use crate::state::AppState;

/// The tenant's deployment `id`. Another tenant's deployment answers exactly as an unknown
/// id (404 `DEPLOYMENT_NOT_FOUND`, same body, no owner named): a 403 would tell the
/// caller that the id exists and whose it is. On connectors-ts any tenant's deployment is
/// found, as in the original.
fn find(state: &AppState, tenant: &Tenant, id: &str) -> ApiResult<Arc<Deployment>> {
    let isolated = state.config.profile.isolates_deployments();
    state
        .deployments
        .get_any(id)
        .filter(|deployment| !isolated || deployment.tenant == tenant.0)
        .ok_or_else(|| {
            ApiError::not_found(
                "DEPLOYMENT_NOT_FOUND",
                format!("Deployment '{id}' not found"),
            )
            .with("deploymentId", id)
        })
}

pub(crate) async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Json<types::ListDeploymentsResponse>> {
    let status = query.one_of(
        "status",
        &[
            "pending",
            "cloning",
            "building",
            "deploying",
            "running",
            "ready",
            "failed",
            "stopped",
        ],
    )?;
    let (limit, offset) = page(&query)?;
    let deployments: Vec<types::Deployment> = state
        .deployments
        .list(&tenant.0)
        .iter()
        .map(|d| d.to_wire())
        .filter(|d| status.as_deref().is_none_or(|s| d.status.as_str() == s))
        .collect();
    let (deployments, pagination) = paginate(deployments, limit, offset);
    Ok(ok(types::DeploymentPage {
        deployments,
        pagination,
    }))
}

pub(crate) async fn get(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<types::GetDeploymentResponse>> {
    Ok(ok(find(&state, &tenant, &id)?.to_wire()))
}

pub(crate) async fn logs(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    query: QueryParams,
) -> ApiResult<Json<types::DeploymentLogsResponse>> {
    let since = match query.get("since") {
        None => None,
        Some(raw) => Some(
            DateTime::parse_from_rfc3339(raw)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::validation(
                        "since",
                        format!("since must be an RFC 3339 date-time, got '{raw}'"),
                    )
                })?,
        ),
    };
    let limit = query.int("limit", 1, 10_000, 200)? as usize;
    let deployment = find(&state, &tenant, &id)?;
    Ok(ok(types::DeploymentLogs {
        deployment_id: deployment.id.clone(),
        logs: deployment.logs(since, limit),
    }))
}

pub(crate) async fn events(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Response> {
    let deployment = query.get("deploymentId").map(str::to_string);
    Ok(state.events.sse(tenant.0, deployment).into_response())
}
