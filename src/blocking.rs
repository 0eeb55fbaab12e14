//! A synchronous client with the same calls as the async one (feature `blocking`).
//!
//! [`Connectors`] owns a single-threaded tokio runtime and runs each call of the async
//! client on it, as `reqwest::blocking` does. Builders end in `.send()` instead of
//! `.await`; streams become iterators. Do not use it from inside an async runtime.
//!
//! ```no_run
//! use std::time::Duration;
//! use connectors::mcp::Source;
//!
//! # fn run() -> Result<(), connectors::Error> {
//! let client = connectors::blocking::Connectors::from_env()?;
//! let selection = client.tools().select("create a pull request").max_tools(5).send()?;
//! for tool in &selection.tools {
//!     println!("{:.2} {}", tool.score, tool.tool_id);
//! }
//! let result = client.tools().invoke("math.evaluate", serde_json::json!({"expression": "2*(3+4)"})).send()?;
//! println!("{}", result.text());
//! let deployment = client.mcp().add("memory", Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"]), "productivity").send()?;
//! deployment.wait_until_ready(Duration::from_secs(120))?;
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::Serialize;
use tokio::runtime::Runtime;

use crate::api::types;
use crate::config::ConnectorsBuilder;
use crate::error::{Error, Result};
use crate::pagination::Page;
use crate::sse::EventStream;
use crate::tools::{Selection, ToolResult};
use crate::typed::TypedTool;

/// The blocking client. Cheap to clone; clones share the runtime and connection pool.
#[derive(Debug, Clone)]
pub struct Connectors {
    inner: crate::Connectors,
    rt: Arc<Runtime>,
}

impl Connectors {
    /// A client configured from the `CONNECTORS_*` environment variables.
    pub fn from_env() -> Result<Self> {
        Self::new(crate::Connectors::from_env()?)
    }

    /// A client from a builder: `Connectors::build(connectors::Connectors::builder().base_url(..))`.
    pub fn build(builder: ConnectorsBuilder) -> Result<Self> {
        Self::new(builder.build()?)
    }

    /// Runs `client`'s calls synchronously.
    pub fn new(client: crate::Connectors) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::config("blocking runtime", e.to_string()))?;
        Ok(Connectors {
            inner: client,
            rt: Arc::new(rt),
        })
    }

    /// The async client inside.
    pub fn as_async(&self) -> &crate::Connectors {
        &self.inner
    }

    /// A handle whose calls use `options`.
    pub fn with_options(&self, options: crate::RequestOptions) -> Self {
        Connectors {
            inner: self.inner.with_options(options),
            rt: self.rt.clone(),
        }
    }

    /// Runs any future of the async client to completion (for calls not mirrored here).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    /// Tool selection, the catalog and invocation.
    pub fn tools(&self) -> Tools<'_> {
        Tools { client: self }
    }

    /// MCP servers.
    pub fn mcp(&self) -> Mcp<'_> {
        Mcp { client: self }
    }

    /// A handle on the deployment `id`.
    pub fn deployment(&self, id: impl Into<String>) -> Deployment {
        Deployment {
            inner: self.inner.deployments().get(id),
            rt: self.rt.clone(),
        }
    }

    /// Liveness, readiness and detailed health.
    pub fn health(&self) -> Health<'_> {
        Health { client: self }
    }

    /// Identities of the tenant.
    pub fn identities(&self) -> Identities<'_> {
        Identities { client: self }
    }

    /// The gateway's events, as iterators.
    pub fn events(&self) -> Events<'_> {
        Events { client: self }
    }

    /// A tenant's integrations and OAuth configuration.
    pub fn tenants(&self) -> Tenants<'_> {
        Tenants {
            client: self,
            tenant: None,
        }
    }
}

/// An iterator over a stream of the async client.
pub struct Iter<T> {
    stream: EventStream<T>,
    rt: Arc<Runtime>,
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        self.rt.block_on(self.stream.next())
    }
}

/// Tools; see [`crate::tools::Tools`].
#[derive(Debug, Clone, Copy)]
pub struct Tools<'a> {
    client: &'a Connectors,
}

