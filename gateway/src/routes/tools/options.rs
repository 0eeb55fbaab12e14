//! The checked options of a selection, and whether the selections asked for can be
//! answered at all.

use std::collections::BTreeSet;

use connectors::api::types;

use crate::auth::Tenant;
use crate::errors::{ApiError, ApiResult};
use crate::selection::Filters;
use crate::state::AppState;

/// Tools selected when `maxTools` is not given (the real gateway's default cap).
const DEFAULT_MAX_TOOLS: usize = 5;
const DEFAULT_TOKEN_BUDGET: u64 = 5000;

/// Checked select options.
pub(super) struct Options {
    pub max_tools: usize,
    pub token_budget: u64,
    pub filters: Filters,
    pub include_schemas: bool,
    pub include_guidance: bool,
    pub include_connection_status: bool,
    pub include_related: bool,
}

pub(super) fn options(tenant: &Tenant, raw: Option<&types::SelectOptions>) -> ApiResult<Options> {
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

/// the original's, which its `ValidationError` constructor takes the other way round.
pub(super) fn batch_size_error(state: &AppState, empty: bool) -> ApiError {
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
pub(super) fn known_category(query: &types::BatchQuery) -> Option<&str> {
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
pub(super) fn searchable<'a>(
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
