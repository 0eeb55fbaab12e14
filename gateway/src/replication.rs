//! Custom servers across replicas (the Redis store). What a tenant deployed is desired
//! state, kept in Redis as the `mcp/add` request it came from; every replica runs the
//! servers of that state itself (MCP sessions stay per replica):
//!
//! * A deployment that reaches `running` records its request (one hash field per tenant
//!   and name); `DELETE /mcp/custom/{name}` takes it out before the server is stopped.
//! * Each replica reconciles once a second, and at once when it starts: a recorded server
//!   it does not run is started from its request (without a deployment record of its own,
//!   so tenants' deployment lists and events stay those of the replica that deployed), and
//!   a server it runs that it once saw recorded and that is no longer recorded is removed.
//!   A server deployed here but not yet recorded is never removed (it was never seen).
//!
//! Reconciling by reading the whole state, rather than by messages, needs nothing to be
//! delivered: a replica that was down, or a Redis that restarted, converges on the next
//! pass. The request holds the source's secrets (environment, headers, tokens), which
//! every replica needs to start the server: Redis is as sensitive as the config file.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use connectors::api::types;
use redis::AsyncCommands;
use tokio_util::sync::CancellationToken;

use crate::deployments::{Deployer, Deployments};
use crate::registry::{Registry, ServerKind};
use crate::server_records::{ServerId, record, recorded};
use crate::store::{Redis, Unavailable, unavailable};

/// How often a replica compares what it runs with the recorded servers.
const RECONCILE_EVERY: Duration = Duration::from_secs(1);

/// What one replica's reconciler remembers between passes.
#[derive(Default)]
struct Reconciler {
    /// Servers seen recorded: only these are removed when their record goes.
    seen: HashSet<ServerId>,
    /// The records as last read, to record again if Redis loses them.
    last: HashMap<ServerId, types::AddMcpServerRequest>,
    /// The store's epoch mark as this replica last saw it (see [`Reconciler::epoch`]).
    epoch: Option<String>,
    /// Servers this replica is starting from their records.
    starting: Arc<Mutex<HashSet<ServerId>>>,
}

/// What the reconciler works on: this replica's servers and deployments, and how it
/// deploys (the parts of the gateway's state it needs, not the state itself).
pub(crate) struct Replica {
    /// The servers this replica runs.
    pub registry: Arc<Registry>,
    /// This replica's deployments (a server still deploying is not started twice).
    pub deployments: Arc<Deployments>,
    /// Starts a recorded server from its request.
    pub deployer: Deployer,
}

/// Starts the reconciler of this replica; it runs until `stop`.
pub(crate) fn spawn(state: Replica, redis: Redis, stop: CancellationToken) {
    tokio::spawn(async move {
        let mut reconciler = Reconciler::default();
        loop {
            if let Err(e) = reconciler.pass(&state, &redis).await {
                tracing::debug!(reason = %e.0, "custom servers not reconciled this time");
            }
            tokio::select! {
                _ = tokio::time::sleep(RECONCILE_EVERY) => {}
                _ = stop.cancelled() => return,
            }
        }
    });
}

impl Reconciler {
    /// Tells a Redis that lost its data (restarted without persistence) from one whose
    /// tenants removed every server: a mark with a random value, set by whichever replica
    /// finds none and never removed. A mark other than the one this replica saw means the
    /// records are gone, not removed; the records this replica last read are written
    /// again, so that no replica takes the loss for removals and stops every server.
    async fn epoch(&mut self, redis: &Redis) -> Result<(), Unavailable> {
        let key = redis.key("epoch", b"");
        let mut connection = redis.connection();
        let mut mark: Option<String> = connection.get(&key).await.map_err(unavailable)?;
        if mark.is_none() {
            let _: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(uuid::Uuid::new_v4().to_string())
                .arg("NX")
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            mark = connection.get(&key).await.map_err(unavailable)?;
        }
        if self.epoch.is_some() && mark != self.epoch && !self.last.is_empty() {
            tracing::warn!(
                servers = self.last.len(),
                "the shared store lost its records of custom servers; recording again those this replica knew"
            );
            for ((tenant, _), request) in &self.last {
                record(redis, tenant, request).await?;
            }
        }
        self.epoch = mark;
        Ok(())
    }

    async fn pass(&mut self, state: &Replica, redis: &Redis) -> Result<(), Unavailable> {
        self.epoch(redis).await?;
        let desired = recorded(redis).await?;
        // Redis lost its data between the two reads: the next pass records it again.
        let mark: Option<String> = redis
            .connection()
            .get(redis.key("epoch", b""))
            .await
            .map_err(unavailable)?;
        if mark != self.epoch {
            return Ok(());
        }
        let running: HashMap<ServerId, _> = state
            .registry
            .all()
            .into_iter()
            .filter(|s| s.kind == ServerKind::Custom)
            .filter_map(|s| Some(((s.tenant.clone()?, s.name.clone()), s)))
            .collect();
        for (id, request) in &desired {
            self.seen.insert(id.clone());
            let (tenant, name) = id;
            if running.contains_key(id) || !state.deployments.unfinished(tenant, name).is_empty() {
                continue;
            }
            if !self
                .starting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id.clone())
            {
                continue;
            }
            tracing::info!(%tenant, server = %name, "starting a server deployed on another replica");
            let deployment = state.deployments.detached(name, tenant, &request.source);
            let (deployer, request, starting, id) = (
                state.deployer.clone(),
                request.clone(),
                self.starting.clone(),
                id.clone(),
            );
            tokio::spawn(async move {
                deployer.replicate(deployment, request).await;
                starting
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
            });
        }
        self.last = desired.clone();
        for (id, server) in running {
            if self.seen.contains(&id) && !desired.contains_key(&id) {
                tracing::info!(tenant = %id.0, server = %id.1, "removing a server removed on another replica");
                state.registry.remove(&server);
                self.seen.remove(&id);
            }
        }
        Ok(())
    }
}
