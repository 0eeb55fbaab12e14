//! The `names` server: tools with the awkward names a gateway can hold, for tests of
//! tool-name mapping (function-calling names, tool ids in URLs, unicode, length limits).
//!
//! Every tool just echoes: a call answers, as structured content and as the same JSON in
//! a text item, `{"tool": <the tool's exact name>, "arguments": <the arguments as
//! received, {} when absent>, "call": <n>}`, where `n` counts the calls of that tool this
//! server has answered (clones share the counts; one stdio process is one server). When
//! the request carries a `_meta` (a progress token, a tenant, `traceparent` and
//! `tracestate`, ..), the echo also has `"meta": <the request's _meta>`.
//!
//! When [`CALL_LOG_ENV`] names a file, every call also appends one JSON line
//! `{"tool": <name>, "arguments": <arguments>}` to it, so a test can count the calls that
//! reached the server even when the server is a child process of a gateway.
//!
//! When [`CALL_DELAY_ENV`] holds a number of milliseconds, every call is counted and
//! logged as it arrives (its effect happens at once) and answered only after that delay:
//! a slow tool with a visible side effect, for tests of timeouts and retries.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
        ToolAnnotations,
    },
    service::RequestContext,
};
use serde_json::{Value, json};

/// Environment variable naming a file to which every call appends one JSON line.
pub const CALL_LOG_ENV: &str = "CONNECTORS_NAMES_CALL_LOG";

/// Environment variable holding a delay in milliseconds before every call is answered
/// (the call is counted and logged first).
pub const CALL_DELAY_ENV: &str = "CONNECTORS_NAMES_CALL_DELAY_MS";

/// The 80-character tool name: `a_very_long_tool_name_` repeated and cut to 80 characters.
pub const LONG_TOOL_NAME: &str =
    "a_very_long_tool_name_a_very_long_tool_name_a_very_long_tool_name_a_very_long_to";

/// Every tool name of the server, in the order `tools/list` returns them.
pub const TOOL_NAMES: [&str; 9] = [
    "get.user",
    "get_user",
    "Get-User",
    "files/read",
    "files.read",
    "get user",
    "données.lire",
    "UPPER",
    LONG_TOOL_NAME,
];

/// A string property `value` (required), described as `what`.
fn value_schema(what: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            "value": { "type": "string", "description": what }
        },
        "required": ["value"]
    })
}

/// The tool definitions, in the order of [`TOOL_NAMES`].
fn tools() -> Vec<Tool> {
    let schema = |value: Value| match value {
        Value::Object(map) => Arc::new(map),
        _ => unreachable!("schemas are objects"),
    };
    let output = schema(json!({
        "type": "object",
        "properties": {
            "tool": { "type": "string", "description": "The exact name of the tool called." },
            "arguments": { "type": "object", "description": "The arguments as received." },
            "call": { "type": "integer", "description": "How many calls of this tool this server has answered, this one included." },
            "meta": { "type": "object", "description": "The request's `_meta` as received, when it has one." }
        },
        "required": ["tool", "arguments", "call"]
    }));
    let tool = |name: &'static str, description: &'static str, input: Value| {
        Tool::new(name, description, schema(input)).with_raw_output_schema(output.clone())
    };
    vec![
        tool(
            "get.user",
            "Looks up a user profile by user id (a dotted tool name); echoes its arguments.",
            value_schema("The id of the user to look up."),
        )
        .annotate(ToolAnnotations::with_title("Get user (dotted)").read_only(true)),
        tool(
            "get_user",
            "Fetches one user account record by login name (a snake_case tool name); echoes its arguments.",
            value_schema("The login name of the account."),
        ),
        tool(
            "Get-User",
            "Retrieves a directory user entry by email address (a mixed-case, hyphenated tool name); echoes its arguments.",
            value_schema("The email address of the directory entry."),
        ),
        tool(
            "files/read",
            "Reads a file's contents by path (a tool name with a slash); echoes its arguments.",
            json!({
                "type": "object",
                "properties": {
                    "path": { "type": "string", "description": "The path of the file to read." },
                    "encoding": { "type": "string", "description": "Text encoding (default utf-8)." }
                },
                "required": ["path"]
            }),
        )
        .annotate(ToolAnnotations::new().read_only(true)),
        tool(
            "files.read",
            "Opens a document from the file store and returns its text (a dotted tool name that differs from files/read only by its separator); echoes its arguments.",
            value_schema("The document's name in the file store."),
        ),
        tool(
            "get user",
            "Finds a person in the staff list by full name (a tool name with a space); echoes its arguments.",
            value_schema("The person's full name."),
        ),
        tool(
            "données.lire",
            "Lit un enregistrement de données par clé (a unicode tool name, French for data.read); echoes its arguments.",
            value_schema("La clé de l'enregistrement."),
        ),
        tool(
            "UPPER",
            "Repeats a shout a number of times (an all-capitals tool name, with an integer argument); echoes its arguments.",
            json!({
                "type": "object",
                "properties": {
                    "count": { "type": "integer", "minimum": 0, "description": "How many times to repeat." },
                    "value": { "type": "string", "description": "What to repeat (optional)." }
                },
                "required": ["count"]
            }),
        ),
        tool(
            LONG_TOOL_NAME,
            "Archives an old support ticket by ticket number (a tool name of 80 characters, longer than most function-calling APIs accept); echoes its arguments.",
            value_schema("The number of the ticket to archive."),
        ),
    ]
}

