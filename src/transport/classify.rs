//! The retry rule: what one attempt's answer or failure means, as one pure function.
//!
//! [`classify`] is the only place that knows which statuses and failures are transient and
//! how far a failed attempt got; the attempt loop ([`super::attempts`]) only acts on its
//! [`Verdict`] (wait, try again, or end the call), and the facade's
//! [`Error::is_transient`](crate::Error::is_transient) asks [`transient_status`]. The
//! table of [`crate::retry`]'s documentation is the same rule in prose; the test at the
//! end of this file walks its rows.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use super::keys::is_replayed;

/// The codes of a 409 by which a gateway that honours keys says why it does not give a
/// key's first outcome (see `IdempotencyConflict` in `openapi.yaml`).
pub(crate) const KEY_IN_USE: &str = "IDEMPOTENCY_KEY_IN_USE";
/// The operation ran for the key, but its answer was too large for the gateway to keep.
pub(crate) const RESULT_NOT_RETAINED: &str = "IDEMPOTENCY_RESULT_NOT_RETAINED";
/// The key's first attempt began, and the gateway cannot know whether it completed.
pub(crate) const OUTCOME_IN_DOUBT: &str = "IDEMPOTENCY_OUTCOME_IN_DOUBT";

const SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");
const RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// What an attempt met.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seen<'a> {
    /// No response: the request failed.
    Failure(&'a reqwest::Error),
    /// A response: its status, its headers, and its body when it was read (a keyed 409
    /// is decided by the body's `error.code`).
    Answer {
        status: StatusCode,
        headers: &'a HeaderMap,
        body: Option<&'a [u8]>,
    },
    /// The response's body was cut (or timed out) while read.
    BodyCut,
}

/// How far a failed attempt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reached {
    /// Nothing was processed: the connection was never made, or the gateway refused to
    /// start (429, 408, 503 with a wait, or `x-should-retry: true`).
    Nothing,
    /// The request may have been processed: a timeout or the connection lost after
    /// sending, a body cut, 500, 502, 504 or a 503 without a wait.
    Maybe,
    /// The gateway did not run this attempt because the key's first request is still
    /// running (409 `IDEMPOTENCY_KEY_IN_USE`): the same key later gets its outcome.
    KeyInUse,
}

/// What the call does with what an attempt met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The answer stands: a success, a definite refusal, a replay, a failure no retry
    /// cures.
    Final,
    /// The gateway will not give a keyed call's outcome, which may exist (409
    /// `IDEMPOTENCY_RESULT_NOT_RETAINED` or `IDEMPOTENCY_OUTCOME_IN_DOUBT`).
    FinalUnknown,
    /// A keyed 409 whose body was not read: its `error.code` decides; classify again with
    /// the body.
    NeedsCode,
    /// Another attempt may cure it.
    Transient(Reached),
}

/// The verdict on what one attempt of a call met; `keyed` says whether the operation may
/// have side effects ([`crate::operations::RetryClass::Keyed`]).
pub(crate) fn classify(seen: Seen<'_>, keyed: bool) -> Verdict {
    let (status, headers, body) = match seen {
        // A connect error (refused, DNS, TLS handshake, connect timeout) happens before the
        // request is sent.
        Seen::Failure(error) if error.is_connect() => return Verdict::Transient(Reached::Nothing),
        Seen::Failure(error)
            if error.is_timeout() || (error.is_request() && !error.is_builder()) =>
        {
            return Verdict::Transient(Reached::Maybe);
        }
        Seen::Failure(_) => return Verdict::Final,
        Seen::BodyCut => return Verdict::Transient(Reached::Maybe),
        Seen::Answer {
            status,
            headers,
            body,
        } => (status, headers, body),
    };
    // A replay is the key's first outcome, which the same key gets however often it asks.
    if is_replayed(headers) {
        return Verdict::Final;
    }
    let should_retry = should_retry(headers);
    if keyed && status == StatusCode::CONFLICT && should_retry != Some(true) {
        let Some(body) = body else {
            return Verdict::NeedsCode;
        };
        return match error_code(body).as_deref() {
            None => Verdict::Final,
            // `x-should-retry: false` forbids the retry, not the doubt.
            Some(KEY_IN_USE) if should_retry == Some(false) => Verdict::FinalUnknown,
            Some(KEY_IN_USE) => Verdict::Transient(Reached::KeyInUse),
            Some(RESULT_NOT_RETAINED | OUTCOME_IN_DOUBT) => Verdict::FinalUnknown,
            Some(_) => Verdict::Final,
        };
    }
    match should_retry {
        Some(true) => return Verdict::Transient(Reached::Nothing),
        Some(false) => return Verdict::Final,
        None => {}
    }
    if !transient_status(status) {
        return Verdict::Final;
    }
    let asks_to_wait = headers.contains_key(RETRY_AFTER) || headers.contains_key(RETRY_AFTER_MS);
    match status.as_u16() {
        408 | 429 => Verdict::Transient(Reached::Nothing),
        503 if asks_to_wait => Verdict::Transient(Reached::Nothing),
        _ => Verdict::Transient(Reached::Maybe),
    }
}

