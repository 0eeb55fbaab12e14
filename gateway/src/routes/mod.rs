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
use connectors::operations::{OPERATIONS, Operation, RetryClass};

use crate::errors::{ApiError, route_not_found};
use crate::express_body::express_json_body;
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

/// Whether a segment of a path template is a parameter (`{toolId}`); axum 0.8 writes them
/// as the spec does.
fn is_parameter(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
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

/// The operation of the spec that a request for `method` `path` (the whole path, as
/// received) is routed to, matched as axum matches: the template that fits the path best
/// (a literal segment before a parameter, from the left), then the method on it. `None`
/// for an unknown path, or a known path with another method. Whatever the profile serves:
/// a route a profile leaves out is still that operation's (for its quota, say).
pub(crate) fn operation_of(method: &Method, path: &str) -> Option<&'static Operation> {
    // A path equal to a template without parameters fits it best of all (every segment a
    // literal match): found without splitting every template, as for most requests.
    if OPERATIONS.iter().any(|op| op.path == path) {
        return OPERATIONS
            .iter()
            .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method.as_str()));
    }
    let best = OPERATIONS
        .iter()
        .filter_map(|op| Some((fit(op.path, path)?, op.path)))
        .max_by_key(|(fit, _)| *fit)?
        .1;
    OPERATIONS
        .iter()
        .find(|op| op.path == best && op.method.eq_ignore_ascii_case(method.as_str()))
}

/// How well `template` fits `path`, or `None` when it does not: a bit per segment, from
/// the most significant one, set where the template has a literal, so that a larger value
/// is the route axum prefers. Without allocating, since every request is matched (paths of
/// more than 64 segments match nothing; the spec's have a handful).
fn fit(template: &str, path: &str) -> Option<u64> {
    let (mut parts, mut segments) = (template.split('/'), path.split('/'));
    let mut literals = 0u64;
    for position in 0..64 {
        match (parts.next(), segments.next()) {
            (None, None) => return Some(literals),
            (Some(part), Some(segment)) if is_parameter(part) => {
                if segment.is_empty() {
                    return None;
                }
            }
            (Some(part), Some(segment)) if part == segment => literals |= 1 << (63 - position),
            _ => return None,
        }
    }
    None
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

    #[test]
    fn requests_are_matched_to_operations_as_axum_routes_them() {
        let of = |method: Method, path: &str| operation_of(&method, path).map(|op| op.id);
        // A literal segment wins over a parameter, whatever the order of the spec.
        assert_eq!(of(Method::GET, "/api/v1/tools/list"), Some("listTools"));
        assert_eq!(of(Method::GET, "/api/v1/tools/math.add"), Some("getTool"));
        assert_eq!(
            of(Method::POST, "/api/v1/tools/invoke/batch"),
            Some("invokeToolsBatch")
        );
        assert_eq!(
            of(Method::GET, "/api/v1/tools/a%2Fb/related"),
            Some("listRelatedTools")
        );
        assert_eq!(
            of(Method::PATCH, "/api/v1/identities/idn-1"),
            Some("updateIdentity")
        );
        assert_eq!(of(Method::GET, "/"), Some("getServiceInfo"));
        // The path decides first: another method on it is no operation (405), even where
        // a parameter route of that method would fit.
        assert_eq!(of(Method::GET, "/api/v1/tools/invoke"), None);
        assert_eq!(of(Method::GET, "/api/v1/tools/list/"), None);
        assert_eq!(of(Method::GET, "/api/v1/tools//related"), None);
        assert_eq!(of(Method::GET, "/api/v1/docs"), None);
        for op in OPERATIONS {
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            let path = op.path.replace('{', "x").replace('}', "");
            assert_eq!(of(method, &path), Some(op.id), "{path}");
        }
    }
}
