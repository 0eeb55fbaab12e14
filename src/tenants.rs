//! A tenant's integrations and their OAuth client configuration.
//!
//! The gateway keeps one OAuth client (id, secret, endpoints) per tenant and integration,
//! which it uses to obtain tokens when a tool of that integration is invoked. The client
//! secret goes in as a [`SecretString`](crate::api::SecretString) and never comes back:
//! reads show the public part only.

use crate::api::prelude::*;
use crate::api::types;
use crate::client::Connectors;
use crate::error::{Error, Result};

/// The tenants area of the API; see [`Connectors::tenants`].
///
/// Calls apply to the client's own tenant (`CONNECTORS_TENANT_ID`) unless
/// [`Tenants::tenant`] names another one.
///
/// ```no_run
/// use connectors::api::types::OAuthConfigRequest;
///
/// # async fn run(client: connectors::Connectors) -> Result<(), Box<dyn std::error::Error>> {
/// let request = OAuthConfigRequest::builder()
///     .client_id("Iv1.0123456789abcdef")
///     .client_secret("shh, do not log me")
///     .redirect_uri("https://agents.example.com/oauth/callback")
///     .auth_endpoint("https://github.com/login/oauth/authorize")
///     .token_endpoint("https://github.com/login/oauth/access_token")
///     .scopes(vec!["repo".parse()?]);
/// client.tenants().oauth_config("github").set(request.try_into()?).await?;
///
/// let integrations = client.tenants().integrations().await?;
/// println!("configured: {:?}", integrations.integrations);
/// let view = client.tenants().oauth_config("github").get().await?;
/// println!("client id {:?}", view.config.client_id);
/// client.tenants().oauth_config("github").delete().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Tenants<'a> {
    client: &'a Connectors,
    tenant: Option<String>,
}

impl<'a> Tenants<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Tenants {
            client,
            tenant: None,
        }
    }

    /// The same calls for `tenant_id` instead of the client's tenant (the API key must be
    /// allowed to manage it).
    pub fn tenant(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant = Some(tenant_id.into());
        self
    }

    fn tenant_id(&self, what: &str) -> Result<String> {
        match &self.tenant {
            Some(tenant) if tenant.is_empty() => Err(Error::invalid("tenant_id", "is empty")),
            Some(tenant) => Ok(tenant.clone()),
            None => self.client.require_tenant(what),
        }
    }

    /// The integrations the tenant has an OAuth configuration for.
    pub async fn integrations(&self) -> Result<types::TenantIntegrations> {
        let tenant = self.tenant_id("listing integrations")?;
        let integrations = self
            .client
            .send(|api| api.list_tenant_integrations().tenant_id(tenant).send());
        Ok(integrations.await?.data)
    }

    /// The OAuth configuration of one integration (`github`, `slack`, ...).
    pub fn oauth_config(&self, integration: impl Into<String>) -> OAuthConfig<'a> {
        OAuthConfig {
            tenants: self.clone(),
            integration: integration.into(),
        }
    }

    /// Health of the gateway's OAuth configuration service (its secret store).
    pub async fn oauth_health(&self) -> Result<types::OAuthServiceHealth> {
        let health = self.client.send(|api| api.get_oauth_config_health().send());
        Ok(health.await?.data)
    }
}

/// The OAuth configuration of one tenant and integration; see [`Tenants::oauth_config`].
#[derive(Debug, Clone)]
pub struct OAuthConfig<'a> {
    tenants: Tenants<'a>,
    integration: String,
}

impl OAuthConfig<'_> {
    fn target(&self, what: &str) -> Result<(String, String)> {
        let tenant = self.tenants.tenant_id(what)?;
        let integration = &self.integration;
        // The gateway's pattern for integration names; checked here so the mistake is
        // reported before a request is sent.
        if integration.len() > 64 || !crate::tools::is_integration_name(integration) {
            return Err(Error::invalid(
                "integration",
                format!("`{integration}` is not an integration name (1 to 64 of a-z 0-9 -)"),
            ));
        }
        Ok((tenant, integration.clone()))
    }

    /// The stored configuration, without its client secret.
    pub async fn get(&self) -> Result<types::OAuthConfigView> {
        let (tenant, integration) = self.target("reading an OAuth configuration")?;
        let config = self.tenants.client.send(|api| {
            let request = api.get_oauth_config().tenant_id(tenant);
            request.integration(integration).send()
        });
        Ok(config.await?.data)
    }

    /// Creates or replaces the configuration.
    ///
    /// A client secret shorter than the spec's minimum (16 characters) is refused before
    /// sending, with [`Error::InvalidInput`].
    pub async fn set(&self, config: types::OAuthConfigRequest) -> Result<types::OAuthConfigChange> {
        let (tenant, integration) = self.target("storing an OAuth configuration")?;
        let min = crate::api::limits::OAUTH_CLIENT_SECRET_MIN_LENGTH;
        if config.client_secret.expose().chars().count() < min {
            return Err(crate::Error::invalid(
                "client_secret",
                format!("the gateway needs at least {min} characters"),
            ));
        }
        let stored = self.tenants.client.send(|api| {
            let request = api.create_oauth_config().tenant_id(tenant);
            request.integration(integration).body(config).send()
        });
        Ok(stored.await?.data)
    }

    /// Deletes the configuration.
    pub async fn delete(&self) -> Result<types::OAuthConfigChange> {
        let (tenant, integration) = self.target("deleting an OAuth configuration")?;
        let deleted = self.tenants.client.send(|api| {
            let request = api.delete_oauth_config().tenant_id(tenant);
            request.integration(integration).send()
        });
        Ok(deleted.await?.data)
    }
}