/// The statuses another attempt may cure, unless the server says otherwise.
pub(crate) fn transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether an answer proves nothing about an earlier attempt that may have run: a
/// transient status or any 5xx, and a 404 or 409 (the earlier attempt's own removal or
/// creation may be what this one met). A replay is the key's first outcome, known.
pub(crate) fn proves_nothing_after_a_possible_run(status: StatusCode, headers: &HeaderMap) -> bool {
    !is_replayed(headers)
        && (transient_status(status)
            || status.is_server_error()
            || matches!(status.as_u16(), 404 | 409))
}

/// The `error.code` of an error envelope.
fn error_code(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Detail,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        code: String,
    }
    serde_json::from_slice::<Envelope>(body)
        .ok()
        .map(|e| e.error.code)
}

/// The server's `x-should-retry: true|false`, which wins over the status rule.
fn should_retry(headers: &HeaderMap) -> Option<bool> {
    match headers
        .get(SHOULD_RETRY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    /// The verdict on an answer; `code` is the `error.code` of its body, when it was read.
    fn answer(
        status: u16,
        pairs: &[(&'static str, &'static str)],
        keyed: bool,
        code: Option<&str>,
    ) -> Verdict {
        let status = StatusCode::from_u16(status).unwrap_or_default();
        let body = code.map(|code| {
            serde_json::json!({"success": false, "error": {"code": code, "message": "m"}})
                .to_string()
        });
        classify(
            Seen::Answer {
                status,
                headers: &headers(pairs),
                body: body.as_deref().map(str::as_bytes),
            },
            keyed,
        )
    }

    use Reached::*;
    use Verdict::*;

    /// The rows of the table in `crate::retry`'s documentation, in its order; the
    /// failures without a response (connect errors, timeouts) are in
    /// `tests/facade_retries.rs` and `tests/facade_idempotency.rs`, which make real ones.
    #[test]
    fn the_rule_is_the_documented_table() {
        let wait = [("retry-after", "1")];
        let wait_ms = [("retry-after-ms", "100")];
        let replayed = [("idempotent-replayed", "true")];
        let retry_yes = [("x-should-retry", "true")];
        let retry_no = [("x-should-retry", "false")];
        for keyed in [false, true] {
            // 429, 408, 503 with a wait, `x-should-retry: true`: the gateway did not start.
            assert_eq!(answer(429, &[], keyed, None), Transient(Nothing));
            assert_eq!(answer(408, &[], keyed, None), Transient(Nothing));
            assert_eq!(answer(503, &wait, keyed, None), Transient(Nothing));
            assert_eq!(answer(503, &wait_ms, keyed, None), Transient(Nothing));
            assert_eq!(answer(400, &retry_yes, keyed, None), Transient(Nothing));
            assert_eq!(answer(500, &retry_yes, keyed, None), Transient(Nothing));
            // A body cut while read.
            assert_eq!(classify(Seen::BodyCut, keyed), Transient(Maybe));
            // 500, 502, 504, 503 without a wait: it may have run.
            for status in [500, 502, 503, 504] {
                assert_eq!(
                    answer(status, &[], keyed, None),
                    Transient(Maybe),
                    "{status}"
                );
            }
            // A replay, whatever its status.
            for status in [200, 404, 408, 409, 429, 500, 502, 503, 504] {
                assert_eq!(answer(status, &replayed, keyed, None), Final, "{status}");
            }
            // Other 4xx, other 5xx, `x-should-retry: false`, a success.
            for status in [200, 201, 400, 401, 403, 404, 422, 501, 505] {
                assert_eq!(answer(status, &[], keyed, None), Final, "{status}");
            }
            assert_eq!(answer(503, &retry_no, keyed, None), Final);
        }
        // A safe operation's 409 is the gateway's answer.
        assert_eq!(answer(409, &[], false, None), Final);
        // A keyed 409: the body's code decides.
        assert_eq!(answer(409, &[], true, None), NeedsCode);
        assert_eq!(
            answer(409, &[], true, Some(KEY_IN_USE)),
            Transient(KeyInUse)
        );
        assert_eq!(answer(409, &retry_no, true, Some(KEY_IN_USE)), FinalUnknown);
        assert_eq!(
            answer(409, &[], true, Some(RESULT_NOT_RETAINED)),
            FinalUnknown
        );
        assert_eq!(answer(409, &[], true, Some(OUTCOME_IN_DOUBT)), FinalUnknown);
        assert_eq!(answer(409, &[], true, Some("ALREADY_EXISTS")), Final);
        let not_an_envelope = Seen::Answer {
            status: StatusCode::CONFLICT,
            headers: &HeaderMap::new(),
            body: Some(b"conflict"),
        };
        assert_eq!(classify(not_an_envelope, true), Final);
        assert_eq!(answer(409, &retry_yes, true, None), Transient(Nothing));
    }

    #[test]
    fn what_proves_nothing_after_an_attempt_that_may_have_run() {
        let status = |c| StatusCode::from_u16(c).unwrap_or_default();
        let none = HeaderMap::new();
        for c in [404, 408, 409, 429, 500, 501, 502, 503, 504] {
            assert!(proves_nothing_after_a_possible_run(status(c), &none), "{c}");
        }
        for c in [200, 201, 400, 401, 403, 422] {
            assert!(
                !proves_nothing_after_a_possible_run(status(c), &none),
                "{c}"
            );
        }
        let replayed = headers(&[("idempotent-replayed", "true")]);
        assert!(!proves_nothing_after_a_possible_run(status(500), &replayed));
    }
}
