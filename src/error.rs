//! One error type for everything the facade does.
//!
//! API errors are sorted by status the way the Stainless SDKs and the seed SDKs sort them
//! ([`Error::BadRequest`], [`Error::Authentication`], ..., [`Error::RateLimited`]); each
//! carries an [`ApiError`] with the status, the gateway's `error.code`, message, context
//! and the request id. Failures without a usable response are [`Error::Timeout`] and
//! [`Error::Connection`]; responses that do not make sense are [`Error::Decode`] and
//! [`Error::UnexpectedResponse`], which keep the status and a short excerpt of the body.
//!
//! A route the gateway does not have at all (404 `ROUTE_NOT_FOUND`, as the original
//! gateway answers the spec's extension routes) is [`Error::NotOffered`], not
//! [`Error::NotFound`]: "this gateway has no such operation" is a different answer from
//! "no such tool". Where the gateway's own routes hold the same facts the facade answers
//! from them instead (see [`Error::NotOffered`] for which calls do).
//!
//! ```
//! # async fn run(client: connectors::Connectors) {
//! use connectors::Error;
//!
//! match client.tools().invoke("github.createPullRequest", serde_json::json!({"repo": "o/r"})).await {
//!     Ok(result) => println!("{}", result.text()),
//!     Err(Error::RateLimited(e)) => println!("slow down; retry in {:?}", e.retry_after),
//!     Err(Error::ToolInvocation { tool_id, message, .. }) => println!("{tool_id} failed: {message}"),
//!     Err(e) => println!("{e} (status {:?}, code {:?})", e.status(), e.code()),
//! }
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::api::types;
use crate::api::{DeploymentStatus, ToolArguments};
use crate::transport::Exchange;

