//! A server's life: connected and its tools discovered (`start`), restarted by a
//! supervisor when its session dies (up to `maxRestarts`, with backoff), and pinged by the
//! periodic health check.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use connectors::api::{LogStream, ServerStatus};
use tokio_util::sync::CancellationToken;

use super::{Registry, Server};
use crate::mcp_client::Session;
use crate::meaning::{Lookup, Meaning};
use crate::tool::ToolInfo;
use crate::tool::to_tool_info;

impl Registry {
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

    async fn connect(
        self: &Arc<Self>,
        server: &Arc<Server>,
    ) -> Result<(Arc<Session>, usize), String> {
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
            // The tools come into the index at once with the vectors the caches hold; the
            // others are computed after, and the tools are found by words until then (a
            // first start of a large catalog is minutes of embedding).
            let lookup = match &self.meaning {
                Some(meaning) => Some(meaning.cached(&tools).await),
                None => None,
            };
            let known = lookup.as_ref().map_or(&[][..], |l| l.vectors.as_slice());
            self.index.set_server_vectors(
                &server.name,
                server.tenant.as_deref(),
                server.generation,
                &tools,
                known,
            );
            if let (Some(meaning), Some(lookup)) = (&self.meaning, lookup)
                && !lookup.is_complete()
            {
                self.embed_later(meaning.clone(), server.clone(), tools.clone(), lookup);
            }
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

    /// Computes the vectors `lookup` lacks on the model's thread and attaches them to the
    /// server's indexed tools, unless the server stopped or was reindexed meanwhile.
    fn embed_later(
        self: &Arc<Self>,
        meaning: Arc<Meaning>,
        server: Arc<Server>,
        tools: Arc<Vec<Arc<ToolInfo>>>,
        lookup: Lookup,
    ) {
        /// Counts the job as pending until it ends, however it ends (the runtime may drop
        /// it at shutdown).
        struct Pending(tokio::sync::watch::Sender<usize>);
        impl Drop for Pending {
            fn drop(&mut self) {
                self.0
                    .send_modify(|servers| *servers = servers.saturating_sub(1));
            }
        }
        self.embedding.send_modify(|servers| *servers += 1);
        let pending = Pending(self.embedding.clone());
        let registry = self.clone();
        tokio::spawn(async move {
            let _pending = pending;
            let started = std::time::Instant::now();
            // A server stopped meanwhile drops its job (skipped if it had not begun).
            let vectors = tokio::select! {
                vectors = meaning.complete(&server.name, lookup) => vectors,
                _ = server.stop.cancelled() => return,
            };
            let attached = registry.index.attach_vectors(
                &server.name,
                server.tenant.as_deref(),
                server.generation,
                &tools,
                &vectors,
            );
            tracing::info!(
                server = %server.name,
                tools = tools.len(),
                attached,
                seconds = started.elapsed().as_secs_f64(),
                "tools embedded: selection ranks them by meaning too"
            );
        });
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
