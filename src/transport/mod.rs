//! What happens to every request of the generated client: the `ClientHooks` of
//! [`crate::api::Client`].
//!
//! Progenitor routes each generated operation through `ClientHooks::exec`, so this is
//! the one place where cross-cutting behaviour wraps all of them: retries with backoff,
//! the idempotency key of a keyed operation (generated once, sent on every attempt; a
//! caller's own key checked against the spec's bounds before sending), the attempt
//! number, the per-attempt timeout, the overall deadline, default query parameters and
//! the tracing spans. Each operation's retry class and streaming flag come from
//! [`crate::operations`] (generated from `openapi.yaml`); the rule is in [`crate::retry`].
//!
//! A non-streaming response is read to its end here, inside the retry loop, with the
//! client's size cap, and handed to the generated decoder from memory: a body cut while
//! being read is then a failure like a broken connection, which a safe operation retries.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::ResponseBuilderExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::api::Client;
use crate::offered::RouteMemory;
use crate::operations::{OPERATIONS, Operation, RetryClass};
use crate::retry::{Decision, RetryPolicy};

/// The header that carries the attempt number (1 for the first attempt).
pub const ATTEMPT_HEADER: &str = "x-connectors-attempt";
/// The header that carries the idempotency key of a keyed operation.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The response header by which a gateway that honours idempotency keys marks an answer
/// it replays (value `true`): the first outcome of the key, not a new run.
pub const IDEMPOTENT_REPLAYED_HEADER: &str = "idempotent-replayed";
/// The header whose value the gateway echoes as `metadata.requestId`.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The response header by which a gateway says it honours idempotency keys (value
/// `honoured`, on every response).
pub const IDEMPOTENCY_HONOURED_HEADER: &str = "connectors-idempotency";
/// The default cap on a response body: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

// As constants: a name built at run time (or a `&str` key) is parsed on every use.
const HONOURED_HEADER: HeaderName = HeaderName::from_static(IDEMPOTENCY_HONOURED_HEADER);
const ATTEMPT: HeaderName = HeaderName::from_static(ATTEMPT_HEADER);
const IDEMPOTENCY: HeaderName = HeaderName::from_static(IDEMPOTENCY_HEADER);
const REQUEST_ID: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);
const REPLAYED: HeaderName = HeaderName::from_static(IDEMPOTENT_REPLAYED_HEADER);
/// The `GET /` answer is small; anything past this is not a service description.
const SERVICE_INFO_LIMIT: u64 = 64 * 1024;
/// Bounds the `GET /` capability probe when the client has no per-attempt timeout.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Per-client behaviour of the generated client, stored in it as its inner value.
///
/// `Transport::default()` sends each request once and only adds tracing; use it to drive
/// [`crate::api::Client`] directly with your own `reqwest::Client`.
/// [`Transport::with_retries`] adds the facade's retry behaviour to such a client.
///
/// ```
/// use connectors::{RetryPolicy, api::{Client, Transport}};
///
/// let transport = Transport::with_retries(RetryPolicy::default().max_retries(3));
/// let client = Client::new_with_client("http://localhost:3000", reqwest::Client::new(), transport);
/// # let _ = client;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Transport {
    policy: Option<Arc<Policy>>,
    /// Set for the facade's calls only: the operations the gateway does not offer, which
    /// are not sent (the generated client of [`crate::Connectors::api`] sends what it is
    /// asked to), and the calls report what their request met (see [`record_call`]).
    memory: Option<Arc<RouteMemory>>,
    /// The client has no API key: the facade's calls of authenticated operations are
    /// refused before a request, naming the variable to set.
    key_missing: bool,
}

/// Settings that apply to every attempt of every request of one client.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub(crate) retry: RetryPolicy,
    /// Bound on one attempt (not applied to event streams, whose body is open-ended).
    pub(crate) timeout: Option<Duration>,
    /// The total timeout the `reqwest::Client` itself applies to each request: an
    /// attempt whose bound is the same is sent without a timeout of its own, which would
    /// cost each request (and its retry copy) a map of extensions.
    pub(crate) client_timeout: Option<Duration>,
    /// Bound on all attempts of one call together, waits included.
    pub(crate) deadline: Option<Duration>,
    pub(crate) default_query: Vec<(String, String)>,
    /// Sees the final response of every call before it is decoded.
    pub(crate) observer: Option<crate::observe::Observer>,
    /// The cap on a response body read into memory.
    pub(crate) max_response_bytes: u64,
    /// Retry keyed operations after ambiguous failures even when the gateway is not known
    /// to honour idempotency keys (the caller's explicit choice, per call).
    pub(crate) retry_ambiguous: bool,
    /// What is known of the gateway's handling of idempotency keys; one per client,
    /// shared by its clones and `with_options` handles (the `Arc` is cloned, not the state).
    pub(crate) keys: Arc<KeyHonour>,
    /// The W3C trace context sent on every request (`traceparent`, `tracestate`).
    pub(crate) trace: Option<crate::trace::TraceContext>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retry: RetryPolicy::default(),
            timeout: None,
            client_timeout: None,
            deadline: None,
            default_query: Vec::new(),
            observer: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry_ambiguous: false,
            keys: Arc::default(),
            trace: None,
        }
    }
}

/// Whether the gateway honours `Idempotency-Key`: declared by the user, learned from the
/// `Connectors-Idempotency: honoured` response header, or asked of `GET /` once.
#[derive(Default)]
pub(crate) struct KeyHonour {
    /// 0 while unknown, else [`KEYS_HONOURED`] or [`KEYS_IGNORED`].
    state: AtomicU8,
    /// The user said so in the builder: nothing learned overrides it.
    declared: bool,
    /// Serialises the `GET /` probe so that concurrent failures ask once.
    probing: futures::lock::Mutex<()>,
}

