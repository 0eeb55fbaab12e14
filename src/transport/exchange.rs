//! What a facade call's request met, handed back to the facade beside the generated
//! client's result: the transport's one side channel.
//!
//! Progenitor's operations return the decoded value or its error and drop the rest (the
//! status of a body that does not decode, the attempts, the key of a keyed call). The
//! transport writes those into the [`Exchange`] of the call being polled; the facade reads
//! it when the call ends ([`record_call`]) to map errors and to say whether a keyed call
//! may have run.

use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};

use super::REQUEST_ID_HEADER;
use super::body::Answer;
use super::keys::is_replayed;
use crate::operations::Operation;

const REQUEST_ID: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);

tokio::task_local! {
    /// What the request of the facade call being polled met. Per call, not per client:
    /// the generated client (and its transport) is shared by all calls of a handle.
    ///
    /// Boxed: tokio moves the value in and out of the thread's slot on every poll of the
    /// call, which for the record itself would be a copy of some hundred bytes each time.
    static CALL: std::cell::RefCell<Box<Exchange>>;
}

/// Runs one facade call, and gives back what its request met with its result.
pub(crate) async fn record_call<T>(call: impl std::future::Future<Output = T>) -> (T, Exchange) {
    let recorded = async {
        let output = call.await;
        let exchange = CALL.with(|exchange| std::mem::take(&mut **exchange.borrow_mut()));
        (output, exchange)
    };
    CALL.scope(std::cell::RefCell::default(), recorded).await
}

/// Updates the [`Exchange`] of the facade call being polled. Outside a facade call (there
/// is none to report to) this does nothing.
pub(super) fn report(f: impl FnOnce(&mut Exchange)) {
    let _ = CALL.try_with(|exchange| f(&mut exchange.borrow_mut()));
}

/// The row of the operation table that `pre` found for the facade call being polled.
pub(super) fn reported_row() -> Option<&'static Operation> {
    CALL.try_with(|e| e.borrow().row).ok().flatten()
}

/// The final response (or failure) of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exchange {
    pub(crate) status: Option<reqwest::StatusCode>,
    /// Header values rather than strings: recorded on every call, read only by errors.
    content_type: Option<HeaderValue>,
    pub(super) request_id: Option<HeaderValue>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    /// The overall deadline ended the attempts.
    pub(crate) deadline_hit: bool,
    /// The spec's `operationId` of the call.
    pub(crate) operation: Option<&'static str>,
    /// Its row of the operation table, found once per call (by `pre`).
    pub(super) row: Option<&'static Operation>,
    /// The gateway's earlier refusal of this operation (404 `ROUTE_NOT_FOUND`); when set,
    /// no request was sent.
    pub(crate) remembered_refusal: Option<Box<crate::error::ApiError>>,
    /// The operation needs an API key and the client has none; nothing was sent.
    pub(crate) key_missing: bool,
    /// The idempotency key of a keyed operation, the same on every attempt.
    pub(super) idempotency_key: Option<HeaderValue>,
    /// A keyed operation ended with a failure after which it may have run; the facade
    /// reports [`crate::Error::OutcomeUnknown`].
    pub(crate) outcome_unknown: bool,
    /// The final response was a replay of the idempotency key's first outcome
    /// (`Idempotent-Replayed: true`).
    pub(crate) replayed: bool,
    /// The request carried an idempotency key the header cannot carry: why; nothing was
    /// sent.
    pub(crate) invalid_key: Option<String>,
}

impl Exchange {
    fn text(value: &Option<HeaderValue>) -> Option<String> {
        value
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The response's content type.
    pub(crate) fn content_type(&self) -> Option<String> {
        Exchange::text(&self.content_type)
    }

    /// The request id the gateway echoed, else the one sent.
    pub(crate) fn request_id(&self) -> Option<String> {
        Exchange::text(&self.request_id)
    }

    /// The idempotency key of a keyed operation, the same on every attempt.
    pub(crate) fn idempotency_key(&self) -> Option<String> {
        Exchange::text(&self.idempotency_key)
    }

    /// Records how the call ended: its final answer or failure and its attempts.
    pub(super) fn ended(
        &mut self,
        result: &reqwest::Result<Answer>,
        attempts: u32,
        deadline_hit: bool,
    ) {
        self.attempts = attempts;
        self.deadline_hit = deadline_hit;
        match result {
            Ok(answer) => {
                let headers = answer.headers();
                self.status = Some(answer.status());
                self.replayed = is_replayed(headers);
                self.content_type = headers.get(CONTENT_TYPE).cloned();
                if let Some(id) = headers.get(&REQUEST_ID) {
                    self.request_id = Some(id.clone());
                }
                // Only an error answer reports a wait (a success has no use for it).
                if !answer.status().is_success() && self.retry_after.is_none() {
                    self.retry_after = crate::retry::server_wait(headers, SystemTime::now());
                }
            }
            Err(error) => self.status = error.status(),
        }
    }
}
