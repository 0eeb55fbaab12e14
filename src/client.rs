//! [`Connectors`], the client: configuration, the shared connection pool, per-call
//! options, and the entry points of the ergonomic API.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ResponseValue;

use crate::api;
use crate::config::{Config, ConnectorsBuilder};
use crate::error::{ErrorBody, Redactor, Result, from_generated, outcome_unknown};
use crate::offered::RouteMemory;
use crate::retry::RetryPolicy;
use crate::transport::{Exchange, Policy, Transport};

/// A client of the Connectors gateway.
///
/// Cheap to clone (two reference counts); clones share one connection pool. Build one
/// with [`Connectors::from_env`] or [`Connectors::builder`], then use the API areas:
/// [`tools`](Connectors::tools), [`mcp`](Connectors::mcp),
/// [`deployments`](Connectors::deployments), [`health`](Connectors::health),
/// [`identities`](Connectors::identities), [`tenants`](Connectors::tenants) and
/// [`events`](Connectors::events). Anything
/// not wrapped is in the generated client, [`Connectors::api`].
///
/// ```no_run
/// # async fn run() -> Result<(), connectors::Error> {
/// let client = connectors::Connectors::from_env()?;
/// let selection = client.tools().select("create a pull request").max_tools(5).await?;
/// for tool in &selection.tools {
///     println!("{:.2} {} ({})", tool.score, tool.tool_id, tool.reason.as_deref().unwrap_or(""));
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Connectors {
    shared: Arc<Shared>,
    handle: Arc<Handle>,
}

/// What one client or options handle (see [`Connectors::with_options`]) holds: its policy
/// and the generated clients built once with it, so that a call builds nothing.
struct Handle {
    policy: Arc<Policy>,
    /// The facade's own calls: they record what they meet and skip refused operations.
    facade: api::Client,
    /// [`Connectors::api`]: sends whatever it is asked to.
    raw: api::Client,
}

impl Handle {
    fn new(shared: &Shared, policy: Arc<Policy>) -> Arc<Self> {
        let build = |transport| {
            api::Client::new_with_client(shared.config.base_url(), shared.http.clone(), transport)
        };
        Arc::new(Handle {
            facade: build(Transport::for_facade(
                policy.clone(),
                shared.routes.clone(),
                !shared.config.has_api_key(),
            )),
            raw: build(Transport::from_policy(policy.clone())),
            policy,
        })
    }
}

/// What all clones share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) http: reqwest::Client,
    pub(crate) redactor: Redactor,
    /// The operations this gateway does not offer, learned from its answers.
    pub(crate) routes: Arc<RouteMemory>,
}

impl fmt::Debug for Connectors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connectors")
            .field("config", &self.shared.config)
            .field("timeout", &self.handle.policy.timeout)
            .field("deadline", &self.handle.policy.deadline)
            .field("max_retries", &self.handle.policy.retry.max_retries)
            .finish()
    }
}

/// Options for the calls made through one handle, without rebuilding the client
/// (see [`Connectors::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry: Option<RetryPolicy>,
    deadline: Option<Option<Duration>>,
    retry_ambiguous: Option<bool>,
    max_response_bytes: Option<u64>,
    trace: Option<crate::trace::TraceContext>,
}

impl RequestOptions {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long one attempt may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The whole retry policy ([`Self::max_retries`] still wins for the count).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// A bound on all attempts of one call together, waits included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// No overall bound.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    /// Repeats keyed operations (tool invocations, deployments, removals, writes) after
    /// failures that leave open whether they ran (a timeout, a lost connection, a cut
    /// body, 500, 502, 504) even when the gateway is not known to honour idempotency keys.
    /// Off by default: such a retry may run a tool twice. See [`crate::retry`].
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.retry_ambiguous = Some(retry);
        self
    }

    /// The cap on a response body read into memory (see
    /// [`ConnectorsBuilder::max_response_bytes`]).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Sends `trace` as the W3C `traceparent` header (and `tracestate` when it has one)
    /// on every request of the handle, so the gateway's work (and the MCP server's, which
    /// the reference gateway passes it to in `_meta`) joins the caller's trace. See
    /// [`crate::trace`].
    pub fn trace_context(mut self, trace: crate::trace::TraceContext) -> Self {
        self.trace = Some(trace);
        self
    }
}

