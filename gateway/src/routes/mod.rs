//! The HTTP routes of `openapi.yaml`, assembled into one axum router.

mod deployments;
mod health;
mod identities;
mod invoke;
mod mcp;
mod tenants;
mod tools;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::routing::{MethodRouter, get, post};

use crate::errors::{ApiError, express_json_body, route_not_found};
use crate::profile::Profile;
use crate::state::AppState;
use crate::{auth, envelope, idempotency, metrics, rate_limit};

/// 405 for a known path with a method it does not have (axum adds the `Allow` header);
/// a profile without 405s answers as for an unknown route.
async fn method_not_allowed(state: State<AppState>, request: Request) -> ApiError {
    if !state.config.profile.answers_method_not_allowed() {
        return route_not_found(state, request).await;
    }
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

/// Builds a router from the operations of the API, registering a path only when the
/// profile serves it: a path left out falls through to the fallback exactly as an unknown
/// route does (after authentication under `/api/v1`, as in the original gateway).
struct Routes {
    router: Router<AppState>,
    profile: Profile,
    /// Where the router is mounted (`/api/v1`), to name paths as `openapi.yaml` does.
    prefix: &'static str,
}

impl Routes {
    fn new(profile: Profile, prefix: &'static str) -> Routes {
        Routes {
            router: Router::new(),
            profile,
            prefix,
        }
    }

    fn route(self, path: &str, handler: MethodRouter<AppState>) -> Routes {
        let router = if self.profile.serves_path(&format!("{}{path}", self.prefix)) {
            self.router.route(path, handler)
        } else {
            self.router
        };
        Routes { router, ..self }
    }
}

/// The whole API.
pub(crate) fn router(state: AppState) -> Router {
    let profile = state.config.profile;
    let idempotent = from_fn_with_state(state.clone(), idempotency::idempotent);
    let api = Routes::new(profile, "/api/v1")
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
        .router
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found)
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), auth::authenticate));

    let mut root = Routes::new(profile, "")
        .route("/", get(health::root))
        .route("/health", get(health::health))
        .route("/health/detailed", get(health::detailed))
        .route("/ready", get(health::ready))
        .router
        .nest("/api/v1", api)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found);
    if !profile.rejects_malformed_json_with_400() {
        // Outside authentication and quotas: the original parses bodies first of all.
        root = root.layer(from_fn(express_json_body));
    }
    root = root
        .layer(from_fn_with_state(state.clone(), metrics::count))
        .layer(from_fn(envelope::request_context));
    if profile.honours_idempotency_keys() {
        // Outermost, so every response says it, errors and unknown routes included: a
        // client learns that retries are safe before its first ambiguous failure.
        root = root.layer(map_response(idempotency::honoured));
    }
    root.with_state(state)
}
