//! Gateways sharing one real Redis (`--store redis://…`) share more than their
//! `Idempotency-Key` records: a tenant's rate-limit windows (a quota holds across replicas),
//! its identities and its OAuth configurations (written on one replica, read and changed on
//! another, never another tenant's, the client secret never sent back). With Redis away,
//! the routes that need it answer 503 `STORE_UNAVAILABLE` and change nothing, quotas are
//! still enforced (by each replica alone), and everything works again once Redis is back.

#![cfg(feature = "redis")]

mod common;

use common::redis::RedisServer;
use common::*;
use connectors_gateway::{Config, Gateway, RateLimitConfig, StoreLocation};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LIST: &str = "/api/v1/tools/list";
const IDENTITIES: &str = "/api/v1/identities";
const SECRET: &str = "s3cr3t-never-shown-0123456789";

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

/// The path of `tenant`'s OAuth configuration of `integration`.
fn oauth_path(tenant: &str, integration: &str) -> String {
    format!("/api/v1/tenants/{tenant}/integrations/{integration}/oauth-config")
}

/// A configuration with the client id `client_id` and the secret [`SECRET`].
fn oauth_config(client_id: &str) -> Value {
    json!({
        "clientId": client_id,
        "clientSecret": SECRET,
        "redirectUri": "https://app.example.com/oauth/callback",
        "authEndpoint": "https://github.com/login/oauth/authorize",
        "tokenEndpoint": "https://github.com/login/oauth/access_token",
        "scopes": ["repo"],
    })
}

