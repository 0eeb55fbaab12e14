//! Collects the raw responses a client receives, for validation after each call.

use std::sync::{Arc, Mutex, PoisonError};

use connectors::ConnectorsBuilder;
use connectors::observe::RawResponse;
use serde_json::Value;

/// One response as it arrived, before the client decoded it.
#[derive(Clone)]
pub struct Observed {
    /// The operation that was called.
    pub operation_id: String,
    /// The final status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body; `None` for an event stream.
    pub body: Option<Vec<u8>>,
    /// The number of its request in the recording proxy's log ([`crate::wire`]).
    pub exchange: Option<usize>,
}

impl std::fmt::Debug for Observed {
    // Bodies may hold secrets (tool results, configurations): only their size is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observed")
            .field("operation_id", &self.operation_id)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

impl Observed {
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
    }

    /// Whether this is the gateway's answer for a route it does not have: 404 with
    /// error code `ROUTE_NOT_FOUND`.
    pub fn is_route_not_found(&self) -> bool {
        self.status == 404
            && self
                .json()
                .and_then(|body| {
                    body.pointer("/error/code")
                        .and_then(Value::as_str)
                        .map(|code| code == ROUTE_NOT_FOUND)
                })
                .unwrap_or(false)
    }
}

/// The error code of the gateway's answer for an unknown route.
pub const ROUTE_NOT_FOUND: &str = "ROUTE_NOT_FOUND";

/// Where a client's observer puts the responses; cheap to clone.
#[derive(Clone, Default)]
pub struct Recorder {
    seen: Arc<Mutex<Vec<Observed>>>,
}

impl Recorder {
    /// A recorder with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// `builder`, with this recorder observing every response of the client it builds.
    pub fn install(&self, builder: ConnectorsBuilder) -> ConnectorsBuilder {
        let seen = self.seen.clone();
        builder.observe_responses(move |response: &RawResponse<'_>| {
            let observed = Observed {
                operation_id: response.operation_id().to_string(),
                status: response.status().as_u16(),
                content_type: response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: response.body().map(<[u8]>::to_vec),
                exchange: response
                    .headers()
                    .get(crate::wire::EXCHANGE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok()),
            };
            // A poisoned lock only means another thread panicked while pushing; the
            // list itself is still usable.
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(observed);
        })
    }

    /// Everything recorded since the last call, oldest first.
    pub fn drain(&self) -> Vec<Observed> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
