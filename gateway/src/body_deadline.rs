//! The request-body deadline: a request's body has `serving.bodyTimeoutSeconds` from the
//! end of its head to arrive in full. A client that stalls mid-body is answered 408
//! `REQUEST_TIMEOUT` and its connection closed, instead of holding a handler (and the
//! connection) for as long as it likes.
//!
//! The deadline is for the whole body, not for each read: a client that trickles a byte at
//! a time would otherwise hold the request open indefinitely.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::errors::ApiError;

/// Middleware: runs the request with its body under the deadline `timeout`, and answers
/// 408 if the body did not arrive by then. Whatever the handler made of the failed read
/// (a 400, a 413) is replaced: the operation did not run, and 408 tells the client that a
/// retry is safe.
pub(crate) async fn enforce(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let expired = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| with_deadline(body, timeout, expired.clone()));
    let response = next.run(request).await;
    if !expired.load(Ordering::Relaxed) {
        return response;
    }
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "REQUEST_TIMEOUT",
        format!(
            "The request body did not arrive within {} s; the request was not processed",
            timeout.as_secs()
        ),
    )
    .into_response();
    // The rest of the body may still come; the connection cannot carry another request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// `body`, failing with an error (and setting `expired`) if it has not ended `timeout`
/// from now.
fn with_deadline(body: Body, timeout: Duration, expired: Arc<AtomicBool>) -> Body {
    let mut data = body.into_data_stream();
    let mut deadline = Box::pin(tokio::time::sleep(timeout));
    Body::from_stream(futures::stream::poll_fn(move |cx| {
        // Data already received is passed on even past the deadline; only a wait for more
        // is cut short.
        if let Poll::Ready(item) = data.poll_next_unpin(cx) {
            return Poll::Ready(item);
        }
        if deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        expired.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut(timeout)))))
    }))
}

/// The error a body read gets once the deadline has passed.
#[derive(Debug)]
struct BodyTimedOut(Duration);

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the request body did not arrive within {} s",
            self.0.as_secs()
        )
    }
}

impl std::error::Error for BodyTimedOut {}
