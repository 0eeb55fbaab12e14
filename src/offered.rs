//! Gateways without the extension routes: what the client remembers of their refusals,
//! and the fallbacks that [`Error::NotOffered`] lists.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures::TryStreamExt;
use reqwest::StatusCode;

use crate::api::{ServerStatus, ServerType, types};
use crate::client::Connectors;
use crate::error::{ApiError, Error, Result};

/// The error code of the gateway's answer to a route it does not have.
pub(crate) const ROUTE_NOT_FOUND: &str = "ROUTE_NOT_FOUND";

/// Where the server fallbacks take their facts from (for the `tracing` event).
pub(crate) const FROM_CUSTOM_AND_CATALOG: &str =
    "GET /api/v1/mcp/custom and GET /api/v1/tools/list";
/// Where the tool fallbacks take their facts from (for the `tracing` event).
pub(crate) const FROM_CATALOG: &str = "GET /api/v1/tools/list";

/// The status of a server known only from the catalog: the catalog says which tools the
/// gateway routes to, not whether their server is up.
const STATUS_NOT_REPORTED: &str = "unknown";

/// What one client (and all its clones) learned about the gateway's routes.
#[derive(Debug, Default)]
pub(crate) struct RouteMemory(Mutex<Learned>);

#[derive(Debug, Default)]
struct Learned {
    /// `operationId` -> the gateway's first refusal of it.
    refusals: HashMap<String, ApiError>,
    /// Operations whose fallback was announced in a `tracing` event.
    announced: HashSet<String>,
}

impl RouteMemory {
    fn learned(&self) -> MutexGuard<'_, Learned> {
        // The sets stay consistent whatever panicked while holding the lock.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the refusal of an [`Error::NotOffered`]; other errors teach nothing.
    pub(crate) fn remember(&self, error: &Error) {
        let Error::NotOffered { operation, api } = error else {
            return;
        };
        let mut learned = self.learned();
        if !learned.refusals.contains_key(operation) {
            tracing::debug!(
                operation = %operation,
                "the gateway does not offer this operation; this client will not ask again"
            );
            learned.refusals.insert(operation.clone(), (**api).clone());
        }
    }

    /// The remembered refusal of `operation`, if the gateway does not offer it.
    pub(crate) fn refusal(&self, operation: &str) -> Option<ApiError> {
        self.learned().refusals.get(operation).cloned()
    }

    /// The operations known not to be offered, sorted.
    pub(crate) fn operations(&self) -> Vec<String> {
        let mut operations: Vec<String> = self.learned().refusals.keys().cloned().collect();
        operations.sort();
        operations
    }

    /// Whether this is the first fallback for `operation` (then it is announced).
    fn first_fallback(&self, operation: &str) -> bool {
        self.learned().announced.insert(operation.to_string())
    }
}

/// `primary`'s answer; when the gateway does not offer its operation, `fallback`'s, said
/// once per client in a `tracing` event naming the routes it answers from.
pub(crate) async fn or_fallback<T, P, F, Fut>(
    client: &Connectors,
    answered_from: &'static str,
    primary: P,
    fallback: F,
) -> Result<T>
where
    P: Future<Output = Result<T>>,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    match primary.await {
        Err(Error::NotOffered { operation, .. }) => {
            if client.route_memory().first_fallback(&operation) {
                tracing::info!(
                    operation = %operation,
                    answered_from,
                    "the gateway does not offer {operation}; answering from {answered_from}"
                );
            }
            fallback().await
        }
        other => other,
    }
}

/// The not-found answer the missing extension route would have given, made by the facade
/// (no request id: no single request said it).
fn not_found(code: &str, message: String) -> Error {
    Error::NotFound(Box::new(ApiError {
        code: Some(code.to_string()),
        message,
        ..ApiError::with_status(StatusCode::NOT_FOUND)
    }))
}

/// The server part of a tool id (`github` of `github.createPullRequest`).
fn server_of(tool_id: &str) -> Option<&str> {
    tool_id.split_once('.').map(|(server, _)| server)
}

/// Every catalog tool, or only those of `server` (by the server part of their ids: the
/// original gateway ignores the `integration` filter, which is still sent for gateways
/// that honour it).
pub(crate) async fn catalog(
    client: &Connectors,
    server: Option<&str>,
) -> Result<Vec<types::ToolSelection>> {
    let mut listing = client.tools().list();
    if let Some(server) = server {
        listing = listing.server(server);
    }
    let tools: Vec<types::ToolSelection> = listing.stream().try_collect().await?;
    Ok(match server {
        Some(server) => tools
            .into_iter()
            .filter(|t| server_of(&t.tool_id) == Some(server))
            .collect(),
        None => tools,
    })
}

