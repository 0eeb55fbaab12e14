//! Deployments of custom MCP servers: status, logs, waiting until ready, events.

use std::time::{Duration, Instant};

use crate::api::prelude::*;
use crate::api::{DeploymentStatus, builder, types};
use crate::client::Connectors;
use crate::error::{Error, Result};
use crate::events::{EventStream, GatewayEvent};
use crate::pagination::Listing;

/// How often [`Deployment::wait_until_ready`] asks for the status by default.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The first pause of [`Deployment::wait_until_ready`]; pauses double up to the interval.
const FIRST_POLL_PAUSE: Duration = Duration::from_millis(100);
/// Log lines kept in [`Error::Deployment`].
const LAST_LOG_LINES: u64 = 20;

/// The deployments area of the API; see [`Connectors::deployments`].
#[derive(Debug, Clone, Copy)]
pub struct Deployments<'a> {
    client: &'a Connectors,
}

impl<'a> Deployments<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Deployments { client }
    }

    /// A handle on the deployment `id`; no request is made until it is used.
    pub fn deployment(&self, id: impl Into<String>) -> Deployment {
        Deployment {
            client: self.client.clone(),
            id: id.into(),
            name: None,
            accepted: None,
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// The status and progress of the deployment `id` (as [`Deployment::status`]).
    pub async fn get(&self, id: impl Into<String>) -> Result<types::Deployment> {
        self.deployment(id).status().await
    }

    /// Lists the tenant's deployments, newest first: await it for one page, or call
    /// [`stream`](Listing::stream) for all of them.
    ///
    /// ```no_run
    /// use connectors::api::DeploymentStatus;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let failed = client.deployments().list().status(DeploymentStatus::Failed).page_size(20).await?;
    /// for deployment in failed {
    ///     println!("{} {:?}", deployment.deployment_id, deployment.error);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListDeployments<'a> {
        Listing::new(self.client, self.client.facade_api().list_deployments())
    }
}

/// A listing of deployments; see [`Deployments::list`].
pub type ListDeployments<'a> = Listing<'a, builder::ListDeployments<'a>>;

impl<'a> ListDeployments<'a> {
    /// Only deployments in this status.
    pub fn status(self, status: DeploymentStatus) -> Self {
        self.filter(|r| r.status(status))
    }
}

crate::pagination::paged!(ListDeployments, types::Deployment, deployments);

/// A deployment of a custom MCP server.
#[derive(Debug, Clone)]
pub struct Deployment {
    client: Connectors,
    id: String,
    name: Option<String>,
    accepted: Option<types::DeploymentAccepted>,
    poll_interval: Duration,
}

impl Deployment {
    pub(crate) fn accepted(
        client: Connectors,
        name: Option<String>,
        accepted: types::DeploymentAccepted,
    ) -> Self {
        Deployment {
            client,
            id: accepted.deployment_id.clone(),
            name,
            accepted: Some(accepted),
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// The deployment id (`dep-<uuid>`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The server being deployed, when this handle started the deployment.
    pub fn server_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// What the gateway answered when it accepted the deployment (status, estimated time).
    pub fn accepted_as(&self) -> Option<&types::DeploymentAccepted> {
        self.accepted.as_ref()
    }

    /// The longest pause between two status requests of [`Self::wait_until_ready`]
    /// (default 1 s); the first pauses are shorter, so a quick deployment is seen quickly.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The current status and progress.
    pub async fn status(&self) -> Result<types::Deployment> {
        let status = self
            .client
            .send(|api| api.get_deployment().deployment_id(&self.id).send());
        Ok(status.await?.data)
    }

    /// The deployment's log lines, oldest first (the gateway keeps the newest 200 by default).
    pub async fn logs(&self) -> Result<Vec<types::LogLine>> {
        self.logs_of(None).await
    }

    /// At most the newest `limit` log lines, oldest first.
    pub async fn logs_tail(&self, limit: u64) -> Result<Vec<types::LogLine>> {
        self.logs_of(Some(limit)).await
    }

    async fn logs_of(&self, limit: Option<u64>) -> Result<Vec<types::LogLine>> {
        let id = &self.id;
        let logs = self.client.send(|api| {
            let mut request = api.get_deployment_logs().deployment_id(id);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            request.send()
        });
        Ok(logs.await?.data.logs)
    }

    /// The deployment's events as they happen.
    pub async fn events(&self) -> Result<EventStream<GatewayEvent>> {
        self.client.events().deployment(&self.id).await
    }

    /// Polls the status until the server is ready (`running` or `ready`) and returns it.
    ///
    /// A deployment that ends otherwise (`failed`, `stopped`) gives
    /// [`Error::Deployment`] with its error and last log lines; one still under way when
    /// `timeout` passes gives [`Error::DeploymentTimeout`]. Transient failures of the
    /// status requests themselves are retried by the client as usual.
    pub async fn wait_until_ready(&self, timeout: Duration) -> Result<types::Deployment> {
        let started = Instant::now();
        let mut pause = FIRST_POLL_PAUSE.min(self.poll_interval);
        loop {
            let deployment = self.status().await?;
            if deployment.status.is_ready() {
                return Ok(deployment);
            }
            if deployment.status.is_terminal() {
                let last_logs = match self.logs_tail(LAST_LOG_LINES).await {
                    Ok(lines) => lines
                        .into_iter()
                        .map(|l| self.client.redactor().scrub(&l.message))
                        .collect(),
                    Err(_) => Vec::new(),
                };
                return Err(Error::Deployment {
                    deployment_id: self.id.clone(),
                    status: deployment.status,
                    error: deployment.error.map(|e| self.client.redactor().scrub(&e)),
                    last_logs,
                });
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(Error::DeploymentTimeout {
                    deployment_id: self.id.clone(),
                    status: deployment.status,
                    waited,
                });
            }
            tokio::time::sleep(pause.min(timeout - waited)).await;
            pause = (pause * 2).min(self.poll_interval);
        }
    }
}
