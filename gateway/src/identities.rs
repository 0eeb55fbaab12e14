//! Identities of a tenant: users, agents, groups and organizations (groups and
//! organizations list member identity ids).

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use connectors::api::types;

/// Identities by tenant, then by id.
#[derive(Default)]
pub(crate) struct Identities {
    by_tenant: Mutex<BTreeMap<String, BTreeMap<String, types::Identity>>>,
}

impl Identities {
    /// Creates an identity.
    pub fn create(&self, tenant: &str, request: types::CreateIdentityRequest) -> types::Identity {
        let now = Utc::now();
        let identity = types::Identity {
            id: format!("idn-{}", uuid::Uuid::new_v4().simple()),
            type_: request.type_,
            name: request.name.to_string(),
            email: request.email,
            description: request.description,
            members: request.members,
            metadata: request.metadata,
            tenant_id: Some(tenant.to_string()),
            created_at: Some(now),
            updated_at: Some(now),
        };
        self.by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(tenant.to_string())
            .or_default()
            .insert(identity.id.clone(), identity.clone());
        identity
    }

    /// The tenant's identities, oldest first.
    pub fn list(&self, tenant: &str) -> Vec<types::Identity> {
        let mut list: Vec<types::Identity> = self
            .by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(tenant)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        list.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        list
    }

    /// One identity.
    pub fn get(&self, tenant: &str, id: &str) -> Option<types::Identity> {
        self.by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(tenant)
            .and_then(|m| m.get(id))
            .cloned()
    }

    /// Applies a partial update.
    pub fn update(
        &self,
        tenant: &str,
        id: &str,
        update: types::UpdateIdentityRequest,
        members_given: bool,
        metadata_given: bool,
    ) -> Option<types::Identity> {
        let mut all = self
            .by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let identity = all.get_mut(tenant)?.get_mut(id)?;
        if let Some(name) = update.name {
            identity.name = name.to_string();
        }
        if update.email.is_some() {
            identity.email = update.email;
        }
        if update.description.is_some() {
            identity.description = update.description;
        }
        if members_given {
            identity.members = update.members;
        }
        if metadata_given {
            identity.metadata = update.metadata;
        }
        identity.updated_at = Some(Utc::now());
        Some(identity.clone())
    }

    /// Deletes an identity (and removes it from groups it belonged to).
    pub fn delete(&self, tenant: &str, id: &str) -> bool {
        let mut all = self
            .by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(identities) = all.get_mut(tenant) else {
            return false;
        };
        if identities.remove(id).is_none() {
            return false;
        }
        for other in identities.values_mut() {
            other.members.retain(|m| m != id);
        }
        true
    }
}