/// One catalog tool by id; not in the catalog is [`Error::NotFound`] (`TOOL_NOT_FOUND`).
pub(crate) async fn catalog_tool(
    client: &Connectors,
    tool_id: &str,
) -> Result<types::ToolSelection> {
    catalog(client, server_of(tool_id))
        .await?
        .into_iter()
        .find(|t| t.tool_id == tool_id)
        .ok_or_else(|| {
            not_found(
                "TOOL_NOT_FOUND",
                format!("Tool '{tool_id}' is not in the gateway's catalog"),
            )
        })
}

/// The custom servers and the servers known only by their catalog tools, by name.
pub(crate) async fn servers(client: &Connectors) -> Result<Vec<types::McpServer>> {
    let mcp = client.mcp();
    let (custom, catalog) = futures::try_join!(mcp.custom(), catalog(client, None))?;
    let mut by_server: BTreeMap<&str, Vec<&types::ToolSelection>> = BTreeMap::new();
    for tool in &catalog {
        if let Some(server) = server_of(&tool.tool_id) {
            by_server.entry(server).or_default().push(tool);
        }
    }
    let mut servers: Vec<types::McpServer> = Vec::with_capacity(custom.len() + by_server.len());
    for server in custom {
        let catalog_count = by_server.remove(server.name.as_str()).map(|t| t.len());
        servers.push(custom_server(server, catalog_count));
    }
    servers.extend(
        by_server
            .into_iter()
            .map(|(name, tools)| catalog_server(name, &tools)),
    );
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(servers)
}

/// One server of [`servers`]; in neither source is [`Error::NotFound`] (`SERVER_NOT_FOUND`).
pub(crate) async fn server(client: &Connectors, name: &str) -> Result<types::McpServer> {
    servers(client)
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| server_not_found(name))
}

/// A server's tools from the catalog. None there is an empty list for a custom server
/// (its tools may not be indexed yet) and [`Error::NotFound`] for any other name.
pub(crate) async fn server_tools(client: &Connectors, name: &str) -> Result<Vec<types::McpTool>> {
    let tools = catalog(client, Some(name)).await?;
    if tools.is_empty() && !client.mcp().custom().await?.iter().any(|s| s.name == name) {
        return Err(server_not_found(name));
    }
    Ok(tools.into_iter().map(mcp_tool).collect())
}

fn server_not_found(name: &str) -> Error {
    not_found(
        "SERVER_NOT_FOUND",
        format!("MCP server '{name}' is neither a custom server nor in the gateway's catalog"),
    )
}

/// A custom server as a server listing shows it; the catalog's count stands in for a
/// tool count the gateway did not report.
fn custom_server(server: types::CustomServer, catalog_count: Option<usize>) -> types::McpServer {
    types::McpServer {
        tool_count: server.tool_count.or(catalog_count.map(|n| n as u64)),
        name: server.name,
        type_: ServerType::Custom,
        category: server.category,
        status: server.status,
        deployed_at: server.deployed_at,
        tenant_id: server.tenant_id,
        description: None,
        transport: None,
    }
}

/// A server known only by its catalog tools: a platform server whose category is its
/// tools' category when they share one, and whose status the catalog does not tell.
fn catalog_server(name: &str, tools: &[&types::ToolSelection]) -> types::McpServer {
    let category = tools
        .first()
        .map(|t| t.category.clone())
        .filter(|first| tools.iter().all(|t| &t.category == first));
    types::McpServer {
        name: name.to_string(),
        type_: ServerType::Platform,
        category,
        status: ServerStatus::from(STATUS_NOT_REPORTED),
        tool_count: Some(tools.len() as u64),
        deployed_at: None,
        tenant_id: None,
        description: None,
        transport: None,
    }
}

/// A catalog tool as a server's tool listing shows it; its input schema is the catalog's
/// parameter schema (empty when the catalog has none), and its output schema, title,
/// annotations, icons and `_meta` are the catalog's (absent when the gateway sends none).
fn mcp_tool(tool: types::ToolSelection) -> types::McpTool {
    let input_schema = tool.schema.map(|s| s.parameters).unwrap_or_default();
    let annotations = match tool.annotations.map(serde_json::to_value) {
        Some(Ok(serde_json::Value::Object(map))) => map,
        _ => serde_json::Map::new(),
    };
    types::McpTool {
        tool_id: tool.tool_id,
        name: tool.name,
        description: Some(tool.description),
        input_schema,
        output_schema: tool.output_schema,
        annotations,
        title: tool.title,
        icons: tool.icons,
        meta: tool.meta,
    }
}
