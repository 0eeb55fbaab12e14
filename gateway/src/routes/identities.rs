//! Identities of the caller's tenant.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use connectors::api::{IdentityType, types};
use serde_json::Value;

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::{ApiPath, JsonBody, QueryParams};
use crate::identities::{Created, Update};
use crate::paging::{page, paginate};
use crate::schema_check::decode;
use crate::state::AppState;

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("IDENTITY_NOT_FOUND", format!("Identity '{id}' not found"))
        .with("identityId", id)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Json<types::ListIdentitiesResponse>> {
    let kind = query
        .one_of("type", &["USER", "AGENT", "GROUP", "ORGANIZATION"])?
        .map(|k| IdentityType::from(k.as_str()));
    let (limit, offset) = page(&query)?;
    let identities: Vec<types::Identity> = state
        .identities
        .list(&tenant.0)
        .await
        .map_err(ApiError::store_unavailable)?
        .into_iter()
        .filter(|i| kind.as_ref().is_none_or(|k| i.type_ == *k))
        .collect();
    let (identities, pagination) = paginate(identities, limit, offset);
    Ok(ok(types::IdentityPage {
        identities,
        pagination,
    }))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<types::IdentityResponse>)> {
    let request: types::CreateIdentityRequest =
        decode(Value::Object(body), "CreateIdentityRequest")?;
    if !request.type_.is_known() {
        return Err(ApiError::validation(
            "type",
            "type must be one of USER, AGENT, GROUP, ORGANIZATION",
        ));
    }
    let name = request.name.to_string();
    let kind = request.type_.clone();
    let created = state
        .identities
        .create(&tenant.0, request)
        .await
        .map_err(ApiError::store_unavailable)?;
    let Created::New(identity) = created else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "IDENTITY_ALREADY_EXISTS",
            format!("An identity of type {kind} named '{name}' already exists"),
        ));
    };
    Ok((StatusCode::CREATED, ok(*identity)))
}

pub(crate) async fn get(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<types::IdentityResponse>> {
    let identity = state
        .identities
        .get(&tenant.0, &id)
        .await
        .map_err(ApiError::store_unavailable)?
        .ok_or_else(|| not_found(&id))?;
    Ok(ok(identity))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<types::IdentityResponse>> {
    let members_given = body.contains_key("members");
    let metadata_given = body.contains_key("metadata");
    let request: types::UpdateIdentityRequest =
        decode(Value::Object(body), "UpdateIdentityRequest")?;
    let update = Update {
        request,
        members_given,
        metadata_given,
    };
    let identity = state
        .identities
        .update(&tenant.0, &id, update)
        .await
        .map_err(ApiError::store_unavailable)?
        .ok_or_else(|| not_found(&id))?;
    Ok(ok(identity))
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<types::DeleteIdentityResponse>> {
    let deleted = state
        .identities
        .delete(&tenant.0, &id)
        .await
        .map_err(ApiError::store_unavailable)?;
    if !deleted {
        return Err(not_found(&id));
    }
    Ok(ok(types::DeletedIdentity {
        message: Some(format!("Identity '{id}' deleted")),
        id,
    }))
}
