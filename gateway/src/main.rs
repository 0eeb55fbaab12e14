//! `connectors-gateway`: the reference Connectors gateway.
//!
//! ```text
//! connectors-gateway [--config FILE] [--bind ADDR] [--port PORT] [--profile PROFILE] [--store URL]
//!                    [--embedding-model DIR] [--ranking RANKING]
//! connectors-gateway mcp-server <text|math|notes|names>
//! ```
//!
//! `--help` lists every option; options take their value as `--port 8080` or `--port=8080`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use connectors_gateway::config::EMBEDDING_MODEL_ENV;
use connectors_gateway::{Config, Gateway, Profile, SelectionRanking, StoreLocation};
use connectors_mcp_servers::logging;

// The command line; the doc comments of its fields are its help.
#[derive(Debug, Parser)]
#[command(
    name = "connectors-gateway",
    about = "Serves the Connectors gateway API (openapi.yaml) with real MCP servers underneath.",
    override_usage = "connectors-gateway [--config FILE] [--bind ADDR] [--port PORT] [--profile PROFILE] [--store URL]
                          [--embedding-model DIR] [--ranking RANKING]
       connectors-gateway mcp-server <text|math|notes|names>",
    after_help = "Environment: CONNECTORS_GATEWAY_API_KEYS=key=tenant[,key=tenant] adds API keys;
CONNECTORS_GATEWAY_EMBEDDING_MODEL=DIR is --embedding-model's default;
CONNECTORS_LOG (or RUST_LOG) sets the log filter (default info). Logs go to stderr.",
    disable_help_subcommand = true,
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// JSON configuration (API keys, MCP servers, quotas); without one, the
    /// built-in servers run in-process and a development key is printed
    #[arg(long, value_name = "FILE", verbatim_doc_comment)]
    config: Option<PathBuf>,
    /// Address to listen on: an IP (default 127.0.0.1) or IP:PORT
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// Port to listen on (default 3000; 0 picks a free port)
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
    /// Which gateway to behave as: full (every operation of openapi.yaml, the default) or
    /// connectors-ts (only the original TypeScript gateway's 18 routes, with its measured
    /// behaviour); overrides the config file's "profile"
    #[arg(long, value_name = "PROFILE", value_parser = profile_parser(), verbatim_doc_comment)]
    profile: Option<Profile>,
    /// Where the state replicas share lives: memory (this process, the default) or
    /// redis://HOST[:PORT][/DB], shared by every gateway pointed at it (an Idempotency-Key
    /// runs once between them); overrides the config file's "store"
    #[arg(long, value_name = "URL", value_parser = StoreLocation::parse, verbatim_doc_comment)]
    store: Option<StoreLocation>,
    /// Directory of a sentence model (config.json, tokenizer.json, model.safetensors; e.g.
    /// all-MiniLM-L6-v2): selection finds tools by meaning as well as by words; overrides
    /// CONNECTORS_GATEWAY_EMBEDDING_MODEL and the config file's "embeddingModel"
    #[arg(long, value_name = "DIR", verbatim_doc_comment)]
    embedding_model: Option<PathBuf>,
    /// Which signals rank tools/select: lexical, dense or fused (the default with a model);
    /// overrides the config file's "ranking"
    #[arg(long, value_name = "RANKING", value_parser = ranking_parser(), verbatim_doc_comment)]
    ranking: Option<SelectionRanking>,
}

/// `--ranking`: one of the rankings' names.
fn ranking_parser() -> impl TypedValueParser<Value = SelectionRanking> {
    PossibleValuesParser::new(SelectionRanking::ALL.map(SelectionRanking::name))
        .try_map(|name| name.parse::<SelectionRanking>())
}

/// `--profile`: one of the profiles' names (listed in `--help`, suggested when mistyped).
fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    PossibleValuesParser::new(Profile::ALL.map(Profile::name))
        .try_map(|name| name.parse::<Profile>())
}

