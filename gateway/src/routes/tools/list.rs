//! The catalog, a page at a time: `GET /tools/list`, paged like the original gateway
//! (Express) or with checked `limit` and `offset`.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use connectors::api::types;
use serde_json::Value;

use super::wire::to_selection;
use crate::auth::Tenant;
use crate::envelope::{Envelope, ok};
use crate::errors::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::paging::{page, paginate};
use crate::state::AppState;

/// `GET /tools/list`: the tenant's catalog, filtered by category (and, outside the
/// Express profile, integration and a search of names and descriptions), one page.
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
        .map(|t| to_selection(t, 1.0, 1, true))
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
