//! Deployment records across replicas (the Redis store): a deployment's state, and the
//! tail of its log, copied to Redis each time it changes (a step or the status), so that
//! `GET /mcp/deployments`, `/{id}` and `/{id}/logs` answer on every replica, not only on
//! the one that ran it. A tenant's records are one hash of its own, so a lookup reads only
//! the caller's records.
//!
//! Each change schedules a write that takes the deployment's state when it runs, one at a
//! time per deployment: writes never land out of order with an older state last.

use connectors::api::types;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use crate::store::{Redis, Unavailable, unavailable};

/// Log lines kept with a record: the newest.
pub(crate) const LOG_TAIL: usize = 500;

/// A deployment as another replica reads it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Record {
    pub deployment: types::Deployment,
    pub logs: Vec<types::LogLine>,
}

fn key(redis: &Redis, tenant: &str) -> Vec<u8> {
    redis.key("deployments", tenant.as_bytes())
}

/// Writes `record` as `tenant`'s deployment `id` (replacing the one before).
pub(crate) async fn write(
    redis: &Redis,
    tenant: &str,
    id: &str,
    record: &Record,
) -> Result<(), Unavailable> {
    let json = serde_json::to_string(record)
        .map_err(|e| Unavailable(format!("a deployment record could not be encoded: {e}")))?;
    let mut connection = redis.connection();
    connection
        .hset::<_, _, _, ()>(key(redis, tenant), id, json)
        .await
        .map_err(unavailable)
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
