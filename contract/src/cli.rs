//! The command line of `connectors-contract`.

use std::time::Duration;

use crate::runner::Options;

/// The help text.
pub const USAGE: &str = "\
usage: connectors-contract [--url URL] [--allow-writes] [--only OP[,OP...]]
                           [--deploy-command \"PROGRAM ARGS...\"] [--events-wait SECONDS]
       connectors-contract mcp-server <text|math|notes>

Calls every operation of openapi.yaml through the connectors SDK and validates every
response body against the spec. Prints one line per operation and a summary.

Without --url or CONNECTORS_BASE_URL, the reference gateway is started in-process and
every operation runs. Against a gateway given by address, the run is read-only unless
writes are allowed.

OPTIONS:
  --url URL                 the gateway (default: CONNECTORS_BASE_URL)
  --allow-writes            also deploy and remove an MCP server, invoke its tools,
                            create/update/delete an identity and an OAuth configuration
                            (or set CONNECTORS_CONTRACT_ALLOW_WRITES=1); all removed at the end
  --only OP,OP              only these operations (operationIds of openapi.yaml)
  --deploy-command \"CMD\"    the stdio MCP server to deploy, split on spaces; default: this
                            executable with `mcp-server notes`, which only works when the
                            gateway runs on this machine
  --events-wait SECONDS     how long to listen to the event stream (default 2)
  -h, --help                show this help

COMMANDS:
  mcp-server NAME           serve a built-in MCP server over stdio (what the run deploys)

ENVIRONMENT: CONNECTORS_API_KEY and CONNECTORS_TENANT_ID (required with a gateway address),
CONNECTORS_BASE_URL, CONNECTORS_TIMEOUT, CONNECTORS_MAX_RETRIES; CONNECTORS_LOG (a tracing
filter, e.g. connectors=debug) logs to stderr.

EXIT STATUS: 0 nothing failed, 1 an operation failed, 2 the run could not start.";

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the suite.
    Run(Options),
    /// Serve a built-in MCP server over stdin/stdout.
    McpServer(String),
    /// Print [`USAGE`].
    Help,
}

/// Parses the arguments (without the program name) over `base` (the environment's options).
pub fn parse(args: impl IntoIterator<Item = String>, base: Options) -> Result<Command, String> {
    let mut options = base;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "mcp-server" => return Ok(Command::McpServer(value("mcp-server")?)),
            "--url" => options.url = Some(value("--url")?),
            "--allow-writes" => options.allow_writes = true,
            "--only" => {
                let list = value("--only")?;
                let ids = list.split(',').map(|s| s.trim().to_string());
                options
                    .only
                    .get_or_insert_with(Vec::new)
                    .extend(ids.filter(|s| !s.is_empty()));
            }
            "--deploy-command" => {
                let command: Vec<String> = value("--deploy-command")?
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                if command.is_empty() {
                    return Err("--deploy-command is empty".into());
                }
                options.deploy_command = Some(command);
            }
            "--events-wait" => {
                let raw = value("--events-wait")?;
                let seconds: f64 = raw
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
                    .ok_or(format!(
                        "invalid --events-wait `{raw}` (seconds, 0 to 3600)"
                    ))?;
                options.events_wait = Duration::from_secs_f64(seconds);
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Command::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_and_commands() {
        let parsed = parse(
            args(&[
                "--url",
                "http://gw:3000",
                "--allow-writes",
                "--only",
                "getHealth, listTools",
                "--deploy-command",
                "/usr/bin/notes  --stdio",
            ]),
            Options::default(),
        );
        let Ok(Command::Run(options)) = parsed else {
            panic!("{parsed:?}");
        };
        assert_eq!(options.url.as_deref(), Some("http://gw:3000"));
        assert!(options.allow_writes);
        assert_eq!(
            options.only,
            Some(vec!["getHealth".to_string(), "listTools".to_string()])
        );
        assert_eq!(
            options.deploy_command,
            Some(vec!["/usr/bin/notes".to_string(), "--stdio".to_string()])
        );
        assert!(matches!(
            parse(args(&["mcp-server", "notes"]), Options::default()),
            Ok(Command::McpServer(name)) if name == "notes"
        ));
        assert!(parse(args(&["--url"]), Options::default()).is_err());
        assert!(parse(args(&["--bogus"]), Options::default()).is_err());
    }
}
