//! Helpers: a gateway on a real loopback socket, a small JSON HTTP client, bounded polling.

#![allow(dead_code)]

pub mod names;
pub mod redis;

use std::future::Future;
use std::time::Duration;

use connectors_gateway::{Gateway, GatewayBuilder, RunningGateway};
use reqwest::StatusCode;
use serde_json::Value;

pub const KEY_A: &str = "cgw-test-key-a-0123456789abcdef0123456789";
pub const KEY_B: &str = "cgw-test-key-b-0123456789abcdef0123456789";
pub const TENANT_A: &str = "tenant-a";
pub const TENANT_B: &str = "tenant-b";

/// The `connectors-gateway` binary (serves built-ins over stdio with `mcp-server <name>`).
pub const GATEWAY_BIN: &str = env!("CARGO_BIN_EXE_connectors-gateway");

/// The gateway binary with `args` as a process of its own (one that can be killed), once
/// it says where it listens: the process and its URL.
pub async fn start_gateway_process<I, S>(args: I) -> (tokio::process::Child, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    connectors_test_support::gateway::start_gateway_process(GATEWAY_BIN, args).await
}

/// A running gateway and an HTTP client for it.
pub struct Gw {
    pub running: RunningGateway,
    pub http: reqwest::Client,
    pub url: String,
}

/// A response: status, headers, JSON body (or `Value::String` with the text).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The status, headers and body of `response`.
    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// Two tenants (A and B), the built-ins in-process.
pub fn builder() -> GatewayBuilder {
    Gateway::builder()
        .api_key(KEY_A, TENANT_A)
        .api_key(KEY_B, TENANT_B)
}

pub async fn start() -> Gw {
    start_with(builder()).await
}

pub async fn start_with(builder: GatewayBuilder) -> Gw {
    let running = builder.spawn().await.expect("gateway starts");
    let url = running.url().to_string();
    Gw {
        running,
        http: reqwest::Client::new(),
        url,
    }
}

impl Gw {
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::read(request.send().await.expect("request sent")).await
    }

    /// Writes `head` (request line and headers, without the blank line), tenant A's key,
    /// the JSON content type and `body` to a raw socket, `Connection: close`: for bytes a
    /// client library will not put in a header, and for hanging up.
    pub async fn raw(&self, head: &[u8], body: &[u8]) -> tokio::net::TcpStream {
        use tokio::io::AsyncWriteExt;
        let addr = self.running.local_addr();
        let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let mut request = head.to_vec();
        request.extend_from_slice(
            format!(
                "\r\nHost: {addr}\r\nAuthorization: Bearer {KEY_A}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        request.extend_from_slice(body);
        socket.write_all(&request).await.expect("request written");
        socket
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, Some(KEY_A), None, &[])
            .await
    }

    pub async fn get_as(&self, key: &str, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, Some(key), None, &[])
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(KEY_A), Some(&body), &[])
            .await
    }

    pub async fn post_as(&self, key: &str, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(key), Some(&body), &[])
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, Some(KEY_A), None, &[])
            .await
    }

    pub async fn invoke(&self, tool_id: &str, parameters: Value) -> Reply {
        self.post(
            "/api/v1/tools/invoke",
            invocation(TENANT_A, tool_id, parameters),
        )
        .await
    }

    /// Waits (bounded) for deployment `id` to leave the unfinished states; returns it.
    pub async fn wait_deployment(&self, id: &str) -> Value {
        let path = format!("/api/v1/mcp/deployments/{id}");
        eventually(Duration::from_secs(90), || async {
            let reply = self.get(&path).await;
            let status = reply.data()["status"].as_str().unwrap_or("").to_string();
            matches!(status.as_str(), "running" | "failed" | "stopped")
                .then(|| reply.data().clone())
        })
        .await
    }

    /// Deploys `source` as `name` (tenant A) and returns the deployment id.
    pub async fn deploy(&self, name: &str, source: Value) -> String {
        let reply = self
            .post(
                "/api/v1/mcp/add",
                serde_json::json!({"name": name, "category": "testing", "source": source}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        reply.data()["deploymentId"]
            .as_str()
            .expect("deployment id")
            .to_string()
    }
}

/// The body of `tenant`'s invocation of `tool_id` (its integration: the part before the
/// first dot) with `parameters`.
pub fn invocation(tenant: &str, tool_id: &str, parameters: Value) -> Value {
    let integration = tool_id.split('.').next().unwrap_or("");
    serde_json::json!({"toolId": tool_id, "integration": integration, "tenantId": tenant, "parameters": parameters})
}

/// `tenant`'s call of the built-in `notes` tool `tool`.
pub fn notes_call(tenant: &str, tool: &str, parameters: Value) -> Value {
    invocation(tenant, &format!("notes.{tool}"), parameters)
}

/// Polls `check` until it returns `Some`, for at most `deadline` (then panics).
pub async fn eventually<T, F, Fut>(deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = std::time::Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < deadline,
            "condition not reached within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The stdio source that runs built-in `name` through the gateway binary.
pub fn builtin_source(name: &str) -> Value {
    serde_json::json!({"type": "stdio", "command": GATEWAY_BIN, "args": ["mcp-server", name]})
}

/// A request path for an operation's path template (`/api/v1/tools/{toolId}`), with a
/// sample value of tenant A's world for each parameter: a built-in tool, server, tenant.
pub fn sample_path(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{toolId}" => "notes.add_note",
            "{name}" | "{integration}" => "notes",
            "{tenantId}" => TENANT_A,
            "{deploymentId}" => "dep-1",
            "{identityId}" => "id-1",
            other if other.starts_with('{') => "x",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// How long a request of a keyed-operation test may take before the test fails (it must
/// never hang, whatever the gateway does with the key).
pub const BOUND: Duration = Duration::from_secs(120);

/// `method path` with `body`, as `api_key`'s tenant, carrying `Idempotency-Key: key`,
/// bounded by [`BOUND`].
pub async fn keyed_as(
    gw: &Gw,
    api_key: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    key: &str,
) -> Reply {
    let headers = [("idempotency-key", key)];
    let request = gw.send(method, path, Some(api_key), body, &headers);
    tokio::time::timeout(BOUND, request)
        .await
        .expect("the keyed request answers within the bound")
}

/// [`keyed_as`] tenant A.
pub async fn keyed(
    gw: &Gw,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    key: &str,
) -> Reply {
    keyed_as(gw, KEY_A, method, path, body, key).await
}

/// A keyed `POST path` with `body` as tenant A.
pub async fn keyed_post(gw: &Gw, path: &str, body: &Value, key: &str) -> Reply {
    keyed(gw, reqwest::Method::POST, path, Some(body), key).await
}

/// Whether the gateway answered with a stored outcome (`Idempotent-Replayed: true`).
pub fn replayed(reply: &Reply) -> bool {
    reply
        .headers
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

/// The titles of tenant A's notes in the built-in `notes` server: the effects of
/// `add_note` calls, counted at the server.
pub async fn note_titles(gw: &Gw) -> Vec<String> {
    let reply = gw
        .post(
            "/api/v1/tools/invoke",
            serde_json::json!({"toolId": "notes.list_notes", "integration": "notes", "tenantId": TENANT_A, "parameters": {}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.data()["result"]["structuredContent"]["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(|n| n["title"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
