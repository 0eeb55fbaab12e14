//! The MCP servers the gateway knows: platform servers from the configuration and custom
//! servers deployed by tenants. Each has a live session, its discovered tools and a
//! status; a supervisor restarts a server whose session died (up to `maxRestarts`), and a
//! periodic health check measures an MCP round trip to each running server.
//!
//! This module holds the table of servers by name and scope ([`Registry`]); `server` one
//! server and its state; `lifecycle` starting, supervising and health-checking them. A
//! discovered tool as the gateway keeps it is `crate::tool::ToolInfo`.

mod lifecycle;
mod server;

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::Utc;
use connectors::api::{ServerStatus, types};

use crate::config::Config;
use crate::events::{Event, EventBus};
use crate::meaning::Meaning;
use crate::scoped::Scoped;
use crate::selection::Index;
use crate::tool::ToolInfo;
pub(crate) use server::Server;

/// Who provides a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerKind {
    Platform,
    Custom,
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
    /// The sentence model, when the gateway has one: tools are embedded as they are
    /// indexed, and selection requests as they are asked.
    pub meaning: Option<Arc<Meaning>>,
    /// Servers whose tools are indexed and still being embedded: they are found by words
    /// until their vectors are attached.
    embedding: tokio::sync::watch::Sender<usize>,
    events: EventBus,
    config: Arc<Config>,
}

impl Registry {
    pub fn new(
        config: Arc<Config>,
        events: EventBus,
        meaning: Option<Arc<Meaning>>,
    ) -> Arc<Registry> {
        Arc::new(Registry {
            servers: RwLock::new(Scoped::default()),
            retired: Mutex::new(Vec::new()),
            index: Index::default(),
            meaning,
            embedding: tokio::sync::watch::Sender::new(0),
            events,
            config,
        })
    }

    /// Returns once no server's tools are waiting for their embeddings (at once without a
    /// model): from then on selection ranks every indexed tool by meaning too.
    pub async fn embedded(&self) {
        let mut pending = self.embedding.subscribe();
        // The sender lives as long as `self`: the wait cannot see it closed.
        let _ = pending.wait_for(|servers| *servers == 0).await;
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
}
