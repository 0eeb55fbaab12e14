//! `connectors-contract`: contract-tests a Connectors gateway against openapi.yaml.
//!
//! ```text
//! connectors-contract [--url URL] [--allow-writes] [--only OP,OP] [--deploy-command "CMD ARGS"]
//! connectors-contract mcp-server <text|math|notes>
//! ```
//!
//! `CONNECTORS_LOG` (a `tracing` filter, e.g. `connectors=debug`; else `RUST_LOG`) turns on
//! logs to stderr. `--help` lists every option.

use std::process::ExitCode;

use connectors_contract::cli::{self, Command};
use connectors_contract::runner::{self, Options};
use connectors_mcp_servers::logging;

fn main() -> ExitCode {
    // `--help` (exit 0) and usage errors (exit 2) end here.
    let command =
        cli::parse(std::env::args_os().skip(1), Options::from_env()).unwrap_or_else(|e| e.exit());
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
        Command::Run(options) => match runtime.block_on(runner::run(options)) {
            Ok(report) => {
                println!("{report}");
                ExitCode::from(report.exit_code())
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}
