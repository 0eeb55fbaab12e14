//! One error type for everything the facade does.
//!
//! API errors are sorted by status ([`Error::BadRequest`] ... [`Error::RateLimited`]),
//! each with the gateway's answer as an [`ApiError`]; the other variants say what failed
//! without a usable answer.
//!
//! ```
//! # async fn run(client: connectors::Connectors) {
//! use connectors::Error;
//!
//! match client.tools().invoke("github.createPullRequest", serde_json::json!({"repo": "o/r"})).await {
//!     Ok(result) => println!("{}", result.text()),
//!     Err(Error::RateLimited(e)) => println!("slow down; retry in {:?}", e.retry_after),
//!     // An unknown tool, whichever call named it (invoke, get, batch, stream).
//!     Err(Error::NotFound(e)) => println!("no such tool: {}", e.message),
//!     Err(Error::ToolInvocation { tool_id, message, .. }) => println!("{tool_id} failed: {message}"),
//!     Err(e) => println!("{e} (status {:?}, code {:?})", e.status(), e.code()),
//! }
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
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
    /// [`Error::NotOffered`]). An unknown tool is this error through every call that names
    /// a tool: invoke, get, a batch's item, a streamed invocation.
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
    /// The client and its clones remember a refusal once it is confirmed (a second
    /// request answered the same; one `ROUTE_NOT_FOUND` may come from a proxy or a
    /// misrouted request), for 10 minutes or until the operation succeeds: meanwhile its
    /// calls fail at once with it, without a request. Only extension operations are
    /// remembered; a `ROUTE_NOT_FOUND` for one of the original gateway's own operations
    /// (`invokeTool`, `selectTools`, ...) is this error for that call alone. Where the
    /// gateway's own routes hold the same facts, the facade answers from them instead,
    /// and says so once per client in a `tracing` event (level INFO); where they cannot
    /// tell (the original gateway's catalog is empty), the answer is this error, never
    /// an empty list or a made-up [`Error::NotFound`]:
    ///
    /// | call | missing route | answered from | when that cannot tell |
    /// |---|---|---|---|
    /// | [`mcp().list()`](crate::mcp::Mcp::list), its `stream()` | `GET /mcp/servers` | `GET /mcp/custom` (the caller's tenant's servers) plus the catalog `GET /tools/list`, grouped by the server part of the tool ids | |
    /// | [`mcp().server(name).info()`](crate::mcp::Server::info) | `GET /mcp/servers/{name}` | the same listing | a name in neither: this error |
    /// | [`mcp().server(name).tools()`](crate::mcp::Server::tools) | `GET /mcp/servers/{name}/tools` | the catalog, filtered by the server part of the tool ids | no tool of the server in the catalog: this error |
    /// | [`tools().get(id)`](crate::tools::Tools::get) | `GET /tools/{toolId}` | the catalog | a tool not in it: this error |
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
    /// A keyed operation (a tool invocation, a deployment, a removal, a write) failed in a
    /// way that leaves open whether the gateway ran it, and was not repeated: see the
    /// table in [`crate::retry`].
    ///
    /// Not transient: re-sending with a *new* key could run the tool twice. Check the
    /// effect. Only where the gateway honours idempotency keys (`keys_honoured` is
    /// `Some(true)`, see [`Connectors::idempotency_keys_honoured`](crate::Connectors::idempotency_keys_honoured))
    /// may it be re-sent with the same key
    /// ([`InvokeTool::idempotency_key`](crate::tools::InvokeTool::idempotency_key)), which
    /// such a gateway answers with the first result; a gateway that ignores keys (the
    /// original one, measured) runs it again. The message says which applies.
    ///
    /// The gateway's own word on the key is the source's [`code`](Error::code) (a 409):
    /// - `IDEMPOTENCY_KEY_IN_USE`: the key's first request was still running when the
    ///   retries (or the wait the gateway asked for) ran out; re-sending later with the
    ///   same key gets its outcome.
    /// - `IDEMPOTENCY_RESULT_NOT_RETAINED`: the operation **ran**, but its answer was too
    ///   large for the gateway to keep: it is lost. The same key never runs it again (and
    ///   gets this answer again); a new key runs it again.
    /// - `IDEMPOTENCY_OUTCOME_IN_DOUBT`: the key's first attempt began and the gateway
    ///   cannot know whether it completed (the replica running it died). The same key
    ///   never runs it again (and gets this answer again).
    ///
    /// A 404 or a 409 after an earlier attempt that may have run (a retry the caller
    /// opted into on a gateway that ignores keys) is this error too, with the 404 or 409
    /// as its source: a removal that finds nothing left may have been done by the earlier
    /// attempt.
    ///
    /// ```
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// use connectors::Error;
    ///
    /// let params = serde_json::json!({"title": "Fix"});
    /// match client.tools().invoke("github.createIssue", params.clone()).await {
    ///     Err(e @ Error::OutcomeUnknown { .. }) if e.code() == Some("IDEMPOTENCY_RESULT_NOT_RETAINED") => {
    ///         // It ran; only its answer is lost. Look at its effect instead.
    ///         println!("{e}");
    ///     }
    ///     Err(Error::OutcomeUnknown { idempotency_key: Some(key), keys_honoured: Some(true), .. }) => {
    ///         // The same key: a gateway that honours it does not run the tool again.
    ///         client.tools().invoke("github.createIssue", params).idempotency_key(key).await?;
    ///     }
    ///     other => {
    ///         other?;
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[error("{}", outcome_unknown_text(operation, idempotency_key.as_deref(), *keys_honoured, *attempts, source))]
    OutcomeUnknown {
        /// The spec's `operationId` (`invokeTool`, `removeCustomServer`, ...).
        operation: String,
        /// The `Idempotency-Key` every attempt carried; re-send with it only where
        /// `keys_honoured` is `Some(true)`.
        idempotency_key: Option<String>,
        /// Whether the gateway honours idempotency keys, as the client knew when the call
        /// failed ([`Connectors::idempotency_keys_honoured`](crate::Connectors::idempotency_keys_honoured)):
        /// re-sending with the same key is safe only when `Some(true)`.
        keys_honoured: Option<bool>,
        /// Attempts made.
        attempts: u32,
        /// The failure of the last attempt.
        #[source]
        source: Box<Error>,
    },
    /// A response body was longer than
    /// [`ConnectorsBuilder::max_response_bytes`](crate::ConnectorsBuilder::max_response_bytes)
    /// (default 32 MiB); the rest was not read.
    #[error(
        "the {status} response is larger than the limit of {limit} bytes (at least {received_at_least} bytes); raise the limit (CONNECTORS_MAX_RESPONSE_BYTES) to accept it"
    )]
    ResponseTooLarge {
        /// The response status.
        status: StatusCode,
        /// The cap in bytes.
        limit: u64,
        /// The bytes received (or declared by `Content-Length`) when it was refused.
        received_at_least: u64,
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
    /// for, so the stream over its pages ends here rather than repeat items without end.
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
    /// A tool could not be run (the gateway refused its arguments, or failed calling
    /// it), or reported an error of its own (`isError`, through
    /// [`ToolResult::into_result`](crate::tools::ToolResult::into_result) and typed calls).
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
    /// A tool came without its input schema, so no definition a model could use can be
    /// made of it (a definition with empty parameters would have the model call it
    /// without its arguments).
    #[error(
        "no input schema is known for tool {tool_id}: the gateway sent none and could not give it, so the tool cannot be described to a model"
    )]
    SchemaUnavailable {
        /// The tool.
        tool_id: String,
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
    /// A stream ended before its final event: a streamed invocation without its `result`
    /// or `error` event (the body ended, was cut, fell silent or sent an event past
    /// [`crate::events::MAX_EVENT_BYTES`]; `source` says which), or the gateway's event
    /// stream in the middle of an event.
    ///
    /// For an invocation the tool may have run, or may still be running: the error is not
    /// transient ([`Error::is_transient`]), as invoking the tool again may run it twice.
    #[error(
        "the {operation} stream{} ended early, after {events_received} event(s){}{}",
        tool_id.as_deref().map(|t| format!(" of {t}")).unwrap_or_default(),
        source.as_deref().map(|e| format!(" ({e})")).unwrap_or_default(),
        if *may_have_run { ", without the tool's result or error: the tool may have run, so invoking it again may run it twice" } else { "" }
    )]
    StreamEnded {
        /// The spec's `operationId` (`invokeToolStream`, `streamEvents`).
        operation: String,
        /// The tool of a streamed invocation.
        tool_id: Option<String>,
        /// The events received before the end.
        events_received: u64,
        /// The call may have had its effect (a tool invocation).
        may_have_run: bool,
        /// What ended the stream, when it did not just end: the transport error, the idle
        /// timeout, or [`Error::EventTooLarge`].
        #[source]
        source: Option<Box<Error>>,
    },
    /// A server-sent line or event was longer than `limit` bytes
    /// ([`crate::events::MAX_EVENT_BYTES`]); the stream stopped there without reading the
    /// rest.
    #[error("a server-sent event larger than {limit} bytes; the stream was stopped")]
    EventTooLarge {
        /// The limit in bytes.
        limit: usize,
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
    pub error_type: Option<String>,
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
    /// The answer is a replay (`Idempotent-Replayed: true`): the first outcome of the
    /// call's idempotency key, given again instead of running the operation again. It is
    /// final for that key: re-sending with the same key gets it again, so it is not
    /// transient ([`Error::is_transient`]) even when its status is a 5xx.
    pub replayed: bool,
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
            error_type: None,
            context: serde_json::Map::new(),
            field_errors: Vec::new(),
            request_id: None,
            retry_after: None,
            limits: None,
            replayed: false,
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
        if self.replayed {
            f.write_str(" (replayed: the first outcome of this idempotency key)")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {:.1} s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

/// The message of [`Error::OutcomeUnknown`]: what is known of the run, and what
/// re-sending does, by the gateway's word on the key (the source's code) and whether the
/// gateway honours keys.
fn outcome_unknown_text(
    operation: &str,
    key: Option<&str>,
    keys_honoured: Option<bool>,
    attempts: u32,
    source: &Error,
) -> String {
    let with_key = key.map(|k| format!(" {k}")).unwrap_or_default();
    let unknown = format!("the outcome of {operation} is unknown after {attempts} attempt(s)");
    match source.code() {
        Some(crate::transport::RESULT_NOT_RETAINED) => format!(
            "{operation} ran on the gateway, but its answer is lost: it was too large for the gateway to keep for the idempotency key{with_key} ({source}); re-sending with that key does not run it again and gets this answer again, and a new key runs it again: check its effect"
        ),
        Some(crate::transport::OUTCOME_IN_DOUBT) => format!(
            "{unknown}: the gateway began it for the idempotency key{with_key} and cannot tell whether it completed ({source}); re-sending with that key does not run it again and gets this answer again, and a new key may run it twice: check its effect"
        ),
        Some(crate::transport::KEY_IN_USE) => format!(
            "{unknown}: the gateway is still running it for the idempotency key{with_key} ({source}); re-send it later with the same key to get its outcome, never with a new one"
        ),
        _ => {
            let how = match source.status().map(|s| s.as_u16()) {
                Some(404 | 409) => format!(
                    "an earlier attempt may have run it, and this answer may be that attempt's effect ({source})"
                ),
                _ => format!("it may have run on the gateway ({source})"),
            };
            let advice = match (key, keys_honoured) {
                (Some(key), Some(true)) => format!(
                    "re-send it only with the same idempotency key {key}, which this gateway honours"
                ),
                (_, Some(false)) => "this gateway ignores idempotency keys, so re-sending may run it again: check its effect before re-sending".to_string(),
                _ => "this gateway is not known to honour idempotency keys, so re-sending may run it again: check its effect before re-sending".to_string(),
            };
            format!("{unknown}: {how}; {advice}")
        }
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
        // The name is the variant's own, by construction; the match stays exhaustive.
        macro_rules! names {
            ($error:expr; $($variant:ident)*) => {
                match $error {
                    $(Error::$variant { .. } => stringify!($variant),)*
                }
            };
        }
        names! {
            self;
            BadRequest Authentication PermissionDenied NotFound Conflict RateLimited Server
            ServiceUnavailable Api NotOffered Timeout Connection OutcomeUnknown
            ResponseTooLarge Config InvalidInput Decode UnexpectedResponse Paging
            ToolSelection ToolInvocation SchemaUnavailable Deployment DeploymentTimeout
            StreamEnded EventTooLarge
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
            Error::ToolSelection { source, .. } | Error::OutcomeUnknown { source, .. } => {
                source.api_error()
            }
            Error::ToolInvocation {
                source: Some(source),
                ..
            } => source.api_error(),
            // Listed, not `_`: a new variant must say whether it carries an answer.
            Error::ToolInvocation { source: None, .. }
            | Error::Timeout { .. }
            | Error::Connection { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Decode { .. }
            | Error::UnexpectedResponse { .. }
            | Error::Paging { .. }
            | Error::SchemaUnavailable { .. }
            | Error::Deployment { .. }
            | Error::DeploymentTimeout { .. }
            | Error::StreamEnded { .. }
            | Error::EventTooLarge { .. } => None,
        }
    }

    /// The HTTP status of the response behind the error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::OutcomeUnknown { source, .. } => source.status(),
            // Listed, not `_`: a new variant with a status of its own must say so here.
            Error::BadRequest(_)
            | Error::Authentication(_)
            | Error::PermissionDenied(_)
            | Error::NotFound(_)
            | Error::Conflict(_)
            | Error::RateLimited(_)
            | Error::Server(_)
            | Error::ServiceUnavailable(_)
            | Error::Api(_)
            | Error::NotOffered { .. }
            | Error::Timeout { .. }
            | Error::Connection { .. }
            | Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Paging { .. }
            | Error::ToolSelection { .. }
            | Error::ToolInvocation { .. }
            | Error::SchemaUnavailable { .. }
            | Error::Deployment { .. }
            | Error::DeploymentTimeout { .. }
            | Error::StreamEnded { .. }
            | Error::EventTooLarge { .. } => self.api_error().map(|e| e.status),
        }
    }

    /// The gateway's (or the tool's) error code.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::ToolInvocation {
                code: Some(code), ..
            } => Some(code),
            // Listed, not `_`: a new variant with a code of its own must say so here.
            Error::ToolInvocation { code: None, .. }
            | Error::BadRequest(_)
            | Error::Authentication(_)
            | Error::PermissionDenied(_)
            | Error::NotFound(_)
            | Error::Conflict(_)
            | Error::RateLimited(_)
            | Error::Server(_)
            | Error::ServiceUnavailable(_)
            | Error::Api(_)
            | Error::NotOffered { .. }
            | Error::Timeout { .. }
            | Error::Connection { .. }
            | Error::OutcomeUnknown { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Decode { .. }
            | Error::UnexpectedResponse { .. }
            | Error::Paging { .. }
            | Error::ToolSelection { .. }
            | Error::SchemaUnavailable { .. }
            | Error::Deployment { .. }
            | Error::DeploymentTimeout { .. }
            | Error::StreamEnded { .. }
            | Error::EventTooLarge { .. } => self.api_error().and_then(|e| e.code.as_deref()),
        }
    }

    /// The request id, to quote when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::UnexpectedResponse { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            // Listed, not `_`: a new variant with a request id of its own must say so here.
            Error::BadRequest(_)
            | Error::Authentication(_)
            | Error::PermissionDenied(_)
            | Error::NotFound(_)
            | Error::Conflict(_)
            | Error::RateLimited(_)
            | Error::Server(_)
            | Error::ServiceUnavailable(_)
            | Error::Api(_)
            | Error::NotOffered { .. }
            | Error::Timeout { .. }
            | Error::Connection { .. }
            | Error::OutcomeUnknown { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Paging { .. }
            | Error::ToolSelection { .. }
            | Error::ToolInvocation { .. }
            | Error::SchemaUnavailable { .. }
            | Error::Deployment { .. }
            | Error::DeploymentTimeout { .. }
            | Error::StreamEnded { .. }
            | Error::EventTooLarge { .. } => self.api_error().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// How long the gateway asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.retry_after)
    }

    /// Whether the failure is transient (a retry later may succeed): timeouts,
    /// connection failures, the statuses 408, 429, 500, 502, 503 and 504, and a stream
    /// that ended early when nothing may have run ([`Error::StreamEnded`]).
    ///
    /// Never [`Error::OutcomeUnknown`] (its operation may have run: a retry with a new
    /// key may run it twice), [`Error::ResponseTooLarge`], nor a replayed answer
    /// ([`ApiError::replayed`]: the key's first outcome, which the same key gets again).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::OutcomeUnknown { .. } | Error::ResponseTooLarge { .. } => false,
            _ if self.api_error().is_some_and(|e| e.replayed) => false,
            Error::Timeout { .. } | Error::Connection { .. } => true,
            // A tool that may have run is not retried blindly.
            Error::StreamEnded { may_have_run, .. } => !may_have_run,
            // Listed, not `_`: a new variant must say whether it is transient (the guard
            // above does not count towards exhaustiveness).
            Error::BadRequest(_)
            | Error::Authentication(_)
            | Error::PermissionDenied(_)
            | Error::NotFound(_)
            | Error::Conflict(_)
            | Error::RateLimited(_)
            | Error::Server(_)
            | Error::ServiceUnavailable(_)
            | Error::Api(_)
            | Error::NotOffered { .. }
            | Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Decode { .. }
            | Error::UnexpectedResponse { .. }
            | Error::Paging { .. }
            | Error::ToolSelection { .. }
            | Error::ToolInvocation { .. }
            | Error::SchemaUnavailable { .. }
            | Error::Deployment { .. }
            | Error::DeploymentTimeout { .. }
            | Error::EventTooLarge { .. } => self
                .status()
                .is_some_and(crate::transport::classify::transient_status),
        }
    }

    /// Whether the gateway refused because no OAuth credentials are stored for the
    /// integration (401 `OAUTH_AUTHENTICATION_FAILED`): the original gateway invokes every
    /// tool through its OAuth proxy, so a tool it has no credentials for answers this,
    /// whether or not the tool exists. No API route stores such credentials (its Vault
    /// holds them after an OAuth flow run by the gateway's operator); an OAuth client
    /// configuration ([`OAuthConfig::set`](crate::tenants::OAuthConfig::set)) is not them.
    pub fn needs_oauth_credentials(&self) -> bool {
        self.code() == Some("OAUTH_AUTHENTICATION_FAILED")
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

/// The text that stands in for a removed secret.
const REDACTED: &str = "<redacted>";

/// The shortest API key removed from text: shorter values would redact ordinary words,
/// and keys are 32+ characters anyway.
const MIN_KEY_BYTES: usize = 8;

/// The shortest tool argument string value removed from text: shorter ones (`"a"`,
/// `"42"`) would shred ordinary words of a message.
pub(crate) const MIN_ARGUMENT_CHARS: usize = 4;

/// Removes secrets from text that came from outside (bodies, messages, context values,
/// serde's messages, which quote the offending value): the API key, and for a tool call
/// the string values of its arguments unless the caller opted in.
///
/// A tool call's redactor is made for every call but used only when the call fails, so
/// it keeps the argument values as they are; the forms to look for (escaped, quoted) are
/// worked out when there is text to scrub.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// The client's secrets, in every form, longest first.
    secrets: Arc<Vec<String>>,
    /// A tool call's argument values, as given.
    arguments: Arc<Vec<String>>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    pub(crate) fn new(secret: Option<&str>) -> Self {
        Redactor {
            secrets: Arc::new(forms(secret.filter(|s| s.len() >= MIN_KEY_BYTES))),
            arguments: Arc::default(),
        }
    }

    /// This redactor, also removing the string values (at any depth) of `arguments`.
    pub(crate) fn with_arguments(&self, arguments: &ToolArguments) -> Self {
        let mut values = Vec::new();
        for value in arguments.as_map().values() {
            collect_strings(value, &mut values);
        }
        let values = values
            .into_iter()
            .filter(|v| v.chars().count() >= MIN_ARGUMENT_CHARS)
            .map(str::to_string)
            .collect();
        Redactor {
            secrets: self.secrets.clone(),
            arguments: Arc::new(values),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.arguments.is_empty()
    }

    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = std::borrow::Cow::Borrowed(text);
        let arguments;
        let all: &[String] = if self.arguments.is_empty() {
            &self.secrets
        } else {
            let mut both = forms(self.arguments.iter().map(String::as_str));
            both.extend(self.secrets.iter().cloned());
            both.sort_by_key(|s| std::cmp::Reverse(s.len()));
            arguments = both;
            &arguments
        };
        for secret in all {
            if text.contains(secret.as_str()) {
                text = std::borrow::Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text.into_owned()
    }

    /// `value` with every string (and object key) scrubbed, at any depth.
    pub(crate) fn scrub_value(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(self.scrub(&s)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.scrub_value(v)).collect())
            }
            Value::Object(map) => Value::Object(self.scrub_map(map)),
            other => other,
        }
    }

    /// `map` with its keys and values scrubbed, at any depth.
    pub(crate) fn scrub_map(
        &self,
        map: serde_json::Map<String, serde_json::Value>,
    ) -> serde_json::Map<String, serde_json::Value> {
        if self.is_empty() {
            return map;
        }
        map.into_iter()
            .map(|(k, v)| (self.scrub(&k), self.scrub_value(v)))
            .collect()
    }

    /// `error` with its message scrubbed: serde quotes the value it could not use, which
    /// can be a secret echoed by the server. An error whose message holds no secret is
    /// kept as it is (with its line, column and category).
    pub(crate) fn scrub_serde(&self, error: serde_json::Error) -> serde_json::Error {
        let text = error.to_string();
        let scrubbed = self.scrub(&text);
        if scrubbed == text {
            error
        } else {
            <serde_json::Error as serde::de::Error>::custom(scrubbed)
        }
    }
}

