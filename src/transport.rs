//! What happens to every request of the generated client: the `ClientHooks` of
//! [`crate::api::Client`].
//!
//! Progenitor routes each generated operation through `ClientHooks::exec`, so this is
//! the one place where cross-cutting behaviour wraps all of them: retries with backoff,
//! the idempotency key of a POST (generated once, sent on every attempt), the attempt
//! number, the per-attempt timeout, the overall deadline, default query parameters and
//! the tracing spans.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;

use crate::api::Client;
use crate::offered::RouteMemory;
use crate::retry::{Decision, RetryPolicy};

/// The header that carries the attempt number (1 for the first attempt).
pub const ATTEMPT_HEADER: &str = "x-connectors-attempt";
/// The header that carries the idempotency key of a POST.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The header whose value the gateway echoes as `metadata.requestId`.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

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
    probe: Option<Probe>,
    /// The operations the gateway does not offer; only the facade's calls consult it, so
    /// the generated client of [`crate::Connectors::api`] sends what it is asked to.
    memory: Option<Arc<RouteMemory>>,
}

/// Settings that apply to every attempt of every request of one client.
#[derive(Debug, Clone, Default)]
pub(crate) struct Policy {
    pub(crate) retry: RetryPolicy,
    /// Bound on one attempt (not applied to event streams, whose body is open-ended).
    pub(crate) timeout: Option<Duration>,
    /// Bound on all attempts of one call together, waits included.
    pub(crate) deadline: Option<Duration>,
    pub(crate) default_query: Vec<(String, String)>,
    /// Sees the final response of every call before it is decoded.
    pub(crate) observer: Option<crate::observe::Observer>,
}

impl Transport {
    /// Retries transient failures by `policy`, adds an idempotency key to each POST and
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
            probe: None,
            memory: None,
        }
    }

    /// The same transport for one facade call: it reports what its request met into
    /// `probe`, and does not send operations that `memory` knows the gateway lacks.
    pub(crate) fn probed(&self, probe: Probe, memory: Arc<RouteMemory>) -> Self {
        Transport {
            policy: self.policy.clone(),
            probe: Some(probe),
            memory: Some(memory),
        }
    }
}

/// What the last exchange of one call looked like, for the facade's error mapping:
/// progenitor drops the status of a response whose body does not decode.
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe(Arc<Mutex<Exchange>>);

/// The final response (or failure) of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exchange {
    pub(crate) status: Option<reqwest::StatusCode>,
    pub(crate) content_type: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    /// The overall deadline ended the attempts.
    pub(crate) deadline_hit: bool,
    /// The spec's `operationId` of the call.
    pub(crate) operation: Option<&'static str>,
    /// The gateway's earlier refusal of this operation (404 `ROUTE_NOT_FOUND`); when set,
    /// no request was sent.
    pub(crate) remembered_refusal: Option<Box<crate::error::ApiError>>,
}

impl Probe {
    pub(crate) fn get(&self) -> Exchange {
        match self.0.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut Exchange)) {
        match self.0.lock() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// Method, path template and streaming flag of an operation, read from the spec once.
struct Route {
    /// The `operationId` as the spec spells it.
    id: String,
    path: String,
    streaming: bool,
}

/// The spec's `operationId` of a generated operation (progenitor names them in snake case).
fn spec_operation_id(generated: &'static str) -> &'static str {
    routes().get(generated).map_or(generated, |r| r.id.as_str())
}

fn routes() -> &'static HashMap<String, Route> {
    static ROUTES: OnceLock<HashMap<String, Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut map = HashMap::new();
        let Ok(spec) = serde_json::from_str::<serde_json::Value>(crate::api::OPENAPI_JSON) else {
            return map;
        };
        let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) else {
            return map;
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for op in item.values() {
                let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                    continue;
                };
                let streaming = op
                    .pointer("/responses/200/content")
                    .and_then(|c| c.as_object())
                    .is_some_and(|c| c.contains_key("text/event-stream"));
                map.insert(
                    snake_case(id),
                    Route {
                        id: id.to_string(),
                        path: path.clone(),
                        streaming,
                    },
                );
            }
        }
        map
    })
}