impl Connectors {
    /// A builder with the defaults; [`ConnectorsBuilder::with_env`] adds the environment.
    pub fn builder() -> ConnectorsBuilder {
        ConnectorsBuilder::default()
    }

    /// A client configured from the `CONNECTORS_*` environment variables (see
    /// [`crate::config`]).
    ///
    /// ```
    /// // With nothing set, this is a client of http://localhost:3000 without an API key.
    /// let client = connectors::Connectors::from_env()?;
    /// # let _ = client;
    /// # Ok::<(), connectors::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::builder().with_env().build()
    }

    pub(crate) fn from_parts(shared: Arc<Shared>, policy: Arc<Policy>) -> Self {
        let handle = Handle::new(&shared, policy);
        Connectors { shared, handle }
    }

    /// A handle whose calls use `options`; it shares this client's connection pool.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connectors::{Connectors, RequestOptions};
    ///
    /// let client = Connectors::builder().build()?;
    /// let patient = client.with_options(RequestOptions::new().timeout(Duration::from_secs(300)).max_retries(5));
    /// assert_eq!(patient.config().base_url(), client.config().base_url());
    /// # Ok::<(), connectors::Error>(())
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let mut policy = (*self.handle.policy).clone();
        if let Some(retry) = options.retry {
            policy.retry = retry.max_retries(policy.retry.max_retries);
        }
        if let Some(n) = options.max_retries {
            policy.retry = policy.retry.max_retries(n);
        }
        if let Some(timeout) = options.timeout {
            policy.timeout = Some(timeout);
        }
        if let Some(deadline) = options.deadline {
            policy.deadline = deadline;
        }
        if let Some(retry) = options.retry_ambiguous {
            policy.retry_ambiguous = retry;
        }
        if let Some(limit) = options.max_response_bytes {
            policy.max_response_bytes = limit;
        }
        if let Some(trace) = options.trace {
            policy.trace = Some(trace);
        }
        Connectors {
            handle: Handle::new(&self.shared, Arc::new(policy)),
            shared: self.shared.clone(),
        }
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The `operationId`s of the operations this gateway is known not to offer, sorted;
    /// the facade does not send them again while that is believed (see
    /// [`crate::Error::NotOffered`]). An extension operation is known not to be offered
    /// once two requests were answered 404 `ROUTE_NOT_FOUND` (one may come from a proxy or
    /// a misroute); that is believed for 10 minutes, and a success of the operation forgets
    /// it. The original gateway's own operations are never listed here. Clones share what
    /// one learned.
    ///
    /// ```
    /// let client = connectors::Connectors::builder().build()?;
    /// assert!(client.not_offered().is_empty());
    /// # Ok::<(), connectors::Error>(())
    /// ```
    pub fn not_offered(&self) -> Vec<String> {
        self.shared.routes.operations()
    }

    /// Whether the gateway is known to honour `Idempotency-Key` (so that keyed operations
    /// are retried after ambiguous failures): as declared with
    /// [`ConnectorsBuilder::idempotency_keys_honoured`], or as learned from its responses
    /// or its `GET /` capabilities; `None` while nothing is known. Clones share it.
    ///
    /// ```
    /// let client = connectors::Connectors::builder().build()?;
    /// assert_eq!(client.idempotency_keys_honoured(), None);
    /// let declared = connectors::Connectors::builder().idempotency_keys_honoured(true).build()?;
    /// assert_eq!(declared.idempotency_keys_honoured(), Some(true));
    /// # Ok::<(), connectors::Error>(())
    /// ```
    pub fn idempotency_keys_honoured(&self) -> Option<bool> {
        self.handle.policy.keys.known()
    }

    /// The generated client, with this client's connection pool, authentication,
    /// retries and timeouts, for operations the facade does not wrap. It sends every
    /// request it is asked to, also of operations the gateway did not offer before.
    ///
    /// ```no_run
    /// use connectors::api::prelude::*;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), Box<dyn std::error::Error>> {
    /// let integrations = client
    ///     .api()
    ///     .list_tenant_integrations()
    ///     .tenant_id("tenant-a")
    ///     .send()
    ///     .await?
    ///     .into_inner()
    ///     .data;
    /// println!("{:?}", integrations.integrations);
    /// # Ok(())
    /// # }
    /// ```
    pub fn api(&self) -> &api::Client {
        &self.handle.raw
    }

    /// Tool selection, the catalog and invocation.
    pub fn tools(&self) -> crate::tools::Tools<'_> {
        crate::tools::Tools::new(self)
    }

    /// MCP servers: list, inspect, call, deploy, remove.
    pub fn mcp(&self) -> crate::mcp::Mcp<'_> {
        crate::mcp::Mcp::new(self)
    }

    /// Deployments of custom MCP servers.
    pub fn deployments(&self) -> crate::deployments::Deployments<'_> {
        crate::deployments::Deployments::new(self)
    }

    /// Liveness, readiness, detailed health and metrics.
    pub fn health(&self) -> crate::health::Health<'_> {
        crate::health::Health::new(self)
    }

    /// Users, agents, groups and organizations of the tenant.
    pub fn identities(&self) -> crate::identities::Identities<'_> {
        crate::identities::Identities::new(self)
    }

    /// A tenant's integrations and their OAuth client configuration.
    pub fn tenants(&self) -> crate::tenants::Tenants<'_> {
        crate::tenants::Tenants::new(self)
    }

    /// The gateway's event stream (deployment progress, server status changes).
    pub fn events(&self) -> crate::events::Events<'_> {
        crate::events::Events::new(self)
    }

    /// Sends one operation of the generated client as a facade call: the facade's error
    /// for a failure, the response's data for a success.
    pub(crate) async fn send<'a, T, E, Fut>(
        &'a self,
        op: impl FnOnce(&'a api::Client) -> Fut,
    ) -> Result<T>
    where
        E: ErrorBody,
        Fut: Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    {
        let (result, _) = self.exchange(None, op).await;
        result.map(ResponseValue::into_inner)
    }

    /// Like [`Self::send`], keeping the response (a stream's body) and what the exchange
    /// met (its request id); errors are scrubbed with `redactor` when given (the client's
    /// secrets plus a tool call's argument values).
    pub(crate) async fn exchange<'a, T, E, Fut>(
        &'a self,
        redactor: Option<&Redactor>,
        op: impl FnOnce(&'a api::Client) -> Fut,
    ) -> (Result<ResponseValue<T>>, Exchange)
    where
        E: ErrorBody,
        Fut: Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    {
        // Boxed, once: the generated operation's future is kilobytes, which each layer
        // (the call's record, the facade's builders) would otherwise hold a copy of.
        let call = Box::pin(op(&self.handle.facade));
        let (result, exchange) = crate::transport::record_call(call).await;
        let result = match result {
            Ok(value) => {
                // An answer forgets what refusals of this operation taught.
                if let Some(operation) = exchange.operation {
                    self.shared.routes.offered(operation);
                }
                Ok(value)
            }
            Err(error) => {
                let redactor = redactor.unwrap_or(&self.shared.redactor);
                // Boxed: only a failure pays for reading and mapping an error body.
                let error = Box::pin(from_generated(error, &exchange, redactor)).await;
                // A keyed operation that may have run says so, with its key.
                let error = outcome_unknown(error, &exchange, self.handle.policy.keys.known());
                // A route the gateway lacks is not asked for again by this client.
                self.shared.routes.remember(&error);
                Err(error)
            }
        };
        (result, exchange)
    }

    /// The generated client of the facade's calls, for a request built ahead of its
    /// [`Self::send`] (a listing's, sent once per page).
    pub(crate) fn facade_api(&self) -> &api::Client {
        &self.handle.facade
    }

    pub(crate) fn route_memory(&self) -> &RouteMemory {
        &self.shared.routes
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.shared.redactor
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.handle.policy
    }

    /// The tenant id for request bodies that need it; `what` says which call.
    pub(crate) fn require_tenant(&self, what: &str) -> Result<String> {
        self.config().tenant_id().map(str::to_string).ok_or_else(|| {
            crate::Error::config(
                crate::config::ENV_TENANT_ID,
                format!(
                    "{what} needs the tenant id of the API key; set CONNECTORS_TENANT_ID (the reference gateway prints it at start)"
                ),
            )
        })
    }
}
