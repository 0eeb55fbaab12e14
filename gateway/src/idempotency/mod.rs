//! `Idempotency-Key` (after the IETF `Idempotency-Key` header draft, Stripe's API and AWS
//! Powertools' in-progress records): a keyed operation runs at most once per key, and every
//! later request with the key gets the first outcome.
//!
//! * **Which requests.** The layer wraps the keyed operations (`x-connectors-retry: keyed`
//!   in `openapi.yaml`), whatever their method: POST, PATCH and DELETE alike. A safe
//!   method (GET, HEAD, OPTIONS) passes through untouched. A request without the header
//!   runs as usual.
//! * **A key the gateway cannot read is refused**, never ignored: an empty value, one
//!   longer than [`MAX_KEY_BYTES`], one with a byte outside visible ASCII (`0x21`–`0x7E`;
//!   the bounds are the spec's `IdempotencyKey` schema, read from `connectors::api::limits`),
//!   or the header sent twice, is 400 `VALIDATION_ERROR` with `field: Idempotency-Key`,
//!   and nothing runs.
//! * **Scope.** A key belongs to a tenant and an operation (method and path): another
//!   tenant's, or another route's, same key is a different key. The first request's query
//!   string and body are remembered by a 64-bit fingerprint; the same key with another
//!   query or body is refused with 422 `IDEMPOTENCY_KEY_REUSED`.
//! * **A key's first outcome is final.** Once the operation has begun for a key, the key
//!   never runs it again: its answer is stored whatever its status, 4xx and 5xx included,
//!   and replayed (marked `Idempotent-Replayed: true`). The answers not stored are a 429
//!   and a handler's 503 `STORE_UNAVAILABLE` (marked [`NotRun`]): each says the request was
//!   refused before it ran (the rate limiter sits outside this layer, so its 429s never
//!   reach a key at all), and a retry with the key runs.
//! * **Large answers.** Bodies up to [`MAX_RESPONSE_BYTES`] are stored whole, counted in
//!   the memory budget. A larger answer is sent but not kept: the key then remembers only
//!   that the operation ran, and a duplicate gets 409 `IDEMPOTENCY_RESULT_NOT_RETAINED`
//!   (the operation is never run again for the key).
//! * **Exactly once, even when the client goes away.** The operation runs in a task of its
//!   own, detached from the request: a client that disconnects while the tool runs (the
//!   request future is dropped) does not cancel it, and its outcome is stored when it
//!   finishes. A JSON response is stored *before* its first byte is written, so a response
//!   cut while being sent is replayed to the retry, never run again. A streamed response
//!   (`text/event-stream`) is sent as it is produced and stored when the stream ends; the
//!   stream is driven to its end even if the client has left.
//! * **A call the gateway gave up on stays in progress.** When a keyed tool call outlasts
//!   `callTimeoutSeconds`, the client gets its 502 `MCP_SERVER_UNAVAILABLE`, but the call
//!   goes on in its detached task (a handler says so with a [`Deferred`] on its response)
//!   and the key stays in progress until the tool returns; the tool's own final answer is
//!   then stored and replayed, not the 502. The call is given at most
//!   [`in_progress_bound`] ([`IN_PROGRESS_FACTOR`] × the call timeout); if it has not
//!   answered by then the gateway abandons it (MCP `notifications/cancelled`) and, since it
//!   cannot know whether the tool ran, the key answers 409 `IDEMPOTENCY_OUTCOME_IN_DOUBT`
//!   from then on. The same holds for a handler that dies (panics) after it began.
//! * **A duplicate while the first still runs waits** for it, woken by a `watch` channel
//!   (no polling), for at most the call timeout plus [`WAIT_MARGIN`]; if the first has
//!   still not finished then, the duplicate gets 409 `IDEMPOTENCY_KEY_IN_USE` with
//!   `Retry-After`, as the draft suggests for a request whose original is in progress.
//! * **Expiry and memory.** A stored outcome is kept for the configured window
//!   (`idempotencyWindowSeconds`) after it was stored. At most [`MAX_STORED_BYTES`] bytes of
//!   bodies, keys and a fixed per-entry overhead are kept: beyond it the oldest stored
//!   bodies are dropped first, but their keys stay (answering 409
//!   `IDEMPOTENCY_RESULT_NOT_RETAINED` until the window ends). At most [`MAX_ENTRIES`] keys
//!   are kept; beyond that, or after the window, the oldest keys are forgotten. Stored
//!   outcomes sit in a queue in the order they were stored, so each request pops the
//!   expired or evicted ones from its front: O(1) amortised per request plus one hash-map
//!   operation, whatever the number of keys (no sweep of every key). In-progress keys are
//!   never evicted; they end with their call, within [`in_progress_bound`].
//!
//! A profile that models a gateway ignoring the header runs every request, and neither
//! [`honoured`] nor the replay headers are sent.

