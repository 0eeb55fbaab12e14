//! The MCP servers the gateway knows: platform servers from the configuration and custom
//! servers deployed by tenants. Each has a live session, its discovered tools and a
//! status; a supervisor restarts a server whose session died (up to `maxRestarts`), and a
//! periodic health check measures an MCP round trip to each running server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use connectors::api::{LogStream, ServerStatus, types};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::events::{Event, EventBus};
use crate::mcp_client::{Endpoint, LogSink, Session};
use crate::scoped::Scoped;
use crate::selection::{self, Index};

/// Who provides a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerKind {
    Platform,
    Custom,
}

/// A tool as discovered on its server: everything its server declared (MCP `Tool`), and
/// what the gateway adds (id, category, token cost).
#[derive(Debug, Clone)]
pub(crate) struct ToolInfo {
    pub server: String,
    pub name: String,
    pub tool_id: String,
    /// The declared description, or the title when there is none.
    pub description: String,
    pub category: String,
    pub input_schema: Map<String, Value>,
    /// Empty when none is declared, as are the annotations, icons and `_meta`.
    pub output_schema: Map<String, Value>,
    pub annotations: Map<String, Value>,
    pub title: Option<String>,
    pub icons: Vec<types::Icon>,
    pub meta: Map<String, Value>,
    pub token_cost: u64,
}

#[derive(Debug)]
struct ServerState {
    status: ServerStatus,
    session: Option<Arc<Session>>,
    tools: Arc<Vec<Arc<ToolInfo>>>,
    restarts: u32,
    last_error: Option<String>,
    last_check: Option<DateTime<Utc>>,
    latency_ms: Option<f64>,
}

/// One MCP server.
pub(crate) struct Server {
    pub name: String,
    pub kind: ServerKind,
    pub tenant: Option<String>,
    pub category: String,
    pub description: Option<String>,
    pub endpoint: Endpoint,
    pub deployed_at: DateTime<Utc>,
    pub log: LogSink,
    /// Tells this server from an earlier or later one of the same name (in the index).
    generation: u64,
    state: Mutex<ServerState>,
    stop: CancellationToken,
}

/// A point-in-time view of a server's state.
#[derive(Debug, Clone)]
pub(crate) struct ServerSnapshot {
    pub status: ServerStatus,
    pub tools: Arc<Vec<Arc<ToolInfo>>>,
    pub restarts: u32,
    pub last_error: Option<String>,
    pub last_check: Option<DateTime<Utc>>,
    pub latency_ms: Option<f64>,
    pub pid: Option<u32>,
}