#[derive(Debug, PartialEq, Subcommand)]
enum Command {
    /// Serve a built-in MCP server (text, math, notes, names) over stdio
    McpServer {
        /// The server: text, math, notes or names (awkward tool names, for tests)
        #[arg(value_name = "NAME")]
        name: String,
    },
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

/// The URL a client on this machine reaches the gateway at: the bound address, with an
/// unspecified IP (`0.0.0.0`, `::`) replaced by the loopback address of its family.
fn client_url(mut addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    format!("http://{addr}")
}

/// The `export` lines of every variable a client needs, one a line.
fn client_exports(url: &str, api_key: &str, tenant_id: &str) -> String {
    format!(
        "export CONNECTORS_BASE_URL={url}\n\
         export CONNECTORS_API_KEY={api_key}\n\
         export CONNECTORS_TENANT_ID={tenant_id}"
    )
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

async fn serve(cli: Cli) -> Result<(), String> {
    let Cli {
        config,
        bind,
        port,
        profile,
        store,
        embedding_model,
        ranking,
        ..
    } = cli;
    let config = match &config {
        Some(path) => Config::from_file(path).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    let mut config = config.with_env_keys().map_err(|e| e.to_string())?;
    if let Some(profile) = profile {
        config.profile = profile;
    }
    if let Some(store) = store {
        config.store = store;
    }
    // The flag, else the environment, else the file.
    let from_env = std::env::var_os(EMBEDDING_MODEL_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    if let Some(dir) = embedding_model.or(from_env) {
        config.embedding_model = Some(dir);
    }
    if let Some(ranking) = ranking {
        config.ranking = Some(ranking);
    }
    let addr = address(bind, port)?;
    let gateway = Gateway::builder()
        .config(config)
        .bind(addr)
        .spawn()
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Connectors gateway listening on {} (profile {})",
        gateway.url(),
        gateway.profile()
    );
    if gateway.key_was_generated() {
        println!(
            "Development API key (tenant '{}'): {}",
            gateway.tenant_id(),
            gateway.api_key()
        );
        println!("Client environment (paste into a shell):");
        println!(
            "{}",
            client_exports(
                &client_url(gateway.local_addr()),
                gateway.api_key(),
                gateway.tenant_id()
            )
        );
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

async fn run(cli: Cli) -> Result<(), String> {
    match &cli.command {
        Some(Command::McpServer { name }) => connectors_gateway::serve_builtin_stdio(name)
            .await
            .map_err(|e| e.to_string()),
        None => serve(cli).await,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init("info,rmcp=warn");
    let result = tokio::runtime::Runtime::new()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
        .and_then(|runtime| runtime.block_on(run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, ErrorKind> {
        let args = std::iter::once("connectors-gateway").chain(args.iter().copied());
        Cli::try_parse_from(args).map_err(|e| e.kind())
    }

    #[test]
    fn parses_options_and_the_mcp_server_command() {
        let cli = parse(&[]).unwrap();
        assert_eq!(
            (cli.command, cli.config, cli.bind, cli.port, cli.profile),
            (None, None, None, None, None)
        );
        let cli = parse(&["--config", "gw.json", "--bind", "0.0.0.0", "--port", "8080"]).unwrap();
        assert_eq!(cli.config, Some(PathBuf::from("gw.json")));
        assert_eq!(cli.bind.as_deref(), Some("0.0.0.0"));
        assert_eq!(cli.port, Some(8080));
        let cli = parse(&["mcp-server", "notes"]).unwrap();
        assert_eq!(
            cli.command,
            Some(Command::McpServer {
                name: "notes".into()
            })
        );
        // The last value wins, as with the hand-written parser.
        assert_eq!(
            parse(&["--port", "1", "--port", "2"]).unwrap().port,
            Some(2)
        );
        assert_eq!(parse(&["--help"]).err(), Some(ErrorKind::DisplayHelp));
        assert_eq!(parse(&["-h"]).err(), Some(ErrorKind::DisplayHelp));
        assert_eq!(parse(&["--port"]).err(), Some(ErrorKind::InvalidValue));
        assert_eq!(
            parse(&["--port", "http"]).err(),
            Some(ErrorKind::ValueValidation)
        );
        assert_eq!(
            parse(&["--port", "65536"]).err(),
            Some(ErrorKind::ValueValidation)
        );
        assert_eq!(
            parse(&["--verbose"]).err(),
            Some(ErrorKind::UnknownArgument)
        );
        assert_eq!(
            parse(&["mcp-server"]).err(),
            Some(ErrorKind::MissingRequiredArgument)
        );
        assert_eq!(parse(&["serve"]).err(), Some(ErrorKind::InvalidSubcommand));
    }

    #[test]
    fn profile_takes_one_of_the_profile_names() {
        assert_eq!(
            parse(&["--profile", "connectors-ts"]).unwrap().profile,
            Some(Profile::ConnectorsTs)
        );
        assert_eq!(
            parse(&["--profile=full"]).unwrap().profile,
            Some(Profile::Full)
        );
        assert_eq!(
            parse(&["--profile", "connectors"]).err(),
            Some(ErrorKind::InvalidValue)
        );
        let error = Cli::try_parse_from(["connectors-gateway", "--profile", "connector-ts"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("connectors-ts"), "{error}");
    }

    #[test]
    fn options_take_their_value_after_an_equals_sign_or_as_the_next_argument() {
        for args in [
            &["--config=gw.json", "--bind=::1", "--port=0"][..],
            &["--config", "gw.json", "--bind", "::1", "--port", "0"][..],
        ] {
            let cli = parse(args).unwrap();
            assert_eq!(cli.config, Some(PathBuf::from("gw.json")), "{args:?}");
            assert_eq!(cli.bind.as_deref(), Some("::1"), "{args:?}");
            assert_eq!(cli.port, Some(0), "{args:?}");
        }
    }

    #[test]
    fn help_lists_every_option_and_command() {
        Cli::command().debug_assert();
        // What `--help` prints.
        let help = Cli::try_parse_from(["connectors-gateway", "--help"])
            .unwrap_err()
            .to_string();
        for arg in Cli::command().get_arguments() {
            let long = format!("--{}", arg.get_long().unwrap());
            assert!(help.contains(&long), "{long} missing from:\n{help}");
        }
        for text in [
            "-h, --help",
            "mcp-server",
            "development key is printed",
            "0 picks a free port",
            "CONNECTORS_GATEWAY_API_KEYS",
            "CONNECTORS_LOG (or RUST_LOG)",
            "[possible values: full, connectors-ts]",
            "[possible values: lexical, dense, fused]",
            "CONNECTORS_GATEWAY_EMBEDDING_MODEL",
        ] {
            assert!(help.contains(text), "{text} missing from:\n{help}");
        }
        // -h prints the same.
        let short = Cli::try_parse_from(["connectors-gateway", "-h"]).unwrap_err();
        assert_eq!(short.to_string(), help);
    }

    #[test]
    fn the_client_url_reaches_an_unspecified_bind_over_loopback() {
        let url = |addr: &str| client_url(addr.parse().unwrap());
        assert_eq!(url("127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080");
        assert_eq!(url("[::1]:9"), "http://[::1]:9");
        assert_eq!(url("192.168.1.2:3000"), "http://192.168.1.2:3000");
    }

    #[test]
    fn client_exports_are_one_export_line_per_variable() {
        assert_eq!(
            client_exports("http://127.0.0.1:3000", "cgw-dev-abc", "default"),
            "export CONNECTORS_BASE_URL=http://127.0.0.1:3000\n\
             export CONNECTORS_API_KEY=cgw-dev-abc\n\
             export CONNECTORS_TENANT_ID=default"
        );
    }

    #[test]
    fn bind_and_port_make_the_address() {
        let addr = |bind: Option<&str>, port| address(bind.map(str::to_string), port);
        assert_eq!(addr(None, None), Ok("127.0.0.1:3000".parse().unwrap()));
        assert_eq!(
            addr(Some("0.0.0.0"), Some(0)),
            Ok("0.0.0.0:0".parse().unwrap())
        );
        assert_eq!(
            addr(Some("127.0.0.1:8080"), None),
            Ok("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            addr(Some("127.0.0.1:8080"), Some(9)),
            Ok("127.0.0.1:9".parse().unwrap())
        );
        assert!(addr(Some("localhost"), None).is_err());
    }
}