/// Everything that can go wrong in a call of the facade.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400 or 422: the gateway refused the request (`VALIDATION_ERROR` names the field
    /// in [`ApiError::field`]).
    #[error("bad request: {0}")]
    BadRequest(Box<ApiError>),
    /// 401: the API key is missing or wrong, or no OAuth credentials are stored for the
    /// integration (`OAUTH_AUTHENTICATION_FAILED`).
    #[error("authentication failed: {0}")]
    Authentication(Box<ApiError>),
    /// 403: another tenant's resource (`CROSS_TENANT_ACCESS_DENIED`).
    #[error("permission denied: {0}")]
    PermissionDenied(Box<ApiError>),
    /// 404: no such tool, server, deployment or identity (an unknown route is
    /// [`Error::NotOffered`]).
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// 409: the resource exists already.
    #[error("conflict: {0}")]
    Conflict(Box<ApiError>),
    /// 429: a quota is exhausted; [`ApiError::retry_after`] and [`ApiError::limits`]
    /// say for how long and which. Returned after the retries, or at once when the
    /// requested wait is longer than [`crate::RetryPolicy::max_retry_after`].
    #[error("rate limited: {0}")]
    RateLimited(Box<ApiError>),
    /// 500, 502, 504 and other 5xx statuses except 503.
    #[error("gateway error: {0}")]
    Server(Box<ApiError>),
    /// 503: the gateway or a service behind it is not ready.
    #[error("service unavailable: {0}")]
    ServiceUnavailable(Box<ApiError>),
    /// Any other error status.
    #[error("request failed: {0}")]
    Api(Box<ApiError>),
    /// The gateway does not offer the operation: it answered 404 `ROUTE_NOT_FOUND`, as the
    /// original gateway answers the spec's extension routes.
    ///
    /// The client remembers the answer (all clones of one [`crate::Connectors`] share
    /// it), so later calls of the operation fail at once without a request, with the
    /// answer of the first refusal (its request id included). Where the gateway's own
    /// routes hold the same facts, the facade answers from them instead of failing, and
    /// says so once per client in a `tracing` event (level INFO):
    ///
    /// | call | missing route | answered from |
    /// |---|---|---|
    /// | [`mcp().list()`](crate::mcp::Mcp::list), its `stream()` | `GET /mcp/servers` | `GET /mcp/custom` plus the catalog `GET /tools/list`, grouped by the server part of the tool ids |
    /// | [`mcp().get(name).info()`](crate::mcp::Server::info) | `GET /mcp/servers/{name}` | the same listing; a name in neither is [`Error::NotFound`] |
    /// | [`mcp().get(name).tools()`](crate::mcp::Server::tools) | `GET /mcp/servers/{name}/tools` | the catalog, filtered by the server part of the tool ids; a name in neither is [`Error::NotFound`] |
    /// | [`tools().get(id)`](crate::tools::Tools::get) | `GET /tools/{toolId}` | the catalog; a tool not in it is [`Error::NotFound`] |
    ///
    /// Nothing else can answer for deployment logs, the deployments list, events,
    /// identities, batch and streamed invocation, related tools, detailed health and a
    /// server's health: those calls give this error.
    ///
    /// ```
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// use connectors::Error;
    ///
    /// match client.health().detailed().await {
    ///     Ok(health) => println!("{} checks", health.checks.len()),
    ///     Err(Error::NotOffered { operation, .. }) => println!("this gateway has no {operation}"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[error("the gateway does not offer the operation {operation}: {api}")]
    NotOffered {
        /// The spec's `operationId` (`listServers`, `getDeploymentLogs`, ...).
        operation: String,
        /// The gateway's answer: 404, code `ROUTE_NOT_FOUND`, its message and request id.
        api: Box<ApiError>,
    },
    /// An attempt took longer than the timeout, or the overall deadline passed.
    #[error("the request timed out after {attempts} attempt(s){}", if *deadline_exceeded { " (deadline exceeded)" } else { "" })]
    Timeout {
        /// Attempts made.
        attempts: u32,
        /// The overall deadline, rather than the per-attempt timeout, ended the call.
        deadline_exceeded: bool,
        /// The transport error, when there was one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The gateway could not be reached, or the connection broke.
    #[error(
        "connection to the gateway failed after {attempts} attempt(s): {}",
        with_cause(source)
    )]
    Connection {
        /// Attempts made.
        attempts: u32,
        /// The transport error (its URL has no query string).
        #[source]
        source: reqwest::Error,
    },
    /// A setting is invalid or missing; `setting` names it (the environment variable or
    /// the builder method).
    #[error("invalid configuration: {setting}: {message}")]
    Config {
        /// The environment variable or builder method.
        setting: String,
        /// What is wrong with it (never its value when it is a secret).
        message: String,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid input: {field}: {message}")]
    InvalidInput {
        /// The argument.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A response body did not decode into the expected type.
    #[error("could not decode the {status} response: {source} (body starts: {body_excerpt:?})")]
    Decode {
        /// The response status.
        status: StatusCode,
        /// The response content type.
        content_type: Option<String>,
        /// The body's first bytes (at most 512, the API key removed).
        body_excerpt: String,
        /// The request id sent with the request, when the body came straight from a
        /// response.
        request_id: Option<String>,
        /// Why it did not decode.
        #[source]
        source: serde_json::Error,
    },
    /// A response the contract does not describe, such as the gateway's HTML 500 page.
    #[error("unexpected {status} response ({}): {body_excerpt:?}", content_type.as_deref().unwrap_or("no content type"))]
    UnexpectedResponse {
        /// The response status.
        status: StatusCode,
        /// The response content type.
        content_type: Option<String>,
        /// The body's first bytes (at most 512, the API key removed).
        body_excerpt: String,
        /// The request id sent with the request.
        request_id: Option<String>,
    },
    /// A listing's pages did not follow one another: the gateway ignored the offset asked
    /// for. The stream over its pages ends with this error rather than repeating items
    /// without end.
    #[error("the gateway does not page as asked (page at offset {offset}): {problem}")]
    Paging {
        /// The offset asked for.
        offset: u64,
        /// What the gateway answered instead.
        problem: crate::pagination::PagingProblem,
    },
    /// Tool selection failed for `query`; `available_categories` lists what the gateway
    /// offers (empty if it could not be fetched).
    #[error("tool selection for {query:?} failed: {source}")]
    ToolSelection {
        /// The query.
        query: String,
        /// The categories the gateway knows.
        available_categories: Vec<String>,
        /// The gateway's refusal.
        #[source]
        source: Box<Error>,
    },
    /// A tool could not be run, or reported an error.
    #[error("tool {tool_id} failed: {message}")]
    ToolInvocation {
        /// The tool.
        tool_id: String,
        /// The gateway's or the tool's error code, when there is one.
        code: Option<String>,
        /// What went wrong.
        message: String,
        /// The call's arguments, only when the caller opted in
        /// ([`crate::tools::InvokeTool::parameters_in_errors`]); `Debug` shows their names only.
        parameters: Option<ToolArguments>,
        /// The gateway's refusal, when the call did not reach the tool.
        #[source]
        source: Option<Box<Error>>,
    },
    /// A deployment ended without becoming ready.
    #[error("deployment {deployment_id} ended as {status}: {}", error.as_deref().unwrap_or("no reason given"))]
    Deployment {
        /// The deployment.
        deployment_id: String,
        /// Its final status.
        status: DeploymentStatus,
        /// The gateway's reason.
        error: Option<String>,
        /// The last lines of its log (up to 20), oldest first.
        last_logs: Vec<String>,
    },
    /// A deployment was still under way when the wait ended.
    #[error("deployment {deployment_id} was not ready after {waited:?} (status {status})")]
    DeploymentTimeout {
        /// The deployment.
        deployment_id: String,
        /// Its last status.
        status: DeploymentStatus,
        /// How long was waited.
        waited: Duration,
    },
}

/// An error answer of the gateway (boxed in [`Error`] to keep results small).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The gateway's machine-readable code (`VALIDATION_ERROR`, `TOOL_NOT_FOUND`, ...).
    pub code: Option<String>,
    /// The gateway's explanation.
    pub message: String,
    /// The gateway's error class (`AuthenticationError`, ...), or the `error` string of a
    /// body without an envelope (`Rate Limit Exceeded`, `Validation failed`).
    pub kind: Option<String>,
    /// Details, e.g. `field` or `authenticatedTenantId`.
    pub context: serde_json::Map<String, serde_json::Value>,
    /// Invalid fields, from bodies that list them.
    pub field_errors: Vec<types::FieldError>,
    /// The request id: the gateway's `metadata.requestId`, or the one sent.
    pub request_id: Option<String>,
    /// How long the gateway asks to wait (`Retry-After`, `retry-after-ms`, `retryAfter`).
    pub retry_after: Option<Duration>,
    /// The exhausted quota of a 429.
    pub limits: Option<types::RateLimitInfo>,
}