impl Server {
    pub fn new(
        name: &str,
        kind: ServerKind,
        tenant: Option<String>,
        category: &str,
        description: Option<String>,
        endpoint: Endpoint,
        log: LogSink,
    ) -> Arc<Server> {
        Arc::new(Server {
            name: name.to_string(),
            kind,
            tenant,
            category: category.to_string(),
            description,
            endpoint,
            deployed_at: Utc::now(),
            log,
            generation: {
                static NEXT: AtomicU64 = AtomicU64::new(0);
                NEXT.fetch_add(1, Ordering::Relaxed)
            },
            state: Mutex::new(ServerState {
                status: ServerStatus::Starting,
                session: None,
                tools: Arc::new(Vec::new()),
                restarts: 0,
                last_error: None,
                last_check: None,
                latency_ms: None,
            }),
            stop: CancellationToken::new(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current state.
    pub fn snapshot(&self) -> ServerSnapshot {
        let state = self.state();
        ServerSnapshot {
            status: state.status.clone(),
            tools: state.tools.clone(),
            restarts: state.restarts,
            last_error: state.last_error.clone(),
            last_check: state.last_check,
            latency_ms: state.latency_ms,
            pid: state.session.as_ref().and_then(|s| s.pid()),
        }
    }

    /// Whether the server is running and lists no tool `name` (a call of it cannot be
    /// answered). Reads the state in place: a [`snapshot`](Self::snapshot) per call copied
    /// strings that a call does not need.
    pub fn running_without(&self, name: &str) -> bool {
        let state = self.state();
        state.status == ServerStatus::Running && !state.tools.iter().any(|t| t.name == name)
    }

    /// The live session, if the server is running.
    pub fn session(&self) -> Option<Arc<Session>> {
        let state = self.state();
        state.session.clone().filter(|s| s.is_alive())
    }

    /// Whether the server has run: connected once, whatever happened since (a server is
    /// `starting` only before its first connection and while being restarted).
    pub fn has_run(&self) -> bool {
        let state = self.state();
        state.status != ServerStatus::Starting || state.restarts > 0
    }

    /// Whether tenant `tenant` may see this server.
    pub fn visible_to(&self, tenant: &str) -> bool {
        self.tenant.as_deref().is_none_or(|owner| owner == tenant)
    }

    /// The wire view (`McpServer`).
    pub fn to_wire(&self) -> types::McpServer {
        let snapshot = self.snapshot();
        types::McpServer {
            name: self.name.clone(),
            type_: match self.kind {
                ServerKind::Platform => connectors::api::ServerType::Platform,
                ServerKind::Custom => connectors::api::ServerType::Custom,
            },
            category: Some(self.category.clone()),
            description: self.description.clone(),
            status: snapshot.status,
            tool_count: Some(snapshot.tools.len() as u64),
            transport: Some(self.endpoint.transport().to_string()),
            tenant_id: self.tenant.clone(),
            deployed_at: Some(self.deployed_at),
        }
    }
}

/// All servers, by name within their scope ([`Scoped`]): platform servers share one scope
/// with every tenant; on the full profile each tenant's custom servers have their own, so
/// a tenant's name never clashes with, nor reveals, another tenant's server.
pub(crate) struct Registry {
    servers: RwLock<Scoped<Arc<Server>>>,
    /// Servers whose name a later server took ([`Registry::replace`]): they keep running,
    /// unreachable, until their name is removed or the gateway stops.
    retired: Mutex<Vec<Arc<Server>>>,
    /// The selection index of every server's tools, updated as they come and go.
    pub index: Index,
    events: EventBus,
    config: Arc<Config>,
}

impl Registry {
    pub fn new(config: Arc<Config>, events: EventBus) -> Arc<Registry> {
        Arc::new(Registry {
            servers: RwLock::new(Scoped::default()),
            retired: Mutex::new(Vec::new()),
            index: Index::default(),
            events,
            config,
        })
    }

    fn servers(&self) -> std::sync::RwLockReadGuard<'_, Scoped<Arc<Server>>> {
        self.servers.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn servers_mut(&self) -> std::sync::RwLockWriteGuard<'_, Scoped<Arc<Server>>> {
        self.servers.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The scope whose names `server`'s name is unique in: its tenant's for a custom
    /// server where tenants' servers are kept apart (full), else the shared one (platform
    /// servers; every server on connectors-ts, whose names are global like the original's).
    fn scope<'a>(&self, server: &'a Server) -> Option<&'a str> {
        match server.kind {
            ServerKind::Custom if self.config.profile.isolates_custom_servers() => {
                server.tenant.as_deref()
            }
            _ => None,
        }
    }

    /// Whether `a` and `b` hold the same name in the same scope.
    fn same_name(&self, a: &Server, b: &Server) -> bool {
        a.name == b.name && self.scope(a) == self.scope(b)
    }

    /// Adds a server; gives it back when its name is taken in its scope or, for a
    /// tenant's server, by a platform server.
    pub fn insert(&self, server: Arc<Server>) -> Result<(), Arc<Server>> {
        let mut servers = self.servers_mut();
        let scope = self.scope(&server);
        if servers.taken(scope, &server.name) {
            return Err(server);
        }
        servers.insert(scope, server.name.clone(), server.clone());
        Ok(())
    }

    /// Puts `server` under its name, in place of the server holding it, which keeps
    /// running, unreachable (the connectors-ts profile's duplicate deployments). Its tools
    /// leave the index.
    pub fn replace(&self, server: Arc<Server>) {
        let previous =
            self.servers_mut()
                .insert(self.scope(&server), server.name.clone(), server.clone());
        if let Some(previous) = previous {
            self.index.remove_server(
                &previous.name,
                previous.tenant.as_deref(),
                previous.generation,
            );
            self.retired
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(previous);
        }
    }

    /// Whether the tools of `server` belong to the catalog (`tools/list`, selection,
    /// categories): on the full profile every server's, on connectors-ts only those of
    /// the platform servers `connectorsTs.catalog` names.
    pub fn catalogued(&self, server: &Server) -> bool {
        self.config.profile.catalogs_every_server()
            || (server.kind == ServerKind::Platform
                && self.config.connectors_ts.catalog.contains(&server.name))
    }

    /// The server `name` as `tenant` looks it up: its own custom server of that name,
    /// else the one in the shared scope, which on connectors-ts may be another tenant's.
    pub fn lookup(&self, tenant: &str, name: &str) -> Option<Arc<Server>> {
        self.servers().seen_by(tenant, name).cloned()
    }

    /// The server `name`, if `tenant` may see it.
    pub fn get_visible(&self, tenant: &str, name: &str) -> Option<Arc<Server>> {
        self.lookup(tenant, name).filter(|s| s.visible_to(tenant))
    }

    /// Every server `tenant` may see, by name.
    pub fn visible(&self, tenant: &str) -> Vec<Arc<Server>> {
        self.servers()
            .visible_to(tenant)
            .into_iter()
            .filter(|s| s.visible_to(tenant))
            .cloned()
            .collect()
    }

    /// Every server.
    pub fn all(&self) -> Vec<Arc<Server>> {
        self.servers().values().cloned().collect()
    }

    /// Every tool of the catalog `tenant` may use, ordered by tool id.
    pub fn tools(&self, tenant: &str) -> Vec<ToolInfo> {
        let mut tools: Vec<ToolInfo> = self
            .visible(tenant)
            .iter()
            .filter(|s| self.catalogued(s))
            .flat_map(|s| {
                s.snapshot()
                    .tools
                    .iter()
                    .map(|t| ToolInfo::clone(t))
                    .collect::<Vec<_>>()
            })
            .collect();
        tools.sort_by(|a, b| a.tool_id.cmp(&b.tool_id));
        tools
    }

    /// Removes whatever holds `server`'s name in its scope and stops it, with the servers
    /// it replaced under that name.
    pub fn remove(&self, server: &Arc<Server>) {
        let held = self.servers_mut().remove(self.scope(server), &server.name);
        let retired: Vec<Arc<Server>> = {
            let mut all = self.retired.lock().unwrap_or_else(PoisonError::into_inner);
            let (gone, kept) = std::mem::take(&mut *all)
                .into_iter()
                .partition(|s| self.same_name(s, server));
            *all = kept;
            gone
        };
        for old in retired.iter().chain(held.as_ref()) {
            self.stop_server(old);
        }
    }

    /// Removes `server` if it still holds its name (a later server may have taken it), and
    /// stops it either way.
    pub fn remove_exact(&self, server: &Arc<Server>) {
        {
            let mut servers = self.servers_mut();
            let scope = self.scope(server);
            if servers
                .get(scope, &server.name)
                .is_some_and(|s| Arc::ptr_eq(s, server))
            {
                servers.remove(scope, &server.name);
            }
        }
        self.retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|s| !Arc::ptr_eq(s, server));
        self.stop_server(server);
    }

    fn stop_server(&self, server: &Server) {
        server.stop.cancel();
        self.index
            .remove_server(&server.name, server.tenant.as_deref(), server.generation);
        let session = server.state().session.take();
        if let Some(session) = session {
            session.close();
        }
        self.set_status(server, ServerStatus::Stopped, Some("removed".into()));
        server.state().tools = Arc::new(Vec::new());
    }

    /// Stops every server (gateway shutdown).
    pub fn shutdown(&self) {
        let retired = self
            .retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for server in self.all().into_iter().chain(retired) {
            server.stop.cancel();
            if let Some(session) = server.state().session.take() {
                session.close();
            }
        }
    }

    fn set_status(&self, server: &Server, status: ServerStatus, message: Option<String>) {
        let previous = {
            let mut state = server.state();
            let previous = state.status.clone();
            state.status = status.clone();
            if status == ServerStatus::Failed || status == ServerStatus::Unhealthy {
                state.last_error = message.clone();
            }
            previous
        };
        if previous == status {
            return;
        }
        tracing::info!(server = %server.name, from = %previous, to = %status, message = message.as_deref().unwrap_or(""), "server status changed");
        self.events.publish(Event::Server {
            tenant: server.tenant.clone(),
            event: types::ServerStatusEvent {
                name: server.name.clone(),
                status,
                previous: Some(previous),
                message,
                timestamp: Some(Utc::now()),
            },
        });
    }

    /// Connects to the server, discovers its tools and marks it running; on success a
    /// supervisor keeps it running. Returns the number of tools.
    pub async fn start(self: &Arc<Self>, server: Arc<Server>) -> Result<usize, String> {
        match self.connect(&server).await {
            Ok((session, count)) => {
                let registry = self.clone();
                tokio::spawn(async move { registry.supervise(server, session).await });
                Ok(count)
            }
            Err(e) => {
                self.set_status(&server, ServerStatus::Failed, Some(e.clone()));
                Err(e)
            }
        }
    }

    async fn connect(&self, server: &Arc<Server>) -> Result<(Arc<Session>, usize), String> {
        let timeout = self.config.connect_timeout();
        let session = tokio::select! {
            result = Session::connect(&server.name, &server.endpoint, server.log.clone(), timeout) => result.map_err(|e| e.0)?,
            _ = server.stop.cancelled() => return Err("stopped".into()),
        };
        let tools = match session.list_tools(timeout).await {
            Ok(tools) => tools,
            Err(e) => {
                session.close();
                return Err(format!("tool discovery failed: {e}"));
            }
        };
        // One copy of each definition, shared by the server's state and the index.
        let tools: Vec<Arc<ToolInfo>> = tools
            .into_iter()
            .map(|tool| Arc::new(to_tool_info(&server.name, &server.category, tool)))
            .collect();
        let count = tools.len();
        if server.stop.is_cancelled() {
            session.close();
            return Err("stopped".into());
        }
        let tools = Arc::new(tools);
        if self.catalogued(server) {
            self.index.set_server(
                &server.name,
                server.tenant.as_deref(),
                server.generation,
                &tools,
            );
        }
        {
            let mut state = server.state();
            state.session = Some(session.clone());
            state.tools = tools;
            state.last_check = Some(Utc::now());
        }
        if server.stop.is_cancelled() {
            // Removed while it was being indexed: `remove` may have run before the index
            // had its tools.
            self.index
                .remove_server(&server.name, server.tenant.as_deref(), server.generation);
            session.close();
            return Err("stopped".into());
        }
        self.set_status(
            server,
            ServerStatus::Running,
            Some(format!("{count} tools")),
        );
        Ok((session, count))
    }

    async fn supervise(self: Arc<Self>, server: Arc<Server>, mut session: Arc<Session>) {
        loop {
            tokio::select! {
                _ = session.ended.cancelled() => {}
                _ = server.stop.cancelled() => {
                    session.close();
                    return;
                }
            }
            if server.stop.is_cancelled() {
                return;
            }
            let reason = session
                .end_reason()
                .unwrap_or_else(|| "the MCP session ended".to_string());
            tracing::warn!(server = %server.name, %reason, "MCP server stopped unexpectedly");
            (server.log)(
                LogStream::System,
                format!("server stopped unexpectedly: {reason}"),
            );
            server.state().session = None;
            self.set_status(&server, ServerStatus::Failed, Some(reason));
            loop {
                let restarts = server.state().restarts;
                if restarts >= self.config.max_restarts {
                    (server.log)(
                        LogStream::System,
                        format!("giving up after {restarts} restart(s)"),
                    );
                    return;
                }
                let backoff = Duration::from_millis(250 * 2u64.pow(restarts.min(6)));
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = server.stop.cancelled() => return,
                }
                server.state().restarts += 1;
                (server.log)(
                    LogStream::System,
                    format!("restarting (attempt {})", restarts + 1),
                );
                self.set_status(&server, ServerStatus::Starting, Some("restarting".into()));
                match self.connect(&server).await {
                    Ok((new_session, _)) => {
                        session = new_session;
                        break;
                    }
                    Err(e) => {
                        (server.log)(LogStream::System, format!("restart failed: {e}"));
                        self.set_status(&server, ServerStatus::Failed, Some(e));
                    }
                }
            }
        }
    }

