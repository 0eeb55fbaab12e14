//! A fault-injecting HTTP/1.1 proxy on loopback, between a client and a gateway: each
//! connection carries one exchange (`Connection: close` both ways), and a seeded draw
//! decides what happens to it. Used by the SDK's `tests/fault_injection.rs` and its
//! `benches/faults.rs` run.
//!
//! Faults that leave the gateway untouched: the connection is reset before anything is
//! forwarded, or the proxy answers 503 or 429 itself with `Retry-After: 0`. Faults after
//! the gateway ran the request: the response is dropped, its body cut half-way, delayed
//! past the client's timeout, or replaced by bytes that are not HTTP.

pub mod scenario;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use crate::wire;

/// What the proxy does to one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forwarded both ways unchanged.
    None,
    /// The connection is closed before the request reaches the gateway.
    ResetBeforeForward,
    /// The proxy answers `503` with `Retry-After: 0`; the gateway sees nothing.
    Unavailable,
    /// The proxy answers a bare `429` with `Retry-After: 0`; the gateway sees nothing.
    RateLimited,
    /// The gateway ran the request; the client gets no response.
    DropResponse,
    /// The gateway ran the request; the client gets the head and half the body.
    CutBody,
    /// The gateway ran the request; the response comes after the client's timeout.
    Delay,
    /// The gateway ran the request; the client gets bytes that are not HTTP.
    Garbage,
}

impl Fault {
    const INJECTED: [Fault; 7] = [
        Fault::ResetBeforeForward,
        Fault::Unavailable,
        Fault::RateLimited,
        Fault::DropResponse,
        Fault::CutBody,
        Fault::Delay,
        Fault::Garbage,
    ];

    /// Whether the gateway received the request.
    pub fn reached_gateway(self) -> bool {
        matches!(
            self,
            Fault::None | Fault::DropResponse | Fault::CutBody | Fault::Delay | Fault::Garbage
        )
    }
}

/// What the proxy saw of one logical call, keyed by a marker found in the request body.
#[derive(Debug, Clone, Default)]
pub struct Attempts {
    /// Every exchange of the call, in order.
    pub faults: Vec<Fault>,
}

impl Attempts {
    /// Whether every attempt met a fault.
    pub fn all_faulted(&self) -> bool {
        !self.faults.is_empty() && self.faults.iter().all(|f| *f != Fault::None)
    }
}

#[derive(Debug, Default)]
struct State {
    rng: Option<fastrand::Rng>,
    by_marker: HashMap<String, Attempts>,
    counts: HashMap<Fault, u64>,
}

/// A running proxy.
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

/// Settings of a proxy.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where requests go.
    pub upstream: SocketAddr,
    /// Seeds the draw of faults.
    pub seed: u64,
    /// The share of exchanges that meet a fault (0.0..=1.0).
    pub fault_rate: f64,
    /// How long [`Fault::Delay`] holds a response (longer than the client's timeout).
    pub delay: Duration,
    /// The JSON string field of the request body that names the logical call.
    pub marker_field: &'static str,
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port.
    pub async fn start(settings: Settings) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            rng: Some(fastrand::Rng::with_seed(settings.seed)),
            ..State::default()
        }));
        let shared = state.clone();
        let settings = Arc::new(settings);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                let settings = settings.clone();
                tokio::spawn(async move {
                    let _ = exchange(socket, &settings, &state).await;
                });
            }
        });
        Ok(FaultProxy { addr, state, task })
    }

    /// The proxy's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the proxy saw of the call marked `marker`.
    pub fn attempts(&self, marker: &str) -> Attempts {
        lock(&self.state)
            .by_marker
            .get(marker)
            .cloned()
            .unwrap_or_default()
    }

    /// How often each fault was injected (and how many exchanges passed).
    pub fn counts(&self) -> HashMap<Fault, u64> {
        lock(&self.state).counts.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `head` with its `Connection` header replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|line| {
            !line
                .split_once(':')
                .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    lines.push("Connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

fn marker(body: &[u8], field: &str) -> Option<String> {
    fn find(value: &serde_json::Value, field: &str) -> Option<String> {
        match value {
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| match v {
                serde_json::Value::String(s) if k == field => Some(s.clone()),
                other => find(other, field),
            }),
            serde_json::Value::Array(items) => items.iter().find_map(|v| find(v, field)),
            _ => None,
        }
    }
    find(&serde_json::from_slice(body).ok()?, field)
}

async fn exchange(
    mut client: TcpStream,
    settings: &Settings,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let (head, body) = wire::read_message(&mut client, false).await?;
    let fault = {
        let mut state = lock(state);
        let fault = match state.rng.as_mut() {
            Some(rng) => {
                if rng.f64() < settings.fault_rate {
                    Fault::INJECTED[rng.usize(..Fault::INJECTED.len())]
                } else {
                    Fault::None
                }
            }
            None => Fault::None,
        };
        *state.counts.entry(fault).or_default() += 1;
        if let Some(marker) = marker(&body, settings.marker_field) {
            state
                .by_marker
                .entry(marker)
                .or_default()
                .faults
                .push(fault);
        }
        fault
    };
    match fault {
        Fault::ResetBeforeForward => return Ok(()),
        Fault::Unavailable => {
            let body =
                r#"{"success":false,"error":{"code":"SERVICE_UNAVAILABLE","message":"injected"}}"#;
            let head = format!(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            client.write_all(head.as_bytes()).await?;
            return client.write_all(body.as_bytes()).await;
        }
        Fault::RateLimited => {
            let body = r#"{"error":"Rate Limit Exceeded","message":"injected","retryAfter":0}"#;
            let head = format!(
                "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            client.write_all(head.as_bytes()).await?;
            return client.write_all(body.as_bytes()).await;
        }
        _ => {}
    }
    let mut upstream = TcpStream::connect(settings.upstream).await?;
    upstream.write_all(closing(&head).as_bytes()).await?;
    upstream.write_all(&body).await?;
    let (response_head, response_body) = wire::read_message(&mut upstream, true).await?;
    let response_head = closing(&response_head);
    match fault {
        Fault::DropResponse => Ok(()),
        Fault::CutBody => {
            client.write_all(response_head.as_bytes()).await?;
            client
                .write_all(&response_body[..response_body.len() / 2])
                .await
        }
        Fault::Delay => {
            tokio::time::sleep(settings.delay).await;
            client.write_all(response_head.as_bytes()).await?;
            client.write_all(&response_body).await
        }
        Fault::Garbage => client.write_all(b"\x00\x01 not HTTP at all\r\n\r\n").await,
        _ => {
            client.write_all(response_head.as_bytes()).await?;
            client.write_all(&response_body).await
        }
    }
}
