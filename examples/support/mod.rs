//! Shared by the examples (`mod support;`): a client of the configured gateway, or of a
//! reference gateway started in-process when none is configured; tracing from
//! `CONNECTORS_LOG`; and the MCP server the examples deploy.
//!
//! Cargo does not build this directory as an example of its own (it has no `main.rs`).

// Each example uses a different part of this module.
#![allow(dead_code)]

use std::io::IsTerminal;
use std::process::ExitCode;

use connectors::Connectors;
use connectors::mcp::Source;
use connectors_gateway::{Gateway, Profile, RunningGateway};

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

/// The value of a step that this gateway may not offer: `Some` when it answered,
/// `None` (after saying so) when it does not offer the operation; any other failure is
/// the example's error.
pub fn offered<T>(result: Result<T, connectors::Error>) -> Result<Option<T>, BoxError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(connectors::Error::NotOffered { operation, .. }) => {
            println!("(not offered by this gateway: {operation})");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
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
/// and left it behind; no such server is the usual case.
pub async fn remove_leftover(client: &Connectors, name: &str) -> Result<(), BoxError> {
    match client.mcp().remove(name).await {
        Ok(_) => println!("(removed the server left by an earlier run)"),
        Err(connectors::Error::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
