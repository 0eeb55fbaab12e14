//! Shared by the examples (`mod support;`): a client of the configured gateway, or of a
//! reference gateway started in-process when none is configured; tracing from
//! `CONNECTORS_LOG`; the MCP server the examples deploy; and what the gateway offers
//! ([`discover`], [`offered`]), because not every gateway offers everything: the original
//! TypeScript gateway has an empty catalog, runs a tool only with OAuth credentials stored
//! for its integration, and lacks the spec's extension routes.
//!
//! Cargo does not build this directory as an example of its own (it has no `main.rs`).

// Each example uses a different part of this module.
#![allow(dead_code)]

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use connectors::api::types::ToolSelection;
use connectors::mcp::Source;
use connectors::{Connectors, Error};
use connectors_gateway::{Gateway, Profile, RunningGateway};
use futures::TryStreamExt;

/// What the examples return: any error, printed with its causes by [`exit`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A tracing filter (`tracing_subscriber::EnvFilter` syntax), e.g. `connectors=debug`.
pub const ENV_LOG: &str = "CONNECTORS_LOG";
/// The command deployed against a remote gateway, split on whitespace.
pub const ENV_MCP_COMMAND: &str = "CONNECTORS_EXAMPLE_MCP_COMMAND";
/// What a remote gateway deploys when `CONNECTORS_EXAMPLE_MCP_COMMAND` is unset.
pub const DEFAULT_MCP_COMMAND: &str = "npx -y @modelcontextprotocol/server-memory";
/// The profile of the in-process gateway: `full` (default) or `connectors-ts`, which
/// behaves as the original TypeScript gateway (only its 18 routes, ...).
pub const ENV_PROFILE: &str = "CONNECTORS_EXAMPLE_PROFILE";
/// The built-in server an example's own executable serves when deployed.
pub const EMBEDDED_MCP_SERVER: &str = "notes";

/// Set when the in-process gateway runs the `full` profile, which offers everything the
/// examples use: there a refusal is a fault of the SDK or the example, never the gateway's
/// limit, and the example must fail.
static EVERYTHING_OFFERED: AtomicBool = AtomicBool::new(false);

/// Whether the gateway is known to offer everything the examples use (the in-process
/// gateway's `full` profile).
pub fn everything_offered() -> bool {
    EVERYTHING_OFFERED.load(Ordering::Relaxed)
}

/// Keeps the in-process gateway, if one was started, running until dropped or shut down.
#[derive(Debug)]
pub struct Guard {
    gateway: Option<RunningGateway>,
}

impl Guard {
    /// The in-process gateway, or `None` when `CONNECTORS_BASE_URL` named another one.
    pub fn embedded(&self) -> Option<&RunningGateway> {
        self.gateway.as_ref()
    }

    /// Stops the in-process gateway and the MCP servers it started.
    pub async fn shutdown(self) {
        if let Some(gateway) = self.gateway {
            gateway.shutdown().await;
        }
    }
}

/// A client of the gateway named by `CONNECTORS_BASE_URL` (configured from the
/// `CONNECTORS_*` variables), or, when it is unset, of a reference gateway started in
/// this process with its built-in `text`, `math` and `notes` servers.
pub async fn connect() -> Result<(Connectors, Guard), BoxError> {
    let guard = start_gateway().await?;
    let client = match guard.embedded() {
        // The environment still sets timeouts and retries; address and key are the gateway's.
        Some(gateway) => Connectors::builder()
            .with_env()
            .base_url(gateway.url())
            .api_key(gateway.api_key())
            .tenant_id(gateway.tenant_id())
            .build()?,
        None => Connectors::from_env()?,
    };
    Ok((client, guard))
}

/// Sets up tracing, then starts the in-process gateway unless `CONNECTORS_BASE_URL` names
/// one; prints which gateway is used (never the key).
pub async fn start_gateway() -> Result<Guard, BoxError> {
    init_tracing();
    if let Some(url) = env_value(connectors::config::ENV_BASE_URL) {
        println!(
            "Gateway: {} (from CONNECTORS_BASE_URL)",
            without_userinfo(&url)
        );
        return Ok(Guard { gateway: None });
    }
    let profile: Profile = match env_value(ENV_PROFILE) {
        Some(name) => name.parse().map_err(|e| format!("{ENV_PROFILE}: {e}"))?,
        None => Profile::default(),
    };
    let gateway = Gateway::builder().profile(profile).spawn().await?;
    EVERYTHING_OFFERED.store(profile == Profile::Full, Ordering::Relaxed);
    println!(
        "Gateway: in-process reference gateway ({} profile) at {} (set CONNECTORS_BASE_URL to use another)",
        profile.name(),
        gateway.url()
    );
    Ok(Guard {
        gateway: Some(gateway),
    })
}