    /// Pings `server` now and records the outcome.
    pub async fn check(&self, server: &Server) {
        let Some(session) = server.state().session.clone() else {
            return;
        };
        let outcome = session.ping(Duration::from_secs(5)).await;
        let status = server.snapshot().status;
        {
            let mut state = server.state();
            state.last_check = Some(Utc::now());
            if let Ok(latency) = &outcome {
                state.latency_ms = Some(latency.as_secs_f64() * 1000.0);
            }
        }
        match outcome {
            Ok(_) if status == ServerStatus::Unhealthy => {
                self.set_status(server, ServerStatus::Running, Some("healthy again".into()));
            }
            Err(e) if status == ServerStatus::Running && session.is_alive() => {
                self.set_status(server, ServerStatus::Unhealthy, Some(e.to_string()));
            }
            _ => {}
        }
    }

    /// Checks every running server every `interval` until `stop` fires.
    pub fn spawn_health_checks(self: &Arc<Self>, interval: Duration, stop: CancellationToken) {
        let registry = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = stop.cancelled() => return,
                }
                for server in registry.all() {
                    registry.check(&server).await;
                }
            }
        });
    }
}

/// `value` as a JSON object (empty if it is not one).
fn object(value: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn to_tool_info(server: &str, category: &str, tool: rmcp::model::Tool) -> ToolInfo {
    let name = tool.name.to_string();
    let description = tool
        .description
        .map(|d| d.to_string())
        .or(tool.title.clone())
        .unwrap_or_default();
    let input_schema = (*tool.input_schema).clone();
    let output_schema = tool.output_schema.map(|s| (*s).clone()).unwrap_or_default();
    let annotations = tool.annotations.map(object).unwrap_or_default();
    let icons = tool
        .icons
        .unwrap_or_default()
        .into_iter()
        .filter_map(|icon| serde_json::from_value(serde_json::to_value(icon).ok()?).ok())
        .collect();
    let meta = tool.meta.map(|m| m.0).unwrap_or_default();
    let token_cost = selection::estimate_tokens(&name, &description, &input_schema);
    ToolInfo {
        server: server.to_string(),
        tool_id: format!("{server}.{name}"),
        name,
        description,
        category: category.to_string(),
        input_schema,
        output_schema,
        annotations,
        title: tool.title,
        icons,
        meta,
        token_cost,
    }
}
