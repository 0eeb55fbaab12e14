//! Listing streams against a local server that pages in each of the ways gateways do:
//! honestly, with a `pagination.total` that is only the page's length (the original
//! gateway), ending on a short or an empty page, and ignoring the offset. A stream must
//! walk every page it can and stop with a typed error, never run without end, when the
//! gateway does not page.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{client, ok, tool};
use connectors::Error;
use connectors::api::{DeploymentStatus, IdentityType, ServerType};
use connectors::pagination::PagingProblem;
use futures::{Stream, StreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the listing route pages.
#[derive(Clone, Copy)]
enum Paging {
    /// As asked, with the catalog's size as `total`.
    Honest,
    /// As asked, with the page's length as `total` (the original gateway).
    TotalIsPageLength,
    /// Always the first page, reporting the offset asked for.
    IgnoresOffset,
    /// Always the first page, reporting offset 0.
    ReportsOffsetZero,
    /// The offset asked for, modulo the listing's size, and pages that run on from the
    /// last item to the first: it echoes every offset, so only the items tell.
    Wraps,
}

/// A listing route over `items` under `key` (`tools`, `servers`), paging as `paging` says.
struct Listing {
    key: &'static str,
    items: Vec<Value>,
    paging: Paging,
}

impl Respond for Listing {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let number = |name: &str, default: usize| {
            query
                .get(name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (limit, asked) = (number("limit", 100), number("offset", 0));
        let start = match self.paging {
            Paging::Honest | Paging::TotalIsPageLength => asked,
            Paging::IgnoresOffset | Paging::ReportsOffsetZero => 0,
            Paging::Wraps => asked % self.items.len().max(1),
        };
        let page: Vec<Value> = match self.paging {
            Paging::Wraps => self
                .items
                .iter()
                .cycle()
                .skip(start)
                .take(limit)
                .cloned()
                .collect(),
            _ => self.items.iter().skip(start).take(limit).cloned().collect(),
        };
        let total = match self.paging {
            Paging::Honest => self.items.len(),
            _ => page.len(),
        };
        let reported_offset = match self.paging {
            Paging::ReportsOffsetZero => 0,
            _ => asked,
        };
        ResponseTemplate::new(200).set_body_json(ok(json!({
            self.key: page,
            "pagination": {"total": total, "limit": limit, "offset": reported_offset}
        })))
    }
}

fn tools(n: usize) -> Vec<Value> {
    (1..=n).map(|i| tool(&format!("a.t{i}"), 1.0, 1)).collect()
}

/// A server serving `n` catalog tools on `GET /api/v1/tools/list`, paging as `paging` says.
async fn catalog(n: usize, paging: Paging) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(Listing {
            key: "tools",
            items: tools(n),
            paging,
        })
        .mount(&server)
        .await;
    server
}

/// Every item of `stream`, bounded in time so that an endless stream fails the test.
async fn drain<T>(stream: impl Stream<Item = Result<T, Error>>) -> Vec<Result<T, Error>> {
    tokio::time::timeout(Duration::from_secs(10), stream.take(1_000).collect())
        .await
        .expect("the stream ended")
}

/// The `offset` query parameters of the requests `server` received, in order.
async fn offsets_asked(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

fn tool_ids(items: Vec<Result<connectors::api::types::ToolSelection, Error>>) -> Vec<String> {
    items
        .into_iter()
        .map(|item| item.expect("a tool").tool_id)
        .collect()
}

#[tokio::test]
async fn full_pages_then_a_short_one() {
    let server = catalog(5, Paging::Honest).await;
    let items = drain(client(&server).tools().list().page_size(2).stream()).await;
    assert_eq!(tool_ids(items), ["a.t1", "a.t2", "a.t3", "a.t4", "a.t5"]);
    assert_eq!(offsets_asked(&server).await, ["0", "2", "4"]);
}

#[tokio::test]
async fn full_pages_then_an_empty_one() {
    let server = catalog(4, Paging::Honest).await;
    let items = drain(client(&server).tools().list().page_size(2).stream()).await;
    assert_eq!(tool_ids(items), ["a.t1", "a.t2", "a.t3", "a.t4"]);
    assert_eq!(offsets_asked(&server).await, ["0", "2", "4"]);
}

#[tokio::test]
async fn a_total_that_is_the_page_length_does_not_end_the_listing() {
    // The original gateway: total is 2, 2, 1 on the three pages.
    let server = catalog(5, Paging::TotalIsPageLength).await;
    let client = client(&server);
    let items = drain(client.tools().list().page_size(2).stream()).await;
    assert_eq!(tool_ids(items), ["a.t1", "a.t2", "a.t3", "a.t4", "a.t5"]);
    assert_eq!(offsets_asked(&server).await, ["0", "2", "4"]);

    let first = client.tools().list().page_size(2).await.unwrap();
    assert_eq!(first.total, 2, "total is what the gateway reported");
    assert!(first.has_more(), "a full page may have a next one");
    let last = client.tools().list().page_size(2).offset(4).await.unwrap();
    assert!(!last.has_more(), "a short page is the last");
}

#[tokio::test]
async fn every_listing_stream_pages_the_same_way() {
    // Servers too: the rule lives in the one paging helper all listings share.
    let server = MockServer::start().await;
    let servers: Vec<Value> = (1..=3)
        .map(|i| json!({"name": format!("s{i}"), "type": "platform", "status": "running"}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers"))
        .respond_with(Listing {
            key: "servers",
            items: servers,
            paging: Paging::TotalIsPageLength,
        })
        .mount(&server)
        .await;
    let deployments: Vec<Value> = (1..=3)
        .map(|i| json!({"deploymentId": format!("dep-{i}"), "status": "failed"}))
        .collect();
    let identities: Vec<Value> = (1..=3)
        .map(|i| json!({"id": format!("id-{i}"), "type": "AGENT", "name": format!("bot-{i}")}))
        .collect();
    for (route, key, items) in [
        ("/api/v1/mcp/deployments", "deployments", deployments),
        ("/api/v1/identities", "identities", identities),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(Listing {
                key,
                items,
                paging: Paging::TotalIsPageLength,
            })
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items = drain(
        client
            .mcp()
            .list()
            .kind(ServerType::Platform)
            .page_size(2)
            .stream(),
    )
    .await;
    let names: Vec<String> = items.into_iter().map(|s| s.unwrap().name).collect();
    assert_eq!(names, ["s1", "s2", "s3"]);
    let failed = client.deployments().list().status(DeploymentStatus::Failed);
    let items = drain(failed.page_size(2).stream()).await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|d| d.unwrap().deployment_id)
        .collect();
    assert_eq!(ids, ["dep-1", "dep-2", "dep-3"]);
    let agents = client.identities().list().kind(IdentityType::Agent);
    let items = drain(agents.page_size(2).stream()).await;
    let ids: Vec<String> = items.into_iter().map(|i| i.unwrap().id).collect();
    assert_eq!(ids, ["id-1", "id-2", "id-3"]);

    // Each page carried the listing's filter, as the generated request's own parameter.
    let requests = server.received_requests().await.unwrap_or_default();
    let filter_of = |route: &str, name: &str| -> Vec<String> {
        requests
            .iter()
            .filter(|r| r.url.path() == route)
            .map(|r| {
                let pairs: HashMap<_, _> = r.url.query_pairs().into_owned().collect();
                pairs.get(name).cloned().unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(filter_of("/api/v1/mcp/servers", "type"), ["platform"; 2]);
    assert_eq!(
        filter_of("/api/v1/mcp/deployments", "status"),
        ["failed"; 2]
    );
    assert_eq!(filter_of("/api/v1/identities", "type"), ["AGENT"; 2]);
}

#[tokio::test]
async fn every_listing_refuses_a_page_size_outside_the_spec_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    for size in [0, 1001] {
        let refusals = [
            client.tools().list().page_size(size).await.map(drop),
            client.mcp().list().page_size(size).await.map(drop),
            client.deployments().list().page_size(size).await.map(drop),
            client.identities().list().page_size(size).await.map(drop),
            drain(client.tools().list().page_size(size).stream())
                .await
                .remove(0)
                .map(drop),
        ];
        for refused in refusals {
            match refused {
                Err(Error::InvalidInput { field, message }) => {
                    assert_eq!(field, "page_size");
                    assert_eq!(message, format!("{size} is not between 1 and 1000"));
                }
                other => panic!("expected InvalidInput, got {other:?}"),
            }
        }
    }
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(sent.is_empty(), "nothing was sent: {sent:?}");
}

#[tokio::test]
async fn a_gateway_that_ignores_the_offset_ends_the_stream_after_the_second_page() {
    let server = catalog(5, Paging::IgnoresOffset).await;
    let items = drain(client(&server).tools().list().page_size(2).stream()).await;
    assert_eq!(
        items.len(),
        3,
        "two tools of the first page, then the error"
    );
    assert!(items[..2].iter().all(Result::is_ok));
    match &items[2] {
        Err(
            error @ Error::Paging {
                offset: 2,
                problem: PagingProblem::RepeatedPage,
            },
        ) => {
            assert_eq!(error.kind(), "Paging");
            assert!(!error.is_transient());
            assert!(error.to_string().contains("ignores the offset"), "{error}");
        }
        other => panic!("expected a repeated-page error, got {other:?}"),
    }
    assert_eq!(offsets_asked(&server).await, ["0", "2"], "no third request");
}

#[tokio::test]
async fn a_gateway_whose_offset_wraps_ends_the_stream_at_the_first_repeated_item() {
    // Measured: such a listing streamed 35,561 items in 3 s before this check.
    let server = catalog(5, Paging::Wraps).await;
    let mut items = drain(client(&server).tools().list().page_size(2).stream()).await;
    assert_eq!(
        items.len(),
        5,
        "the four tools of two pages, then the error"
    );
    let last = items.pop();
    assert_eq!(tool_ids(items), ["a.t1", "a.t2", "a.t3", "a.t4"]);
    match &last {
        Some(Err(
            error @ Error::Paging {
                offset: 4,
                problem: PagingProblem::RepeatedItem { first_seen_at: 0 },
            },
        )) => {
            assert!(!error.is_transient());
            assert!(error.to_string().contains("position 0"), "{error}");
        }
        other => panic!("expected a repeated-item error, got {other:?}"),
    }
    assert_eq!(
        offsets_asked(&server).await,
        ["0", "2", "4"],
        "no fourth request"
    );
}

#[tokio::test]
async fn an_offset_that_is_not_echoed_as_asked_is_an_error() {
    let server = catalog(5, Paging::ReportsOffsetZero).await;
    let items = drain(client(&server).tools().list().page_size(2).stream()).await;
    assert_eq!(
        items.len(),
        3,
        "two tools of the first page, then the error"
    );
    match &items[2] {
        Err(
            error @ Error::Paging {
                offset: 2,
                problem: PagingProblem::OtherOffset { answered: 0 },
            },
        ) => assert!(error.to_string().contains("offset 0"), "{error}"),
        other => panic!("expected an other-offset error, got {other:?}"),
    }
    assert_eq!(offsets_asked(&server).await, ["0", "2"], "no third request");
}

/// A server whose tool listing answers every page with `tools(n)` and `limit` as the
/// reported page size, at the offset asked for.
async fn reporting_limit(n: usize, limit: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(move |request: &Request| {
            let offset = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "offset")
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .unwrap_or(0);
            let page: Vec<Value> = tools(n).into_iter().skip(offset).take(2).collect();
            ResponseTemplate::new(200).set_body_json(ok(json!({
                "tools": page,
                "pagination": {"total": 100, "limit": limit, "offset": offset}
            })))
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn has_more_asks_whether_the_page_is_full_not_what_total_says() {
    // Full pages of two; `total` says 100 throughout.
    let server = reporting_limit(3, 2).await;
    let client = client(&server);
    let list = || client.tools().list().page_size(2);
    assert!(list().await.unwrap().has_more());
    assert!(
        !list().offset(2).await.unwrap().has_more(),
        "one item of two"
    );
    assert!(!list().offset(3).await.unwrap().has_more(), "no item");
    // A page size of zero never pages on.
    let server = reporting_limit(3, 0).await;
    assert!(
        !common::client(&server)
            .tools()
            .list()
            .await
            .unwrap()
            .has_more()
    );
}

#[tokio::test]
async fn a_smaller_page_size_the_gateway_reports_counts_as_full_and_a_larger_one_does_not() {
    // Asked for 10, the gateway caps pages at 2 and says so: the stream pages on.
    let server = reporting_limit(5, 2).await;
    let items = drain(client(&server).tools().list().page_size(10).stream()).await;
    assert_eq!(items.len(), 5, "{items:?}");
    assert_eq!(offsets_asked(&server).await, ["0", "2", "4"]);
    // Asked for 3, two items came with a reported size of 10: that page is short.
    let server = reporting_limit(5, 10).await;
    let items = drain(client(&server).tools().list().page_size(3).stream()).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(offsets_asked(&server).await, ["0"]);
}