/// Sets up tracing from `CONNECTORS_LOG`, on stderr; nothing is logged when it is unset.
pub fn init_tracing() {
    let Ok(filter) = std::env::var(ENV_LOG) else {
        return;
    };
    match tracing_subscriber::EnvFilter::try_new(filter.trim()) {
        Ok(filter) => {
            // stderr: stdout may be carrying MCP (see `mcp_server_name`).
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .try_init();
        }
        Err(e) => eprintln!("warning: {ENV_LOG} is not a tracing filter ({e}); logging stays off"),
    }
}

/// The MCP server to deploy, and how to describe it.
///
/// With the in-process gateway this is the example's own executable started as
/// `<example> mcp-server notes`: a real stdio process, without needing anything
/// installed. Against another gateway it is `CONNECTORS_EXAMPLE_MCP_COMMAND` (default
/// `npx -y @modelcontextprotocol/server-memory`), which must run where that gateway runs.
pub fn mcp_server_source(guard: &Guard) -> Result<(Source, String), BoxError> {
    if guard.embedded().is_some() {
        let exe = std::env::current_exe()?;
        let shown = exe
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| exe.display().to_string());
        let source = Source::stdio(exe.to_string_lossy(), ["mcp-server", EMBEDDED_MCP_SERVER]);
        return Ok((
            source,
            format!("{shown} mcp-server {EMBEDDED_MCP_SERVER} (this example's own executable)"),
        ));
    }
    let line = env_value(ENV_MCP_COMMAND).unwrap_or_else(|| DEFAULT_MCP_COMMAND.to_string());
    let mut words = line.split_whitespace();
    let command = words.next().ok_or(format!("{ENV_MCP_COMMAND} is empty"))?;
    let args: Vec<&str> = words.collect();
    Ok((Source::stdio(command, args.iter().copied()), line.clone()))
}

/// Whether [`mcp_server_source`] deploys the built-in `notes` server, whose tools are
/// known without asking the gateway (which may not list a deployed server's tools).
pub fn deploys_notes(guard: &Guard) -> bool {
    guard.embedded().is_some()
        || env_value(ENV_MCP_COMMAND)
            .is_some_and(|c| c.ends_with(&format!("mcp-server {EMBEDDED_MCP_SERVER}")))
}

/// The built-in server to serve when this process was started as
/// `<example> mcp-server <name>` (by a gateway deploying [`mcp_server_source`]).
pub fn mcp_server_name() -> Option<String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (Some("mcp-server"), Some(name)) => Some(name),
        _ => None,
    }
}

/// Serves built-in server `name` over stdin/stdout until stdin closes. Nothing else may
/// be written to stdout meanwhile: it carries MCP.
pub async fn serve_mcp_server(name: &str) -> ExitCode {
    init_tracing();
    match connectors_gateway::serve_builtin_stdio(name).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcp-server {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The exit code for an example's result; an error is printed with its causes.
pub fn exit(result: Result<(), BoxError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// The value of a step that this gateway may not offer: `Some` when it answered, `None`
/// (after saying so in one line) when the refusal is a limit of the gateway ([`limit`]);
/// any other failure, and any refusal where [`everything_offered`], is the example's error.
pub fn offered<T>(result: Result<T, Error>) -> Result<Option<T>, BoxError> {
    refused(None, result)
}

/// [`offered`] for a call of the tool `tool_id`, which the line names.
pub fn ran<T>(tool_id: &str, result: Result<T, Error>) -> Result<Option<T>, BoxError> {
    refused(Some(tool_id), result)
}

fn refused<T>(tool_id: Option<&str>, result: Result<T, Error>) -> Result<Option<T>, BoxError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) => match limit(&e) {
            Some(what) if !everything_offered() => {
                match tool_id {
                    Some(tool_id) => not_offered(&format!("{tool_id}: {what}")),
                    None => not_offered(&what),
                }
                Ok(None)
            }
            _ => Err(e.into()),
        },
    }
}

/// How many times [`not_offered`] spoke, for an example's last line.
static NOT_OFFERED: AtomicUsize = AtomicUsize::new(0);

/// Says in one line what this gateway does not do.
pub fn not_offered(what: &str) {
    NOT_OFFERED.fetch_add(1, Ordering::Relaxed);
    println!("(not offered by this gateway: {what})");
}

/// The last line of an example: done, and what the gateway did not do, if anything.
pub fn done(started: std::time::Instant) {
    let seconds = started.elapsed().as_secs_f64();
    match NOT_OFFERED.load(Ordering::Relaxed) {
        0 => println!("\nDone in {seconds:.1} s: every step ran."),
        n => println!(
            "\nDone in {seconds:.1} s; {n} step(s) not offered by this gateway, each said above."
        ),
    }
}

