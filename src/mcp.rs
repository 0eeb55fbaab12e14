//! MCP servers: list and inspect them, call their tools, deploy custom ones, remove them.

use std::future::IntoFuture;

use serde::Serialize;

use crate::api::prelude::*;
use crate::api::{SecretStringMap, ServerStatus, ServerType, builder, types};
use crate::client::Connectors;
use crate::deployments::Deployment;
use crate::error::{Error, Result};
use crate::offered;
use crate::pagination::{DEFAULT_PAGE_SIZE, Listing, Page, Paged, set};
use crate::tools::{BoxFuture, InvokeTool};

/// The MCP area of the API; see [`Connectors::mcp`].
#[derive(Debug, Clone, Copy)]
pub struct Mcp<'a> {
    client: &'a Connectors,
}

impl<'a> Mcp<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Mcp { client }
    }

    /// Lists the platform and custom MCP servers: await it for one page, or call
    /// [`stream`](Listing::stream) for all of them. Without the route, the listing is
    /// assembled from the gateway's other routes (see [`Error::NotOffered`]): catalog-only
    /// servers are `platform` with the status `unknown`, sorted by name, and
    /// [`Page::total`] is the listing's size.
    ///
    /// ```no_run
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// for server in client.mcp().list().await? {
    ///     println!("{} ({}, {}): {:?} tools", server.name, server.type_, server.status, server.tool_count);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListServers<'a> {
        let request = ServersRequest {
            request: self.client.facade_api().list_servers(),
            kind: None,
            category: None,
            status: None,
        };
        Listing::new(self.client, request)
    }

    /// The custom servers the tenant deployed (the original gateway's listing), asked for
    /// with the client's tenant id when it has one.
    ///
    /// A gateway that shows other tenants' servers as well (the original one does, measured)
    /// does not make them the caller's: the listing keeps the servers of the client's
    /// tenant and those that name no tenant, and [`CustomServers::other_tenants`] counts
    /// the ones it left out. A client without a tenant id keeps every server.
    ///
    /// ```no_run
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let custom = client.mcp().custom().await?;
    /// for server in &custom.servers {
    ///     println!("{} ({})", server.name, server.status);
    /// }
    /// if custom.other_tenants > 0 {
    ///     println!("{} servers of other tenants not shown", custom.other_tenants);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn custom(&self) -> Result<CustomServers> {
        let tenant = self.client.config().tenant_id();
        let custom = self.client.send(|api| {
            let request = api.list_custom_servers();
            match tenant {
                Some(tenant) => request.tenant_id(tenant),
                None => request,
            }
            .send()
        });
        Ok(CustomServers::of_tenant(custom.await?.data.servers, tenant))
    }

    /// A handle on the server `name`; no request is made until it is used.
    ///
    /// ```no_run
    /// use serde_json::json;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let github = client.mcp().server("github");
    /// for tool in github.tools().await? {
    ///     println!("{}: {}", tool.name, tool.description.unwrap_or_default());
    /// }
    /// println!("{}", github.health().await?.status);
    /// let result = github.call("createPullRequest", json!({"repo": "o/r", "title": "Fix"})).await?;
    /// println!("{}", result.text());
    /// # Ok(())
    /// # }
    /// ```
    pub fn server(&self, name: impl Into<String>) -> Server {
        Server {
            client: self.client.clone(),
            name: name.into(),
        }
    }

    /// Deploys a custom MCP server; the [`Deployment`] follows it.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use connectors::mcp::Source;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let deployment = client
    ///     .mcp()
    ///     .add("memory", Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"]), "productivity")
    ///     .description("Notes kept by the agent")
    ///     .await?;
    /// let ready = deployment.wait_until_ready(Duration::from_secs(120)).await?;
    /// println!("{} tools discovered", ready.tools_discovered.unwrap_or(0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn add(
        &self,
        name: impl Into<String>,
        source: impl Into<Source>,
        category: impl Into<String>,
    ) -> AddServer<'a> {
        AddServer {
            client: self.client,
            name: name.into(),
            source: source.into(),
            category: category.into(),
            description: None,
        }
    }

    /// Removes a custom server and stops it.
    pub async fn remove(&self, name: impl Into<String>) -> Result<types::RemovedServer> {
        let name = &name.into();
        non_empty("name", name)?;
        let removed = self
            .client
            .send(|api| api.remove_custom_server().name(name).send());
        Ok(removed.await?.data)
    }

    /// Health of the gateway's deployment service.
    pub async fn health(&self) -> Result<types::McpServiceHealth> {
        let health = self.client.send(|api| api.get_mcp_health().send());
        Ok(health.await?.data)
    }
}

