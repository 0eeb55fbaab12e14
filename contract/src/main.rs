//! `connectors-contract`: contract-tests a Connectors gateway against openapi.yaml.
//!
//! ```text
//! connectors-contract [--url URL] [--allow-writes] [--only OP,OP] [--deploy-command "CMD ARGS"]
//! connectors-contract lint SPEC
//! connectors-contract diff OLD NEW [--format text|json] [--fail-on breaking|warning]
//! connectors-contract mcp-server <text|math|notes>
//! ```
//!
//! `CONNECTORS_LOG` (a `tracing` filter, e.g. `connectors=debug`; else `RUST_LOG`) turns on
//! logs to stderr. `--help` lists every option.

use std::path::Path;
use std::process::ExitCode;

use connectors_contract::cli::{self, Command, DiffCommand};
use connectors_contract::runner::{self, Options};
use connectors_mcp_servers::logging;

fn main() -> ExitCode {
    // `--help` (exit 0) and usage errors (exit 2) end here.
    let command =
        cli::parse(std::env::args_os().skip(1), Options::from_env()).unwrap_or_else(|e| e.exit());
    match command {
        Command::Lint(spec) => return lint(&spec),
        Command::Diff(diff) => return spec_diff(&diff),
        _ => {}
    }
    // Silent unless CONNECTORS_LOG (or RUST_LOG) asks: stdout is the report, or MCP.
    logging::init("off");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match command {
        // Stdout carries MCP in this mode: nothing else may be printed there.
        Command::McpServer(name) => {
            match runtime.block_on(connectors_gateway::serve_builtin_stdio(&name)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Run(options) => {
            let reports = options.reports.clone();
            match runtime.block_on(runner::run(options)) {
                Ok(report) => {
                    println!("{report}");
                    for (format, path) in &reports {
                        if let Err(e) = report.write(*format, path) {
                            eprintln!("error: cannot write the report {}: {e}", path.display());
                            return ExitCode::from(2);
                        }
                    }
                    ExitCode::from(report.exit_code())
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Lint(_) | Command::Diff(_) => ExitCode::from(2),
    }
}

/// Reads and parses a spec; the error is printed as is.
fn read_spec(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    connectors_spec_lint::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `lint SPEC`: every problem, one a line; exit 1 when there is one.
fn lint(path: &Path) -> ExitCode {
    let spec = match read_spec(path) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let problems = connectors_spec_lint::check(&spec);
    for problem in &problems {
        println!("{}: {problem}", path.display());
    }
    match problems.len() {
        0 => {
            println!("{}: no problems", path.display());
            ExitCode::SUCCESS
        }
        n => {
            println!("{}: {n} problem(s)", path.display());
            ExitCode::FAILURE
        }
    }
}

/// `diff OLD NEW`: the changes, as text or JSON; exit 1 when `--fail-on` is met.
fn spec_diff(command: &DiffCommand) -> ExitCode {
    let (old, new) = match (read_spec(&command.old), read_spec(&command.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let diff = connectors_contract::diff::diff(&old, &new);
    if command.json {
        match serde_json::to_string_pretty(&diff.to_json()) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        println!("{diff}");
    }
    match command.fail_on {
        Some(threshold) if diff.fails(threshold) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}