/// `invokeToolsBatch` -> `invoke_tools_batch`, the way progenitor names operations.
fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn header_value(text: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(text).ok()
}

impl ClientHooks<Transport> for Client {
    /// Names the operation to the probe, and refuses (without a request) an operation the
    /// gateway already answered with 404 `ROUTE_NOT_FOUND`.
    async fn pre<E>(
        &self,
        _request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let transport = self.inner();
        let Some(probe) = &transport.probe else {
            return Ok(());
        };
        let operation = spec_operation_id(info.operation_id);
        probe.update(|e| e.operation = Some(operation));
        let Some(refusal) = transport.memory.as_ref().and_then(|m| m.refusal(operation)) else {
            return Ok(());
        };
        tracing::debug!(
            operation,
            "the gateway does not offer this operation (remembered); not sending"
        );
        probe.update(|e| e.remembered_refusal = Some(Box::new(refusal)));
        // The facade turns this into `Error::NotOffered` from the probe's refusal.
        Err(progenitor_client::Error::Custom(format!(
            "the gateway does not offer {operation}"
        )))
    }

    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let transport = self.inner();
        let route = routes().get(info.operation_id);
        // The path template, not the concrete path: ids in paths stay out of traces.
        let path = route.map_or_else(|| request.url().path().to_string(), |r| r.path.clone());
        let span = tracing::debug_span!(
            "connectors.request",
            operation = info.operation_id,
            method = %request.method(),
            path = %path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = match &transport.policy {
            None => {
                let result = self.client().execute(request).await;
                if let Some(probe) = &transport.probe {
                    record(probe, &result, 1, false);
                }
                result
            }
            Some(policy) => {
                prepare(&mut request, policy);
                if let Some(probe) = &transport.probe {
                    let id = request
                        .headers()
                        .get(REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    probe.update(|e| e.request_id = id);
                }
                let streaming = route.is_some_and(|r| r.streaming);
                let method = request.method().clone();
                let (result, attempts) =
                    attempts(self, request, policy, streaming, transport.probe.as_ref())
                        .instrument(span.clone())
                        .await;
                match (result, &policy.observer) {
                    (Ok(response), Some(observer)) => {
                        let id = spec_operation_id(info.operation_id);
                        observer
                            .observe(response, id, &method, &path, attempts)
                            .await
                    }
                    (result, _) => result,
                }
            }
        };
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        result
    }
}

/// Adds what every attempt of the call shares: default query parameters, the request id,
/// and for a POST the idempotency key.
fn prepare(request: &mut reqwest::Request, policy: &Policy) {
    if !policy.default_query.is_empty() {
        let mut pairs = request.url_mut().query_pairs_mut();
        for (name, value) in &policy.default_query {
            pairs.append_pair(name, value);
        }
    }
    let headers = request.headers_mut();
    if !headers.contains_key(REQUEST_ID_HEADER)
        && let Some(id) = header_value(&uuid::Uuid::new_v4().to_string())
    {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), id);
    }
    // Generated once per logical call and reused on every attempt, so a gateway that
    // honours it never runs a tool twice.
    if request.method() == reqwest::Method::POST
        && !request.headers().contains_key(IDEMPOTENCY_HEADER)
        && let Some(key) = header_value(&uuid::Uuid::new_v4().to_string())
    {
        request
            .headers_mut()
            .insert(HeaderName::from_static(IDEMPOTENCY_HEADER), key);
    }
}

