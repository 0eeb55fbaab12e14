//! Live MCP sessions through the official Rust SDK (`rmcp`) as a client: to a built-in
//! server in-process over a byte stream, to a child process over stdio, or to a server
//! over streamable HTTP.
//!
//! A [`Session`] stays open and is shared by every invocation; its `ended` token fires
//! when the session dies (the process exited, the stream closed), which the registry's
//! supervisor turns into a status change and a restart.
//!
//! [`Session::connect`] hands each kind of [`Endpoint`] to its transport's module
//! (`in_process`, `stdio`, `http`); `handler` routes what servers send during a call, and
//! `call` holds the requests of an open session.

mod call;
mod endpoint;
mod handler;
mod http;
mod in_process;
mod stdio;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use connectors::TraceContext;
use connectors::api::LogStream;
use rmcp::RoleClient;
use rmcp::service::{Peer, RunningService};
use tokio_util::sync::CancellationToken;

pub(crate) use endpoint::Endpoint;
use handler::Handler;

/// The `_meta` entry of a `tools/call` that carries the caller's `Idempotency-Key` (with
/// `#<index>` after it for an item of a batch), so a tool can recognise a call it has
/// already run under the same key.
pub(crate) const IDEMPOTENCY_META_KEY: &str = "connectors/idempotencyKey";

/// What a `tools/call` names in its `_meta` besides its progress token.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallMeta<'a> {
    /// The calling tenant, under
    /// [`TENANT_META_KEY`](connectors_mcp_servers::notes::TENANT_META_KEY), so one server
    /// can keep each tenant's data apart (the built-in `notes` server does).
    pub tenant: Option<&'a str>,
    /// The trace context, as `traceparent` and `tracestate` (SEP-414).
    pub trace: Option<&'a TraceContext>,
    /// The call's idempotency key, under [`IDEMPOTENCY_META_KEY`].
    pub idempotency_key: Option<&'a str>,
}

/// Where log lines of a server (its stderr, MCP log messages) go.
pub(crate) type LogSink = Arc<dyn Fn(LogStream, String) + Send + Sync>;

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

/// An open MCP session.
pub(crate) struct Session {
    server: String,
    peer: Peer<RoleClient>,
    handler: Handler,
    cancel: Mutex<Option<rmcp::service::RunningServiceCancellationToken>>,
    child: Option<stdio::Child>,
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
        let opening = Opening {
            server,
            handler: Handler::new(server, log.clone()),
            log,
            timeout,
            ended: CancellationToken::new(),
            end_reason: Arc::new(Mutex::new(None)),
        };
        match endpoint {
            Endpoint::InProcess(builtin) => {
                in_process::connect(opening, connectors_mcp_servers::spawn_in_process(*builtin))
                    .await
            }
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(notes) => {
                let server = connectors_mcp_servers::notes::NotesServer::with_shared(notes.clone());
                in_process::connect(
                    opening,
                    connectors_mcp_servers::spawn_service_in_process(server),
                )
                .await
            }
            Endpoint::Stdio { command, args, env } => {
                stdio::connect(opening, command, args, env).await
            }
            Endpoint::Http { url, headers } => http::connect(opening, url, headers).await,
        }
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
}

/// What every transport starts a session from: the server's name, its handler and log,
/// the handshake's time limit, and the token and reason its end is told by.
struct Opening<'a> {
    server: &'a str,
    handler: Handler,
    log: LogSink,
    timeout: Duration,
    ended: CancellationToken,
    end_reason: Arc<Mutex<Option<String>>>,
}

impl Opening<'_> {
    /// The session over `running` (the handshake done), watched until it ends.
    fn assemble(
        self,
        running: RunningService<RoleClient, Handler>,
        child: Option<stdio::Child>,
    ) -> Arc<Session> {
        let Opening {
            server,
            handler,
            ended,
            end_reason,
            ..
        } = self;
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
}

/// `future` (an MCP handshake) within `timeout`; a failure or the timeout is a
/// [`ConnectError`].
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
