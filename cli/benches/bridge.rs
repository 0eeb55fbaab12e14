//! What `connectors mcp serve` adds to a tool call, per call at 1 in flight: a plain
//! program (`harness = false`), to keep criterion out of the dependency tree.
//!
//! `cargo bench -p connectors-cli --bench bridge [-- ROUNDS CALLS]` (default 7 rounds of
//! at most 1,000 calls or [`ROUND_TIME`] per case) starts the reference gateway in this
//! process on 127.0.0.1 and times, round by round in turns (the order rotating, so that no
//! case always runs first), `text.word_count` called
//!
//! * `facade`: by the SDK facade (`connectors::Connectors`, `tools().invoke`) on the
//!   gateway;
//! * `bridge`: by an rmcp client, through `connectors mcp serve --tools text.word_count`
//!   as a child process over its stdio, in front of the same gateway, its requests
//!   without a progress token (as the official SDKs' clients send a call without a
//!   progress callback), so that the bridge takes the gateway's plain invocation route,
//!   the facade's;
//! * `facade-stream`: by the facade's streamed invocation (`tools().invoke_stream`, read
//!   to its result), the route the bridge takes for a call that asks for progress;
//! * `bridge-progress`: as `bridge`, but with the progress token rmcp's client puts on
//!   every request, so that the bridge takes the streamed route;
//! * `floor`: by an rmcp client straight to the built-in `text` MCP server as a child
//!   process over its stdio (this very executable, started as `bridge mcp-server text`):
//!   the cost of the stdio hop and the MCP framing themselves.
//!
//! It prints each case's p50 and p99 over all rounds (and the range of the rounds' p50s),
//! then what the bridge adds over the facade on each route, beside the goal of issue 25
//! (at most 150 µs). The bridge binary is the package's own: Cargo builds the package's
//! binaries for its benches and names them in `CARGO_BIN_EXE_<name>` (as for integration
//! tests); `CONNECTORS_BIN` overrides it (to time another build of the bridge).
//!
//! With `CONNECTORS_BIN_BEFORE` set to another build of the binary, a sixth case,
//! `bridge-before`, is `bridge` through that build: a change's saving, measured side by
//! side in the same rounds (a shared machine's load moves between runs far more than
//! within one).
//!
//! `bridge --only CASE [CALLS]` runs one case alone (for a profiler).

use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use connectors::Connectors;
use connectors::tools::InvocationEvent;
use connectors_gateway::{Gateway, RateLimitConfig, RunningGateway};
use connectors_mcp_servers::Builtin;
use futures::StreamExt;
use rmcp::model::{CallToolRequestParams, GetMeta, JsonObject, JsonRpcMessage};
use rmcp::service::{RunningService, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::{TokioChildProcess, Transport};
use rmcp::{RoleClient, ServiceExt};
use serde_json::json;

/// The tool, by its gateway id and by the bridge's MCP name for it.
const TOOL_ID: &str = "text.word_count";
const BRIDGE_NAME: &str = "text__word_count";
const FLOOR_NAME: &str = "word_count";
/// What each case sends (nothing secret: it is a bench).
const TEXT: &str = "the quick brown fox jumps over the lazy dog";
/// Calls before each round's timed ones: connections open, caches warm.
const WARM_UP: usize = 50;
/// At most this long per case and round: a slow case (a route that waits for a delayed
/// TCP acknowledgement, say) still gives samples without holding the bench for minutes.
const ROUND_TIME: Duration = Duration::from_secs(3);
/// The goal of issue 25: what the bridge may add over the facade, per call.
const GOAL_US: f64 = 150.0;

type Bench<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Facade,
    Bridge,
    FacadeStream,
    BridgeProgress,
    Floor,
    BridgeBefore,
}

const CASES: [Case; 6] = [
    Case::Facade,
    Case::Bridge,
    Case::FacadeStream,
    Case::BridgeProgress,
    Case::Floor,
    Case::BridgeBefore,
];

