//! A tool as the gateway keeps it: its server's MCP `Tool` declaration, with the id,
//! category and token cost the gateway adds. Its own module, so that the registry (which
//! discovers tools) and selection (which ranks them) both depend on it and not on each other.

use connectors::api::types;
use serde_json::{Map, Value};

/// A tool as discovered on its server: everything its server declared (MCP `Tool`), and
/// what the gateway adds (id, category, token cost).
#[derive(Debug, Clone)]
pub(crate) struct ToolInfo {
    pub server: String,
    pub name: String,
    pub tool_id: String,
    /// The declared description, or the title when there is none.
    pub description: String,
    pub category: String,
    pub input_schema: Map<String, Value>,
    /// Empty when none is declared, as are the annotations, icons and `_meta`.
    pub output_schema: Map<String, Value>,
    pub annotations: Map<String, Value>,
    pub title: Option<String>,
    pub icons: Vec<types::Icon>,
    pub meta: Map<String, Value>,
    pub token_cost: u64,
}

/// Estimated tokens a tool's definition costs in a prompt: about four characters per
/// token of its name, description and input schema as JSON.
pub(crate) fn estimate_tokens(
    name: &str,
    description: &str,
    input_schema: &Map<String, Value>,
) -> u64 {
    let schema = serde_json::to_string(input_schema)
        .map(|s| s.len())
        .unwrap_or(0);
    let chars = name.len() + description.len() + schema;
    (chars as u64).div_ceil(4) + 8
}

/// `value` as a JSON object (empty if it is not one).
fn object(value: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The gateway's view of `tool`, declared by `server` of `category`.
pub(crate) fn to_tool_info(server: &str, category: &str, tool: rmcp::model::Tool) -> ToolInfo {
    let name = tool.name.to_string();
    let description = tool
        .description
        .map(|d| d.to_string())
        .or(tool.title.clone())
        .unwrap_or_default();
    let input_schema = (*tool.input_schema).clone();
    let output_schema = tool.output_schema.map(|s| (*s).clone()).unwrap_or_default();
    let annotations = tool.annotations.map(object).unwrap_or_default();
    let icons = tool
        .icons
        .unwrap_or_default()
        .into_iter()
        .filter_map(|icon| serde_json::from_value(serde_json::to_value(icon).ok()?).ok())
        .collect();
    let meta = tool.meta.map(|m| m.0).unwrap_or_default();
    let token_cost = estimate_tokens(&name, &description, &input_schema);
    ToolInfo {
        server: server.to_string(),
        tool_id: format!("{server}.{name}"),
        name,
        description,
        category: category.to_string(),
        input_schema,
        output_schema,
        annotations,
        title: tool.title,
        icons,
        meta,
        token_cost,
    }
}