const KEYS_HONOURED: u8 = 1;
const KEYS_IGNORED: u8 = 2;

impl fmt::Debug for KeyHonour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHonour")
            .field("honoured", &self.known())
            .field("declared", &self.declared)
            .finish()
    }
}

impl KeyHonour {
    /// The user's declaration, which wins over anything learned.
    pub(crate) fn declared(honoured: bool) -> Self {
        KeyHonour {
            state: AtomicU8::new(if honoured {
                KEYS_HONOURED
            } else {
                KEYS_IGNORED
            }),
            declared: true,
            probing: futures::lock::Mutex::new(()),
        }
    }

    /// `Some(true)` when the gateway is known to honour keys, `Some(false)` when known not
    /// to, `None` when nothing was learned yet.
    pub(crate) fn known(&self) -> Option<bool> {
        match self.state.load(Ordering::Relaxed) {
            KEYS_HONOURED => Some(true),
            KEYS_IGNORED => Some(false),
            _ => None,
        }
    }

    fn set(&self, honoured: bool) {
        if !self.declared {
            let state = if honoured {
                KEYS_HONOURED
            } else {
                KEYS_IGNORED
            };
            self.state.store(state, Ordering::Relaxed);
        }
    }

    /// Learns from a response: a key-honouring gateway marks every response. Absence
    /// proves nothing (a proxy may drop headers), so it never unlearns.
    fn learn(&self, headers: &HeaderMap) {
        if self.declared || self.state.load(Ordering::Relaxed) == KEYS_HONOURED {
            return;
        }
        if headers
            .get(&HONOURED_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("honoured"))
        {
            self.state.store(KEYS_HONOURED, Ordering::Relaxed);
        }
    }
}

impl Transport {
    /// Retries transient failures by `policy`, adds an idempotency key to each keyed
    /// operation (`x-connectors-retry: keyed`; a key you set is kept) and
    /// the attempt number to each request.
    pub fn with_retries(policy: RetryPolicy) -> Self {
        Transport::from_policy(Arc::new(Policy {
            retry: policy,
            ..Policy::default()
        }))
    }

    pub(crate) fn from_policy(policy: Arc<Policy>) -> Self {
        Transport {
            policy: Some(policy),
            memory: None,
            key_missing: false,
        }
    }

    /// The transport of the facade's calls: it reports what each request met to the call
    /// (see [`record_call`]), and does not send operations that `memory` knows the
    /// gateway lacks.
    pub(crate) fn for_facade(
        policy: Arc<Policy>,
        memory: Arc<RouteMemory>,
        key_missing: bool,
    ) -> Self {
        Transport {
            policy: Some(policy),
            memory: Some(memory),
            key_missing,
        }
    }

    /// Whether this is the transport of the facade's calls.
    fn reports(&self) -> bool {
        self.memory.is_some()
    }
}

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

/// Updates the [`Exchange`] of the facade call being polled, for the facade's error
/// mapping (progenitor drops the status of a response whose body does not decode).
/// Outside a facade call (there is none to report to) this does nothing.
fn report(f: impl FnOnce(&mut Exchange)) {
    let _ = CALL.try_with(|exchange| f(&mut exchange.borrow_mut()));
}

/// The final response (or failure) of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exchange {
    pub(crate) status: Option<reqwest::StatusCode>,
    /// Header values rather than strings: recorded on every call, read only by errors.
    content_type: Option<HeaderValue>,
    request_id: Option<HeaderValue>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    /// The overall deadline ended the attempts.
    pub(crate) deadline_hit: bool,
    /// The spec's `operationId` of the call.
    pub(crate) operation: Option<&'static str>,
    /// Its row of the operation table, found once per call (by `pre`).
    row: Option<&'static Operation>,
    /// The gateway's earlier refusal of this operation (404 `ROUTE_NOT_FOUND`); when set,
    /// no request was sent.
    pub(crate) remembered_refusal: Option<Box<crate::error::ApiError>>,
    /// The operation needs an API key and the client has none; nothing was sent.
    pub(crate) key_missing: bool,
    /// The idempotency key of a keyed operation, the same on every attempt.
    idempotency_key: Option<HeaderValue>,
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
}

/// A response body past the client's cap; the source of the `reqwest::Error` the
/// transport returns for it, which the facade turns into
/// [`crate::Error::ResponseTooLarge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) limit: u64,
    pub(crate) received_at_least: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body is larger than the limit of {} bytes (at least {} bytes)",
            self.status.as_u16(),
            self.limit,
            self.received_at_least
        )
    }
}

impl std::error::Error for TooLarge {}

/// The row of [`crate::operations`] for a generated operation.
///
/// Progenitor names operations in snake case (`invoke_tools_batch`, `get_oauth_config`);
/// the table keeps the spec's camel case (`invokeToolsBatch`, `getOAuthConfig`). Both
/// spell the same letters once underscores and case are ignored, so a scan of the 35
/// rows with a comparison that stops at the first different letter finds it without a
/// map, an allocation or parsing the spec at run time.
pub(crate) fn operation(generated: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| same_name(op.id, generated))
}

/// `invokeToolsBatch` and `invoke_tools_batch` name the same operation.
fn same_name(camel: &str, snake: &str) -> bool {
    let mut left = camel.bytes().filter(|&b| b != b'_');
    let mut right = snake.bytes().filter(|&b| b != b'_');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
            _ => return false,
        }
    }
}

/// The attempt number as a header value; the usual ones without an allocation.
fn attempt_value(attempt: u32) -> HeaderValue {
    const SMALL: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get((attempt as usize).wrapping_sub(1)) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(attempt),
    }
}

