//! Tool selection, the catalog, one tool, related tools and categories.

mod list;
mod options;
mod select;
mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use connectors::api::{RelationType, types};

pub(crate) use list::list;
pub(crate) use select::select;

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::{ApiPath, QueryParams};
use crate::state::AppState;
use crate::tool::ToolInfo;

fn find_tool(state: &AppState, tenant: &Tenant, tool_id: &str) -> ApiResult<Arc<ToolInfo>> {
    state.registry.index.get(&tenant.0, tool_id).ok_or_else(|| {
        ApiError::not_found("TOOL_NOT_FOUND", format!("Tool '{tool_id}' not found"))
            .with("toolId", tool_id)
    })
}

/// `GET /tools/{toolId}`: one tool, with its schema and five related tools.
pub(crate) async fn get_tool(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(tool_id): ApiPath<String>,
) -> ApiResult<Json<types::GetToolResponse>> {
    let tool = find_tool(&state, &tenant, &tool_id)?;
    let mut item = wire::to_selection(&tool, 1.0, 1, true);
    item.related_tools = wire::related_tools(state.relations.related(
        &tool,
        &state.registry.index,
        &tenant.0,
        None,
        5,
    ));
    Ok(ok(item))
}

/// `GET /tools/{toolId}/related`: the tool's related tools, strongest first.
pub(crate) async fn related(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(tool_id): ApiPath<String>,
    query: QueryParams,
) -> ApiResult<Json<types::RelatedToolsResponse>> {
    let relation = query
        .one_of(
            "relation",
            &[
                "OFTEN_USED_WITH",
                "DEPENDS_ON",
                "ALTERNATIVE_TO",
                "PRECEDES",
            ],
        )?
        .map(|r| RelationType::from(r.as_str()));
    let limit = query.int("limit", 1, 100, 10)? as usize;
    let tool = find_tool(&state, &tenant, &tool_id)?;
    let related = state.relations.related(
        &tool,
        &state.registry.index,
        &tenant.0,
        relation.as_ref(),
        limit,
    );
    Ok(ok(types::RelatedTools {
        tool_id: tool.tool_id.clone(),
        related: wire::related_tools(related),
    }))
}

fn category_description(name: &str) -> String {
    match name {
        "text" => "Text processing: counting, searching, transforming and encoding text".into(),
        "math" => "Arithmetic, statistics and number theory".into(),
        "productivity" => "Notes and personal organisation".into(),
        "code" => "Source code hosting and review".into(),
        "communication" => "Email, chat and messaging".into(),
        other => format!("Tools of the {other} category"),
    }
}

/// `GET /categories`: the categories of the tenant's catalog with their tool counts.
pub(crate) async fn categories(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Json<types::ListCategoriesResponse> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for server in state
        .registry
        .visible(&tenant.0)
        .into_iter()
        .filter(|s| state.registry.catalogued(s))
    {
        let tools = server.snapshot().tools.len() as u64;
        *counts.entry(server.category.clone()).or_insert(0) += tools;
    }
    let categories = counts
        .into_iter()
        .map(|(name, count)| types::Category {
            description: Some(category_description(&name)),
            name,
            tool_count: Some(count),
        })
        .collect();
    ok(types::CategoryList { categories })
}