/// `PATCH path` with `body`, as tenant A.
async fn patch(gw: &Gw, path: &str, body: Value) -> Reply {
    gw.send(Method::PATCH, path, Some(KEY_A), Some(&body), &[])
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

/// The names of tenant A's identities as `gw` lists them, in its order.
async fn identity_names(gw: &Gw) -> Vec<String> {
    let reply = gw.get(IDENTITIES).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.data()["identities"]
        .as_array()
        .expect("identities")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or("").to_string())
        .collect()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_made_on_one_replica_is_read_listed_updated_and_deleted_on_the_other() {
    let redis = RedisServer::start();
    let one = replica(&redis.url()).await;
    let two = replica(&redis.url()).await;

    let bot = one
        .post(IDENTITIES, json!({"type": "AGENT", "name": "release-bot"}))
        .await;
    assert_eq!(bot.status, StatusCode::CREATED, "{}", bot.body);
    let bot_id = bot.data()["id"].as_str().expect("an id").to_string();
    let group = one
        .post(
            IDENTITIES,
            json!({"type": "GROUP", "name": "reviewers", "members": [bot_id]}),
        )
        .await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.body);
    let group_id = group.data()["id"].as_str().expect("an id").to_string();

    // The other replica reads them as they were made, and lists them in creation order.
    let read = two.get(&format!("{IDENTITIES}/{bot_id}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.data(), bot.data());
    assert_eq!(identity_names(&two).await, ["release-bot", "reviewers"]);
    // A name and type taken on one replica is taken on the other.
    let again = two
        .post(IDENTITIES, json!({"type": "AGENT", "name": "release-bot"}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.code(), "IDENTITY_ALREADY_EXISTS");

    // Changed on the other replica, seen on the first.
    let changed = patch(
        &two,
        &format!("{IDENTITIES}/{bot_id}"),
        json!({"description": "Opens release pull requests"}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let seen = one.get(&format!("{IDENTITIES}/{bot_id}")).await;
    assert_eq!(seen.data()["description"], "Opens release pull requests");
    assert_eq!(seen.data()["createdAt"], bot.data()["createdAt"]);

    // Another tenant sees none of them, on either replica.
    let listed = one.get_as(KEY_B, IDENTITIES).await;
    assert_eq!(listed.data()["identities"], json!([]), "{}", listed.body);
    let missing = two.get_as(KEY_B, &format!("{IDENTITIES}/{bot_id}")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);

    // Deleted on the other replica: gone on the first, and out of its group.
    let deleted = two
        .send(
            Method::DELETE,
            &format!("{IDENTITIES}/{bot_id}"),
            Some(KEY_A),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let gone = one.get(&format!("{IDENTITIES}/{bot_id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    let group = one.get(&format!("{IDENTITIES}/{group_id}")).await;
    assert_eq!(
        group.data()["members"].as_array().map_or(0, Vec::len),
        0,
        "{}",
        group.body
    );
    assert_eq!(identity_names(&one).await, ["reviewers"]);
    one.running.shutdown().await;
    two.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_config_put_on_one_replica_is_read_on_the_other_never_with_its_secret() {
    let redis = RedisServer::start();
    let one = replica(&redis.url()).await;
    let two = replica(&redis.url()).await;
    let path = oauth_path(TENANT_A, "github");
    let mut bodies = Vec::new();

    let put = one.post(&path, oauth_config("client-1")).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    bodies.push(put.body.to_string());
    let read = two.get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.data()["config"]["clientId"], "client-1");
    bodies.push(read.body.to_string());
    let integrations = two
        .get(&format!("/api/v1/tenants/{TENANT_A}/integrations"))
        .await;
    assert_eq!(integrations.data()["integrations"], json!(["github"]));
    bodies.push(integrations.body.to_string());

    // Replaced on the other replica: the first reads the new one, created when the first was.
    let replaced = two.post(&path, oauth_config("client-2")).await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.body);
    let reread = one.get(&path).await;
    assert_eq!(reread.data()["config"]["clientId"], "client-2");
    assert_eq!(
        reread.data()["config"]["metadata"]["createdAt"],
        read.data()["config"]["metadata"]["createdAt"]
    );
    bodies.push(reread.body.to_string());

    // Another tenant sees none of it, on either replica.
    let other = one.get_as(KEY_B, &oauth_path(TENANT_B, "github")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    let other = two
        .get_as(KEY_B, &format!("/api/v1/tenants/{TENANT_B}/integrations"))
        .await;
    assert_eq!(other.data()["integrations"], json!([]), "{}", other.body);

    // Deleted on the first replica: gone on the other.
    let deleted = one.delete(&path).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let gone = two.get(&path).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    for body in bodies {
        assert!(!body.contains(SECRET), "the secret was sent back: {body}");
    }
    one.running.shutdown().await;
    two.running.shutdown().await;
}

/// Asserts `reply` is the store's 503, with `Retry-After: 1` and no detail of the store.
fn store_unavailable(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        reply.body
    );
    assert_eq!(reply.code(), "STORE_UNAVAILABLE", "{what}");
    assert_eq!(header(reply, "retry-after"), "1", "{what}");
    let text = reply.body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains(SECRET),
        "{what}: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_identities_and_oauth_configs_answer_503_change_nothing_then_work_again() {
    let mut redis = RedisServer::start();
    let one = replica(&redis.url()).await;
    let two = replica(&redis.url()).await;
    let made = one
        .post(IDENTITIES, json!({"type": "USER", "name": "ada"}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let ada = format!(
        "{IDENTITIES}/{}",
        made.data()["id"].as_str().expect("an id")
    );
    let oauth = oauth_path(TENANT_A, "github");
    let integrations = format!("/api/v1/tenants/{TENANT_A}/integrations");
    assert_eq!(
        one.post(&oauth, oauth_config("client-1")).await.status,
        StatusCode::CREATED
    );

    redis.stop();
    for gw in [&one, &two] {
        store_unavailable(&gw.get(IDENTITIES).await, "list identities");
        store_unavailable(&gw.get(&ada).await, "get an identity");
        store_unavailable(
            &gw.post(IDENTITIES, json!({"type": "USER", "name": "while-down"}))
                .await,
            "create an identity",
        );
        store_unavailable(
            &patch(gw, &ada, json!({"name": "renamed-while-down"})).await,
            "update an identity",
        );
        store_unavailable(&gw.delete(&ada).await, "delete an identity");
        store_unavailable(
            &gw.post(&oauth, oauth_config("while-down")).await,
            "put an OAuth configuration",
        );
        store_unavailable(&gw.get(&oauth).await, "get an OAuth configuration");
        store_unavailable(&gw.delete(&oauth).await, "delete an OAuth configuration");
        store_unavailable(&gw.get(&integrations).await, "list integrations");
    }
    // Routes that need no store still answer.
    assert_eq!(one.get(LIST).await.status, StatusCode::OK);

    // Redis back, empty (it persists nothing): both replicas use it again, and nothing
    // refused while it was away was kept anywhere, on the replica that refused it either.
    redis.restart();
    for gw in [&one, &two] {
        let names = eventually(BOUND, || async {
            let reply = gw.get(IDENTITIES).await;
            (reply.status == StatusCode::OK).then(|| reply.data()["identities"].clone())
        })
        .await;
        assert_eq!(names, json!([]));
        let missing = gw.get(&oauth).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    }
    let made = two
        .post(IDENTITIES, json!({"type": "USER", "name": "after"}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(identity_names(&one).await, ["after"]);
    let put = two.post(&oauth, oauth_config("client-after")).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    assert_eq!(
        one.get(&oauth).await.data()["config"]["clientId"],
        "client-after"
    );
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
