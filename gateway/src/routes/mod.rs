//! The HTTP routes of `openapi.yaml`, assembled into one axum router.

mod deployments;
mod health;
mod identities;
mod invoke;
mod mcp;
mod tenants;
mod tools;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::errors::{ApiError, route_not_found};
use crate::state::AppState;
use crate::{auth, envelope, idempotency, metrics, rate_limit};

/// 405 for a known path with a method it does not have (axum adds the `Allow` header).
async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!(
            "Method {} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

/// The whole API.
pub(crate) fn router(state: AppState) -> Router {
    let idempotent = from_fn_with_state(state.clone(), idempotency::idempotent);
    let api = Router::new()
        .route("/tools/select", post(tools::select))
        .route("/tools/list", get(tools::list))
        .route(
            "/tools/invoke",
            post(invoke::invoke).layer(idempotent.clone()),
        )
        .route(
            "/tools/invoke/batch",
            post(invoke::batch).layer(idempotent.clone()),
        )
        .route(
            "/tools/invoke/stream",
            post(invoke::stream).layer(idempotent.clone()),
        )
        .route("/tools/{toolId}", get(tools::get_tool))
        .route("/tools/{toolId}/related", get(tools::related))
        .route("/categories", get(tools::categories))
        .route("/metrics", get(health::metrics))
        .route("/docs", get(health::docs))
        .route("/mcp/add", post(mcp::add).layer(idempotent.clone()))
        .route("/mcp/custom", get(mcp::list_custom))
        .route(
            "/mcp/custom/{name}",
            axum::routing::delete(mcp::remove_custom),
        )
        .route("/mcp/health", get(health::mcp_health))
        .route("/mcp/servers", get(mcp::list_servers))
        .route("/mcp/servers/{name}", get(mcp::get_server))
        .route("/mcp/servers/{name}/tools", get(mcp::server_tools))
        .route("/mcp/servers/{name}/health", get(mcp::server_health))
        .route("/mcp/deployments", get(deployments::list))
        .route("/mcp/deployments/{deploymentId}", get(deployments::get))
        .route(
            "/mcp/deployments/{deploymentId}/logs",
            get(deployments::logs),
        )
        .route("/events", get(deployments::events))
        .route(
            "/tenants/{tenantId}/integrations/{integration}/oauth-config",
            post(tenants::create_oauth)
                .get(tenants::get_oauth)
                .delete(tenants::delete_oauth),
        )
        .route(
            "/tenants/{tenantId}/integrations",
            get(tenants::integrations),
        )
        .route("/oauth-config/health", get(health::oauth_health))
        .route(
            "/identities",
            get(identities::list)
                .post(identities::create)
                .layer(idempotent),
        )
        .route(
            "/identities/{identityId}",
            get(identities::get)
                .patch(identities::update)
                .delete(identities::delete),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found)
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), auth::authenticate));

    Router::new()
        .route("/", get(health::root))
        .route("/health", get(health::health))
        .route("/health/detailed", get(health::detailed))
        .route("/ready", get(health::ready))
        .nest("/api/v1", api)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found)
        .layer(from_fn_with_state(state.clone(), metrics::count))
        .layer(from_fn(envelope::request_context))
        .with_state(state)
}