mod memory;
mod record;
#[cfg(feature = "redis")]
mod redis;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot, watch};

use connectors::api::limits::{
    IDEMPOTENCY_KEY_BYTES, IDEMPOTENCY_KEY_MAX_BYTES, IDEMPOTENCY_KEY_MIN_BYTES,
};

use crate::auth::Tenant;
use crate::errors::{ApiError, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED};
use crate::state::AppState;
use crate::store::{Shared, Unavailable};
pub(crate) use memory::MemoryStore;
use record::{Kept, Key};

/// Most keys kept; beyond it the oldest is forgotten.
pub(crate) const MAX_ENTRIES: usize = 1_000_000;
/// Most bytes of stored outcomes (body, key and a fixed per-entry overhead); beyond it the
/// oldest bodies are dropped (their keys stay, as "not retained").
pub(crate) const MAX_STORED_BYTES: usize = 512 * 1024 * 1024;
/// Largest response body kept for replay; a larger one is sent, and its key remembers only
/// that the operation ran (409 `IDEMPOTENCY_RESULT_NOT_RETAINED`). A batch of 50 results
/// of a megabyte or two each fits (the built-in `notes` accepts 1 MiB bodies, and a result
/// carries them twice: as text and as structured content).
pub(crate) const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// Longest accepted `Idempotency-Key` value, in bytes (the spec's `IdempotencyKey`
/// `maxLength`, Stripe's limit).
pub(crate) const MAX_KEY_BYTES: usize = IDEMPOTENCY_KEY_MAX_BYTES;
/// How much longer than the call timeout a duplicate waits for the first request.
pub(crate) const WAIT_MARGIN: Duration = Duration::from_secs(5);
/// How many call timeouts a keyed call the gateway gave up on may still run before it is
/// abandoned and its key's outcome is in doubt (see [`in_progress_bound`]).
pub(crate) const IN_PROGRESS_FACTOR: u32 = 4;
/// Largest request body read for fingerprinting (the same as axum's default body limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The first wait between two looks at a key another replica is running; it doubles up to
/// [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(20);
/// The longest wait between two looks at a key another replica is running.
const MAX_POLL: Duration = Duration::from_millis(250);

/// The request header.
const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The response header of a replay.
const REPLAYED: &str = "idempotent-replayed";
/// The response header saying the gateway honours keys.
const HONOURED: &str = "connectors-idempotency";

/// How long a keyed call may run in all, `call_timeout` × [`IN_PROGRESS_FACTOR`]: the
/// upper bound of a key's in-progress state. A keyed handler gives its tool call this long
/// (the client's answer still comes at `call_timeout`).
pub(crate) fn in_progress_bound(call_timeout: Duration) -> Duration {
    call_timeout.saturating_mul(IN_PROGRESS_FACTOR)
}

/// Where the keys' records live: this process ([`MemoryStore`]) or the Redis every
/// replica shares.
pub(crate) enum IdempotencyStore {
    Memory(Arc<MemoryStore>),
    #[cfg(feature = "redis")]
    Redis(redis::RedisRecords),
}

/// What to do with a keyed request.
enum Lookup {
    Replay(Arc<Kept>),
    Reused,
    Wait(Waiter),
    Run(Ticket),
}

