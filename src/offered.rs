//! Gateways without the extension routes: what the client remembers of their refusals,
//! and the fallbacks that [`Error::NotOffered`] lists.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures::TryStreamExt;

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

/// How long a confirmed refusal is believed by default: after it, the operation is asked
/// for again (a gateway may be upgraded, a proxy fixed), and one more refusal confirms it
/// anew.
pub(crate) const REMEMBERED_FOR: Duration = Duration::from_secs(600);

/// The answers that confirm a refusal: one `ROUTE_NOT_FOUND` may come from a proxy, a
/// misrouted request or a fuzzed body; the same answer to a second request is the
/// gateway's answer for that route.
const ANSWERS_TO_CONFIRM: u32 = 2;

/// What one client (and all its clones) learned about the gateway's routes.
///
/// Only extension operations (those the original gateway lacks) are ever remembered as
/// not offered, and only once confirmed; a confirmed refusal expires after
/// [`REMEMBERED_FOR`], and any success of the operation forgets it.
#[derive(Debug)]
pub(crate) struct RouteMemory {
    learned: Mutex<Learned>,
    /// Whether `learned.refusals` may hold anything, so that the success of every call
    /// does not take the lock to forget what was never learned.
    any: AtomicBool,
    /// How long a confirmed refusal is believed.
    period: Duration,
}

#[derive(Debug, Default)]
struct Learned {
    /// `operationId` -> the gateway's refusals of it.
    refusals: HashMap<&'static str, Refusal>,
    /// Operations whose fallback was announced in a `tracing` event.
    announced: HashSet<String>,
}

/// The `ROUTE_NOT_FOUND` answers to one operation.
#[derive(Debug)]
struct Refusal {
    /// The latest answer.
    api: ApiError,
    /// Answers so far (since the last success).
    answers: u32,
    /// When it was confirmed; `None` while one answer is all there is.
    confirmed_at: Option<Instant>,
}

impl Refusal {
    /// Whether it is confirmed and still believed at `now`, for `period` after that.
    fn believed(&self, now: Instant, period: Duration) -> bool {
        self.confirmed_at
            .is_some_and(|at| now.saturating_duration_since(at) < period)
    }
}

impl RouteMemory {
    /// A memory that believes a confirmed refusal for `period`.
    pub(crate) fn new(period: Duration) -> Self {
        RouteMemory {
            learned: Mutex::default(),
            any: AtomicBool::new(false),
            period,
        }
    }

    fn learned(&self) -> MutexGuard<'_, Learned> {
        // The sets stay consistent whatever panicked while holding the lock.
        self.learned.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts the refusal of an [`Error::NotOffered`] of an extension operation; the
    /// second one confirms it. Other errors, and refusals of the original gateway's own
    /// operations (which every gateway of this API has), teach nothing.
    pub(crate) fn remember(&self, error: &Error) {
        let Error::NotOffered { operation, api } = error else {
            return;
        };
        let Some(op) = crate::operations::find(operation).filter(|op| op.extension) else {
            tracing::debug!(
                operation = %operation,
                "404 ROUTE_NOT_FOUND for an operation every gateway of this API offers: an error of this call only"
            );
            return;
        };
        let now = Instant::now();
        let mut learned = self.learned();
        self.any.store(true, Ordering::Release);
        let refusal = learned.refusals.entry(op.id).or_insert(Refusal {
            api: (**api).clone(),
            answers: 0,
            confirmed_at: None,
        });
        refusal.api = (**api).clone();
        refusal.answers = refusal.answers.saturating_add(1);
        if refusal.answers >= ANSWERS_TO_CONFIRM && !refusal.believed(now, self.period) {
            refusal.confirmed_at = Some(now);
            tracing::debug!(
                operation = %operation,
                remembered_for_seconds = self.period.as_secs(),
                "the gateway does not offer this operation (answered twice); this client will not ask again for a while"
            );
        }
    }

