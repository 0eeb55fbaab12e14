//! Live MCP sessions through the official Rust SDK (`rmcp`) as a client: to a built-in
//! server in-process over a byte stream, to a child process over stdio, or to a server
//! over streamable HTTP.
//!
//! A [`Session`] stays open and is shared by every invocation; its `ended` token fires
//! when the session dies (the process exited, the stream closed), which the registry's
//! supervisor turns into a status change and a restart.

use std::collections::HashMap;
use std::fmt;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use connectors::TraceContext;
use connectors::api::{LogStream, SecretStringMap};
use connectors_mcp_servers::Builtin;
use connectors_mcp_servers::notes::TENANT_META_KEY;
use rmcp::model::RequestParamsMeta;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientCapabilities,
    ClientRequest, Implementation, InitializeRequestParams, MetaObject, NumberOrString,
    ProgressNotificationParam, ProgressToken, RequestId, RequestMetaObject, RequestNoParam,
    ServerResult, Tool,
};
use rmcp::service::{NotificationContext, Peer, PeerRequestOptions, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, RoleClient, ServiceError, ServiceExt};
use serde_json::{Map, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// The `_meta` entry of a `tools/call` that carries the caller's `Idempotency-Key` (with
/// `#<index>` after it for an item of a batch), so a tool can recognise a call it has
/// already run under the same key.
pub(crate) const IDEMPOTENCY_META_KEY: &str = "connectors/idempotencyKey";

/// What a `tools/call` names in its `_meta` besides its progress token.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallMeta<'a> {
    /// The calling tenant, under [`TENANT_META_KEY`], so one server can keep each
    /// tenant's data apart (the built-in `notes` server does).
    pub tenant: Option<&'a str>,
    /// The trace context, as `traceparent` and `tracestate` (SEP-414).
    pub trace: Option<&'a TraceContext>,
    /// The call's idempotency key, under [`IDEMPOTENCY_META_KEY`].
    pub idempotency_key: Option<&'a str>,
}

/// Where log lines of a server (its stderr, MCP log messages) go.
pub(crate) type LogSink = Arc<dyn Fn(LogStream, String) + Send + Sync>;

/// How to reach an MCP server.
#[derive(Clone)]
pub(crate) enum Endpoint {
    /// A built-in server of this workspace, run in this process over a byte stream.
    InProcess(Builtin),
    /// The built-in `notes` server, in this process, keeping the tenants' notes in a
    /// store the replicas share.
    #[cfg(feature = "redis")]
    SharedNotes(Arc<dyn connectors_mcp_servers::notes::SharedNotes>),
    /// A program speaking MCP on stdin/stdout.
    Stdio {
        command: String,
        args: Vec<String>,
        env: SecretStringMap,
    },
    /// An MCP endpoint over streamable HTTP.
    Http {
        url: String,
        headers: SecretStringMap,
    },
}

impl Endpoint {
    /// `in-process`, `stdio` or `http`.
    pub fn transport(&self) -> &'static str {
        match self {
            Endpoint::InProcess(_) => "in-process",
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(_) => "in-process",
            Endpoint::Stdio { .. } => "stdio",
            Endpoint::Http { .. } => "http",
        }
    }

    /// Where it comes from, for listings (never with secrets).
    pub fn describe(&self) -> String {
        match self {
            Endpoint::InProcess(builtin) => format!("builtin:{builtin}"),
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(_) => format!("builtin:{}", Builtin::Notes),
            Endpoint::Stdio { command, args, .. } => {
                let mut text = command.clone();
                for arg in args {
                    text.push(' ');
                    text.push_str(arg);
                }
                text
            }
            Endpoint::Http { url, .. } => url.clone(),
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Something that happened during one tool call.
#[derive(Debug, Clone)]
pub(crate) enum CallEvent {
    /// An MCP progress notification.
    Progress {
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    /// An MCP log message sent while the call ran.
    Log { level: String, message: String },
}

/// Why a tool call failed.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The session is gone (process exited, connection closed).
    Unavailable(String),
    /// The server did not answer in time.
    Timeout(Duration),
    /// The server answered with a JSON-RPC error.
    Protocol { code: i32, message: String },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Unavailable(reason) => write!(f, "{reason}"),
            CallError::Timeout(after) => write!(f, "no answer within {} s", after.as_secs()),
            CallError::Protocol { code, message } => write!(f, "MCP error {code}: {message}"),
        }
    }
}

#[derive(Default)]
struct Subscribers {
    by_token: HashMap<String, mpsc::UnboundedSender<CallEvent>>,
}

struct HandlerInner {
    server: String,
    log: LogSink,
    subscribers: Mutex<Subscribers>,
}

