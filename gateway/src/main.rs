//! `connectors-gateway`: the reference Connectors gateway.
//!
//! ```text
//! connectors-gateway [--config FILE] [--bind ADDR] [--port PORT]
//! connectors-gateway mcp-server <text|math|notes>
//! ```

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use connectors_gateway::{Config, Gateway};

const USAGE: &str = "\
usage: connectors-gateway [--config FILE] [--bind ADDR] [--port PORT]
       connectors-gateway mcp-server <text|math|notes>

Serves the Connectors gateway API (openapi.yaml) with real MCP servers underneath.

OPTIONS:
  --config FILE   JSON configuration (API keys, MCP servers, quotas); without one, the
                  built-in servers run in-process and a development key is printed
  --bind ADDR     address to listen on: an IP (default 127.0.0.1) or IP:PORT
  --port PORT     port to listen on (default 3000; 0 picks a free port)
  -h, --help      show this help

COMMANDS:
  mcp-server NAME serve a built-in MCP server (text, math, notes) over stdio

Environment: CONNECTORS_GATEWAY_API_KEYS=key=tenant[,key=tenant] adds API keys;
CONNECTORS_LOG (or RUST_LOG) sets the log filter (default info). Logs go to stderr.";

enum Command {
    Help,
    McpServer(String),
    Serve {
        config: Option<PathBuf>,
        bind: Option<String>,
        port: Option<u16>,
    },
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut config = None;
    let mut bind = None;
    let mut port = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "mcp-server" => {
                let name = value("mcp-server")?;
                return Ok(Command::McpServer(name));
            }
            "--config" => config = Some(PathBuf::from(value("--config")?)),
            "--bind" => bind = Some(value("--bind")?),
            "--port" => {
                let raw = value("--port")?;
                port = Some(raw.parse().map_err(|_| format!("invalid --port '{raw}'"))?);
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    Ok(Command::Serve { config, bind, port })
}

fn address(bind: Option<String>, port: Option<u16>) -> Result<SocketAddr, String> {
    let bind = bind.unwrap_or_else(|| "127.0.0.1".to_string());
    if let Ok(mut addr) = bind.parse::<SocketAddr>() {
        if let Some(port) = port {
            addr.set_port(port);
        }
        return Ok(addr);
    }
    let ip: IpAddr = bind
        .parse()
        .map_err(|_| format!("invalid --bind '{bind}' (expected an IP or IP:PORT)"))?;
    Ok(SocketAddr::new(ip, port.unwrap_or(3000)))
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn serve(
    config: Option<PathBuf>,
    bind: Option<String>,
    port: Option<u16>,
) -> Result<(), String> {
    let config = match &config {
        Some(path) => Config::from_file(path).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    let config = config.with_env_keys().map_err(|e| e.to_string())?;
    let addr = address(bind, port)?;
    let gateway = Gateway::builder()
        .config(config)
        .bind(addr)
        .spawn()
        .await
        .map_err(|e| e.to_string())?;
    println!("Connectors gateway listening on {}", gateway.url());
    if gateway.key_was_generated() {
        println!(
            "Development API key (tenant '{}'): {}",
            gateway.tenant_id(),
            gateway.api_key()
        );
        println!("  export CONNECTORS_API_KEY={}", gateway.api_key());
    }
    println!(
        "Try: curl -H 'Authorization: Bearer <key>' {}/api/v1/tools/list",
        gateway.url()
    );
    shutdown_signal().await;
    tracing::info!("shutting down");
    gateway.shutdown().await;
    Ok(())
}

fn init_logging() {
    // CONNECTORS_LOG is the workspace's filter variable; RUST_LOG still works.
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONNECTORS_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1).collect()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::McpServer(name) => {
            init_logging();
            runtime
                .block_on(connectors_gateway::serve_builtin_stdio(&name))
                .map_err(|e| e.to_string())
        }
        Command::Serve { config, bind, port } => {
            init_logging();
            runtime.block_on(serve(config, bind, port))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
