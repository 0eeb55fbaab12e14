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
//!   and a handler's 503 `STORE_UNAVAILABLE` (marked [`NotRun`](crate::errors::NotRun)): each says the request was
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
//!
//! This module holds the limits, the store's front ([`IdempotencyStore`]) and the
//! extensions handlers and the layer exchange; `key_header` reads the header, `layer` is
//! the middleware ([`idempotent`]), `outcome` stores what a run answered, `record` is what
//! a key keeps, and `memory` and `redis` keep it.

mod key_header;
mod layer;
mod memory;
mod outcome;
mod record;
#[cfg(feature = "redis")]
mod redis;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderValue;
use axum::response::Response;
use tokio::sync::{oneshot, watch};

use connectors::api::limits::IDEMPOTENCY_KEY_MAX_BYTES;

use crate::store::{Shared, Unavailable};
pub(crate) use layer::{IdempotencyState, idempotent};
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
