//! Gateways sharing one real Redis (`--store redis://…`): an `Idempotency-Key` runs once
//! between them, a replica killed with SIGKILL mid-call leaves its key in doubt (never run
//! again elsewhere), and Redis going away refuses keyed requests (503) instead of running
//! them unrecorded, until it is back. Effects are counted at a real MCP server: the
//! built-in `names` server over streamable HTTP, logging each call as it arrives.

#![cfg(feature = "redis")]

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use common::names::{call_log, counting_server, logged_values, slow_call};
use common::redis::RedisServer;
use common::start_gateway_process;
use common::*;
use connectors_gateway::{Config, Gateway, ServerConfig, StoreLocation};
use reqwest::StatusCode;
use serde_json::{Value, json};

const INVOKE: &str = "/api/v1/tools/invoke";

/// A keyed invocation sent to the gateway at `url`.
async fn keyed_call(http: &reqwest::Client, url: &str, key: &str, body: &Value) -> Reply {
    let response = http
        .post(format!("{url}{INVOKE}"))
        .bearer_auth(KEY_A)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// An in-process gateway on the Redis at `store`, with the platform server `slow` at
/// `server`.
async fn in_process(store: &str, server: &str, call_timeout_seconds: u64) -> Gw {
    let slow: ServerConfig =
        serde_json::from_value(json!({ "url": server })).expect("a server configuration");
    let gw = start_with(
        Gateway::builder()
            .config(Config {
                call_timeout_seconds,
                ..Config::default()
            })
            .api_key(KEY_A, TENANT_A)
            .api_key(KEY_B, TENANT_B)
            .store(StoreLocation::parse(store).expect("a Redis URL"))
            .platform_server("slow", slow),
    )
    .await;
    running(&gw.http, &gw.url).await;
    gw
}

/// Waits until the gateway at `url` runs the `slow` server.
async fn running(http: &reqwest::Client, url: &str) {
    eventually(Duration::from_secs(60), || async {
        let reply = http
            .get(format!("{url}/api/v1/mcp/servers/slow"))
            .bearer_auth(KEY_A)
            .send()
            .await
            .ok()?
            .json::<Value>()
            .await
            .ok()?;
        (reply["data"]["status"] == "running").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_on_two_replicas_at_once_runs_once() {
    let redis = RedisServer::start();
    let log = call_log("replicas-same-key");
    let (server, _names) = counting_server(&log, 300).await;
    let one = in_process(&redis.url(), &server, 10).await;
    let two = in_process(&redis.url(), &server, 10).await;
    let http = reqwest::Client::new();
    let rounds = 12;
    for i in 0..rounds {
        let key = format!("same-key-{i}");
        let body = slow_call(&format!("v{i}"));
        let (a, b) = tokio::join!(
            keyed_call(&http, &one.url, &key, &body),
            keyed_call(&http, &two.url, &key, &body)
        );
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(b.status, StatusCode::OK, "{}", b.body);
        assert_eq!(a.data()["result"], b.data()["result"]);
        let replayed = [&a, &b]
            .iter()
            .filter(|r| r.headers.get("idempotent-replayed").is_some())
            .count();
        assert_eq!(replayed, 1, "one ran, the other replayed: {}", b.body);
    }
    let ran = logged_values(&log);
    assert_eq!(ran.len(), rounds, "{ran:?}");
    for i in 0..rounds {
        assert_eq!(ran.iter().filter(|v| **v == format!("v{i}")).count(), 1);
    }
    // The key's request is remembered across replicas: another body is refused.
    let other = keyed_call(&http, &two.url, "same-key-0", &slow_call("other")).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
    assert_eq!(logged_values(&log).len(), rounds);
    one.running.shutdown().await;
    two.running.shutdown().await;
}

/// A `connectors-gateway` process.
struct Replica {
    child: tokio::process::Child,
    url: String,
}

/// Starts the gateway binary with the config file `config` on a free port.
async fn replica(config: &Path) -> Replica {
    let (child, url) = start_gateway_process([
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("--port"),
        OsStr::new("0"),
    ])
    .await;
    Replica { child, url }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_call_leaves_its_key_in_doubt_never_run_again() {
    let redis = RedisServer::start();
    let log = call_log("replicas-killed");
    let (server, _names) = counting_server(&log, 3_000).await;
    let config = log.with_file_name("gateway.json");
    std::fs::write(
        &config,
        json!({
            "apiKeys": [{"key": KEY_A, "tenantId": TENANT_A}],
            "builtins": [],
            "mcpServers": {"slow": {"url": server}},
            "callTimeoutSeconds": 1,
            "store": redis.url(),
        })
        .to_string(),
    )
    .expect("config written");
    let http = reqwest::Client::new();
    let mut first = replica(&config).await;
    let second = replica(&config).await;
    running(&http, &first.url).await;
    running(&http, &second.url).await;

    // The first replica takes the key and calls the tool; it dies while the tool runs.
    let body = slow_call("once");
    let sent = {
        let (http, url, body) = (http.clone(), first.url.clone(), body.clone());
        tokio::spawn(async move { keyed_call(&http, &url, "killed-key", &body).await })
    };
    eventually(Duration::from_secs(30), || async {
        (logged_values(&log).len() == 1).then_some(())
    })
    .await;
    first.child.kill().await.expect("SIGKILL");
    let _ = sent.await;

    // Another replica never runs the key: it is in progress, then in doubt for good.
    let answer = eventually(Duration::from_secs(90), || async {
        let reply = keyed_call(&http, &second.url, "killed-key", &body).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
        let code = reply.code().to_string();
        assert!(
            code == "IDEMPOTENCY_KEY_IN_USE" || code == "IDEMPOTENCY_OUTCOME_IN_DOUBT",
            "{}",
            reply.body
        );
        (code == "IDEMPOTENCY_OUTCOME_IN_DOUBT").then_some(reply)
    })
    .await;
    assert_eq!(answer.code(), "IDEMPOTENCY_OUTCOME_IN_DOUBT");
    // A replica started afresh reads the same record.
    let restarted = replica(&config).await;
    running(&http, &restarted.url).await;
    let again = keyed_call(&http, &restarted.url, "killed-key", &body).await;
    assert_eq!(
        again.code(),
        "IDEMPOTENCY_OUTCOME_IN_DOUBT",
        "{}",
        again.body
    );
    assert_eq!(
        logged_values(&log),
        vec!["once".to_string()],
        "the tool ran once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_keyed_requests_are_refused_not_run_and_recover_by_themselves() {
    let mut redis = RedisServer::start();
    let log = call_log("replicas-redis-down");
    let (server, _names) = counting_server(&log, 0).await;
    let gw = in_process(&redis.url(), &server, 10).await;
    let http = reqwest::Client::new();
    let before = keyed_call(&http, &gw.url, "before", &slow_call("before")).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(gw.get("/ready").await.status, StatusCode::OK);

    redis.stop();
    let refused = keyed_call(&http, &gw.url, "while-down", &slow_call("while-down")).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    assert_eq!(refused.code(), "STORE_UNAVAILABLE");
    assert_eq!(
        refused.headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    let text = refused.body.to_string();
    assert!(!text.contains("127.0.0.1"), "{text}");
    let ready = gw.get("/ready").await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.body
    );
    assert_eq!(
        ready.body["error"]["context"]["checks"][0]["service"],
        "store"
    );
    // Reads and unkeyed calls need no store.
    assert_eq!(gw.get("/api/v1/tools/list").await.status, StatusCode::OK);
    assert_eq!(
        logged_values(&log),
        vec!["before".to_string()],
        "nothing ran unrecorded"
    );

    redis.restart();
    let after = eventually(Duration::from_secs(60), || async {
        let reply = keyed_call(&http, &gw.url, "while-down", &slow_call("while-down")).await;
        (reply.status == StatusCode::OK).then_some(reply)
    })
    .await;
    assert!(after.headers.get("idempotent-replayed").is_none());
    assert_eq!(gw.get("/ready").await.status, StatusCode::OK);
    assert_eq!(
        logged_values(&log),
        vec!["before".to_string(), "while-down".to_string()]
    );
    gw.running.shutdown().await;
}

/// The status of server `name` on `gw` as tenant A sees it (`None`: not there).
async fn server_status(gw: &Gw, name: &str) -> Option<String> {
    let reply = gw.get(&format!("/api/v1/mcp/servers/{name}")).await;
    (reply.status == StatusCode::OK)
        .then(|| reply.data()["status"].as_str().unwrap_or("").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_deployed_on_one_replica_runs_on_every_replica_until_removed() {
    let redis = RedisServer::start();
    let (server, _names) = counting_server(&call_log("replicas-deployed"), 0).await;
    let one = in_process(&redis.url(), &server, 10).await;
    let two = in_process(&redis.url(), &server, 10).await;
    let id = one.deploy("team-notes", builtin_source("notes")).await;
    assert_eq!(one.wait_deployment(&id).await["status"], "running");

    // The other replica runs it too, and serves its tools.
    eventually(Duration::from_secs(60), || async {
        (server_status(&two, "team-notes").await.as_deref() == Some("running")).then_some(())
    })
    .await;
    let added = two
        .post(
            INVOKE,
            json!({"toolId": "team-notes.add_note", "integration": "team-notes", "tenantId": TENANT_A, "parameters": {"title": "shared"}}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let listed = two.get("/api/v1/mcp/custom").await;
    assert_eq!(listed.data()["count"], 1, "{}", listed.body);
    // Still the tenant's own: another tenant sees nothing of it on any replica.
    let theirs = two.get_as(KEY_B, "/api/v1/mcp/servers/team-notes").await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
    // Its deployment record, status and log answer on the other replica too.
    let record = eventually(Duration::from_secs(30), || async {
        let reply = two.get(&format!("/api/v1/mcp/deployments/{id}")).await;
        (reply.status == StatusCode::OK && reply.data()["status"] == "running").then_some(reply)
    })
    .await;
    assert_eq!(record.data()["name"], "team-notes");
    let logs = two.get(&format!("/api/v1/mcp/deployments/{id}/logs")).await;
    assert_eq!(logs.status, StatusCode::OK, "{}", logs.body);
    assert!(
        !logs.data()["logs"].as_array().is_none_or(Vec::is_empty),
        "{}",
        logs.body
    );
    let listed = two.get("/api/v1/mcp/deployments").await;
    assert!(listed.body.to_string().contains(&id), "{}", listed.body);
    let theirs = two
        .get_as(KEY_B, &format!("/api/v1/mcp/deployments/{id}"))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
    assert_eq!(theirs.code(), "DEPLOYMENT_NOT_FOUND");

    // A replica that starts later runs it from the record.
    let three = in_process(&redis.url(), &server, 10).await;
    eventually(Duration::from_secs(60), || async {
        (server_status(&three, "team-notes").await.as_deref() == Some("running")).then_some(())
    })
    .await;

    // Removed on one replica, it goes from every replica.
    let removed = two
        .send(
            reqwest::Method::DELETE,
            "/api/v1/mcp/custom/team-notes",
            Some(KEY_A),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    for gw in [&one, &two, &three] {
        eventually(Duration::from_secs(30), || async {
            server_status(gw, "team-notes")
                .await
                .is_none()
                .then_some(())
        })
        .await;
    }
    for gw in [one, two, three] {
        gw.running.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_following_events_on_one_replica_sees_deployments_on_another() {
    use futures::StreamExt;

    let redis = RedisServer::start();
    let (server, _names) = counting_server(&call_log("replicas-events"), 0).await;
    let one = in_process(&redis.url(), &server, 10).await;
    let two = in_process(&redis.url(), &server, 10).await;
    let follow = |key: &'static str| {
        let url = format!("{}/api/v1/events", two.url);
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .expect("the event stream")
                .bytes_stream()
        }
    };
    let mut mine = follow(KEY_A).await;
    let mut theirs = follow(KEY_B).await;
    // Deployments on the first replica, until the second's stream shows one (its
    // subscription to the other replicas may still be starting).
    let seen = tokio::time::timeout(Duration::from_secs(60), async {
        let mut text = String::new();
        for n in 0.. {
            let id = one
                .deploy(&format!("events-{n}"), builtin_source("notes"))
                .await;
            let until = tokio::time::Instant::now() + Duration::from_secs(2);
            while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(until, mine.next()).await {
                text.push_str(&String::from_utf8_lossy(&chunk));
                if text.contains(&id) && text.contains("event: deployment") {
                    return id;
                }
            }
        }
        unreachable!()
    })
    .await
    .expect("a deployment event of the other replica within 60 s");
    // Another tenant's stream on that replica says nothing of it.
    let mut other = String::new();
    let until = tokio::time::Instant::now() + Duration::from_secs(1);
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(until, theirs.next()).await {
        other.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!other.contains(&seen), "{other}");
    // Open streams would hold a graceful shutdown.
    drop((mine, theirs));
    one.running.shutdown().await;
    two.running.shutdown().await;
}

/// The structured result of a built-in `notes` call on `gw` as the tenant of `key`.
async fn notes(gw: &Gw, key: &str, tenant: &str, tool: &str, parameters: Value) -> Value {
    let reply = gw
        .post_as(key, INVOKE, notes_call(tenant, tool, parameters))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.data()["result"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_notes_are_the_same_on_every_replica_and_still_per_tenant() {
    let redis = RedisServer::start();
    let (server, _names) = counting_server(&call_log("replicas-notes"), 0).await;
    let one = in_process(&redis.url(), &server, 10).await;
    let two = in_process(&redis.url(), &server, 10).await;
    let added = notes(
        &one,
        KEY_A,
        TENANT_A,
        "add_note",
        json!({"title": "shared plan", "tags": ["Team"]}),
    )
    .await;
    let id = added["structuredContent"]["id"].clone();
    assert!(id.as_u64().is_some(), "{added}");
    let listed = notes(&two, KEY_A, TENANT_A, "list_notes", json!({})).await;
    assert_eq!(listed["structuredContent"]["count"], 1, "{listed}");
    assert_eq!(
        listed["structuredContent"]["notes"][0]["tags"],
        json!(["team"])
    );
    let found = notes(
        &two,
        KEY_A,
        TENANT_A,
        "search_notes",
        json!({"query": "plan"}),
    )
    .await;
    assert_eq!(
        found["structuredContent"]["results"][0]["id"], id,
        "{found}"
    );
    // Another tenant's notes are its own, on every replica.
    let theirs = notes(&two, KEY_B, TENANT_B, "list_notes", json!({})).await;
    assert_eq!(theirs["structuredContent"]["count"], 0, "{theirs}");
    let read = notes(&one, KEY_B, TENANT_B, "get_note", json!({"id": id})).await;
    assert_eq!(read["isError"], true, "{read}");
    // A second note gets the next id wherever it is added; a deletion is seen everywhere.
    let second = notes(
        &two,
        KEY_A,
        TENANT_A,
        "add_note",
        json!({"title": "second"}),
    )
    .await;
    assert_ne!(second["structuredContent"]["id"], id);
    let deleted = notes(&two, KEY_A, TENANT_A, "delete_note", json!({"id": id})).await;
    assert_eq!(deleted["structuredContent"]["deleted"], true, "{deleted}");
    let gone = notes(&one, KEY_A, TENANT_A, "get_note", json!({"id": id})).await;
    assert_eq!(gone["isError"], true, "{gone}");
    // A replica started afresh reads them too.
    one.running.shutdown().await;
    let three = in_process(&redis.url(), &server, 10).await;
    let listed = notes(&three, KEY_A, TENANT_A, "list_notes", json!({})).await;
    assert_eq!(listed["structuredContent"]["count"], 1, "{listed}");
    two.running.shutdown().await;
    three.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_lost_its_data_does_not_make_replicas_stop_their_servers() {
    let mut redis = RedisServer::start();
    let (server, _names) = counting_server(&call_log("replicas-lost"), 0).await;
    let one = in_process(&redis.url(), &server, 10).await;
    let two = in_process(&redis.url(), &server, 10).await;
    let id = one.deploy("kept-notes", builtin_source("notes")).await;
    assert_eq!(one.wait_deployment(&id).await["status"], "running");
    eventually(Duration::from_secs(60), || async {
        (server_status(&two, "kept-notes").await.as_deref() == Some("running")).then_some(())
    })
    .await;
    // Restarted without persistence: every record is gone.
    redis.restart();
    // The replicas record again what they knew: one started now runs the server too, and
    // the first two never stopped it.
    let three = in_process(&redis.url(), &server, 10).await;
    eventually(Duration::from_secs(60), || async {
        (server_status(&three, "kept-notes").await.as_deref() == Some("running")).then_some(())
    })
    .await;
    for gw in [&one, &two] {
        assert_eq!(
            server_status(gw, "kept-notes").await.as_deref(),
            Some("running")
        );
    }
    for gw in [one, two, three] {
        gw.running.shutdown().await;
    }
}