/// The `names` MCP server. Clones share the call counts and the call log.
#[derive(Clone)]
pub struct NamesServer {
    tools: Arc<Vec<Tool>>,
    calls: Arc<Mutex<HashMap<String, u64>>>,
    call_log: Option<Arc<CallLog>>,
    /// How long each answer waits after the call is counted.
    delay: Option<Duration>,
}

#[derive(Debug)]
struct CallLog {
    path: PathBuf,
    /// Serializes this process's appends (each line is one `write` on an append-mode file).
    lock: Mutex<()>,
}

impl CallLog {
    fn append(&self, tool: &str, arguments: &Value) -> std::io::Result<()> {
        let mut line = json!({ "tool": tool, "arguments": arguments }).to_string();
        line.push('\n');
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?
            .write_all(line.as_bytes())
    }
}

impl Default for NamesServer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for NamesServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamesServer")
            .field("call_log", &self.call_log_path())
            .finish_non_exhaustive()
    }
}

impl NamesServer {
    /// Creates a server that logs calls to the file named by [`CALL_LOG_ENV`] (read now),
    /// if it is set and not empty, and answers after [`CALL_DELAY_ENV`]'s delay, if it is
    /// a number of milliseconds (anything else is no delay, with a warning).
    pub fn new() -> Self {
        let path = std::env::var_os(CALL_LOG_ENV).filter(|p| !p.is_empty());
        let delay = std::env::var(CALL_DELAY_ENV)
            .ok()
            .filter(|d| !d.trim().is_empty())
            .and_then(|d| match d.trim().parse::<u64>() {
                Ok(ms) => Some(Duration::from_millis(ms)),
                Err(_) => {
                    tracing::warn!(
                        "{CALL_DELAY_ENV}={d:?} is not a number of milliseconds; no delay"
                    );
                    None
                }
            });
        Self::with_call_log(path.map(PathBuf::from)).with_delay(delay)
    }

    /// The same server answering each call `delay` after counting it (none when `None`).
    pub fn with_delay(mut self, delay: Option<Duration>) -> Self {
        self.delay = delay;
        self
    }

    /// Creates a server that appends a JSON line per call to `path` (none when `None`),
    /// whatever the environment says.
    pub fn with_call_log(path: Option<PathBuf>) -> Self {
        Self {
            tools: Arc::new(tools()),
            calls: Arc::default(),
            call_log: path.map(|path| {
                Arc::new(CallLog {
                    path,
                    lock: Mutex::new(()),
                })
            }),
            delay: None,
        }
    }

