//! `connectors`: the Connectors gateway from the shell, and `connectors mcp serve`, the
//! gateway as one MCP server for any MCP host. Everything goes through the `connectors`
//! SDK, so both inherit its retries, exactly-once rules and errors.
//!
//! See the crate's README for the commands, the `--json` documents and the exit codes.

mod args;
mod bridge;
mod bridge_checks;
mod bridge_http;
mod bridge_stdio;
mod commands;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use connectors::Connectors;

use crate::args::{Cli, Command, McpCommand, ServeArgs};
use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "connectors",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    // `mcp serve` over stdio serves one host, and each of its calls passes through several
    // tasks (rmcp's loop, the call's handler, hyper's connection, the output writer) that
    // do little work each. On one thread a hand-off is a queue push; a multi-threaded
    // runtime wakes a parked worker for it (a futex and a context switch, then a wait for
    // a core on a busy machine). Measured with `cargo bench -p connectors-cli --bench
    // bridge`: see cli/benches/README.md. The HTTP server keeps the worker pool: it may
    // serve many clients at once.
    let one_thread =
        matches!(&cli.command, Command::Mcp(McpCommand::Serve(serve)) if serve.http.is_none());
    let mut builder = if one_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            return Failure::usage(format!("could not start the async runtime: {e}")).report(json);
        }
    };
    let outcome = runtime.block_on(run(cli));
    // A read of stdin or a write to stdout on the blocking pool cannot be cancelled (an
    // MCP host that stopped reading, or keeps stdin open after the bridge closed the
    // connection): don't wait for it to exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match outcome {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => failure.report(json),
    }
}

/// The client of the flags, else of the CONNECTORS_* variables.
fn client(cli: &Cli) -> Result<Connectors, connectors::Error> {
    let mut builder = Connectors::builder().with_env();
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(key) = &cli.api_key {
        builder = builder.api_key(key.clone());
    }
    if let Some(tenant) = &cli.tenant {
        builder = builder.tenant_id(tenant.clone());
    }
    builder.build()
}

async fn run(cli: Cli) -> commands::Outcome {
    let client = client(&cli)?;
    let json = cli.json;
    match cli.command {
        Command::Health { detailed } => commands::health(&client, detailed, json).await,
        Command::Tools(command) => commands::tools(&client, command, json).await,
        Command::Mcp(McpCommand::Serve(serve)) => serve_mcp(client, serve).await,
        Command::Mcp(command) => commands::mcp(&client, command, json).await,
        Command::Deployments(command) => commands::deployments(&client, command, json).await,
        Command::Events { deployment } => commands::events(&client, deployment, json).await,
        Command::Identities(command) => commands::identities(&client, command, json).await,
        Command::OauthConfig(command) => commands::oauth(&client, command, json).await,
        Command::Completions { .. } => Ok(()),
    }
}

async fn serve_mcp(client: Connectors, serve: ServeArgs) -> commands::Outcome {
    let max_tools = serve.max_tools.map(|n| n as usize);
    let mode = if !serve.tools.is_empty() {
        bridge::Mode::Tools(serve.tools)
    } else if let Some(query) = serve.select {
        bridge::Mode::Select {
            query,
            filters: args::SelectFilters {
                max_tools: serve.max_tools,
                token_budget: serve.token_budget,
                ..Default::default()
            },
        }
    } else {
        if serve.token_budget.is_some() {
            return Err(Failure::usage(
                "--token-budget applies to --select; in dynamic mode find_tools takes token_budget",
            ));
        }
        bridge::Mode::Dynamic
    };
    match (&mode, max_tools) {
        (_, Some(0)) => return Err(Failure::usage("--max-tools must be at least 1")),
        (bridge::Mode::Dynamic, Some(1 | 2)) => {
            return Err(Failure::usage(
                "--max-tools must be at least 3 in dynamic mode: find_tools and call_tool count, and one found tool",
            ));
        }
        _ => {}
    }
    // Who may call the HTTP server: refused here, before anything else, when it would
    // listen beyond this machine without a token.
    let policy = match serve.http {
        Some(addr) => Some(
            bridge_http::HttpPolicy::from_args(
                addr,
                bridge_http::token_from(serve.token),
                &serve.allow_origin,
            )
            .map_err(Failure::usage)?,
        ),
        None => None,
    };
    // The key and the gateway, checked now: a problem is said on stderr, and kept for the
    // server's instructions and the tool calls' errors.
    let status = bridge_checks::check_gateway(&client).await;
    status.report();
    bridge_checks::gateway_watch().set(status);
    let bridge = bridge::Bridge::new(client, mode, max_tools, !serve.no_events).await?;
    let served = match (serve.http, policy) {
        (Some(addr), Some(policy)) => bridge::serve_http(bridge, addr, policy).await,
        _ => bridge::serve_stdio(bridge).await,
    };
    served.map_err(|message| Failure {
        code: exit::OTHER,
        kind: "Serve".into(),
        message,
    })
}
