//! `connectors-mcp-servers <text|math|notes> [--http ADDR]`
//!
//! Runs one built-in MCP server over stdio (default) or streamable HTTP. Logs go to stderr
//! (filter with `CONNECTORS_LOG` or `RUST_LOG`); in stdio mode stdout carries only MCP messages.

use std::{io::Write, net::SocketAddr, process::ExitCode};

use connectors_mcp_servers::{Builtin, MCP_PATH, serve_http, serve_stdio};

const USAGE: &str = "\
usage: connectors-mcp-servers <SERVER> [--http ADDR]

Runs a built-in MCP server over stdio, or over streamable HTTP with --http.

SERVER:
  text    word_count, find, transform, base64_encode, base64_decode
  math    evaluate, statistics, count_primes (with progress notifications)
  notes   add_note, get_note, list_notes, search_notes, delete_note (in memory)

OPTIONS:
  --http ADDR   listen on ADDR (e.g. 127.0.0.1:8080, or a bare port for 127.0.0.1:PORT;
                port 0 picks a free port) and print 'listening on http://ADDR/mcp'
  -h, --help    show this help

Logs go to stderr; set CONNECTORS_LOG or RUST_LOG (e.g. debug) to change verbosity.";

#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Serve {
        builtin: Builtin,
        http: Option<SocketAddr>,
    },
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = value.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    value
        .parse()
        .map_err(|_| format!("invalid --http address '{value}' (expected e.g. 127.0.0.1:8080)"))
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut builtin = None;
    let mut http = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--http" => {
                let value = args
                    .next()
                    .ok_or("--http needs an address, e.g. 127.0.0.1:8080")?;
                http = Some(parse_addr(&value)?);
            }
            _ if arg.starts_with("--http=") => {
                http = Some(parse_addr(&arg["--http=".len()..])?);
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option '{arg}'")),
            _ if builtin.is_some() => return Err(format!("unexpected argument '{arg}'")),
            _ => builtin = Some(arg.parse::<Builtin>().map_err(|e| e.to_string())?),
        }
    }
    let builtin = builtin.ok_or("missing SERVER (text, math or notes)")?;
    Ok(Command::Serve { builtin, http })
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

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(builtin: Builtin, http: Option<SocketAddr>) -> Result<(), String> {
    match http {
        None => {
            tracing::info!(server = builtin.name(), "serving MCP over stdio");
            let reason = serve_stdio(builtin).await.map_err(|e| e.to_string())?;
            tracing::info!(?reason, "stdio session ended");
            Ok(())
        }
        Some(addr) => {
            let (local, handle) = serve_http(builtin, addr)
                .await
                .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on http://{local}{MCP_PATH}")
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))?;
            drop(stdout);
            let stop = handle.cancellation_token();
            tokio::select! {
                _ = shutdown_signal() => {
                    tracing::info!("shutting down");
                    stop.cancel();
                }
                _ = stop.cancelled() => {}
            }
            handle.shutdown().await.map_err(|e| e.to_string())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (builtin, http) = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Serve { builtin, http } => (builtin, http),
    };
    init_logging();
    match run(builtin, http).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_arguments() {
        assert_eq!(
            parse(&["math"]),
            Ok(Command::Serve {
                builtin: Builtin::Math,
                http: None
            })
        );
        assert_eq!(
            parse(&["notes", "--http", "127.0.0.1:0"]),
            Ok(Command::Serve {
                builtin: Builtin::Notes,
                http: Some("127.0.0.1:0".parse().unwrap())
            })
        );
        assert_eq!(
            parse(&["--http=8080", "text"]),
            Ok(Command::Serve {
                builtin: Builtin::Text,
                http: Some("127.0.0.1:8080".parse().unwrap())
            })
        );
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert!(parse(&[]).is_err());
        assert!(parse(&["math", "text"]).is_err());
        assert!(parse(&["math", "--http"]).is_err());
        assert!(parse(&["math", "--http", "nowhere"]).is_err());
        assert!(parse(&["math", "--verbose"]).is_err());
        assert!(parse(&["geometry"]).is_err());
    }
}
