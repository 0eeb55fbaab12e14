//! When a request is tried again, and how long to wait first.
//!
//! Only transient failures are retried: connection errors, timeouts, a body cut while
//! being read, and the statuses 408, 429, 500, 502, 503 and 504; a server's
//! `x-should-retry: true|false` wins over the status rule. The wait is what the server
//! asks for (`retry-after-ms`, or `Retry-After` in seconds or as an HTTP date) up to
//! [`RetryPolicy::max_retry_after`] (a longer wait ends the retries, the error carrying
//! it), else [`RetryPolicy::backoff`]. Every attempt of one call carries the same
//! `Idempotency-Key`.
//!
//! # Exactly once
//!
//! Each operation is **safe** or **keyed** ([`crate::operations::RetryClass`], from
//! `x-connectors-retry` in `openapi.yaml`). A keyed operation that fails in a way that
//! leaves open whether the gateway ran it is repeated only when the gateway is known to
//! honour idempotency keys; otherwise the call ends with [`crate::Error::OutcomeUnknown`],
//! which hands out the key.
//!
//! | answer or failure | safe | keyed |
//! |---|---|---|
//! | connect error (refused, DNS, TLS handshake, connect timeout): nothing was sent | retried | retried |
//! | 429, 408, 503 with `Retry-After`/`retry-after-ms`, any status with `x-should-retry: true`: the gateway did not start | retried | retried |
//! | timeout after sending, connection lost after sending | retried | retried if the gateway honours keys, else `OutcomeUnknown` |
//! | body cut while being read | retried | retried if the gateway honours keys, else `OutcomeUnknown` |
//! | 500, 502, 504, 503 without `Retry-After` | retried | retried if the gateway honours keys, else `OutcomeUnknown` |
//! | any answer marked `Idempotent-Replayed: true` (the key's first outcome, 4xx and 5xx included) | not retried | not retried: the answer as it is, its [`ApiError::replayed`](crate::ApiError::replayed) set; a replayed 5xx is not transient |
//! | 409 `IDEMPOTENCY_KEY_IN_USE` (the key's first request is still running) | — | retried with the same key after its `Retry-After`, within the policy; else `OutcomeUnknown` |
//! | 409 `IDEMPOTENCY_RESULT_NOT_RETAINED` (it ran; its answer was too large to keep) | — | not retried: `OutcomeUnknown` |
//! | 409 `IDEMPOTENCY_OUTCOME_IN_DOUBT` (its first attempt began; whether it completed is unknown) | — | not retried: `OutcomeUnknown` |
//! | 404 or 409 after an earlier attempt that may have run (a retry the caller opted into, on a gateway that ignores keys) | — | `OutcomeUnknown`: the earlier attempt may have removed or made it |
//! | other 4xx, `x-should-retry: false` | not retried | not retried |
//! | body over [`ConnectorsBuilder::max_response_bytes`](crate::ConnectorsBuilder::max_response_bytes) | not retried: [`crate::Error::ResponseTooLarge`] | same |
//!
//! A failure that proves nothing (429, 408, a 5xx, a transport error) after an attempt
//! that may have run is `OutcomeUnknown` too, whatever the last attempt met.
//!
//! Whether the gateway honours keys is, in this order: declared with
//! [`ConnectorsBuilder::idempotency_keys_honoured`](crate::ConnectorsBuilder::idempotency_keys_honoured);
//! learned from a `Connectors-Idempotency: honoured` response header (shared by all
//! clones); or asked once, at the first ambiguous failure with a retry left, from
//! `GET /` (`data.capabilities.idempotencyKeys`, cached; a failed probe counts as "no"
//! for that call only).
//!
//! [`InvokeTool::retry_ambiguous`](crate::tools::InvokeTool::retry_ambiguous) and
//! [`RequestOptions::retry_ambiguous`](crate::RequestOptions::retry_ambiguous) opt in to
//! repeating a keyed call blindly. Retries used up after an ambiguous failure end as
//! `OutcomeUnknown` too: re-send with its `idempotency_key`, never a new one. Event
//! streams follow the rule until their headers arrive; a stream cut later is the
//! stream's error.
//!
//! A key given by the caller ([`InvokeTool::idempotency_key`](crate::tools::InvokeTool::idempotency_key),
//! or a generated builder's `idempotency_key`) must be one the header can carry and the
//! gateway can read: 1 to [`IDEMPOTENCY_KEY_MAX_BYTES`](crate::api::limits::IDEMPOTENCY_KEY_MAX_BYTES)
//! bytes of visible ASCII ([`IDEMPOTENCY_KEY_BYTES`](crate::api::limits::IDEMPOTENCY_KEY_BYTES),
//! from `openapi.yaml`). Any other is refused before sending: [`crate::Error::InvalidInput`]
//! naming `idempotency_key` (a gateway would ignore a key it cannot read, and run the call
//! again on every retry).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// How often and how patiently failed requests are tried again.
///
/// ```
/// use std::time::Duration;
/// use connectors::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_retries(3)
///     .initial_backoff(Duration::from_millis(200))
///     .max_backoff(Duration::from_secs(5));
/// assert_eq!(policy.max_retries, 3);
/// // The first retry waits at most the initial backoff, at least 75 % of it.
/// let wait = policy.backoff(0);
/// assert!(wait <= Duration::from_millis(200) && wait >= Duration::from_millis(150));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 sends each request once).
    pub max_retries: u32,
    /// The wait before the first retry when the server gives no hint.
    pub initial_backoff: Duration,
    /// The longest wait of the exponential backoff.
    pub max_backoff: Duration,
    /// The longest server-requested wait that is slept through.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Two retries (three attempts), 0.5 s doubling up to 8 s, server hints up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// Retries after the first attempt (0 sends each request once).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry when the server gives no hint; it doubles for
    /// each further retry.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait of the exponential backoff.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest server-requested wait (`Retry-After`) that is slept through; a longer
    /// one ends the retries and the error carries the requested wait.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The backoff before retry number `retry` (0 for the first retry) when the server
    /// gives no hint: `min(initial * 2^retry, max)` minus a random 0 to 25 %.
    pub fn backoff(&self, retry: u32) -> Duration {
        let base = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_backoff);
        // Jitter spreads clients that failed together so they do not retry together.
        base.mul_f64(1.0 - 0.25 * fastrand::f64())
    }

    /// What to do after a response whose status is retryable: wait what the server asks
    /// for (within the cap) or the backoff, unless the retries are used up.
    pub(crate) fn wait_after(
        &self,
        headers: &HeaderMap,
        retries_done: u32,
        now: SystemTime,
    ) -> Decision {
        if retries_done >= self.max_retries {
            return Decision::Stop;
        }
        match server_wait(headers, now) {
            Some(wait) if wait > self.max_retry_after => Decision::WaitTooLong(wait),
            Some(wait) => Decision::Retry(wait),
            None => Decision::Retry(self.backoff(retries_done)),
        }
    }
}

/// The outcome of one retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Do not try again.
    Stop,
    /// The server asked for a wait longer than the cap: give up and report it.
    WaitTooLong(Duration),
}

/// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` in
/// seconds (fractions allowed) or as an HTTP date (a date in the past means no wait).
pub(crate) fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = header("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(u32::MAX as f64)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}
