//! Catalogs for the selection's unit tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::index::Index;
use crate::tool::ToolInfo;
use crate::tool::estimate_tokens;

/// A tool of `server` (also its category) with string parameters `params`.
pub(crate) fn tool(server: &str, name: &str, description: &str, params: &[&str]) -> ToolInfo {
    let mut properties = Map::new();
    for p in params {
        properties.insert((*p).to_string(), serde_json::json!({"type": "string"}));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    ToolInfo {
        server: server.into(),
        name: name.into(),
        tool_id: format!("{server}.{name}"),
        description: description.into(),
        category: server.into(),
        token_cost: estimate_tokens(name, description, &schema),
        input_schema: schema,
        output_schema: Map::new(),
        annotations: Map::new(),
        title: None,
        icons: Vec::new(),
        meta: Map::new(),
    }
}

/// An index of `catalog`, platform servers only.
pub(crate) fn index(catalog: &[ToolInfo]) -> Index {
    let index = Index::default();
    let mut servers: BTreeMap<&str, Vec<Arc<ToolInfo>>> = BTreeMap::new();
    for t in catalog {
        servers
            .entry(t.server.as_str())
            .or_default()
            .push(Arc::new(t.clone()));
    }
    for (generation, (server, tools)) in servers.into_iter().enumerate() {
        index.set_server(server, None, generation as u64, &tools);
    }
    index
}
