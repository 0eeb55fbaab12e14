//! The gateway's responses as they arrived, before the client decodes them.
//!
//! A client built with [`ConnectorsBuilder::observe_responses`](crate::ConnectorsBuilder::observe_responses)
//! hands the final response of every call (after retries) to a function of yours, with
//! its status, headers and raw body. Contract tests use it to validate bodies against
//! `openapi.yaml` more strictly than the lenient decoder; it also serves recording
//! fixtures and debugging a gateway.
//!
//! The body is buffered to be observed, so the decoder then reads it from memory. Event
//! streams are not buffered (they are open-ended): their observation has no body.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::transport::Answer;

/// One response of the gateway, undecoded (see the [module documentation](self)).
///
/// Bodies can hold secrets (tool results, OAuth configuration), so this type has no
/// `Debug` output of the body; print it only where that is safe.
#[derive(Clone, Copy)]
pub struct RawResponse<'a> {
    pub(crate) operation_id: &'a str,
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) attempts: u32,
}

impl<'a> RawResponse<'a> {
    /// The `operationId` of `openapi.yaml` that was called, e.g. `selectTools`.
    pub fn operation_id(&self) -> &'a str {
        self.operation_id
    }

    /// The HTTP method.
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The path template of the operation (`/api/v1/tools/{toolId}`), not the concrete
    /// path, so ids do not leak into what you record.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The status of the final attempt.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The raw body; `None` for an event stream, which is read as it arrives.
    pub fn body(&self) -> Option<&'a [u8]> {
        self.body
    }

    /// How many attempts the call took (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the response declares itself an event stream (`text/event-stream`).
    pub fn is_event_stream(&self) -> bool {
        is_event_stream(self.headers)
    }
}

impl fmt::Debug for RawResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation_id", &self.operation_id)
            .field("method", self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("body_len", &self.body.map(<[u8]>::len))
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The function a client hands its responses to.
#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(&RawResponse<'_>) + Send + Sync>);

impl Observer {
    pub(crate) fn new(f: impl Fn(&RawResponse<'_>) + Send + Sync + 'static) -> Self {
        Observer(Arc::new(f))
    }

    /// Shows the call's final answer to the observer and gives it back: a body the
    /// transport read is shown as it is, and a body it did not read (an operation whose
    /// success is an event stream) is read here unless it is an event stream.
    pub(crate) async fn observe(
        &self,
        answer: Answer,
        operation_id: &str,
        method: &Method,
        path: &str,
        attempts: u32,
    ) -> reqwest::Result<Answer> {
        let status = answer.status();
        let raw = |headers, body| RawResponse {
            operation_id,
            method,
            path,
            status,
            headers,
            body,
            attempts,
        };
        let response = match answer {
            Answer::Read(read) => {
                (self.0)(&raw(&read.headers, Some(&read.body)));
                return Ok(Answer::Read(read));
            }
            Answer::Unread(response) => response,
        };
        if is_event_stream(response.headers()) {
            (self.0)(&raw(response.headers(), None));
            return Ok(Answer::Unread(response));
        }
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        (self.0)(&raw(&headers, Some(&body)));
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(Answer::Unread(reqwest::Response::from(rebuilt)))
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/event-stream"))
}
