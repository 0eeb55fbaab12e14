//! Per-tenant OAuth client configurations of integrations, and (connectors-ts) the OAuth
//! credentials invocations need. The client secret is stored but never returned.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use connectors::api::{SecretString, types};

struct Stored {
    public: types::OAuthConfigPublic,
    #[allow(dead_code)]
    secret: SecretString,
}

/// Configurations by (tenant, integration).
#[derive(Default)]
pub(crate) struct OAuthStore {
    configs: Mutex<BTreeMap<(String, String), Stored>>,
    /// (tenant, integration) pairs with stored OAuth credentials: set at start from
    /// `connectorsTs.oauthCredentials`, as the original's Vault would hold them; no route
    /// changes them, as none of the original's does.
    credentials: BTreeSet<(String, String)>,
}

impl OAuthStore {
    /// A store holding credentials for these (tenant, integration) pairs.
    pub fn with_credentials(pairs: impl IntoIterator<Item = (String, String)>) -> OAuthStore {
        OAuthStore {
            configs: Mutex::default(),
            credentials: pairs.into_iter().collect(),
        }
    }

    /// Whether OAuth credentials of `tenant` for `integration` are stored.
    pub fn has_credentials(&self, tenant: &str, integration: &str) -> bool {
        self.credentials
            .contains(&(tenant.to_string(), integration.to_string()))
    }

    /// Stores (or replaces) a configuration.
    pub fn put(&self, tenant: &str, integration: &str, request: types::OAuthConfigRequest) {
        let now = Utc::now();
        let key = (tenant.to_string(), integration.to_string());
        let mut configs = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
        let created_at = configs
            .get(&key)
            .and_then(|s| s.public.metadata.as_ref())
            .and_then(|m| m.created_at)
            .unwrap_or(now);
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
                created_at: Some(created_at),
                updated_at: Some(now),
                created_by: Some(tenant.to_string()),
                status: Some("active".into()),
                last_used_at: None,
            }),
        };
        configs.insert(
            key,
            Stored {
                public,
                secret: request.client_secret,
            },
        );
    }

    /// The public part of a configuration.
    pub fn get(&self, tenant: &str, integration: &str) -> Option<types::OAuthConfigPublic> {
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(tenant.to_string(), integration.to_string()))
            .map(|s| s.public.clone())
    }

    /// Deletes a configuration; false when there was none.
    pub fn delete(&self, tenant: &str, integration: &str) -> bool {
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(tenant.to_string(), integration.to_string()))
            .is_some()
    }

    /// Integrations the tenant configured, sorted.
    pub fn integrations(&self, tenant: &str) -> Vec<String> {
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .filter(|(t, _)| t == tenant)
            .map(|(_, i)| i.clone())
            .collect()
    }
}
