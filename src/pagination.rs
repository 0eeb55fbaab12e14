//! Offset pagination: one [`Page`], or a `Stream` over the items of all pages.
//!
//! The original gateway reports the length of the current page as `pagination.total`, so
//! nothing here trusts it. The stream asks for the next page while the last one was full
//! (as many items as the page size asked for, or as a smaller page size the gateway
//! reported), and stops after a short or an empty page. A gateway that ignores the offset
//! (it answers another offset, or the same items again) or wraps it (it echoes the offset
//! asked for but starts over, so that an item comes again) ends the stream with
//! [`Error::Paging`]: a stream always ends.

use std::collections::HashMap;
use std::future::{Future, IntoFuture};
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::Serialize;

use crate::client::Connectors;
use crate::error::{Error, Result};
use crate::tools::BoxFuture;

/// The page size used when none is given.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// What the gateway reported as `pagination.total`: not relied on (see the
    /// [module documentation](self)).
    pub total: u64,
    /// The page size, as the gateway reported it (normally the one asked for).
    pub limit: u64,
    /// Items skipped before this page, as the gateway reported it.
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

    /// A page of `limit` items from `offset` on, cut from a listing held whole (its
    /// `total` is then the listing's true size).
    pub(crate) fn cut(all: Vec<T>, offset: u64, limit: u64) -> Self {
        let total = all.len() as u64;
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        Page {
            items: all.into_iter().skip(skip).take(take).collect(),
            total,
            limit,
            offset,
        }
    }

    /// Whether another page may follow: this page is full (it holds [`Page::limit`]
    /// items), whatever [`Page::total`] says; so the page after a full last page is empty.
    pub fn has_more(&self) -> bool {
        self.is_full(self.limit)
    }

    /// The offset of the next page.
    pub fn next_offset(&self) -> u64 {
        self.offset.saturating_add(self.items.len() as u64)
    }

    /// Whether the page holds as many items as asked for (`asked`), or as a smaller page
    /// size the gateway reported: a gateway that caps the page size still pages on.
    fn is_full(&self, asked: u64) -> bool {
        let size = if (1..asked).contains(&self.limit) {
            self.limit
        } else {
            asked
        };
        size > 0 && self.items.len() as u64 >= size
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// How a gateway failed to page a listing as asked (in [`Error::Paging`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The page came back with another `pagination.offset` than the one asked for.
    #[error("it answered with the page at offset {answered}")]
    OtherOffset {
        /// The offset the gateway reported.
        answered: u64,
    },
    /// The page holds the same items as the page before it.
    #[error("it sent the same items as for the page before (it ignores the offset)")]
    RepeatedPage,
    /// The page holds an item an earlier page of the stream held already: the gateway's
    /// offset wraps, or its listing changed under the stream.
    #[error(
        "it sent again the item it listed at position {first_seen_at} (its offset wraps, or the listing changed while it was read)"
    )]
    RepeatedItem {
        /// The position (from the stream's first offset) where the item was first listed.
        first_seen_at: u64,
    },
}

/// Where the next page of a listing starts, the page before it (to tell a gateway that
/// ignores the offset from one that pages), and a fingerprint of every item listed so far
/// with its position (to tell one whose offset wraps).
struct Cursor<T> {
    offset: u64,
    previous: Option<Vec<T>>,
    seen: HashMap<u64, u64>,
    listed: u64,
    hasher: RandomState,
}

impl<T: Clone + PartialEq + Serialize> Cursor<T> {
    fn new(offset: u64) -> Self {
        Cursor {
            offset,
            previous: None,
            seen: HashMap::new(),
            listed: 0,
            // Keyed per stream: a gateway cannot make items collide on purpose.
            hasher: RandomState::new(),
        }
    }

    /// An item's fingerprint: the hash of its JSON form (generated types are not `Hash`).
    fn fingerprint(&self, item: &T) -> Option<u64> {
        let json = serde_json::to_vec(item).ok()?;
        Some(self.hasher.hash_one(json))
    }

    /// Checks that `page` is the one asked for, and says where the next one starts, if
    /// one may follow.
    fn after(mut self, page: &Page<T>, limit: u64) -> Result<Option<Cursor<T>>> {
        let offset = self.offset;
        let refuse = |problem| Error::Paging { offset, problem };
        if page.offset != self.offset {
            return Err(refuse(PagingProblem::OtherOffset {
                answered: page.offset,
            }));
        }
        if page.items.is_empty() {
            return Ok(None);
        }
        if self.previous.as_ref() == Some(&page.items) {
            return Err(refuse(PagingProblem::RepeatedPage));
        }
        for item in &page.items {
            let position = self.listed;
            self.listed += 1;
            let Some(fingerprint) = self.fingerprint(item) else {
                continue;
            };
            if let Some(&first_seen_at) = self.seen.get(&fingerprint) {
                return Err(refuse(PagingProblem::RepeatedItem { first_seen_at }));
            }
            self.seen.insert(fingerprint, position);
        }
        if !page.is_full(limit) {
            return Ok(None);
        }
        self.offset = page.next_offset();
        self.previous = Some(page.items.clone());
        Ok(Some(self))
    }
}

