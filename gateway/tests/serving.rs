//! The serving limits (`serving` of the config file) over real loopback sockets: clients
//! that send half a request head, idle, stall mid-body or open more connections than the
//! cap are bounded, and the gateway goes on serving the others.
//!
//! The gateways here run with timeouts of a second or two. A test waits for what the
//! gateway does (a closed connection, an answer) up to [`DEADLINE`], which is far above
//! those timeouts: it bounds a hang, it does not time the gateway.

mod common;

use std::time::Duration;

use common::{Gw, KEY_A, TENANT_A, keyed_post, note_titles};
use connectors_gateway::{Config, Gateway, ServingConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a test waits for the gateway to close a connection or answer before it fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// A complete request on a keep-alive connection (HTTP/1.1's default).
const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n";

fn limits(header: u64, idle: u64, body: u64, max_connections: u32) -> ServingConfig {
    ServingConfig {
        header_read_timeout_seconds: header,
        idle_timeout_seconds: idle,
        body_timeout_seconds: body,
        max_connections,
    }
}

async fn start(serving: ServingConfig) -> Gw {
    common::start_with(common::builder().serving(serving)).await
}

async fn connect(gw: &Gw) -> TcpStream {
    TcpStream::connect(gw.running.local_addr())
        .await
        .expect("connect to the gateway")
}

/// Reads until the gateway closes the connection (end of stream, or a reset) and returns
/// what it sent before. Fails the test if that takes longer than [`DEADLINE`].
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read = async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
                Err(e) => panic!("reading from the gateway: {e}"),
            }
        }
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("the gateway closes the connection");
    received
}

/// One HTTP response read off a raw connection.
struct Answer {
    status: u16,
    /// The status line and headers, header names lower-cased.
    head: String,
    body: Value,
}

/// Reads one response (its head, and a body of `Content-Length`), up to [`DEADLINE`].
async fn answer(stream: &mut TcpStream) -> Answer {
    let read = async {
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        let head_end = loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let n = stream.read(&mut buffer).await.expect("read a response");
            assert!(
                n > 0,
                "the connection closed before a response; got {:?}",
                String::from_utf8_lossy(&received)
            );
            received.extend_from_slice(&buffer[..n]);
        };
        let head = String::from_utf8_lossy(&received[..head_end]).to_lowercase();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line: {head}"));
        if status == 100 {
            // `100 Continue` is interim: the caller reads the final answer separately.
            return Answer {
                status,
                head,
                body: Value::Null,
            };
        }
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("a content-length: {head}"));
        while received.len() < head_end + length {
            let n = stream
                .read(&mut buffer)
                .await
                .expect("read a response body");
            assert!(n > 0, "the connection closed in the middle of a response");
            received.extend_from_slice(&buffer[..n]);
        }
        let body =
            serde_json::from_slice(&received[head_end..head_end + length]).unwrap_or(Value::Null);
        Answer { status, head, body }
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("the gateway answers")
}

/// Sends `GET /health` on `stream` and expects 200.
async fn healthy(stream: &mut TcpStream) -> Answer {
    stream.write_all(HEALTH).await.expect("send a request");
    let answer = answer(stream).await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    answer
}

#[tokio::test]
async fn a_connection_that_does_not_finish_its_request_head_is_closed() {
    // The idle timeout (120 s) is beyond the deadline: only the header read timeout of a
    // new connection can close these in time.
    let gw = start(limits(1, 120, 30, 100)).await;
    let mut half = connect(&gw).await;
    half.write_all(b"GET /health HTTP/1.1\r\nHost: gatew")
        .await
        .expect("send half a head");
    let mut silent = connect(&gw).await;

    assert_eq!(
        until_closed(&mut half).await,
        b"",
        "closed without an answer"
    );
    assert_eq!(
        until_closed(&mut silent).await,
        b"",
        "closed without an answer"
    );
    // The gateway serves on.
    healthy(&mut connect(&gw).await).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let gw = start(limits(1, 2, 30, 100)).await;
    let mut conn = connect(&gw).await;
    let first = healthy(&mut conn).await;
    assert!(!first.head.contains("connection: close"), "{}", first.head);
    // Kept alive: the same connection serves a second request.
    healthy(&mut conn).await;

    assert_eq!(
        until_closed(&mut conn).await,
        b"",
        "closed without an answer"
    );
}

