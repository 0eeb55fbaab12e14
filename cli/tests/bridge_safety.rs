//! Issue 21, items 4 and 5, as processes: `connectors mcp serve` in front of the reference
//! gateway (in-process on 127.0.0.1), driven over its stdio with raw JSON-RPC lines and
//! over HTTP with requests written by hand, so that every byte the host would see is
//! checked.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{async_command, gateway};
use connectors_gateway::RunningGateway;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

/// How long one answer may take.
const WAIT: Duration = Duration::from_secs(30);

/// `connectors mcp serve ARGS` against `gw`, with `env` on top.
fn serve(gw: &RunningGateway, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
    let mut command = async_command(gw, &[&["mcp", "serve"], args].concat());
    command.envs(env.iter().copied()).kill_on_drop(true);
    command
}

/// A bridge over its stdio, spoken to in raw lines; everything it writes is kept.
struct RawSession {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    seen: String,
}

impl RawSession {
    fn start(mut command: tokio::process::Command) -> RawSession {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn connectors mcp serve");
        RawSession {
            stdin: child.stdin.take().unwrap(),
            stdout: BufReader::new(child.stdout.take().unwrap()).lines(),
            child,
            seen: String::new(),
        }
    }

    async fn send(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        self.stdin.flush().await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.stdout.next_line())
            .await
            .expect("an answer in time")
            .unwrap()
            .expect("an answer before the end");
        self.seen.push_str(&line);
        self.seen.push('\n');
        serde_json::from_str(&line).expect("answers are JSON")
    }

    /// The answer to request `id` (notifications before it are kept in `seen`).
    async fn answer(&mut self, id: i64) -> Value {
        loop {
            let message = self.next().await;
            if message["id"] == id {
                return message;
            }
        }
    }

    async fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&request.to_string()).await;
        self.answer(id).await
    }

    /// `initialize` (2025-11-25) and `notifications/initialized`; the result.
    async fn initialize(&mut self) -> Value {
        let result = self
            .request(
                0,
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "bridge-safety", "version": "1"}}),
            )
            .await;
        self.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            .await;
        result
    }

    async fn call(&mut self, id: i64, name: &str, arguments: Value) -> Value {
        self.request(
            id,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        )
        .await
    }

    /// Closes stdin, waits for the exit; the rest of stdout (kept) and stderr.
    async fn finish(mut self) -> (Option<i32>, String, String) {
        drop(self.stdin);
        let mut rest = String::new();
        let mut stdout = self.stdout.into_inner();
        let _ = tokio::time::timeout(WAIT, stdout.read_to_string(&mut rest)).await;
        self.seen.push_str(&rest);
        let mut stderr = String::new();
        let mut pipe = self.child.stderr.take().unwrap();
        let _ = tokio::time::timeout(WAIT, pipe.read_to_string(&mut stderr)).await;
        let status = tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("the bridge exits when stdin closes")
            .unwrap();
        (status.code(), self.seen, stderr)
    }
}