/// Each secret as it shows: as it is, JSON-escaped in a body, and Debug-escaped in
/// serde's messages (`invalid type: string "..."`); longest first, so that a secret
/// holding a shorter one goes as a whole.
fn forms<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for secret in secrets {
        let json = serde_json::to_string(secret).unwrap_or_default();
        let debug = format!("{secret:?}");
        for form in [secret, unquoted(&json), unquoted(&debug)] {
            if !form.is_empty() && !all.iter().any(|s| s == form) {
                all.push(form.to_string());
            }
        }
    }
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all
}

/// `text` without its first and last character (the quotes of an escaped string).
fn unquoted(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

fn collect_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// [`Error::Decode`] for `body`, with the excerpt and serde's message scrubbed.
pub(crate) fn decode_error(
    status: StatusCode,
    content_type: Option<String>,
    body: &[u8],
    request_id: Option<String>,
    source: serde_json::Error,
    redactor: &Redactor,
) -> Error {
    Error::Decode {
        status,
        content_type,
        body_excerpt: excerpt(body, redactor),
        request_id,
        source: redactor.scrub_serde(source),
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
                decode_error(
                    status,
                    exchange.content_type(),
                    &bytes,
                    exchange.request_id(),
                    source,
                    redactor,
                )
            } else {
                Error::UnexpectedResponse {
                    status,
                    content_type: exchange.content_type(),
                    body_excerpt: excerpt(&bytes, redactor),
                    request_id: exchange.request_id(),
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
                    request_id: exchange.request_id(),
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
            // The transport's `pre` hook did not send a key the header cannot carry.
            None if exchange.invalid_key.is_some() => Error::invalid(
                "idempotency_key",
                exchange.invalid_key.clone().unwrap_or_default(),
            ),
            None if exchange.key_missing => Error::config(
                crate::config::ENV_API_KEY,
                format!(
                    "{} needs an API key and none is set; set CONNECTORS_API_KEY to the gateway's key (the reference gateway prints one at start)",
                    exchange.operation.unwrap_or("the call")
                ),
            ),
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
    if let Some(cause) = too_large_cause(&source) {
        return Error::ResponseTooLarge {
            status: cause.status,
            limit: cause.limit,
            received_at_least: cause.received_at_least,
        };
    }
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

/// The transport's refusal of a body over the cap, somewhere in `error`'s sources.
fn too_large_cause(error: &reqwest::Error) -> Option<crate::transport::TooLarge> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = next {
        if let Some(cause) = error.downcast_ref::<crate::transport::TooLarge>() {
            return Some(*cause);
        }
        next = error.source();
    }
    None
}

/// [`Error::OutcomeUnknown`] around `error` when the transport found that the call's
/// keyed operation may have run (see [`crate::retry`]).
pub(crate) fn outcome_unknown(
    error: Error,
    exchange: &Exchange,
    keys_honoured: Option<bool>,
) -> Error {
    // A route the gateway lacks (404 `ROUTE_NOT_FOUND`) ran nothing, whatever came before.
    if !exchange.outcome_unknown
        || matches!(
            error,
            Error::ResponseTooLarge { .. } | Error::NotOffered { .. }
        )
    {
        return error;
    }
    Error::OutcomeUnknown {
        operation: exchange.operation.unwrap_or(UNKNOWN_OPERATION).to_string(),
        idempotency_key: exchange.idempotency_key(),
        keys_honoured,
        attempts: exchange.attempts.max(1),
        source: Box::new(error),
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
        request_id: exchange.request_id(),
        retry_after,
        replayed: exchange.replayed,
        ..ApiError::with_status(status)
    };
    match body {
        // Every string of the body can echo a secret, not only the message.
        Some(types::ErrorResponse::ErrorEnvelope(envelope)) => {
            api.code = Some(redactor.scrub(&envelope.error.code));
            api.message = redactor.scrub(&envelope.error.message);
            api.error_type = envelope.error.type_.map(|t| redactor.scrub(&t));
            api.context = redactor.scrub_map(envelope.error.context);
            if let Some(id) = envelope.metadata.and_then(|m| m.request_id) {
                api.request_id = Some(redactor.scrub(&id));
            }
        }
        Some(types::ErrorResponse::PlainError(plain)) => {
            api.message = redactor.scrub(plain.message.as_deref().unwrap_or(&plain.error));
            api.error_type = Some(redactor.scrub(&plain.error));
            api.field_errors = plain
                .errors
                .into_iter()
                .map(|e| types::FieldError {
                    field: redactor.scrub(&e.field),
                    message: redactor.scrub(&e.message),
                })
                .collect();
            api.limits = plain.limits.map(|mut limits| {
                limits.scope = limits.scope.map(|s| redactor.scrub(&s));
                limits.window = limits.window.map(|w| redactor.scrub(&w));
                limits
            });
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
