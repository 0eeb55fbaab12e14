//! `POST /tools/select`: one query or a batch of up to ten. The selection itself is
//! [`crate::selection`]'s; this maps its answer to the wire.

use std::collections::BTreeSet;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use connectors::api::types;
use serde_json::Value;

use super::options::{Options, batch_size_error, known_category, options, searchable};
use super::wire;
use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::schema_check::decode;
use crate::selection::{BatchOptions, Ranker, Selector, Vector, batch_filters};
use crate::state::AppState;

const TIME_MESSAGE_SINGLE: &str = "This is time in UTC timezone. Get timezone from user if needed. Always use this time info to construct parameters for tool calls appropriately even when the tool call requires relative times like 'last week', 'last month', 'last 24 hours', etc. Do not hallucinate the time or timezone.";
const TIME_MESSAGE_BATCH: &str = "This is time in UTC timezone. Get timezone from user if needed.";
const NEXT_STEPS: &str = "Extract validated plan steps returned above, acknowledge each step, then execute sequentially. Check pitfalls during execution.";

/// The selector of `tenant`'s catalog.
fn selector<'a>(state: &'a AppState, tenant: &'a Tenant) -> Selector<'a> {
    Selector {
        index: &state.registry.index,
        relations: &state.relations,
        ranker: Ranker::of(state.config.selection_ranking()),
        tenant: &tenant.0,
    }
}

/// The embeddings of `texts` when the gateway has a model (on a blocking thread; `None`
/// without a model or when it failed, and selection ranks by words).
async fn vectors_of(state: &AppState, texts: &[&str]) -> Option<Vec<Vector>> {
    match &state.registry.meaning {
        Some(meaning) => meaning.query_vectors(texts).await,
        None => None,
    }
}

/// `POST /tools/select`: the tools for one query (`query`) or for each of a batch
/// (`queries`).
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
            let vector = vectors_of(&state, &[request.query.as_str()])
                .await
                .and_then(|v| v.into_iter().next());
            types::SelectToolsResult::ToolSelectionResult(single(
                &state,
                &tenant,
                request,
                vector.as_deref(),
                options,
                started,
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
            let texts: Vec<&str> = request
                .queries
                .iter()
                .map(|q| q.use_case.as_str())
                .collect();
            let vectors = vectors_of(&state, &texts).await.unwrap_or_default();
            types::SelectToolsResult::BatchSelectionResult(batch(
                &state, &tenant, request, &vectors, options,
            ))
        }
    };
    Ok(ok(data))
}

fn single(
    state: &AppState,
    tenant: &Tenant,
    request: types::SingleSelectRequest,
    vector: Option<&[f32]>,
    options: Options,
    started: Instant,
) -> types::ToolSelectionResult {
    let query = request.query.to_string();
    let selector = selector(state, tenant);
    let selection = selector.select(
        &query,
        vector,
        &options.filters,
        options.max_tools,
        options.token_budget,
    );
    let mut tiers = types::ToolTiers {
        tier1: Vec::new(),
        tier2: Vec::new(),
        tier3: Vec::new(),
    };
    let mut tool_schemas = std::collections::HashMap::new();
    for ranked in &selection.chosen {
        let tool = &ranked.tool;
        let mut item = wire::to_selection(tool, ranked.score, ranked.tier, options.include_schemas);
        item.reason = Some(ranked.reason.clone());
        if options.include_related {
            item.related_tools = wire::related_tools(selector.related(tool, 5));
        }
        if options.include_schemas {
            tool_schemas.insert(tool.tool_id.clone(), wire::full_schema(tool));
        }
        match ranked.tier {
            1 => tiers.tier1.push(item),
            2 => tiers.tier2.push(item),
            _ => tiers.tier3.push(item),
        }
    }
    let used = selection.used_tokens;
    state
        .metrics
        .record_selection(&tenant.0, used, selection.available_tokens.max(used));
    let guidance = options
        .include_guidance
        .then(|| wire::guidance(selector.guidance(&query, &selection.chosen)));
    let statuses = if options.include_connection_status {
        connection_statuses(
            state,
            tenant,
            selection.chosen.iter().map(|r| r.tool.server.as_str()),
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
            total_tools: Some(selection.chosen.len() as u64),
            token_usage: Some(used),
            token_budget: Some(options.token_budget),
            latency_ms: Some((started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0),
        }),
        tools: tiers,
        time_info: Some(wire::time_info(TIME_MESSAGE_SINGLE)),
        guidance,
        tool_schemas,
        toolkit_connection_statuses: statuses,
        session,
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
    vectors: &[Vector],
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
    let selector = selector(state, tenant);
    let each = BatchOptions {
        max_tools: options.max_tools,
        token_budget: options.token_budget,
        include_related: options.include_related,
        include_guidance: options.include_guidance,
    };
    let mut all_servers = BTreeSet::new();
    let mut tool_schemas = std::collections::HashMap::new();
    let results = request
        .queries
        .iter()
        .enumerate()
        .map(|(i, query)| {
            let filters = batch_filters(
                &options.filters,
                query.known_fields.as_deref().map(String::as_str),
                &categories,
                &servers,
            );
            let vector = vectors.get(i).map(|v| &v[..]);
            let item = selector.batch_item(&query.use_case, vector, &filters, &each);
            for r in &item.chosen {
                all_servers.insert(r.tool.server.clone());
                if options.include_schemas {
                    tool_schemas.insert(r.tool.tool_id.clone(), wire::full_schema(&r.tool));
                }
            }
            types::BatchSelectionItem {
                index: i as i64 + 1,
                use_case: query.use_case.to_string(),
                main_tool_slugs: item.chosen.iter().map(|r| r.tool.tool_id.clone()).collect(),
                related_tool_slugs: item.related_tools,
                toolkits: item.toolkits,
                guidance: item.guidance.map(wire::guidance),
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
        time_info: Some(wire::time_info(TIME_MESSAGE_BATCH)),
        next_steps_guidance: if options.include_guidance || options.include_connection_status {
            vec![NEXT_STEPS.to_string()]
        } else {
            Vec::new()
        },
    }
}
