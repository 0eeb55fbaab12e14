//! One MCP server: what it is (name, kind, owner, endpoint) and its state (status,
//! session, tools, restarts, last health check).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use connectors::api::{ServerStatus, types};
use tokio_util::sync::CancellationToken;

use super::ServerKind;
use crate::mcp_client::{Endpoint, LogSink, Session};
use crate::tool::ToolInfo;

#[derive(Debug)]
pub(super) struct ServerState {
    pub(super) status: ServerStatus,
    pub(super) session: Option<Arc<Session>>,
    pub(super) tools: Arc<Vec<Arc<ToolInfo>>>,
    pub(super) restarts: u32,
    pub(super) last_error: Option<String>,
    pub(super) last_check: Option<DateTime<Utc>>,
    pub(super) latency_ms: Option<f64>,
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
    pub(super) generation: u64,
    state: Mutex<ServerState>,
    pub(super) stop: CancellationToken,
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

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, ServerState> {
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
