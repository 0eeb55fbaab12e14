//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use connectors::function_calling::Provider;

/// The Connectors gateway from the shell, and as one MCP server for any MCP host.
///
/// Configuration comes from the flags, else from CONNECTORS_BASE_URL, CONNECTORS_API_KEY,
/// CONNECTORS_TENANT_ID (and the SDK's other CONNECTORS_* variables).
#[derive(Debug, Parser)]
#[command(name = "connectors", version, propagate_version = true, after_help = crate::exit::HELP)]
pub struct Cli {
    /// The gateway's base URL (default: CONNECTORS_BASE_URL, else http://localhost:3000).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The API key (default: CONNECTORS_API_KEY). Prefer the variable: a flag is visible
    /// to other users of the machine in the process list.
    #[arg(long, global = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// The tenant id (default: CONNECTORS_TENANT_ID).
    #[arg(long, global = true, value_name = "ID")]
    pub tenant: Option<String>,
    /// Print one JSON document on stdout instead of tables (see the README for its shape).
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The areas of the gateway.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The gateway's health and version.
    Health {
        /// Every check of the gateway (detailed health), not only its status.
        #[arg(long)]
        detailed: bool,
    },
    /// Select, list, show and invoke tools.
    #[command(subcommand)]
    Tools(ToolsCommand),
    /// MCP servers: list, inspect, add, remove, and `serve` the gateway as one MCP server.
    #[command(subcommand)]
    Mcp(McpCommand),
    /// Deployments of custom MCP servers.
    #[command(subcommand)]
    Deployments(DeploymentsCommand),
    /// Follow the gateway's event stream (deployments and server status) until interrupted.
    Events {
        /// Only the events of this deployment.
        #[arg(long, value_name = "ID")]
        deployment: Option<String>,
    },
    /// Identities (users, teams, service accounts) of the tenant.
    #[command(subcommand)]
    Identities(IdentitiesCommand),
    /// The tenant's OAuth configuration of an integration.
    #[command(subcommand, name = "oauth-config")]
    OauthConfig(OauthCommand),
    /// Prints a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `connectors tools ...`
#[derive(Debug, Subcommand)]
pub enum ToolsCommand {
    /// The tools that fit a request, ranked, with scores and reasons (or, with --format,
    /// as function definitions for a model).
    Select {
        /// What the tools are for, in words.
        query: String,
        #[command(flatten)]
        filters: SelectFilters,
        /// Print the provider's `tools` array (function definitions with their input
        /// schemas) instead of the ranking.
        #[arg(long, value_name = "PROVIDER", value_parser = provider_parser())]
        format: Option<Provider>,
    },
    /// The tool catalog: one page, or every tool with --all (or, with --format, as
    /// function definitions for a model).
    List {
        /// Only tools of this category.
        #[arg(long)]
        category: Option<String>,
        /// Only tools of this server.
        #[arg(long)]
        server: Option<String>,
        /// Only tools matching this text.
        #[arg(long)]
        search: Option<String>,
        /// Tools per page.
        #[arg(long, value_name = "N")]
        page_size: Option<u64>,
        /// Tools to skip.
        #[arg(long, value_name = "N")]
        offset: Option<u64>,
        /// Every page.
        #[arg(long, conflicts_with = "offset")]
        all: bool,
        /// Print the provider's `tools` array (function definitions with their input
        /// schemas) instead of the table; every page unless --page-size or --offset is
        /// given.
        #[arg(long, value_name = "PROVIDER", value_parser = provider_parser())]
        format: Option<Provider>,
    },
    /// Runs the tool calls a model made, read on stdin (an OpenAI `tool_calls` array,
    /// assistant message or response; Anthropic `tool_use` blocks, `content` array or
    /// message; OpenAI Responses output items), and prints the result messages as JSON.
    ///
    /// The function names are mapped back to tool ids through the same set of tools the
    /// model was given: pass the selector that printed it (`--query` with the same
    /// filters for `tools select --format`, `--server` for `tools list --server
    /// --format`, or `--tools`); without one, the whole catalog.
    #[command(group(clap::ArgGroup::new("set").multiple(false).args(["query", "tools", "server"])))]
    Run {
        /// The provider's shape of the calls and of the results.
        #[arg(long, value_name = "PROVIDER", value_parser = provider_parser())]
        format: Provider,
        /// The model was given the tools the gateway selects for this query (with the
        /// filters below, as `tools select QUERY --format` printed them).
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// The model was given exactly these tools (comma-separated ids, in this order).
        #[arg(long, value_delimiter = ',', value_name = "ID,ID..")]
        tools: Vec<String>,
        /// The model was given this server's tools (as `tools list --server NAME
        /// --format` printed them).
        #[arg(long, value_name = "NAME")]
        server: Option<String>,
        #[command(flatten)]
        filters: SelectFilters,
    },
    /// One tool with its schema.
    Get {
        /// The tool id (`server.tool`).
        id: String,
    },
    /// The tool categories with their tool counts.
    Categories,
    /// Tools related to a tool in the gateway's relation graph, strongest first.
    Related {
        /// The tool id (`server.tool`).
        id: String,
    },
    /// Invokes several tools in one request: a JSON array of `{"toolId": ID, "args": {...}}`,
    /// `@FILE` or `-`. Each call succeeds or fails on its own, in order.
    Batch {
        /// The calls.
        #[arg(long, value_name = "JSON|@FILE|-")]
        calls: String,
    },
    /// Invokes a tool.
    Invoke {
        /// The tool id (`server.tool`).
        id: String,
        /// The arguments: a JSON object, `@FILE` to read it from a file, or `-` for stdin.
        #[arg(long, value_name = "JSON|@FILE|-", default_value = "{}")]
        args: String,
        /// Stream the invocation (progress on stderr while it runs).
        #[arg(long)]
        stream: bool,
        /// Re-send with this idempotency key, as an outcome-unknown error (exit 10) printed
        /// it: a gateway that honours keys answers with the first outcome; one that ignores
        /// them (the original) runs the tool again, so the error says which applies.
        #[arg(long, value_name = "KEY", conflicts_with = "stream")]
        idempotency_key: Option<String>,
    },
}

/// The filters of a selection, shared by `tools select` and `mcp serve --select`.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct SelectFilters {
    /// At most this many tools (1 to 100).
    #[arg(long, value_name = "N")]
    pub max_tools: Option<u32>,
    /// Only tools of these categories (repeat or separate with commas).
    #[arg(long, value_delimiter = ',')]
    pub category: Vec<String>,
    /// Never tools of these servers (repeat or separate with commas).
    #[arg(long, value_delimiter = ',', value_name = "SERVER")]
    pub exclude_server: Vec<String>,
    /// Tokens the selected tool definitions may cost (100 to 100000).
    #[arg(long, value_name = "TOKENS")]
    pub token_budget: Option<u32>,
}

