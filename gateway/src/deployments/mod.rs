//! Deployments of custom MCP servers (`mcp/add`): the lifecycle
//! pending -> (cloning -> building ->) deploying -> running | failed, with per-deployment
//! logs and progress events.
//!
//! This module holds one deployment's state machine ([`Deployment`]); around it:
//! * `all`: every deployment, by id ([`Deployments`]);
//! * `flow`: the run shared by every source kind ([`Deployer`]): a source becomes an
//!   endpoint, then the server is started and its tools discovered. `stdio` and `http`
//!   sources are endpoints as they are (the command, the streamable HTTP URL);
//! * `github`: `git clone`s the repository, then `build` builds it (npm or cargo) to run
//!   over stdio;
//! * `docker`: runs the image (over stdio with `docker run -i`, or over HTTP when a port
//!   is given) when a Docker engine is reachable; otherwise fails saying so;
//! * `process`: runs a build tool with its output in the deployment's log.

mod all;
mod build;
mod docker;
mod flow;
mod github;
mod process;

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use connectors::api::{DeploymentStatus, LogStream, StepStatus, types};
use tokio_util::sync::CancellationToken;

use crate::events::{Event, EventBus};
use crate::mcp_client::LogSink;

pub(crate) use all::{Deployments, estimated_time};
pub(crate) use flow::Deployer;

/// Most log lines kept per deployment.
const MAX_LOG_LINES: usize = 10_000;

/// The deployment step a progress change is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    Clone,
    Build,
    Deploy,
    Discovery,
    Embeddings,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Clone => "clone",
            Step::Build => "build",
            Step::Deploy => "deploy",
            Step::Discovery => "discovery",
            Step::Embeddings => "embeddings",
        }
    }
}

struct DeploymentState {
    status: DeploymentStatus,
    progress: types::DeploymentProgress,
    tools_discovered: Option<u64>,
    endpoint: Option<String>,
    error: Option<String>,
    estimated_time: Option<String>,
    updated_at: DateTime<Utc>,
    logs: Vec<types::LogLine>,
    container: Option<String>,
}

/// One deployment.
pub(crate) struct Deployment {
    pub id: String,
    pub name: String,
    pub tenant: String,
    pub created_at: DateTime<Utc>,
    state: Mutex<DeploymentState>,
    cancel: CancellationToken,
    events: EventBus,
    /// The Redis its state is copied to for the other replicas (`deployment_records`).
    #[cfg(feature = "redis")]
    mirror: Option<crate::store::Redis>,
    /// Taken by each copy in turn ([`mirror`]).
    #[cfg(feature = "redis")]
    mirror_turn: tokio::sync::Mutex<()>,
    /// Itself, for the copies, which outlive a borrow.
    #[cfg(feature = "redis")]
    me: std::sync::Weak<Deployment>,
}

impl Deployment {
    fn state(&self) -> std::sync::MutexGuard<'_, DeploymentState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a log line.
    pub fn log(&self, stream: LogStream, message: impl Into<String>) {
        let message = message.into();
        tracing::debug!(deployment = %self.id, stream = %stream, "{message}");
        let mut state = self.state();
        if state.logs.len() >= MAX_LOG_LINES {
            state.logs.remove(0);
        }
        state.logs.push(types::LogLine {
            timestamp: Utc::now(),
            stream: Some(stream),
            message,
        });
    }

    /// A log sink feeding this deployment's log.
    pub fn sink(self: &Arc<Self>) -> LogSink {
        let me = Arc::downgrade(self);
        Arc::new(move |stream, line| {
            if let Some(me) = me.upgrade() {
                me.log(stream, line);
            }
        })
    }

    /// Taken by each copy of the state to Redis in turn.
    #[cfg(feature = "redis")]
    pub fn mirror_turn(&self) -> &tokio::sync::Mutex<()> {
        &self.mirror_turn
    }

    fn publish(&self, step: Option<Step>, message: Option<String>) {
        #[cfg(feature = "redis")]
        if let (Some(redis), Some(me)) = (&self.mirror, self.me.upgrade()) {
            mirror(redis, &me);
        }
        let status = self.state().status.clone();
        self.events.publish(Event::Deployment {
            tenant: self.tenant.clone(),
            event: types::DeploymentEvent {
                deployment_id: self.id.clone(),
                name: Some(self.name.clone()),
                status,
                step: step.map(|s| s.name().to_string()),
                message,
                timestamp: Some(Utc::now()),
            },
        });
    }

    /// Changes one step's state (and logs it).
    pub fn step(&self, step: Step, status: StepStatus, message: impl Into<String>) {
        let message = message.into();
        {
            let mut state = self.state();
            let slot = match step {
                Step::Clone => &mut state.progress.clone,
                Step::Build => &mut state.progress.build,
                Step::Deploy => &mut state.progress.deploy,
                Step::Discovery => &mut state.progress.discovery,
                Step::Embeddings => &mut state.progress.embeddings,
            };
            *slot = Some(status);
            state.updated_at = Utc::now();
        }
        self.log(LogStream::System, format!("{}: {message}", step.name()));
        self.publish(Some(step), Some(message));
    }

