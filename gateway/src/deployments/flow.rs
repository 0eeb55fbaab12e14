//! The run every deployment shares, whatever its source: the source becomes an
//! [`Endpoint`] (`stdio` and `http` sources as they are, `github` and `docker` through
//! their own steps), then the server is started under its name and its tools discovered.

use std::sync::Arc;

use connectors::api::{DeploymentStatus, LogStream, StepStatus, types};

use super::all::source_type;
use super::{Deployment, Step};
use super::{docker, github};
use crate::config::Config;
use crate::mcp_client::Endpoint;
use crate::registry::{Registry, Server, ServerKind};
use crate::store::Shared;

/// What a deployment needs from the gateway.
#[derive(Clone)]
pub(crate) struct Deployer {
    pub registry: Arc<Registry>,
    pub config: Arc<Config>,
    pub shared: Shared,
}

impl Deployer {
    /// Runs the deployment to its end (a background task of `mcp/add`); with the Redis
    /// store, a server that runs is recorded for the other replicas to run too.
    pub async fn run(self, deployment: Arc<Deployment>, request: types::AddMcpServerRequest) {
        #[cfg(feature = "redis")]
        let recorded = request.clone();
        let shared = self.shared.clone();
        self.replicate(deployment.clone(), request).await;
        #[cfg(feature = "redis")]
        if let Shared::Redis(redis) = &shared
            && deployment.status() == DeploymentStatus::Running
            && let Err(e) =
                crate::server_records::record(redis, &deployment.tenant, &recorded).await
        {
            tracing::warn!(reason = %e.0, server = %deployment.name, "the server runs here only: it could not be recorded for the other replicas");
            deployment.log(
                LogStream::System,
                "the server runs on this replica only: the shared store could not record it",
            );
        }
        #[cfg(not(feature = "redis"))]
        let _ = shared;
    }

    /// Runs the deployment to its end without recording it: `run`, or this replica
    /// starting a server another replica deployed.
    pub async fn replicate(self, deployment: Arc<Deployment>, request: types::AddMcpServerRequest) {
        let kind = source_type(&request.source);
        if !self.config.deployment_sources.iter().any(|s| s == kind) {
            deployment.fail(
                Step::Deploy,
                format!(
                    "source type '{kind}' is disabled on this gateway (its configuration allows: {})",
                    self.config.deployment_sources.join(", ")
                ),
            );
            return;
        }
        let cancel = deployment.cancel.clone();
        tokio::select! {
            _ = self.pipeline(&deployment, request) => {}
            _ = cancel.cancelled() => {
                deployment.log(LogStream::System, "deployment cancelled");
            }
        }
    }

    async fn pipeline(&self, deployment: &Arc<Deployment>, request: types::AddMcpServerRequest) {
        let name = request.name.to_string();
        let category = request.category.to_string();
        let description = request.description.clone();
        let endpoint = match request.source {
            types::McpSource::Stdio { command, args, env } => Endpoint::Stdio {
                command: command.to_string(),
                args,
                env: env.unwrap_or_default(),
            },
            types::McpSource::Http { url, headers } => Endpoint::Http {
                url: url.to_string(),
                headers: headers.unwrap_or_default(),
            },
            types::McpSource::Github { url, branch, auth } => {
                let token = auth.map(|a| a.token.expose().to_string());
                match github::endpoint(
                    &self.config,
                    deployment,
                    url.as_str(),
                    branch.as_deref(),
                    token.as_deref(),
                )
                .await
                {
                    Some(endpoint) => endpoint,
                    None => return,
                }
            }
            types::McpSource::Docker { env, image, port } => {
                match docker::endpoint(deployment, image.as_str(), env.unwrap_or_default(), port)
                    .await
                {
                    Some(endpoint) => endpoint,
                    None => return,
                }
            }
        };
        self.start(deployment, &name, &category, description, endpoint)
            .await;
    }

    async fn start(
        &self,
        deployment: &Arc<Deployment>,
        name: &str,
        category: &str,
        description: Option<String>,
        endpoint: Endpoint,
    ) {
        deployment.set_status(DeploymentStatus::Deploying, "starting the MCP server");
        deployment.step(
            Step::Deploy,
            StepStatus::InProgress,
            format!(
                "connecting over {} to {}",
                endpoint.transport(),
                endpoint.describe()
            ),
        );
        let server = Server::new(
            name,
            ServerKind::Custom,
            Some(deployment.tenant.clone()),
            category,
            description,
            endpoint.clone(),
            deployment.sink(),
        );
        // Connected outside the registry, then put under its name in place of the other
        // deployment's server (connectors-ts, where a duplicate add while the first
        // deploys runs too), or under a free name only.
        let mut takes_name = false;
        if let Err(server) = self.registry.insert(server.clone()) {
            let duplicate = self
                .registry
                .lookup(&deployment.tenant, name)
                .is_some_and(|other| other.kind == ServerKind::Custom);
            if self.config.profile.refuses_names_still_deploying() || !duplicate {
                deployment.fail(
                    Step::Deploy,
                    format!("MCP server with name '{}' already exists", server.name),
                );
                return;
            }
            takes_name = true;
        }
        let started = self.registry.start(server.clone()).await;
        if takes_name && started.is_ok() {
            self.registry.replace(server.clone());
        }
        match started {
            Ok(count) => {
                deployment.step(
                    Step::Deploy,
                    StepStatus::Completed,
                    "MCP handshake completed",
                );
                let tools = server.snapshot().tools;
                let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
                {
                    let mut state = deployment.state();
                    state.tools_discovered = Some(count as u64);
                    state.endpoint = Some(match &endpoint {
                        Endpoint::Http { url, .. } => url.clone(),
                        other => format!("{}://{}", other.transport(), name),
                    });
                }
                deployment.step(
                    Step::Discovery,
                    StepStatus::Completed,
                    format!("discovered {count} tool(s): {}", names.join(", ")),
                );
                deployment.step(
                    Step::Embeddings,
                    StepStatus::Completed,
                    format!("indexed {count} tool(s) for selection"),
                );
                deployment.set_status(
                    DeploymentStatus::Running,
                    format!("serving {count} tool(s)"),
                );
            }
            Err(reason) => {
                self.registry.remove_exact(&server);
                deployment.fail(
                    Step::Deploy,
                    format!("the MCP server did not start: {reason}"),
                );
            }
        }
    }
}
