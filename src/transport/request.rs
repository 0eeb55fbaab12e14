//! What each attempt's request carries: the call's request id and idempotency key (once
//! per call), the attempt number, and the copy kept for the next attempt.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::keys::random_id;
use super::{ATTEMPT_HEADER, IDEMPOTENCY_HEADER, Policy, REQUEST_ID_HEADER};

const ATTEMPT: HeaderName = HeaderName::from_static(ATTEMPT_HEADER);
const IDEMPOTENCY: HeaderName = HeaderName::from_static(IDEMPOTENCY_HEADER);
const REQUEST_ID: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);

/// Adds what every attempt of the call shares: default query parameters, the trace
/// context when one is set, the request id, and for a keyed operation the idempotency
/// key. Returns the request id and the key, for the call's record.
pub(super) fn prepare(
    request: &mut reqwest::Request,
    policy: &Policy,
    keyed: bool,
) -> (HeaderValue, Option<HeaderValue>) {
    if !policy.default_query.is_empty() {
        let mut pairs = request.url_mut().query_pairs_mut();
        for (name, value) in &policy.default_query {
            pairs.append_pair(name, value);
        }
    }
    let headers = request.headers_mut();
    if let Some(trace) = &policy.trace {
        trace.apply(headers);
    }
    let request_id = headers.entry(REQUEST_ID).or_insert_with(random_id).clone();
    // Generated once per logical call and reused on every attempt, so a gateway that
    // honours it never runs a tool twice. A safe operation (a read, or a POST such as
    // `selectTools` that changes nothing) has nothing to deduplicate.
    let key = keyed.then(|| headers.entry(IDEMPOTENCY).or_insert_with(random_id).clone());
    (request_id, key)
}

/// Numbers the attempt (1 for the first).
pub(super) fn number(request: &mut reqwest::Request, attempt: u32) {
    request
        .headers_mut()
        .insert(ATTEMPT, attempt_value(attempt));
}

/// The attempt number as a header value; the usual ones without an allocation.
fn attempt_value(attempt: u32) -> HeaderValue {
    const SMALL: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get((attempt as usize).wrapping_sub(1)) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(attempt),
    }
}

/// A copy of `request` for the next attempt, or `None` when its body is a stream.
///
/// What `reqwest::Request::try_clone` copies, except the map of extensions it always
/// allocates: the generated client sets none but the timeout, copied here when set.
pub(super) fn retry_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    let body = match request.body() {
        Some(body) => Some(reqwest::Body::from(Bytes::copy_from_slice(
            body.as_bytes()?,
        ))),
        None => None,
    };
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = HeaderMap::clone(request.headers());
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}