/// The other build of the bridge for `bridge-before`, if any.
const BEFORE_ENV: &str = "CONNECTORS_BIN_BEFORE";

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::Facade => "facade",
            Case::Bridge => "bridge",
            Case::FacadeStream => "facade-stream",
            Case::BridgeProgress => "bridge-progress",
            Case::Floor => "floor",
            Case::BridgeBefore => "bridge-before",
        }
    }

    fn at(self) -> usize {
        CASES.iter().position(|c| *c == self).unwrap_or(0)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, name] = args.as_slice()
        && command == "mcp-server"
    {
        return serve_builtin(name);
    }
    // `cargo bench` passes `--bench`; other flags are libtest's and mean nothing here.
    let mut only = None;
    let mut numbers = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--only" => only = words.next().cloned(),
            flag if flag.starts_with('-') => {}
            number => match number.parse::<usize>() {
                Ok(n) if n > 0 => numbers.push(n),
                _ => {
                    eprintln!("usage: bridge [ROUNDS CALLS] | bridge --only CASE [CALLS]");
                    return ExitCode::FAILURE;
                }
            },
        }
    }
    let Some(runtime) = runtime("bridge bench") else {
        return ExitCode::FAILURE;
    };
    let outcome = match only {
        Some(name) => {
            let Some(case) = CASES.into_iter().find(|c| c.name() == name) else {
                eprintln!(
                    "bridge bench: --only facade|bridge|facade-stream|bridge-progress|floor|bridge-before"
                );
                return ExitCode::FAILURE;
            };
            let calls = numbers.first().copied().unwrap_or(5000);
            runtime.block_on(run_only(case, calls))
        }
        None => {
            let rounds = numbers.first().copied().unwrap_or(7);
            let calls = numbers.get(1).copied().unwrap_or(1000);
            runtime.block_on(measure(rounds, calls))
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bridge bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `mcp-server NAME`: a built-in server on this process's stdio, until stdin closes (the
/// floor's child).
fn serve_builtin(name: &str) -> ExitCode {
    let Ok(builtin) = name.parse::<Builtin>() else {
        eprintln!("no built-in server {name}");
        return ExitCode::FAILURE;
    };
    // A multi-threaded runtime, as the MCP servers of `mcp-servers` run by themselves.
    let Some(runtime) = runtime(&format!("mcp-server {name}")) else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(connectors_mcp_servers::serve_stdio(builtin)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcp-server {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A multi-threaded runtime, or `None` after saying why there is none.
fn runtime(who: &str) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime),
        Err(e) => {
            eprintln!("{who}: no runtime: {e}");
            None
        }
    }
}

/// The clients, connected: two sessions of one bridge process each (with and without
/// progress tokens), so that neither case warms the other's.
struct Clients {
    facade: Connectors,
    bridge: RunningService<RoleClient, ()>,
    bridge_progress: RunningService<RoleClient, ()>,
    floor: RunningService<RoleClient, ()>,
    bridge_before: Option<RunningService<RoleClient, ()>>,
}

impl Clients {
    async fn connect(gateway: &RunningGateway) -> Bench<Self> {
        let facade = Connectors::builder()
            .base_url(gateway.url())
            .api_key(gateway.api_key())
            .tenant_id(gateway.tenant_id())
            .build()?;
        let binary = std::env::var_os("CONNECTORS_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_connectors").into());
        let bridge = connect(NoProgressToken(child(bridge_command(&binary, gateway))?)).await?;
        let bridge_progress = connect(child(bridge_command(&binary, gateway))?).await?;
        let bridge_before = match std::env::var_os(BEFORE_ENV) {
            Some(before) => {
                Some(connect(NoProgressToken(child(bridge_command(&before, gateway))?)).await?)
            }
            None => None,
        };
        let mut floor = tokio::process::Command::new(std::env::current_exe()?);
        floor.args(["mcp-server", "text"]);
        let floor = connect(child(floor)?).await?;
        Ok(Clients {
            facade,
            bridge,
            bridge_progress,
            floor,
            bridge_before,
        })
    }

    /// The cases these clients can run: `bridge-before` only with its build.
    fn cases(&self) -> Vec<Case> {
        CASES
            .into_iter()
            .filter(|case| *case != Case::BridgeBefore || self.bridge_before.is_some())
            .collect()
    }

    /// One call of the tool by `case`; an error or a tool error ends the bench.
    async fn call(&self, case: Case) -> Bench {
        let (client, name) = match case {
            Case::Facade => {
                let result = self
                    .facade
                    .tools()
                    .invoke(TOOL_ID, json!({"text": TEXT}))
                    .await?;
                return check(case, result.is_error(), || result.text());
            }
            Case::FacadeStream => {
                let mut events = self
                    .facade
                    .tools()
                    .invoke_stream(TOOL_ID, json!({"text": TEXT}))
                    .await?;
                while let Some(event) = events.next().await {
                    if let InvocationEvent::Result(result) = event? {
                        return check(case, result.is_error(), || result.text());
                    }
                }
                return Err("facade-stream: the stream ended without a result".into());
            }
            Case::Bridge => (&self.bridge, BRIDGE_NAME),
            Case::BridgeProgress => (&self.bridge_progress, BRIDGE_NAME),
            Case::Floor => (&self.floor, FLOOR_NAME),
            Case::BridgeBefore => match &self.bridge_before {
                Some(client) => (client, BRIDGE_NAME),
                None => return Err(format!("bridge-before needs {BEFORE_ENV}").into()),
            },
        };
        let mut arguments = JsonObject::new();
        arguments.insert("text".into(), json!(TEXT));
        let result = client
            .call_tool(CallToolRequestParams::new(name).with_arguments(arguments))
            .await?;
        check(case, result.is_error == Some(true), || {
            format!("{:?}", result.content)
        })
    }

    /// At most `calls` timed calls (and at most [`ROUND_TIME`]) after [`WARM_UP`] untimed
    /// ones, in microseconds.
    async fn round(&self, case: Case, calls: usize) -> Bench<Vec<f64>> {
        for _ in 0..WARM_UP.min(calls) {
            self.call(case).await?;
        }
        let mut samples = Vec::with_capacity(calls);
        let round = Instant::now();
        while samples.len() < calls && round.elapsed() < ROUND_TIME {
            let start = Instant::now();
            self.call(case).await?;
            samples.push(start.elapsed().as_secs_f64() * 1e6);
        }
        Ok(samples)
    }

    async fn close(self) {
        // The children exit when their stdin closes.
        let _ = self.bridge.cancel().await;
        let _ = self.bridge_progress.cancel().await;
        let _ = self.floor.cancel().await;
        if let Some(client) = self.bridge_before {
            let _ = client.cancel().await;
        }
    }
}

/// A tool error ends the bench: it would time something else than a call.
fn check(case: Case, is_error: bool, text: impl FnOnce() -> String) -> Bench {
    if is_error {
        return Err(format!("{}: tool error: {}", case.name(), text()).into());
    }
    Ok(())
}

/// A client transport whose requests carry no progress token. rmcp's client puts one on
/// every request; the official SDKs' clients only when the caller passes a progress
/// callback, and the bridge streams a call (to forward progress) only when asked for it.
struct NoProgressToken(TokioChildProcess);

impl Transport<RoleClient> for NoProgressToken {
    type Error = std::io::Error;

    fn send(
        &mut self,
        mut item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        if let JsonRpcMessage::Request(request) = &mut item {
            request.request.get_meta_mut().0.0.remove("progressToken");
        }
        self.0.send(item)
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleClient>>> + Send {
        self.0.receive()
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.0.close()
    }
}

/// `connectors mcp serve --tools text.word_count` against `gateway`, with none of this
/// process's CONNECTORS_* settings.
fn bridge_command(binary: &std::ffi::OsStr, gateway: &RunningGateway) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CONNECTORS_") {
            command.env_remove(key);
        }
    }
    command
        .env("CONNECTORS_BASE_URL", gateway.url())
        .env("CONNECTORS_API_KEY", gateway.api_key())
        .env("CONNECTORS_TENANT_ID", gateway.tenant_id())
        .args(["mcp", "serve", "--tools", TOOL_ID]);
    command
}