/// The custom servers of [`Mcp::custom`]: the caller's tenant's, and how many others the
/// gateway showed.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CustomServers {
    /// The servers of the client's tenant (and those that name no tenant), as listed.
    pub servers: Vec<types::CustomServer>,
    /// Servers of other tenants the gateway listed too, left out of [`Self::servers`].
    pub other_tenants: usize,
}

impl CustomServers {
    /// Keeps the servers of `tenant` (every server when it is `None`).
    fn of_tenant(listed: Vec<types::CustomServer>, tenant: Option<&str>) -> Self {
        let Some(tenant) = tenant else {
            return CustomServers {
                servers: listed,
                other_tenants: 0,
            };
        };
        let total = listed.len();
        let servers: Vec<types::CustomServer> = listed
            .into_iter()
            .filter(|s| s.tenant_id.as_deref().is_none_or(|t| t == tenant))
            .collect();
        if servers.len() < total {
            tracing::debug!(
                left_out = total - servers.len(),
                "the gateway listed custom servers of other tenants; they are left out"
            );
        }
        CustomServers {
            other_tenants: total - servers.len(),
            servers,
        }
    }
}

impl IntoIterator for CustomServers {
    type Item = types::CustomServer;
    type IntoIter = std::vec::IntoIter<types::CustomServer>;

    fn into_iter(self) -> Self::IntoIter {
        self.servers.into_iter()
    }
}

impl<'c> IntoIterator for &'c CustomServers {
    type Item = &'c types::CustomServer;
    type IntoIter = std::slice::Iter<'c, types::CustomServer>;

    fn into_iter(self) -> Self::IntoIter {
        self.servers.iter()
    }
}

fn non_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// A handle on one MCP server.
#[derive(Debug, Clone)]
pub struct Server {
    client: Connectors,
    name: String,
}

impl Server {
    /// The server's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the gateway knows about the server; without the route, its entry in
    /// [`Mcp::list`] (see [`Error::NotOffered`]).
    pub async fn info(&self) -> Result<types::McpServer> {
        non_empty("name", &self.name)?;
        let listed = self
            .client
            .send(|api| api.get_server().name(&self.name).send());
        let listed = async { Ok(listed.await?.data) };
        offered::or_fallback(
            &self.client,
            offered::FROM_CUSTOM_AND_CATALOG,
            listed,
            |refusal| offered::server(&self.client, &self.name, refusal),
        )
        .await
    }

    /// The server's tools with their input schemas; without the route, its tools in the
    /// catalog (see [`Error::NotOffered`]), each with the catalog's parameter schema.
    pub async fn tools(&self) -> Result<Vec<types::McpTool>> {
        non_empty("name", &self.name)?;
        let listed = self
            .client
            .send(|api| api.list_server_tools().name(&self.name).send());
        let listed = async { Ok(listed.await?.data.tools) };
        offered::or_fallback(&self.client, offered::FROM_CATALOG, listed, |refusal| {
            offered::server_tools(&self.client, &self.name, refusal)
        })
        .await
    }

    /// The server's health: status, latency of the last ping, last check, error.
    pub async fn health(&self) -> Result<types::ServerHealth> {
        non_empty("name", &self.name)?;
        let health = self
            .client
            .send(|api| api.get_server_health().name(&self.name).send());
        Ok(health.await?.data)
    }

    /// Calls one of the server's tools: `tool` is its name (`createPullRequest`) or its
    /// full id (`github.createPullRequest`).
    pub fn call(&self, tool: impl Into<String>, params: impl Serialize) -> InvokeTool<'_> {
        let tool = tool.into();
        let prefix = format!("{}.", self.name);
        let tool_id = if tool.starts_with(&prefix) {
            tool
        } else {
            prefix + &tool
        };
        self.client.tools().invoke(tool_id, params)
    }
}

