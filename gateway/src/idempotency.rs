//! `Idempotency-Key`: a repeated POST with the same key (same tenant, route and body)
//! within the window gets the first response replayed, and the operation does not run
//! again. A duplicate that arrives while the first is still running waits for it.
//!
//! Responses with 5xx or 429 are not kept, so a retry after a failure runs again.
//! A profile that models a gateway ignoring the header runs every request.
//! Streamed responses (`text/event-stream`) are recorded as they are sent and replayed whole.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::watch;

use crate::auth::Tenant;
use crate::errors::ApiError;
use crate::state::AppState;

/// Largest request body read for hashing (the same as axum's default body limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    tenant: String,
    route: String,
    key: String,
    body: u64,
}

enum Entry {
    InFlight(watch::Receiver<()>),
    Done {
        at: Instant,
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: Bytes,
    },
}

/// Responses kept for replay.
pub(crate) struct IdempotencyStore {
    window: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
}

enum Lookup {
    Replay(StatusCode, Option<HeaderValue>, Bytes),
    Wait(watch::Receiver<()>),
    Run(watch::Sender<()>),
}

impl IdempotencyStore {
    pub fn new(window: Duration) -> IdempotencyStore {
        IdempotencyStore {
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lookup(&self, key: &Key) -> Lookup {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if entries.len() > 10_000 {
            entries.retain(|_, e| match e {
                Entry::Done { at, .. } => now.duration_since(*at) < self.window,
                Entry::InFlight(_) => true,
            });
        }
        match entries.get(key) {
            Some(Entry::Done {
                at,
                status,
                content_type,
                body,
            }) if now.duration_since(*at) < self.window => {
                Lookup::Replay(*status, content_type.clone(), body.clone())
            }
            Some(Entry::InFlight(rx)) => Lookup::Wait(rx.clone()),
            _ => {
                let (tx, rx) = watch::channel(());
                entries.insert(key.clone(), Entry::InFlight(rx));
                Lookup::Run(tx)
            }
        }
    }

    fn finish(&self, key: &Key, entry: Option<Entry>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entry {
            Some(entry) => entries.insert(key.clone(), entry),
            None => entries.remove(key),
        };
    }
}

/// Middleware for the POST routes that accept `Idempotency-Key`.
pub(crate) async fn idempotent(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != axum::http::Method::POST
        || !state.config.profile.honours_idempotency_keys()
    {
        return next.run(request).await;
    }
    let Some(idempotency_key) = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
    else {
        return next.run(request).await;
    };
    let tenant = request
        .extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "INVALID_BODY",
                "The request body is too large",
            )
            .into_response();
        }
    };
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let key = Key {
        tenant,
        route: format!("{} {}", parts.method, parts.uri.path()),
        key: idempotency_key,
        body: hasher.finish(),
    };
    let store = state.idempotency.clone();
    let sender = loop {
        match store.lookup(&key) {
            Lookup::Replay(status, content_type, body) => {
                tracing::debug!(route = %key.route, "replaying an idempotent response");
                let mut response = Response::new(Body::from(body));
                *response.status_mut() = status;
                if let Some(content_type) = content_type {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_TYPE, content_type);
                }
                response
                    .headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                return response;
            }
            Lookup::Wait(mut rx) => {
                // Wakes when the first request finishes (its sender is dropped).
                let _ = rx.changed().await;
            }
            Lookup::Run(tx) => break tx,
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = next.run(request).await;
    let status = response.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        store.finish(&key, None);
        drop(sender);
        return response;
    }
    let (parts, body) = response.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let tee = Tee {
        inner: Box::pin(body.into_data_stream()),
        buffer: Vec::new(),
        store,
        key,
        status,
        content_type,
        sender: Some(sender),
        finished: false,
    };
    Response::from_parts(parts, Body::from_stream(tee))
}

/// Forwards a response body and records it; stores it when complete, forgets it if cut.
struct Tee {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, axum::Error>> + Send>>,
    buffer: Vec<u8>,
    store: Arc<IdempotencyStore>,
    key: Key,
    status: StatusCode,
    content_type: Option<HeaderValue>,
    sender: Option<watch::Sender<()>>,
    finished: bool,
}

impl Stream for Tee {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.buffer.extend_from_slice(&chunk);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.finished = true;
                this.store.finish(&this.key, None);
                this.sender.take();
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                if !this.finished {
                    this.finished = true;
                    let body = Bytes::from(std::mem::take(&mut this.buffer));
                    this.store.finish(
                        &this.key,
                        Some(Entry::Done {
                            at: Instant::now(),
                            status: this.status,
                            content_type: this.content_type.clone(),
                            body,
                        }),
                    );
                    this.sender.take();
                }
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        if !self.finished {
            self.store.finish(&self.key, None);
        }
    }
}
