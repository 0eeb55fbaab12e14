//! A keyed request's outcome stored under its key: a JSON answer before its first byte is
//! sent, a streamed one as it ends (driven to its end even if the client has left), a
//! deferred one when its handler sends it.

use std::sync::PoisonError;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::record::Kept;
use super::{Deferred, MAX_RESPONSE_BYTES, Ticket, WAIT_MARGIN};
use crate::errors::{ApiError, NotRun};

/// Runs the request and stores its outcome under `ticket` before handing the response
/// back (or, for a [`Deferred`] response, once the handler sends the outcome).
pub(super) async fn run(next: Next, request: Request, ticket: Ticket, bound: Duration) -> Response {
    let mut response = next.run(request).await;
    if let Some(deferred) = response.extensions_mut().remove::<Deferred>() {
        tokio::spawn(settle(deferred, ticket, bound));
        return response;
    }
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS || response.extensions().get::<NotRun>().is_some() {
        ticket.release().await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let streamed = content_type
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if streamed {
        let body = tee(body, ticket, status, content_type);
        return Response::from_parts(parts, body);
    }
    // A handler's JSON body is already in memory: collecting it costs nothing, and storing
    // it before the first byte is sent makes a cut response replayable.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        // The handler's body failed after the operation ran: the outcome is unknown here.
        ticket.finish(Kept::InDoubt).await;
        return ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "The response could not be produced",
        )
        .into_response();
    };
    ticket
        .finish(Kept::response(status, content_type, &bytes))
        .await;
    Response::from_parts(parts, Body::from(bytes))
}

/// Stores a deferred outcome when the handler sends it; in doubt if it does not within
/// `bound` (plus [`WAIT_MARGIN`], for the handler's own bound to fire first).
async fn settle(deferred: Deferred, ticket: Ticket, bound: Duration) {
    let receiver = deferred
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let outcome = match receiver {
        Some(receiver) => tokio::time::timeout(bound + WAIT_MARGIN, receiver)
            .await
            .ok()
            .and_then(Result::ok)
            .flatten(),
        None => None,
    };
    let Some(response) = outcome else {
        ticket.finish(Kept::InDoubt).await;
        return;
    };
    let (parts, body) = response.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let kept = match axum::body::to_bytes(body, MAX_RESPONSE_BYTES).await {
        Ok(bytes) => Kept::response(parts.status, content_type, &bytes),
        // Too large (or unreadable): the operation ran, its answer is not kept.
        Err(_) => Kept::NotRetained,
    };
    ticket.finish(kept).await;
}

/// Sends a streamed body as it comes while a task of its own records it, and stores it
/// when it ends. The task drives the stream to its end whether or not the client is still
/// there, so the operation behind it is not cancelled by a disconnect.
fn tee(body: Body, ticket: Ticket, status: StatusCode, content_type: Option<HeaderValue>) -> Body {
    let (tx, mut rx) = mpsc::unbounded_channel::<Result<Bytes, axum::Error>>();
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        // `None` once the stream outgrew the cap or failed: the outcome is not kept.
        let mut recorded = Some(Vec::new());
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => {
                    if let Some(buffer) = &mut recorded {
                        if buffer.len() + chunk.len() <= MAX_RESPONSE_BYTES {
                            buffer.extend_from_slice(&chunk);
                        } else {
                            recorded = None;
                        }
                    }
                    // The client may have gone: keep going, for the retry's sake.
                    let _ = tx.send(Ok(chunk));
                }
                Err(e) => {
                    recorded = None;
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
        ticket
            .finish(match recorded {
                Some(buffer) => Kept::Response {
                    status,
                    content_type,
                    body: Bytes::from(buffer.into_boxed_slice()),
                },
                None => Kept::NotRetained,
            })
            .await;
    });
    Body::from_stream(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::idempotency::record::Key;
    use crate::idempotency::{Lookup, MemoryStore, defer};

    fn key(name: &str) -> Arc<Key> {
        Arc::new(Key::new("t", "POST /tools/invoke", name))
    }

    fn run_ticket(store: &Arc<MemoryStore>, name: &str) -> Ticket {
        match store.lookup(key(name), 1) {
            Lookup::Run(ticket) => ticket,
            _ => panic!("expected to run {name}"),
        }
    }

    #[tokio::test]
    async fn a_deferred_outcome_is_stored_when_sent_and_in_doubt_when_not() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        let mut response = StatusCode::BAD_GATEWAY.into_response();
        let sender = defer(&mut response);
        let deferred = response
            .extensions_mut()
            .remove::<Deferred>()
            .expect("deferred");
        let settled = tokio::spawn(settle(deferred, run_ticket(&store, "a"), Duration::ZERO));
        assert!(matches!(store.lookup(key("a"), 1), Lookup::Wait(_)));
        sender.send(Some((StatusCode::CREATED, "final").into_response()));
        settled.await.expect("settled");
        assert!(
            matches!(store.lookup(key("a"), 1), Lookup::Replay(k) if k.replay().status() == StatusCode::CREATED)
        );

        let mut response = StatusCode::BAD_GATEWAY.into_response();
        let sender = defer(&mut response);
        let deferred = response
            .extensions_mut()
            .remove::<Deferred>()
            .expect("deferred");
        let settled = tokio::spawn(settle(deferred, run_ticket(&store, "b"), Duration::ZERO));
        sender.send(None);
        settled.await.expect("settled");
        assert!(
            matches!(store.lookup(key("b"), 1), Lookup::Replay(k) if matches!(*k, Kept::InDoubt))
        );
    }
}