/// The gateway's MCP client handler: routes progress notifications to the call that
/// asked for them and log messages to the server's log.
#[derive(Clone)]
pub(crate) struct Handler(Arc<HandlerInner>);

fn token_text(token: &ProgressToken) -> String {
    match &token.0 {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.to_string(),
    }
}

impl ClientHandler for Handler {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let key = token_text(&params.progress_token);
        let subscribers = self
            .0
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = subscribers.by_token.get(&key) {
            let _ = tx.send(CallEvent::Progress {
                progress: params.progress,
                total: params.total,
                message: params.message.clone(),
            });
        }
    }

    #[allow(deprecated)]
    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let level = serde_json::to_value(params.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "info".to_string());
        let message = match &params.data {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        tracing::debug!(server = %self.0.server, %level, "MCP log message");
        (self.0.log)(LogStream::System, format!("[mcp {level}] {message}"));
        let subscribers = self
            .0
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for tx in subscribers.by_token.values() {
            let _ = tx.send(CallEvent::Log {
                level: level.clone(),
                message: message.clone(),
            });
        }
    }

    fn get_info(&self) -> rmcp::model::ClientConfig {
        InitializeRequestParams::new(
            ClientCapabilities::default(),
            Implementation::new("connectors-gateway", env!("CARGO_PKG_VERSION")),
        )
    }
}

/// A child process behind a stdio session.
struct Child {
    pid: Option<u32>,
    kill: Mutex<Option<oneshot::Sender<()>>>,
}

/// An open MCP session.
pub(crate) struct Session {
    server: String,
    peer: Peer<RoleClient>,
    handler: Handler,
    cancel: Mutex<Option<rmcp::service::RunningServiceCancellationToken>>,
    child: Option<Child>,
    /// Fires when the session has ended, for whatever reason.
    pub ended: CancellationToken,
    end_reason: Arc<Mutex<Option<String>>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.server)
            .field("pid", &self.pid())
            .finish()
    }
}

