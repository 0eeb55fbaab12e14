//! Tool selection, the catalog, one tool, related tools and categories.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use connectors::api::{RelationType, types};
use serde_json::Value;

use crate::auth::Tenant;
use crate::envelope::{Envelope, ok};
use crate::errors::{ApiError, ApiPath, ApiResult, JsonBody, QueryParams, decode, page, paginate};
use crate::registry::ToolInfo;
use crate::selection::{self, Filters, Ranked};
use crate::state::AppState;

const TIME_MESSAGE_SINGLE: &str = "This is time in UTC timezone. Get timezone from user if needed. Always use this time info to construct parameters for tool calls appropriately even when the tool call requires relative times like 'last week', 'last month', 'last 24 hours', etc. Do not hallucinate the time or timezone.";
const TIME_MESSAGE_BATCH: &str = "This is time in UTC timezone. Get timezone from user if needed.";
const NEXT_STEPS: &str = "Extract validated plan steps returned above, acknowledge each step, then execute sequentially. Check pitfalls during execution.";
/// Tools selected when `maxTools` is not given (the real gateway's default cap).
const DEFAULT_MAX_TOOLS: usize = 5;
const DEFAULT_TOKEN_BUDGET: u64 = 5000;

fn time_info(message: &str) -> types::TimeInfo {
    let now = Utc::now();
    types::TimeInfo {
        current_time: Some(now),
        current_time_epoch_in_seconds: Some(now.timestamp()),
        message: Some(message.to_string()),
    }
}

/// Checked select options.
struct Options {
    max_tools: usize,
    token_budget: u64,
    filters: Filters,
    include_schemas: bool,
    include_guidance: bool,
    include_connection_status: bool,
    include_related: bool,
}

fn options(tenant: &Tenant, raw: Option<&types::SelectOptions>) -> ApiResult<Options> {
    let Some(raw) = raw else {
        return Ok(Options {
            max_tools: DEFAULT_MAX_TOOLS,
            token_budget: DEFAULT_TOKEN_BUDGET,
            filters: Filters::default(),
            include_schemas: false,
            include_guidance: false,
            include_connection_status: false,
            include_related: true,
        });
    };
    if let Some(max) = raw.max_tools {
        if max < 1 {
            return Err(ApiError::validation(
                "options.maxTools",
                "options.maxTools must be at least 1",
            ));
        }
        if max > 100 {
            return Err(ApiError::validation(
                "options.maxTools",
                "options.maxTools must be at most 100",
            ));
        }
    }
    if let Some(budget) = raw.token_budget
        && !(100..=100_000).contains(&budget)
    {
        return Err(ApiError::validation(
            "options.tokenBudget",
            "options.tokenBudget must be between 100 and 100000",
        ));
    }
    if raw.allowed_categories.len() > 20 {
        return Err(ApiError::validation(
            "options.allowedCategories",
            "options.allowedCategories must have at most 20 items",
        ));
    }
    tenant.check(raw.tenant_id.as_ref().map(|t| t.as_str()))?;
    Ok(Options {
        max_tools: raw
            .max_tools
            .map(|m| m as usize)
            .unwrap_or(DEFAULT_MAX_TOOLS),
        token_budget: raw
            .token_budget
            .map(|b| b as u64)
            .unwrap_or(DEFAULT_TOKEN_BUDGET),
        filters: Filters {
            allowed_categories: raw
                .allowed_categories
                .iter()
                .map(|c| c.to_string())
                .collect(),
            excluded_servers: raw.exclude_servers.clone(),
        },
        include_schemas: raw.include_schemas.unwrap_or(false),
        include_guidance: raw.include_guidance.unwrap_or(false),
        include_connection_status: raw.include_connection_status.unwrap_or(false),
        include_related: raw.include_related.unwrap_or(true),
    })
}

