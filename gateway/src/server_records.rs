//! The custom servers tenants deployed, as recorded in Redis for every replica (see
//! [`crate::replication`], which runs them): one hash field per tenant and server, holding
//! the `mcp/add` request it came from. Below both the deployments, which record a server
//! once it runs, and the reconciler that reads the records, so that neither needs the other.

use std::collections::HashMap;

use connectors::api::types;
use redis::AsyncCommands;

use crate::store::{Redis, Unavailable, unavailable};

/// A server as `(tenant, name)`.
pub(crate) type ServerId = (String, String);

/// The hash field of a tenant's server: no tenant id or server name holds a line break.
fn field(tenant: &str, name: &str) -> String {
    format!("{tenant}\n{name}")
}

fn servers_key(redis: &Redis) -> Vec<u8> {
    redis.key("custom-servers", b"")
}

/// Records that `tenant` runs the server of `request` (its deployment is running).
pub(crate) async fn record(
    redis: &Redis,
    tenant: &str,
    request: &types::AddMcpServerRequest,
) -> Result<(), Unavailable> {
    let json = serde_json::to_string(request)
        .map_err(|e| Unavailable(format!("a server request could not be encoded: {e}")))?;
    let mut connection = redis.connection();
    connection
        .hset::<_, _, _, ()>(servers_key(redis), field(tenant, &request.name), json)
        .await
        .map_err(unavailable)
}

/// Takes `tenant`'s server `name` out of the recorded servers.
pub(crate) async fn forget(redis: &Redis, tenant: &str, name: &str) -> Result<(), Unavailable> {
    let mut connection = redis.connection();
    connection
        .hdel::<_, _, ()>(servers_key(redis), field(tenant, name))
        .await
        .map_err(unavailable)
}

/// The recorded servers.
pub(crate) async fn recorded(
    redis: &Redis,
) -> Result<HashMap<ServerId, types::AddMcpServerRequest>, Unavailable> {
    let mut connection = redis.connection();
    let all: HashMap<String, String> = connection
        .hgetall(servers_key(redis))
        .await
        .map_err(unavailable)?;
    let mut servers = HashMap::new();
    for (field, json) in all {
        let Some((tenant, name)) = field.split_once('\n') else {
            continue;
        };
        match serde_json::from_str::<types::AddMcpServerRequest>(&json) {
            Ok(request) => {
                servers.insert((tenant.to_string(), name.to_string()), request);
            }
            // Written by another version: skipped, and said at each pass. Only the kind of
            // error is logged: serde's text may quote a value, and the sources hold secrets.
            Err(e) => {
                tracing::warn!(%tenant, server = %name, error = ?e.classify(), "a recorded server cannot be read")
            }
        }
    }
    Ok(servers)
}
