//! The command line of `connectors-contract`.
//!
//! [`parse`] reads it (with [`clap`]) into a [`Command`]; `connectors-contract --help`
//! prints every option.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use crate::diff::Severity;
use crate::runner::{Options, ReportFormat};

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the suite.
    Run(Options),
    /// Serve a built-in MCP server over stdin/stdout.
    McpServer(String),
    /// Check a spec against what the SDK's generator can take.
    Lint(PathBuf),
    /// Compare two versions of a spec.
    Diff(DiffCommand),
}

/// `connectors-contract diff OLD NEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffCommand {
    /// The spec a client was written against.
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Print JSON instead of text.
    pub json: bool,
    /// Exit 1 when a change is at least this severe.
    pub fail_on: Option<Severity>,
}

/// Parses the arguments (without the program name) over `base` (the environment's options).
///
/// `-h`/`--help` and a bad command line are both an [`Err`]: [`clap::Error::exit`] prints
/// the help to stdout and exits 0, or prints the error and the usage to stderr and exits 2.
pub fn parse<I, T>(args: I, base: Options) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args = std::iter::once(OsString::from("connectors-contract"))
        .chain(args.into_iter().map(Into::into));
    Ok(Cli::try_parse_from(args)?.into_command(base))
}

// The command line; the doc comments of its fields are its help.
#[derive(Debug, Parser)]
#[command(
    name = "connectors-contract",
    about = "Calls every operation of openapi.yaml through the connectors SDK and validates every
response body against the spec. Prints one line per operation and a summary.

