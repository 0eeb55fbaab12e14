//! MCP servers: list and inspect them, call their tools, deploy custom ones, remove them.

use std::future::IntoFuture;

use serde::Serialize;

use crate::api::prelude::*;
use crate::api::{SecretStringMap, ServerStatus, ServerType, types};
use crate::client::Connectors;
use crate::deployments::Deployment;
use crate::error::{Error, Result};
use crate::offered;
use crate::pagination::{DEFAULT_PAGE_SIZE, Page, Windowed, stream_pages};
use crate::tools::{BoxFuture, InvokeTool, ItemStream};

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
    /// [`ListServers::stream`] for all of them.
    ///
    /// A gateway without `GET /mcp/servers` (the original one) is answered from its
    /// custom servers (`GET /mcp/custom`) and its catalog (`GET /tools/list`): each
    /// server part of the catalog's tool ids that is not a custom server is a platform
    /// server with its tools' count, the category they share, and the status
    /// `unknown` (the catalog does not tell). The filters and the window apply to that
    /// listing, sorted by name; its [`Page::total`] is its size.
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
        ListServers {
            client: self.client,
            filters: ServerFilters::default(),
        }
    }

    /// The custom servers the tenant deployed (the original gateway's listing).
    pub async fn custom(&self) -> Result<Vec<types::CustomServer>> {
        let call = self.client.call();
        let response = call.api.list_custom_servers().send().await;
        Ok(call.finish(response).await?.data.servers)
    }

    /// A handle on the server `name`; no request is made until it is used.
    ///
    /// ```no_run
    /// use serde_json::json;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let github = client.mcp().get("github");
    /// for tool in github.tools().await? {
    ///     println!("{}: {}", tool.name, tool.description.unwrap_or_default());
    /// }
    /// println!("{}", github.health().await?.status);
    /// let result = github.call("createPullRequest", json!({"repo": "o/r", "title": "Fix"})).await?;
    /// println!("{}", result.text());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, name: impl Into<String>) -> Server {
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
    pub async fn remove(&self, name: &str) -> Result<types::RemovedServer> {
        non_empty("name", name)?;
        let call = self.client.call();
        let response = call.api.remove_custom_server().name(name).send().await;
        Ok(call.finish(response).await?.data)
    }

    /// Health of the gateway's deployment service.
    pub async fn health(&self) -> Result<types::McpServiceHealth> {
        let call = self.client.call();
        let response = call.api.get_mcp_health().send().await;
        Ok(call.finish(response).await?.data)
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

    /// What the gateway knows about the server.
    ///
    /// A gateway without `GET /mcp/servers/{name}` is answered from the listing of
    /// [`Mcp::list`]'s fallback; a name in neither source is [`Error::NotFound`]
    /// (`SERVER_NOT_FOUND`).
    pub async fn info(&self) -> Result<types::McpServer> {
        non_empty("name", &self.name)?;
        let listed = async {
            let call = self.client.call();
            let response = call.api.get_server().name(&self.name).send().await;
            Ok(call.finish(response).await?.data)
        };
        offered::or_fallback(
            &self.client,
            offered::FROM_CUSTOM_AND_CATALOG,
            listed,
            || offered::server(&self.client, &self.name),
        )
        .await
    }

    /// The server's tools with their input schemas.
    ///
    /// A gateway without `GET /mcp/servers/{name}/tools` is answered from its catalog
    /// (`GET /tools/list`): the tools whose id starts with `<name>.`, their input schema
    /// the catalog's parameter schema (empty when it has none). No such tool is an
    /// empty list for a custom server and [`Error::NotFound`] (`SERVER_NOT_FOUND`) for
    /// any other name.
    pub async fn tools(&self) -> Result<Vec<types::McpTool>> {
        non_empty("name", &self.name)?;
        let listed = async {
            let call = self.client.call();
            let response = call.api.list_server_tools().name(&self.name).send().await;
            Ok(call.finish(response).await?.data.tools)
        };
        offered::or_fallback(&self.client, offered::FROM_CATALOG, listed, || {
            offered::server_tools(&self.client, &self.name)
        })
        .await
    }

    /// The server's health: status, latency of the last ping, last check, error.
    /// Nothing answers for it on a gateway without the route: [`Error::NotOffered`].
    pub async fn health(&self) -> Result<types::ServerHealth> {
        non_empty("name", &self.name)?;
        let call = self.client.call();
        let response = call.api.get_server_health().name(&self.name).send().await;
        Ok(call.finish(response).await?.data)
    }

    /// Calls one of the server's tools: `tool` is its name (`createPullRequest`) or its
    /// full id (`github.createPullRequest`).
    pub fn call(&self, tool: &str, params: impl Serialize) -> InvokeTool<'_> {
        let prefix = format!("{}.", self.name);
        let tool_id = if tool.starts_with(&prefix) {
            tool.to_string()
        } else {
            format!("{prefix}{tool}")
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
pub struct Source(SourceKind);

#[derive(Debug, Clone)]
enum SourceKind {
    Ready(types::McpSource),
    Github {
        url: String,
        branch: Option<String>,
        token: Option<crate::api::SecretString>,
    },
    Stdio {
        command: String,
        args: Vec<String>,
        env: SecretStringMap,
    },
    Http {
        url: String,
        headers: SecretStringMap,
    },
    Docker {
        image: String,
        env: SecretStringMap,
        port: Option<u16>,
    },
}

impl Source {
    /// Clone a repository and run the MCP server it contains.
    pub fn github(url: impl Into<String>) -> Self {
        Source(SourceKind::Github {
            url: url.into(),
            branch: None,
            token: None,
        })
    }

    /// Start a local process that speaks MCP over stdin/stdout.
    pub fn stdio<I, S>(command: impl Into<String>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Source(SourceKind::Stdio {
            command: command.into(),
            args: args.into_iter().map(Into::into).collect(),
            env: SecretStringMap::new(),
        })
    }

    /// Connect to an MCP server over streamable HTTP.
    pub fn http(url: impl Into<String>) -> Self {
        Source(SourceKind::Http {
            url: url.into(),
            headers: SecretStringMap::new(),
        })
    }

    /// Run a container image that serves MCP.
    pub fn docker(image: impl Into<String>) -> Self {
        Source(SourceKind::Docker {
            image: image.into(),
            env: SecretStringMap::new(),
            port: None,
        })
    }

    /// The branch to clone (GitHub sources).
    pub fn branch(mut self, name: impl Into<String>) -> Self {
        if let SourceKind::Github { branch, .. } = &mut self.0 {
            *branch = Some(name.into());
        }
        self
    }

    /// A token for a private repository (GitHub sources); never printed.
    pub fn token(mut self, value: impl Into<crate::api::SecretString>) -> Self {
        if let SourceKind::Github { token, .. } = &mut self.0 {
            *token = Some(value.into());
        }
        self
    }

    /// An environment variable (stdio and Docker sources); its value is never printed.
    pub fn env(
        mut self,
        name: impl Into<String>,
        value: impl Into<crate::api::SecretString>,
    ) -> Self {
        if let SourceKind::Stdio { env, .. } | SourceKind::Docker { env, .. } = &mut self.0 {
            env.insert(name, value);
        }
        self
    }

    /// A header sent to the server (HTTP sources); its value is never printed.
    pub fn header(
        mut self,
        name: impl Into<String>,
        value: impl Into<crate::api::SecretString>,
    ) -> Self {
        if let SourceKind::Http { headers, .. } = &mut self.0 {
            headers.insert(name, value);
        }
        self
    }

    /// The port the container serves on (Docker sources).
    pub fn port(mut self, number: u16) -> Self {
        if let SourceKind::Docker { port, .. } = &mut self.0 {
            *port = Some(number);
        }
        self
    }

    fn into_wire(self) -> Result<types::McpSource> {
        let invalid = |e: types::error::ConversionError| Error::invalid("source", e.to_string());
        let some_map = |m: SecretStringMap| (!m.is_empty()).then_some(m);
        Ok(match self.0 {
            SourceKind::Ready(source) => source,
            SourceKind::Github { url, branch, token } => types::McpSource::Github {
                url: url.try_into().map_err(invalid)?,
                branch,
                auth: token.map(|token| types::GithubAuth {
                    token,
                    type_: types::GithubAuthType::Token,
                }),
            },
            SourceKind::Stdio { command, args, env } => types::McpSource::Stdio {
                command: command.try_into().map_err(invalid)?,
                args,
                env: some_map(env),
            },
            SourceKind::Http { url, headers } => types::McpSource::Http {
                url: url.try_into().map_err(invalid)?,
                headers: some_map(headers),
            },
            SourceKind::Docker { image, env, port } => types::McpSource::Docker {
                image: image.try_into().map_err(invalid)?,
                env: some_map(env),
                port,
            },
        })
    }
}

impl From<types::McpSource> for Source {
    fn from(source: types::McpSource) -> Self {
        Source(SourceKind::Ready(source))
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
        let body =
            types::AddMcpServerRequest {
                name: self.name.clone().try_into().map_err(
                    |e: types::error::ConversionError| Error::invalid("name", e.to_string()),
                )?,
                category: self.category.clone().try_into().map_err(
                    |e: types::error::ConversionError| Error::invalid("category", e.to_string()),
                )?,
                source: self.source.into_wire()?,
                description: self.description,
                tenant_id: None,
            };
        let call = self.client.call();
        let response = call.api.add_mcp_server().body(body).send().await;
        let accepted = call.finish(response).await?.data;
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

#[derive(Debug, Clone, Default)]
struct ServerFilters {
    type_: Option<ServerType>,
    category: Option<String>,
    status: Option<ServerStatus>,
    limit: Option<u64>,
    offset: Option<u64>,
}

impl ServerFilters {
    /// Whether `server` passes the filters (for a listing the facade assembles).
    fn admits(&self, server: &types::McpServer) -> bool {
        self.type_.as_ref().is_none_or(|t| *t == server.type_)
            && self
                .category
                .as_ref()
                .is_none_or(|c| server.category.as_ref() == Some(c))
            && self.status.as_ref().is_none_or(|s| *s == server.status)
    }
}

impl Windowed for ServerFilters {
    fn window(&self) -> (Option<u64>, Option<u64>) {
        (self.offset, self.limit)
    }

    fn set_window(&mut self, offset: u64, limit: u64) {
        self.offset = Some(offset);
        self.limit = Some(limit);
    }
}

/// A server listing; await it for one page or call [`ListServers::stream`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct ListServers<'a> {
    client: &'a Connectors,
    filters: ServerFilters,
}

impl<'a> ListServers<'a> {
    /// Only platform or only custom servers.
    pub fn server_type(mut self, kind: ServerType) -> Self {
        self.filters.type_ = Some(kind);
        self
    }

    /// Only servers of this category.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.filters.category = Some(category.into());
        self
    }

    /// Only servers in this status.
    pub fn status(mut self, status: ServerStatus) -> Self {
        self.filters.status = Some(status);
        self
    }

    /// Servers per page (1 to 1000; default 100).
    pub fn page_size(mut self, size: u64) -> Self {
        self.filters.limit = Some(size);
        self
    }

    /// Servers to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.filters.offset = Some(offset);
        self
    }

    /// One page.
    pub async fn send(self) -> Result<Page<types::McpServer>> {
        server_page(self.client, &self.filters).await
    }

    /// Every server matching the filters, across pages (on a gateway without
    /// `GET /mcp/servers`, each page is cut from the listing [`Mcp::list`] describes).
    pub fn stream(self) -> ItemStream<types::McpServer> {
        stream_pages(self.client, self.filters, |client, filters| async move {
            server_page(&client, &filters).await
        })
    }
}

async fn server_page(
    client: &Connectors,
    filters: &ServerFilters,
) -> Result<Page<types::McpServer>> {
    offered::or_fallback(
        client,
        offered::FROM_CUSTOM_AND_CATALOG,
        listed_server_page(client, filters),
        || assembled_server_page(client, filters),
    )
    .await
}

/// A page of `GET /mcp/servers`.
async fn listed_server_page(
    client: &Connectors,
    filters: &ServerFilters,
) -> Result<Page<types::McpServer>> {
    let call = client.call();
    let mut request = call.api.list_servers();
    if let Some(v) = &filters.type_ {
        request = request.type_(v.clone());
    }
    if let Some(v) = &filters.category {
        request = request.category(v.clone());
    }
    if let Some(v) = &filters.status {
        request = request.status(v.clone());
    }
    if let Some(v) = filters.limit {
        request = request.limit(v);
    }
    if let Some(v) = filters.offset {
        request = request.offset(v);
    }
    let response = request.send().await;
    let page = call.finish(response).await?.data;
    Ok(Page::new(page.servers, page.pagination))
}

/// A page cut from the servers the gateway's own routes describe.
async fn assembled_server_page(
    client: &Connectors,
    filters: &ServerFilters,
) -> Result<Page<types::McpServer>> {
    let servers = offered::servers(client)
        .await?
        .into_iter()
        .filter(|s| filters.admits(s))
        .collect();
    let (offset, limit) = filters.window();
    Ok(Page::cut(
        servers,
        offset.unwrap_or(0),
        limit.unwrap_or(DEFAULT_PAGE_SIZE),
    ))
}

impl<'a> IntoFuture for ListServers<'a> {
    type Output = Result<Page<types::McpServer>>;
    type IntoFuture = BoxFuture<'a, Page<types::McpServer>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