impl ApiError {
    /// An answer with `status` and its standard reason as the message, nothing else yet.
    pub(crate) fn with_status(status: StatusCode) -> Self {
        ApiError {
            status,
            code: None,
            message: status
                .canonical_reason()
                .unwrap_or("error status")
                .to_string(),
            kind: None,
            context: serde_json::Map::new(),
            field_errors: Vec::new(),
            request_id: None,
            retry_after: None,
            limits: None,
        }
    }

    /// The invalid field of a validation error (`context.field`, or the first listed).
    pub fn field(&self) -> Option<&str> {
        self.context
            .get("field")
            .and_then(|v| v.as_str())
            .or_else(|| self.field_errors.first().map(|f| f.field.as_str()))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status.as_u16())?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {:.1} s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

/// A transport error's message with its innermost cause ("connection refused"), which
/// reqwest's own message leaves to the source chain.
fn with_cause(error: &reqwest::Error) -> String {
    let mut innermost: &dyn std::error::Error = error;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    let (outer, inner) = (error.to_string(), innermost.to_string());
    if std::ptr::addr_eq(innermost, error as &dyn std::error::Error) || outer.contains(&inner) {
        outer
    } else {
        format!("{outer}: {inner}")
    }
}

impl Error {
    /// The variant's name (`"RateLimited"`, `"Timeout"`, ...): a stable label for logs
    /// and metrics.
    ///
    /// ```
    /// let error = connectors::Connectors::builder().base_url("ftp://nope").build().unwrap_err();
    /// assert_eq!(error.kind(), "Config");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "BadRequest",
            Error::Authentication(_) => "Authentication",
            Error::PermissionDenied(_) => "PermissionDenied",
            Error::NotFound(_) => "NotFound",
            Error::Conflict(_) => "Conflict",
            Error::RateLimited(_) => "RateLimited",
            Error::Server(_) => "Server",
            Error::ServiceUnavailable(_) => "ServiceUnavailable",
            Error::Api(_) => "Api",
            Error::NotOffered { .. } => "NotOffered",
            Error::Timeout { .. } => "Timeout",
            Error::Connection { .. } => "Connection",
            Error::Config { .. } => "Config",
            Error::InvalidInput { .. } => "InvalidInput",
            Error::Decode { .. } => "Decode",
            Error::UnexpectedResponse { .. } => "UnexpectedResponse",
            Error::Paging { .. } => "Paging",
            Error::ToolSelection { .. } => "ToolSelection",
            Error::ToolInvocation { .. } => "ToolInvocation",
            Error::Deployment { .. } => "Deployment",
            Error::DeploymentTimeout { .. } => "DeploymentTimeout",
        }
    }

    /// The gateway's answer, for API errors and the domain errors that wrap one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(e)
            | Error::Authentication(e)
            | Error::PermissionDenied(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::RateLimited(e)
            | Error::Server(e)
            | Error::ServiceUnavailable(e)
            | Error::Api(e)
            | Error::NotOffered { api: e, .. } => Some(e.as_ref()),
            Error::ToolSelection { source, .. } => source.api_error(),
            Error::ToolInvocation {
                source: Some(source),
                ..
            } => source.api_error(),
            _ => None,
        }
    }

    /// The HTTP status of the response behind the error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode { status, .. } | Error::UnexpectedResponse { status, .. } => {
                Some(*status)
            }
            _ => self.api_error().map(|e| e.status),
        }
    }

    /// The gateway's (or the tool's) error code.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::ToolInvocation {
                code: Some(code), ..
            } => Some(code),
            _ => self.api_error().and_then(|e| e.code.as_deref()),
        }
    }

    /// The request id, to quote when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::UnexpectedResponse { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            _ => self.api_error().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// How long the gateway asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.retry_after)
    }

    /// Whether the failure is transient (a retry later may succeed): timeouts,
    /// connection failures and the statuses 408, 429, 500, 502, 503 and 504.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            _ => self
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)),
        }
    }

    pub(crate) fn config(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            setting: setting.into(),
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Convenience alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Removes the API key from text that came from outside (bodies, messages).
#[derive(Clone, Default)]
pub(crate) struct Redactor(Option<std::sync::Arc<str>>);

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    pub(crate) fn new(secret: Option<&str>) -> Self {
        // Very short values would redact ordinary words; keys are 32+ characters anyway.
        Redactor(secret.filter(|s| s.len() >= 8).map(std::sync::Arc::from))
    }

    pub(crate) fn scrub(&self, text: &str) -> String {
        match &self.0 {
            Some(secret) if text.contains(&**secret) => text.replace(&**secret, "<redacted>"),
            _ => text.to_string(),
        }
    }
}