/// Where a custom MCP server comes from.
///
/// ```
/// use connectors::mcp::Source;
///
/// let github = Source::github("https://github.com/modelcontextprotocol/servers").branch("main");
/// let http = Source::http("http://127.0.0.1:18500/mcp").header("authorization", "Bearer t0ken");
/// let stdio = Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"])
///     .env("MEMORY_FILE_PATH", "./memory.json");
/// let docker = Source::docker("ghcr.io/acme/mcp:1").port(8080);
/// # let _ = (github, http, stdio, docker);
/// ```
#[derive(Debug, Clone)]
pub struct Source(std::result::Result<types::McpSource, String>);

impl Source {
    /// Clone a repository and run the MCP server it contains.
    pub fn github(url: impl Into<String>) -> Self {
        let source = url.into().try_into().map(|url| types::McpSource::Github {
            url,
            branch: None,
            auth: None,
        });
        Source::checked(source)
    }

    /// Start a local process that speaks MCP over stdin/stdout.
    pub fn stdio<I, S>(command: impl Into<String>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args = args.into_iter().map(Into::into).collect();
        let source = (command.into().try_into()).map(|command| types::McpSource::Stdio {
            command,
            args,
            env: None,
        });
        Source::checked(source)
    }

    /// Connect to an MCP server over streamable HTTP.
    pub fn http(url: impl Into<String>) -> Self {
        let source =
            (url.into().try_into()).map(|url| types::McpSource::Http { url, headers: None });
        Source::checked(source)
    }

    /// Run a container image that serves MCP.
    pub fn docker(image: impl Into<String>) -> Self {
        let source = image
            .into()
            .try_into()
            .map(|image| types::McpSource::Docker {
                image,
                env: None,
                port: None,
            });
        Source::checked(source)
    }

    /// A source whose refused part is reported when the server is added.
    fn checked(
        source: std::result::Result<types::McpSource, types::error::ConversionError>,
    ) -> Self {
        Source(source.map_err(|e| e.to_string()))
    }

    /// The branch to clone (GitHub sources).
    pub fn branch(mut self, name: impl Into<String>) -> Self {
        if let Ok(types::McpSource::Github { branch, .. }) = &mut self.0 {
            *branch = Some(name.into());
        }
        self
    }

    /// A token for a private repository (GitHub sources); never printed.
    pub fn token(mut self, value: impl Into<crate::api::SecretString>) -> Self {
        if let Ok(types::McpSource::Github { auth, .. }) = &mut self.0 {
            let type_ = types::GithubAuthType::Token;
            *auth = Some(types::GithubAuth {
                token: value.into(),
                type_,
            });
        }
        self
    }

    /// An environment variable (stdio and Docker sources); its value is never printed.
    pub fn env(
        mut self,
        name: impl Into<String>,
        value: impl Into<crate::api::SecretString>,
    ) -> Self {
        use types::McpSource::{Docker, Stdio};
        if let Ok(Stdio { env, .. } | Docker { env, .. }) = &mut self.0 {
            env.get_or_insert_with(SecretStringMap::new)
                .insert(name, value);
        }
        self
    }

    /// A header sent to the server (HTTP sources); its value is never printed.
    pub fn header(
        mut self,
        name: impl Into<String>,
        value: impl Into<crate::api::SecretString>,
    ) -> Self {
        if let Ok(types::McpSource::Http { headers, .. }) = &mut self.0 {
            headers
                .get_or_insert_with(SecretStringMap::new)
                .insert(name, value);
        }
        self
    }

    /// The port the container serves on (Docker sources).
    pub fn port(mut self, number: u16) -> Self {
        if let Ok(types::McpSource::Docker { port, .. }) = &mut self.0 {
            *port = Some(number);
        }
        self
    }
}

impl From<types::McpSource> for Source {
    fn from(source: types::McpSource) -> Self {
        Source(Ok(source))
    }
}

/// A deployment request; await it or call [`AddServer::send`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct AddServer<'a> {
    client: &'a Connectors,
    name: String,
    source: Source,
    category: String,
    description: Option<String>,
}

