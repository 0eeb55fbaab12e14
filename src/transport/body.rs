//! A response body read into memory within the client's cap, and the answer a call ends
//! with: read once here, then shown to the observer, recorded for the error mapping and
//! handed to the generated decoder from the same bytes.

use std::fmt;

use bytes::Bytes;
use reqwest::ResponseBuilderExt;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A response body past the client's cap; the source of the `reqwest::Error` the
/// transport returns for it, which the facade turns into
/// [`crate::Error::ResponseTooLarge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) status: StatusCode,
    pub(crate) limit: u64,
    pub(crate) received_at_least: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body is larger than the limit of {} bytes (at least {} bytes)",
            self.status.as_u16(),
            self.limit,
            self.received_at_least
        )
    }
}

impl std::error::Error for TooLarge {}

/// A response as the attempts leave it: its body in memory, or not read (an event
/// stream, whose body is open-ended).
pub(crate) enum Answer {
    Read(Buffered),
    Unread(reqwest::Response),
}

impl Answer {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Answer::Read(read) => read.status,
            Answer::Unread(response) => response.status(),
        }
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Read(read) => &read.headers,
            Answer::Unread(response) => response.headers(),
        }
    }

    /// The response for the generated decoder (which takes nothing else).
    pub(crate) fn into_response(self) -> reqwest::Response {
        match self {
            Answer::Read(read) => read.into_response(),
            Answer::Unread(response) => response,
        }
    }
}

/// Why a body was not read into memory.
pub(crate) enum Unread {
    /// It was cut (or timed out) while read.
    Cut(reqwest::Error),
    /// It is longer than the cap: the result to end the call with (an error whose source
    /// is a [`TooLarge`]).
    TooLarge(Box<reqwest::Result<Answer>>),
}

/// A response whose body was read into memory.
pub(crate) struct Buffered {
    pub(crate) status: StatusCode,
    version: http::Version,
    url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    extensions: http::Extensions,
    pub(crate) body: Bytes,
}

/// Reads `response`'s body, at most `limit` bytes, into memory.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Buffered, Unread> {
    let status = response.status();
    let too_large = |received_at_least| TooLarge {
        status,
        limit,
        received_at_least,
    };
    // A declared length over the cap is refused before a byte is read.
    let declared = response.content_length();
    if let Some(length) = declared
        && length > limit
    {
        return Err(Unread::TooLarge(Box::new(
            too_large_error(too_large(length)).await,
        )));
    }
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    let extensions = std::mem::take(response.extensions_mut());
    // The usual body arrives in one chunk: it is kept as is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut received = 0u64;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => return Err(Unread::Cut(error)),
        };
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            return Err(Unread::TooLarge(Box::new(
                too_large_error(too_large(received)).await,
            )));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            Some(previous) => {
                let hint = declared.unwrap_or(0).min(limit) as usize;
                joined.reserve(hint.max(previous.len() + chunk.len()));
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&chunk);
            }
            None => joined.extend_from_slice(&chunk),
        }
    }
    Ok(Buffered {
        status,
        version,
        url,
        headers,
        extensions,
        body: first.unwrap_or_else(|| Bytes::from(joined)),
    })
}

impl Buffered {
    /// The response again, its body read from memory.
    fn into_response(self) -> reqwest::Response {
        // The response keeps its URL (errors name it); without one reqwest would parse a
        // placeholder URL for every response. The builder is the only way to attach it; it
        // goes into the response's own extensions (the connection's info among them), so no
        // second map is made.
        let mut builder = http::Response::builder();
        if let Some(slot) = builder.extensions_mut() {
            *slot = self.extensions;
        }
        let mut parts = match builder.url(self.url).body(()) {
            Ok(carrier) => carrier.into_parts().0,
            // Nothing was set that the builder could refuse; still, never panic.
            Err(_) => http::Response::new(()).into_parts().0,
        };
        parts.status = self.status;
        parts.version = self.version;
        parts.headers = self.headers;
        reqwest::Response::from(http::Response::from_parts(parts, self.body))
    }
}

/// The result for a body over the cap: a `reqwest::Error` whose source is `cause` (`exec`
/// can only fail with a `reqwest::Error`, and reqwest makes one of a failing body). Off
/// the hot path: only a refused body gets here.
async fn too_large_error(cause: TooLarge) -> reqwest::Result<Answer> {
    let status = cause.status;
    let body = reqwest::Body::wrap_stream(futures::stream::once(async move {
        Err::<Bytes, TooLarge>(cause)
    }));
    let failing = reqwest::Response::from(http::Response::new(body));
    // Reading a body whose only item is an error fails; the `Ok` arm cannot happen and
    // gives an empty response of the status rather than a panic.
    failing.bytes().await.map(|_| {
        let mut empty = http::Response::new(Bytes::new());
        *empty.status_mut() = status;
        Answer::Unread(reqwest::Response::from(empty))
    })
}