impl<'a> Tools<'a> {
    /// See [`crate::tools::Tools::select`].
    pub fn select(&self, query: impl Into<String>) -> SelectTools<'a> {
        SelectTools {
            inner: self.client.inner.tools().select(query),
            rt: &self.client.rt,
        }
    }

    /// See [`crate::tools::Tools::list`].
    pub fn list(&self) -> ListTools<'a> {
        ListTools {
            inner: self.client.inner.tools().list(),
            rt: &self.client.rt,
        }
    }

    /// See [`crate::tools::Tools::get`].
    pub fn get(&self, tool_id: &str) -> Result<types::ToolSelection> {
        self.client
            .rt
            .block_on(self.client.inner.tools().get(tool_id))
    }

    /// See [`crate::tools::Tools::related`].
    pub fn related(&self, tool_id: &str) -> Result<Vec<types::RelatedTool>> {
        self.client
            .rt
            .block_on(self.client.inner.tools().related(tool_id))
    }

    /// See [`crate::tools::Tools::categories`].
    pub fn categories(&self) -> Result<Vec<types::Category>> {
        self.client
            .rt
            .block_on(self.client.inner.tools().categories())
    }

    /// See [`crate::tools::Tools::invoke`].
    pub fn invoke(&self, tool_id: impl Into<String>, params: impl Serialize) -> InvokeTool<'a> {
        InvokeTool {
            inner: self.client.inner.tools().invoke(tool_id, params),
            rt: &self.client.rt,
        }
    }

    /// See [`crate::tools::Tools::invoke_batch`].
    pub fn invoke_batch<I, S, P>(&self, calls: I) -> Result<Vec<Result<ToolResult>>>
    where
        I: IntoIterator<Item = (S, P)>,
        S: Into<String>,
        P: Serialize,
    {
        self.client
            .rt
            .block_on(self.client.inner.tools().invoke_batch(calls))
    }

    /// See [`crate::tools::Tools::invoke_stream`]; the events as an iterator.
    pub fn invoke_stream(
        &self,
        tool_id: &str,
        params: impl Serialize,
    ) -> Result<Iter<crate::tools::InvocationEvent>> {
        let stream = self
            .client
            .rt
            .block_on(self.client.inner.tools().invoke_stream(tool_id, params))?;
        Ok(Iter {
            stream,
            rt: self.client.rt.clone(),
        })
    }

    /// See [`crate::tools::Tools::call`].
    pub fn call<T: TypedTool>(&self, input: &T::Input) -> Result<T::Output> {
        self.client
            .rt
            .block_on(self.client.inner.tools().call::<T>(input))
    }
}

/// See [`crate::tools::SelectTools`]; finish with [`SelectTools::send`].
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct SelectTools<'a> {
    inner: crate::tools::SelectTools<'a>,
    rt: &'a Runtime,
}

impl SelectTools<'_> {
    /// See [`crate::tools::SelectTools::max_tools`].
    pub fn max_tools(mut self, max: u32) -> Self {
        self.inner = self.inner.max_tools(max);
        self
    }

    /// See [`crate::tools::SelectTools::categories`].
    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, categories: I) -> Self {
        self.inner = self.inner.categories(categories);
        self
    }

    /// See [`crate::tools::SelectTools::exclude_servers`].
    pub fn exclude_servers<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        servers: I,
    ) -> Self {
        self.inner = self.inner.exclude_servers(servers);
        self
    }

    /// See [`crate::tools::SelectTools::token_budget`].
    pub fn token_budget(mut self, tokens: u32) -> Self {
        self.inner = self.inner.token_budget(tokens);
        self
    }

    /// See [`crate::tools::SelectTools::include_related`].
    pub fn include_related(mut self, include: bool) -> Self {
        self.inner = self.inner.include_related(include);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<Selection> {
        self.rt.block_on(self.inner.send())
    }
}

/// See [`crate::tools::ListTools`]; finish with [`ListTools::send`] or [`ListTools::iter`].
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct ListTools<'a> {
    inner: crate::tools::ListTools<'a>,
    rt: &'a Arc<Runtime>,
}

impl ListTools<'_> {
    /// See [`crate::tools::ListTools::category`].
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.inner = self.inner.category(category);
        self
    }

    /// See [`crate::tools::ListTools::server`].
    pub fn server(mut self, server: impl Into<String>) -> Self {
        self.inner = self.inner.server(server);
        self
    }

    /// See [`crate::tools::ListTools::search`].
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.inner = self.inner.search(text);
        self
    }

    /// See [`crate::tools::ListTools::page_size`].
    pub fn page_size(mut self, size: u64) -> Self {
        self.inner = self.inner.page_size(size);
        self
    }

    /// See [`crate::tools::ListTools::offset`].
    pub fn offset(mut self, offset: u64) -> Self {
        self.inner = self.inner.offset(offset);
        self
    }

    /// One page.
    pub fn send(self) -> Result<Page<types::ToolSelection>> {
        self.rt.block_on(self.inner.send())
    }

    /// Every tool across pages.
    pub fn iter(self) -> Iter<types::ToolSelection> {
        Iter {
            stream: self.inner.stream(),
            rt: self.rt.clone(),
        }
    }
}

