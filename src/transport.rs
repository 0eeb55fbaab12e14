//! What happens to every request of the generated client: the `ClientHooks` of
//! [`crate::api::Client`].
//!
//! Progenitor routes each generated operation through `ClientHooks::exec`, so this is
//! the one place where cross-cutting behaviour wraps all of them.

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::api::Client;

/// Per-client behaviour of the generated client, stored in it as its inner value.
///
/// `Transport::default()` sends each request once; use it to drive
/// [`crate::api::Client`] directly with your own `reqwest::Client`.
#[derive(Debug, Clone, Default)]
pub struct Transport {}

impl ClientHooks<Transport> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "connectors.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .client()
            .execute(request)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        result
    }
}