/// How a duplicate learns that the key's first request ended.
enum Waiter {
    /// It runs in this process: woken when it ends.
    Here(watch::Receiver<Option<memory::Outcome>>),
    /// It runs in another replica (or in this one, through the shared store): look again
    /// after a while.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    Elsewhere,
}

/// The right to run a keyed request: see [`memory::Ticket`] and [`redis::Ticket`]. Either
/// dropped unfinished leaves the key in doubt.
enum Ticket {
    Memory(memory::Ticket),
    #[cfg(feature = "redis")]
    Redis(redis::Ticket),
}

impl Ticket {
    /// Stores the outcome (the key's final answer).
    async fn finish(self, kept: Kept) {
        match self {
            Ticket::Memory(ticket) => ticket.finish(kept),
            #[cfg(feature = "redis")]
            Ticket::Redis(ticket) => ticket.finish(kept).await,
        }
    }

    /// The request was refused before it ran (429): the key is free again.
    async fn release(self) {
        match self {
            Ticket::Memory(ticket) => ticket.release(),
            #[cfg(feature = "redis")]
            Ticket::Redis(ticket) => ticket.release().await,
        }
    }
}

impl IdempotencyStore {
    /// The records in `shared`, keeping outcomes for `window`; a keyed call may run for
    /// `call_timeout` × [`IN_PROGRESS_FACTOR`] before its key is in doubt.
    pub fn new(shared: &Shared, window: Duration, call_timeout: Duration) -> IdempotencyStore {
        // Only the Redis records need the bound: in memory a running key is never evicted.
        #[cfg(not(feature = "redis"))]
        let _ = call_timeout;
        match shared {
            Shared::Memory => IdempotencyStore::Memory(Arc::new(MemoryStore::new(window))),
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => IdempotencyStore::Redis(redis::RedisRecords::new(
                redis.clone(),
                window,
                // A record in progress outlives every wait on it: the call's own bound,
                // the layer's margin to settle it, and a margin for the write.
                in_progress_bound(call_timeout) + WAIT_MARGIN * 2,
            )),
        }
    }

    async fn lookup(&self, key: Arc<Key>, fingerprint: u64) -> Result<Lookup, Unavailable> {
        match self {
            IdempotencyStore::Memory(store) => Ok(store.lookup(key, fingerprint)),
            #[cfg(feature = "redis")]
            IdempotencyStore::Redis(records) => records.lookup(key, fingerprint).await,
        }
    }
}

/// Request extension: the request runs under a valid `Idempotency-Key`, in a task detached
/// from its client. A handler that may give up on an operation before it ends (a tool call
/// past `callTimeoutSeconds`) lets it go on instead, up to [`in_progress_bound`], and
/// attaches a [`Deferred`] to its early answer. It holds the key as the client sent it,
/// which a tool call passes on to its MCP server (so a tool can deduplicate too).
#[derive(Debug, Clone)]
pub(crate) struct Keyed(pub Arc<str>);

/// Response extension: the handler refused the request before it read or changed anything
/// (the shared store it needs could not be reached, after this layer claimed the key), so,
/// as after a 429, the key is released: the retry that `Retry-After` invites runs, instead
/// of replaying the refusal for the whole window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NotRun;

/// Response extension: the response is the client's answer but not the key's outcome,
/// which the handler sends later through the [`OutcomeSender`] from [`defer`]. Until then
/// the key stays in progress (for at most [`in_progress_bound`] plus [`WAIT_MARGIN`]).
#[derive(Clone)]
pub(crate) struct Deferred(Arc<Mutex<Option<oneshot::Receiver<Option<Response>>>>>);

/// The sending half of a [`Deferred`]: `Some(response)` is the key's outcome, `None` (or
/// dropping it unsent) says the outcome is in doubt.
pub(crate) struct OutcomeSender(oneshot::Sender<Option<Response>>);

impl OutcomeSender {
    /// Settles the key: `Some(response)` is stored and replayed, `None` means in doubt.
    pub(crate) fn send(self, outcome: Option<Response>) {
        // The layer stopped waiting (past its bound): the key is already in doubt.
        let _ = self.0.send(outcome);
    }
}