    /// Changes the overall status.
    pub fn set_status(&self, status: DeploymentStatus, message: impl Into<String>) {
        let message = message.into();
        {
            let mut state = self.state();
            state.status = status.clone();
            state.updated_at = Utc::now();
            if status.is_terminal() {
                state.estimated_time = Some("0 seconds".into());
            }
        }
        self.log(LogStream::System, format!("status {status}: {message}"));
        self.publish(None, Some(message));
    }

    /// Marks the deployment failed with `reason` (in the deployment and in its log).
    pub fn fail(&self, step: Step, reason: impl Into<String>) {
        let reason = reason.into();
        tracing::warn!(deployment = %self.id, name = %self.name, %reason, "deployment failed");
        {
            let mut state = self.state();
            state.error = Some(reason.clone());
        }
        self.step(step, StepStatus::Failed, reason.clone());
        self.set_status(DeploymentStatus::Failed, reason);
    }

    /// The current status.
    pub fn status(&self) -> DeploymentStatus {
        self.state().status.clone()
    }

    /// The wire view.
    pub fn to_wire(&self) -> types::Deployment {
        let state = self.state();
        types::Deployment {
            deployment_id: self.id.clone(),
            name: Some(self.name.clone()),
            status: state.status.clone(),
            progress: Some(state.progress.clone()),
            tools_discovered: state.tools_discovered,
            endpoint: state.endpoint.clone(),
            error: state.error.clone(),
            estimated_time: state.estimated_time.clone(),
            created_at: Some(self.created_at),
            updated_at: Some(state.updated_at),
        }
    }

    /// Log lines after `since`, at most the newest `limit`, oldest first.
    pub fn logs(&self, since: Option<DateTime<Utc>>, limit: usize) -> Vec<types::LogLine> {
        log_tail(&self.state().logs, since, limit)
    }

    /// Stops an unfinished deployment, or marks a finished one stopped.
    pub fn stop(&self) {
        self.release();
        if self.status() != DeploymentStatus::Failed {
            self.set_status(DeploymentStatus::Stopped, "removed");
        }
    }

    /// Stops what the deployment runs (its pipeline, its container) and leaves its status
    /// as it is.
    pub fn release(&self) {
        self.cancel.cancel();
        let container = self.state().container.take();
        if let Some(container) = container {
            tokio::spawn(async move {
                let _ = tokio::process::Command::new("docker")
                    .args(["rm", "-f", &container])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .await;
            });
        }
    }
}

/// Of `lines`, those after `since`, at most the newest `limit`, oldest first.
pub(crate) fn log_tail(
    lines: &[types::LogLine],
    since: Option<DateTime<Utc>>,
    limit: usize,
) -> Vec<types::LogLine> {
    let lines: Vec<&types::LogLine> = lines
        .iter()
        .filter(|l| since.is_none_or(|s| l.timestamp > s))
        .collect();
    let skip = lines.len().saturating_sub(limit);
    lines.into_iter().skip(skip).cloned().collect()
}

/// Copies `deployment`'s current state to Redis, as a [`deployment_records::Record`] (in a
/// task of its own; a failure is logged: the record is stale until the next change).
///
/// [`deployment_records::Record`]: crate::deployment_records::Record
#[cfg(feature = "redis")]
fn mirror(redis: &crate::store::Redis, deployment: &Arc<Deployment>) {
    use crate::deployment_records::{LOG_TAIL, Record, write};

    let (redis, deployment) = (redis.clone(), deployment.clone());
    tokio::spawn(async move {
        // One write at a time per deployment, each of the state at that moment.
        let _turn = deployment.mirror_turn().lock().await;
        let record = Record {
            deployment: deployment.to_wire(),
            logs: deployment.logs(None, LOG_TAIL),
        };
        if let Err(e) = write(&redis, &deployment.tenant, &deployment.id, &record).await {
            tracing::debug!(deployment = %deployment.id, reason = %e.0, "a deployment record was not copied to the shared store");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_tail_is_the_newest_lines_after_since_oldest_first() {
        let start = Utc::now();
        let lines: Vec<types::LogLine> = (0..5)
            .map(|i| types::LogLine {
                timestamp: start + chrono::Duration::seconds(i),
                stream: Some(LogStream::System),
                message: format!("line {i}"),
            })
            .collect();
        let messages = |tail: Vec<types::LogLine>| -> Vec<String> {
            tail.into_iter().map(|l| l.message).collect()
        };
        assert_eq!(messages(log_tail(&lines, None, 2)), ["line 3", "line 4"]);
        assert_eq!(
            messages(log_tail(
                &lines,
                Some(start + chrono::Duration::seconds(2)),
                10
            )),
            ["line 3", "line 4"]
        );
        assert!(log_tail(&lines, None, 0).is_empty());
    }
}
