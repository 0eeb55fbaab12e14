//! Identities of the tenant: users, agents, groups and organizations.

use crate::api::prelude::*;
use crate::api::{IdentityType, builder, types};
use crate::client::Connectors;
use crate::error::{Error, Result};
use crate::pagination::Listing;

/// The identities area of the API; see [`Connectors::identities`].
///
/// ```no_run
/// use connectors::api::{IdentityType, types};
/// use futures::TryStreamExt;
///
/// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
/// let bot = client.identities().create(IdentityType::Agent, "release-bot").await?;
/// let agents: Vec<_> = client.identities().list().kind(IdentityType::Agent).stream().try_collect().await?;
/// println!("{} agents", agents.len());
/// client
///     .identities()
///     .update(&bot.id, types::UpdateIdentityRequest { description: Some("Opens release PRs".into()), ..Default::default() })
///     .await?;
/// client.identities().delete(&bot.id).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Identities<'a> {
    client: &'a Connectors,
}

impl<'a> Identities<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Identities { client }
    }

    /// Lists the tenant's identities: await it for one page, or call
    /// [`stream`](Listing::stream) for all of them.
    pub fn list(&self) -> ListIdentities<'a> {
        Listing::new(self.client, self.client.facade_api().list_identities())
    }

    /// Creates an identity with a type and a name.
    pub async fn create(
        &self,
        kind: IdentityType,
        name: impl Into<String>,
    ) -> Result<types::Identity> {
        let name = types::CreateIdentityRequestName::try_from(name.into())
            .map_err(|e| Error::invalid("name", e.to_string()))?;
        self.create_with(types::CreateIdentityRequest {
            type_: kind,
            name,
            email: None,
            description: None,
            members: Vec::new(),
            metadata: Default::default(),
        })
        .await
    }

    /// Creates an identity from a full request (members, email, metadata).
    pub async fn create_with(
        &self,
        request: types::CreateIdentityRequest,
    ) -> Result<types::Identity> {
        let created = self
            .client
            .send(|api| api.create_identity().body(request).send());
        Ok(created.await?.data)
    }

    /// One identity.
    pub async fn get(&self, id: impl Into<String>) -> Result<types::Identity> {
        let id = id.into();
        let identity = self
            .client
            .send(|api| api.get_identity().identity_id(id).send());
        Ok(identity.await?.data)
    }

    /// Changes an identity's name, email, description, members or metadata.
    pub async fn update(
        &self,
        id: impl Into<String>,
        changes: types::UpdateIdentityRequest,
    ) -> Result<types::Identity> {
        let id = id.into();
        let updated = self.client.send(|api| {
            let request = api.update_identity().identity_id(id);
            request.body(changes).send()
        });
        Ok(updated.await?.data)
    }

    /// Deletes an identity.
    pub async fn delete(&self, id: impl Into<String>) -> Result<types::DeletedIdentity> {
        let id = id.into();
        let deleted = self
            .client
            .send(|api| api.delete_identity().identity_id(id).send());
        Ok(deleted.await?.data)
    }
}

/// A listing of identities; see [`Identities::list`].
pub type ListIdentities<'a> = Listing<'a, builder::ListIdentities<'a>>;

impl<'a> ListIdentities<'a> {
    /// Only identities of this type.
    pub fn kind(self, kind: IdentityType) -> Self {
        self.filter(|r| r.type_(kind))
    }
}

crate::pagination::paged!(ListIdentities, types::Identity, identities);
