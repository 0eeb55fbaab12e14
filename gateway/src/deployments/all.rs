//! All deployments, by id: recording a new one, listing a tenant's.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;
use connectors::api::{DeploymentStatus, LogStream, StepStatus, types};
use tokio_util::sync::CancellationToken;

use super::{Deployment, DeploymentState};
use crate::events::EventBus;
use crate::store::Shared;

/// All deployments, by id.
pub(crate) struct Deployments {
    all: Mutex<BTreeMap<String, Arc<Deployment>>>,
    events: EventBus,
    /// Where the records are copied for the other replicas (the Redis store).
    shared: Shared,
}

/// The text the real gateway gives for each source type.
pub(crate) fn estimated_time(source: &types::McpSource) -> &'static str {
    match source {
        types::McpSource::Stdio { .. } => "2-3 minutes",
        types::McpSource::Http { .. } => "30-60 seconds",
        types::McpSource::Github { .. } => "3-5 minutes",
        types::McpSource::Docker { .. } => "1-2 minutes",
    }
}

pub(super) fn source_type(source: &types::McpSource) -> &'static str {
    match source {
        types::McpSource::Stdio { .. } => "stdio",
        types::McpSource::Http { .. } => "http",
        types::McpSource::Github { .. } => "github",
        types::McpSource::Docker { .. } => "docker",
    }
}

impl Deployments {
    pub fn new(events: EventBus, shared: Shared) -> Deployments {
        Deployments {
            all: Mutex::new(BTreeMap::new()),
            events,
            shared,
        }
    }

    /// Records a new deployment (pending).
    pub fn create(&self, name: &str, tenant: &str, source: &types::McpSource) -> Arc<Deployment> {
        let deployment = self.new_deployment(name, tenant, source, self.events.clone(), true);
        self.all
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(deployment.id.clone(), deployment.clone());
        deployment
    }

    /// A deployment that is not recorded, listed nor published: this replica starting a
    /// server another replica deployed (see `replication`).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub fn detached(&self, name: &str, tenant: &str, source: &types::McpSource) -> Arc<Deployment> {
        self.new_deployment(name, tenant, source, EventBus::new(), false)
    }

    fn new_deployment(
        &self,
        name: &str,
        tenant: &str,
        source: &types::McpSource,
        events: EventBus,
        shared_with_replicas: bool,
    ) -> Arc<Deployment> {
        #[cfg(feature = "redis")]
        let mirror = match &self.shared {
            Shared::Redis(redis) if shared_with_replicas => Some(redis.clone()),
            _ => None,
        };
        #[cfg(not(feature = "redis"))]
        let _ = (shared_with_replicas, &self.shared);
        let skipped = Some(StepStatus::Skipped);
        let pending = Some(StepStatus::Pending);
        let needs_build = matches!(source, types::McpSource::Github { .. });
        let deployment = Arc::new_cyclic(|_me| Deployment {
            id: format!("dep-{}", uuid::Uuid::new_v4()),
            name: name.to_string(),
            tenant: tenant.to_string(),
            created_at: Utc::now(),
            state: Mutex::new(DeploymentState {
                status: DeploymentStatus::Pending,
                progress: types::DeploymentProgress {
                    clone: if needs_build {
                        pending.clone()
                    } else {
                        skipped.clone()
                    },
                    build: if needs_build {
                        pending.clone()
                    } else {
                        skipped
                    },
                    deploy: pending.clone(),
                    discovery: pending.clone(),
                    embeddings: pending,
                },
                tools_discovered: None,
                endpoint: None,
                error: None,
                estimated_time: Some(estimated_time(source).to_string()),
                updated_at: Utc::now(),
                logs: Vec::new(),
                container: None,
            }),
            cancel: CancellationToken::new(),
            events,
            #[cfg(feature = "redis")]
            mirror,
            #[cfg(feature = "redis")]
            mirror_turn: tokio::sync::Mutex::new(()),
            #[cfg(feature = "redis")]
            me: _me.clone(),
        });
        deployment.log(
            LogStream::System,
            format!(
                "deployment of '{name}' from a {} source accepted",
                source_type(source)
            ),
        );
        deployment
    }

    /// The deployment `id` of any tenant.
    pub fn get_any(&self, id: &str) -> Option<Arc<Deployment>> {
        self.all
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// `tenant`'s deployments, newest first.
    pub fn list(&self, tenant: &str) -> Vec<Arc<Deployment>> {
        let mut list: Vec<Arc<Deployment>> = self
            .all
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter(|d| d.tenant == tenant)
            .cloned()
            .collect();
        list.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        list
    }

    /// `tenant`'s unfinished deployments of server `name`.
    pub fn unfinished(&self, tenant: &str, name: &str) -> Vec<Arc<Deployment>> {
        self.list(tenant)
            .into_iter()
            .filter(|d| d.name == name && !d.status().is_terminal())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> types::McpSource {
        types::McpSource::Stdio {
            command: "sh".parse().expect("a command"),
            args: Vec::new(),
            env: None,
        }
    }

    #[test]
    fn a_tenant_lists_its_own_deployments_newest_first_and_never_detached_ones() {
        let deployments = Deployments::new(EventBus::new(), Shared::Memory);
        let first = deployments.create("a", "t1", &source());
        let second = deployments.create("a", "t1", &source());
        deployments.create("b", "t2", &source());
        let detached = deployments.detached("a", "t1", &source());
        let ids: Vec<String> = deployments
            .list("t1")
            .iter()
            .map(|d| d.id.clone())
            .collect();
        let mut expected = vec![first.id.clone(), second.id.clone()];
        expected.sort_by(|a, b| {
            let created = |id: &String| deployments.get_any(id).map(|d| d.created_at);
            created(b).cmp(&created(a)).then_with(|| b.cmp(a))
        });
        assert_eq!(ids, expected);
        assert!(deployments.get_any(&detached.id).is_none());
        assert_eq!(deployments.unfinished("t1", "a").len(), 2);
        first.fail(super::super::Step::Deploy, "no");
        assert_eq!(deployments.unfinished("t1", "a").len(), 1);
        assert_eq!(first.status(), DeploymentStatus::Failed);
    }

    #[test]
    fn only_a_github_source_has_clone_and_build_steps() {
        let deployments = Deployments::new(EventBus::new(), Shared::Memory);
        let progress = deployments
            .create("a", "t", &source())
            .to_wire()
            .progress
            .expect("progress");
        assert_eq!(progress.clone, Some(StepStatus::Skipped));
        assert_eq!(progress.build, Some(StepStatus::Skipped));
        assert_eq!(progress.deploy, Some(StepStatus::Pending));
        assert_eq!(estimated_time(&source()), "2-3 minutes");
        assert_eq!(source_type(&source()), "stdio");
    }
}