/// What `error` says the gateway does not do, when it is a limit of the gateway rather
/// than a fault: an operation it has no route for, a tool it runs only with OAuth
/// credentials that were not stored, a selection it cannot make.
pub fn limit(error: &Error) -> Option<String> {
    if let Error::NotOffered { operation, .. } = error {
        return Some(format!("{operation}, it has no route for it"));
    }
    if error.needs_oauth_credentials() {
        // The integration is not taken from the error: its context may be scrubbed of
        // the call's arguments. The example has just said which tool it called.
        return Some(
            "running it needs OAuth credentials of this tenant for its integration, and the gateway has none (401 OAUTH_AUTHENTICATION_FAILED)".into(),
        );
    }
    if error.code() == Some("TOOL_SELECTION_FAILED") {
        let status = error.status().map_or(0, |s| s.as_u16());
        return Some(format!(
            "tool selection, it failed ({status} TOOL_SELECTION_FAILED)"
        ));
    }
    None
}

/// What the gateway offers this client, found out before an example uses it.
#[derive(Debug)]
pub struct Offer {
    /// Every tool of its catalog, all pages (the original gateway's is empty).
    pub catalog: Vec<ToolSelection>,
    /// The integrations this tenant stored an OAuth configuration for (empty when the
    /// gateway cannot say).
    pub oauth_configured: Vec<String>,
}

impl Offer {
    /// The catalog's tool `tool_id`, if it has it.
    pub fn tool(&self, tool_id: &str) -> Option<&ToolSelection> {
        self.catalog.iter().find(|t| t.tool_id == tool_id)
    }

    /// Whether the gateway may run `tool_id`: it is in the catalog, or the tenant stored
    /// an OAuth configuration for its integration (the original gateway can run such a
    /// tool although its catalog is empty). When neither, says so in one line; where
    /// [`everything_offered`] that is an error.
    pub fn may_run(&self, tool_id: &str) -> Result<bool, BoxError> {
        let integration = tool_id
            .split_once('.')
            .map_or(tool_id, |(server, _)| server);
        if self.tool(tool_id).is_some() || self.oauth_configured.iter().any(|i| i == integration) {
            return Ok(true);
        }
        if everything_offered() {
            return Err(format!("the catalog has no {tool_id}").into());
        }
        not_offered(&format!(
            "{tool_id}, which is not in its catalog, and no OAuth configuration of this tenant names {integration}"
        ));
        Ok(false)
    }

    /// Whether the gateway runs `tool_id` for this client, found out with one call of
    /// `arguments`: a gateway that will not run it is said once, not in every call an
    /// example makes next. A tool's own error result counts as running.
    pub async fn runs(
        &self,
        client: &Connectors,
        tool_id: &str,
        arguments: serde_json::Value,
    ) -> Result<bool, BoxError> {
        if !self.may_run(tool_id)? {
            return Ok(false);
        }
        let probe = client.tools().invoke(tool_id, arguments).await;
        Ok(ran(tool_id, probe)?.is_some())
    }
}

/// Lists the gateway's catalog and the integrations this tenant stored OAuth
/// configurations for, and says what it found in a few lines.
pub async fn discover(client: &Connectors) -> Result<Offer, BoxError> {
    let catalog: Vec<ToolSelection> = client.tools().list().stream().try_collect().await?;
    let mut servers: Vec<&str> = catalog
        .iter()
        .filter_map(|t| t.tool_id.split_once('.').map(|(server, _)| server))
        .collect();
    servers.sort_unstable();
    servers.dedup();
    if catalog.is_empty() {
        println!("catalog: empty (nothing to select from)");
    } else {
        println!("catalog: {} tools of {}", catalog.len(), servers.join(", "));
    }
    // The gateway uses a tenant's OAuth configuration to get the credentials that the
    // tools of an integration need; a client without a tenant id cannot ask.
    // The original gateway shows every tenant's custom servers; the SDK keeps this
    // tenant's and counts the others.
    let others = client.mcp().custom().await?.other_tenants;
    if others > 0 {
        println!("custom servers of other tenants: {others}, left out (this gateway shows them)");
    }
    let mut oauth_configured = Vec::new();
    if client.config().tenant_id().is_some()
        && let Some(listed) = offered(client.tenants().integrations().await)?
    {
        let configured = match listed.integrations.is_empty() {
            true => "none".to_string(),
            false => listed.integrations.join(", "),
        };
        println!(
            "OAuth configured for tenant {}: {configured}",
            listed.tenant_id
        );
        oauth_configured = listed.integrations;
    }
    Ok(Offer {
        catalog,
        oauth_configured,
    })
}

/// A heading, so that a person can follow the steps of the output.
pub fn heading(title: &str) {
    println!("\n== {title}");
}

/// `url` without a user name or password, to print it.
fn without_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// A variable's value; empty counts as unset, as in `connectors::config`.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Removes server `name` when an earlier run against the same gateway failed half-way
/// and left it behind; no such server is the usual case. Only a server of this tenant is
/// removed: the original gateway lists other tenants' servers too, and lets anyone remove
/// them.
pub async fn remove_leftover(client: &Connectors, name: &str) -> Result<(), BoxError> {
    let custom = client.mcp().custom().await?;
    if custom.servers.iter().any(|s| s.name == name) {
        client.mcp().remove(name).await?;
        println!("(removed the server {name} left by an earlier run)");
    }
    Ok(())
}