#[tokio::test]
async fn a_keep_alive_connection_may_idle_longer_than_the_header_read_timeout() {
    let gw = start(limits(1, 120, 30, 100)).await;
    let mut conn = connect(&gw).await;
    healthy(&mut conn).await;
    // Three header read timeouts, far within the idle timeout: the header read timeout
    // bounds a new connection's first head only.
    tokio::time::sleep(Duration::from_secs(3)).await;
    healthy(&mut conn).await;
}

#[tokio::test]
async fn a_stalled_request_body_is_answered_408_and_others_are_served_meanwhile() {
    let gw = start(limits(10, 120, 1, 100)).await;
    let note = json!({"toolId": "notes.add_note", "integration": "notes", "tenantId": TENANT_A, "parameters": {"title": "stalled", "body": "b"}});
    let body = note.to_string();
    // Without a key the handler reads the body; with one the idempotency layer does.
    for key in [None, Some("stalled-body-1")] {
        let mut conn = connect(&gw).await;
        let key_header = key
            .map(|k| format!("Idempotency-Key: {k}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "POST /api/v1/tools/invoke HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {KEY_A}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n{key_header}\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes())
            .await
            .expect("send the head");
        conn.write_all(&body.as_bytes()[..body.len() / 2])
            .await
            .expect("send half the body");

        // While it stalls, another client is served.
        let health = gw
            .send(reqwest::Method::GET, "/health", None, None, &[])
            .await;
        assert_eq!(health.status, 200, "{}", health.body);

        let stalled = answer(&mut conn).await;
        assert_eq!(stalled.status, 408, "key {key:?}: {}", stalled.head);
        assert_eq!(
            stalled.body["error"]["code"], "REQUEST_TIMEOUT",
            "{}",
            stalled.body
        );
        assert!(
            stalled.head.contains("connection: close"),
            "{}",
            stalled.head
        );
        until_closed(&mut conn).await;
    }

    // Neither ran; the keyed request sent in full under the same key runs, once.
    assert!(!note_titles(&gw).await.contains(&"stalled".to_string()));
    let sent = keyed_post(&gw, "/api/v1/tools/invoke", &note, "stalled-body-1").await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let titles = note_titles(&gw).await;
    assert_eq!(
        titles.iter().filter(|t| *t == "stalled").count(),
        1,
        "{titles:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_in_the_backlog_until_one_closes() {
    let gw = start(limits(30, 30, 30, 3)).await;
    // Three connections, each served (so accepted), then idle: the cap is reached.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = connect(&gw).await;
        healthy(&mut conn).await;
        held.push(conn);
    }
    // A fourth connects (the kernel completes the handshake into the listen backlog) but is
    // not accepted, so its request is not read. Waiting for an answer that must not come
    // can only let a wrong gateway pass, never fail a right one, whatever the machine's load.
    let mut waiting = connect(&gw).await;
    waiting.write_all(HEALTH).await.expect("send a request");
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.read(&mut byte)).await;
    assert!(
        early.is_err(),
        "the fourth connection was answered or closed while three were open: {early:?}"
    );

    // One closes: the waiting connection is accepted and answered.
    drop(held.pop());
    let answered = answer(&mut waiting).await;
    assert_eq!(answered.status, 200, "{}", answered.head);

    // Once they are all closed, the gateway serves one connection after another as before.
    drop(held);
    drop(waiting);
    for _ in 0..6 {
        healthy(&mut connect(&gw).await).await;
    }
}

/// The process's open file descriptors: the test's and the in-process gateway's.
#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// The process's soft limit of open files (`Max open files` of `/proc/self/limits`).
#[cfg(target_os = "linux")]
fn open_file_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("/proc/self/limits");
    limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|soft| soft.parse().ok())
        .unwrap_or(usize::MAX)
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_burst_of_half_open_connections_is_closed_and_its_sockets_freed() {
    // Other tests of this file run at the same time in this process and open a few
    // sockets each.
    const SLACK: usize = 200;
    let gw = start(limits(1, 120, 30, 10_000)).await;
    let before = open_fds();
    // Each connection is two descriptors here (ours and the gateway's); stay within the
    // limit where it is lower than usual.
    let burst = 2_000.min(open_file_limit().saturating_sub(before + 2 * SLACK) / 2);
    assert!(
        burst >= 500,
        "the open-file limit leaves room for {burst} connections only"
    );

    let mut conns = Vec::with_capacity(burst);
    for _ in 0..burst {
        let mut conn = connect(&gw).await;
        conn.write_all(b"GET /health HTTP/1.1\r\n")
            .await
            .expect("send half a head");
        conns.push(conn);
    }
    let closed = futures::future::join_all(conns.iter_mut().map(until_closed)).await;
    assert!(closed.iter().all(Vec::is_empty), "closed without answers");
    drop(conns);

    // The gateway's sockets are gone as well as ours.
    common::eventually(DEADLINE, || async {
        (open_fds() <= before + SLACK).then_some(())
    })
    .await;
}

