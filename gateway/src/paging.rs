//! Pagination of lists: `limit` and `offset` read from the query, and a page cut from the
//! items with its `pagination` block.

use connectors::api::types;

use crate::errors::ApiResult;
use crate::extract::QueryParams;

/// `limit` and `offset` of a paginated list (limit within the spec's `Limit` parameter's
/// bounds, 1..=1000; default 100).
pub(crate) fn page(query: &QueryParams) -> ApiResult<(u64, u64)> {
    use connectors::api::limits::{PAGE_SIZE_MAX, PAGE_SIZE_MIN};
    let limit = query.int("limit", PAGE_SIZE_MIN, PAGE_SIZE_MAX, 100)?;
    let offset = query.int("offset", 0, u64::MAX, 0)?;
    Ok((limit, offset))
}

/// The slice of `items` a page covers, with its pagination block.
pub(crate) fn paginate<T>(items: Vec<T>, limit: u64, offset: u64) -> (Vec<T>, types::Pagination) {
    let total = items.len() as u64;
    let page = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    (
        page,
        types::Pagination {
            total,
            limit,
            offset,
        },
    )
}
