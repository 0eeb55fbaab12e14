//! Tool definitions for LLM function calling: the OpenAI and Anthropic `tools` JSON.
//!
//! The agent loop these serve: select tools for a request, hand their definitions to a
//! model, then invoke what the model picked ([`ToolDefinition::tool_id_of`] maps the
//! model's function name back to the gateway's tool id).
//!
//! Both APIs allow only `[a-zA-Z0-9_-]` in function names, so the `.` of a tool id
//! becomes `__` (server names cannot contain `_`, so the mapping is reversible).
//!
//! ```
//! use connectors::function_calling::ToolDefinition;
//! use serde_json::json;
//!
//! let definition = ToolDefinition::new(
//!     "github.createPullRequest",
//!     "Create a pull request",
//!     json!({"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}),
//! );
//! assert_eq!(definition.to_openai()["function"]["name"], "github__createPullRequest");
//! assert_eq!(definition.to_anthropic()["input_schema"]["required"][0], "title");
//! assert_eq!(
//!     ToolDefinition::tool_id_of("github__createPullRequest").as_deref(),
//!     Some("github.createPullRequest")
//! );
//! ```

use schemars::JsonSchema;
use serde_json::{Value, json};

use crate::api::types;

/// One tool as a model sees it: a name, a description and a JSON Schema of its input.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolDefinition {
    /// The gateway's tool id (`<server>.<tool>`).
    pub tool_id: String,
    /// The function name for the model (see the module docs).
    pub name: String,
    /// What the tool does.
    pub description: String,
    /// JSON Schema of the tool's input (an object schema).
    pub parameters: Value,
}

impl ToolDefinition {
    /// A definition from its parts.
    pub fn new(
        tool_id: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        let tool_id = tool_id.into();
        ToolDefinition {
            name: Self::function_name(&tool_id),
            tool_id,
            description: description.into(),
            parameters: object_schema(parameters),
        }
    }

    /// The definition of a typed tool, its schema derived from the input type.
    pub fn from_typed<T: crate::typed::TypedTool>() -> Self {
        ToolDefinition::new(T::TOOL_ID, T::DESCRIPTION, input_schema::<T::Input>())
    }

    /// The function name for a tool id: `.` becomes `__`.
    pub fn function_name(tool_id: &str) -> String {
        tool_id.replacen('.', "__", 1)
    }

    /// The tool id for a function name the model chose, if it is one of ours.
    pub fn tool_id_of(function_name: &str) -> Option<String> {
        let (server, tool) = function_name.split_once("__")?;
        (!server.is_empty() && !tool.is_empty()).then(|| format!("{server}.{tool}"))
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

    /// An Anthropic Messages `tools` entry.
    pub fn to_anthropic(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.description,
            "input_schema": self.parameters,
        })
    }
}

impl From<&types::ToolSelection> for ToolDefinition {
    fn from(tool: &types::ToolSelection) -> Self {
        let parameters = catalog_parameters(tool).unwrap_or(Value::Null);
        let description = tool
            .schema
            .as_ref()
            .and_then(|s| s.description.clone())
            .unwrap_or_else(|| tool.description.clone());
        ToolDefinition::new(&tool.tool_id, description, parameters)
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

/// The parameter schema a catalog entry carries, as JSON.
pub(crate) fn catalog_parameters(tool: &types::ToolSelection) -> Option<Value> {
    serde_json::to_value(tool.schema.as_ref()?.parameters.as_ref()?).ok()
}

/// An OpenAI `tools` array.
pub fn openai_tools(definitions: &[ToolDefinition]) -> Value {
    Value::Array(definitions.iter().map(ToolDefinition::to_openai).collect())
}

/// An Anthropic `tools` array.
pub fn anthropic_tools(definitions: &[ToolDefinition]) -> Value {
    Value::Array(
        definitions
            .iter()
            .map(ToolDefinition::to_anthropic)
            .collect(),
    )
}

/// The JSON Schema of `T`, as a tool input schema.
pub fn input_schema<T: JsonSchema>() -> Value {
    let schema = schemars::schema_for!(T);
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        // Models want the object schema itself, not a standalone document.
        map.remove("$schema");
        map.remove("title");
    }
    object_schema(value)
}

/// Makes sure the schema is an object schema with `properties` (both APIs require it).
fn object_schema(schema: Value) -> Value {
    match schema {
        Value::Object(mut map) => {
            map.entry("type").or_insert_with(|| json!("object"));
            map.entry("properties").or_insert_with(|| json!({}));
            Value::Object(map)
        }
        _ => json!({"type": "object", "properties": {}}),
    }
}