/// Why `key` cannot be an `Idempotency-Key`, by the bounds of `openapi.yaml` (its
/// `IdempotencyKey` schema, read at build time into [`crate::api::limits`]): 1 to 255
/// bytes, each visible ASCII (0x21-0x7E). The key itself is not repeated (it may be
/// long); the offending byte and its position are.
pub(crate) fn check_idempotency_key(key: &[u8]) -> Result<(), String> {
    use crate::api::limits::{
        IDEMPOTENCY_KEY_BYTES, IDEMPOTENCY_KEY_MAX_BYTES, IDEMPOTENCY_KEY_MIN_BYTES,
    };
    let rule = || {
        format!(
            "an idempotency key is {IDEMPOTENCY_KEY_MIN_BYTES} to {IDEMPOTENCY_KEY_MAX_BYTES} bytes, each visible ASCII ({:#04X}-{:#04X}: no spaces, control characters or non-ASCII letters), so that the header carries it and the gateway reads it",
            IDEMPOTENCY_KEY_BYTES.start(),
            IDEMPOTENCY_KEY_BYTES.end()
        )
    };
    if key.len() < IDEMPOTENCY_KEY_MIN_BYTES {
        return Err(format!("{}; this one is empty", rule()));
    }
    if key.len() > IDEMPOTENCY_KEY_MAX_BYTES {
        return Err(format!("{}; this one is {} bytes long", rule(), key.len()));
    }
    if let Some((at, byte)) = key
        .iter()
        .copied()
        .enumerate()
        .find(|(_, b)| !IDEMPOTENCY_KEY_BYTES.contains(b))
    {
        let what = match byte {
            b' ' => "a space".to_string(),
            0x80.. => format!("the non-ASCII byte {byte:#04X}"),
            _ if byte.is_ascii_control() => format!("the control character {byte:#04X}"),
            _ => format!("the byte {byte:#04X}"),
        };
        return Err(format!(
            "{}; this one holds {what} at byte {}",
            rule(),
            at + 1
        ));
    }
    Ok(())
}

