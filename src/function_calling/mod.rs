//! Tools for LLM function calling: definitions in the OpenAI (Chat Completions and
//! Responses) and Anthropic shapes, the model's calls run through the gateway, and
//! deferred loading for catalogs too big to hand over whole.
//!
//! The agent loop these serve: select tools for a request, hand the [`Toolset`]'s
//! definitions to a model, run the calls the model makes
//! ([`Tools::run_calls`](crate::tools::Tools::run_calls)) and hand the results back.
//!
//! Function names follow one mapping ([`function_name`]), valid for both providers and
//! for MCP hosts; a [`Toolset`] maps every name it emitted back to its tool id.
//!
//! ```
//! use connectors::function_calling::{ToolDefinition, Toolset};
//! use serde_json::json;
//!
//! let toolset = Toolset::new([ToolDefinition::new(
//!     "github.createPullRequest",
//!     "Create a pull request",
//!     json!({"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}),
//! )]);
//! let openai = toolset.openai_tools();
//! assert_eq!(openai[0]["function"]["name"], "github__createPullRequest");
//! assert_eq!(toolset.anthropic_tools()[0]["input_schema"]["required"][0], "title");
//! assert_eq!(toolset.tool_id("github__createPullRequest"), Some("github.createPullRequest"));
//! ```

mod calls;
mod deferred;
mod names;
mod run;

use std::collections::HashMap;

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::api::types;
use crate::error::{Error, Result};

pub use calls::{CallOutcome, Provider, ToolCall, ToolCallResults, ToolCalls};
pub use deferred::{AnthropicSearch, OPENAI_MAX_TOOLS, OpenAiSearch, VS_CODE_MAX_TOOLS};
pub use names::{MAX_NAME_LEN, function_name, is_valid_function_name, tool_id_of};
pub use run::RunCalls;

/// One tool as a model sees it: a name, a description and a JSON Schema of its input.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolDefinition {
    /// The gateway's tool id (`<server>.<tool>`).
    pub tool_id: String,
    /// The function name for the model ([`function_name`], or another if a [`Toolset`]
    /// had to tell two ids apart).
    pub name: String,
    /// What the tool does.
    pub description: String,
    /// JSON Schema of the tool's input (an object schema).
    pub parameters: Value,
}

impl ToolDefinition {
    /// A definition from its parts; `parameters` is made an object schema if it is not.
    pub fn new(
        tool_id: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        let tool_id = tool_id.into();
        ToolDefinition {
            name: function_name(&tool_id),
            tool_id,
            description: description.into(),
            parameters: object_schema(parameters),
        }
    }

    /// The definition of a typed tool, its schema derived from the input type.
    pub fn from_typed<T: crate::typed::TypedTool>() -> Self {
        ToolDefinition::new(T::TOOL_ID, T::DESCRIPTION, input_schema::<T::Input>())
    }

    /// The definition of a selected or listed tool: [`Error::SchemaUnavailable`] when the
    /// gateway sent no schema for it (a model must never get a tool without its
    /// parameters). [`Tools::select`](crate::tools::Tools::select) asks for schemas and
    /// fetches any missing one; a listing can be completed with
    /// [`Tools::toolset`](crate::tools::Tools::toolset).
    pub fn from_tool(tool: &types::ToolSelection) -> Result<Self> {
        let Some(schema) = &tool.schema else {
            return Err(Error::SchemaUnavailable {
                tool_id: tool.tool_id.clone(),
            });
        };
        let description = schema
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| tool.description.clone());
        // Empty parameters are the gateway saying the tool takes none.
        let parameters = Value::Object(schema.parameters.clone());
        Ok(ToolDefinition::new(&tool.tool_id, description, parameters))
    }

    /// An OpenAI Chat Completions `tools` entry.
    pub fn to_openai(&self) -> Value {
        json!({
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            }
        })
    }

    /// An OpenAI Responses API `tools` entry (a flat function tool).
    pub fn to_openai_responses(&self) -> Value {
        json!({
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
        })
    }

    /// An Anthropic Messages `tools` entry.
    pub fn to_anthropic(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.description,
            "input_schema": self.parameters,
        })
    }
}

impl From<&types::McpTool> for ToolDefinition {
    fn from(tool: &types::McpTool) -> Self {
        ToolDefinition::new(
            &tool.tool_id,
            tool.description.clone().unwrap_or_default(),
            Value::Object(tool.input_schema.clone()),
        )
    }
}

/// Definitions with names unique within the set, and the way back from a name to its
/// tool id: what a model is given, and what its calls are run against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Toolset {
    definitions: Vec<ToolDefinition>,
    by_name: HashMap<String, usize>,
}