/// Marks `response` as a keyed request's early answer whose outcome comes later.
pub(crate) fn defer(response: &mut Response) -> OutcomeSender {
    let (sender, receiver) = oneshot::channel();
    response
        .extensions_mut()
        .insert(Deferred(Arc::new(Mutex::new(Some(receiver)))));
    OutcomeSender(sender)
}

/// Middleware (full profile, outermost): every response says the gateway honours keys.
pub(crate) async fn honoured(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(HONOURED, HeaderValue::from_static("honoured"));
    response
}

fn key_in_use() -> Response {
    let mut response = ApiError::new(
        StatusCode::CONFLICT,
        IDEMPOTENCY_KEY_IN_USE,
        "A request with this Idempotency-Key is still being processed; retry later",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// The request's `Idempotency-Key`: `Ok(None)` without one, an error for a value the
/// gateway will not use (it is never ignored, which would run the call unkeyed).
fn read_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let invalid = |message: String| ApiError::validation("Idempotency-Key", message);
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(invalid(
            "Idempotency-Key must be sent once, not in several headers".into(),
        ));
    }
    // Optional whitespace around a header value is not part of it.
    let bytes = value.as_bytes().trim_ascii();
    if bytes.len() < IDEMPOTENCY_KEY_MIN_BYTES.max(1) {
        return Err(invalid("Idempotency-Key must not be empty".into()));
    }
    if bytes.len() > MAX_KEY_BYTES {
        return Err(invalid(format!(
            "Idempotency-Key must be at most {MAX_KEY_BYTES} bytes"
        )));
    }
    match std::str::from_utf8(bytes) {
        Ok(key) if bytes.iter().all(|b| IDEMPOTENCY_KEY_BYTES.contains(b)) => {
            Ok(Some(key.to_string()))
        }
        _ => Err(invalid(format!(
            "Idempotency-Key must be visible ASCII characters ({:#04X} to {:#04X}) only",
            IDEMPOTENCY_KEY_BYTES.start(),
            IDEMPOTENCY_KEY_BYTES.end()
        ))),
    }
}

/// Middleware for the keyed operations (any method): see the module documentation.
pub(crate) async fn idempotent(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.method().is_safe() || !state.config.profile.honours_idempotency_keys() {
        return next.run(request).await;
    }
    let idempotency_key = match read_key(request.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(error) => return error.into_response(),
    };
    request
        .extensions_mut()
        .insert(Keyed(Arc::from(idempotency_key.as_str())));
    // Everything from here runs in a task detached from this request: if the client goes
    // away and this future is dropped (even before the body is read), the operation still
    // completes and its response is stored for the retry.
    let task = tokio::spawn(crate::envelope::in_request(keyed(
        state,
        request,
        next,
        idempotency_key,
    )));
    match task.await {
        Ok(response) => response,
        // The handler panicked; its ticket was dropped with it, leaving the key in doubt.
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "The request failed",
        )
        .into_response(),
    }
}

