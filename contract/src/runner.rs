//! Running the suite: choosing the gateway, building the observed client, checking that
//! the gateway answers, then every operation.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use connectors::config::{ENV_API_KEY, ENV_BASE_URL};
use connectors::{Connectors, Error, RequestOptions};
use connectors_gateway::Gateway;

use crate::ResponseSchemas;
use crate::operations::find as operation;
use crate::recorder::Recorder;
use crate::report::Report;
use crate::reproduce::Secrets;
use crate::scenarios;
use crate::suite::{Replay, Suite};
use crate::wire::Wire;

pub use crate::output::ReportFormat;

/// Variable that allows writes against a gateway given by address (`1`, `true`, `yes`).
pub const ENV_ALLOW_WRITES: &str = "CONNECTORS_CONTRACT_ALLOW_WRITES";
/// Variable holding another tenant's API key, for the tenant isolation checks.
pub const ENV_SECOND_API_KEY: &str = "CONNECTORS_CONTRACT_SECOND_API_KEY";

/// What to run against which gateway. `Debug` shows the names of the settings, not their
/// values (one is the API key).
#[derive(Clone)]
pub struct Options {
    /// The gateway's address; wins over `CONNECTORS_BASE_URL` in [`Self::settings`].
    /// With neither, the reference gateway is started in-process (and writes are allowed
    /// there: it is thrown away afterwards).
    pub url: Option<String>,
    /// `CONNECTORS_*` settings for the client (API key, tenant id, timeouts), as
    /// [`connectors::ConnectorsBuilder::with_env_vars`] takes them; [`Self::from_env`]
    /// reads them from the process environment.
    pub settings: Vec<(String, String)>,
    /// Run the operations that change state on a gateway given by address.
    pub allow_writes: bool,
    /// Only these operations (`operationId`s); all when `None`.
    pub only: Option<Vec<String>>,
    /// Program and arguments of the stdio MCP server to deploy. The default, this
    /// executable with `mcp-server notes`, only works when the gateway runs on the same
    /// machine (it starts the command itself).
    pub deploy_command: Option<Vec<String>>,
    /// How long to listen to the event stream when the run deploys nothing.
    pub events_wait: Duration,
    /// Reports to write besides the table (the binary writes them; see [`Report::write`]).
    pub reports: Vec<(ReportFormat, PathBuf)>,
    /// The seed of every name and value the run generates; random when `None` (the
    /// report says which was used).
    pub seed: Option<u64>,
    /// Another tenant's API key (default: [`ENV_SECOND_API_KEY`]): with it, the routes
    /// that take an id or a tenant are tried as that tenant against the first tenant's
    /// resources. The in-process reference gateway gets a second tenant of its own.
    pub second_key: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            url: None,
            settings: Vec::new(),
            allow_writes: false,
            only: None,
            deploy_command: None,
            events_wait: Duration::from_secs(2),
            reports: Vec::new(),
            seed: None,
            second_key: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.settings.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Options")
            .field("url", &self.url)
            .field("settings", &names)
            .field("allow_writes", &self.allow_writes)
            .field("only", &self.only)
            .field("deploy_command", &self.deploy_command)
            .field("events_wait", &self.events_wait)
            .field("reports", &self.reports)
            .field("seed", &self.seed)
            .field("second_key", &self.second_key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Options {
    /// The defaults, with the `CONNECTORS_*` variables of the process environment
    /// (including [`ENV_ALLOW_WRITES`]).
    pub fn from_env() -> Self {
        let settings: Vec<(String, String)> = std::env::vars()
            .filter(|(name, _)| name.starts_with("CONNECTORS_"))
            .collect();
        let allow_writes = settings.iter().any(|(name, value)| {
            name == ENV_ALLOW_WRITES
                && matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "1" | "true" | "yes"
                )
        });
        let second_key = settings
            .iter()
            .rev()
            .find(|(name, value)| name == ENV_SECOND_API_KEY && !value.trim().is_empty())
            .map(|(_, value)| value.trim().to_string());
        Options {
            settings,
            allow_writes,
            second_key,
            ..Options::default()
        }
    }

    fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// Why the runner could not start (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// The command line or the settings are wrong.
    Config(String),
    /// The in-process reference gateway did not start.
    Gateway(String),
    /// The gateway did not answer.
    Unreachable(String),
    /// The bundled spec could not be compiled into validators.
    Spec(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(why) => write!(f, "{why}"),
            StartError::Gateway(why) => write!(f, "the reference gateway did not start: {why}"),
            StartError::Unreachable(why) => write!(f, "the gateway did not answer: {why}"),
            StartError::Spec(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Runs the suite and reports every selected operation.
pub async fn run(options: Options) -> Result<Report, StartError> {
    let only = selection(&options)?;
    let schemas = ResponseSchemas::bundled().map_err(|e| StartError::Spec(e.to_string()))?;
    let recorder = Recorder::new();
    let builder = recorder.install(Connectors::builder().with_env_vars(options.settings.clone()));

    let address = options.url.clone().map(|url| (url, "--url")).or_else(|| {
        options
            .setting(ENV_BASE_URL)
            .map(|url| (url.to_string(), ENV_BASE_URL))
    });
    let mut second_key = options.second_key.clone();
    let (builder, gateway, target, writes, secret) = match address {
        Some((url, from)) => {
            let target = format!("{} (from {from})", url.trim());
            let secret = options.setting(ENV_API_KEY).map(str::to_string);
            (
                builder.base_url(url.trim()),
                None,
                target,
                options.allow_writes,
                secret,
            )
        }
        None => {
            // Two tenants, so that isolation is checked too; the keys are random (not
            // from the seed: nothing about the run depends on them).
            let key = |tag: &str| {
                format!(
                    "ck_contract_{tag}_{:016x}{:016x}",
                    fastrand::u64(..),
                    fastrand::u64(..)
                )
            };
            let second = second_key.get_or_insert_with(|| key("b")).clone();
            let gateway = Gateway::builder()
                .api_key(key("a"), "tenant-contract-a")
                .api_key(second, "tenant-contract-b")
                .spawn()
                .await
                .map_err(|e| StartError::Gateway(e.to_string()))?;
            let builder = builder
                .base_url(gateway.url())
                .api_key(gateway.api_key())
                .tenant_id(gateway.tenant_id());
            let target = format!("{} (the reference gateway, in-process)", gateway.url());
            let secret = Some(gateway.api_key().to_string());
            (builder, Some(gateway), target, true, secret)
        }
    };
    // The facade's errors never contain the API key.
    let direct = builder
        .clone()
        .build()
        .map_err(|e| StartError::Config(e.to_string()))?;
    check_settings(&direct)?;
    reachable(&direct).await?;
    // Every request of the run goes through the recording proxy, for its reproducer.
    let base = direct.config().base_url().to_string();
    let wire = Wire::start(&base).await.map_err(StartError::Config)?;
    let builder = builder.base_url(wire.url());
    let client = builder
        .clone()
        .build()
        .map_err(|e| StartError::Config(e.to_string()))?;
    let seed = options.seed.unwrap_or_else(|| fastrand::u64(..));
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
    let unknown = format!(
        "ck_contract_unknown_{:016x}{:016x}",
        rng.u64(..),
        rng.u64(..)
    );
    let unknown_key = builder
        .clone()
        .api_key(unknown)
        .build()
        .map_err(|e| StartError::Config(e.to_string()))?;
    let second_key = second_key.filter(|k| !k.trim().is_empty());
    // The first tenant's own key would "leak" everywhere, and prove nothing.
    if let (Some(second), Some(first)) = (&second_key, &secret)
        && second.trim() == first.trim()
    {
        return Err(StartError::Config(
            "--second-key is CONNECTORS_API_KEY itself: the tenant isolation checks need another tenant's key".into(),
        ));
    }
    let second = match &second_key {
        Some(key) => Some(
            builder
                .clone()
                .api_key(key.trim())
                .build()
                .map_err(|e| StartError::Config(format!("--second-key: {e}")))?,
        ),
        None => None,
    };
    recorder.drain();
    let replay = Replay {
        log: wire.log().clone(),
        base: wire.base().to_string(),
        secrets: Secrets::default()
            .key(secret.as_deref(), "CONNECTORS_API_KEY")
            .key(second_key.as_deref(), "CONNECTORS_SECOND_API_KEY"),
    };

    let mut suite = Suite::new(
        client,
        recorder,
        schemas,
        writes,
        only,
        secret.into_iter().chain(second_key).collect(),
        deploy_command(&options),
        options.events_wait,
        replay,
        seed,
    );
    suite.unknown_key = Some(unknown_key);
    suite.second_tenant = second;
    scenarios::run_all(&mut suite).await;
    let report = suite.into_report(target);
    drop(wire);
    if let Some(gateway) = gateway {
        gateway.shutdown().await;
    }
    Ok(report)
}

fn selection(options: &Options) -> Result<Option<BTreeSet<String>>, StartError> {
    let Some(only) = &options.only else {
        return Ok(None);
    };
    let mut selected = BTreeSet::new();
    for id in only.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if operation(id).is_none() {
            return Err(StartError::Config(format!(
                "--only: openapi.yaml has no operation `{id}`"
            )));
        }
        selected.insert(id.to_string());
    }
    if selected.is_empty() {
        return Err(StartError::Config("--only names no operation".into()));
    }
    Ok(Some(selected))
}

/// A gateway given by address needs the tenant's key and id for most operations.
fn check_settings(client: &Connectors) -> Result<(), StartError> {
    if !client.config().has_api_key() {
        return Err(StartError::Config(
            "CONNECTORS_API_KEY is not set: the /api/v1 operations need the tenant's API key"
                .into(),
        ));
    }
    if client.config().tenant_id().is_none() {
        return Err(StartError::Config(
            "CONNECTORS_TENANT_ID is not set: invocations and the tenant's integrations need the API key's tenant"
                .into(),
        ));
    }
    Ok(())
}

/// Fails when nothing answers at the address; any HTTP answer will do.
async fn reachable(client: &Connectors) -> Result<(), StartError> {
    let probe = client.with_options(RequestOptions::new().max_retries(1));
    match probe.health().check().await {
        Err(e @ (Error::Connection { .. } | Error::Timeout { .. })) => {
            Err(StartError::Unreachable(e.to_string()))
        }
        _ => Ok(()),
    }
}

fn deploy_command(options: &Options) -> Result<(String, Vec<String>), String> {
    if let Some(command) = &options.deploy_command {
        let mut parts = command.iter().cloned();
        let program = parts
            .next()
            .ok_or_else(|| "--deploy-command is empty".to_string())?;
        return Ok((program, parts.collect()));
    }
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find the runner's own executable to deploy: {e}"))?;
    Ok((
        exe.to_string_lossy().into_owned(),
        vec!["mcp-server".into(), "notes".into()],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_setting_values() {
        let options = Options {
            settings: vec![(
                ENV_API_KEY.into(),
                "ck_secret_0123456789abcdef0123456789".into(),
            )],
            ..Options::default()
        };
        let shown = format!("{options:?}");
        assert!(shown.contains(ENV_API_KEY), "{shown}");
        assert!(!shown.contains("ck_secret"), "{shown}");
    }
}