/// The longest body excerpt kept in an error.
pub const EXCERPT_BYTES: usize = 512;

/// At most [`EXCERPT_BYTES`] of `body` as text, cut on a character boundary, secret removed.
pub(crate) fn excerpt(body: &[u8], redactor: &Redactor) -> String {
    // Scrub before cutting, so that a key straddling the cut cannot leave half of itself.
    let text = String::from_utf8_lossy(body);
    let text = redactor.scrub(&text);
    if text.len() <= EXCERPT_BYTES {
        return text;
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Error bodies of generated operations: the shared schema, or none.
pub(crate) trait ErrorBody {
    fn into_body(self) -> Option<types::ErrorResponse>;
}

impl ErrorBody for types::ErrorResponse {
    fn into_body(self) -> Option<types::ErrorResponse> {
        Some(self)
    }
}

impl ErrorBody for () {
    fn into_body(self) -> Option<types::ErrorResponse> {
        None
    }
}

/// The operation named by [`Error::NotOffered`] when the call's operation is not known
/// (every facade call knows it; this only keeps the mapping total).
const UNKNOWN_OPERATION: &str = "an unknown operation";

/// [`Error::NotOffered`] for the operation of `exchange`.
fn not_offered(exchange: &Exchange, api: Box<ApiError>) -> Error {
    Error::NotOffered {
        operation: exchange.operation.unwrap_or(UNKNOWN_OPERATION).to_string(),
        api,
    }
}

/// How much of an undeclared response is read to look for an error envelope.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Turns an error of the generated client into the facade's error.
pub(crate) async fn from_generated<E: ErrorBody>(
    error: progenitor_client::Error<E>,
    exchange: &Exchange,
    redactor: &Redactor,
) -> Error {
    use progenitor_client::Error as G;
    match error {
        G::ErrorResponse(response) => {
            let status = response.status();
            let retry_after =
                crate::retry::server_wait(response.headers(), std::time::SystemTime::now());
            let body = response.into_inner().into_body();
            by_status(
                status,
                body,
                retry_after.or(exchange.retry_after),
                exchange,
                redactor,
            )
        }
        G::InvalidResponsePayload(bytes, source) => {
            let status = exchange.status.unwrap_or(StatusCode::OK);
            if status.is_success() {
                Error::Decode {
                    status,
                    content_type: exchange.content_type.clone(),
                    body_excerpt: excerpt(&bytes, redactor),
                    request_id: exchange.request_id.clone(),
                    source,
                }
            } else {
                Error::UnexpectedResponse {
                    status,
                    content_type: exchange.content_type.clone(),
                    body_excerpt: excerpt(&bytes, redactor),
                    request_id: exchange.request_id.clone(),
                }
            }
        }
        G::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let content_type = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = read_bounded(response, MAX_ERROR_BODY).await;
            let envelope = if status.is_success() {
                None
            } else {
                serde_json::from_slice::<types::ErrorResponse>(&body).ok()
            };
            match envelope {
                // An undeclared status (a JSON 500, a 422) with the gateway's error body.
                Some(body) => {
                    let retry_after =
                        crate::retry::server_wait(&headers, std::time::SystemTime::now());
                    by_status(status, Some(body), retry_after, exchange, redactor)
                }
                None => Error::UnexpectedResponse {
                    status,
                    content_type,
                    body_excerpt: excerpt(&body, redactor),
                    request_id: exchange.request_id.clone(),
                },
            }
        }
        G::CommunicationError(source)
        | G::ResponseBodyError(source)
        | G::InvalidUpgrade(source) => transport_error(source, exchange),
        G::InvalidRequest(message) | G::Custom(message) => match &exchange.remembered_refusal {
            // The transport's `pre` hook did not send a request the gateway is known not
            // to offer: the remembered refusal stands in for the answer.
            Some(refusal) => not_offered(exchange, refusal.clone()),
            None => Error::invalid("request", redactor.scrub(&message)),
        },
    }
}

/// A failure without a usable response.
pub(crate) fn transport_error(mut source: reqwest::Error, exchange: &Exchange) -> Error {
    // Default query parameters may be credentials of some proxy: keep only the path.
    if let Some(url) = source.url_mut() {
        url.set_query(None);
    }
    let attempts = exchange.attempts.max(1);
    if source.is_timeout() {
        Error::Timeout {
            attempts,
            deadline_exceeded: exchange.deadline_hit,
            source: Some(source),
        }
    } else {
        Error::Connection { attempts, source }
    }
}

async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body
}

