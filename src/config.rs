//! Settings of a [`crate::Connectors`] client: the builder and the environment.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `CONNECTORS_BASE_URL` | the gateway's address | `http://localhost:3000` |
//! | `CONNECTORS_API_KEY` | the tenant's API key (32+ characters), sent as `Authorization: Bearer` | none |
//! | `CONNECTORS_TENANT_ID` | the API key's tenant (tool invocations need it) | none |
//! | `CONNECTORS_TIMEOUT` | seconds one attempt may take (fractions allowed) | 60 |
//! | `CONNECTORS_MAX_RETRIES` | retries after the first attempt | 2 |
//! | `CONNECTORS_MAX_RESPONSE_BYTES` | the cap on a response body read into memory, in bytes | 33554432 (32 MiB) |
//!
//! Values set on the builder win over the environment; an empty variable counts as unset.
//! A value that does not parse is an [`Error::Config`] that names the variable.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::api::SecretString;
use crate::client::{Connectors, Shared};
use crate::error::{Error, Redactor, Result};
use crate::observe::{Observer, RawResponse};
use crate::retry::RetryPolicy;
use crate::transport::{DEFAULT_MAX_RESPONSE_BYTES, KeyHonour, Policy};

/// The gateway's documented default address.
pub const DEFAULT_BASE_URL: &str = "http://localhost:3000";
/// Variable holding the gateway's address.
pub const ENV_BASE_URL: &str = "CONNECTORS_BASE_URL";
/// Variable holding the API key.
pub const ENV_API_KEY: &str = "CONNECTORS_API_KEY";
/// Variable holding the API key's tenant.
pub const ENV_TENANT_ID: &str = "CONNECTORS_TENANT_ID";
/// Variable holding the per-attempt timeout in seconds.
pub const ENV_TIMEOUT: &str = "CONNECTORS_TIMEOUT";
/// Variable holding the number of retries.
pub const ENV_MAX_RETRIES: &str = "CONNECTORS_MAX_RETRIES";
/// Variable holding the cap on a response body, in bytes.
pub const ENV_MAX_RESPONSE_BYTES: &str = "CONNECTORS_MAX_RESPONSE_BYTES";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// Builds a [`Connectors`] client.
///
/// ```
/// use std::time::Duration;
///
/// let client = connectors::Connectors::builder()
///     .base_url("http://127.0.0.1:3000")
///     .api_key("ck_live_0123456789abcdef0123456789abcdef")
///     .tenant_id("tenant-a")
///     .timeout(Duration::from_secs(30))
///     .max_retries(3)
///     .header("x-team", "agents")
///     .build()?;
/// assert!(!format!("{client:?}").contains("0123456789abcdef"));
/// # Ok::<(), connectors::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ConnectorsBuilder {
    base_url: Option<String>,
    api_key: Option<SecretString>,
    tenant_id: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_retries: Option<u32>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<u64>,
    idempotency_keys_honoured: Option<bool>,
    not_offered_for: Option<Duration>,
    headers: Vec<(String, SecretString)>,
    query: Vec<(String, String)>,
    proxy: Option<SecretString>,
    no_proxy: bool,
    accept_invalid_certs: bool,
    pool_max_idle_per_host: Option<usize>,
    pool_idle_timeout: Option<Duration>,
    user_agent: Option<String>,
    observer: Option<Observer>,
    env: BTreeMap<String, String>,
}

impl fmt::Debug for ConnectorsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        let env_names: Vec<&str> = self.env.keys().map(String::as_str).collect();
        f.debug_struct("ConnectorsBuilder")
            // A base URL with user info is refused at build time; until then it may
            // hold a password.
            .field(
                "base_url",
                &self.base_url.as_ref().map(|url| {
                    if url.contains('@') {
                        "<redacted>"
                    } else {
                        url.as_str()
                    }
                }),
            )
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("tenant_id", &self.tenant_id)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &header_names)
            .field("proxy", &self.proxy.as_ref().map(|_| "<redacted>"))
            .field("env", &env_names)
            .finish_non_exhaustive()
    }
}