/// `connectors mcp ...`
#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// The MCP servers of the gateway.
    List,
    /// One server: what the gateway knows about it, and its health.
    Info {
        /// The server's name.
        name: String,
    },
    /// The health of the gateway's MCP service.
    Health,
    /// The tools of one server, with their input schemas.
    Tools {
        /// The server's name.
        name: String,
    },
    /// Deploys a custom MCP server.
    Add(AddServer),
    /// Removes a custom MCP server.
    Remove {
        /// The server's name.
        name: String,
    },
    /// Serves the gateway as one MCP server, over stdio (default) or streamable HTTP.
    Serve(ServeArgs),
}

/// `connectors mcp add ...`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["stdio", "http", "github", "docker"])))]
pub struct AddServer {
    /// The server's name (`^[a-z0-9-]+$`); its tools are `NAME.tool`.
    pub name: String,
    /// Its category, which tool selection can filter on.
    #[arg(long)]
    pub category: String,
    /// A description of the server.
    #[arg(long)]
    pub description: Option<String>,
    /// A command to run, then its arguments (put it last: everything after it is an argument).
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "CMD [ARGS]...")]
    pub stdio: Vec<String>,
    /// The URL of a streamable HTTP MCP server.
    #[arg(long, value_name = "URL")]
    pub http: Option<String>,
    /// A GitHub repository to build the server from.
    #[arg(long, value_name = "URL")]
    pub github: Option<String>,
    /// A Docker image to run.
    #[arg(long, value_name = "IMAGE")]
    pub docker: Option<String>,
    /// An environment variable of a stdio or Docker server, `KEY=VALUE` (repeat it); the
    /// value is never printed.
    #[arg(long, value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// A header sent to an HTTP server, `NAME=VALUE` (repeat it); the value is never printed.
    #[arg(long, value_name = "NAME=VALUE")]
    pub header: Vec<String>,
    /// Wait until the deployment is ready (progress on stderr).
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
}

