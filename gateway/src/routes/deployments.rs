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
use crate::errors::{ApiError, ApiResult};
use crate::extract::{ApiPath, QueryParams};
use crate::paging::{page, paginate};
use crate::state::AppState;

/// A deployment as this replica knows it: its own, or (the Redis store) the record of one
/// another replica ran.
enum Found {
    Here(Arc<Deployment>),
    #[cfg(feature = "redis")]
    Elsewhere(Box<crate::deployment_records::Record>),
}

impl Found {
    fn to_wire(&self) -> types::Deployment {
        match self {
            Found::Here(deployment) => deployment.to_wire(),
            #[cfg(feature = "redis")]
            Found::Elsewhere(record) => record.deployment.clone(),
        }
    }

    fn logs(&self, since: Option<DateTime<Utc>>, limit: usize) -> Vec<types::LogLine> {
        match self {
            Found::Here(deployment) => deployment.logs(since, limit),
            #[cfg(feature = "redis")]
            Found::Elsewhere(record) => crate::deployments::log_tail(&record.logs, since, limit),
        }
    }
}

/// The tenant's deployment `id`. Another tenant's deployment answers exactly as an unknown
/// id (404 `DEPLOYMENT_NOT_FOUND`, same body, no owner named): a 403 would tell the
/// caller that the id exists and whose it is. On connectors-ts any tenant's deployment is
/// found, as in the original (among this replica's own). With the Redis store, one this
/// replica does not have is looked up among the tenant's records; 503 if Redis cannot
/// be reached.
async fn find(state: &AppState, tenant: &Tenant, id: &str) -> ApiResult<Found> {
    let isolated = state.config.profile.isolates_deployments();
    let here = state
        .deployments
        .get_any(id)
        .filter(|deployment| !isolated || deployment.tenant == tenant.0);
    if let Some(deployment) = here {
        return Ok(Found::Here(deployment));
    }
    #[cfg(feature = "redis")]
    if let crate::store::Shared::Redis(redis) = &state.shared
        && let Some(record) = crate::deployment_records::get(redis, &tenant.0, id)
            .await
            .map_err(ApiError::store_unavailable)?
    {
        return Ok(Found::Elsewhere(Box::new(record)));
    }
    Err(ApiError::not_found(
        "DEPLOYMENT_NOT_FOUND",
        format!("Deployment '{id}' not found"),
    )
    .with("deploymentId", id))
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
    #[allow(unused_mut)]
    let mut all: Vec<types::Deployment> = state
        .deployments
        .list(&tenant.0)
        .iter()
        .map(|d| d.to_wire())
        .collect();
    // With the Redis store, the tenant's deployments run by other replicas too: this
    // replica's own state of its own, the records of the others, newest first.
    #[cfg(feature = "redis")]
    if let crate::store::Shared::Redis(redis) = &state.shared {
        let records = crate::deployment_records::list(redis, &tenant.0)
            .await
            .map_err(ApiError::store_unavailable)?;
        let here: std::collections::HashSet<String> =
            all.iter().map(|d| d.deployment_id.clone()).collect();
        all.extend(
            records
                .into_iter()
                .map(|r| r.deployment)
                .filter(|d| !here.contains(&d.deployment_id)),
        );
        all.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.deployment_id.cmp(&a.deployment_id))
        });
    }
    let deployments: Vec<types::Deployment> = all
        .into_iter()
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
    Ok(ok(find(&state, &tenant, &id).await?.to_wire()))
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
    let deployment = find(&state, &tenant, &id).await?;
    Ok(ok(types::DeploymentLogs {
        deployment_id: id,
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
