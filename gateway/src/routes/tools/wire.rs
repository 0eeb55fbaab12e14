//! The wire types of the tool routes (`connectors::api::types`), made from the gateway's
//! own values: a tool, a chosen tool, related tools, a plan.

use chrono::Utc;
use connectors::api::types;
use serde_json::{Map, Value};

use crate::selection::{Guidance, Related};
use crate::tool::ToolInfo;

pub(super) fn time_info(message: &str) -> types::TimeInfo {
    let now = Utc::now();
    types::TimeInfo {
        current_time: Some(now),
        current_time_epoch_in_seconds: Some(now.timestamp()),
        message: Some(message.to_string()),
    }
}

/// The wire view of a tool (`ToolSelection`), with what its server declared: the title,
/// annotations, icons and `_meta`, and when `with_schema` its input and output schemas.
pub(super) fn to_selection(
    tool: &ToolInfo,
    score: f64,
    tier: i64,
    with_schema: bool,
) -> types::ToolSelection {
    types::ToolSelection {
        title: tool.title.clone(),
        annotations: (!tool.annotations.is_empty())
            .then(|| serde_json::from_value(Value::Object(tool.annotations.clone())).ok())
            .flatten(),
        output_schema: if with_schema {
            tool.output_schema.clone()
        } else {
            Map::new()
        },
        icons: tool.icons.clone(),
        meta: tool.meta.clone(),
        tool_id: tool.tool_id.clone(),
        name: tool.name.clone(),
        description: tool.description.clone(),
        category: tool.category.clone(),
        score,
        token_cost: tool.token_cost,
        tier,
        schema: with_schema.then(|| tool_schema(tool)),
        load_url: Some(format!("/api/v1/tools/{}", tool.tool_id)),
        reason: None,
        related_tools: Vec::new(),
    }
}

/// The `ToolSchema` of a tool: its MCP input schema as the server declared it, whole.
fn tool_schema(tool: &ToolInfo) -> types::ToolSchema {
    types::ToolSchema {
        name: tool.name.clone(),
        description: Some(tool.description.clone()),
        parameters: tool.input_schema.clone(),
        examples: Vec::new(),
        rate_limit: None,
        requires_auth: Some(false),
    }
}

pub(super) fn full_schema(tool: &ToolInfo) -> types::FullToolSchema {
    types::FullToolSchema {
        tool_slug: Some(tool.tool_id.clone()),
        toolkit: Some(tool.server.clone()),
        description: Some(tool.description.clone()),
        input_schema: tool.input_schema.clone(),
    }
}

/// The wire view of related tools.
pub(super) fn related_tools(related: Vec<Related>) -> Vec<types::RelatedTool> {
    related
        .into_iter()
        .map(|r| types::RelatedTool {
            tool_id: r.tool_id,
            relation: r.relation,
            weight: r.weight,
            reason: Some(r.reason),
        })
        .collect()
}

/// The wire view of a plan.
pub(super) fn guidance(guidance: Guidance) -> types::Guidance {
    types::Guidance {
        guidance: Some("Follow the plan below and check pitfalls to avoid common errors.".into()),
        validated_plan: guidance.plan,
        pitfalls: guidance.pitfalls,
        difficulty: Some(guidance.difficulty.into()),
        main_tool_slugs: guidance.main_tools,
        related_tool_slugs: guidance.related_tools,
        toolkits: guidance.toolkits,
        cached_plan_id: Some(guidance.cached_plan_id),
    }
}