/// `command` as a child process, its stdio the transport; its stderr is this process's.
fn child(mut command: tokio::process::Command) -> Bench<TokioChildProcess> {
    command.stderr(Stdio::inherit());
    Ok(TokioChildProcess::new(command)?)
}

/// An MCP client over `transport`, initialized.
async fn connect(
    transport: impl Transport<RoleClient> + 'static,
) -> Bench<RunningService<RoleClient, ()>> {
    Ok(().serve(transport).await?)
}

async fn gateway() -> Bench<RunningGateway> {
    // Unlimited: thousands of calls in a row are the point, not a client to slow down.
    Ok(Gateway::builder()
        .rate_limits(RateLimitConfig::unlimited())
        .spawn()
        .await?)
}

async fn measure(rounds: usize, calls: usize) -> Bench {
    let gateway = gateway().await?;
    let clients = Clients::connect(&gateway).await?;
    println!(
        "{rounds} rounds of at most {calls} calls (and {} s) of {TOOL_ID} per case, after {WARM_UP} untimed; 1 in flight, the order rotating each round",
        ROUND_TIME.as_secs()
    );
    let cases = clients.cases();
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); CASES.len()];
    let mut round_p50s: Vec<Vec<f64>> = vec![Vec::new(); CASES.len()];
    for round in 0..rounds {
        let mut line = format!("round {}: p50", round + 1);
        for turn in 0..cases.len() {
            let case = cases[(round + turn) % cases.len()];
            let samples = clients.round(case, calls).await?;
            let p50 = percentile(&samples, 0.50);
            line.push_str(&format!(" {} {p50:.0} µs,", case.name()));
            round_p50s[case.at()].push(p50);
            all[case.at()].extend(samples);
        }
        println!("{}", line.trim_end_matches(','));
    }
    clients.close().await;
    gateway.shutdown().await;

    println!();
    println!("| case | calls | p50 µs | p99 µs | rounds' p50 µs |");
    println!("|---|---|---|---|---|");
    for case in cases.iter().copied() {
        let (low, high) = range(&round_p50s[case.at()]);
        let samples = &all[case.at()];
        println!(
            "| {} | {} | {:.0} | {:.0} | {low:.0} to {high:.0} |",
            case.name(),
            samples.len(),
            percentile(samples, 0.50),
            percentile(samples, 0.99),
        );
    }
    println!();
    let p50 = |case: Case| percentile(&all[case.at()], 0.50);
    for (bridge, facade, route) in [
        (
            Case::Bridge,
            Case::Facade,
            "plain route (no progress token)",
        ),
        (
            Case::BridgeProgress,
            Case::FacadeStream,
            "streamed route (a progress token)",
        ),
    ] {
        let added = p50(bridge) - p50(facade);
        println!(
            "{route}: {} adds {added:.0} µs per call over {} at p50; goal <= {GOAL_US:.0} µs: {}",
            bridge.name(),
            facade.name(),
            if added <= GOAL_US { "met" } else { "not met" }
        );
    }
    if cases.contains(&Case::BridgeBefore) {
        println!(
            "this build of the bridge saves {:.0} µs per call at p50 over the one in {BEFORE_ENV}",
            p50(Case::BridgeBefore) - p50(Case::Bridge)
        );
    }
    println!(
        "the stdio floor (an MCP call to a child process over stdio, no gateway) is {:.0} µs at p50",
        p50(Case::Floor)
    );
    Ok(())
}

/// One case alone, `calls` calls after the warm-up, for a profiler attached to the child
/// (or this process).
async fn run_only(case: Case, calls: usize) -> Bench {
    let gateway = gateway().await?;
    let clients = Clients::connect(&gateway).await?;
    let started = Instant::now();
    let samples = clients.round(case, calls).await?;
    let took = started.elapsed();
    clients.close().await;
    gateway.shutdown().await;
    println!(
        "{}: {calls} calls in {:.2} s, p50 {:.0} µs, p99 {:.0} µs",
        case.name(),
        took.as_secs_f64(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.99)
    );
    // Let the children's profilers write their files.
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(())
}

/// The `q` quantile (nearest rank) of `samples`.
fn percentile(samples: &[f64], q: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn range(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| {
            (low.min(*v), high.max(*v))
        })
}