pub(crate) async fn select(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<types::SelectToolsResponse>> {
    let started = Instant::now();
    let has_query = body.contains_key("query");
    let has_queries = body.contains_key("queries");
    let data = match (has_query, has_queries) {
        (false, false) => {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "MISSING_PARAMETER",
                "Must provide either \"query\" or \"queries\"",
            )
            .with(
                "hint",
                "Single mode: {query: \"...\"}, Batch mode: {queries: [{use_case: \"...\"}]}",
            ));
        }
        (true, true) => {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "Cannot provide both \"query\" and \"queries\" - choose one mode",
            ));
        }
        (true, false) => {
            let request: types::SingleSelectRequest =
                decode(Value::Object(body), "SelectToolsRequest")?;
            let options = options(&tenant, request.options.as_ref())?;
            searchable(&state, &tenant, [&options.filters.allowed_categories])?;
            types::SelectToolsResult::ToolSelectionResult(single(
                &state, &tenant, request, options, started,
            ))
        }
        (false, true) => {
            let request: types::BatchSelectRequest =
                decode(Value::Object(body), "SelectToolsRequest")?;
            if request.queries.is_empty() || request.queries.len() > 10 {
                return Err(batch_size_error(&state, request.queries.is_empty()));
            }
            let options = options(&tenant, request.options.as_ref())?;
            let categories: Vec<Vec<String>> = request
                .queries
                .iter()
                .map(|query| {
                    known_category(query)
                        .map(|c| vec![c.to_string()])
                        .unwrap_or_else(|| options.filters.allowed_categories.clone())
                })
                .collect();
            searchable(&state, &tenant, &categories)?;
            types::SelectToolsResult::BatchSelectionResult(batch(&state, &tenant, request, options))
        }
    };
    Ok(ok(data))
}

/// A batch with no query or more than 10: the meant message and field, or (connectors-ts)
/// the original's, which its `ValidationError` constructor takes the other way round.
fn batch_size_error(state: &AppState, empty: bool) -> ApiError {
    if !state.config.profile.swaps_batch_validation_fields() {
        return ApiError::validation("queries", "queries must have between 1 and 10 items");
    }
    let meant = if empty {
        "Queries array cannot be empty"
    } else {
        "Maximum 10 queries allowed in batch mode"
    };
    ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        "queries",
    )
    .with("field", meant)
}

/// The `category` of a batch query's `known_fields` (`category:code, limit:5`), which
/// takes the place of `allowedCategories` for that query in the original.
fn known_category(query: &types::BatchQuery) -> Option<&str> {
    query.known_fields.as_deref()?.split(',').find_map(|pair| {
        let (key, value) = pair.split_once(':')?;
        (key.trim() == "category" && !value.trim().is_empty()).then_some(value.trim())
    })
}

/// Whether the selections asked for (each limited to its categories, none meaning all) can
/// be answered: always, except on connectors-ts without its selection indices, where a
/// search of them fails with 500 `TOOL_SELECTION_FAILED`. The original searches its
/// category index only when no category is given, and its tool index only when a given
/// category holds catalogued tools, so a selection limited to categories of no
/// catalogued tool still answers (with nothing).
fn searchable<'a>(
    state: &AppState,
    tenant: &Tenant,
    selections: impl IntoIterator<Item = &'a Vec<String>>,
) -> ApiResult<()> {
    if !state.config.profile.depends_on_selection_indices()
        || state.config.connectors_ts.selection_indices
    {
        return Ok(());
    }
    let catalogued: BTreeSet<String> = state
        .registry
        .tools(&tenant.0)
        .into_iter()
        .map(|t| t.category)
        .collect();
    let searches = |categories: &Vec<String>| {
        categories.is_empty() || categories.iter().any(|c| catalogued.contains(c))
    };
    if selections.into_iter().any(searches) {
        return Err(ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "TOOL_SELECTION_FAILED",
            "Failed to select tools",
        ));
    }
    Ok(())
}

