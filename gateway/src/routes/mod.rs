//! The HTTP routes of `openapi.yaml`, assembled into one axum router from the operation
//! table generated from the spec (`connectors::operations::OPERATIONS`): the table says
//! which operations exist, their methods, paths and retry classes; this module says only
//! which handler serves each `operationId` ([`HANDLERS`]).

mod deployments;
mod health;
mod identities;
mod invoke;
mod mcp;
mod tenants;
mod tools;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use connectors::operations::{OPERATIONS, RetryClass};

use crate::errors::ApiError;
use crate::express_body::express_json_body;
use crate::operation::is_parameter;
use crate::profile::Profile;
use crate::state::AppState;
use crate::{auth, body_deadline, envelope, idempotency, metrics, rate_limit};

/// Where the authenticated API is mounted. The spec writes its paths whole
/// (`/api/v1/tools/list`); the gateway nests them under one router, behind authentication
/// and quotas, so that an unknown path below it is authenticated first, as in the original.
const API_PREFIX: &str = "/api/v1";

/// The one route the gateway serves that `openapi.yaml` does not describe: the original's
/// `GET /` names it (`endpoints.docs`), so the full profile answers it with the spec.
const DOCS_PATH: &str = "/api/v1/docs";

/// Registers a handler for one method (the operation's, from the table).
type Register = fn(MethodFilter) -> MethodRouter<AppState>;

/// The handler of every operation of `openapi.yaml`, by `operationId`. The method, the
/// path and whether the idempotency layer applies come from the operation table; an
/// operation without an entry here, or an entry without an operation, fails
/// [`problems`] (and so the gateway's start-up and a unit test).
static HANDLERS: &[(&str, Register)] = &[
    ("getServiceInfo", |m| on(m, health::root)),
    ("getHealth", |m| on(m, health::health)),
    ("getDetailedHealth", |m| on(m, health::detailed)),
    ("getReadiness", |m| on(m, health::ready)),
    ("getMetrics", |m| on(m, health::metrics)),
    ("selectTools", |m| on(m, tools::select)),
    ("listTools", |m| on(m, tools::list)),
    ("invokeTool", |m| on(m, invoke::invoke)),
    ("invokeToolsBatch", |m| on(m, invoke::batch)),
    ("invokeToolStream", |m| on(m, invoke::stream)),
    ("getTool", |m| on(m, tools::get_tool)),
    ("listRelatedTools", |m| on(m, tools::related)),
    ("listCategories", |m| on(m, tools::categories)),
    ("addMcpServer", |m| on(m, mcp::add)),
    ("listCustomServers", |m| on(m, mcp::list_custom)),
    ("removeCustomServer", |m| on(m, mcp::remove_custom)),
    ("getMcpHealth", |m| on(m, health::mcp_health)),
    ("listServers", |m| on(m, mcp::list_servers)),
    ("getServer", |m| on(m, mcp::get_server)),
    ("listServerTools", |m| on(m, mcp::server_tools)),
    ("getServerHealth", |m| on(m, mcp::server_health)),
    ("listDeployments", |m| on(m, deployments::list)),
    ("getDeployment", |m| on(m, deployments::get)),
    ("getDeploymentLogs", |m| on(m, deployments::logs)),
    ("streamEvents", |m| on(m, deployments::events)),
    ("getOauthConfig", |m| on(m, tenants::get_oauth)),
    ("createOauthConfig", |m| on(m, tenants::create_oauth)),
    ("deleteOauthConfig", |m| on(m, tenants::delete_oauth)),
    ("getOauthConfigHealth", |m| on(m, health::oauth_health)),
    ("listTenantIntegrations", |m| on(m, tenants::integrations)),
    ("listIdentities", |m| on(m, identities::list)),
    ("createIdentity", |m| on(m, identities::create)),
    ("getIdentity", |m| on(m, identities::get)),
    ("updateIdentity", |m| on(m, identities::update)),
    ("deleteIdentity", |m| on(m, identities::delete)),
];

/// The handler registered for `operation_id`.
fn handler(operation_id: &str) -> Option<Register> {
    HANDLERS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map(|(_, register)| *register)
}

