//! Three gateway processes on one real Redis behind a round-robin TCP proxy, called
//! through the SDK (its own keys and retries) while replicas are killed with SIGKILL and
//! started again; the tool is a shared counting MCP server (the built-in `names` server
//! over streamable HTTP, logging each call as it arrives). Every call id runs at most
//! once, every call the SDK reports `Ok` ran exactly once, and the only errors are
//! `OutcomeUnknown` (a key whose replica died mid-call: in doubt). Then every replica is
//! restarted, and the stored outcomes are still replayed.
//!
//! The 10,000-call run of the closing note is the ignored test below:
//! `cargo test -p connectors-gateway --test replica_chaos -- --ignored --nocapture`.

#![cfg(feature = "redis")]

mod common;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::names::{call_log, counting_server, logged_values};
use common::redis::RedisServer;
use common::start_gateway_process;
use common::*;
use connectors::{Connectors, Error};
use connectors_mcp_servers::HttpServerHandle;
use connectors_test_support::net::free_port;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

const REPLICAS: usize = 3;
const IN_FLIGHT: usize = 16;

/// Forwards each connection to the next backend that accepts one, in turn.
async fn round_robin_proxy(backends: Vec<SocketAddr>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let next = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (backends, next) = (backends.clone(), next.clone());
            tokio::spawn(async move {
                let first = next.fetch_add(1, Ordering::Relaxed);
                for attempt in 0..backends.len() {
                    let backend = backends[(first + attempt) % backends.len()];
                    let connect = TcpStream::connect(backend);
                    if let Ok(Ok(mut server)) =
                        tokio::time::timeout(Duration::from_secs(1), connect).await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// One `connectors-gateway` process on a fixed port.
struct Replica {
    port: u16,
    child: Option<tokio::process::Child>,
}

impl Replica {
    async fn start(config: &Path, port: u16) -> Replica {
        let mut replica = Replica { port, child: None };
        replica.spawn(config).await;
        replica
    }

    async fn spawn(&mut self, config: &Path) {
        let port = self.port.to_string();
        let (child, _) = start_gateway_process([
            OsStr::new("--config"),
            config.as_os_str(),
            OsStr::new("--port"),
            OsStr::new(&port),
        ])
        .await;
        self.child = Some(child);
        // Serving the tool, not only listening.
        let http = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/api/v1/mcp/servers/slow", self.port);
        eventually(Duration::from_secs(60), || async {
            let reply: Value = http
                .get(&url)
                .bearer_auth(KEY_A)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            (reply["data"]["status"] == "running").then_some(())
        })
        .await;
    }

    /// SIGKILL, then waits for the process to be gone.
    async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("SIGKILL");
        }
    }
}

/// How many times each call id reached the tool.
fn runs(log: &Path) -> HashMap<String, usize> {
    let mut runs = HashMap::new();
    for id in logged_values(log) {
        *runs.entry(id).or_insert(0) += 1;
    }
    runs
}

/// How a call ended, as the SDK reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Ok,
    OutcomeUnknown,
    Other,
}

struct Cluster {
    _redis: RedisServer,
    _names: HttpServerHandle,
    log: PathBuf,
    config: PathBuf,
    replicas: Vec<Replica>,
    proxy: SocketAddr,
}

async fn cluster(test: &str) -> Cluster {
    let redis = RedisServer::start();
    let log = call_log(&format!("chaos-{test}"));
    // A short delay, so that calls are in flight when a replica dies.
    let (server, names) = counting_server(&log, 20).await;
    let config = log.with_file_name("gateway.json");
    let unlimited = 1_000_000_000u64;
    std::fs::write(
        &config,
        json!({
            "apiKeys": [{"key": KEY_A, "tenantId": TENANT_A}],
            "builtins": [],
            "mcpServers": {"slow": {"url": server}},
            "callTimeoutSeconds": 2,
            "rateLimits": {"windowSeconds": 60, "select": unlimited, "invoke": unlimited, "list": unlimited, "default": unlimited},
            "store": redis.url(),
        })
        .to_string(),
    )
    .expect("config written");
    let mut replicas = Vec::new();
    for _ in 0..REPLICAS {
        replicas.push(Replica::start(&config, free_port()).await);
    }
    let backends = replicas
        .iter()
        .map(|r| SocketAddr::from(([127, 0, 0, 1], r.port)))
        .collect();
    let proxy = round_robin_proxy(backends).await;
    Cluster {
        _redis: redis,
        _names: names,
        log,
        config,
        replicas,
        proxy,
    }
}

/// `calls` keyed invocations through the SDK, `IN_FLIGHT` at a time, while replica
/// `kills[i].1` is killed once `kills[i].0` calls have ended (and started again half a
/// second later). Returns each call's ending.
async fn invoke_with_kills(
    cluster: &mut Cluster,
    calls: usize,
    kills: &[(usize, usize)],
) -> Vec<Ending> {
    let client = Connectors::builder()
        .base_url(format!("http://{}", cluster.proxy))
        .api_key(KEY_A)
        .tenant_id(TENANT_A)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a client");
    let done = Arc::new(AtomicUsize::new(0));
    let endings = Arc::new(Mutex::new(vec![Ending::Other; calls]));
    let work = {
        let (done, endings) = (done.clone(), endings.clone());
        futures::stream::iter(0..calls)
            .map(move |i| {
                let (client, done, endings) = (client.clone(), done.clone(), endings.clone());
                async move {
                    let ending = match client
                        .tools()
                        .invoke("slow.get_user", json!({"value": format!("c{i}")}))
                        .idempotency_key(format!("chaos-{i}"))
                        .send()
                        .await
                    {
                        Ok(_) => Ending::Ok,
                        Err(Error::OutcomeUnknown { .. }) => Ending::OutcomeUnknown,
                        Err(e) => {
                            eprintln!("call c{i}: {e}");
                            Ending::Other
                        }
                    };
                    endings.lock().unwrap_or_else(PoisonError::into_inner)[i] = ending;
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<()>>()
    };
    let work = tokio::spawn(work);
    for &(after, replica) in kills {
        while done.load(Ordering::SeqCst) < after && !work.is_finished() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cluster.replicas[replica].kill().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let config = cluster.config.clone();
        cluster.replicas[replica].spawn(&config).await;
    }
    work.await.expect("the calls ended");
    let endings = endings.lock().unwrap_or_else(PoisonError::into_inner);
    endings.clone()
}

/// Checks the run and prints its counts.
fn judge(cluster: &Cluster, endings: &[Ending], started: Instant) {
    let runs = runs(&cluster.log);
    let count = |e: Ending| endings.iter().filter(|x| **x == e).count();
    let twice = runs.values().filter(|n| **n > 1).count();
    let ran = runs.len();
    eprintln!(
        "calls {}: ok {}, outcome unknown {}, other errors {}; ran at the tool {} (twice {}) in {:.1} s",
        endings.len(),
        count(Ending::Ok),
        count(Ending::OutcomeUnknown),
        count(Ending::Other),
        ran,
        twice,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(twice, 0, "no call id ran twice");
    for (i, ending) in endings.iter().enumerate() {
        let n = runs.get(&format!("c{i}")).copied().unwrap_or(0);
        match ending {
            Ending::Ok => assert_eq!(n, 1, "c{i} ended Ok, so it ran exactly once"),
            Ending::OutcomeUnknown => assert!(n <= 1),
            Ending::Other => panic!("c{i} ended with an error other than OutcomeUnknown"),
        }
    }
}

/// After every replica is restarted, the stored outcomes of `sample` calls that ended Ok
/// are replayed through the proxy, and nothing runs again.
async fn outcomes_survive_restarts(cluster: &mut Cluster, endings: &[Ending]) {
    let before = runs(&cluster.log);
    let config = cluster.config.clone();
    for replica in &mut cluster.replicas {
        replica.kill().await;
        replica.spawn(&config).await;
    }
    let http = reqwest::Client::new();
    let sample: Vec<usize> = (0..endings.len())
        .filter(|i| endings[*i] == Ending::Ok)
        .take(10)
        .collect();
    assert!(!sample.is_empty());
    for i in sample {
        let reply = http
            .post(format!("http://{}/api/v1/tools/invoke", cluster.proxy))
            .bearer_auth(KEY_A)
            .header("idempotency-key", format!("chaos-{i}"))
            .json(&json!({"toolId": "slow.get_user", "integration": "slow", "tenantId": TENANT_A, "parameters": {"value": format!("c{i}")}}))
            .send()
            .await
            .expect("sent");
        assert_eq!(reply.status(), reqwest::StatusCode::OK);
        assert!(reply.headers().get("idempotent-replayed").is_some());
    }
    assert_eq!(runs(&cluster.log), before, "nothing ran again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyed_calls_through_replicas_that_are_killed_run_at_most_once() {
    let started = Instant::now();
    let mut cluster = cluster("600").await;
    let endings = invoke_with_kills(&mut cluster, 600, &[(200, 1)]).await;
    judge(&cluster, &endings, started);
    outcomes_survive_restarts(&mut cluster, &endings).await;
}

/// The closing note's run: 10,000 calls, a replica killed every 2,000.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a long run, by hand"]
async fn ten_thousand_calls_with_kills() {
    let started = Instant::now();
    let mut cluster = cluster("10000").await;
    let kills = [(2_000, 0), (4_000, 1), (6_000, 2), (8_000, 0)];
    let endings = invoke_with_kills(&mut cluster, 10_000, &kills).await;
    judge(&cluster, &endings, started);
    outcomes_survive_restarts(&mut cluster, &endings).await;
}