fn single(
    state: &AppState,
    tenant: &Tenant,
    request: types::SingleSelectRequest,
    options: Options,
    started: Instant,
) -> types::ToolSelectionResult {
    let query = request.query.to_string();
    let index = &state.registry.index;
    let mut search = index.search(&tenant.0, &query, &options.filters, selection::ORDERED);
    let available: u64 = search.hits.iter().map(|h| h.doc.tool.token_cost).sum();
    let chosen = selection::select(&mut search, options.max_tools, options.token_budget);
    let mut tiers = types::ToolTiers {
        tier1: Vec::new(),
        tier2: Vec::new(),
        tier3: Vec::new(),
    };
    let mut used = 0;
    let mut tool_schemas = std::collections::HashMap::new();
    for (
        Ranked {
            tool,
            score,
            reason,
        },
        tier,
    ) in &chosen
    {
        used += tool.token_cost;
        let mut item = selection::to_selection(tool, *score, *tier, options.include_schemas);
        item.reason = Some(reason.clone());
        if options.include_related {
            item.related_tools = state.relations.related(tool, index, &tenant.0, None, 5);
        }
        if options.include_schemas {
            tool_schemas.insert(tool.tool_id.clone(), full_schema(tool));
        }
        match tier {
            1 => tiers.tier1.push(item),
            2 => tiers.tier2.push(item),
            _ => tiers.tier3.push(item),
        }
    }
    state
        .metrics
        .record_selection(&tenant.0, used, available.max(used));
    let guidance = options
        .include_guidance
        .then(|| guidance(state, &tenant.0, &query, &chosen));
    let statuses = if options.include_connection_status {
        connection_statuses(
            state,
            tenant,
            chosen.iter().map(|(r, _)| r.tool.server.as_str()),
        )
    } else {
        Vec::new()
    };
    let session = request.session.as_ref().and_then(|s| {
        let (id, generated) = match (&s.id, s.generate_id) {
            (Some(id), _) => (id.clone(), false),
            (None, Some(true)) => (uuid::Uuid::new_v4().to_string(), true),
            _ => return None,
        };
        Some(types::SessionInfo {
            instructions: Some(format!(
                "REQUIRED: Pass session_id \"{id}\" in ALL subsequent tool calls for this workflow. This ensures consistent workflow execution and proper correlation between tool calls."
            )),
            id,
            generated: Some(generated),
        })
    });
    types::ToolSelectionResult {
        query,
        performance: Some(types::SelectionPerformance {
            total_tools: Some(chosen.len() as u64),
            token_usage: Some(used),
            token_budget: Some(options.token_budget),
            latency_ms: Some((started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0),
        }),
        tools: tiers,
        time_info: Some(time_info(TIME_MESSAGE_SINGLE)),
        guidance,
        tool_schemas,
        toolkit_connection_statuses: statuses,
        session,
    }
}

fn full_schema(tool: &ToolInfo) -> types::FullToolSchema {
    types::FullToolSchema {
        tool_slug: Some(tool.tool_id.clone()),
        toolkit: Some(tool.server.clone()),
        description: Some(tool.description.clone()),
        input_schema: tool.input_schema.clone(),
    }
}

fn guidance(
    state: &AppState,
    tenant: &str,
    query: &str,
    chosen: &[(Ranked, i64)],
) -> types::Guidance {
    let main: Vec<String> = chosen
        .iter()
        .filter(|(_, tier)| *tier == 1)
        .map(|(r, _)| r.tool.tool_id.clone())
        .collect();
    let mut related: BTreeSet<String> = chosen
        .iter()
        .filter(|(_, tier)| *tier != 1)
        .map(|(r, _)| r.tool.tool_id.clone())
        .collect();
    for (r, _) in chosen.iter().filter(|(_, tier)| *tier == 1) {
        for rel in state
            .relations
            .related(&r.tool, &state.registry.index, tenant, None, 3)
        {
            if !main.contains(&rel.tool_id) {
                related.insert(rel.tool_id);
            }
        }
    }
    let toolkits: BTreeSet<String> = chosen.iter().map(|(r, _)| r.tool.server.clone()).collect();
    let mut plan = Vec::new();
    let mut pitfalls = Vec::new();
    for (r, _) in chosen.iter().filter(|(_, tier)| *tier == 1) {
        let required: Vec<String> = r
            .tool
            .input_schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if required.is_empty() {
            plan.push(format!("Call {} ({}).", r.tool.tool_id, r.tool.description));
        } else {
            plan.push(format!(
                "Call {} with {} ({}).",
                r.tool.tool_id,
                required.join(", "),
                r.tool.description
            ));
            pitfalls.push(format!(
                "{} requires: {}.",
                r.tool.tool_id,
                required.join(", ")
            ));
        }
    }
    if plan.is_empty() {
        plan.push("No tool in the catalog matches this request; refine the query or deploy an MCP server that offers it.".into());
    } else {
        plan.push("Check each result's isError flag before using its content.".into());
    }
    pitfalls.push("Invoke tools with toolId `<server>.<tool>` and integration `<server>`.".into());
    let difficulty = match main.len() {
        0 | 1 => "easy",
        2 | 3 => "medium",
        _ => "hard",
    };
    let mut parts = vec![query];
    parts.extend(main.iter().map(String::as_str));
    let cached_plan_id = selection::stable_id(&parts);
    types::Guidance {
        guidance: Some("Follow the plan below and check pitfalls to avoid common errors.".into()),
        validated_plan: plan,
        pitfalls,
        difficulty: Some(difficulty.into()),
        main_tool_slugs: main,
        related_tool_slugs: related.into_iter().collect(),
        toolkits: toolkits.into_iter().collect(),
        cached_plan_id: Some(cached_plan_id),
    }
}

fn connection_statuses<'a>(
    state: &AppState,
    tenant: &Tenant,
    servers: impl Iterator<Item = &'a str>,
) -> Vec<types::ToolkitConnectionStatus> {
    let names: BTreeSet<&str> = servers.collect();
    names
        .into_iter()
        .filter_map(|name| state.registry.get_visible(&tenant.0, name))
        .map(|server| {
            let snapshot = server.snapshot();
            let active = snapshot.status == connectors::api::ServerStatus::Running;
            types::ToolkitConnectionStatus {
                toolkit: Some(server.name.clone()),
                description: server.description.clone(),
                active_connection: Some(active),
                connection_details: serde_json::Map::from_iter([
                    (
                        "transport".to_string(),
                        Value::from(server.endpoint.transport()),
                    ),
                    (
                        "status".to_string(),
                        Value::from(snapshot.status.to_string()),
                    ),
                ]),
                message: Some(if active {
                    format!("{} is connected", server.name)
                } else {
                    format!("{} is not running ({})", server.name, snapshot.status)
                }),
            }
        })
        .collect()
}

