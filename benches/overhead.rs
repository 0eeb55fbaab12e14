//! What the facade costs over raw reqwest: throughput and client CPU per request, as
//! ratios measured in one run.
//!
//! ```text
//! cargo bench --bench overhead                 # 7 rounds of 2,000 calls per client, case
//! cargo bench --bench overhead -- 11 4000      # rounds, calls per round
//! cargo bench --bench overhead -- --instructions [CALLS]   # per call, under callgrind
//! cargo bench --bench overhead -- --only facade invoke 20000  # one client, for a profiler
//! ```
//!
//! Two servers, each in a child process of this program (so that the CPU time this
//! process uses is the clients' alone):
//! - `fixed`: answers every call with a body recorded from the reference gateway once,
//!   and does no other work, so that the clients' own cost is what differs;
//! - `gateway`: the reference gateway itself, rate limits off, as a caller meets it.
//!
//! For each server, operation (`GET /health`, `POST /tools/select`, `POST /tools/invoke`)
//! and number in flight (1, and 64 tasks at once), raw `reqwest` (send, read the body,
//! parse it into a `serde_json::Value`, with the same per-request timeout the facade sets)
//! the generated client alone (`connectors::api` with `Transport::default()` over the
//! same reqwest client: progenitor's request building and typed decoding, one attempt)
//! and the facade with its defaults (retry policy, request id, idempotency key, typed
//! decoding, error mapping, tracing spans) take turns, round by round, so that a noisy
//! neighbour slows all alike. The table shows the medians of requests per second and of
//! client CPU per request, and the medians of the per-round ratios to raw: `gen/r` is
//! what the generated code costs, `f/r` what the facade costs with it.

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connectors::Connectors;
use connectors::api::types;
use connectors_gateway::{Gateway, RateLimitConfig};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde_json::{Value, json};

const QUERY: &str = "evaluate an arithmetic expression";
const TOOL: &str = "math.evaluate";
/// The facade's default per-attempt timeout, given to raw reqwest too.
const TIMEOUT: Duration = Duration::from_secs(30);
const IN_FLIGHT: [usize; 2] = [1, 64];

type Bench = Result<(), Box<dyn std::error::Error>>;

fn main() -> Bench {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // One client alone runs on one thread: the work per call is the same, and callgrind's
    // counts no longer move with how two workers happened to share the polls.
    let runtime = if args.first().map(String::as_str) == Some("--only") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?
    };
    match args.first().map(String::as_str) {
        Some("--serve-gateway") => runtime.block_on(serve_gateway()),
        Some("--serve-fixed") => runtime.block_on(serve_fixed(&args[1..])),
        // For a profiler: one client alone against the fixed server, no table.
        // `--only CLIENT [health|select|invoke|all] [CALLS]`.
        Some("--only") => {
            let calls = args
                .get(3)
                .map(|c| c.parse())
                .transpose()?
                .unwrap_or(20_000);
            let ops = operations(args.get(2).map_or("all", String::as_str))?;
            runtime.block_on(only(args.get(1).map(String::as_str), &ops, calls))
        }
        // Instructions and context switches per call, each client under callgrind.
        Some("--instructions") => {
            drop(runtime);
            let calls = args.get(1).map(|c| c.parse()).transpose()?.unwrap_or(2_000);
            instructions(calls)
        }
        _ => {
            let mut numbers = args.iter().filter(|a| !a.starts_with("--"));
            let rounds: usize = numbers.next().map(|a| a.parse()).transpose()?.unwrap_or(7);
            let calls: usize = numbers
                .next()
                .map(|a| a.parse())
                .transpose()?
                .unwrap_or(2000);
            runtime.block_on(measure(rounds, calls))
        }
    }
}

/// A server in a child process of this program, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    key: String,
    tenant: String,
}