/// A stream of the items of all pages of a listing; it borrows the client.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'a>>;

/// The items of all pages from `offset` on, fetching pages of `limit` with `fetch`.
fn all_items<'a, T, F, Fut>(offset: u64, limit: u64, fetch: F) -> ItemStream<'a, T>
where
    T: Clone + PartialEq + Serialize + Send + 'a,
    F: Fn(u64, u64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    let fetch = std::sync::Arc::new(fetch);
    let start = Cursor::new(offset);
    stream::try_unfold(Some(start), move |cursor| {
        let fetch = fetch.clone();
        async move {
            let Some(cursor) = cursor else {
                return Ok(None);
            };
            let page = fetch(cursor.offset, limit).await?;
            let next = cursor.after(&page, limit)?;
            Ok(Some((page.items, next)))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

/// A listing operation's request of the generated client, with its filters set: what a
/// [`Listing`] sends once per page. Implemented by the facade for its listings.
pub trait Paged<'a>: Clone + Send + Sync + 'a {
    /// What the listing lists (its JSON form tells one item from another).
    type Item: Clone + PartialEq + Serialize + Send + 'a;

    /// Sends the request for one page (`None`: the gateway's default).
    fn page(
        self,
        client: &'a Connectors,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> BoxFuture<'a, Page<Self::Item>>;
}

/// [`Paged`] for a generated listing builder whose answer holds the page's items in
/// `data.$field` and its `data.pagination`: `paged!(ListTools, types::ToolSelection, tools)`.
macro_rules! paged {
    ($builder:ident, $item:ty, $field:ident) => {
        impl<'a> crate::pagination::Paged<'a> for crate::api::builder::$builder<'a> {
            type Item = $item;

            fn page(
                self,
                client: &'a crate::Connectors,
                offset: Option<u64>,
                limit: Option<u64>,
            ) -> crate::tools::BoxFuture<'a, crate::pagination::Page<$item>> {
                use crate::pagination::set;
                let request = set(set(self, offset, Self::offset), limit, Self::limit);
                Box::pin(async move {
                    let page = client.send(|_| request.send()).await?.data;
                    Ok(crate::pagination::Page::new(page.$field, page.pagination))
                })
            }
        }
    };
}
pub(crate) use paged;

/// Sets `value`, if any, with one of a generated builder's setters.
pub(crate) fn set<R>(request: R, value: Option<u64>, setter: fn(R, u64) -> R) -> R {
    match value {
        Some(value) => setter(request, value),
        None => request,
    }
}

/// A listing (tools, servers, deployments, identities): the area's filters, then
/// [`page_size`](Self::page_size) and [`offset`](Self::offset); await it (or call
/// [`send`](Self::send)) for one page, or call [`stream`](Self::stream) for every item.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct Listing<'a, R> {
    client: &'a Connectors,
    request: R,
    page_size: Option<u64>,
    offset: Option<u64>,
}

impl<'a, R: Paged<'a>> Listing<'a, R> {
    pub(crate) fn new(client: &'a Connectors, request: R) -> Self {
        Listing {
            client,
            request,
            page_size: None,
            offset: None,
        }
    }

    /// Sets a filter on the generated request.
    pub(crate) fn filter(mut self, set: impl FnOnce(R) -> R) -> Self {
        self.request = set(self.request);
        self
    }

    /// Items per page (1 to 1000; the gateway's default is 100).
    pub fn page_size(mut self, size: u64) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Items to skip before the (first) page.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Checks the page size, then sends the request for one page.
    pub async fn send(self) -> Result<Page<R::Item>> {
        checked(self.page_size)?;
        self.request
            .page(self.client, self.offset, self.page_size)
            .await
    }

    /// Every item matching the filters, across pages, from the offset on; pages are asked
    /// for as the stream is read, by the rule of [`crate::pagination`].
    pub fn stream(self) -> ItemStream<'a, R::Item> {
        let Listing {
            client,
            request,
            page_size,
            offset,
        } = self;
        if let Err(error) = checked(page_size) {
            return stream::once(async { Err(error) }).boxed();
        }
        let limit = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        all_items(offset.unwrap_or(0), limit, move |offset, limit| {
            request.clone().page(client, Some(offset), Some(limit))
        })
    }
}

/// A page size within the spec's bounds.
fn checked(page_size: Option<u64>) -> Result<()> {
    use crate::api::limits::{PAGE_SIZE_MAX, PAGE_SIZE_MIN};
    match page_size {
        Some(size) => crate::tools::within("page_size", size, PAGE_SIZE_MIN..=PAGE_SIZE_MAX),
        None => Ok(()),
    }
}

impl<'a, R: Paged<'a>> IntoFuture for Listing<'a, R> {
    type Output = Result<Page<R::Item>>;
    type IntoFuture = BoxFuture<'a, Page<R::Item>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
