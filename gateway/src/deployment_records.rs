//! Deployment records across replicas (the Redis store): a deployment's state, and the
//! tail of its log, copied to Redis each time it changes (a step or the status), so that
//! `GET /mcp/deployments`, `/{id}` and `/{id}/logs` answer on every replica, not only on
//! the one that ran it. A tenant's records are one hash of its own, so a lookup reads only
//! the caller's records.
//!
//! Each change schedules a write that takes the deployment's state when it runs, one at a
//! time per deployment: writes never land out of order with an older state last.

use std::sync::Arc;

use connectors::api::types;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use crate::deployments::Deployment;
use crate::store::{Redis, Unavailable, unavailable};

/// Log lines kept with a record: the newest.
const LOG_TAIL: usize = 500;

/// A deployment as another replica reads it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Record {
    pub deployment: types::Deployment,
    pub logs: Vec<types::LogLine>,
}

fn key(redis: &Redis, tenant: &str) -> Vec<u8> {
    redis.key("deployments", tenant.as_bytes())
}

/// Copies `deployment`'s current state to Redis (in a task of its own; a failure is
/// logged: the record is stale until the next change).
pub(crate) fn mirror(redis: &Redis, deployment: &Arc<Deployment>) {
    let (redis, deployment) = (redis.clone(), deployment.clone());
    tokio::spawn(async move {
        // One write at a time per deployment, each of the state at that moment.
        let _turn = deployment.mirror_turn().lock().await;
        let record = Record {
            deployment: deployment.to_wire(),
            logs: deployment.logs(None, LOG_TAIL),
        };
        let Ok(json) = serde_json::to_string(&record) else {
            return;
        };
        let mut connection = redis.connection();
        let written: Result<(), _> = connection
            .hset(key(&redis, &deployment.tenant), &deployment.id, json)
            .await;
        if let Err(e) = written {
            tracing::debug!(deployment = %deployment.id, reason = %unavailable(e).0, "a deployment record was not copied to the shared store");
        }
    });
}

/// `tenant`'s deployment `id`, as last copied by whichever replica ran it.
pub(crate) async fn get(
    redis: &Redis,
    tenant: &str,
    id: &str,
) -> Result<Option<Record>, Unavailable> {
    let mut connection = redis.connection();
    let json: Option<String> = connection
        .hget(key(redis, tenant), id)
        .await
        .map_err(unavailable)?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Every deployment record of `tenant`.
pub(crate) async fn list(redis: &Redis, tenant: &str) -> Result<Vec<Record>, Unavailable> {
    let mut connection = redis.connection();
    let all: Vec<String> = connection
        .hvals(key(redis, tenant))
        .await
        .map_err(unavailable)?;
    Ok(all
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect())
}