impl Server {
    fn start(args: &[&str]) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let mut words = line.split_whitespace();
        let (Some("READY"), Some(url), Some(key), Some(tenant)) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(format!("the server did not start: {line:?}").into());
        };
        Ok(Server {
            url: url.to_string(),
            key: key.to_string(),
            tenant: tenant.to_string(),
            child,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing its stdin stops it; kill is the fallback.
        drop(self.child.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

/// Announces the server and serves until the parent closes stdin.
fn announce_and_wait(url: &str, key: &str, tenant: &str) {
    println!("READY {url} {key} {tenant}");
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

async fn serve_gateway() -> Bench {
    let gateway = Gateway::builder()
        .rate_limits(RateLimitConfig::unlimited())
        .spawn()
        .await?;
    let (url, key, tenant) = (gateway.url(), gateway.api_key(), gateway.tenant_id());
    let (url, key, tenant) = (url.to_string(), key.to_string(), tenant.to_string());
    tokio::task::spawn_blocking(move || announce_and_wait(&url, &key, &tenant)).await?;
    gateway.shutdown().await;
    Ok(())
}

/// One recorded answer: status, content type and body.
#[derive(Clone)]
struct Recorded {
    content_type: HeaderValue,
    honoured: Option<HeaderValue>,
    body: bytes::Bytes,
}

/// Records the three answers from the gateway at `args[0]` (key `args[1]`), then serves
/// them from memory on a port of its own.
async fn serve_fixed(args: &[String]) -> Bench {
    let [url, key, tenant] = args else {
        return Err("usage: --serve-fixed URL KEY TENANT".into());
    };
    let raw = raw_client(key)?;
    let mut recorded = Vec::new();
    for (method, path) in [
        ("GET", "/health"),
        ("POST", "/api/v1/tools/select"),
        ("POST", "/api/v1/tools/invoke"),
    ] {
        let response = raw_request(&raw, url, path, tenant)
            .send()
            .await?
            .error_for_status()?;
        let header = |name: &str| response.headers().get(name).cloned();
        let content_type = header("content-type").ok_or("no content type")?;
        let honoured = header("connectors-idempotency");
        recorded.push((
            method,
            path,
            Recorded {
                content_type,
                honoured,
                body: response.bytes().await?,
            },
        ));
    }
    let recorded = Arc::new(recorded);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let recorded = recorded.clone();
        async move {
            let found = recorded.iter().find(|(method, path, _)| {
                request.method().as_str() == *method && request.uri().path() == *path
            });
            let mut response = axum::response::Response::default();
            match found {
                Some((_, _, answer)) => {
                    response
                        .headers_mut()
                        .insert(CONTENT_TYPE, answer.content_type.clone());
                    if let Some(honoured) = &answer.honoured {
                        response
                            .headers_mut()
                            .insert("connectors-idempotency", honoured.clone());
                    }
                    *response.body_mut() = axum::body::Body::from(answer.body.clone());
                }
                None => *response.status_mut() = reqwest::StatusCode::NOT_FOUND,
            }
            response
        }
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let (url, key, tenant) = (format!("http://{address}"), key.clone(), tenant.clone());
    tokio::task::spawn_blocking(move || announce_and_wait(&url, &key, &tenant)).await?;
    server.abort();
    Ok(())
}

fn raw_client(key: &str) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .timeout(TIMEOUT)
        .build()?)
}

/// The raw request of each measured operation.
fn raw_request(
    raw: &reqwest::Client,
    base: &str,
    path: &str,
    tenant: &str,
) -> reqwest::RequestBuilder {
    match path {
        "/health" => raw.get(format!("{base}/health")),
        "/api/v1/tools/select" => raw
            .post(format!("{base}{path}"))
            // Schemas asked for, as the facade asks by default (it fetches any a gateway
            // leaves out, which would be extra requests of its own).
            .json(&json!({"query": QUERY, "options": {"maxTools": 5, "includeSchemas": true}})),
        _ => raw
            .post(format!("{base}{path}"))
            .json(&json!({"toolId": TOOL, "integration": "math", "tenantId": tenant, "parameters": {"expression": "2 * (3 + 4)"}})),
    }
}

async fn raw_call(
    raw: reqwest::Client,
    base: Arc<str>,
    tenant: Arc<str>,
    path: &'static str,
) -> Result<(), String> {
    let response = raw_request(&raw, &base, path, &tenant)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("status {status}"));
    }
    serde_json::from_slice::<Value>(&body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The generated client alone, over the same reqwest client as raw, sending once.
fn generated_client(
    base: &str,
    key: &str,
) -> Result<Arc<connectors::api::Client>, Box<dyn std::error::Error>> {
    Ok(Arc::new(connectors::api::Client::new_with_client(
        base,
        raw_client(key)?,
        connectors::api::Transport::default(),
    )))
}

async fn generated_call(
    api: Arc<connectors::api::Client>,
    tenant: Arc<str>,
    path: &'static str,
) -> Result<(), String> {
    use connectors::api::prelude::*;
    fn failed<E: std::fmt::Debug>(e: connectors::api::Error<E>) -> String {
        e.to_string()
    }
    match path {
        "/health" => api.get_health().send().await.map(|_| ()).map_err(failed),
        "/api/v1/tools/select" => {
            let request = types::SingleSelectRequest {
                query: QUERY
                    .try_into()
                    .map_err(|e: types::error::ConversionError| e.to_string())?,
                options: Some(types::SelectOptions {
                    max_tools: Some(5),
                    include_schemas: Some(true),
                    ..Default::default()
                }),
                session: None,
            };
            api.select_tools()
                .body(types::SelectToolsRequest::SingleSelectRequest(request))
                .send()
                .await
                .map(|_| ())
                .map_err(failed)
        }
        _ => {
            let parameters = json!({"expression": "2 * (3 + 4)"})
                .try_into()
                .map_err(|e| format!("{e:?}"))?;
            let request: types::InvokeToolRequest = types::InvokeToolRequest::builder()
                .tool_id(TOOL.to_string())
                .integration("math".to_string())
                .tenant_id(tenant.to_string())
                .parameters(Some(parameters))
                .try_into()
                .map_err(|e: types::error::ConversionError| e.to_string())?;
            api.invoke_tool()
                .body(request)
                .send()
                .await
                .map(|_| ())
                .map_err(failed)
        }
    }
}

async fn facade_call(facade: Connectors, path: &'static str) -> Result<(), String> {
    let result = match path {
        "/health" => facade.health().check().await.map(|_| ()),
        "/api/v1/tools/select" => facade.tools().select(QUERY).max_tools(5).await.map(|_| ()),
        _ => facade
            .tools()
            .invoke(TOOL, json!({"expression": "2 * (3 + 4)"}))
            .await
            .map(|_| ()),
    };
    result.map_err(|e| e.to_string())
}

/// The measured operations by name (`all` for the three).
fn operations(name: &str) -> Result<Vec<&'static str>, String> {
    Ok(match name {
        "health" => vec![PATHS[0]],
        "select" => vec![PATHS[1]],
        "invoke" => vec![PATHS[2]],
        "all" => PATHS.to_vec(),
        other => {
            return Err(format!(
                "no operation {other:?}: health, select, invoke or all"
            ));
        }
    })
}

/// The paths of the measured operations.
const PATHS: [&str; 3] = ["/health", "/api/v1/tools/select", "/api/v1/tools/invoke"];

async fn only(client: Option<&str>, paths: &[&'static str], calls: usize) -> Bench {
    let gateway = Server::start(&["--serve-gateway"])?;
    let fixed = Server::start(&["--serve-fixed", &gateway.url, &gateway.key, &gateway.tenant])?;
    let raw = raw_client(&fixed.key)?;
    let facade = Connectors::builder()
        .base_url(&fixed.url)
        .api_key(fixed.key.as_str())
        .tenant_id(&fixed.tenant)
        .build()?;
    let generated = generated_client(&fixed.url, &fixed.key)?;
    let (base, tenant): (Arc<str>, Arc<str>) =
        (fixed.url.as_str().into(), fixed.tenant.as_str().into());
    // The sizes of the futures a call builds, for whoever reads a profile of it.
    println!(
        "future sizes: api().get_health().send() {} B, health().check() {} B, select().send() {} B, invoke().send() {} B",
        std::mem::size_of_val(&{
            use connectors::api::prelude::*;
            facade.api().get_health().send()
        }),
        std::mem::size_of_val(&facade.health().check()),
        std::mem::size_of_val(&facade.tools().select(QUERY).send()),
        std::mem::size_of_val(&facade.tools().invoke(TOOL, json!({})).send()),
    );
    let client = client.map(str::to_string);
    let paths = paths.to_vec();
    let switches = context_switches();
    // In a task, as the measured rounds run.
    let task = tokio::spawn(async move {
        for path in paths {
            for _ in 0..calls {
                match client.as_deref() {
                    Some("raw") => {
                        raw_call(raw.clone(), base.clone(), tenant.clone(), path).await?
                    }
                    Some("generated") => {
                        generated_call(generated.clone(), tenant.clone(), path).await?
                    }
                    _ => facade_call(facade.clone(), path).await?,
                }
            }
        }
        Ok::<(), String>(())
    });
    task.await??;
    let (voluntary, involuntary) = context_switches();
    // Read by `--instructions`.
    println!(
        "CONTEXT-SWITCHES {} {}",
        voluntary - switches.0,
        involuntary - switches.1
    );
    Ok(())
}

/// Voluntary and involuntary context switches of this process so far.
fn context_switches() -> (i64, i64) {
    // SAFETY: `usage` is a valid rusage for the call to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(status, 0, "getrusage(RUSAGE_SELF) failed");
    (usage.ru_nvcsw, usage.ru_nivcsw)
}

/// Instructions the client's threads execute per call (callgrind, which noise does not
/// move) and context switches per call (a native run), for each client and operation.
///
/// Each figure is the difference between a run of `calls` calls and one of a tenth of
/// them, divided by the calls between: start-up, the servers' recording and the first
/// connections cancel out.
fn instructions(calls: usize) -> Bench {
    let exe = std::env::current_exe()?;
    let few = (calls / 10).max(1);
    let between = (calls - few) as f64;
    let out = std::env::temp_dir().join(format!("overhead-callgrind-{}", std::process::id()));
    let run = |client: &str,
               op: &str,
               n: usize,
               valgrind: bool|
     -> Result<(f64, f64), Box<dyn std::error::Error>> {
        let mut command = if valgrind {
            let mut c = Command::new("valgrind");
            c.arg("--tool=callgrind")
                .arg(format!("--callgrind-out-file={}", out.display()))
                .arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let output = command
            .args(["--only", client, op, &n.to_string()])
            .stderr(Stdio::null())
            .output()?;
        if !output.status.success() {
            return Err(format!("{client} {op}: {}", output.status).into());
        }
        if valgrind {
            // callgrind's `totals:` (or `summary:`) line: the instructions of every thread.
            let text = std::fs::read_to_string(&out)?;
            let total = text
                .lines()
                .find_map(|l| {
                    l.strip_prefix("totals:")
                        .or_else(|| l.strip_prefix("summary:"))
                })
                .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
                .ok_or("no totals in callgrind's output")?;
            return Ok((total, 0.0));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("CONTEXT-SWITCHES "))
            .ok_or("no context switches printed")?;
        let mut numbers = line.split_whitespace().map(str::parse::<f64>);
        match (numbers.next(), numbers.next()) {
            (Some(Ok(v)), Some(Ok(i))) => Ok((v, i)),
            _ => Err(format!("unreadable context switches: {line}").into()),
        }
    };
    println!(
        "instructions per call (callgrind, all of the client's threads; {few} and {calls} calls) \
         and voluntary context switches per call (native), against the fixed server\n"
    );
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>6} {:>6}   {:>5} {:>5} {:>5}",
        "op", "raw", "gen", "facade", "gen/r", "f/r", "raw", "gen", "fac"
    );
    for op in ["health", "select", "invoke"] {
        let mut instructions = [0.0; 3];
        let mut switches = [0.0; 3];
        for (i, client) in ["raw", "generated", "facade"].into_iter().enumerate() {
            let (small, _) = run(client, op, few, true)?;
            let (large, _) = run(client, op, calls, true)?;
            instructions[i] = (large - small) / between;
            let (small, _) = run(client, op, few, false)?;
            let (large, _) = run(client, op, calls, false)?;
            switches[i] = (large - small) / between;
        }
        println!(
            "{op:<8} {:>9.0} {:>9.0} {:>9.0} {:>6.3} {:>6.3}   {:>5.2} {:>5.2} {:>5.2}",
            instructions[0],
            instructions[1],
            instructions[2],
            instructions[1] / instructions[0],
            instructions[2] / instructions[0],
            switches[0],
            switches[1],
            switches[2]
        );
    }
    let _ = std::fs::remove_file(&out);
    println!("\ngoal: facade/raw instructions <= 1.10 and the same context switches per call");
    Ok(())
}

async fn measure(rounds: usize, calls: usize) -> Bench {
    let gateway = Server::start(&["--serve-gateway"])?;
    let fixed = Server::start(&["--serve-fixed", &gateway.url, &gateway.key, &gateway.tenant])?;
    println!(
        "{rounds} rounds x {calls} calls per client and case; servers in child processes; {} CPUs\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<8} {:<19} {:>3} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6}",
        "server",
        "operation",
        "in",
        "raw rps",
        "gen rps",
        "fac rps",
        "gen/r",
        "f/r",
        "raw cpu",
        "gen cpu",
        "fac cpu",
        "gen/r",
        "f/r"
    );
    for server in [&fixed, &gateway] {
        let name = if std::ptr::eq(server, &fixed) {
            "fixed"
        } else {
            "gateway"
        };
        let raw = raw_client(&server.key)?;
        let generated = generated_client(&server.url, &server.key)?;
        let facade = Connectors::builder()
            .base_url(&server.url)
            .api_key(server.key.as_str())
            .tenant_id(&server.tenant)
            .build()?;
        let base: Arc<str> = Arc::from(server.url.as_str());
        let tenant: Arc<str> = Arc::from(server.tenant.as_str());
        for path in ["/health", "/api/v1/tools/select", "/api/v1/tools/invoke"] {
            for in_flight in IN_FLIGHT {
                let raw_op = {
                    let (raw, base, tenant) = (raw.clone(), base.clone(), tenant.clone());
                    move || raw_call(raw.clone(), base.clone(), tenant.clone(), path)
                };
                let generated_op = {
                    let (generated, tenant) = (generated.clone(), tenant.clone());
                    move || generated_call(generated.clone(), tenant.clone(), path)
                };
                let facade_op = {
                    let facade = facade.clone();
                    move || facade_call(facade.clone(), path)
                };
                let [raw, generated, facade] = compare(
                    rounds,
                    calls,
                    in_flight,
                    [boxed(raw_op), boxed(generated_op), boxed(facade_op)],
                )
                .await?;
                let method = if path == "/health" { "GET" } else { "POST" };
                let operation = format!("{method} {}", path.trim_start_matches("/api/v1"));
                println!(
                    "{name:<8} {operation:<19} {in_flight:>3} {:>8.0} {:>8.0} {:>8.0} {:>6.3} {:>6.3} {:>6.1}µs {:>6.1}µs {:>6.1}µs {:>6.3} {:>6.3}",
                    raw.rps,
                    generated.rps,
                    facade.rps,
                    generated.rps_ratio,
                    facade.rps_ratio,
                    raw.cpu_us,
                    generated.cpu_us,
                    facade.cpu_us,
                    generated.cpu_ratio,
                    facade.cpu_ratio
                );
            }
        }
    }
    drop(fixed);
    drop(gateway);
    Ok(())
}

/// Medians over the rounds of one client, and of its per-round ratios to the first
/// client (raw reqwest).
#[derive(Debug, Clone, Copy)]
struct Figures {
    rps: f64,
    cpu_us: f64,
    rps_ratio: f64,
    cpu_ratio: f64,
}

/// One client's call, boxed so that the clients of a comparison share a type.
type Call = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync,
>;

fn boxed<C, Fut>(call: C) -> Call
where
    C: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    Arc::new(move || Box::pin(call()))
}