/// The method filter of an operation's (upper-case) method.
fn method_filter(method: &str) -> Option<MethodFilter> {
    let method = Method::from_bytes(method.as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// A path template with its parameters' names left out (`/tools/{}`), to find two
/// templates that axum could not tell apart.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| if is_parameter(segment) { "{}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Everything that keeps the operation table from being served as it stands, one
/// sentence each: an operation without a handler or a handler without an operation, a
/// method axum cannot route, a path axum would refuse, an operation authenticated outside
/// `/api/v1` or open inside it. Empty when the gateway can serve every operation.
pub(crate) fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    for op in OPERATIONS {
        let what = format!("operation `{}` ({} {})", op.id, op.method, op.path);
        if handler(op.id).is_none() {
            problems.push(format!(
                "{what} of openapi.yaml has no handler: add one to HANDLERS in gateway/src/routes/mod.rs"
            ));
        }
        if method_filter(op.method).is_none() {
            problems.push(format!(
                "{what}: axum cannot route the method {}",
                op.method
            ));
        }
        let segments_ok = op.path.split('/').skip(1).all(|segment| {
            !segment.starts_with([':', '*'])
                && (is_parameter(segment) || !segment.contains(['{', '}']))
        });
        if !op.path.starts_with('/') || !segments_ok {
            problems.push(format!(
                "{what}: the path is not a template axum can route (`/a/{{param}}`)"
            ));
        }
        let under_api = op.path.starts_with(&format!("{API_PREFIX}/"));
        if op.authenticated != under_api {
            problems.push(format!(
                "{what}: the gateway authenticates exactly the operations under {API_PREFIX}/, and this one is {}authenticated",
                if op.authenticated { "" } else { "not " }
            ));
        }
        if let Some(other) = OPERATIONS
            .iter()
            .find(|other| other.path != op.path && shape(other.path) == shape(op.path))
        {
            problems.push(format!(
                "{what}: its path differs from `{}`'s ({}) only in parameter names, which axum cannot tell apart",
                other.id, other.path
            ));
        }
    }
    for (index, (id, _)) in HANDLERS.iter().enumerate() {
        if connectors::operations::find(id).is_none() {
            problems.push(format!(
                "HANDLERS in gateway/src/routes/mod.rs has a handler for `{id}`, which is no operation of openapi.yaml"
            ));
        }
        if HANDLERS[..index].iter().any(|(seen, _)| seen == id) {
            problems.push(format!(
                "HANDLERS in gateway/src/routes/mod.rs has two handlers for `{id}`"
            ));
        }
    }
    problems
}

/// 404 `ROUTE_NOT_FOUND` for every unknown route.
pub(crate) async fn route_not_found(State(state): State<AppState>, request: Request) -> ApiError {
    // A nested router sees the path below its mount point; the request context has it whole.
    let path = if state.config.profile.names_whole_path_in_route_not_found() {
        envelope::current().path
    } else {
        request.uri().path().to_string()
    };
    ApiError::not_found(
        "ROUTE_NOT_FOUND",
        format!("Route {} {path} not found", request.method()),
    )
}

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

/// The routes of the operations `profile` serves, grouped by path: the root ones (outside
/// [`API_PREFIX`]) and the API's (relative to it). Every keyed operation
/// ([`RetryClass::Keyed`]), whatever its method, goes through the idempotency layer. An
/// operation the profile does not serve is left out, so it falls through to the fallback
/// exactly as an unknown route does (after authentication under `/api/v1`, as in the
/// original gateway). An operation [`problems`] reports is left out too.
fn operation_routes(state: &AppState) -> (Router<AppState>, Router<AppState>) {
    let profile = state.config.profile;
    let idempotent = from_fn_with_state(state.clone(), idempotency::idempotent);
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for op in OPERATIONS {
        if !profile.serves(op.method, op.path) {
            continue;
        }
        let (Some(register), Some(filter)) = (handler(op.id), method_filter(op.method)) else {
            continue;
        };
        let mut route = register(filter);
        if op.retry == RetryClass::Keyed {
            route = route.layer(idempotent.clone());
        }
        match by_path.iter_mut().find(|(path, _)| *path == op.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(route),
            None => by_path.push((op.path, route)),
        }
    }
    let (mut root, mut api) = (Router::new(), Router::new());
    for (path, methods) in by_path {
        match path.strip_prefix(API_PREFIX) {
            Some(relative) if relative.starts_with('/') => api = api.route(relative, methods),
            _ => root = root.route(path, methods),
        }
    }
    if profile.serves_path(DOCS_PATH)
        && let Some(relative) = DOCS_PATH.strip_prefix(API_PREFIX)
    {
        api = api.route(relative, get(health::docs));
    }
    (root, api)
}

/// The whole API.
pub(crate) fn router(state: AppState) -> Router {
    let profile: Profile = state.config.profile;
    let (root, api) = operation_routes(&state);
    let api = api
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found)
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), auth::authenticate));

    let mut root = root
        .nest(API_PREFIX, api)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(route_not_found);
    if !profile.rejects_malformed_json_with_400() {
        // Outside authentication and quotas: the original parses bodies first of all.
        root = root.layer(from_fn(express_json_body));
    }
    root = root
        // Outside every reader of the body, inside the request context (its 408 is an
        // envelope like every other error).
        .layer(from_fn_with_state(
            state.config.serving.body_timeout(),
            body_deadline::enforce,
        ))
        .layer(from_fn_with_state(state.clone(), metrics::count))
        .layer(from_fn(envelope::request_context));
    if profile.honours_idempotency_keys() {
        // Outermost, so every response says it, errors and unknown routes included: a
        // client learns that retries are safe before its first ambiguous failure.
        root = root.layer(map_response(idempotency::honoured));
    }
    root.with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_one_handler_and_every_handler_an_operation() {
        assert_eq!(problems(), Vec::<String>::new());
        assert_eq!(HANDLERS.len(), OPERATIONS.len());
    }
}