impl<'a> AddServer<'a> {
    /// A description of the server.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Checks the arguments, then starts the deployment (the gateway answers at once).
    pub async fn send(self) -> Result<Deployment> {
        if !crate::tools::is_integration_name(&self.name) {
            return Err(Error::invalid(
                "name",
                format!(
                    "`{}` is not a server name (lowercase letters, digits and `-`; it becomes the server part of tool ids)",
                    self.name
                ),
            ));
        }
        non_empty("category", &self.category)?;
        let invalid =
            |field| move |e: types::error::ConversionError| Error::invalid(field, e.to_string());
        let body = types::AddMcpServerRequest {
            name: self.name.clone().try_into().map_err(invalid("name"))?,
            category: self
                .category
                .clone()
                .try_into()
                .map_err(invalid("category"))?,
            source: self.source.0.map_err(|e| Error::invalid("source", e))?,
            description: self.description,
            // The original gateway files a server without a tenant under no tenant, where
            // every tenant sees it and may remove it.
            tenant_id: self.client.config().tenant_id().map(str::to_string),
        };
        let accepted = self
            .client
            .send(|api| api.add_mcp_server().body(body).send())
            .await?
            .data;
        Ok(Deployment::accepted(
            self.client.clone(),
            Some(self.name),
            accepted,
        ))
    }
}

impl<'a> IntoFuture for AddServer<'a> {
    type Output = Result<Deployment>;
    type IntoFuture = BoxFuture<'a, Deployment>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A listing of MCP servers; see [`Mcp::list`].
pub type ListServers<'a> = Listing<'a, ServersRequest<'a>>;

/// The request of `GET /mcp/servers`, with its filters kept once more for a gateway
/// without the route, whose listing the facade assembles and filters itself.
#[derive(Debug, Clone)]
pub struct ServersRequest<'a> {
    request: builder::ListServers<'a>,
    kind: Option<ServerType>,
    category: Option<String>,
    status: Option<ServerStatus>,
}

impl<'a> ListServers<'a> {
    /// Only platform or only custom servers.
    pub fn kind(self, kind: ServerType) -> Self {
        self.filter(|r| ServersRequest {
            request: r.request.type_(kind.clone()),
            kind: Some(kind),
            ..r
        })
    }

    /// Only servers of this category.
    pub fn category(self, category: impl Into<String>) -> Self {
        let category = category.into();
        self.filter(|r| ServersRequest {
            request: r.request.category(category.clone()),
            category: Some(category),
            ..r
        })
    }

    /// Only servers in this status.
    pub fn status(self, status: ServerStatus) -> Self {
        self.filter(|r| ServersRequest {
            request: r.request.status(status.clone()),
            status: Some(status),
            ..r
        })
    }
}

impl ServersRequest<'_> {
    /// Whether `server` passes the filters (for the listing the facade assembles).
    fn admits(&self, server: &types::McpServer) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == server.type_)
            && (self.category.as_ref()).is_none_or(|c| server.category.as_ref() == Some(c))
            && self.status.as_ref().is_none_or(|s| *s == server.status)
    }
}

impl<'a> Paged<'a> for ServersRequest<'a> {
    type Item = types::McpServer;

    /// A page of `GET /mcp/servers`; without the route, one cut from the servers the
    /// gateway's own routes describe.
    fn page(
        self,
        client: &'a Connectors,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> BoxFuture<'a, Page<Self::Item>> {
        let request = self.request.clone();
        let request = set(
            set(request, offset, builder::ListServers::offset),
            limit,
            builder::ListServers::limit,
        );
        let listed = async move {
            let page = client.send(|_| request.send()).await?.data;
            Ok(Page::new(page.servers, page.pagination))
        };
        let assembled = move |_refusal| async move {
            let servers = offered::servers(client).await?;
            let servers = servers.into_iter().filter(|s| self.admits(s)).collect();
            let (offset, limit) = (offset.unwrap_or(0), limit.unwrap_or(DEFAULT_PAGE_SIZE));
            Ok(Page::cut(servers, offset, limit))
        };
        Box::pin(offered::or_fallback(
            client,
            offered::FROM_CUSTOM_AND_CATALOG,
            listed,
            assembled,
        ))
    }
}
