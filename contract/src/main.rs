//! `connectors-contract`: contract-tests a Connectors gateway against openapi.yaml.
//!
//! ```text
//! connectors-contract [--url URL] [--allow-writes] [--only OP,OP] [--deploy-command "CMD ARGS"]
//! connectors-contract mcp-server <text|math|notes>
//! ```
//!
//! `CONNECTORS_LOG` (a `tracing` filter, e.g. `connectors=debug`) turns on logs to stderr.

use std::process::ExitCode;

use connectors_contract::cli::{self, Command, USAGE};
use connectors_contract::runner::{self, Options};

/// Logs to stderr with the `CONNECTORS_LOG` filter, when it is set.
fn init_logging() {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("CONNECTORS_LOG") else {
        return;
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

fn main() -> ExitCode {
    init_logging();
    let command = match cli::parse(std::env::args().skip(1), Options::from_env()) {
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
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
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
