//! Offset pagination: one [`Page`], or a `Stream` over the items of all pages.
//!
//! The gateway pages with `limit` and `offset` and reports `pagination.total`; the stream
//! asks for the next page until it has seen `total` items or gets an empty page.

use std::future::Future;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::error::Result;

/// The page size used when none is given.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items across all pages.
    pub total: u64,
    /// The page size asked for.
    pub limit: u64,
    /// Items skipped before this page.
    pub offset: u64,
}

impl<T> Page<T> {
    pub(crate) fn new(items: Vec<T>, pagination: crate::api::types::Pagination) -> Self {
        Page {
            items,
            total: pagination.total,
            limit: pagination.limit,
            offset: pagination.offset,
        }
    }

    /// Whether items follow this page.
    pub fn has_more(&self) -> bool {
        !self.items.is_empty() && self.offset + (self.items.len() as u64) < self.total
    }

    /// The offset of the next page.
    pub fn next_offset(&self) -> u64 {
        self.offset + self.items.len() as u64
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The items of all pages from `offset` on, fetching pages of `limit` with `fetch`.
pub(crate) fn all_items<T, F, Fut>(
    offset: u64,
    limit: u64,
    fetch: F,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    F: Fn(u64, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let fetch = std::sync::Arc::new(fetch);
    stream::try_unfold(Some(offset), move |next| {
        let fetch = fetch.clone();
        async move {
            let Some(offset) = next else {
                return Ok(None);
            };
            let page = fetch(offset, limit).await?;
            let next = page.has_more().then(|| page.next_offset());
            Ok(Some((page.items, next)))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

/// Listing filters that carry the page window (`offset`, `limit`).
pub(crate) trait Windowed: Clone + Send + Sync + 'static {
    /// The window asked for: `(offset, limit)`.
    fn window(&self) -> (Option<u64>, Option<u64>);
    /// Moves the window to one page.
    fn set_window(&mut self, offset: u64, limit: u64);
}

/// Every item of a filtered listing from its offset on, one `fetch` per page.
pub(crate) fn stream_pages<W, T, F, Fut>(
    client: &crate::Connectors,
    filters: W,
    fetch: F,
) -> crate::tools::ItemStream<T>
where
    W: Windowed,
    T: Send + 'static,
    F: Fn(crate::Connectors, W) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let client = client.clone();
    let (start, limit) = filters.window();
    let (start, limit) = (start.unwrap_or(0), limit.unwrap_or(DEFAULT_PAGE_SIZE));
    Box::pin(all_items(start, limit, move |offset, limit| {
        let mut filters = filters.clone();
        filters.set_window(offset, limit);
        fetch(client.clone(), filters)
    }))
}
