//! Gateways sharing one real Redis (`--store redis://…`) share more than their
//! `Idempotency-Key` records: a tenant's rate-limit windows, so a quota holds across
//! replicas. With Redis away, quotas are still enforced, by each replica alone.

#![cfg(feature = "redis")]

mod common;

use common::redis::RedisServer;
use common::*;
use connectors_gateway::{Config, Gateway, RateLimitConfig, StoreLocation};
use reqwest::StatusCode;

const LIST: &str = "/api/v1/tools/list";
/// The quota of `GET /api/v1/tools/list` in these tests; the other scopes' are out of
/// reach. The window is an hour, so no window of a test ends while it runs.
const LIST_QUOTA: u64 = 5;

fn limits() -> RateLimitConfig {
    RateLimitConfig {
        window_seconds: 3_600,
        select: 1_000,
        invoke: 1_000,
        list: LIST_QUOTA,
        default: 1_000,
    }
}

/// An in-process gateway on the Redis at `store`, with tenants A and B and no servers.
async fn replica(store: &str) -> Gw {
    start_with(
        Gateway::builder()
            .config(Config {
                builtins: Vec::new(),
                rate_limits: limits(),
                ..Config::default()
            })
            .api_key(KEY_A, TENANT_A)
            .api_key(KEY_B, TENANT_B)
            .store(StoreLocation::parse(store).expect("a Redis URL")),
    )
    .await
}

/// The value of the header `name` (empty when absent).
fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_holds_across_replicas_and_still_holds_on_each_while_redis_is_away() {
    let mut redis = RedisServer::start();
    let one = replica(&redis.url()).await;
    let two = replica(&redis.url()).await;

    // The requests alternate between the replicas; the window's count is one.
    for n in 1..=LIST_QUOTA {
        let gw = if n % 2 == 1 { &one } else { &two };
        let reply = gw.get(LIST).await;
        assert_eq!(reply.status, StatusCode::OK, "request {n}: {}", reply.body);
        assert_eq!(header(&reply, "ratelimit-limit"), LIST_QUOTA.to_string());
        assert_eq!(
            header(&reply, "ratelimit-remaining"),
            (LIST_QUOTA - n).to_string(),
            "request {n}"
        );
    }
    // The next one is refused wherever it lands, with the usual 429.
    let refused_two = two.get(LIST).await;
    let refused_one = one.get(LIST).await;
    for refused in [&refused_one, &refused_two] {
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            refused.body
        );
        assert_eq!(refused.body["error"], "Rate Limit Exceeded");
        assert_eq!(refused.body["limits"]["scope"], "endpoint:tools-list");
        assert_eq!(refused.body["limits"]["remaining"], 0);
        assert_eq!(header(refused, "ratelimit-remaining"), "0");
        assert!(!header(refused, "retry-after").is_empty());
    }
    // Both replicas read the same window, opened on Redis's clock.
    assert_eq!(
        refused_one.body["limits"]["resetAt"],
        refused_two.body["limits"]["resetAt"]
    );
    // Another tenant's window is its own.
    let other = two.get_as(KEY_B, LIST).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert_eq!(
        header(&other, "ratelimit-remaining"),
        (LIST_QUOTA - 1).to_string()
    );

    // Redis away: each replica counts alone; the quota is enforced, not lifted, and the
    // requests are not refused wholesale either.
    redis.stop();
    for n in 1..=LIST_QUOTA {
        let reply = one.get(LIST).await;
        assert_eq!(reply.status, StatusCode::OK, "request {n}: {}", reply.body);
        assert_eq!(
            header(&reply, "ratelimit-remaining"),
            (LIST_QUOTA - n).to_string()
        );
    }
    let refused = one.get(LIST).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );

    // Redis back (empty): the replica's spent local window no longer decides.
    redis.restart();
    eventually(BOUND, || async {
        (one.get(LIST).await.status == StatusCode::OK).then_some(())
    })
    .await;
    one.running.shutdown().await;
    two.running.shutdown().await;
}

/// Quotas are enforced with Redis down even when the requests bounce between replicas:
/// each replica's own count stops at the quota (never more than one quota per replica).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_from_the_start_each_replica_still_enforces_the_quota() {
    let mut redis = RedisServer::start();
    let url = redis.url();
    redis.stop();
    let one = replica(&url).await;
    let two = replica(&url).await;
    let mut allowed = 0;
    for n in 0..(LIST_QUOTA * 3) {
        let gw = if n % 2 == 0 { &one } else { &two };
        let reply = gw.get(LIST).await;
        match reply.status {
            StatusCode::OK => allowed += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("request {n}: {other} {}", reply.body),
        }
    }
    assert_eq!(allowed, LIST_QUOTA * 2, "one quota per replica, no more");
    one.running.shutdown().await;
    two.running.shutdown().await;
}
