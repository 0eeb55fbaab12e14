//! `connectors-mcp-servers <text|math|notes|names> [--http ADDR]`
//!
//! Runs one built-in MCP server over stdio (default) or streamable HTTP. Logs go to stderr
//! (filter with `CONNECTORS_LOG` or `RUST_LOG`); in stdio mode stdout carries only MCP messages.

use std::{io::Write, net::SocketAddr, process::ExitCode};

use clap::Parser;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use connectors_mcp_servers::{Builtin, MCP_PATH, logging, serve_http, serve_stdio};

// The command line; the doc comments of its fields are its help.
#[derive(Debug, PartialEq, Parser)]
#[command(
    name = "connectors-mcp-servers",
    about = "Runs a built-in MCP server over stdio, or over streamable HTTP with --http.",
    override_usage = "connectors-mcp-servers <SERVER> [--http ADDR]",
    after_help = "Logs go to stderr; set CONNECTORS_LOG or RUST_LOG (e.g. debug) to change verbosity.",
    args_override_self = true
)]
struct Cli {
    /// The server to run:
    /// text    word_count, find, transform, base64_encode, base64_decode
    /// math    evaluate, statistics, count_primes (with progress notifications)
    /// notes   add_note, get_note, list_notes, search_notes, delete_note (in memory)
    /// names   echo tools with awkward names (get.user, files/read, get user, ...) for
    ///         tests of tool-name mapping; CONNECTORS_NAMES_CALL_LOG=FILE logs each call
    #[arg(
        value_name = "SERVER",
        value_parser = builtin_parser(),
        ignore_case = true,
        hide_possible_values = true,
        verbatim_doc_comment
    )]
    builtin: Builtin,
    /// Listen on ADDR (e.g. 127.0.0.1:8080, or a bare port for 127.0.0.1:PORT;
    /// port 0 picks a free port) and print 'listening on http://ADDR/mcp'
    #[arg(long, value_name = "ADDR", value_parser = parse_addr, verbatim_doc_comment)]
    http: Option<SocketAddr>,
}

/// SERVER: the name of one of [`Builtin::all`] (case-insensitive).
fn builtin_parser() -> impl TypedValueParser<Value = Builtin> {
    PossibleValuesParser::new(Builtin::all().map(Builtin::name))
        .try_map(|name| name.parse::<Builtin>())
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = value.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    value
        .parse()
        .map_err(|_| format!("invalid address '{value}' (expected e.g. 127.0.0.1:8080)"))
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
    let Cli { builtin, http, .. } = Cli::parse();
    logging::init("info,rmcp=warn");
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
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<(Builtin, Option<SocketAddr>), ErrorKind> {
        let args = std::iter::once("connectors-mcp-servers").chain(args.iter().copied());
        Cli::try_parse_from(args)
            .map(|cli| (cli.builtin, cli.http))
            .map_err(|e| e.kind())
    }

    fn addr(s: &str) -> Option<SocketAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn parses_arguments() {
        assert_eq!(parse(&["math"]), Ok((Builtin::Math, None)));
        assert_eq!(
            parse(&["notes", "--http", "127.0.0.1:0"]),
            Ok((Builtin::Notes, addr("127.0.0.1:0")))
        );
        assert_eq!(
            parse(&["--http=8080", "text"]),
            Ok((Builtin::Text, addr("127.0.0.1:8080")))
        );
        assert_eq!(parse(&["MATH"]), Ok((Builtin::Math, None)));
        assert_eq!(parse(&["names"]), Ok((Builtin::Names, None)));
        // The last --http wins, as with the hand-written parser.
        assert_eq!(
            parse(&["math", "--http", "1", "--http", "2"]),
            Ok((Builtin::Math, addr("127.0.0.1:2")))
        );
        assert_eq!(parse(&["--help"]), Err(ErrorKind::DisplayHelp));
        assert_eq!(parse(&["-h"]), Err(ErrorKind::DisplayHelp));
        assert_eq!(parse(&[]), Err(ErrorKind::MissingRequiredArgument));
        assert_eq!(parse(&["math", "text"]), Err(ErrorKind::UnknownArgument));
        assert_eq!(parse(&["math", "--http"]), Err(ErrorKind::InvalidValue));
        assert_eq!(
            parse(&["math", "--http", "nowhere"]),
            Err(ErrorKind::ValueValidation)
        );
        assert_eq!(
            parse(&["math", "--verbose"]),
            Err(ErrorKind::UnknownArgument)
        );
        assert_eq!(parse(&["geometry"]), Err(ErrorKind::InvalidValue));
    }

    #[test]
    fn options_take_their_value_after_an_equals_sign_or_as_the_next_argument() {
        let expected = Ok((Builtin::Notes, addr("127.0.0.1:9000")));
        assert_eq!(parse(&["notes", "--http=127.0.0.1:9000"]), expected);
        assert_eq!(parse(&["notes", "--http", "127.0.0.1:9000"]), expected);
        assert_eq!(parse(&["--http", "9000", "notes"]), expected);
    }

    #[test]
    fn help_lists_every_option_and_server() {
        Cli::command().debug_assert();
        // What `--help` prints.
        let help = Cli::try_parse_from(["connectors-mcp-servers", "--help"])
            .unwrap_err()
            .to_string();
        for arg in Cli::command().get_arguments() {
            let shown = match arg.get_long() {
                Some(long) => format!("--{long}"),
                None => format!("<{}>", arg.get_value_names().unwrap()[0]),
            };
            assert!(help.contains(&shown), "{shown} missing from:\n{help}");
        }
        for text in [
            "-h, --help",
            "text    word_count, find, transform, base64_encode, base64_decode",
            "math    evaluate, statistics, count_primes (with progress notifications)",
            "notes   add_note, get_note, list_notes, search_notes, delete_note (in memory)",
            "names   echo tools with awkward names",
            "CONNECTORS_NAMES_CALL_LOG=FILE",
            "port 0 picks a free port",
            "CONNECTORS_LOG or RUST_LOG",
        ] {
            assert!(help.contains(text), "{text} missing from:\n{help}");
        }
        // -h prints the same.
        let short = Cli::try_parse_from(["connectors-mcp-servers", "-h"]).unwrap_err();
        assert_eq!(short.to_string(), help);
    }
}