/// `connectors mcp serve ...`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio: PORT or localhost:PORT
    /// listen on 127.0.0.1 only; IP:PORT on that address (0.0.0.0:PORT: every interface,
    /// which needs --token).
    #[arg(long, value_name = "ADDR", value_parser = crate::bridge_http::parse_http_addr)]
    pub http: Option<std::net::SocketAddr>,
    /// With --http: the bearer token every request must carry (`Authorization: Bearer
    /// TOKEN`); required when ADDR is not loopback. Default: CONNECTORS_MCP_TOKEN. Prefer
    /// the variable: a flag is visible to other users of the machine in the process list.
    #[arg(long, value_name = "TOKEN", requires = "http")]
    pub token: Option<String>,
    /// With --http: a browser origin allowed besides the server's own
    /// (`scheme://host[:port]`, e.g. http://localhost:5173); repeat it for more. Requests
    /// with any other `Origin` are refused (403).
    #[arg(long, value_name = "ORIGIN", requires = "http")]
    pub allow_origin: Vec<String>,
    /// Static mode: expose exactly these tools (comma-separated ids).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID,ID..",
        conflicts_with = "select"
    )]
    pub tools: Vec<String>,
    /// Static mode: expose the tools the gateway selects for this query.
    #[arg(long, value_name = "QUERY")]
    pub select: Option<String>,
    /// Most tools the host sees (the host's cap, e.g. 40 for Cursor). In dynamic mode the
    /// least recently used found tools drop out to stay under it.
    #[arg(long, value_name = "N")]
    pub max_tools: Option<u32>,
    /// Tokens the selected definitions may cost (with --select).
    #[arg(long, value_name = "TOKENS")]
    pub token_budget: Option<u32>,
    /// Don't follow the gateway's events to refresh the exposed tools.
    #[arg(long)]
    pub no_events: bool,
}

/// `connectors deployments ...`
#[derive(Debug, Subcommand)]
pub enum DeploymentsCommand {
    /// The tenant's deployments, newest first.
    List {
        /// At most this many.
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
    },
    /// A deployment's status.
    Status {
        /// The deployment id.
        id: String,
    },
    /// A deployment's log lines.
    Logs {
        /// The deployment id.
        id: String,
        /// Only the last N lines.
        #[arg(long, value_name = "N")]
        tail: Option<u64>,
    },
    /// Waits until a deployment is ready (progress on stderr).
    Wait {
        /// The deployment id.
        id: String,
        /// How long to wait, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        timeout: u64,
    },
}

/// `connectors identities ...`
#[derive(Debug, Subcommand)]
pub enum IdentitiesCommand {
    /// Every identity of the tenant.
    List {
        /// Only this type (user, team, service_account, ...).
        #[arg(long = "type", value_name = "TYPE")]
        kind: Option<String>,
    },
    /// One identity.
    Get {
        /// The identity id.
        id: String,
    },
    /// Creates an identity.
    Create {
        /// Its type (user, team, service_account, ...).
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        /// Its name.
        #[arg(long)]
        name: String,
    },
    /// Changes an identity: a JSON object of the fields to change (name, email,
    /// description, members, metadata), `@FILE` or `-`.
    Update {
        /// The identity id.
        id: String,
        /// The changes.
        #[arg(long, value_name = "JSON|@FILE|-")]
        changes: String,
    },
    /// Deletes an identity.
    Delete {
        /// The identity id.
        id: String,
    },
}

/// `connectors oauth-config ...`
#[derive(Debug, Subcommand)]
pub enum OauthCommand {
    /// The integrations of the tenant and whether each has an OAuth configuration.
    List,
    /// One integration's configuration (the client secret is never shown).
    Get {
        /// The integration.
        integration: String,
    },
    /// Sets an integration's configuration from a JSON object (clientId, clientSecret,
    /// authEndpoint, tokenEndpoint, redirectUri, scopes), `@FILE` or `-` (stdin, so the
    /// secret stays out of the shell's history).
    Set {
        /// The integration.
        integration: String,
        /// The configuration.
        #[arg(long, value_name = "JSON|@FILE|-")]
        config: String,
    },
    /// Deletes an integration's configuration.
    Delete {
        /// The integration.
        integration: String,
    },
}

/// `--format`: `openai`, `anthropic` or `openai-responses`, parsed by the SDK.
fn provider_parser() -> impl clap::builder::TypedValueParser<Value = Provider> {
    clap::builder::PossibleValuesParser::new(Provider::ALL.map(Provider::name))
        .try_map(|format| format.parse::<Provider>().map_err(|e| e.to_string()))
}

/// Reads `JSON|@FILE|-`: inline text, a file's contents, or stdin.
pub fn read_json_arg(value: &str) -> Result<serde_json::Value, String> {
    let text = if value == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("could not read stdin: {e}"))?;
        text
    } else if let Some(path) = value.strip_prefix('@') {
        let path = PathBuf::from(path);
        std::fs::read_to_string(&path)
            .map_err(|e| format!("could not read {}: {e}", path.display()))?
    } else {
        value.to_string()
    };
    // serde_json's message names line and column, never the text (it may hold secrets).
    serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))
}