/// Whether a response is a gateway's replay of an idempotency key's first outcome.
pub(crate) fn is_replayed(headers: &HeaderMap) -> bool {
    headers
        .get(&REPLAYED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// A random (version 4) UUID as a header value, for request ids and idempotency keys.
///
/// From the thread's fast generator rather than the kernel's: 122 random bits keep keys
/// unique, and they need not be secret (a gateway scopes keys to the caller's tenant).
/// The kernel's generator costs a system call per id, two per call.
fn random_id() -> HeaderValue {
    let uuid = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid.hyphenated().encode_lower(&mut text);
    // Owned by its `Bytes` from the start, so that the copies of the value (the call's
    // record, reqwest's) share it instead of each converting a plain buffer first. A
    // hyphenated UUID is visible ASCII, which a header value always takes.
    HeaderValue::from_maybe_shared(Bytes::from_owner(text))
        .unwrap_or(HeaderValue::from_static("invalid-id"))
}

impl ClientHooks<Transport> for Client {
    /// Names the operation to the facade call, and refuses (without a request) an operation the
    /// gateway already answered with 404 `ROUTE_NOT_FOUND`.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // A key the gateway could not read would be ignored there (the call then runs
        // without one, every time): refused before sending, on every client.
        if let Some(key) = request.headers().get(&IDEMPOTENCY)
            && let Err(problem) = check_idempotency_key(key.as_bytes())
        {
            report(|e| e.invalid_key = Some(problem.clone()));
            return Err(progenitor_client::Error::Custom(format!(
                "{IDEMPOTENCY_HEADER}: {problem}"
            )));
        }
        let Some(memory) = &self.inner().memory else {
            return Ok(());
        };
        let row = operation(info.operation_id);
        let operation = row.map_or(info.operation_id, |op| op.id);
        report(|e| {
            e.operation = Some(operation);
            e.row = row;
        });
        if self.inner().key_missing && row.is_some_and(|op| op.authenticated) {
            // The gateway's bare 401 would not say which setting is missing.
            report(|e| e.key_missing = true);
            return Err(progenitor_client::Error::Custom(format!(
                "{operation} needs an API key"
            )));
        }
        let Some(refusal) = memory.refusal(operation) else {
            return Ok(());
        };
        tracing::debug!(
            operation,
            "the gateway does not offer this operation (remembered); not sending"
        );
        report(|e| e.remembered_refusal = Some(Box::new(refusal)));
        // The facade turns this into `Error::NotOffered` from the reported refusal.
        Err(progenitor_client::Error::Custom(format!(
            "the gateway does not offer {operation}"
        )))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // On the heap, once: the state of a call's attempts (reqwest's futures, the body
        // read, the capability probe) is kilobytes, which the generated operation and
        // every facade layer above it would otherwise hold and move as they are built.
        Box::pin(execute(self, request, info)).await
    }
}

/// `exec`: the attempts of one request by the client's policy, traced.
async fn execute(
    client: &Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let transport = client.inner();
    let reports = transport.reports();
    // A facade call's `pre` has found the row already.
    let op = match reports.then(|| CALL.try_with(|e| e.borrow().row).ok().flatten()) {
        Some(Some(row)) => Some(row),
        _ => operation(info.operation_id),
    };
    let id = op.map_or(info.operation_id, |op| op.id);
    // The path template, not the concrete path: ids in paths stay out of traces.
    let path = op.map_or("", |op| op.path);
    let span = tracing::debug_span!(
        "connectors.request",
        // The generated name, as the traces have always shown it.
        operation = info.operation_id,
        method = %request.method(),
        path = %path,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    // Timed only for a subscriber that records the span: the clock costs on every call.
    let started = (!span.is_disabled()).then(Instant::now);
    // Without an explicit trace context, the span's OpenTelemetry one: this request's span
    // when the layer records it (the gateway's work is its child), else the caller's.
    #[cfg(feature = "opentelemetry")]
    if transport.policy.as_ref().is_none_or(|p| p.trace.is_none())
        && let Some(trace) = crate::trace::TraceContext::from_span(&span)
            .or_else(|| crate::trace::TraceContext::from_span(&tracing::Span::current()))
    {
        trace.apply(request.headers_mut());
    }
    let result = match &transport.policy {
        None => {
            let result = client.client().execute(request).await;
            if reports {
                record(&result, 1, false);
            }
            result
        }
        Some(policy) => {
            // An operation missing from the table (none is) counts as keyed unless
            // its method is a read: the cautious side.
            let keyed = op.map_or(
                !matches!(
                    *request.method(),
                    reqwest::Method::GET | reqwest::Method::HEAD
                ),
                |op| op.retry == RetryClass::Keyed,
            );
            let call = CallKind {
                keyed,
                streaming: op.is_some_and(|op| op.streaming),
            };
            prepare(&mut request, policy, keyed, reports);
            let method = request.method().clone();
            let (result, attempts) = attempts(client, request, policy, call, reports)
                .instrument(span.clone())
                .await;
            match (result, &policy.observer) {
                (Ok(response), Some(observer)) => {
                    observer
                        .observe(response, id, &method, path, attempts)
                        .await
                }
                (result, _) => result,
            }
        }
    };
    if let Some(started) = started {
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
    }
    result
}

/// What the retry rule needs to know of the operation being called.
#[derive(Debug, Clone, Copy)]
struct CallKind {
    /// [`RetryClass::Keyed`]: it may have side effects.
    keyed: bool,
    /// Its success is an event stream, which is not read into memory.
    streaming: bool,
}

/// Adds what every attempt of the call shares: default query parameters, the trace
/// context when one is set, the request id, and for a keyed operation the
/// idempotency key.
fn prepare(request: &mut reqwest::Request, policy: &Policy, keyed: bool, reports: bool) {
    if !policy.default_query.is_empty() {
        let mut pairs = request.url_mut().query_pairs_mut();
        for (name, value) in &policy.default_query {
            pairs.append_pair(name, value);
        }
    }
    let headers = request.headers_mut();
    if let Some(trace) = &policy.trace {
        trace.apply(headers);
    }
    let request_id = headers.entry(REQUEST_ID).or_insert_with(random_id).clone();
    // Generated once per logical call and reused on every attempt, so a gateway that
    // honours it never runs a tool twice. A safe operation (a read, or a POST such as
    // `selectTools` that changes nothing) has nothing to deduplicate. Only a keyed call
    // can end in `OutcomeUnknown`, which hands the key out.
    let key = keyed.then(|| headers.entry(IDEMPOTENCY).or_insert_with(random_id).clone());
    if reports {
        let request_id = Some(request_id);
        report(|e| {
            e.request_id = request_id;
            e.idempotency_key = key;
        });
    }
}

/// How a failed attempt ended, for the rule of [`crate::retry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Nothing was processed: the connection was never made, or the gateway refused to
    /// start (429, 503 with `Retry-After`, 408, or an explicit `x-should-retry: true`).
    NotProcessed,
    /// The request may have been processed: a timeout, the connection lost after
    /// sending, a body cut while read, 500, 502, 504 or a 503 without `Retry-After`.
    Ambiguous,
    /// The gateway did not run this attempt because the key's first request is still
    /// running (409 `IDEMPOTENCY_KEY_IN_USE`): a retry with the same key gets its outcome,
    /// and a call that ends here does not know it.
    InUse,
}

/// The class of a retryable status.
fn status_failure(status: reqwest::StatusCode, headers: &HeaderMap) -> Failure {
    let server_says_retry = headers
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "true");
    let asks_to_wait =
        || headers.contains_key("retry-after") || headers.contains_key("retry-after-ms");
    match status.as_u16() {
        408 | 429 => Failure::NotProcessed,
        503 if asks_to_wait() => Failure::NotProcessed,
        _ if server_says_retry => Failure::NotProcessed,
        _ => Failure::Ambiguous,
    }
}

/// The class of a failure without a response. A connect error (refused, DNS, TLS
/// handshake, connect timeout) happens before the request is sent.
fn error_failure(error: &reqwest::Error) -> Failure {
    if error.is_connect() {
        Failure::NotProcessed
    } else {
        Failure::Ambiguous
    }
}

/// The "no timeout" of a request sent by a client that has one: tokio's timers treat a
/// deadline this far out as never.
const UNBOUNDED: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A copy of `request` for the next attempt, or `None` when its body is a stream.
///
/// What `reqwest::Request::try_clone` copies, except the map of extensions it always
/// allocates: the generated client sets none but the timeout, copied here when set.
fn retry_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    let body = match request.body() {
        Some(body) => Some(reqwest::Body::from(Bytes::copy_from_slice(
            body.as_bytes()?,
        ))),
        None => None,
    };
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}

/// What one attempt leaves when it is not the final answer.
struct Failed {
    result: reqwest::Result<reqwest::Response>,
    wait: Duration,
    failure: Failure,
    reason: &'static str,
}

/// The end of a call: its result, and whether it may have run without its outcome known.
struct End {
    result: reqwest::Result<reqwest::Response>,
    unknown: bool,
    deadline_hit: bool,
    retry_after: Option<Duration>,
}

impl End {
    fn new(result: reqwest::Result<reqwest::Response>, unknown: bool) -> Self {
        End {
            result,
            unknown,
            deadline_hit: false,
            retry_after: None,
        }
    }
}

