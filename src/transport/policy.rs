//! What one client does with its requests: the generated client's inner value
//! ([`Transport`]) and the settings of its attempts ([`Policy`]).

use std::sync::Arc;
use std::time::Duration;

use super::DEFAULT_MAX_RESPONSE_BYTES;
use super::keys::KeyHonour;
use crate::offered::RouteMemory;
use crate::retry::RetryPolicy;

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
    pub(super) policy: Option<Arc<Policy>>,
    /// Set for the facade's calls only: the operations the gateway does not offer, which
    /// are not sent (the generated client of [`crate::Connectors::api`] sends what it is
    /// asked to), and the calls report what their request met (see [`super::record_call`]).
    pub(super) memory: Option<Arc<RouteMemory>>,
    /// The client has no API key: the facade's calls of authenticated operations are
    /// refused before a request, naming the variable to set.
    pub(super) key_missing: bool,
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
    /// (see [`super::record_call`]), and does not send operations that `memory` knows the
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
    pub(super) fn reports(&self) -> bool {
        self.memory.is_some()
    }
}