impl ConnectorsBuilder {
    /// Reads the `CONNECTORS_*` variables of the process environment; values set on the
    /// builder still win.
    pub fn with_env(self) -> Self {
        let vars = [
            ENV_BASE_URL,
            ENV_API_KEY,
            ENV_TENANT_ID,
            ENV_TIMEOUT,
            ENV_MAX_RETRIES,
            ENV_MAX_RESPONSE_BYTES,
        ]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok().map(|value| (name, value)));
        self.with_env_vars(vars)
    }

    /// Takes `CONNECTORS_*` settings from these pairs instead of the process environment
    /// (for tests and for programs that keep settings elsewhere). Other names are ignored.
    pub fn with_env_vars<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        for (name, value) in vars {
            let (name, value) = (name.into(), value.into());
            if name.starts_with("CONNECTORS_") && !value.trim().is_empty() {
                self.env.insert(name, value);
            }
        }
        self
    }

    /// The gateway's address (default `http://localhost:3000`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The tenant's API key, sent as `Authorization: Bearer <key>`; never printed.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API key's tenant; tool invocations send it as `tenantId`.
    pub fn tenant_id(mut self, tenant: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant.into());
        self
    }

    /// How long one attempt may take, body included (default 60 s). Event streams are
    /// bounded by [`Self::stream_idle_timeout`] instead. It is also the total timeout of
    /// the `reqwest::Client` the builder makes, so a request sent on it directly (through
    /// `client.api().client()`) is bounded by it too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long an event stream may stay silent before it ends with a timeout (default
    /// 300 s; the gateway sends keep-alive comments).
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// A bound on all attempts of one call together, waits included (default none).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The whole retry policy (backoff and caps); [`Self::max_retries`] and
    /// `CONNECTORS_MAX_RETRIES` still set the count when given.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The cap on a response body read into memory, in bytes (default 32 MiB, or
    /// `CONNECTORS_MAX_RESPONSE_BYTES`). A longer body (success or error) is refused with
    /// [`Error::ResponseTooLarge`] without reading the rest; event streams are read as
    /// they arrive and not capped by it.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Declares whether the gateway honours `Idempotency-Key` (returns the first result to
    /// a repeated keyed request instead of running it again). With `true`, keyed
    /// operations (tool invocations, deployments, removals, writes) are retried after
    /// ambiguous failures too; with `false` they never are, and nothing is asked of the
    /// gateway. Unset, the client learns it from the gateway (see [`crate::retry`]).
    pub fn idempotency_keys_honoured(mut self, honoured: bool) -> Self {
        self.idempotency_keys_honoured = Some(honoured);
        self
    }

    /// How long the client believes that the gateway does not offer an extension
    /// operation, once two requests were answered 404 `ROUTE_NOT_FOUND` (default 10
    /// minutes); meanwhile its calls fail at once with [`Error::NotOffered`] and send
    /// nothing. `Duration::ZERO` asks every time. A success of the operation forgets it.
    ///
    /// [`Error::NotOffered`]: crate::Error::NotOffered
    pub fn remember_not_offered_for(mut self, period: Duration) -> Self {
        self.not_offered_for = Some(period);
        self
    }

    /// A header sent with every request. Its value is treated as a secret (never printed).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<SecretString>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A query parameter added to every request.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sends every request through this proxy: an `http://` or `https://` URL, or with
    /// the `socks` feature a `socks5://`, `socks5h://`, `socks4://` or `socks4a://` one
    /// (without the feature, such a URL is refused when the client is built). The URL may
    /// hold credentials and is never printed.
    pub fn proxy(mut self, url: impl Into<SecretString>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Ignores the system's proxy settings (`HTTP_PROXY`, ...).
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Accepts any TLS certificate. Verification is on by default; turn it off only for
    /// a gateway with a self-signed certificate on a trusted network.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// Idle connections kept per host (reqwest's default when unset).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = Some(max);
        self
    }

    /// How long an idle connection is kept (reqwest's default, 90 s, when unset).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` (default `connectors-rust/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Hands the final response of every call, undecoded, to `observer` (see
    /// [`crate::observe`]): for contract tests, recording fixtures or debugging.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = seen.clone();
    /// let client = connectors::Connectors::builder()
    ///     .observe_responses(move |response| {
    ///         if let Ok(mut log) = log.lock() {
    ///             log.push((response.operation_id().to_string(), response.status()));
    ///         }
    ///     })
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), connectors::Error>(())
    /// ```
    pub fn observe_responses(
        mut self,
        observer: impl Fn(&RawResponse<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Observer::new(observer));
        self
    }

    fn env(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(|v| v.trim())
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Connectors> {
        let config = self.resolve()?;
        let http = config.http_client(&self)?;
        let policy = Arc::new(Policy {
            retry: config.retry.clone(),
            timeout: Some(config.timeout),
            client_timeout: Some(config.timeout),
            deadline: config.deadline,
            default_query: self.query.clone(),
            observer: self.observer.clone(),
            max_response_bytes: config.max_response_bytes,
            retry_ambiguous: false,
            keys: Arc::new(match self.idempotency_keys_honoured {
                Some(honoured) => KeyHonour::declared(honoured),
                None => KeyHonour::default(),
            }),
            trace: None,
        });
        let redactor = Redactor::new(config.api_key.as_ref().map(|k| k.expose()));
        Ok(Connectors::from_parts(
            Arc::new(Shared {
                config,
                http,
                redactor,
                routes: Arc::new(crate::offered::RouteMemory::new(
                    self.not_offered_for
                        .unwrap_or(crate::offered::REMEMBERED_FOR),
                )),
            }),
            policy,
        ))
    }

    fn resolve(&self) -> Result<Config> {
        let (base_url, setting) = match (&self.base_url, self.env(ENV_BASE_URL)) {
            (Some(url), _) => (url.clone(), "base_url"),
            (None, Some(url)) => (url.to_string(), ENV_BASE_URL),
            (None, None) => (DEFAULT_BASE_URL.to_string(), "base_url"),
        };
        // User info (`user:password@`) is refused before any message quotes the URL, and
        // an unparsable URL with an `@` is not quoted: it may hold a password.
        let parsed = reqwest::Url::parse(base_url.trim()).map_err(|e| {
            let shown = if base_url.contains('@') {
                "the URL (not shown: it may hold a password)".to_string()
            } else {
                format!("`{base_url}`")
            };
            Error::config(setting, format!("{shown} is not a URL: {e}"))
        })?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::config(
                setting,
                "the URL holds user info (`user:password@`); give the gateway's address \
                 alone and the credentials with the API key",
            ));
        }
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::config(
                setting,
                format!("`{base_url}` must be an http or https URL"),
            ));
        }
        if parsed.query().is_some() || parsed.cannot_be_a_base() {
            return Err(Error::config(
                setting,
                format!("`{base_url}` must be a base address without a query"),
            ));
        }
        // The generated client appends `/api/v1/...` to the base as it is.
        let base_url = parsed.as_str().trim_end_matches('/').to_string();

        let (api_key, key_setting) = match (&self.api_key, self.env(ENV_API_KEY)) {
            (Some(key), _) => (Some(key.clone()), "api_key"),
            (None, Some(key)) => (Some(SecretString::from(key)), ENV_API_KEY),
            (None, None) => (None, "api_key"),
        };
        if let Some(key) = &api_key {
            let key = key.expose();
            // The message must not repeat the key.
            if key.trim().is_empty() {
                return Err(Error::config(key_setting, "the API key is empty"));
            }
            if key.chars().any(|c| c.is_control() || c == ' ') {
                return Err(Error::config(
                    key_setting,
                    "the API key contains a space, newline or control character",
                ));
            }
        }

        let (tenant_id, tenant_setting) = match (&self.tenant_id, self.env(ENV_TENANT_ID)) {
            (Some(t), _) => (Some(t.clone()), "tenant_id"),
            (None, Some(t)) => (Some(t.to_string()), ENV_TENANT_ID),
            (None, None) => (None, "tenant_id"),
        };
        if let Some(tenant) = &tenant_id
            && (tenant.is_empty()
                || tenant.len() > 256
                || !tenant
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            return Err(Error::config(
                tenant_setting,
                format!("`{tenant}` is not a tenant id (1 to 256 of a-z A-Z 0-9 _ -)"),
            ));
        }

        let timeout = match (self.timeout, self.env(ENV_TIMEOUT)) {
            (Some(t), _) => positive(t, "timeout")?,
            (None, Some(text)) => parse_seconds(text, ENV_TIMEOUT)?,
            (None, None) => DEFAULT_TIMEOUT,
        };
        let mut retry = self.retry.clone().unwrap_or_default();
        match (self.max_retries, self.env(ENV_MAX_RETRIES)) {
            (Some(n), _) => retry = retry.max_retries(n),
            (None, Some(text)) => {
                let n: u32 = text.parse().map_err(|_| {
                    Error::config(
                        ENV_MAX_RETRIES,
                        format!("`{text}` is not a whole number of retries"),
                    )
                })?;
                retry = retry.max_retries(n);
            }
            (None, None) => {}
        }
        if retry.max_retries > 100 {
            return Err(Error::config(
                "max_retries",
                "more than 100 retries is a mistake",
            ));
        }
        let connect_timeout = positive(
            self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            "connect_timeout",
        )?;
        let stream_idle_timeout = positive(
            self.stream_idle_timeout
                .unwrap_or(DEFAULT_STREAM_IDLE_TIMEOUT),
            "stream_idle_timeout",
        )?;
        let deadline = self.deadline.map(|d| positive(d, "deadline")).transpose()?;
        let max_response_bytes = match (self.max_response_bytes, self.env(ENV_MAX_RESPONSE_BYTES)) {
            (Some(0), _) => {
                return Err(Error::config(
                    "max_response_bytes",
                    "must be more than zero",
                ));
            }
            (Some(n), _) => n,
            (None, Some(text)) => match text.parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(Error::config(
                        ENV_MAX_RESPONSE_BYTES,
                        format!("`{text}` is not a positive whole number of bytes"),
                    ));
                }
            },
            (None, None) => DEFAULT_MAX_RESPONSE_BYTES,
        };
        Ok(Config {
            base_url,
            api_key,
            tenant_id,
            timeout,
            connect_timeout,
            stream_idle_timeout,
            deadline,
            retry,
            max_response_bytes,
        })
    }
}