/// Answers a request carrying `idempotency_key`: replays, refuses, waits, or runs it.
async fn keyed(state: AppState, request: Request, next: Next, idempotency_key: String) -> Response {
    let tenant = request
        .extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "INVALID_BODY",
            "The request body is too large",
        )
        .into_response();
    };
    // The query is part of the request's payload (a DELETE may have nothing else).
    let mut hasher = DefaultHasher::new();
    parts.uri.query().unwrap_or("").hash(&mut hasher);
    bytes.hash(&mut hasher);
    let fingerprint = hasher.finish();
    let operation = format!("{} {}", parts.method, parts.uri.path());
    let key = Arc::new(Key::new(&tenant, &operation, &idempotency_key));
    let store = state.idempotency.clone();
    let call_timeout = state.config.call_timeout();
    let deadline = tokio::time::Instant::now() + call_timeout + WAIT_MARGIN;
    // Each turn either answers or waits: for a real change (the first request finishing
    // here), or a poll interval that doubles (it runs elsewhere), so the loop never spins.
    let mut poll = FIRST_POLL;
    let ticket = loop {
        let lookup = match store.lookup(key.clone(), fingerprint).await {
            Ok(lookup) => lookup,
            // Nothing ran: the request may be sent again with the same key.
            Err(reason) => return ApiError::store_unavailable(reason).into_response(),
        };
        match lookup {
            Lookup::Replay(kept) => {
                tracing::debug!(%operation, "replaying an idempotent outcome");
                return kept.replay();
            }
            Lookup::Reused => {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    IDEMPOTENCY_KEY_REUSED,
                    "The Idempotency-Key was used with another request body",
                )
                .into_response();
            }
            Lookup::Wait(Waiter::Here(mut rx)) => {
                let outcome = tokio::time::timeout_at(deadline, rx.wait_for(Option::is_some))
                    .await
                    .map(|changed| changed.ok().and_then(|value| value.clone()));
                match outcome {
                    Err(_) => return key_in_use(),
                    Ok(Some(memory::Outcome::Kept(kept))) => return kept.replay(),
                    // Released (a 429: the first never ran): look again.
                    Ok(_) => continue,
                }
            }
            Lookup::Wait(Waiter::Elsewhere) => {
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return key_in_use();
                }
                tokio::time::sleep(poll.min(deadline - now)).await;
                poll = (poll * 2).min(MAX_POLL);
            }
            Lookup::Run(ticket) => break ticket,
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    run(next, request, ticket, in_progress_bound(call_timeout)).await
}

