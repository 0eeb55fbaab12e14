//! OAuth configurations in Redis: one hash per tenant (`cgw:oauth:TENANT`), field =
//! integration, value = JSON `{"config": <the public part>, "clientSecret": "…"}`, so every
//! replica reads the same configurations.
//!
//! The secret is in the record because the feature needs it stored (Redis is the store the
//! operator chose; protect it like any credential store). It is written from a
//! [`SecretString`] and never read back here: reads decode the public part only, and the
//! errors and logs of this module name the tenant and integration at most, never a value.
//! A replace keeps the creation time of the record it replaces, by compare-and-set.

use connectors::api::{SecretString, types};
use serde::{Deserialize, Serialize};

use super::{Stored, created_at, stored};
use crate::store::{Redis, Unavailable};
use crate::tenant_hash::{MAX_SWAPS, TenantHash, contended};

/// A record as written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Written<'a> {
    config: &'a types::OAuthConfigPublic,
    client_secret: &'a SecretString,
}

/// A record as read: the public part only (the secret is left in Redis).
#[derive(Deserialize)]
struct Read {
    config: types::OAuthConfigPublic,
}

/// The OAuth configurations of every tenant in Redis.
pub(crate) struct RedisConfigs {
    hash: TenantHash,
}

impl RedisConfigs {
    /// The configurations in `redis`.
    pub fn new(redis: Redis) -> RedisConfigs {
        RedisConfigs {
            hash: TenantHash::new(redis, "oauth"),
        }
    }

    /// Stores (or replaces, keeping its creation time) a configuration.
    pub async fn put(
        &self,
        tenant: &str,
        integration: &str,
        request: types::OAuthConfigRequest,
    ) -> Result<(), Unavailable> {
        for _ in 0..MAX_SWAPS {
            let before = self.hash.get(tenant, integration).await?;
            let created = before
                .as_deref()
                .and_then(|json| decode(integration, json))
                .and_then(|public| created_at(&public));
            let record = encode(&stored(tenant, integration, request.clone(), created))?;
            if self
                .hash
                .swap(tenant, integration, before.as_deref(), &record)
                .await?
            {
                return Ok(());
            }
        }
        Err(contended())
    }

    /// The public part of a configuration.
    pub async fn get(
        &self,
        tenant: &str,
        integration: &str,
    ) -> Result<Option<types::OAuthConfigPublic>, Unavailable> {
        Ok(self
            .hash
            .get(tenant, integration)
            .await?
            .and_then(|json| decode(integration, &json)))
    }

    /// Deletes a configuration; false when there was none.
    pub async fn delete(&self, tenant: &str, integration: &str) -> Result<bool, Unavailable> {
        self.hash.remove(tenant, integration).await
    }

    /// The integrations the tenant configured, sorted.
    pub async fn integrations(&self, tenant: &str) -> Result<Vec<String>, Unavailable> {
        let mut integrations = self.hash.ids(tenant).await?;
        integrations.sort();
        Ok(integrations)
    }
}

/// The JSON written for `stored` (the one place the secret is exposed: to Redis).
fn encode(stored: &Stored) -> Result<Vec<u8>, Unavailable> {
    serde_json::to_vec(&Written {
        config: &stored.public,
        client_secret: &stored.secret,
    })
    // Serializing these types cannot fail; the message names no value anyway.
    .map_err(|_| Unavailable("an OAuth configuration could not be encoded".into()))
}

/// The public part of the record `json`; one this gateway cannot read is treated as absent,
/// and said so in the log (with the error's category only: its text may quote the record).
fn decode(integration: &str, json: &[u8]) -> Option<types::OAuthConfigPublic> {
    match serde_json::from_slice::<Read>(json) {
        Ok(read) => Some(read.config),
        Err(e) => {
            tracing::warn!(%integration, error = ?e.classify(), "an OAuth configuration in Redis cannot be read; it is treated as absent");
            None
        }
    }
}
