//! Per-tenant OAuth client configurations of integrations, and (connectors-ts) the OAuth
//! credentials invocations need. The client secret is stored but never returned, logged
//! or put in an error: it is held as a [`SecretString`] (whose `Debug` hides it), and
//! only the Redis backend exposes it, to write it into the record every replica reads.
//! The configurations live in this process's memory, or in the Redis of `--store`.

#[cfg(feature = "redis")]
mod redis;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use connectors::api::{SecretString, types};

use crate::store::{Shared, Unavailable};

/// A configuration as stored: its public part and its secret.
struct Stored {
    public: types::OAuthConfigPublic,
    /// Kept, as the original's Vault keeps it; no route of the gateway reads it back (in
    /// memory; the Redis backend writes it into the shared record).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    secret: SecretString,
}

/// Configurations by (tenant, integration), and the stored credentials.
pub(crate) struct OAuthStore {
    configs: Configs,
    /// (tenant, integration) pairs with stored OAuth credentials: set at start from
    /// `connectorsTs.oauthCredentials`, as the original's Vault would hold them; no route
    /// changes them, as none of the original's does.
    credentials: BTreeSet<(String, String)>,
}

/// Where the configurations live.
enum Configs {
    /// In this process.
    Memory(Mutex<BTreeMap<(String, String), Stored>>),
    /// In the Redis the replicas share.
    #[cfg(feature = "redis")]
    Redis(redis::RedisConfigs),
}

impl OAuthStore {
    /// The configurations of the store `shared`, with credentials for these (tenant,
    /// integration) pairs.
    pub fn new(shared: &Shared, pairs: impl IntoIterator<Item = (String, String)>) -> OAuthStore {
        let configs = match shared {
            Shared::Memory => Configs::Memory(Mutex::default()),
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => Configs::Redis(redis::RedisConfigs::new(redis.clone())),
        };
        OAuthStore {
            configs,
            credentials: pairs.into_iter().collect(),
        }
    }

    /// Whether OAuth credentials of `tenant` for `integration` are stored.
    pub fn has_credentials(&self, tenant: &str, integration: &str) -> bool {
        self.credentials
            .contains(&(tenant.to_string(), integration.to_string()))
    }

    /// Stores (or replaces) a configuration; a replaced one keeps its creation time.
    pub async fn put(
        &self,
        tenant: &str,
        integration: &str,
        request: types::OAuthConfigRequest,
    ) -> Result<(), Unavailable> {
        match &self.configs {
            Configs::Memory(configs) => {
                let key = (tenant.to_string(), integration.to_string());
                let mut configs = configs.lock().unwrap_or_else(PoisonError::into_inner);
                let created_at = configs.get(&key).and_then(|s| created_at(&s.public));
                let stored = stored(tenant, integration, request, created_at);
                configs.insert(key, stored);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Configs::Redis(redis) => redis.put(tenant, integration, request).await,
        }
    }

    /// The public part of a configuration.
    pub async fn get(
        &self,
        tenant: &str,
        integration: &str,
    ) -> Result<Option<types::OAuthConfigPublic>, Unavailable> {
        match &self.configs {
            Configs::Memory(configs) => Ok(configs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&(tenant.to_string(), integration.to_string()))
                .map(|s| s.public.clone())),
            #[cfg(feature = "redis")]
            Configs::Redis(redis) => redis.get(tenant, integration).await,
        }
    }

    /// Deletes a configuration; false when there was none.
    pub async fn delete(&self, tenant: &str, integration: &str) -> Result<bool, Unavailable> {
        match &self.configs {
            Configs::Memory(configs) => Ok(configs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&(tenant.to_string(), integration.to_string()))
                .is_some()),
            #[cfg(feature = "redis")]
            Configs::Redis(redis) => redis.delete(tenant, integration).await,
        }
    }

    /// Integrations the tenant configured, sorted.
    pub async fn integrations(&self, tenant: &str) -> Result<Vec<String>, Unavailable> {
        match &self.configs {
            Configs::Memory(configs) => Ok(configs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .keys()
                .filter(|(t, _)| t == tenant)
                .map(|(_, i)| i.clone())
                .collect()),
            #[cfg(feature = "redis")]
            Configs::Redis(redis) => redis.integrations(tenant).await,
        }
    }
}

/// When a stored configuration was first stored.
fn created_at(public: &types::OAuthConfigPublic) -> Option<DateTime<Utc>> {
    public.metadata.as_ref().and_then(|m| m.created_at)
}

/// The configuration `request` stores, created at `created_at` (now for a new one).
fn stored(
    tenant: &str,
    integration: &str,
    request: types::OAuthConfigRequest,
    created_at: Option<DateTime<Utc>>,
) -> Stored {
    let now = Utc::now();
    let public = types::OAuthConfigPublic {
        tenant_id: Some(tenant.to_string()),
        integration: Some(integration.to_string()),
        client_id: Some(request.client_id.to_string()),
        redirect_uri: Some(request.redirect_uri.to_string()),
        auth_endpoint: Some(request.auth_endpoint.to_string()),
        token_endpoint: Some(request.token_endpoint.to_string()),
        scopes: request.scopes.into_iter().map(|s| s.to_string()).collect(),
        additional_params: request.additional_params,
        metadata: Some(types::OAuthConfigMetadata {
            created_at: Some(created_at.unwrap_or(now)),
            updated_at: Some(now),
            created_by: Some(tenant.to_string()),
            status: Some("active".into()),
            last_used_at: None,
        }),
    };
    Stored {
        public,
        secret: request.client_secret,
    }
}