/// The text content of a tool result.
fn text(result: &Value) -> String {
    result["result"]["content"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Runs `command` to its end with stdin closed: exit code and stderr.
async fn run_to_end(mut command: tokio::process::Command) -> (Option<i32>, String) {
    let out = tokio::time::timeout(WAIT, command.stdin(Stdio::null()).output())
        .await
        .expect("the command ends")
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An HTTP bridge: the child and the address it serves at, once it says so on stderr.
async fn serve_http(command: tokio::process::Command) -> (Child, String) {
    common::start_http_bridge(command, |_| {}).await
}

/// One POST of `body` to `addr` with `headers`, written by hand: status, head, body.
async fn post(addr: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head[9..12].parse().unwrap(),
        head.to_ascii_lowercase(),
        body.to_string(),
    )
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

#[tokio::test(flavor = "multi_thread")]
async fn http_binds_loopback_unless_told_and_beyond_it_needs_a_token() {
    let gw = gateway().await;
    // A bare port is 127.0.0.1:PORT.
    let (mut child, url) = serve_http(serve(&gw, &["--http", "0"], &[])).await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    child.kill().await.unwrap();

    // Every interface without a token: refused at start, with the way out.
    for args in [["--http", "0.0.0.0:0"], ["--http", "[::]:0"]] {
        let (code, stderr) = run_to_end(serve(&gw, &args, &[])).await;
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("CONNECTORS_MCP_TOKEN") && stderr.contains("--token"),
            "{stderr}"
        );
        assert!(!stderr.contains("serving MCP"), "{stderr}");
    }
    // An empty token is no token.
    let (code, stderr) = run_to_end(serve(&gw, &["--http", "0.0.0.0:0", "--token", ""], &[])).await;
    assert_eq!(code, Some(2), "{stderr}");
    // A host name other than localhost is not a bind address.
    let (code, stderr) = run_to_end(serve(&gw, &["--http", "example.com:8811"], &[])).await;
    assert_eq!(code, Some(2), "{stderr}");
    // A token from the variable (or the flag) lets it listen on every interface.
    let token = [(
        "CONNECTORS_MCP_TOKEN",
        "a-long-random-token-for-the-bridge-0123",
    )];
    let (mut child, url) = serve_http(serve(&gw, &["--http", "0.0.0.0:0"], &token)).await;
    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    child.kill().await.unwrap();
    // --token and --allow-origin belong to --http.
    let (code, _) = run_to_end(serve(&gw, &["--token", "x"], &[])).await;
    assert_eq!(code, Some(2));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_key_or_an_unreachable_gateway_is_said_at_start() {
    let gw = gateway().await;
    let wrong = "wrong-key-0123456789abcdef0123456789abcdef";
    let (_, stderr) = run_to_end(serve(&gw, &[], &[("CONNECTORS_API_KEY", wrong)])).await;
    let warning = stderr
        .lines()
        .find(|l| l.contains("refused the API key"))
        .unwrap_or_else(|| panic!("a warning about the key: {stderr}"));
    assert!(warning.starts_with("connectors: warning: "), "{warning}");
    assert!(!stderr.contains(wrong), "{stderr}");

    let base = connectors_test_support::net::closed_url();
    let (_, stderr) = run_to_end(serve(&gw, &[], &[("CONNECTORS_BASE_URL", &base)])).await;
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("unreachable") && l.contains(&base)),
        "{stderr}"
    );

    // A good configuration says nothing.
    let (_, stderr) = run_to_end(serve(&gw, &[], &[])).await;
    assert!(!stderr.contains("warning"), "{stderr}");
    gw.shutdown().await;
}

/// Nothing the host reads holds the gateway key: answers, tool results, errors (a wrong
/// tool, a tool's own error, a refusal of a wrong key).
#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_key_never_reaches_the_host() {
    let gw = gateway().await;
    let key = gw.api_key().to_string();
    let mut s = RawSession::start(serve(&gw, &[], &[]));
    let init = s.initialize().await;
    assert!(!init.to_string().contains(&key));
    s.request(1, "tools/list", json!({})).await;
    s.call(
        2,
        "find_tools",
        json!({"query": "evaluate an arithmetic expression"}),
    )
    .await;
    s.call(
        3,
        "call_tool",
        json!({"tool_id": "math.evaluate", "arguments": {"expression": "7/0"}}),
    )
    .await;
    s.call(
        4,
        "call_tool",
        json!({"tool_id": "nope.missing", "arguments": {}}),
    )
    .await;
    s.call(5, "no_such_tool", json!({})).await;
    let (_, seen, stderr) = s.finish().await;
    assert!(seen.lines().count() >= 6, "{seen}");
    assert!(!seen.contains(&key), "{seen}");
    assert!(!stderr.contains(&key), "{stderr}");

    let wrong = "wrong-key-0123456789abcdef0123456789abcdef";
    let mut s = RawSession::start(serve(&gw, &[], &[("CONNECTORS_API_KEY", wrong)]));
    s.initialize().await;
    let refused = s.call(1, "find_tools", json!({"query": "anything"})).await;
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    let (_, seen, stderr) = s.finish().await;
    assert!(
        !seen.contains(wrong) && !stderr.contains(wrong),
        "{seen}\n{stderr}"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_requests_need_the_token_and_a_good_origin() {
    let gw = gateway().await;
    let token = "a-long-random-token-for-the-bridge-0123";
    let (mut child, url) = serve_http(serve(
        &gw,
        &[
            "--http",
            "127.0.0.1:0",
            "--allow-origin",
            "http://localhost:5173",
        ],
        &[("CONNECTORS_MCP_TOKEN", token)],
    ))
    .await;
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/mcp")
        .to_string();
    let bearer = format!("Bearer {token}");
    let (status, head, body) = post(&addr, &[], INITIALIZE).await;
    assert_eq!(status, 401, "{head}\n{body}");
    assert!(head.contains("www-authenticate: bearer"), "{head}");
    let (status, _, _) = post(&addr, &[("Authorization", "Bearer wrong")], INITIALIZE).await;
    assert_eq!(status, 401);
    let (status, _, _) = post(
        &addr,
        &[
            ("Authorization", &bearer),
            ("Origin", "http://evil.example"),
        ],
        INITIALIZE,
    )
    .await;
    assert_eq!(status, 403);
    let own = format!("http://{addr}");
    for headers in [
        vec![("Authorization", bearer.as_str())],
        vec![("Authorization", bearer.as_str()), ("Origin", own.as_str())],
        vec![
            ("Authorization", bearer.as_str()),
            ("Origin", "http://localhost:5173"),
        ],
    ] {
        let (status, head, body) = post(&addr, &headers, INITIALIZE).await;
        assert_eq!(status, 200, "{headers:?}\n{head}\n{body}");
        assert!(body.contains("serverInfo"), "{body}");
    }
    child.kill().await.unwrap();
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn non_json_input_is_answered_with_a_parse_error() {
    let gw = gateway().await;
    let mut s = RawSession::start(serve(&gw, &["--tools", "math.evaluate"], &[]));
    s.send("this is not JSON").await;
    let answer = s.next().await;
    assert_eq!(
        answer,
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error"}})
    );
    s.initialize().await;
    s.send("{\"jsonrpc\": ").await;
    assert_eq!(s.next().await["error"]["code"], -32700);
    // The session goes on.
    let listed = s.request(7, "tools/list", json!({})).await;
    assert_eq!(listed["result"]["tools"][0]["name"], "math__evaluate");
    let (code, _, _) = s.finish().await;
    assert_eq!(code, Some(0));
    gw.shutdown().await;
}

/// The measured case: a host that writes requests and never reads. Today the answers
/// pile up without bound (650 MB after 120,000 `tools/list`); guarded, the bridge closes
/// the connection at 32 MiB queued, says so, and exits.
#[tokio::test(flavor = "multi_thread")]
async fn a_host_that_stops_reading_is_disconnected() {
    let gw = gateway().await;
    let mut command = serve(
        &gw,
        &[
            "--tools",
            "math.evaluate,math.statistics,text.word_count,notes.add_note",
        ],
        &[],
    );
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Held, never read.
    let _stdout = child.stdout.take().unwrap();
    let mut requests = format!(
        "{INITIALIZE}\n{}\n",
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
    );
    for id in 2..60_000 {
        requests.push_str(&format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n"
        ));
    }
    let writer = tokio::spawn(async move {
        for _ in 0..10 {
            if stdin.write_all(requests.as_bytes()).await.is_err() {
                break;
            }
        }
        stdin
    });
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the bridge ends the connection")
        .unwrap();
    assert!(!status.success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(stderr.contains("stopped reading"), "{stderr}");
    writer.abort();
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn static_mode_serves_what_it_finds_and_warns() {
    let gw = gateway().await;
    let mut s = RawSession::start(serve(&gw, &["--tools", "math.evaluate,nope.missing"], &[]));
    s.initialize().await;
    let listed = s.request(1, "tools/list", json!({})).await;
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["math__evaluate"]);
    let (_, _, stderr) = s.finish().await;
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("nope.missing")),
        "{stderr}"
    );

    let mut s = RawSession::start(serve(&gw, &["--select", "xyzzy plugh"], &[]));
    s.initialize().await;
    let (_, _, stderr) = s.finish().await;
    assert!(stderr.contains("selected no tools"), "{stderr}");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_hears_of_a_bad_key_and_tool_errors_are_scrubbed() {
    let gw = gateway().await;
    let wrong = "wrong-key-0123456789abcdef0123456789abcdef";
    let mut s = RawSession::start(serve(&gw, &[], &[("CONNECTORS_API_KEY", wrong)]));
    let init = s.initialize().await;
    let instructions = init["result"]["instructions"].as_str().unwrap_or_default();
    assert!(instructions.contains("refused the API key"), "{init}");
    let refused = s.call(1, "find_tools", json!({"query": "anything"})).await;
    assert!(
        text(&refused).contains("The Connectors bridge's check of its gateway"),
        "{refused}"
    );
    s.finish().await;

    // A tool's own error quotes the argument; the host sees it scrubbed.
    let secret = "1/0 + 424242";
    let mut s = RawSession::start(serve(&gw, &["--tools", "math.evaluate"], &[]));
    s.initialize().await;
    let failed = s
        .call(1, "math__evaluate", json!({"expression": secret}))
        .await;
    assert_eq!(failed["result"]["isError"], true, "{failed}");
    assert!(!failed.to_string().contains(secret), "{failed}");
    assert!(text(&failed).contains("<redacted>"), "{failed}");
    s.finish().await;
    gw.shutdown().await;
}

/// A bridge serving `math.count_primes` whose gateway calls get 50 ms an attempt and one
/// retry: a call of a few hundred milliseconds may have run when the bridge gives up.
fn impatient(gw: &RunningGateway) -> RawSession {
    RawSession::start(serve(
        gw,
        &["--tools", "math.count_primes", "--no-events"],
        &[
            ("CONNECTORS_TIMEOUT", "0.05"),
            ("CONNECTORS_MAX_RETRIES", "1"),
        ],
    ))
}

/// The tool of [`impatient`].
const PRIMES: &str = "math__count_primes";

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_may_have_run_says_what_calling_it_again_does() {
    // The reference gateway honours idempotency keys: the same call again is re-sent with
    // the same key, and answered with the first outcome instead of running again (a new
    // run would outlast the attempts again).
    let gw = gateway().await;
    let mut s = impatient(&gw);
    s.initialize().await;
    // Seconds in a debug build: longer than both attempts and the backoff between them.
    let args = json!({"n": 50_000_000});
    let unknown = s.call(1, PRIMES, args.clone()).await;
    assert_eq!(unknown["result"]["isError"], true, "{unknown}");
    let said = text(&unknown);
    assert!(
        said.contains("outcome unknown: math.count_primes may have run")
            && said.contains("Calling it again with the same arguments is safe"),
        "{said}"
    );
    // A slow call is not a gateway that is down.
    assert!(!said.contains("could not be reached"), "{said}");
    let mut again = Value::Null;
    for id in 2..40 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        again = s.call(id, PRIMES, args.clone()).await;
        if again["result"]["isError"] != true {
            break;
        }
    }
    assert_ne!(again["result"]["isError"], true, "{again}");
    assert!(text(&again).contains("3001134"), "{again}");
    s.finish().await;
    gw.shutdown().await;

    // The original ignores keys: calling again may run the tool a second time, said so,
    // and no re-send with a key is suggested.
    let gw = connectors_gateway::Gateway::builder()
        .profile(connectors_gateway::Profile::ConnectorsTs)
        .catalog(["math"])
        .oauth_credentials(connectors_gateway::DEV_TENANT, "math")
        .spawn()
        .await
        .unwrap();
    let mut s = impatient(&gw);
    s.initialize().await;
    let unknown = s.call(1, PRIMES, args).await;
    assert_eq!(unknown["result"]["isError"], true, "{unknown}");
    let said = text(&unknown);
    assert!(
        said.contains("outcome unknown: math.count_primes may have run")
            && said.contains("calling it again may run it a second time"),
        "{said}"
    );
    assert!(
        !said.contains("is safe") && !said.contains("same idempotency key"),
        "{said}"
    );
    s.finish().await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_original_gateway_static_mode_serves_tools_it_cannot_describe() {
    // An empty catalog and no getTool: the tools asked for are served without parameters.
    let gw = connectors_gateway::Gateway::builder()
        .profile(connectors_gateway::Profile::ConnectorsTs)
        .oauth_credentials(connectors_gateway::DEV_TENANT, "math")
        .spawn()
        .await
        .unwrap();
    let mut s = RawSession::start(serve(
        &gw,
        &["--tools", "math.evaluate", "--no-events"],
        &[],
    ));
    s.initialize().await;
    let listed = s.request(1, "tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 1, "{listed}");
    assert_eq!(tools[0]["name"], "math__evaluate");
    assert_eq!(tools[0]["inputSchema"]["type"], "object", "{listed}");
    let result = s
        .call(2, "math__evaluate", json!({"expression": "2*(3+4)"}))
        .await;
    assert_ne!(result["result"]["isError"], true, "{result}");
    assert!(text(&result).contains("14"), "{result}");
    let (_, _, stderr) = s.finish().await;
    assert!(stderr.contains("cannot describe math.evaluate"), "{stderr}");
    gw.shutdown().await;
}
