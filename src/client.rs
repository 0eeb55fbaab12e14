//! [`Connectors`], the client: configuration, the shared connection pool, per-call
//! options, and the entry points of the ergonomic API.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ResponseValue;

use crate::api;
use crate::config::{Config, ConnectorsBuilder};
use crate::error::{ErrorBody, Redactor, Result, from_generated, outcome_unknown};
use crate::offered::RouteMemory;
use crate::retry::RetryPolicy;
use crate::transport::{Policy, Probe, Transport};

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
    policy: Arc<Policy>,
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
            .field("timeout", &self.policy.timeout)
            .field("deadline", &self.policy.deadline)
            .field("max_retries", &self.policy.retry.get_max_retries())
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
        Connectors { shared, policy }
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
        let mut policy = (*self.policy).clone();
        if let Some(retry) = options.retry {
            policy.retry = retry.max_retries(policy.retry.get_max_retries());
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
        Connectors {
            shared: self.shared.clone(),
            policy: Arc::new(policy),
        }
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The `operationId`s of the operations this gateway answered with 404
    /// `ROUTE_NOT_FOUND` so far, sorted; the facade does not send them again (see
    /// [`crate::Error::NotOffered`]). Clones share what one learned; a new client (after
    /// the gateway was upgraded, say) starts afresh.
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
        self.policy.keys.known()
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
    pub fn api(&self) -> api::Client {
        api::Client::new_with_client(
            self.config().base_url(),
            self.shared.http.clone(),
            Transport::from_policy(self.policy.clone()),
        )
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
    pub fn events(&self) -> crate::sse::Events<'_> {
        crate::sse::Events::new(self)
    }

    /// A generated client for one call, with a probe that sees its final response.
    pub(crate) fn call(&self) -> Call {
        let probe = Probe::default();
        let transport = Transport::from_policy(self.policy.clone())
            .probed(probe.clone(), self.shared.routes.clone());
        Call {
            api: api::Client::new_with_client(
                self.config().base_url(),
                self.shared.http.clone(),
                transport,
            ),
            probe,
            redactor: self.shared.redactor.clone(),
            routes: self.shared.routes.clone(),
        }
    }

    pub(crate) fn route_memory(&self) -> &RouteMemory {
        &self.shared.routes
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.shared.redactor
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The tenant id for request bodies that need it; `what` says which call.
    pub(crate) fn require_tenant(&self, what: &str) -> Result<String> {
        self.config().tenant_id().map(str::to_string).ok_or_else(|| {
            crate::Error::config(
                crate::config::ENV_TENANT_ID,
                format!(
                    "{what} needs the tenant id of the API key; set CONNECTORS_TENANT_ID or ConnectorsBuilder::tenant_id"
                ),
            )
        })
    }
}

/// One call of the facade through the generated client.
pub(crate) struct Call {
    pub(crate) api: api::Client,
    probe: Probe,
    redactor: Redactor,
    routes: Arc<RouteMemory>,
}

impl Call {
    /// The response value, or the facade's error for what went wrong.
    pub(crate) async fn finish<T, E: ErrorBody>(
        &self,
        result: std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<T> {
        Ok(self.finish_response(result).await?.into_inner())
    }

    /// Like [`Self::finish`], keeping the response (for streams).
    pub(crate) async fn finish_response<T, E: ErrorBody>(
        &self,
        result: std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>> {
        match result {
            Ok(value) => Ok(value),
            Err(error) => {
                let exchange = self.probe.get();
                let error = from_generated(error, &exchange, &self.redactor).await;
                // A keyed operation that may have run says so, with its key.
                let error = outcome_unknown(error, &exchange);
                // A route the gateway lacks is not asked for again by this client.
                self.routes.remember(&error);
                Err(error)
            }
        }
    }

    pub(crate) fn exchange(&self) -> crate::transport::Exchange {
        self.probe.get()
    }

    /// Scrubs this call's errors with `redactor` (the client's, plus a tool call's
    /// argument values).
    pub(crate) fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }
}