/// The error of an error status, with what its body says.
pub(crate) fn by_status(
    status: StatusCode,
    body: Option<types::ErrorResponse>,
    retry_after: Option<Duration>,
    exchange: &Exchange,
    redactor: &Redactor,
) -> Error {
    let mut api = ApiError {
        request_id: exchange.request_id.clone(),
        retry_after,
        ..ApiError::with_status(status)
    };
    match body {
        Some(types::ErrorResponse::ErrorEnvelope(envelope)) => {
            api.code = Some(envelope.error.code);
            api.message = redactor.scrub(&envelope.error.message);
            api.kind = envelope.error.type_;
            api.context = envelope.error.context;
            if let Some(id) = envelope.metadata.and_then(|m| m.request_id) {
                api.request_id = Some(id);
            }
        }
        Some(types::ErrorResponse::PlainError(plain)) => {
            api.message = redactor.scrub(plain.message.as_deref().unwrap_or(&plain.error));
            api.kind = Some(plain.error);
            api.field_errors = plain.errors;
            api.limits = plain.limits;
            if api.retry_after.is_none() {
                api.retry_after = plain.retry_after.map(Duration::from_secs);
            }
        }
        None => {}
    }
    let api = Box::new(api);
    match status.as_u16() {
        400 | 422 => Error::BadRequest(api),
        401 => Error::Authentication(api),
        403 => Error::PermissionDenied(api),
        404 if api.code.as_deref() == Some(crate::offered::ROUTE_NOT_FOUND) => {
            not_offered(exchange, api)
        }
        404 => Error::NotFound(api),
        409 => Error::Conflict(api),
        429 => Error::RateLimited(api),
        503 => Error::ServiceUnavailable(api),
        500..=599 => Error::Server(api),
        _ => Error::Api(api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_cut_on_a_character_and_scrubbed() {
        let redactor = Redactor::new(Some("sk-0123456789abcdef0123456789abcdef"));
        let body = format!(
            "{}{}",
            "é".repeat(300),
            "sk-0123456789abcdef0123456789abcdef"
        );
        let text = excerpt(body.as_bytes(), &redactor);
        assert!(text.len() <= EXCERPT_BYTES + '…'.len_utf8());
        assert!(text.ends_with('…'));
        let short = excerpt(b"key sk-0123456789abcdef0123456789abcdef here", &redactor);
        assert_eq!(short, "key <redacted> here");
    }
}