async fn attempts(
    client: &Client,
    mut request: reqwest::Request,
    policy: &Policy,
    call: CallKind,
    reports: bool,
) -> (reqwest::Result<reqwest::Response>, u32) {
    let deadline = policy.deadline.map(|d| Instant::now() + d);
    let max_retries = policy.retry.max_retries;
    let mut retries_done = 0u32;
    // Whether an earlier attempt of a keyed call failed after the request may have been
    // processed: then no later failure can prove that it did not run.
    let mut may_have_run = false;
    loop {
        let attempt = retries_done + 1;
        request
            .headers_mut()
            .insert(ATTEMPT, attempt_value(attempt));
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let mut deadline_binds = false;
        // reqwest's per-request timeout also bounds reading the body, which happens here:
        // no timer of our own is needed for it. An event stream has none.
        let timeout = match (policy.timeout, remaining) {
            _ if call.streaming => None,
            (Some(t), Some(r)) => {
                deadline_binds = r < t;
                Some(t.min(r))
            }
            (None, Some(r)) => {
                deadline_binds = true;
                Some(r)
            }
            (t, None) => t,
        };
        if timeout != policy.client_timeout {
            *request.timeout_mut() = Some(timeout.unwrap_or(UNBOUNDED));
        }
        // A body that cannot be copied (a stream) is sent once.
        let next = if retries_done < max_retries {
            retry_copy(&request)
        } else {
            None
        };

        let attempt_span = tracing::debug_span!(
            "connectors.attempt",
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = (!attempt_span.is_disabled()).then(Instant::now);
        let latency = |span: &tracing::Span| {
            if let Some(started) = started {
                span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
            }
        };
        let result = client
            .client()
            .execute(request)
            .instrument(attempt_span.clone())
            .await;
        tracing::Span::current().record("attempts", attempt);

        let step = match result {
            Ok(response) => {
                attempt_span.record("status", response.status().as_u16());
                policy.keys.learn(response.headers());
                let step = after_response(response, policy, call, retries_done)
                    .instrument(attempt_span.clone())
                    .await;
                latency(&attempt_span);
                step
            }
            Err(error) => {
                latency(&attempt_span);
                let failure = error_failure(&error);
                let unknown = call.keyed && failure == Failure::Ambiguous;
                if error.is_timeout() && deadline_binds {
                    // The deadline, not the per-attempt timeout, ended this attempt.
                    let end = End {
                        deadline_hit: true,
                        ..End::new(Err(error), unknown)
                    };
                    return finish(settle(end, may_have_run), attempt, reports);
                }
                match policy.retry.after_failure(&error, retries_done) {
                    Decision::Retry(wait) => Err(Failed {
                        reason: if error.is_timeout() {
                            "timeout"
                        } else {
                            "connection error"
                        },
                        result: Err(error),
                        wait,
                        failure,
                    }),
                    Decision::Stop | Decision::WaitTooLong(_) => {
                        let unknown = unknown && crate::retry::is_transient(&error);
                        Ok(End::new(Err(error), unknown))
                    }
                }
            }
        };
        let failed = match step {
            Ok(end) => return finish(settle(end, may_have_run), attempt, reports),
            Err(failed) => failed,
        };

        let ambiguous = call.keyed && failed.failure == Failure::Ambiguous;
        may_have_run |= ambiguous;
        // Ending here leaves the outcome unknown: this attempt may have run, or the key's
        // first request is still running.
        let unsettled = call.keyed && failed.failure != Failure::NotProcessed;
        if ambiguous && !may_repeat(client, policy, deadline).await {
            tracing::info!(
                attempt,
                reason = failed.reason,
                "not retrying: the operation may have run and the gateway is not known to honour idempotency keys"
            );
            let end = stop(failed.result, call, policy, true).await;
            return finish(settle(end, may_have_run), attempt, reports);
        }
        let Some(again) = next else {
            let end = stop(failed.result, call, policy, unsettled).await;
            return finish(settle(end, may_have_run), attempt, reports);
        };
        if let Some(deadline) = deadline
            && Instant::now() + failed.wait >= deadline
        {
            tracing::debug!("the deadline leaves no time for another attempt");
            let mut end = stop(failed.result, call, policy, unsettled).await;
            end.deadline_hit = true;
            return finish(settle(end, may_have_run), attempt, reports);
        }
        tracing::info!(
            attempt,
            wait_ms = failed.wait.as_millis() as u64,
            reason = failed.reason,
            "retrying"
        );
        // A failed response is dropped unread: its connection is not reused, which
        // is the safe choice after a server error.
        drop(failed.result);
        tokio::time::sleep(failed.wait).await;
        request = again;
        retries_done += 1;
    }
}

/// What a response means: the final answer (its body read, unless it is a stream), or a
/// failure another attempt may cure.
async fn after_response(
    response: reqwest::Response,
    policy: &Policy,
    call: CallKind,
    retries_done: u32,
) -> Result<End, Failed> {
    let status = response.status();
    // A keyed call's 409 may be the gateway's word on the key, which its body's code says
    // (unless `x-should-retry: true` decides, as for any status).
    if call.keyed
        && status == reqwest::StatusCode::CONFLICT
        && !crate::retry::status_is_retryable(status, response.headers())
    {
        return after_conflict(response, policy, retries_done).await;
    }
    let decision =
        policy
            .retry
            .after_response(status, response.headers(), retries_done, SystemTime::now());
    // Retries used up after an ambiguous status of a keyed call: it may have run.
    let ambiguous = |headers: &HeaderMap| {
        call.keyed
            && crate::retry::status_is_retryable(status, headers)
            && status_failure(status, headers) == Failure::Ambiguous
    };
    match decision {
        Decision::Retry(wait) => Err(Failed {
            failure: status_failure(status, response.headers()),
            result: Ok(response),
            wait,
            reason: "status",
        }),
        Decision::WaitTooLong(wait) => {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "the server asks for a longer wait than the retry cap; not retrying"
            );
            let unknown = ambiguous(response.headers());
            let mut end = stop(Ok(response), call, policy, unknown).await;
            end.retry_after = Some(wait);
            Ok(end)
        }
        Decision::Stop => {
            let unknown = ambiguous(response.headers());
            if call.streaming {
                return Ok(End::new(Ok(response), unknown));
            }
            match read_capped(response, policy.max_response_bytes).await {
                Ok(buffered) => Ok(End::new(Ok(buffered), unknown)),
                Err(Body::TooLarge(result)) => Ok(End::new(result, false)),
                // A body cut while read is a transient failure like a broken connection.
                Err(Body::Cut(error)) if retries_done < policy.retry.max_retries => Err(Failed {
                    result: Err(error),
                    wait: policy.retry.backoff(retries_done),
                    failure: Failure::Ambiguous,
                    reason: "body cut",
                }),
                Err(Body::Cut(error)) => Ok(End::new(Err(error), call.keyed)),
            }
        }
    }
}

