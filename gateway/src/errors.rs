//! `ApiError`, the one error type of every handler, and the extractors that turn bad
//! input into it (a JSON 400, never a plain-text or HTML page, except where a profile
//! models a gateway that answers one: [`express_json_body`]).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use connectors::api::types;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::envelope;
use crate::state::AppState;

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
    /// ([`crate::idempotency::NotRun`]).
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
            response.extensions_mut().insert(crate::idempotency::NotRun);
        }
        response
    }
}

/// A request body that is a well-formed JSON object (any content type is read as JSON,
/// like the real gateway). Malformed bodies give 400 `INVALID_JSON`.
pub(crate) struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::new(
                    rejection.status(),
                    "INVALID_BODY",
                    format!("Cannot read the request body: {}", rejection.body_text()),
                )
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                "The request body is empty; a JSON object is required",
            ));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                format!("The request body is not valid JSON: {e}"),
            )
        })?;
        match value {
            Value::Object(map) => Ok(JsonBody(map)),
            other => Err(ApiError::validation(
                "body",
                format!(
                    "The request body must be a JSON object, not {}",
                    json_kind(&other)
                ),
            )),
        }
    }
}

/// Decodes a JSON value into a generated wire type; a mismatch is a 400
/// `VALIDATION_ERROR` naming the field (`options.maxTools`). `schema` names the request's
/// component schema in `openapi.yaml`: a value of the wrong JSON type where it declares a
/// property (an explicit `null` included, the contract has no nullable fields) is rejected
/// even where serde would be lenient, while unknown properties are ignored.
pub(crate) fn decode<T: DeserializeOwned>(value: Value, schema: &str) -> ApiResult<T> {
    if let Some(spec) = spec()
        && let Some(component) = spec.pointer(&format!("/components/schemas/{schema}"))
        && let Some((field, expected)) = declared_mismatch(&value, component, spec, "")
    {
        let message = match expected.as_str() {
            "present" => format!("{field} is required"),
            other => {
                let article = if other.starts_with("one of") {
                    ""
                } else if other.starts_with(['a', 'e', 'i', 'o']) {
                    "an "
                } else {
                    "a "
                };
                format!("{field} must be {article}{other}")
            }
        };
        return Err(ApiError::validation(&field, message));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." {
            "body".to_string()
        } else {
            field
        };
        ApiError::validation(&field, format!("{field}: {}", e.inner()))
    })
}

/// `openapi.yaml` as JSON, parsed once.
fn spec() -> Option<&'static Value> {
    static SPEC: std::sync::OnceLock<Option<Value>> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(connectors::api::OPENAPI_JSON).ok())
        .as_ref()
}

fn resolve<'a>(schema: &'a Value, spec: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                Some(target) => schema = target,
                None => return schema,
            },
            None => return schema,
        }
    }
    schema
}

/// The first position where `value` has a JSON type that `schema` does not allow (an
/// explicit `null` included: the contract has no nullable fields), with the expected type.
fn declared_mismatch(
    value: &Value,
    schema: &Value,
    spec: &Value,
    path: &str,
) -> Option<(String, String)> {
    let schema = resolve(schema, spec);
    let here = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        // Valid when some branch accepts it; otherwise report the first branch's complaint.
        let complaints: Vec<(String, String)> = branches
            .iter()
            .filter_map(|branch| declared_mismatch(value, branch, spec, path))
            .collect();
        return if complaints.len() == branches.len() {
            complaints.into_iter().next()
        } else {
            None
        };
    }
    let constrained = ["type", "properties", "items", "enum"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    if !constrained {
        return None;
    }
    let expected = schema.get("type").and_then(Value::as_str);
    let matches = match (expected, value) {
        (_, Value::Null) => false,
        (None, _) => true,
        (Some("object"), Value::Object(_)) => true,
        (Some("array"), Value::Array(_)) => true,
        (Some("string"), Value::String(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("number"), Value::Number(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    if !matches {
        return Some((here(), expected.unwrap_or("a value").to_string()));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Some((here(), format!("one of {}", names.join(", "))));
    }
    match value {
        Value::Object(map) => {
            if let Some(required) = schema.get("required").and_then(Value::as_array)
                && let Some(missing) = required
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|name| !map.contains_key(*name))
            {
                let missing_path = if path.is_empty() {
                    missing.to_string()
                } else {
                    format!("{path}.{missing}")
                };
                return Some((missing_path, "present".to_string()));
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            map.iter().find_map(|(key, child)| {
                let child_schema = properties.and_then(|p| p.get(key)).or(additional)?;
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                declared_mismatch(child, child_schema, spec, &child_path)
            })
        }
        Value::Array(items) => {
            let item_schema = schema.get("items")?;
            items.iter().enumerate().find_map(|(i, item)| {
                declared_mismatch(item, item_schema, spec, &format!("{path}[{i}]"))
            })
        }
        _ => None,
    }
}

/// A word for the JSON type of `value`.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Path parameters; a path that cannot be decoded (e.g. invalid UTF-8) names no resource,
/// so it is a JSON 404.
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| ApiPath(path.0))
            .map_err(|rejection| {
                ApiError::not_found(
                    "ROUTE_NOT_FOUND",
                    format!("No resource at this path: {}", rejection.body_text()),
                )
            })
    }
}

/// Query parameters as name/value pairs; parse errors become 400s.
pub(crate) struct QueryParams(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
                .map(|q| q.0)
                .map_err(|e| ApiError::validation("query", format!("Invalid query string: {e}")))?;
        Ok(QueryParams(pairs))
    }
}