fn batch(
    state: &AppState,
    tenant: &Tenant,
    request: types::BatchSelectRequest,
    options: Options,
) -> types::BatchSelectionResult {
    // Servers and categories of the tenant's catalog: those of its visible servers that
    // have tools (as many as there are servers, not tools).
    let visible: Vec<_> = state
        .registry
        .visible(&tenant.0)
        .into_iter()
        .filter(|s| state.registry.catalogued(s) && !s.snapshot().tools.is_empty())
        .collect();
    let categories: BTreeSet<&str> = visible.iter().map(|s| s.category.as_str()).collect();
    let servers: BTreeSet<&str> = visible.iter().map(|s| s.name.as_str()).collect();
    let index = &state.registry.index;
    let mut all_servers = BTreeSet::new();
    let mut tool_schemas = std::collections::HashMap::new();
    let results = request
        .queries
        .iter()
        .enumerate()
        .map(|(i, query)| {
            let mut filters = options.filters.clone();
            // known_fields: "key:value, key:value"; category / toolkit narrow the search.
            if let Some(known) = &query.known_fields {
                for pair in known.split(',') {
                    if let Some((key, value)) = pair.split_once(':') {
                        let (key, value) = (key.trim(), value.trim());
                        if key == "category" && categories.contains(value) {
                            filters.allowed_categories = vec![value.to_string()];
                        }
                        if (key == "toolkit" || key == "server" || key == "integration")
                            && servers.contains(value)
                        {
                            filters.excluded_servers = servers
                                .iter()
                                .filter(|s| **s != value)
                                .map(|s| s.to_string())
                                .collect();
                        }
                    }
                }
            }
            let mut search = index.search(&tenant.0, &query.use_case, &filters, selection::ORDERED);
            let chosen = selection::select(&mut search, options.max_tools, options.token_budget);
            let main: Vec<String> = chosen.iter().map(|(r, _)| r.tool.tool_id.clone()).collect();
            let mut related = BTreeSet::new();
            let mut toolkits = BTreeSet::new();
            for (r, _) in &chosen {
                toolkits.insert(r.tool.server.clone());
                all_servers.insert(r.tool.server.clone());
                if options.include_schemas {
                    tool_schemas.insert(r.tool.tool_id.clone(), full_schema(&r.tool));
                }
                if options.include_related {
                    for rel in state.relations.related(&r.tool, index, &tenant.0, None, 3) {
                        if !main.contains(&rel.tool_id) {
                            related.insert(rel.tool_id);
                        }
                    }
                }
            }
            types::BatchSelectionItem {
                index: i as i64 + 1,
                use_case: query.use_case.to_string(),
                main_tool_slugs: main,
                related_tool_slugs: related.into_iter().collect(),
                toolkits: toolkits.into_iter().collect(),
                guidance: options
                    .include_guidance
                    .then(|| guidance(state, &tenant.0, &query.use_case, &chosen)),
                cached_plan_id: None,
            }
        })
        .collect();
    let statuses = if options.include_connection_status {
        connection_statuses(state, tenant, all_servers.iter().map(String::as_str))
    } else {
        Vec::new()
    };
    types::BatchSelectionResult {
        results,
        tool_schemas,
        toolkit_connection_statuses: statuses,
        session: None,
        time_info: Some(time_info(TIME_MESSAGE_BATCH)),
        next_steps_guidance: if options.include_guidance || options.include_connection_status {
            vec![NEXT_STEPS.to_string()]
        } else {
            Vec::new()
        },
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Response> {
    let express = state.config.profile.pages_like_express();
    let window = if express { None } else { Some(page(&query)?) };
    let category = query.get("category");
    // The original gateway reads only `category` (and the paging).
    let integration = query.get("integration").filter(|_| !express);
    let search = query
        .get("search")
        .filter(|_| !express)
        .map(str::to_lowercase);
    let tools: Vec<types::ToolSelection> = state
        .registry
        .tools(&tenant.0)
        .iter()
        .filter(|t| category.is_none_or(|c| t.category == c))
        .filter(|t| integration.is_none_or(|i| t.server == i))
        .filter(|t| {
            search.as_ref().is_none_or(|s| {
                t.name.to_lowercase().contains(s) || t.description.to_lowercase().contains(s)
            })
        })
        .map(|t| selection::to_selection(t, 1.0, 1, true))
        .collect();
    let Some((limit, offset)) = window else {
        return express_page(tools, &query);
    };
    let (tools, pagination) = paginate(tools, limit, offset);
    Ok(ok::<types::ListToolsResponse>(types::ToolPage { tools, pagination }).into_response())
}

/// JavaScript's `parseInt(raw, 10)`: leading whitespace, an optional sign, then the
/// longest run of digits; `None` (NaN) without a digit. Beyond `i64` it saturates.
fn parse_int(raw: &str) -> Option<i64> {
    let text = raw.trim_start();
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let magnitude = rest[..digits].parse::<i64>().unwrap_or(i64::MAX);
    Some(if negative { -magnitude } else { magnitude })
}

/// `items.slice(start, end)` of JavaScript, `None` being NaN (which `slice` takes as 0).
fn js_slice<T>(items: Vec<T>, start: Option<i64>, end: Option<i64>) -> Vec<T> {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let clamp = |at: Option<i64>| {
        let at = at.unwrap_or(0);
        let at = if at < 0 {
            (len + at).max(0)
        } else {
            at.min(len)
        };
        usize::try_from(at).unwrap_or(0)
    };
    let (start, end) = (clamp(start), clamp(end));
    items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// The page the original gateway answers: `parseInt(req.query.limit || '100')` and
/// `parseInt(req.query.offset || '0')`, `tools.slice(offset, offset + limit)`, and
/// `pagination: {total: page.length, limit, offset}`, where a NaN is written as `null`.
fn express_page(tools: Vec<types::ToolSelection>, query: &QueryParams) -> ApiResult<Response> {
    let read = |name: &str, default: i64| match query.get(name) {
        None | Some("") => Some(default),
        Some(raw) => parse_int(raw),
    };
    let (limit, offset) = (read("limit", 100), read("offset", 0));
    let end = offset.zip(limit).map(|(o, l)| o.saturating_add(l));
    let tools = js_slice(tools, offset, end);
    let total = tools.len() as u64;
    // `limit` and `offset` may be negative or NaN here, which the wire type cannot hold.
    let mut envelope = serde_json::to_value(types::ListToolsResponse::wrap(types::ToolPage {
        tools,
        pagination: types::Pagination {
            total,
            limit: 0,
            offset: 0,
        },
    }))
    .map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            format!("Cannot write the page: {e}"),
        )
    })?;
    if let Some(pagination) = envelope.pointer_mut("/data/pagination") {
        pagination["limit"] = limit.map_or(Value::Null, Value::from);
        pagination["offset"] = offset.map_or(Value::Null, Value::from);
    }
    Ok(Json(envelope).into_response())
}