/// The codes of a 409 by which a gateway that honours keys says why it does not give a
/// key's first outcome (see `IdempotencyConflict` in `openapi.yaml`).
pub(crate) const KEY_IN_USE: &str = "IDEMPOTENCY_KEY_IN_USE";
/// The operation ran for the key, but its answer was too large for the gateway to keep.
pub(crate) const RESULT_NOT_RETAINED: &str = "IDEMPOTENCY_RESULT_NOT_RETAINED";
/// The key's first attempt began, and the gateway cannot know whether it completed.
pub(crate) const OUTCOME_IN_DOUBT: &str = "IDEMPOTENCY_OUTCOME_IN_DOUBT";

/// A 409 of a keyed call: `IDEMPOTENCY_KEY_IN_USE` is retried with the same key after the
/// wait the gateway asks for (the first request is still running; the gateway did not run
/// this one), `IDEMPOTENCY_RESULT_NOT_RETAINED` and `IDEMPOTENCY_OUTCOME_IN_DOUBT` end the
/// call with its outcome unknown; any other 409 is the gateway's definite answer.
async fn after_conflict(
    response: reqwest::Response,
    policy: &Policy,
    retries_done: u32,
) -> Result<End, Failed> {
    let now = SystemTime::now();
    let refused = response
        .headers()
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "false");
    let decision = if refused {
        Decision::Stop
    } else {
        policy
            .retry
            .wait_after(response.headers(), retries_done, now)
    };
    let buffered = match read_body(response, policy.max_response_bytes).await {
        Ok(buffered) => buffered,
        Err(Body::TooLarge(result)) => return Ok(End::new(result, false)),
        // A 409 proves the gateway answered; its body cut says nothing more.
        Err(Body::Cut(error)) => return Ok(End::new(Err(error), true)),
    };
    let code = error_code(&buffered.body);
    let response = buffered.into_response();
    match code.as_deref() {
        Some(KEY_IN_USE) => match decision {
            Decision::Retry(wait) => Err(Failed {
                result: Ok(response),
                wait,
                failure: Failure::InUse,
                reason: "idempotency key in use",
            }),
            Decision::WaitTooLong(wait) => {
                let mut end = End::new(Ok(response), true);
                end.retry_after = Some(wait);
                Ok(end)
            }
            Decision::Stop => Ok(End::new(Ok(response), true)),
        },
        Some(RESULT_NOT_RETAINED | OUTCOME_IN_DOUBT) => Ok(End::new(Ok(response), true)),
        _ => Ok(End::new(Ok(response), false)),
    }
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

/// Ends the call with a failed attempt's result: an error response is read (capped) so
/// that the decoder finds the gateway's error body.
async fn stop(
    result: reqwest::Result<reqwest::Response>,
    call: CallKind,
    policy: &Policy,
    unknown: bool,
) -> End {
    match result {
        Ok(response) if !call.streaming => {
            match read_capped(response, policy.max_response_bytes).await {
                Ok(buffered) => End::new(Ok(buffered), unknown),
                Err(Body::TooLarge(result)) => End::new(result, unknown),
                Err(Body::Cut(error)) => End::new(Err(error), unknown),
            }
        }
        result => End::new(result, unknown),
    }
}

/// A call that ends in a failure that proves nothing (429, 408, a 5xx, a transport
/// error) after an earlier attempt may have run: its outcome is unknown, whatever the
/// last attempt met. So is a 404 or a 409 then: "no such thing" after a removal, or
/// "already exists" after a creation, may be the earlier attempt's own effect (a gateway
/// that ignores keys ran it, and this attempt met what it left). A replay
/// (`Idempotent-Replayed: true`) is the key's first outcome, known; a success or another
/// 4xx is the gateway's definite answer.
fn settle(mut end: End, may_have_run: bool) -> End {
    if may_have_run {
        let inconclusive = match &end.result {
            Err(_) => true,
            Ok(response) if is_replayed(response.headers()) => false,
            Ok(response) => {
                let status = response.status();
                status.is_server_error() || matches!(status.as_u16(), 404 | 408 | 409 | 429)
            }
        };
        end.unknown |= inconclusive;
    }
    end
}

fn finish(end: End, attempts: u32, reports: bool) -> (reqwest::Result<reqwest::Response>, u32) {
    if reports {
        record(&end.result, attempts, end.deadline_hit);
        report(|e| {
            e.outcome_unknown = end.unknown;
            if end.retry_after.is_some() {
                e.retry_after = end.retry_after;
            }
        });
    }
    (end.result, attempts)
}

