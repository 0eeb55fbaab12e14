//! Deployments of custom MCP servers (`mcp/add`): the lifecycle
//! pending -> (cloning -> building ->) deploying -> running | failed, with per-deployment
//! logs and progress events.
//!
//! * `stdio`: starts the command and discovers its tools over MCP.
//! * `http`: connects to the streamable HTTP endpoint and discovers its tools.
//! * `github`: `git clone`s the repository, builds it (npm or cargo) and runs it over stdio.
//! * `docker`: runs the image (over stdio with `docker run -i`, or over HTTP when a port
//!   is given) when a Docker engine is reachable; otherwise fails saying so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use connectors::api::{DeploymentStatus, LogStream, SecretStringMap, StepStatus, types};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::events::{Event, EventBus};
use crate::mcp_client::{Endpoint, LogSink};
use crate::registry::{Registry, Server, ServerKind};
use crate::store::Shared;

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
    /// Taken by each copy in turn (`deployment_records::mirror`).
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
            crate::deployment_records::mirror(redis, &me);
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

fn source_type(source: &types::McpSource) -> &'static str {
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
            && let Err(e) = crate::replication::record(redis, &deployment.tenant, &recorded).await
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
                match self
                    .github(
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
                match self
                    .docker(deployment, image.as_str(), env.unwrap_or_default(), port)
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

    async fn github(
        &self,
        deployment: &Arc<Deployment>,
        url: &str,
        branch: Option<&str>,
        token: Option<&str>,
    ) -> Option<Endpoint> {
        deployment.set_status(DeploymentStatus::Cloning, "cloning the repository");
        let shown = redact_url(url);
        deployment.step(
            Step::Clone,
            StepStatus::InProgress,
            format!(
                "git clone {shown}{}",
                branch.map(|b| format!(" (branch {b})")).unwrap_or_default()
            ),
        );
        let work = self
            .config
            .work_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("connectors-gateway"));
        let dir = work.join(&deployment.id);
        if let Err(e) = tokio::fs::create_dir_all(&work).await {
            deployment.fail(
                Step::Clone,
                format!("cannot create {}: {e}", work.display()),
            );
            return None;
        }
        let clone_url = match token {
            Some(token) if url.starts_with("https://") => {
                format!(
                    "https://x-access-token:{token}@{}",
                    &url["https://".len()..]
                )
            }
            _ => url.to_string(),
        };
        let mut args = vec!["clone".to_string(), "--depth".into(), "1".into()];
        if let Some(branch) = branch {
            args.push("--branch".into());
            args.push(branch.to_string());
        }
        args.push("--".into());
        args.push(clone_url);
        args.push(dir.to_string_lossy().into_owned());
        let secrets: Vec<String> = token.map(|t| vec![t.to_string()]).unwrap_or_default();
        let timeout = Duration::from_secs(self.config.clone_timeout_seconds.max(1));
        let outcome = run_logged(
            deployment,
            "git",
            &args,
            None,
            &[("GIT_TERMINAL_PROMPT", "0")],
            &secrets,
            timeout,
        )
        .await;
        if let Err(reason) = outcome {
            deployment.fail(
                Step::Clone,
                format!("git clone of {shown} failed: {reason}"),
            );
            return None;
        }
        deployment.step(
            Step::Clone,
            StepStatus::Completed,
            format!("cloned into {}", dir.display()),
        );
        deployment.set_status(DeploymentStatus::Building, "building the server");
        deployment.step(
            Step::Build,
            StepStatus::InProgress,
            "detecting the project type",
        );
        match self.build(deployment, &dir).await {
            Ok((command, args)) => {
                deployment.step(
                    Step::Build,
                    StepStatus::Completed,
                    format!("built; will run {command}"),
                );
                Some(Endpoint::Stdio {
                    command,
                    args,
                    env: SecretStringMap::new(),
                })
            }
            Err(reason) => {
                deployment.fail(Step::Build, reason);
                None
            }
        }
    }

    /// Builds a cloned repository and returns how to run it over stdio.
    async fn build(
        &self,
        deployment: &Arc<Deployment>,
        dir: &Path,
    ) -> Result<(String, Vec<String>), String> {
        let timeout = Duration::from_secs(600);
        if dir.join("package.json").is_file() {
            let text = tokio::fs::read_to_string(dir.join("package.json"))
                .await
                .map_err(|e| format!("cannot read package.json: {e}"))?;
            let package: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("package.json is not valid JSON: {e}"))?;
            run_logged(
                deployment,
                "npm",
                &["install".into(), "--no-audit".into(), "--no-fund".into()],
                Some(dir),
                &[],
                &[],
                timeout,
            )
            .await
            .map_err(|e| format!("npm install failed: {e}"))?;
            if package.pointer("/scripts/build").is_some() {
                run_logged(
                    deployment,
                    "npm",
                    &["run".into(), "build".into()],
                    Some(dir),
                    &[],
                    &[],
                    timeout,
                )
                .await
                .map_err(|e| format!("npm run build failed: {e}"))?;
            }
            let entry = match package.get("bin") {
                Some(serde_json::Value::String(path)) => Some(path.clone()),
                Some(serde_json::Value::Object(bins)) => {
                    bins.values().find_map(|v| v.as_str().map(str::to_string))
                }
                _ => package
                    .get("main")
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
            }
            .ok_or("package.json names no `bin` or `main` entry point to run")?;
            let path = dir.join(entry);
            return Ok(("node".into(), vec![path.to_string_lossy().into_owned()]));
        }
        if dir.join("Cargo.toml").is_file() {
            run_logged(
                deployment,
                "cargo",
                &["build".into(), "--release".into()],
                Some(dir),
                &[],
                &[],
                timeout,
            )
            .await
            .map_err(|e| format!("cargo build failed: {e}"))?;
            let text = tokio::fs::read_to_string(dir.join("Cargo.toml"))
                .await
                .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
            let package = text
                .lines()
                .skip_while(|l| l.trim() != "[package]")
                .find_map(|l| {
                    let l = l.trim();
                    l.strip_prefix("name").map(|rest| {
                        rest.trim_start()
                            .trim_start_matches('=')
                            .trim()
                            .trim_matches('"')
                            .to_string()
                    })
                })
                .ok_or("Cargo.toml has no [package] name")?;
            let binary: PathBuf = dir.join("target").join("release").join(&package);
            return Ok((binary.to_string_lossy().into_owned(), Vec::new()));
        }
        Err("no runnable MCP server found in the repository (looked for package.json and Cargo.toml)".into())
    }

    async fn docker(
        &self,
        deployment: &Arc<Deployment>,
        image: &str,
        env: SecretStringMap,
        port: Option<u16>,
    ) -> Option<Endpoint> {
        deployment.set_status(DeploymentStatus::Deploying, "checking the Docker engine");
        deployment.step(
            Step::Deploy,
            StepStatus::InProgress,
            "checking the Docker engine",
        );
        let probe = tokio::process::Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .stdin(Stdio::null())
            .output();
        match tokio::time::timeout(Duration::from_secs(15), probe).await {
            Err(_) => {
                deployment.fail(
                    Step::Deploy,
                    "no Docker engine is reachable: `docker version` did not answer within 15 s",
                );
                return None;
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                deployment.fail(
                    Step::Deploy,
                    "Docker is not installed: no `docker` command on PATH",
                );
                return None;
            }
            Ok(Err(e)) => {
                deployment.fail(Step::Deploy, format!("cannot run `docker`: {e}"));
                return None;
            }
            Ok(Ok(output)) if !output.status.success() => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("unknown error");
                deployment.fail(
                    Step::Deploy,
                    format!("no Docker engine is reachable: {}", last.trim()),
                );
                return None;
            }
            Ok(Ok(output)) => {
                let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
                deployment.log(
                    LogStream::System,
                    format!("Docker engine {version} reachable"),
                );
            }
        }
        let names: Vec<String> = env.iter().map(|(k, _)| k.to_string()).collect();
        let env_flags: Vec<String> = names
            .iter()
            .flat_map(|k| ["-e".to_string(), k.clone()])
            .collect();
        match port {
            None => {
                // An image serving MCP on stdio: `docker run -i --rm`; values reach the
                // container through the docker process's environment, not its command line.
                let mut args = vec!["run".to_string(), "-i".into(), "--rm".into()];
                args.extend(env_flags);
                args.push(image.to_string());
                Some(Endpoint::Stdio {
                    command: "docker".into(),
                    args,
                    env,
                })
            }
            Some(port) => {
                let mut args = vec![
                    "run".to_string(),
                    "-d".into(),
                    "--rm".into(),
                    "-p".into(),
                    format!("127.0.0.1::{port}"),
                ];
                args.extend(env_flags);
                args.push(image.to_string());
                let mut command = tokio::process::Command::new("docker");
                command.args(&args).stdin(Stdio::null());
                for (name, value) in env.iter() {
                    command.env(name, value.expose());
                }
                let output =
                    match tokio::time::timeout(Duration::from_secs(300), command.output()).await {
                        Ok(Ok(output)) => output,
                        Ok(Err(e)) => {
                            deployment.fail(Step::Deploy, format!("docker run failed: {e}"));
                            return None;
                        }
                        Err(_) => {
                            deployment.fail(Step::Deploy, "docker run did not finish within 300 s");
                            return None;
                        }
                    };
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let last = stderr
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("unknown error");
                    deployment.fail(Step::Deploy, format!("docker run failed: {}", last.trim()));
                    return None;
                }
                let container = String::from_utf8_lossy(&output.stdout).trim().to_string();
                deployment.state().container = Some(container.clone());
                deployment.log(LogStream::System, format!("container {container} started"));
                let mapped = tokio::process::Command::new("docker")
                    .args(["port", &container, &port.to_string()])
                    .output()
                    .await
                    .ok()
                    .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                    .and_then(|text| text.lines().next().map(|l| l.trim().to_string()))
                    .and_then(|line| line.rsplit(':').next().map(str::to_string));
                let Some(host_port) = mapped else {
                    deployment.fail(
                        Step::Deploy,
                        format!("cannot find the host port of container port {port}"),
                    );
                    return None;
                };
                Some(Endpoint::Http {
                    url: format!("http://127.0.0.1:{host_port}/mcp"),
                    headers: SecretStringMap::new(),
                })
            }
        }
    }
}