impl Toolset {
    /// A set of these definitions, in order. A tool id given twice is kept once; two ids
    /// whose names collide (a hash collision, or a definition built with a name of its
    /// own) keep their order and the later one gets a name of its own.
    pub fn new(definitions: impl IntoIterator<Item = ToolDefinition>) -> Self {
        let mut set = Toolset::default();
        for definition in definitions {
            set.push(definition);
        }
        set
    }

    /// The definitions of these tools ([`ToolDefinition::from_tool`]).
    pub fn from_tools<'t>(
        tools: impl IntoIterator<Item = &'t types::ToolSelection>,
    ) -> Result<Self> {
        let definitions = tools
            .into_iter()
            .map(ToolDefinition::from_tool)
            .collect::<Result<Vec<_>>>()?;
        Ok(Toolset::new(definitions))
    }

    fn push(&mut self, mut definition: ToolDefinition) {
        if self
            .definitions
            .iter()
            .any(|d| d.tool_id == definition.tool_id)
        {
            return;
        }
        if !is_valid_function_name(&definition.name) {
            definition.name = function_name(&definition.tool_id);
        }
        let mut salt = 0;
        while self.by_name.contains_key(&definition.name) {
            salt += 1;
            definition.name = names::hashed_name(&definition.tool_id, salt);
        }
        self.by_name
            .insert(definition.name.clone(), self.definitions.len());
        self.definitions.push(definition);
    }

    /// The definitions, in order.
    pub fn definitions(&self) -> &[ToolDefinition] {
        &self.definitions
    }

    /// The number of tools.
    pub fn len(&self) -> usize {
        self.definitions.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// The tool id behind a function name this set emitted.
    pub fn tool_id(&self, function_name: &str) -> Option<&str> {
        self.definition(function_name).map(|d| d.tool_id.as_str())
    }

    /// The definition behind a function name this set emitted.
    pub fn definition(&self, function_name: &str) -> Option<&ToolDefinition> {
        self.by_name
            .get(function_name)
            .map(|&at| &self.definitions[at])
    }

    /// An OpenAI Chat Completions `tools` array.
    pub fn openai_tools(&self) -> Value {
        self.definitions
            .iter()
            .map(ToolDefinition::to_openai)
            .collect()
    }

    /// An OpenAI Responses API `tools` array.
    pub fn openai_responses_tools(&self) -> Value {
        self.definitions
            .iter()
            .map(ToolDefinition::to_openai_responses)
            .collect()
    }

    /// An Anthropic Messages `tools` array.
    pub fn anthropic_tools(&self) -> Value {
        self.definitions
            .iter()
            .map(ToolDefinition::to_anthropic)
            .collect()
    }

    /// The `tools` array in `provider`'s shape.
    pub fn tools_for(&self, provider: Provider) -> Value {
        match provider {
            Provider::OpenAi => self.openai_tools(),
            Provider::OpenAiResponses => self.openai_responses_tools(),
            Provider::Anthropic => self.anthropic_tools(),
        }
    }
}

impl FromIterator<ToolDefinition> for Toolset {
    fn from_iter<I: IntoIterator<Item = ToolDefinition>>(iter: I) -> Self {
        Toolset::new(iter)
    }
}

/// The JSON Schema of `T`, as a tool input schema.
pub fn input_schema<T: JsonSchema>() -> Value {
    let schema = schemars::schema_for!(T);
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        // Models want the object schema itself, not a standalone document.
        map.remove("title");
    }
    object_schema(value)
}

/// Makes sure the schema is an object schema with `properties` (both APIs require it),
/// without a `$schema` dialect marker, which a model has no use for and some providers'
/// validators refuse.
fn object_schema(schema: Value) -> Value {
    match schema {
        Value::Object(mut map) => {
            map.remove("$schema");
            map.entry("type").or_insert_with(|| json!("object"));
            map.entry("properties").or_insert_with(|| json!({}));
            Value::Object(map)
        }
        _ => json!({"type": "object", "properties": {}}),
    }
}

/// A tool selection whose schema came apart from it (the `tool_schemas` of a selection
/// result, or a fetched tool) gets it back.
pub(crate) fn with_input_schema(
    tool: &mut types::ToolSelection,
    description: Option<String>,
    input_schema: Map<String, Value>,
) {
    if tool.schema.is_none() {
        tool.schema = Some(types::ToolSchema {
            name: tool.name.clone(),
            description,
            parameters: input_schema,
            examples: Vec::new(),
            rate_limit: None,
            requires_auth: None,
        });
    }
}