/// Whether a keyed operation may be sent again after an ambiguous failure: the caller
/// opted in, or the gateway honours idempotency keys (declared, learned, or asked).
async fn may_repeat(client: &Client, policy: &Policy, deadline: Option<Instant>) -> bool {
    if policy.retry_ambiguous {
        return true;
    }
    if let Some(known) = policy.keys.known() {
        return known;
    }
    // One probe at a time: a call that waited finds the answer of the one before.
    let _guard = policy.keys.probing.lock().await;
    if let Some(known) = policy.keys.known() {
        return known;
    }
    // Boxed: a second request's state, rarely needed, kept out of every call's future.
    match Box::pin(ask_capabilities(client, policy, deadline)).await {
        Some(honoured) => {
            policy.keys.set(honoured);
            policy.keys.known().unwrap_or(honoured)
        }
        // A failed probe proves nothing; this call does not retry, a later one may ask.
        None => false,
    }
}

/// `GET /` (getServiceInfo): `Some(data.capabilities.idempotencyKeys == true)` when the
/// gateway answered, `None` when the probe failed.
async fn ask_capabilities(
    client: &Client,
    policy: &Policy,
    deadline: Option<Instant>,
) -> Option<bool> {
    let mut url = reqwest::Url::parse(&format!("{}/", client.baseurl())).ok()?;
    if !policy.default_query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &policy.default_query {
            pairs.append_pair(name, value);
        }
    }
    let mut timeout = policy.timeout.unwrap_or(PROBE_TIMEOUT);
    if let Some(deadline) = deadline {
        timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
    }
    tracing::debug!("asking GET / whether the gateway honours idempotency keys");
    let response = match client.client().get(url).timeout(timeout).send().await {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(error = %error, "the capability probe failed");
            return None;
        }
    };
    let status = response.status();
    policy.keys.learn(response.headers());
    if policy.keys.known() == Some(true) {
        return Some(true);
    }
    if !status.is_success() {
        // An answer that is not the service description: the gateway does not advertise
        // the capability. A transient status proves nothing either way.
        let transient = matches!(status.as_u16(), 408 | 429) || status.is_server_error();
        return (!transient).then_some(false);
    }
    let body = read_capped(response, SERVICE_INFO_LIMIT).await.ok()?;
    let body = body.bytes().await.ok()?;
    let info = serde_json::from_slice::<serde_json::Value>(&body).ok();
    Some(
        info.and_then(|v| v.pointer("/data/capabilities/idempotencyKeys")?.as_bool())
            .unwrap_or(false),
    )
}

/// Why a body was not read into memory.
enum Body {
    /// It was cut (or timed out) while read.
    Cut(reqwest::Error),
    /// It is longer than the cap: the result to end the call with (an error whose
    /// source is a [`TooLarge`]).
    TooLarge(reqwest::Result<reqwest::Response>),
}

/// Reads `response`'s body, at most `limit` bytes, and gives the response back with the
/// body in memory, so that the generated decoder reads it from there.
async fn read_capped(response: reqwest::Response, limit: u64) -> Result<reqwest::Response, Body> {
    read_body(response, limit)
        .await
        .map(Buffered::into_response)
}

/// A response whose body was read into memory.
struct Buffered {
    status: reqwest::StatusCode,
    version: http::Version,
    url: reqwest::Url,
    headers: HeaderMap,
    extensions: http::Extensions,
    body: Bytes,
}

/// Reads `response`'s body, at most `limit` bytes, into memory.
async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Buffered, Body> {
    let status = response.status();
    let too_large = |received_at_least| TooLarge {
        status,
        limit,
        received_at_least,
    };
    // A declared length over the cap is refused before a byte is read.
    let declared = response.content_length();
    if let Some(length) = declared
        && length > limit
    {
        return Err(Body::TooLarge(too_large_error(too_large(length)).await));
    }
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    let extensions = std::mem::take(response.extensions_mut());
    // The usual body arrives in one chunk: it is kept as is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut received = 0u64;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => return Err(Body::Cut(error)),
        };
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            return Err(Body::TooLarge(too_large_error(too_large(received)).await));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            Some(previous) => {
                let hint = declared.unwrap_or(0).min(limit) as usize;
                joined.reserve(hint.max(previous.len() + chunk.len()));
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&chunk);
            }
            None => joined.extend_from_slice(&chunk),
        }
    }
    Ok(Buffered {
        status,
        version,
        url,
        headers,
        extensions,
        body: first.unwrap_or_else(|| Bytes::from(joined)),
    })
}

impl Buffered {
    /// The response again, its body read from memory.
    fn into_response(self) -> reqwest::Response {
        // The response keeps its URL (errors name it); without one reqwest would parse a
        // placeholder URL for every response. The builder is the only way to attach it; it
        // goes into the response's own extensions (the connection's info among them), so no
        // second map is made.
        let mut builder = http::Response::builder();
        if let Some(slot) = builder.extensions_mut() {
            *slot = self.extensions;
        }
        let mut parts = match builder.url(self.url).body(()) {
            Ok(carrier) => carrier.into_parts().0,
            // Nothing was set that the builder could refuse; still, never panic.
            Err(_) => http::Response::new(()).into_parts().0,
        };
        parts.status = self.status;
        parts.version = self.version;
        parts.headers = self.headers;
        reqwest::Response::from(http::Response::from_parts(parts, self.body))
    }
}