/// See [`crate::tools::InvokeTool`]; finish with [`InvokeTool::send`].
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct InvokeTool<'a> {
    inner: crate::tools::InvokeTool<'a>,
    rt: &'a Runtime,
}

impl InvokeTool<'_> {
    /// See [`crate::tools::InvokeTool::idempotency_key`].
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.inner = self.inner.idempotency_key(key);
        self
    }

    /// See [`crate::tools::InvokeTool::parameters_in_errors`].
    pub fn parameters_in_errors(mut self, keep: bool) -> Self {
        self.inner = self.inner.parameters_in_errors(keep);
        self
    }

    /// See [`crate::tools::InvokeTool::retry_ambiguous`].
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.inner = self.inner.retry_ambiguous(retry);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<ToolResult> {
        self.rt.block_on(self.inner.send())
    }
}

/// MCP servers; see [`crate::mcp::Mcp`].
#[derive(Debug, Clone, Copy)]
pub struct Mcp<'a> {
    client: &'a Connectors,
}

impl<'a> Mcp<'a> {
    /// One page of servers; see [`crate::mcp::Mcp::list`].
    pub fn list(&self) -> Result<Page<types::McpServer>> {
        self.client
            .rt
            .block_on(self.client.inner.mcp().list().send())
    }

    /// See [`crate::mcp::Mcp::custom`].
    pub fn custom(&self) -> Result<Vec<types::CustomServer>> {
        self.client.rt.block_on(self.client.inner.mcp().custom())
    }

    /// See [`crate::mcp::Mcp::get`].
    pub fn get(&self, name: impl Into<String>) -> Server {
        Server {
            inner: self.client.inner.mcp().get(name),
            rt: self.client.rt.clone(),
        }
    }

    /// See [`crate::mcp::Mcp::add`].
    pub fn add(
        &self,
        name: impl Into<String>,
        source: impl Into<crate::mcp::Source>,
        category: impl Into<String>,
    ) -> AddServer<'a> {
        AddServer {
            inner: self.client.inner.mcp().add(name, source, category),
            rt: &self.client.rt,
        }
    }

    /// See [`crate::mcp::Mcp::remove`].
    pub fn remove(&self, name: &str) -> Result<types::RemovedServer> {
        self.client
            .rt
            .block_on(self.client.inner.mcp().remove(name))
    }
}

/// See [`crate::mcp::AddServer`]; finish with [`AddServer::send`].
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct AddServer<'a> {
    inner: crate::mcp::AddServer<'a>,
    rt: &'a Arc<Runtime>,
}

impl AddServer<'_> {
    /// See [`crate::mcp::AddServer::description`].
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.inner = self.inner.description(text);
        self
    }

    /// Starts the deployment.
    pub fn send(self) -> Result<Deployment> {
        let inner = self.rt.block_on(self.inner.send())?;
        Ok(Deployment {
            inner,
            rt: self.rt.clone(),
        })
    }
}

/// A handle on one MCP server; see [`crate::mcp::Server`].
#[derive(Debug, Clone)]
pub struct Server {
    inner: crate::mcp::Server,
    rt: Arc<Runtime>,
}

impl Server {
    /// See [`crate::mcp::Server::info`].
    pub fn info(&self) -> Result<types::McpServer> {
        self.rt.block_on(self.inner.info())
    }

    /// See [`crate::mcp::Server::tools`].
    pub fn tools(&self) -> Result<Vec<types::McpTool>> {
        self.rt.block_on(self.inner.tools())
    }

    /// See [`crate::mcp::Server::health`].
    pub fn health(&self) -> Result<types::ServerHealth> {
        self.rt.block_on(self.inner.health())
    }

    /// See [`crate::mcp::Server::call`].
    pub fn call(&self, tool: &str, params: impl Serialize) -> Result<ToolResult> {
        self.rt.block_on(self.inner.call(tool, params).send())
    }
}

/// A deployment; see [`crate::deployments::Deployment`].
#[derive(Debug, Clone)]
pub struct Deployment {
    inner: crate::deployments::Deployment,
    rt: Arc<Runtime>,
}

impl Deployment {
    /// The deployment id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// See [`crate::deployments::Deployment::poll_interval`].
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.inner = self.inner.poll_interval(interval);
        self
    }

    /// See [`crate::deployments::Deployment::status`].
    pub fn status(&self) -> Result<types::Deployment> {
        self.rt.block_on(self.inner.status())
    }

    /// See [`crate::deployments::Deployment::logs`].
    pub fn logs(&self) -> Result<Vec<types::LogLine>> {
        self.rt.block_on(self.inner.logs())
    }

    /// See [`crate::deployments::Deployment::wait_until_ready`].
    pub fn wait_until_ready(&self, timeout: Duration) -> Result<types::Deployment> {
        self.rt.block_on(self.inner.wait_until_ready(timeout))
    }
}