/// Why connecting failed.
#[derive(Debug)]
pub(crate) struct ConnectError(pub String);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Session {
    /// Opens a session to `endpoint` and performs the MCP handshake within `timeout`.
    pub async fn connect(
        server: &str,
        endpoint: &Endpoint,
        log: LogSink,
        timeout: Duration,
    ) -> Result<Arc<Session>, ConnectError> {
        let handler = Handler(Arc::new(HandlerInner {
            server: server.to_string(),
            log: log.clone(),
            subscribers: Mutex::new(Subscribers::default()),
        }));
        let end_reason = Arc::new(Mutex::new(None));
        let ended = CancellationToken::new();
        // A server of this process: a byte pipe to its task.
        let in_process = match endpoint {
            Endpoint::InProcess(builtin) => {
                Some(connectors_mcp_servers::spawn_in_process(*builtin))
            }
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(notes) => Some(connectors_mcp_servers::spawn_service_in_process(
                connectors_mcp_servers::notes::NotesServer::with_shared(notes.clone()),
            )),
            _ => None,
        };
        if let Some((stream, task)) = in_process {
            let running = with_timeout(timeout, handler.clone().serve(stream)).await?;
            let session = Session::assemble(server, running, handler, None, ended, end_reason);
            // The server task ends with the session; nothing else to watch.
            tokio::spawn(async move {
                let _ = task.await;
            });
            return Ok(session);
        }
        match endpoint {
            // Started above.
            Endpoint::InProcess(_) => {
                Err(ConnectError("the in-process server did not start".into()))
            }
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(_) => {
                Err(ConnectError("the in-process server did not start".into()))
            }
            Endpoint::Stdio { command, args, env } => {
                let mut cmd = tokio::process::Command::new(command);
                cmd.args(args)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .kill_on_drop(true);
                for (name, value) in env.iter() {
                    cmd.env(name, value.expose());
                }
                let mut child = cmd
                    .spawn()
                    .map_err(|e| ConnectError(format!("cannot start '{command}': {e}")))?;
                let pid = child.id();
                let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                    return Err(ConnectError("the child process has no stdin/stdout".into()));
                };
                if let Some(stderr) = child.stderr.take() {
                    let log = log.clone();
                    tokio::spawn(async move {
                        let mut lines = BufReader::new(stderr).lines();
                        while let Ok(Some(line)) = lines.next_line().await {
                            log(LogStream::Stderr, line);
                        }
                    });
                }
                let (kill_tx, kill_rx) = oneshot::channel::<()>();
                let exit_reason = end_reason.clone();
                let exit_ended = ended.clone();
                let exit_log = log.clone();
                let (exited_tx, mut exited_rx) = oneshot::channel::<String>();
                tokio::spawn(async move {
                    let reason = tokio::select! {
                        status = child.wait() => match status {
                            Ok(status) => format!("process exited ({status})"),
                            Err(e) => format!("process lost: {e}"),
                        },
                        _ = kill_rx => {
                            let _ = child.kill().await;
                            "process stopped".to_string()
                        }
                    };
                    exit_log(LogStream::System, reason.clone());
                    {
                        let mut slot = exit_reason.lock().unwrap_or_else(PoisonError::into_inner);
                        slot.get_or_insert_with(|| reason.clone());
                    }
                    let _ = exited_tx.send(reason);
                    exit_ended.cancel();
                });
                let handshake = handler.clone().serve((stdout, stdin));
                let running = tokio::select! {
                    result = with_timeout(timeout, handshake) => result,
                    reason = &mut exited_rx => Err(ConnectError(format!(
                        "the server {} before completing the MCP handshake",
                        reason.unwrap_or_else(|_| "stopped".into())
                    ))),
                };
                let running = match running {
                    Ok(running) => running,
                    Err(e) => {
                        let _ = kill_tx.send(());
                        return Err(e);
                    }
                };
                let child = Child {
                    pid,
                    kill: Mutex::new(Some(kill_tx)),
                };
                Ok(Session::assemble(
                    server,
                    running,
                    handler,
                    Some(child),
                    ended,
                    end_reason,
                ))
            }
            Endpoint::Http { url, headers } => {
                let mut custom = HashMap::new();
                for (name, value) in headers.iter() {
                    let name = axum::http::HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| ConnectError(format!("invalid header name '{name}'")))?;
                    let value = axum::http::HeaderValue::from_str(value.expose())
                        .map_err(|_| ConnectError(format!("invalid value for header '{name}'")))?;
                    custom.insert(name, value);
                }
                let config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
                    .custom_headers(custom);
                let transport = StreamableHttpClientTransport::from_config(config);
                let running = with_timeout(timeout, handler.clone().serve(transport)).await?;
                Ok(Session::assemble(
                    server, running, handler, None, ended, end_reason,
                ))
            }
        }
    }

    fn assemble(
        server: &str,
        running: RunningService<RoleClient, Handler>,
        handler: Handler,
        child: Option<Child>,
        ended: CancellationToken,
        end_reason: Arc<Mutex<Option<String>>>,
    ) -> Arc<Session> {
        let peer = running.peer().clone();
        let cancel = running.cancellation_token();
        let session = Arc::new(Session {
            server: server.to_string(),
            peer,
            handler,
            cancel: Mutex::new(Some(cancel)),
            child,
            ended: ended.clone(),
            end_reason: end_reason.clone(),
        });
        tokio::spawn(async move {
            let reason = match running.waiting().await {
                Ok(reason) => format!("MCP session ended ({reason:?})"),
                Err(e) => format!("MCP session task failed: {e}"),
            };
            {
                let mut slot = end_reason.lock().unwrap_or_else(PoisonError::into_inner);
                slot.get_or_insert(reason);
            }
            ended.cancel();
        });
        session
    }

    /// The child's process id (stdio sessions).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(|c| c.pid)
    }

    /// Why the session ended, once it has.
    pub fn end_reason(&self) -> Option<String> {
        self.end_reason
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the session is still usable.
    pub fn is_alive(&self) -> bool {
        !self.ended.is_cancelled() && !self.peer.is_transport_closed()
    }

    /// Ends the session and stops its process.
    pub fn close(&self) {
        {
            let mut slot = self
                .end_reason
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert_with(|| "stopped".to_string());
        }
        if let Some(child) = &self.child
            && let Some(kill) = child
                .kill
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        {
            let _ = kill.send(());
        }
        if let Some(cancel) = self
            .cancel
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            cancel.cancel();
        }
    }

    /// All tools of the server.
    pub async fn list_tools(&self, timeout: Duration) -> Result<Vec<Tool>, CallError> {
        let listing = self.peer.list_all_tools();
        let result = tokio::select! {
            result = tokio::time::timeout(timeout, listing) => result,
            _ = self.ended.cancelled() => return Err(self.unavailable()),
        };
        match result {
            Ok(Ok(tools)) => Ok(tools),
            Ok(Err(e)) => Err(self.service_error(e)),
            Err(_) => Err(CallError::Timeout(timeout)),
        }
    }

    /// One MCP round trip (ping), returning its latency.
    pub async fn ping(&self, timeout: Duration) -> Result<Duration, CallError> {
        let started = Instant::now();
        let request = ClientRequest::PingRequest(RequestNoParam::default());
        let result = tokio::select! {
            result = tokio::time::timeout(timeout, self.peer.send_request(request)) => result,
            _ = self.ended.cancelled() => return Err(self.unavailable()),
        };
        match result {
            Ok(Ok(_)) => Ok(started.elapsed()),
            // The server answered (perhaps it does not know `ping`): it is alive.
            Ok(Err(ServiceError::McpError(_))) => Ok(started.elapsed()),
            Ok(Err(e)) => Err(self.service_error(e)),
            Err(_) => Err(CallError::Timeout(timeout)),
        }
    }

    /// Runs `tools/call`; progress notifications and log messages go to `events`, and
    /// `meta` goes in the request's `_meta`.
    pub async fn call_tool(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        meta: CallMeta<'_>,
        events: Option<mpsc::UnboundedSender<CallEvent>>,
        timeout: Duration,
    ) -> Result<Value, CallError> {
        if !self.is_alive() {
            return Err(self.unavailable());
        }
        let mut params = CallToolRequestParams::new(tool.to_string()).with_arguments(arguments);
        let mut named = Map::new();
        if let Some(tenant) = meta.tenant {
            named.insert(
                TENANT_META_KEY.to_string(),
                Value::String(tenant.to_string()),
            );
        }
        if let Some(key) = meta.idempotency_key {
            named.insert(
                IDEMPOTENCY_META_KEY.to_string(),
                Value::String(key.to_string()),
            );
        }
        if !named.is_empty() {
            params.meta = Some(RequestMetaObject(MetaObject(named)));
        }
        if let Some(trace) = meta.trace {
            params.set_traceparent(trace.traceparent());
            if let Some(state) = trace.tracestate() {
                params.set_tracestate(state);
            }
        }
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        // rmcp keeps the timer and, when it fires, sends `notifications/cancelled` itself.
        let handle = self
            .peer
            .send_request_with_option(request, PeerRequestOptions::with_timeout(timeout))
            .await
            .map_err(|e| self.service_error(e))?;
        // The peer assigns the progress token; route notifications carrying it to `events`.
        let token_key = events.map(|events| {
            let key = token_text(&handle.progress_token);
            self.handler
                .0
                .subscribers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .by_token
                .insert(key.clone(), events);
            key
        });
        let mut guard = CancelOnDrop {
            peer: self.peer.clone(),
            id: Some(handle.id.clone()),
        };
        let outcome = tokio::select! {
            result = handle.await_response() => {
                // Answered, failed or timed out (rmcp sent the cancellation): nothing to cancel.
                guard.id = None;
                match result {
                    Ok(ServerResult::CallToolResult(result)) => {
                        serde_json::to_value(result).map_err(|e| CallError::Protocol {
                            code: -32603,
                            message: format!("unreadable result: {e}"),
                        })
                    }
                    Ok(_) => Err(CallError::Protocol {
                        code: -32603,
                        message: "the server asked for input, started a task or sent an unexpected result, which the gateway does not support".into(),
                    }),
                    Err(e) => Err(self.service_error(e)),
                }
            },
            _ = self.ended.cancelled() => Err(self.unavailable()),
        };
        drop(guard);
        if let Some(key) = token_key {
            self.handler
                .0
                .subscribers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .by_token
                .remove(&key);
        }
        outcome
    }

    fn unavailable(&self) -> CallError {
        let reason = self
            .end_reason()
            .unwrap_or_else(|| "the MCP session is closed".to_string());
        CallError::Unavailable(format!(
            "MCP server '{}' is not running: {reason}",
            self.server
        ))
    }

    fn service_error(&self, error: ServiceError) -> CallError {
        match error {
            ServiceError::McpError(e) => CallError::Protocol {
                code: e.code.0,
                message: e.message.to_string(),
            },
            ServiceError::Timeout { timeout } => CallError::Timeout(timeout),
            ServiceError::TransportClosed | ServiceError::TransportSend(_) => self.unavailable(),
            other => {
                CallError::Unavailable(format!("MCP server '{}' failed: {other}", self.server))
            }
        }
    }
}

async fn with_timeout<F, T, E>(timeout: Duration, future: F) -> Result<T, ConnectError>
where
    F: std::future::Future<Output = Result<T, E>>,
    E: fmt::Display,
{
    match tokio::time::timeout(timeout, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ConnectError(format!("MCP handshake failed: {e}"))),
        Err(_) => Err(ConnectError(format!(
            "no MCP handshake within {} s",
            timeout.as_secs()
        ))),
    }
}

/// Sends `notifications/cancelled` for a request abandoned before its answer (a timeout,
/// or a streaming client that went away).
struct CancelOnDrop {
    peer: Peer<RoleClient>,
    id: Option<RequestId>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        let peer = self.peer.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let param = CancelledNotificationParam::new(
                    Some(id),
                    Some("abandoned by the gateway".into()),
                );
                let _ = peer.notify_cancelled(param).await;
            });
        }
    }
}
