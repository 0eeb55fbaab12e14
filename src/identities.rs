//! Identities of the tenant: users, agents, groups and organizations.

use crate::api::prelude::*;
use crate::api::{IdentityType, types};
use crate::client::Connectors;
use crate::error::{Error, Result};
use crate::pagination::{DEFAULT_PAGE_SIZE, Page, all_items};
use crate::tools::ItemStream;

/// The identities area of the API; see [`Connectors::identities`].
///
/// Identities are an extension of the spec: a gateway without their routes (the original
/// one) answers every call with [`Error::NotOffered`].
///
/// ```no_run
/// use connectors::api::{IdentityType, types};
///
/// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
/// let bot = client.identities().create(IdentityType::Agent, "release-bot").await?;
/// let page = client.identities().list(Some(IdentityType::Agent), None, None).await?;
/// println!("{} agents", page.total);
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

    /// One page of identities, optionally of one type.
    pub async fn list(
        &self,
        kind: Option<IdentityType>,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<Page<types::Identity>> {
        identity_page(self.client, kind, limit, offset).await
    }

    /// Every identity (optionally of one type), across pages.
    pub fn stream(&self, kind: Option<IdentityType>) -> ItemStream<types::Identity> {
        let client = self.client.clone();
        Box::pin(all_items(0, DEFAULT_PAGE_SIZE, move |offset, limit| {
            let client = client.clone();
            let kind = kind.clone();
            async move { identity_page(&client, kind, Some(limit), Some(offset)).await }
        }))
    }

    /// Creates an identity with a type and a name.
    pub async fn create(&self, kind: IdentityType, name: &str) -> Result<types::Identity> {
        let name = types::CreateIdentityRequestName::try_from(name.to_string())
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
        let call = self.client.call();
        let response = call.api.create_identity().body(request).send().await;
        Ok(call.finish(response).await?.data)
    }

    /// One identity.
    pub async fn get(&self, id: &str) -> Result<types::Identity> {
        let call = self.client.call();
        let response = call.api.get_identity().identity_id(id).send().await;
        Ok(call.finish(response).await?.data)
    }

    /// Changes an identity's name, email, description, members or metadata.
    pub async fn update(
        &self,
        id: &str,
        changes: types::UpdateIdentityRequest,
    ) -> Result<types::Identity> {
        let call = self.client.call();
        let response = call
            .api
            .update_identity()
            .identity_id(id)
            .body(changes)
            .send()
            .await;
        Ok(call.finish(response).await?.data)
    }

    /// Deletes an identity.
    pub async fn delete(&self, id: &str) -> Result<types::DeletedIdentity> {
        let call = self.client.call();
        let response = call.api.delete_identity().identity_id(id).send().await;
        Ok(call.finish(response).await?.data)
    }
}

async fn identity_page(
    client: &Connectors,
    kind: Option<IdentityType>,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Page<types::Identity>> {
    let call = client.call();
    let mut request = call.api.list_identities();
    if let Some(kind) = kind {
        request = request.type_(kind);
    }
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    if let Some(offset) = offset {
        request = request.offset(offset);
    }
    let response = request.send().await;
    let page = call.finish(response).await?.data;
    Ok(Page::new(page.identities, page.pagination))
}