Without --url or CONNECTORS_BASE_URL, the reference gateway is started in-process and
every operation runs. Against a gateway given by address, the run is read-only unless
writes are allowed.",
    override_usage = "connectors-contract [--url URL] [--allow-writes] [--only OP[,OP...]]
                           [--deploy-command \"PROGRAM ARGS...\"] [--events-wait SECONDS]
                           [--report junit=PATH] [--report json=PATH] [--seed N]
                           [--second-key KEY]
       connectors-contract lint SPEC
       connectors-contract diff OLD NEW [--format text|json] [--fail-on breaking|warning]
       connectors-contract mcp-server <text|math|notes>",
    after_help = "ENVIRONMENT: CONNECTORS_API_KEY and CONNECTORS_TENANT_ID (required with a gateway address),
CONNECTORS_BASE_URL, CONNECTORS_TIMEOUT, CONNECTORS_MAX_RETRIES; CONNECTORS_LOG (a tracing
filter, e.g. connectors=debug; or RUST_LOG) logs to stderr.

EXIT STATUS: 0 nothing failed, 1 an operation failed, 2 the run could not start.",
    disable_help_subcommand = true,
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Subcommands>,
    /// The gateway (default: CONNECTORS_BASE_URL)
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Also deploy and remove an MCP server, invoke its tools,
    /// create/update/delete an identity and an OAuth configuration
    /// (or set CONNECTORS_CONTRACT_ALLOW_WRITES=1); all removed at the end
    #[arg(long, verbatim_doc_comment)]
    allow_writes: bool,
    /// Only these operations (operationIds of openapi.yaml); repeatable
    #[arg(long, value_name = "OP,OP", action = ArgAction::Append)]
    only: Vec<String>,
    /// The stdio MCP server to deploy, split on spaces; default: this
    /// executable with `mcp-server notes`, which only works when the
    /// gateway runs on this machine
    #[arg(long, value_name = "CMD", value_parser = non_empty_command, verbatim_doc_comment)]
    deploy_command: Option<String>,
    /// How long to listen to the event stream (default 2)
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    events_wait: Option<Duration>,
    /// Also write the results as JUnit XML (junit=PATH) or as JSON
    /// (json=PATH, schema: connectors-contract's report.schema.json);
    /// repeatable
    #[arg(long, value_name = "FORMAT=PATH", value_parser = report_target, action = ArgAction::Append, verbatim_doc_comment)]
    report: Vec<(ReportFormat, PathBuf)>,
    /// Fixes every name and value the run generates (default: random,
    /// printed at the end so a run can be repeated)
    #[arg(long, value_name = "N", verbatim_doc_comment)]
    seed: Option<u64>,
    /// Another tenant's API key (or CONNECTORS_CONTRACT_SECOND_API_KEY):
    /// once a request of its own succeeds, every route that takes an id
    /// or a tenant is tried with it against the first tenant's resources,
    /// and must be refused (403, or 404 as for a missing resource). Prefer
    /// the variable: a command line is visible to other users
    #[arg(long, value_name = "KEY", verbatim_doc_comment)]
    second_key: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Subcommands {
    /// Check a spec against what the connectors SDK's generator (progenitor) can take;
    /// every problem at once. Exit 0 clean, 1 problems, 2 unreadable
    Lint {
        /// The OpenAPI document (YAML or JSON)
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
    },
    /// List what NEW changes for a client of OLD: breaking changes, warnings, additions.
    /// Exit 0, or 1 when --fail-on is met, 2 when a spec is unreadable
    Diff {
        /// The spec clients were written against
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The new version
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Exit 1 when a change is this severe or worse
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
    },
    /// Serve a built-in MCP server over stdio (what the run deploys)
    McpServer {
        /// The server: text, math or notes
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
}

impl Cli {
    fn into_command(self, base: Options) -> Command {
        match self.command {
            Some(Subcommands::McpServer { name }) => return Command::McpServer(name),
            Some(Subcommands::Lint { spec }) => return Command::Lint(spec),
            Some(Subcommands::Diff {
                old,
                new,
                format,
                fail_on,
            }) => {
                return Command::Diff(DiffCommand {
                    old,
                    new,
                    json: matches!(format, DiffFormat::Json),
                    fail_on: fail_on.map(|f| match f {
                        FailOn::Breaking => Severity::Breaking,
                        FailOn::Warning => Severity::Warning,
                    }),
                });
            }
            None => {}
        }
        let mut options = base;
        if let Some(url) = self.url {
            options.url = Some(url);
        }
        options.allow_writes |= self.allow_writes;
        if !self.only.is_empty() {
            let ids = self.only.iter().flat_map(|list| list.split(','));
            options.only.get_or_insert_with(Vec::new).extend(
                ids.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
        if let Some(command) = self.deploy_command {
            options.deploy_command = Some(command.split_whitespace().map(str::to_string).collect());
        }
        if let Some(wait) = self.events_wait {
            options.events_wait = wait;
        }
        options.reports.extend(self.report);
        if self.seed.is_some() {
            options.seed = self.seed;
        }
        if self.second_key.is_some() {
            options.second_key = self.second_key;
        }
        Command::Run(options)
    }
}

/// `--deploy-command`: a program, then its arguments, separated by spaces.
fn non_empty_command(value: &str) -> Result<String, String> {
    match value.split_whitespace().next() {
        Some(_) => Ok(value.to_string()),
        None => Err("the command is empty".into()),
    }
}

/// `--report`: `junit=PATH` or `json=PATH`.
fn report_target(value: &str) -> Result<(ReportFormat, PathBuf), String> {
    let (format, path) = value
        .split_once('=')
        .ok_or_else(|| "expected junit=PATH or json=PATH".to_string())?;
    let format = match format.trim() {
        "junit" => ReportFormat::Junit,
        "json" => ReportFormat::Json,
        other => {
            return Err(format!(
                "unknown report format `{other}`: use junit or json"
            ));
        }
    };
    if path.trim().is_empty() {
        return Err("the report needs a path".into());
    }
    Ok((format, PathBuf::from(path)))
}

/// `--events-wait`: seconds, 0 to 3600.
fn seconds(value: &str) -> Result<Duration, String> {
    value
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| "expected seconds, 0 to 3600".to_string())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn run(list: &[&str]) -> Options {
        match parse(list.iter().copied(), Options::default()) {
            Ok(Command::Run(options)) => options,
            other => panic!("{list:?}: {other:?}"),
        }
    }

    fn error(list: &[&str]) -> ErrorKind {
        match parse(list.iter().copied(), Options::default()) {
            Err(e) => e.kind(),
            Ok(command) => panic!("{list:?}: {command:?}"),
        }
    }

    #[test]
    fn options_and_commands() {
        let options = run(&[
            "--url",
            "http://gw:3000",
            "--allow-writes",
            "--only",
            "getHealth, listTools",
            "--deploy-command",
            "/usr/bin/notes  --stdio",
        ]);
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
            parse(["mcp-server", "notes"], Options::default()),
            Ok(Command::McpServer(name)) if name == "notes"
        ));
        assert_eq!(error(&["--url"]), ErrorKind::InvalidValue);
        assert_eq!(error(&["--bogus"]), ErrorKind::UnknownArgument);
        assert_eq!(error(&["mcp-server"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(error(&["--help"]), ErrorKind::DisplayHelp);
        assert_eq!(error(&["-h"]), ErrorKind::DisplayHelp);
    }

    #[test]
    fn reports_seed_second_key_and_the_spec_commands() {
        let options = run(&[
            "--report",
            "junit=out/j.xml",
            "--report=json=r.json",
            "--seed",
            "42",
            "--second-key",
            "ck_other",
        ]);
        assert_eq!(
            options.reports,
            vec![
                (ReportFormat::Junit, PathBuf::from("out/j.xml")),
                (ReportFormat::Json, PathBuf::from("r.json")),
            ]
        );
        assert_eq!(options.seed, Some(42));
        assert_eq!(options.second_key.as_deref(), Some("ck_other"));
        for bad in ["xml=a", "junit=", "junit"] {
            assert_eq!(
                error(&["--report", bad]),
                ErrorKind::ValueValidation,
                "{bad}"
            );
        }
        assert!(matches!(
            parse(["lint", "openapi.yaml"], Options::default()),
            Ok(Command::Lint(path)) if path == Path::new("openapi.yaml")
        ));
        let Ok(Command::Diff(diff)) = parse(
            [
                "diff",
                "a.yaml",
                "b.yaml",
                "--format",
                "json",
                "--fail-on",
                "warning",
            ],
            Options::default(),
        ) else {
            panic!("diff");
        };
        assert_eq!(diff.old, PathBuf::from("a.yaml"));
        assert!(diff.json);
        assert_eq!(diff.fail_on, Some(Severity::Warning));
        assert_eq!(
            error(&["diff", "a.yaml"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            error(&["diff", "a", "b", "--fail-on", "addition"]),
            ErrorKind::InvalidValue
        );
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(
            run(&["--events-wait", "0.5"]).events_wait,
            Duration::from_millis(500)
        );
        assert_eq!(run(&[]).events_wait, Options::default().events_wait);
        for bad in ["-1", "3601", "NaN", "soon"] {
            let arg = format!("--events-wait={bad}");
            assert_eq!(error(&[&arg]), ErrorKind::ValueValidation, "{bad}");
        }
        assert_eq!(
            error(&["--deploy-command", "  "]),
            ErrorKind::ValueValidation
        );
        // --only adds up, and an empty list is still a list.
        assert_eq!(
            run(&["--only", "getHealth", "--only=listTools,"]).only,
            Some(vec!["getHealth".to_string(), "listTools".to_string()])
        );
        assert_eq!(run(&["--only="]).only, Some(vec![]));
        assert_eq!(run(&[]).only, None);
    }

    #[test]
    fn the_environment_is_the_base() {
        let base = Options {
            url: Some("http://from-env".into()),
            allow_writes: true,
            ..Options::default()
        };
        let Ok(Command::Run(options)) = parse(Vec::<String>::new(), base.clone()) else {
            panic!();
        };
        assert_eq!(options.url.as_deref(), Some("http://from-env"));
        assert!(options.allow_writes);
        let Ok(Command::Run(options)) = parse(["--url", "http://from-args"], base) else {
            panic!();
        };
        assert_eq!(options.url.as_deref(), Some("http://from-args"));
    }

    #[test]
    fn options_take_their_value_after_an_equals_sign_or_as_the_next_argument() {
        let joined = run(&[
            "--url=http://gw:3000",
            "--only=getHealth,listTools",
            "--deploy-command=/usr/bin/notes --stdio",
            "--events-wait=1.5",
        ]);
        let split = run(&[
            "--url",
            "http://gw:3000",
            "--only",
            "getHealth,listTools",
            "--deploy-command",
            "/usr/bin/notes --stdio",
            "--events-wait",
            "1.5",
        ]);
        for options in [joined, split] {
            assert_eq!(options.url.as_deref(), Some("http://gw:3000"));
            assert_eq!(
                options.only,
                Some(vec!["getHealth".to_string(), "listTools".to_string()])
            );
            assert_eq!(
                options.deploy_command,
                Some(vec!["/usr/bin/notes".to_string(), "--stdio".to_string()])
            );
            assert_eq!(options.events_wait, Duration::from_millis(1500));
        }
    }

    #[test]
    fn help_lists_every_option_and_command() {
        Cli::command().debug_assert();
        // What `--help` prints.
        let help = parse(["--help"], Options::default())
            .unwrap_err()
            .to_string();
        for arg in Cli::command().get_arguments() {
            let long = format!("--{}", arg.get_long().unwrap());
            assert!(help.contains(&long), "{long} missing from:\n{help}");
        }
        for text in [
            "-h, --help",
            "mcp-server",
            "CONNECTORS_CONTRACT_ALLOW_WRITES=1",
            "the reference gateway is started in-process",
            "CONNECTORS_API_KEY and CONNECTORS_TENANT_ID",
            "CONNECTORS_LOG",
            "EXIT STATUS: 0 nothing failed, 1 an operation failed, 2 the run could not start.",
        ] {
            assert!(help.contains(text), "{text} missing from:\n{help}");
        }
        // -h prints the same.
        let short = parse(["-h"], Options::default()).unwrap_err();
        assert_eq!(short.to_string(), help);
    }
}