async fn attempts(
    client: &Client,
    mut request: reqwest::Request,
    policy: &Policy,
    streaming: bool,
    probe: Option<&Probe>,
) -> (reqwest::Result<reqwest::Response>, u32) {
    let deadline = policy.deadline.map(|d| Instant::now() + d);
    let mut retries_done = 0u32;
    loop {
        let attempt = retries_done + 1;
        if let Some(value) = header_value(&attempt.to_string()) {
            request
                .headers_mut()
                .insert(HeaderName::from_static(ATTEMPT_HEADER), value);
        }
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let mut deadline_binds = false;
        if !streaming {
            let timeout = match (policy.timeout, remaining) {
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
            if let Some(timeout) = timeout {
                *request.timeout_mut() = Some(timeout);
            }
        }
        // A body that cannot be cloned (a stream) is sent once.
        let next = if retries_done < policy.retry.get_max_retries() {
            request.try_clone()
        } else {
            None
        };

        let attempt_span = tracing::debug_span!(
            "connectors.attempt",
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = client
            .client()
            .execute(request)
            .instrument(attempt_span.clone())
            .await;
        attempt_span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        tracing::Span::current().record("attempts", attempt);

        let decision = match &result {
            Ok(response) => {
                attempt_span.record("status", response.status().as_u16());
                policy.retry.after_response(
                    response.status(),
                    response.headers(),
                    retries_done,
                    SystemTime::now(),
                )
            }
            Err(error) => {
                let decision = policy.retry.after_failure(error, retries_done);
                if error.is_timeout() && deadline_binds {
                    // The deadline, not the per-attempt timeout, ended this attempt.
                    if let Some(probe) = probe {
                        record(probe, &result, attempt, true);
                    }
                    return (result, attempt);
                }
                decision
            }
        };

        let wait = match decision {
            Decision::Retry(wait) => wait,
            Decision::Stop => {
                if let Some(probe) = probe {
                    record(probe, &result, attempt, false);
                }
                return (result, attempt);
            }
            Decision::WaitTooLong(wait) => {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "the server asks for a longer wait than the retry cap; not retrying"
                );
                if let Some(probe) = probe {
                    record(probe, &result, attempt, false);
                    probe.update(|e| e.retry_after = Some(wait));
                }
                return (result, attempt);
            }
        };
        let Some(again) = next else {
            if let Some(probe) = probe {
                record(probe, &result, attempt, false);
            }
            return (result, attempt);
        };
        if let Some(deadline) = deadline
            && Instant::now() + wait >= deadline
        {
            tracing::debug!("the deadline leaves no time for another attempt");
            if let Some(probe) = probe {
                record(probe, &result, attempt, true);
            }
            return (result, attempt);
        }
        let reason = match &result {
            Ok(response) => format!("status {}", response.status().as_u16()),
            Err(error) if error.is_timeout() => "timeout".to_string(),
            Err(_) => "connection error".to_string(),
        };
        tracing::info!(
            attempt,
            wait_ms = wait.as_millis() as u64,
            reason = %reason,
            "retrying"
        );
        // The failed response is dropped unread: its connection is not reused, which
        // is the safe choice after a server error.
        drop(result);
        tokio::time::sleep(wait).await;
        request = again;
        retries_done += 1;
    }
}

fn record(
    probe: &Probe,
    result: &reqwest::Result<reqwest::Response>,
    attempts: u32,
    deadline_hit: bool,
) {
    probe.update(|exchange| {
        exchange.attempts = attempts;
        exchange.deadline_hit = deadline_hit;
        match result {
            Ok(response) => {
                let headers = response.headers();
                let text = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                exchange.status = Some(response.status());
                exchange.content_type = text("content-type");
                if let Some(id) = text(REQUEST_ID_HEADER) {
                    exchange.request_id = Some(id);
                }
                exchange.retry_after = crate::retry::server_wait(headers, SystemTime::now());
            }
            Err(error) => exchange.status = error.status(),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_has_a_route() {
        let routes = routes();
        assert_eq!(routes.len(), 35);
        assert_eq!(
            routes["invoke_tools_batch"].path,
            "/api/v1/tools/invoke/batch"
        );
        assert_eq!(
            routes["get_oauth_config"].path,
            "/api/v1/tenants/{tenantId}/integrations/{integration}/oauth-config"
        );
        let streaming: Vec<&str> = {
            let mut v: Vec<&str> = routes
                .iter()
                .filter(|(_, r)| r.streaming)
                .map(|(k, _)| k.as_str())
                .collect();
            v.sort();
            v
        };
        assert_eq!(streaming, ["invoke_tool_stream", "stream_events"]);
    }
}