fn find_tool(state: &AppState, tenant: &Tenant, tool_id: &str) -> ApiResult<Arc<ToolInfo>> {
    state.registry.index.get(&tenant.0, tool_id).ok_or_else(|| {
        ApiError::not_found("TOOL_NOT_FOUND", format!("Tool '{tool_id}' not found"))
            .with("toolId", tool_id)
    })
}

pub(crate) async fn get_tool(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(tool_id): ApiPath<String>,
) -> ApiResult<Json<types::GetToolResponse>> {
    let tool = find_tool(&state, &tenant, &tool_id)?;
    let mut item = selection::to_selection(&tool, 1.0, 1, true);
    item.related_tools = state
        .relations
        .related(&tool, &state.registry.index, &tenant.0, None, 5);
    Ok(ok(item))
}

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
        related,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_reads_like_javascript() {
        for (raw, expected) in [
            ("10", Some(10)),
            ("  7", Some(7)),
            ("3abc", Some(3)),
            ("2.5", Some(2)),
            ("1e3", Some(1)),
            ("+4", Some(4)),
            ("-5", Some(-5)),
            ("abc", None),
            ("-", None),
            ("", None),
            ("99999999999999999999", Some(i64::MAX)),
        ] {
            assert_eq!(parse_int(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn js_slice_clamps_counts_from_the_end_and_takes_nan_as_zero() {
        let items = || (0..10).collect::<Vec<i32>>();
        assert_eq!(js_slice(items(), Some(2), Some(5)), [2, 3, 4]);
        assert_eq!(js_slice(items(), Some(8), Some(20)), [8, 9]);
        assert_eq!(js_slice(items(), Some(0), Some(-7)), [0, 1, 2]);
        assert_eq!(js_slice(items(), Some(-2), Some(98)), [8, 9]);
        assert_eq!(js_slice(items(), Some(5), Some(2)), Vec::<i32>::new());
        assert_eq!(js_slice(items(), Some(0), None), Vec::<i32>::new());
        assert_eq!(js_slice(items(), None, None), Vec::<i32>::new());
        assert_eq!(js_slice(items(), Some(i64::MIN), Some(i64::MAX)), items());
    }
}