impl QueryParams {
    /// The value of `name` (the last one when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An integer parameter within `min..=max`, or `default` when absent.
    pub fn int(&self, name: &str, min: u64, max: u64, default: u64) -> ApiResult<u64> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => {
                let value: u64 = raw.trim().parse().map_err(|_| {
                    ApiError::validation(name, format!("{name} must be an integer, got '{raw}'"))
                })?;
                if value < min || value > max {
                    return Err(ApiError::validation(
                        name,
                        format!("{name} must be between {min} and {max}"),
                    ));
                }
                Ok(value)
            }
        }
    }

    /// A parameter whose value must be one of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) if allowed.contains(&raw) => Ok(Some(raw.to_string())),
            Some(raw) => Err(ApiError::validation(
                name,
                format!("{name} must be one of {}, got '{raw}'", allowed.join(", ")),
            )),
        }
    }
}

/// `limit` and `offset` of a paginated list (limit within the spec's `Limit` parameter's
/// bounds, 1..=1000; default 100).
pub(crate) fn page(query: &QueryParams) -> ApiResult<(u64, u64)> {
    use connectors::api::limits::{PAGE_SIZE_MAX, PAGE_SIZE_MIN};
    let limit = query.int("limit", PAGE_SIZE_MIN, PAGE_SIZE_MAX, 100)?;
    let offset = query.int("offset", 0, u64::MAX, 0)?;
    Ok((limit, offset))
}

/// The slice of `items` a page covers, with its pagination block.
pub(crate) fn paginate<T>(items: Vec<T>, limit: u64, offset: u64) -> (Vec<T>, types::Pagination) {
    let total = items.len() as u64;
    let page = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    (
        page,
        types::Pagination {
            total,
            limit,
            offset,
        },
    )
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

/// Largest body `express.json()` reads (its `limit: '10mb'` in the original gateway).
const EXPRESS_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// The page Express sends for an error its error handler could not answer: what the
/// original gateway answers (500) to a body its JSON parser refuses, since that parser runs
/// before the middleware that adds its envelope helpers (recorded: `TypeError:
/// res.sendError is not a function`, then a stack trace, left out here).
fn express_error_page() -> Response {
    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>TypeError: res.sendError is not a function</pre>\n</body>\n</html>\n";
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE,
    )
        .into_response()
}

/// Whether `express.json()` parses this request: its type is `application/json`.
fn is_express_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware modelling `express.json()` (strict mode) for the profiles without JSON 400s:
/// a JSON request whose body is not an object or array of valid JSON, or cannot be read,
/// gets the HTML 500 page; an empty body becomes `{}`, as that parser makes it. Other
/// requests go on unchanged.
pub(crate) async fn express_json_body(request: Request, next: Next) -> Response {
    if !is_express_json(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, EXPRESS_BODY_LIMIT).await else {
        return express_error_page();
    };
    let bytes = if bytes.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        // Strict mode: after body-parser's whitespace, only an object or an array.
        let first = bytes
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if !matches!(first, Some(b'{' | b'['))
            || serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err()
        {
            return express_error_page();
        }
        bytes
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

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
