//! Deferred loading: a catalog too big for a prompt handed to the providers' own tool
//! search, and sets sized to a host's cap.
//!
//! The model first sees only names and descriptions (or a search tool); a schema is
//! loaded when a search finds its tool. Shapes as of the providers' API references in
//! late 2026: Anthropic's `defer_loading` with its server-side search tools or a
//! client-side search answered with `tool_reference` blocks; OpenAI Responses'
//! `tool_search` with `defer_loading` functions grouped in one namespace per server.

use serde_json::{Value, json};

use super::{ToolDefinition, Toolset};

/// The most tools OpenAI takes in one request's `tools` array.
pub const OPENAI_MAX_TOOLS: usize = 128;
/// The most tools VS Code sends a model, its built-in tools included.
pub const VS_CODE_MAX_TOOLS: usize = 128;

/// Who searches an Anthropic catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnthropicSearch {
    /// Anthropic's server-side search with regular expressions
    /// (`tool_search_tool_regex_20251119`).
    Regex,
    /// Anthropic's server-side search in natural language (`tool_search_tool_bm25_20251119`).
    Bm25,
    /// A search tool of your own with this name, taking `{"query": string}`: answer its
    /// calls with [`Toolset::anthropic_search_result`] (the gateway's selection makes a
    /// good search).
    Client {
        /// The search tool's function name.
        name: String,
    },
}

/// Who searches an OpenAI catalog (the Responses API's `tool_search`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenAiSearch {
    /// OpenAI searches (`{"type": "tool_search"}`).
    Hosted,
    /// You search: the model's `tool_search_call` items (with `arguments.query`) are
    /// answered with [`Toolset::openai_search_output`].
    Client,
}

/// The query parameter of a client-side search tool.
fn query_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What the tool should do, in words."}
        },
        "required": ["query"]
    })
}

impl Toolset {
    /// An Anthropic `tools` array that defers every tool but those in `always_loaded`
    /// (tool ids), led by the search tool (never deferred itself).
    ///
    /// ```
    /// use connectors::function_calling::{AnthropicSearch, ToolDefinition, Toolset};
    /// use serde_json::json;
    ///
    /// let toolset = Toolset::new([
    ///     ToolDefinition::new("notes.add_note", "Save a note", json!({"properties": {"title": {"type": "string"}}})),
    ///     ToolDefinition::new("math.evaluate", "Evaluate", json!({"properties": {"expression": {"type": "string"}}})),
    /// ]);
    /// let tools = toolset.anthropic_deferred_tools(&AnthropicSearch::Bm25, &["math.evaluate"]);
    /// assert_eq!(tools[0]["type"], "tool_search_tool_bm25_20251119");
    /// assert_eq!(tools[1]["defer_loading"], true);
    /// assert!(tools[2].get("defer_loading").is_none());
    /// ```
    pub fn anthropic_deferred_tools(
        &self,
        search: &AnthropicSearch,
        always_loaded: &[&str],
    ) -> Value {
        let search_tool = match search {
            AnthropicSearch::Regex => {
                json!({"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"})
            }
            AnthropicSearch::Bm25 => {
                json!({"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"})
            }
            AnthropicSearch::Client { name } => json!({
                "name": name,
                "description": "Search the available tools by what they do; the tools found become callable.",
                "input_schema": query_schema(),
            }),
        };
        let mut tools = vec![search_tool];
        tools.extend(self.definitions().iter().map(|d| {
            let mut entry = d.to_anthropic();
            if !always_loaded.contains(&d.tool_id.as_str()) {
                entry["defer_loading"] = json!(true);
            }
            entry
        }));
        Value::Array(tools)
    }