/// The clients take turns, round by round, so that a noisy neighbour slows all alike.
async fn compare<const N: usize>(
    rounds: usize,
    calls: usize,
    in_flight: usize,
    clients: [Call; N],
) -> Result<[Figures; N], Box<dyn std::error::Error>> {
    // Warm the connection pools and the server's caches.
    for client in &clients {
        round(calls / 10 + in_flight, in_flight, client.clone()).await?;
    }
    let mut samples: [Vec<(f64, f64)>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..rounds {
        for (client, samples) in clients.iter().zip(&mut samples) {
            let figures = round(calls, in_flight, client.clone()).await?;
            samples.push((figures.rps, figures.cpu_us));
        }
    }
    let base = samples[0].clone();
    Ok(std::array::from_fn(|i| {
        let own = &samples[i];
        let ratio = |f: fn(&(f64, f64)) -> f64| {
            median(own.iter().zip(&base).map(|(a, r)| f(a) / f(r)).collect())
        };
        Figures {
            rps: median(own.iter().map(|s| s.0).collect()),
            cpu_us: median(own.iter().map(|s| s.1).collect()),
            rps_ratio: ratio(|s| s.0),
            cpu_ratio: ratio(|s| s.1),
        }
    }))
}

/// `calls` calls by `in_flight` tasks at once: requests per second and CPU per request.
async fn round(calls: usize, in_flight: usize, call: Call) -> Result<Figures, String> {
    let per_task = calls.div_ceil(in_flight);
    let cpu = cpu_time();
    let started = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call().await?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        // A failure would make a client look fast; stop loudly instead.
        task.await.map_err(|e| e.to_string())??;
    }
    let wall = started.elapsed();
    let cpu = cpu_time() - cpu;
    let done = (per_task * in_flight) as f64;
    Ok(Figures {
        rps: done / wall.as_secs_f64(),
        cpu_us: cpu.as_secs_f64() * 1e6 / done,
        rps_ratio: 1.0,
        cpu_ratio: 1.0,
    })
}

/// The CPU time of this process, all threads together.
fn cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