    /// The file calls are logged to, if any.
    pub fn call_log_path(&self) -> Option<&Path> {
        self.call_log.as_deref().map(|log| log.path.as_path())
    }

    /// The echo of a call of `tool` (a name of [`TOOL_NAMES`]), counted and logged; with
    /// the request's `_meta` when `meta` is a non-empty object.
    fn answer(&self, tool: &str, arguments: Value, meta: Value) -> CallToolResult {
        if let Some(log) = &self.call_log
            && let Err(e) = log.append(tool, &arguments)
        {
            let message = format!("cannot append to the call log {}: {e}", log.path.display());
            tracing::warn!("{message}");
            return CallToolResult::error(vec![ContentBlock::text(message)]);
        }
        let call = {
            let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
            let count = calls.entry(tool.to_string()).or_insert(0);
            *count += 1;
            *count
        };
        let mut echo = json!({ "tool": tool, "arguments": arguments, "call": call });
        if meta.as_object().is_some_and(|m| !m.is_empty()) {
            echo["meta"] = meta;
        }
        CallToolResult::structured(echo)
    }
}

impl ServerHandler for NamesServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "connectors-names",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(
                "Tools with awkward names (dots, slashes, spaces, unicode, capitals, 80 characters) \
                 for testing tool-name mapping. Every tool echoes its name and arguments.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if !self.tools.iter().any(|t| t.name == request.name) {
            return Err(ErrorData::invalid_params(
                format!("unknown tool '{}'", request.name),
                None,
            ));
        }
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        // rmcp hands the request's `_meta` to the handler in its context.
        let meta = serde_json::to_value(&context.meta).unwrap_or_default();
        // Counted and logged first: the call's effect happens even if it is then cancelled.
        let answer = self.answer(&request.name, arguments, meta);
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        Ok(answer.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_have_the_listed_names_required_properties_and_distinct_descriptions() {
        assert_eq!(LONG_TOOL_NAME.len(), 80);
        assert_eq!(
            LONG_TOOL_NAME,
            &"a_very_long_tool_name_".repeat(4)[..80],
            "the repeated phrase cut to 80"
        );
        let tools = tools();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(names, TOOL_NAMES);
        let mut descriptions: Vec<&str> = tools
            .iter()
            .map(|t| t.description.as_deref().unwrap())
            .collect();
        descriptions.sort_unstable();
        descriptions.dedup();
        assert_eq!(descriptions.len(), tools.len());
        for tool in &tools {
            let required = tool.input_schema["required"].as_array().unwrap();
            assert!(!required.is_empty(), "{}", tool.name);
            for property in required {
                let property = property.as_str().unwrap();
                assert!(
                    tool.input_schema["properties"].get(property).is_some(),
                    "{}: {property}",
                    tool.name
                );
            }
        }
    }

    #[test]
    fn calls_are_counted_per_tool_and_logged() {
        let dir =
            std::env::temp_dir().join(format!("connectors-names-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("calls.jsonl");
        let _ = std::fs::remove_file(&log);
        let server = NamesServer::with_call_log(Some(log.clone()));
        let clone = server.clone();
        let first = server.answer("get.user", json!({ "value": "ada" }), json!({}));
        let second = clone.answer("get.user", json!({ "value": "bob" }), Value::Null);
        let traced =
            json!({ "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
        let other = server.answer("UPPER", json!({ "count": 2 }), traced.clone());
        assert_eq!(first.structured_content.unwrap()["call"], 1);
        assert_eq!(
            second.structured_content.unwrap(),
            json!({ "tool": "get.user", "arguments": { "value": "bob" }, "call": 2 })
        );
        assert_eq!(
            other.structured_content.unwrap(),
            json!({ "tool": "UPPER", "arguments": { "count": 2 }, "call": 1, "meta": traced })
        );
        let lines: Vec<Value> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                json!({ "tool": "get.user", "arguments": { "value": "ada" } }),
                json!({ "tool": "get.user", "arguments": { "value": "bob" } }),
                json!({ "tool": "UPPER", "arguments": { "count": 2 } }),
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