    /// The `tool_result` that answers a client-side search's `tool_use` with a
    /// `tool_reference` to each found tool that is in this set (tool ids, e.g. the ids of
    /// a [`Selection`](crate::tools::Selection)).
    pub fn anthropic_search_result<'i>(
        &self,
        tool_use_id: &str,
        found: impl IntoIterator<Item = &'i str>,
    ) -> Value {
        let references: Vec<Value> = self
            .found(found)
            .map(|d| json!({"type": "tool_reference", "tool_name": d.name}))
            .collect();
        if references.is_empty() {
            return json!({
                "type": "tool_result",
                "tool_use_id": tool_use_id,
                "content": "No tool matches; try other words.",
            });
        }
        json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": references})
    }

    /// An OpenAI Responses `tools` array for tool search: the `tool_search` tool, then one
    /// namespace per server (the server part of the tool ids) holding its tools with
    /// `defer_loading: true`.
    ///
    /// ```
    /// use connectors::function_calling::{OpenAiSearch, ToolDefinition, Toolset};
    /// use serde_json::json;
    ///
    /// let toolset = Toolset::new([ToolDefinition::new("notes.add_note", "Save a note", json!({}))]);
    /// let tools = toolset.openai_deferred_tools(&OpenAiSearch::Hosted);
    /// assert_eq!(tools[0], json!({"type": "tool_search"}));
    /// assert_eq!(tools[1]["type"], "namespace");
    /// assert_eq!(tools[1]["name"], "notes");
    /// assert_eq!(tools[1]["tools"][0]["defer_loading"], true);
    /// ```
    pub fn openai_deferred_tools(&self, search: &OpenAiSearch) -> Value {
        let search_tool = match search {
            OpenAiSearch::Hosted => json!({"type": "tool_search"}),
            OpenAiSearch::Client => json!({
                "type": "tool_search",
                "execution": "client",
                "description": "Search the available tools by what they do.",
                "parameters": query_schema(),
            }),
        };
        // Namespaces in the order their first tool comes.
        let mut namespaces: Vec<(String, Vec<Value>)> = Vec::new();
        for definition in self.definitions() {
            let server = namespace_of(definition);
            let mut entry = definition.to_openai_responses();
            entry["defer_loading"] = json!(true);
            match namespaces.iter_mut().find(|(name, _)| *name == server) {
                Some((_, tools)) => tools.push(entry),
                None => namespaces.push((server, vec![entry])),
            }
        }
        let mut tools = vec![search_tool];
        tools.extend(namespaces.into_iter().map(|(name, tools)| {
            json!({
                "type": "namespace",
                "description": format!("Tools of the {name} server"),
                "name": name,
                "tools": tools,
            })
        }));
        Value::Array(tools)
    }

    /// The `tool_search_output` item that answers a client-side `tool_search_call` with
    /// the full definitions of the found tools that are in this set (tool ids).
    pub fn openai_search_output<'i>(
        &self,
        call_id: &str,
        found: impl IntoIterator<Item = &'i str>,
    ) -> Value {
        let tools: Vec<Value> = self
            .found(found)
            .map(ToolDefinition::to_openai_responses)
            .collect();
        json!({"type": "tool_search_output", "call_id": call_id, "execution": "client", "tools": tools})
    }

    /// The first tools of the set (in rank order, for a selection) that fit a host's cap
    /// beside its own `builtins` tools: e.g. `fit_to_cap(VS_CODE_MAX_TOOLS, 40)` keeps at
    /// most 88.
    pub fn fit_to_cap(&self, cap: usize, builtins: usize) -> Toolset {
        let room = cap.saturating_sub(builtins);
        Toolset::new(self.definitions().iter().take(room).cloned())
    }

    fn found<'s, 'i>(
        &'s self,
        ids: impl IntoIterator<Item = &'i str>,
    ) -> impl Iterator<Item = &'s ToolDefinition> {
        let ids: Vec<&str> = ids.into_iter().collect();
        self.definitions()
            .iter()
            .filter(move |d| ids.contains(&d.tool_id.as_str()))
    }
}

/// A definition's namespace: its server, as a valid name.
fn namespace_of(definition: &ToolDefinition) -> String {
    match definition.tool_id.split_once('.') {
        Some((server, _)) if crate::tools::is_integration_name(server) => server.to_string(),
        _ => "tools".to_string(),
    }
}