/// `https://user:token@host/x` -> `https://host/x`.
fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((_, host)) = rest.split_once('@')
    {
        return format!("{scheme}://{host}");
    }
    url.to_string()
}

/// Runs a program, logging its output lines (with `secrets` masked) to the deployment.
/// The error is the program's last output line.
async fn run_logged(
    deployment: &Arc<Deployment>,
    program: &str,
    args: &[String],
    dir: Option<&Path>,
    env: &[(&str, &str)],
    secrets: &[String],
    timeout: Duration,
) -> Result<(), String> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("`{program}` is not installed on the gateway host")
        } else {
            format!("cannot run `{program}`: {e}")
        }
    })?;
    let last_line = Arc::new(Mutex::new(String::new()));
    let mask = |line: String| {
        secrets
            .iter()
            .filter(|s| !s.is_empty())
            .fold(line, |line, secret| line.replace(secret.as_str(), "***"))
    };
    let mut readers = Vec::new();
    for (stream, pipe) in [
        (
            LogStream::Stdout,
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
        ),
        (
            LogStream::Stderr,
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
        ),
    ] {
        let Some(pipe) = pipe else { continue };
        let deployment = deployment.clone();
        let last_line = last_line.clone();
        let secrets = secrets.to_vec();
        readers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = secrets
                    .iter()
                    .filter(|s| !s.is_empty())
                    .fold(line, |line, secret| line.replace(secret.as_str(), "***"));
                if !line.trim().is_empty() {
                    *last_line.lock().unwrap_or_else(PoisonError::into_inner) = line.clone();
                }
                deployment.log(stream.clone(), line);
            }
        }));
    }
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => return Err(mask(format!("`{program}` failed: {e}"))),
        Err(_) => {
            let _ = child.kill().await;
            return Err(format!(
                "`{program}` did not finish within {} s",
                timeout.as_secs()
            ));
        }
    };
    for reader in readers {
        let _ = reader.await;
    }
    if status.success() {
        Ok(())
    } else {
        let last = last_line
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Err(if last.is_empty() {
            format!("`{program}` exited with {status}")
        } else {
            last
        })
    }
}