    /// Forgets what was learned of `operation`: the gateway just answered it.
    pub(crate) fn offered(&self, operation: &str) {
        if !self.any.load(Ordering::Acquire) {
            return;
        }
        let mut learned = self.learned();
        if learned.refusals.remove(operation).is_some() {
            tracing::debug!(
                operation,
                "the gateway answered this operation; its refusals are forgotten"
            );
        }
    }

    /// The confirmed refusal of `operation`, while it is believed.
    pub(crate) fn refusal(&self, operation: &str) -> Option<ApiError> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let now = Instant::now();
        self.learned()
            .refusals
            .get(operation)
            .filter(|r| r.believed(now, self.period))
            .map(|r| r.api.clone())
    }

    /// The operations known not to be offered (confirmed and still believed), sorted.
    pub(crate) fn operations(&self) -> Vec<String> {
        let now = Instant::now();
        let mut operations: Vec<String> = self
            .learned()
            .refusals
            .iter()
            .filter(|(_, r)| r.believed(now, self.period))
            .map(|(op, _)| op.to_string())
            .collect();
        operations.sort();
        operations
    }

    /// Whether this is the first fallback for `operation` (then it is announced).
    fn first_fallback(&self, operation: &str) -> bool {
        self.learned().announced.insert(operation.to_string())
    }
}

/// `primary`'s answer; when the gateway does not offer its operation, `fallback`'s, said
/// once per client in a `tracing` event naming the routes it answers from. The fallback
/// gets the refusal, to return where the routes it answers from cannot tell.
pub(crate) async fn or_fallback<T, P, F, Fut>(
    client: &Connectors,
    answered_from: &'static str,
    primary: P,
    fallback: F,
) -> Result<T>
where
    P: Future<Output = Result<T>>,
    F: FnOnce(Error) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    match primary.await {
        Err(refusal @ Error::NotOffered { .. }) => {
            if let Error::NotOffered { operation, .. } = &refusal
                && client.route_memory().first_fallback(operation)
            {
                tracing::info!(
                    operation = %operation,
                    answered_from,
                    "the gateway does not offer {operation}; answering from {answered_from}"
                );
            }
            fallback(refusal).await
        }
        other => other,
    }
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

/// One catalog tool by id. A tool not in the catalog may still exist (the original
/// gateway's catalog is empty, and it invokes tools it does not list), so that is
/// `refusal`, the gateway's [`Error::NotOffered`] for `getTool`: the catalog cannot tell.
pub(crate) async fn catalog_tool(
    client: &Connectors,
    tool_id: &str,
    refusal: Error,
) -> Result<types::ToolSelection> {
    catalog(client, server_of(tool_id))
        .await?
        .into_iter()
        .find(|t| t.tool_id == tool_id)
        .ok_or(refusal)
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
    let mut servers: Vec<types::McpServer> =
        Vec::with_capacity(custom.servers.len() + by_server.len());
    for server in custom.servers {
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

/// One server of [`servers`]. A name in neither source may still be a server of the
/// gateway's (one whose tools are not in the catalog), so that is `refusal`, the gateway's
/// [`Error::NotOffered`] for `getServer`: those routes cannot tell.
pub(crate) async fn server(
    client: &Connectors,
    name: &str,
    refusal: Error,
) -> Result<types::McpServer> {
    servers(client)
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or(refusal)
}

/// A server's tools from the catalog. None there cannot tell (a deployed server's tools
/// are not in the original gateway's catalog, which is empty): that is `refusal`, the
/// gateway's [`Error::NotOffered`] for `listServerTools`, never an empty list.
pub(crate) async fn server_tools(
    client: &Connectors,
    name: &str,
    refusal: Error,
) -> Result<Vec<types::McpTool>> {
    let tools = catalog(client, Some(name)).await?;
    if tools.is_empty() {
        return Err(refusal);
    }
    Ok(tools.into_iter().map(mcp_tool).collect())
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