/// The failed result for a body over the cap: a `reqwest::Error` whose source is `cause`
/// (`exec` can only fail with a `reqwest::Error`, and reqwest makes one of a failing
/// body). Off the hot path: only a refused body gets here.
async fn too_large_error(cause: TooLarge) -> reqwest::Result<reqwest::Response> {
    let status = cause.status;
    let body = reqwest::Body::wrap_stream(futures::stream::once(async move {
        Err::<Bytes, TooLarge>(cause)
    }));
    let failing = reqwest::Response::from(http::Response::new(body));
    // Reading a body whose only item is an error fails; the `Ok` arm cannot happen and
    // gives an empty response of the status rather than a panic.
    failing.bytes().await.map(|_| {
        let mut empty = http::Response::new(Bytes::new());
        *empty.status_mut() = status;
        reqwest::Response::from(empty)
    })
}

fn record(result: &reqwest::Result<reqwest::Response>, attempts: u32, deadline_hit: bool) {
    report(|exchange| {
        exchange.attempts = attempts;
        exchange.deadline_hit = deadline_hit;
        match result {
            Ok(response) => {
                let headers = response.headers();
                exchange.status = Some(response.status());
                exchange.replayed = is_replayed(headers);
                exchange.content_type = headers.get(reqwest::header::CONTENT_TYPE).cloned();
                if let Some(id) = headers.get(&REQUEST_ID) {
                    exchange.request_id = Some(id.clone());
                }
                // Only an error answer reports a wait (a success has no use for it).
                if !response.status().is_success() {
                    exchange.retry_after = crate::retry::server_wait(headers, SystemTime::now());
                }
            }
            Err(error) => exchange.status = error.status(),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Progenitor's name of an operation: snake case, with a run of capitals as one word
    /// (`getOAuthConfig` -> `get_oauth_config`).
    fn progenitor_name(id: &str) -> String {
        let mut out = String::new();
        let chars: Vec<char> = id.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if c.is_ascii_uppercase() && !prev_upper {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    #[test]
    fn every_generated_name_finds_its_own_row_of_the_table() {
        for op in OPERATIONS {
            let name = progenitor_name(op.id);
            assert_eq!(operation(&name).map(|o| o.id), Some(op.id), "{name}");
        }
        assert_eq!(
            operation("invoke_tools_batch").map(|o| o.path),
            Some("/api/v1/tools/invoke/batch")
        );
        assert_eq!(
            operation("get_oauth_config").map(|o| o.path),
            Some("/api/v1/tenants/{tenantId}/integrations/{integration}/oauth-config")
        );
        assert_eq!(
            operation("invoke_tool").map(|o| o.retry),
            Some(RetryClass::Keyed)
        );
        assert_eq!(
            operation("select_tools").map(|o| o.retry),
            Some(RetryClass::Safe)
        );
        assert!(operation("invoke_tool_x").is_none());
        assert!(operation("invoke_too").is_none());
    }

    #[test]
    fn which_failures_prove_nothing_was_processed() {
        let none = HeaderMap::new();
        let mut waits = HeaderMap::new();
        waits.insert("retry-after", HeaderValue::from_static("1"));
        let code = |c| reqwest::StatusCode::from_u16(c).unwrap_or_default();
        assert_eq!(status_failure(code(429), &none), Failure::NotProcessed);
        assert_eq!(status_failure(code(408), &none), Failure::NotProcessed);
        assert_eq!(status_failure(code(503), &waits), Failure::NotProcessed);
        for c in [500, 502, 503, 504] {
            assert_eq!(status_failure(code(c), &none), Failure::Ambiguous, "{c}");
        }
    }

    #[test]
    fn a_key_is_one_to_255_bytes_of_visible_ascii() {
        assert_eq!(check_idempotency_key(b"!"), Ok(()));
        assert_eq!(check_idempotency_key(b"~"), Ok(()));
        assert_eq!(check_idempotency_key(&[b'k'; 255]), Ok(()));
        let refused = |key: &[u8]| check_idempotency_key(key).unwrap_err();
        assert!(refused(b"").ends_with("this one is empty"));
        assert!(refused(&[b'k'; 256]).ends_with("this one is 256 bytes long"));
        assert!(refused(b"a b").ends_with("holds a space at byte 2"));
        assert!(refused(b"a\x00").ends_with("the control character 0x00 at byte 2"));
        assert!(refused("é".as_bytes()).ends_with("the non-ASCII byte 0xC3 at byte 1"));
        assert!(refused(b"\x7F").ends_with("the control character 0x7F at byte 1"));
        assert!(
            refused(b"")
                .starts_with("an idempotency key is 1 to 255 bytes, each visible ASCII (0x21-0x7E")
        );
    }

    #[test]
    fn a_replay_is_never_retried_whatever_its_status() {
        let mut replayed = HeaderMap::new();
        replayed.insert(REPLAYED, HeaderValue::from_static("true"));
        assert!(is_replayed(&replayed));
        assert!(!is_replayed(&HeaderMap::new()));
        let code = |c| reqwest::StatusCode::from_u16(c).unwrap_or_default();
        for c in [408, 429, 500, 502, 503, 504] {
            assert!(crate::retry::status_is_retryable(
                code(c),
                &HeaderMap::new()
            ));
            assert!(
                !crate::retry::status_is_retryable(code(c), &replayed),
                "{c}"
            );
        }
    }

    #[test]
    fn a_declared_answer_is_not_overridden_by_what_is_learned() {
        let mut honoured = HeaderMap::new();
        honoured.insert(HONOURED_HEADER, HeaderValue::from_static("honoured"));
        let learned = KeyHonour::default();
        assert_eq!(learned.known(), None);
        learned.learn(&HeaderMap::new());
        assert_eq!(learned.known(), None, "absence proves nothing");
        learned.learn(&honoured);
        assert_eq!(learned.known(), Some(true));
        let declared = KeyHonour::declared(false);
        declared.learn(&honoured);
        assert_eq!(declared.known(), Some(false));
    }
}