#[tokio::test]
async fn shutdown_closes_idle_connections_at_once_and_answers_requests_in_flight() {
    // Timeouts far beyond the deadline: only the shutdown can close these in time.
    let gw = start(limits(300, 300, 300, 100)).await;
    let addr = gw.running.local_addr();
    let mut idle = connect(&gw).await;
    healthy(&mut idle).await;
    let mut silent = connect(&gw).await;
    // A request whose handler is reading its body: hyper sends `100 Continue` when the
    // body is first read.
    let mut in_flight = connect(&gw).await;
    let body = json!({"query": "add a note"}).to_string();
    let head = format!(
        "POST /api/v1/tools/select HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {KEY_A}\r\n\
         Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight
        .write_all(head.as_bytes())
        .await
        .expect("send the head");
    assert_eq!(answer(&mut in_flight).await.status, 100);
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    in_flight
        .write_all(first)
        .await
        .expect("send half the body");

    let stopping = tokio::spawn(gw.running.shutdown());
    // The listener closes first: new connections are refused.
    common::eventually(DEADLINE, || async {
        TcpStream::connect(addr).await.is_err().then_some(())
    })
    .await;
    assert_eq!(
        until_closed(&mut idle).await,
        b"",
        "closed without an answer"
    );
    assert_eq!(
        until_closed(&mut silent).await,
        b"",
        "closed without an answer"
    );
    // The request in flight is still answered, then its connection closed.
    in_flight.write_all(rest).await.expect("send the rest");
    let answered = answer(&mut in_flight).await;
    assert_eq!(answered.status, 200, "{} {}", answered.head, answered.body);
    assert_eq!(until_closed(&mut in_flight).await, b"");
    tokio::time::timeout(DEADLINE, stopping)
        .await
        .expect("the shutdown ends")
        .expect("the shutdown task");
}

#[tokio::test]
async fn serving_limits_are_read_from_the_config_file_and_checked() {
    assert_eq!(Config::default().serving, limits(10, 120, 30, 10_000));
    let config = Config::from_json(
        r#"{"serving": {"headerReadTimeoutSeconds": 5, "idleTimeoutSeconds": 60, "bodyTimeoutSeconds": 20, "maxConnections": 50}}"#,
    )
    .expect("a valid configuration");
    assert_eq!(config.serving, limits(5, 60, 20, 50));
    let partial =
        Config::from_json(r#"{"serving": {"maxConnections": 7}}"#).expect("a valid configuration");
    assert_eq!(partial.serving, limits(10, 120, 30, 7));

    for (json, expected) in [
        (
            r#"{"serving": {"headerReadTimeoutSeconds": 0}}"#,
            "serving.headerReadTimeoutSeconds must be between 1 and 3600 (got 0)",
        ),
        (
            r#"{"serving": {"idleTimeoutSeconds": 0}}"#,
            "serving.idleTimeoutSeconds must be between 1 and 3600 (got 0)",
        ),
        (
            r#"{"serving": {"bodyTimeoutSeconds": 86400}}"#,
            "serving.bodyTimeoutSeconds must be between 1 and 3600 (got 86400)",
        ),
        (
            r#"{"serving": {"maxConnections": 0}}"#,
            "serving.maxConnections must be between 1 and 1000000 (got 0)",
        ),
        (
            r#"{"serving": {"maxConnections": 50000000}}"#,
            "serving.maxConnections must be between 1 and 1000000 (got 50000000)",
        ),
        (
            r#"{"serving": {"headerReadTimeoutSeconds": 30, "idleTimeoutSeconds": 20}}"#,
            "serving.idleTimeoutSeconds (20) must be at least serving.headerReadTimeoutSeconds (30)",
        ),
        (
            r#"{"serving": {"readTimeoutSeconds": 5}}"#,
            "unknown field `readTimeoutSeconds`, expected one of `headerReadTimeoutSeconds`",
        ),
    ] {
        let error = Config::from_json(json).expect_err(json).to_string();
        assert!(error.contains(expected), "{json}: {error}");
    }

    // The builder's limits are checked the same way.
    let error = Gateway::builder()
        .serving(limits(1, 1, 1, 0))
        .spawn()
        .await
        .expect_err("a cap of 0 connections is refused");
    assert!(
        error.to_string().contains("serving.maxConnections"),
        "{error}"
    );
}