/// Runs the request and stores its outcome under `ticket` before handing the response
/// back (or, for a [`Deferred`] response, once the handler sends the outcome).
async fn run(next: Next, request: Request, ticket: Ticket, bound: Duration) -> Response {
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
    use super::*;

    fn key(name: &str) -> Arc<Key> {
        Arc::new(Key::new("t", "POST /tools/invoke", name))
    }

    fn run_ticket(store: &Arc<MemoryStore>, name: &str) -> Ticket {
        match store.lookup(key(name), 1) {
            Lookup::Run(ticket) => ticket,
            _ => panic!("expected to run {name}"),
        }
    }

    #[test]
    fn a_key_the_gateway_cannot_read_is_refused_not_ignored() {
        let headers = |values: &[&[u8]]| {
            let mut headers = HeaderMap::new();
            for value in values {
                let value = HeaderValue::from_bytes(value).expect("a header value");
                headers.append(IDEMPOTENCY_KEY, value);
            }
            headers
        };
        assert_eq!(read_key(&headers(&[])).ok(), Some(None));
        assert_eq!(
            read_key(&headers(&[b" key-1 "])).ok(),
            Some(Some("key-1".to_string()))
        );
        let longest = vec![b'k'; MAX_KEY_BYTES];
        assert!(matches!(read_key(&headers(&[&longest])), Ok(Some(_))));
        let too_long = vec![b'k'; MAX_KEY_BYTES + 1];
        for bad in [
            &b""[..],
            b"   ",
            &too_long,
            "clé".as_bytes(),
            b"two words",
            b"tab\there",
        ] {
            let error = read_key(&headers(&[bad])).expect_err("refused");
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert_eq!(error.code, "VALIDATION_ERROR");
            assert_eq!(error.context["field"], "Idempotency-Key");
        }
        assert!(read_key(&headers(&[b"a", b"b"])).is_err());
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

    /// The layer on DELETE and PATCH routes (as the router applies it to every keyed
    /// operation): the same key twice runs once, a key is scoped by method and path, an
    /// empty body is a body, another query is another payload, and a safe method passes.
    #[tokio::test]
    async fn delete_and_patch_requests_run_once_per_key() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use axum::Router;
        use axum::middleware::from_fn_with_state;
        use axum::routing::delete;

        let state = AppState::new(crate::config::Config::default()).expect("in-memory state");
        let runs = Arc::new(AtomicUsize::new(0));
        let handler = {
            let runs = runs.clone();
            move |request: Request| {
                let runs = runs.clone();
                async move {
                    let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    // A failure is an outcome too: every other run answers 404.
                    let status = if n.is_multiple_of(2) {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::OK
                    };
                    (status, format!("{} run {n}", request.method()))
                }
            }
        };
        let app = Router::new()
            .route(
                "/things/{id}",
                delete(handler.clone()).patch(handler.clone()).get(handler),
            )
            .layer(from_fn_with_state(state.clone(), idempotent))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        let send = |method: reqwest::Method, path: &str, key: &str, body: &'static str| {
            http.request(method, format!("http://{addr}{path}"))
                .header("idempotency-key", key)
                .body(body)
                .send()
        };
        let text = |r: reqwest::Response| async move {
            let replayed = r.headers().get(REPLAYED).is_some();
            (r.status(), replayed, r.text().await.unwrap_or_default())
        };

        let first = text(
            send(reqwest::Method::DELETE, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        let again = text(
            send(reqwest::Method::DELETE, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(first, (StatusCode::OK, false, "DELETE run 1".to_string()));
        assert_eq!(again, (StatusCode::OK, true, "DELETE run 1".to_string()));
        // Same key, other method: another key. Its 404 is kept and replayed too.
        let patch = text(
            send(reqwest::Method::PATCH, "/things/1", "k", "{}")
                .await
                .expect("sent"),
        )
        .await;
        let patch_again = text(
            send(reqwest::Method::PATCH, "/things/1", "k", "{}")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(
            patch,
            (StatusCode::NOT_FOUND, false, "PATCH run 2".to_string())
        );
        assert_eq!(
            patch_again,
            (StatusCode::NOT_FOUND, true, "PATCH run 2".to_string())
        );
        let other_body = send(reqwest::Method::PATCH, "/things/1", "k", "{\"a\":1}")
            .await
            .expect("sent");
        assert_eq!(other_body.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let other_query = send(reqwest::Method::DELETE, "/things/1?x=1", "k", "")
            .await
            .expect("sent");
        assert_eq!(other_query.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Same key, other path: another key.
        let other_path = text(
            send(reqwest::Method::DELETE, "/things/2", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(
            other_path,
            (StatusCode::OK, false, "DELETE run 3".to_string())
        );
        // A malformed key runs nothing.
        let bad = send(reqwest::Method::DELETE, "/things/3", "two words", "")
            .await
            .expect("sent");
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        // A safe method is not keyed.
        let get = text(
            send(reqwest::Method::GET, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(get, (StatusCode::NOT_FOUND, false, "GET run 4".to_string()));
        assert_eq!(runs.load(Ordering::SeqCst), 4);
        server.abort();
    }

    /// A handler's 503 `STORE_UNAVAILABLE` (refused before it ran) releases the key, as a
    /// 429 does: the retry with the same key runs, and its answer is the one kept.
    #[tokio::test]
    async fn a_request_refused_for_want_of_the_store_releases_its_key() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use axum::Router;
        use axum::middleware::from_fn_with_state;
        use axum::routing::post;

        let state = AppState::new(crate::config::Config::default()).expect("in-memory state");
        let runs = Arc::new(AtomicUsize::new(0));
        let handler = {
            let runs = runs.clone();
            move || {
                let runs = runs.clone();
                async move {
                    let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    if n == 1 {
                        let reason = Unavailable("Redis cannot be reached".into());
                        return ApiError::store_unavailable(reason).into_response();
                    }
                    (StatusCode::CREATED, format!("run {n}")).into_response()
                }
            }
        };
        let app = Router::new()
            .route("/things", post(handler))
            .layer(from_fn_with_state(state.clone(), idempotent))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        let send = || async {
            let response = http
                .post(format!("http://{addr}/things"))
                .header("idempotency-key", "k")
                .body("{}")
                .send()
                .await
                .expect("sent");
            let replayed = response.headers().get(REPLAYED).is_some();
            (response.status(), replayed)
        };
        assert_eq!(send().await, (StatusCode::SERVICE_UNAVAILABLE, false));
        assert_eq!(send().await, (StatusCode::CREATED, false), "the retry runs");
        assert_eq!(send().await, (StatusCode::CREATED, true), "and is kept");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        server.abort();
    }
}