/// Health; see [`crate::health::Health`].
#[derive(Debug, Clone, Copy)]
pub struct Health<'a> {
    client: &'a Connectors,
}

impl Health<'_> {
    /// See [`crate::health::Health::check`].
    pub fn check(&self) -> Result<types::Health> {
        self.client.rt.block_on(self.client.inner.health().check())
    }

    /// See [`crate::health::Health::detailed`].
    pub fn detailed(&self) -> Result<types::DetailedHealth> {
        self.client
            .rt
            .block_on(self.client.inner.health().detailed())
    }

    /// See [`crate::health::Health::ready`].
    pub fn ready(&self) -> Result<types::Readiness> {
        self.client.rt.block_on(self.client.inner.health().ready())
    }
}

/// Identities; see [`crate::identities::Identities`].
#[derive(Debug, Clone, Copy)]
pub struct Identities<'a> {
    client: &'a Connectors,
}

impl Identities<'_> {
    /// See [`crate::identities::Identities::list`].
    pub fn list(
        &self,
        kind: Option<crate::api::IdentityType>,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<Page<types::Identity>> {
        self.client
            .rt
            .block_on(self.client.inner.identities().list(kind, limit, offset))
    }

    /// See [`crate::identities::Identities::create`].
    pub fn create(&self, kind: crate::api::IdentityType, name: &str) -> Result<types::Identity> {
        self.client
            .rt
            .block_on(self.client.inner.identities().create(kind, name))
    }

    /// See [`crate::identities::Identities::get`].
    pub fn get(&self, id: &str) -> Result<types::Identity> {
        self.client
            .rt
            .block_on(self.client.inner.identities().get(id))
    }

    /// See [`crate::identities::Identities::delete`].
    pub fn delete(&self, id: &str) -> Result<types::DeletedIdentity> {
        self.client
            .rt
            .block_on(self.client.inner.identities().delete(id))
    }
}

/// Tenants; see [`crate::tenants::Tenants`].
#[derive(Debug, Clone)]
pub struct Tenants<'a> {
    client: &'a Connectors,
    tenant: Option<String>,
}

impl Tenants<'_> {
    fn inner(&self) -> crate::tenants::Tenants<'_> {
        let tenants = self.client.inner.tenants();
        match &self.tenant {
            Some(tenant) => tenants.tenant(tenant.clone()),
            None => tenants,
        }
    }

    /// See [`crate::tenants::Tenants::tenant`].
    pub fn tenant(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant = Some(tenant_id.into());
        self
    }

    /// See [`crate::tenants::Tenants::integrations`].
    pub fn integrations(&self) -> Result<types::TenantIntegrations> {
        self.client.rt.block_on(self.inner().integrations())
    }

    /// See [`crate::tenants::Tenants::oauth_health`].
    pub fn oauth_health(&self) -> Result<types::OAuthServiceHealth> {
        self.client.rt.block_on(self.inner().oauth_health())
    }

    /// See [`crate::tenants::OAuthConfig::get`].
    pub fn get_oauth_config(&self, integration: &str) -> Result<types::OAuthConfigView> {
        self.client
            .rt
            .block_on(self.inner().oauth_config(integration).get())
    }

    /// See [`crate::tenants::OAuthConfig::set`].
    pub fn set_oauth_config(
        &self,
        integration: &str,
        config: types::OAuthConfigRequest,
    ) -> Result<types::OAuthConfigChange> {
        self.client
            .rt
            .block_on(self.inner().oauth_config(integration).set(config))
    }

    /// See [`crate::tenants::OAuthConfig::delete`].
    pub fn delete_oauth_config(&self, integration: &str) -> Result<types::OAuthConfigChange> {
        self.client
            .rt
            .block_on(self.inner().oauth_config(integration).delete())
    }
}

/// Events; see [`crate::sse::Events`].
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    client: &'a Connectors,
}

impl Events<'_> {
    /// See [`crate::sse::Events::subscribe`]; the events as an iterator.
    pub fn subscribe(&self) -> Result<Iter<crate::sse::GatewayEvent>> {
        let stream = self
            .client
            .rt
            .block_on(self.client.inner.events().subscribe())?;
        Ok(Iter {
            stream,
            rt: self.client.rt.clone(),
        })
    }

    /// See [`crate::sse::Events::deployment`]; the events as an iterator.
    pub fn deployment(&self, deployment_id: &str) -> Result<Iter<crate::sse::GatewayEvent>> {
        let stream = self
            .client
            .rt
            .block_on(self.client.inner.events().deployment(deployment_id))?;
        Ok(Iter {
            stream,
            rt: self.client.rt.clone(),
        })
    }
}
