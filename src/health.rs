//! Liveness, readiness, detailed health, service description and metrics.

use crate::api::prelude::*;
use crate::api::types;
use crate::client::Connectors;
use crate::error::Result;

/// The health area of the API; see [`Connectors::health`].
///
/// ```no_run
/// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
/// println!("{}", client.health().check().await?.status);
/// for check in client.health().detailed().await?.checks {
///     println!("{:<12} {}", check.name, check.status);
/// }
/// // A gateway that is not ready answers 503: Error::ServiceUnavailable.
/// client.health().ready().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Health<'a> {
    client: &'a Connectors,
}

impl<'a> Health<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Health { client }
    }

    /// Whether the gateway process is alive (`GET /health`).
    pub async fn check(&self) -> Result<types::Health> {
        Ok(self.client.send(|api| api.get_health().send()).await?.data)
    }

    /// The status of each dependency: registry, index, every MCP server.
    pub async fn detailed(&self) -> Result<types::DetailedHealth> {
        let health = self.client.send(|api| api.get_detailed_health().send());
        Ok(health.await?.data)
    }

    /// Readiness to serve traffic; not ready is [`crate::Error::ServiceUnavailable`].
    ///
    /// Sent once, without retries: a 503 here is the answer asked for, not a transient
    /// failure to wait out.
    pub async fn ready(&self) -> Result<types::Readiness> {
        let once = self
            .client
            .with_options(crate::RequestOptions::new().max_retries(0));
        Ok(once.send(|api| api.get_readiness().send()).await?.data)
    }

    /// The service's name, version and entry points (`GET /`).
    pub async fn info(&self) -> Result<types::ServiceInfo> {
        let info = self.client.send(|api| api.get_service_info().send());
        Ok(info.await?.data)
    }

    /// Request, latency and token-usage counters.
    pub async fn metrics(&self) -> Result<types::Metrics> {
        let metrics = self.client.send(|api| api.get_metrics().send());
        Ok(metrics.await?.data.metrics)
    }
}
