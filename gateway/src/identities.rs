//! Identities of a tenant: users, agents, groups and organizations (groups and
//! organizations list member identity ids). They live in this process's memory, or in the
//! Redis of `--store` where every replica sees the same ones.

#[cfg(feature = "redis")]
mod redis;

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use connectors::api::types;

use crate::store::{Shared, Unavailable};

/// The identities of every tenant, where the gateway's store keeps them.
pub(crate) enum Identities {
    /// In this process.
    Memory(MemoryIdentities),
    /// In the Redis the replicas share.
    #[cfg(feature = "redis")]
    Redis(redis::RedisIdentities),
}

/// What [`Identities::create`] did.
pub(crate) enum Created {
    /// The new identity (boxed: it is large, the other variant empty).
    New(Box<types::Identity>),
    /// The tenant already has an identity of this type and name; nothing was created.
    NameTaken,
}

/// A partial update, and which of its optional lists and maps the body gave (a given
/// empty value clears them, an absent one leaves them).
pub(crate) struct Update {
    pub request: types::UpdateIdentityRequest,
    pub members_given: bool,
    pub metadata_given: bool,
}

impl Identities {
    /// The identities of the store `shared` (empty in memory; in Redis, whatever the
    /// replicas have written).
    pub fn new(shared: &Shared) -> Identities {
        match shared {
            Shared::Memory => Identities::Memory(MemoryIdentities::default()),
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => Identities::Redis(redis::RedisIdentities::new(redis.clone())),
        }
    }

    /// Creates an identity, unless the tenant has one of the same type and name.
    pub async fn create(
        &self,
        tenant: &str,
        request: types::CreateIdentityRequest,
    ) -> Result<Created, Unavailable> {
        let identity = new_identity(tenant, request);
        match self {
            Identities::Memory(memory) => Ok(memory.create(tenant, identity)),
            #[cfg(feature = "redis")]
            Identities::Redis(redis) => redis.create(tenant, identity).await,
        }
    }

    /// The tenant's identities, oldest first (by creation time, then id).
    pub async fn list(&self, tenant: &str) -> Result<Vec<types::Identity>, Unavailable> {
        let mut list = match self {
            Identities::Memory(memory) => memory.list(tenant),
            #[cfg(feature = "redis")]
            Identities::Redis(redis) => redis.list(tenant).await?,
        };
        list.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(list)
    }

    /// One identity.
    pub async fn get(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<types::Identity>, Unavailable> {
        match self {
            Identities::Memory(memory) => Ok(memory.get(tenant, id)),
            #[cfg(feature = "redis")]
            Identities::Redis(redis) => redis.get(tenant, id).await,
        }
    }

    /// Applies a partial update; `None` when there is no such identity.
    pub async fn update(
        &self,
        tenant: &str,
        id: &str,
        update: Update,
    ) -> Result<Option<types::Identity>, Unavailable> {
        match self {
            Identities::Memory(memory) => Ok(memory.modify(tenant, id, |i| apply(i, &update))),
            #[cfg(feature = "redis")]
            Identities::Redis(redis) => redis.modify(tenant, id, |i| apply(i, &update)).await,
        }
    }

    /// Deletes an identity (and removes it from groups it belonged to); false when there
    /// was none.
    pub async fn delete(&self, tenant: &str, id: &str) -> Result<bool, Unavailable> {
        match self {
            Identities::Memory(memory) => Ok(memory.delete(tenant, id)),
            #[cfg(feature = "redis")]
            Identities::Redis(redis) => redis.delete(tenant, id).await,
        }
    }
}

/// The identity a create request makes (a fresh id, stamped now).
fn new_identity(tenant: &str, request: types::CreateIdentityRequest) -> types::Identity {
    let now = Utc::now();
    types::Identity {
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
    }
}

/// Whether `a` and `b` clash: the same type and name.
fn same_name(a: &types::Identity, b: &types::Identity) -> bool {
    a.name == b.name && a.type_ == b.type_
}

/// Applies `update` to `identity` (it may be applied again to a newer copy, so it takes
/// the update by reference).
fn apply(identity: &mut types::Identity, update: &Update) {
    let request = &update.request;
    if let Some(name) = &request.name {
        identity.name = name.to_string();
    }
    if request.email.is_some() {
        identity.email.clone_from(&request.email);
    }
    if request.description.is_some() {
        identity.description.clone_from(&request.description);
    }
    if update.members_given {
        identity.members.clone_from(&request.members);
    }
    if update.metadata_given {
        identity.metadata.clone_from(&request.metadata);
    }
    identity.updated_at = Some(Utc::now());
}

/// Identities in this process: by tenant, then by id.
#[derive(Default)]
pub(crate) struct MemoryIdentities {
    by_tenant: Mutex<BTreeMap<String, BTreeMap<String, types::Identity>>>,
}

impl MemoryIdentities {
    fn create(&self, tenant: &str, identity: types::Identity) -> Created {
        let mut all = self
            .by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let identities = all.entry(tenant.to_string()).or_default();
        // Checked under the same lock as the insert, so two creates cannot both pass.
        if identities.values().any(|other| same_name(other, &identity)) {
            return Created::NameTaken;
        }
        identities.insert(identity.id.clone(), identity.clone());
        Created::New(Box::new(identity))
    }

    fn list(&self, tenant: &str) -> Vec<types::Identity> {
        self.by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(tenant)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    fn get(&self, tenant: &str, id: &str) -> Option<types::Identity> {
        self.by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(tenant)
            .and_then(|m| m.get(id))
            .cloned()
    }

    fn modify(
        &self,
        tenant: &str,
        id: &str,
        change: impl FnOnce(&mut types::Identity),
    ) -> Option<types::Identity> {
        let mut all = self
            .by_tenant
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let identity = all.get_mut(tenant)?.get_mut(id)?;
        change(identity);
        Some(identity.clone())
    }

    fn delete(&self, tenant: &str, id: &str) -> bool {
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
