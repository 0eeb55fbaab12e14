//! What the client costs over raw reqwest, measured as ratios in one run.
//!
//! ```text
//! cargo bench --bench overhead                 # 7 rounds of 500 calls per client and operation
//! cargo bench --bench overhead -- 11 2000      # rounds, calls per round
//! ```
//!
//! Each operation is called against the reference gateway, started in this process on a
//! loopback port, by three clients sharing nothing but the server: raw `reqwest` (send,
//! read the body, parse it into a `serde_json::Value`), the generated client with the
//! plain transport, and the facade with its defaults (retry policy, request id,
//! idempotency key, error mapping, tracing spans). Rounds alternate between the clients so
//! that a noisy neighbour slows all three alike; the table shows the median time per call
//! and its ratio to raw reqwest. The server's own work is part of every number, so the
//! ratios say what a caller pays end to end, not the client's cost in isolation.

use std::future::Future;
use std::time::{Duration, Instant};

use connectors::Connectors;
use connectors::api::prelude::*;
use connectors::api::{Client, Transport, types};
use connectors_gateway::{Gateway, RateLimitConfig};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::{Value, json};

const QUERY: &str = "evaluate an arithmetic expression";

struct Clients {
    raw: reqwest::Client,
    generated: Client,
    facade: Connectors,
    base: String,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(7);
    let calls: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);

    let unlimited = RateLimitConfig::unlimited();
    let gateway = Gateway::builder().rate_limits(unlimited).spawn().await?;
    let clients = clients(gateway.url(), gateway.api_key(), gateway.tenant_id())?;

    println!(
        "{rounds} rounds x {calls} calls per client and operation, against the reference gateway at {}\n",
        gateway.url()
    );
    println!(
        "{:<24} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "operation", "raw µs", "generated µs", "facade µs", "gen/raw", "facade/raw"
    );

    bench(
        "GET /health",
        rounds,
        calls,
        &clients,
        Ops {
            raw: |c: &Clients| {
                let request = c.raw.get(format!("{}/health", c.base));
                async move { raw_json(request).await }
            },
            generated: |c: &Clients| {
                let generated = c.generated.clone();
                async move {
                    let result = generated.get_health().send().await;
                    result.map(|_| ()).map_err(|e| e.to_string())
                }
            },
            facade: |c: &Clients| {
                let facade = c.facade.clone();
                async move {
                    facade
                        .health()
                        .check()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            },
        },
    )
    .await;

    bench(
        "GET /api/v1/tools/list",
        rounds,
        calls,
        &clients,
        Ops {
            raw: |c: &Clients| {
                let request = c.raw.get(format!("{}/api/v1/tools/list?limit=100", c.base));
                async move { raw_json(request).await }
            },
            generated: |c: &Clients| {
                let generated = c.generated.clone();
                async move {
                    let result = generated.list_tools().limit(100).send().await;
                    result.map(|_| ()).map_err(|e| e.to_string())
                }
            },
            facade: |c: &Clients| {
                let facade = c.facade.clone();
                async move {
                    facade
                        .tools()
                        .list()
                        .page_size(100)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            },
        },
    )
    .await;

    bench(
        "POST /api/v1/tools/select",
        rounds,
        calls,
        &clients,
        Ops {
            raw: |c: &Clients| {
                let request = c
                    .raw
                    .post(format!("{}/api/v1/tools/select", c.base))
                    .json(&json!({"query": QUERY, "options": {"maxTools": 5}}));
                async move { raw_json(request).await }
            },
            generated: |c: &Clients| {
                let body = types::SingleSelectRequest::builder().query(QUERY).options(
                    types::SelectOptions {
                        max_tools: Some(5),
                        ..Default::default()
                    },
                );
                let generated = c.generated.clone();
                async move {
                    let body =
                        types::SingleSelectRequest::try_from(body).map_err(|e| e.to_string())?;
                    generated
                        .select_tools()
                        .body(types::SelectToolsRequest::from(body))
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            },
            facade: |c: &Clients| {
                let facade = c.facade.clone();
                async move {
                    facade
                        .tools()
                        .select(QUERY)
                        .max_tools(5)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            },
        },
    )
    .await;

    gateway.shutdown().await;
    Ok(())
}

fn clients(base: &str, key: &str, tenant: &str) -> Result<Clients, Box<dyn std::error::Error>> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    let raw = reqwest::Client::builder()
        .default_headers(headers.clone())
        .build()?;
    let generated = Client::new_with_client(
        base,
        reqwest::Client::builder()
            .default_headers(headers)
            .build()?,
        Transport::default(),
    );
    let facade = Connectors::builder()
        .base_url(base)
        .api_key(key)
        .tenant_id(tenant)
        .build()?;
    Ok(Clients {
        raw,
        generated,
        facade,
        base: base.to_string(),
    })
}

async fn raw_json(request: reqwest::RequestBuilder) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("status {status}"));
    }
    serde_json::from_slice::<Value>(&body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// One operation as each client calls it.
struct Ops<R, G, F> {
    raw: R,
    generated: G,
    facade: F,
}

async fn bench<R, RF, G, GF, F, FF>(
    name: &str,
    rounds: usize,
    calls: usize,
    clients: &Clients,
    ops: Ops<R, G, F>,
) where
    R: Fn(&Clients) -> RF,
    RF: Future<Output = Result<(), String>>,
    G: Fn(&Clients) -> GF,
    GF: Future<Output = Result<(), String>>,
    F: Fn(&Clients) -> FF,
    FF: Future<Output = Result<(), String>>,
{
    // Warm the connection pools and the server's caches.
    for _ in 0..20 {
        for result in [
            (ops.raw)(clients).await,
            (ops.generated)(clients).await,
            (ops.facade)(clients).await,
        ] {
            if let Err(e) = result {
                println!("{name:<24} failed: {e}");
                return;
            }
        }
    }
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..rounds {
        times[0].push(per_call(calls, || (ops.raw)(clients)).await);
        times[1].push(per_call(calls, || (ops.generated)(clients)).await);
        times[2].push(per_call(calls, || (ops.facade)(clients)).await);
    }
    let [raw, generated, facade] = times.map(median);
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name:<24} {:>12.1} {:>12.1} {:>12.1} {:>10.2} {:>10.2}",
        micros(raw),
        micros(generated),
        micros(facade),
        generated.as_secs_f64() / raw.as_secs_f64(),
        facade.as_secs_f64() / raw.as_secs_f64(),
    );
}

async fn per_call<C, Fut>(calls: usize, call: C) -> Duration
where
    C: Fn() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    for _ in 0..calls {
        // A failure here would make a client look fast; stop loudly instead.
        if let Err(e) = call().await {
            panic!("a call failed during measurement: {e}");
        }
    }
    started.elapsed() / calls as u32
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