fn positive(value: Duration, setting: &str) -> Result<Duration> {
    if value.is_zero() {
        Err(Error::config(setting, "must be longer than zero"))
    } else {
        Ok(value)
    }
}

fn parse_seconds(text: &str, setting: &str) -> Result<Duration> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(Error::config(
            setting,
            format!("`{text}` is not a number of seconds between 0 and 86400"),
        )),
    }
}

/// The settings a client was built with, as resolved from the builder and the
/// environment. `Debug` never shows the API key (a [`SecretString`]).
#[derive(Clone, Debug)]
pub struct Config {
    base_url: String,
    api_key: Option<SecretString>,
    tenant_id: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    stream_idle_timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
}

impl Config {
    /// The gateway's address, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Whether an API key is configured (the key itself is not handed out).
    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// The API key's tenant.
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// How long one attempt may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How long an event stream may stay silent.
    pub fn stream_idle_timeout(&self) -> Duration {
        self.stream_idle_timeout
    }

    /// The bound on all attempts of one call.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The cap on a response body read into memory, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    fn http_client(&self, builder: &ConnectorsBuilder) -> Result<reqwest::Client> {
        #[cfg(feature = "rustls-ring")]
        install_ring_provider();
        let mut headers = HeaderMap::new();
        if let Some(key) = &self.api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                .map_err(|_| Error::config("api_key", "not a valid header value"))?;
            // Marked sensitive so that reqwest and hyper never print it.
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        for (name, value) in &builder.headers {
            let setting = format!("header `{name}`");
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(&setting, "not a valid header name"))?;
            let mut value = HeaderValue::from_str(value.expose())
                .map_err(|_| Error::config(&setting, "not a valid header value"))?;
            value.set_sensitive(true);
            headers.append(header, value);
        }
        let user_agent = builder
            .user_agent
            .clone()
            .unwrap_or_else(|| format!("connectors-rust/{}", env!("CARGO_PKG_VERSION")));
        // The per-attempt timeout as the client's total timeout, so that the usual attempt
        // carries no timeout of its own; the transport gives event streams, deadlines and
        // `with_options` timeouts theirs.
        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .danger_accept_invalid_certs(builder.accept_invalid_certs);
        if let Some(max) = builder.pool_max_idle_per_host {
            http = http.pool_max_idle_per_host(max);
        }
        if let Some(idle) = builder.pool_idle_timeout {
            http = http.pool_idle_timeout(idle);
        }
        if builder.no_proxy {
            http = http.no_proxy();
        }
        if let Some(proxy) = &builder.proxy {
            if cfg!(not(feature = "socks")) && proxy.expose().trim_start().starts_with("socks") {
                return Err(Error::config(
                    "proxy",
                    "a SOCKS proxy needs the `socks` feature of the connectors crate",
                ));
            }
            let proxy = reqwest::Proxy::all(proxy.expose())
                .map_err(|_| Error::config("proxy", "not a valid proxy URL"))?;
            http = http.proxy(proxy);
        }
        http.build()
            .map_err(|e| Error::config("http client", e.to_string()))
    }
}

/// With `rustls-ring`, reqwest brings no crypto provider of its own and would panic when
/// building a client without one, so ring becomes the process default unless the program
/// installed a provider first.
#[cfg(feature = "rustls-ring")]
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one at the same moment; either provider serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
