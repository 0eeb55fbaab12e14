//! Serving the built-in servers over stdio, arbitrary byte streams and streamable HTTP.

use std::{fmt, io, net::SocketAddr};

use rmcp::{
    RoleServer, ServerHandler, ServiceExt,
    service::{DynService, QuitReason, RunningService, ServerInitializeError},
    transport::{
        StreamableHttpServerConfig, StreamableHttpService,
        streamable_http_server::session::local::LocalSessionManager,
    },
};
use tokio::{
    io::{AsyncRead, AsyncWrite, DuplexStream},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;

use crate::{Builtin, math::MathServer, names::NamesServer, notes::NotesServer, text::TextServer};

/// Path at which [`serve_http`] mounts the MCP endpoint.
pub const MCP_PATH: &str = "/mcp";

/// Buffer size of each direction of the in-memory pipe made by [`spawn_in_process`].
const DUPLEX_BUFFER: usize = 256 * 1024;

/// A built-in server as a type-erased rmcp service (see [`Builtin::service`]).
pub type BuiltinService = Box<dyn DynService<RoleServer>>;

/// A built-in server running over a byte stream, after the MCP handshake.
///
/// It derefs to the [`rmcp::Peer`] of the connected client. Call
/// [`waiting`](RunningService::waiting) to run until the client disconnects, or
/// [`cancel`](RunningService::cancel) to stop it; dropping it also stops the server.
pub type RunningServer = RunningService<RoleServer, BuiltinService>;

/// Errors from starting or running a server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The MCP initialization handshake with the client failed.
    Initialize(Box<ServerInitializeError>),
    /// Binding or serving a socket failed.
    Io(io::Error),
    /// The server task panicked or was aborted.
    Task(tokio::task::JoinError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Initialize(e) => write!(f, "MCP initialization failed: {e}"),
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::Task(e) => write!(f, "server task failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Initialize(e) => Some(e.as_ref()),
            Error::Io(e) => Some(e),
            Error::Task(e) => Some(e),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<ServerInitializeError> for Error {
    fn from(e: ServerInitializeError) -> Self {
        Error::Initialize(Box::new(e))
    }
}

fn quit_result(reason: Result<QuitReason, tokio::task::JoinError>) -> Result<QuitReason, Error> {
    match reason {
        Ok(QuitReason::JoinError(e)) | Err(e) => Err(Error::Task(e)),
        Ok(reason) => Ok(reason),
    }
}

/// Serves `builtin` over this process's stdin/stdout until the client closes stdin.
///
/// Nothing else may write to stdout meanwhile (log to stderr).
pub async fn serve_stdio(builtin: Builtin) -> Result<QuitReason, Error> {
    let running = builtin.service().serve(rmcp::transport::stdio()).await?;
    quit_result(running.waiting().await)
}

/// Serves `builtin` over a reader/writer pair (e.g. the halves of a [`tokio::io::duplex`]
/// stream or of a socket) and returns once the client has completed the MCP handshake.
///
/// The handshake needs the client, so the client must be connecting *concurrently*
/// (another task, or `tokio::join!`); awaiting this before starting the client deadlocks.
/// [`spawn_in_process`] does that wiring for the common in-process case.
pub async fn serve_io<R, W>(builtin: Builtin, reader: R, writer: W) -> Result<RunningServer, Error>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    serve_io_with(builtin.service(), reader, writer).await
}

/// Like [`serve_io`], for any rmcp service: e.g. a clone of a [`NotesServer`] so several
/// connections share one note store.
pub async fn serve_io_with<S, R, W>(
    server: S,
    reader: R,
    writer: W,
) -> Result<RunningService<RoleServer, S>, Error>
where
    S: rmcp::Service<RoleServer>,
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    Ok(server.serve((reader, writer)).await?)
}

/// Starts `builtin` on a background task, connected to one end of an in-memory byte pipe,
/// and returns the other end for the client.
///
/// Hand the stream to an rmcp client (`client_handler.serve(stream).await`). The task ends
/// when the client disconnects (drop the client or cancel it); abort the handle to force it.
pub fn spawn_in_process(builtin: Builtin) -> (DuplexStream, JoinHandle<Result<QuitReason, Error>>) {
    spawn_service_in_process(builtin.service())
}

/// Like [`spawn_in_process`], for any rmcp service: e.g. a [`NotesServer`] made
/// [`with_shared`](NotesServer::with_shared) notes.
pub fn spawn_service_in_process<S>(
    server: S,
) -> (DuplexStream, JoinHandle<Result<QuitReason, Error>>)
where
    S: rmcp::Service<RoleServer> + Send + 'static,
{
    let (client_end, server_end) = tokio::io::duplex(DUPLEX_BUFFER);
    let task = tokio::spawn(async move {
        let (reader, writer) = tokio::io::split(server_end);
        let running = serve_io_with(server, reader, writer).await?;
        quit_result(running.waiting().await)
    });
    (client_end, task)
}

/// A streamable HTTP server started by [`serve_http`].
///
/// Dropping the handle stops the server (like [`shutdown`](Self::shutdown), without waiting).
#[derive(Debug)]
pub struct HttpServerHandle {
    local_addr: SocketAddr,
    cancel: CancellationToken,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl HttpServerHandle {
    /// The address the server is listening on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The MCP endpoint URL, e.g. `http://127.0.0.1:41234/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}{MCP_PATH}", self.local_addr)
    }

    /// A token that stops the server when cancelled.
    pub fn cancellation_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Stops accepting connections, ends all MCP sessions and waits for the server to finish.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        self.cancel.cancel();
        self.join().await
    }

    /// Waits until the server stops (after its cancellation token is cancelled, or on error).
    pub async fn wait(mut self) -> Result<(), Error> {
        self.join().await
    }

    async fn join(&mut self) -> Result<(), Error> {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => Ok(result?),
                Err(e) => Err(Error::Task(e)),
            },
            None => Ok(()),
        }
    }
}

impl Drop for HttpServerHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Serves `builtin` over MCP streamable HTTP at `http://{addr}/mcp`.
///
/// Use port 0 for an ephemeral port; the bound address is returned with a handle that stops
/// the server. Bind a loopback address (e.g. `127.0.0.1`) unless you mean to expose it.
/// Every HTTP session (and, for stateless requests, every request) is handled by a clone of
/// one server value, so the [`Builtin::Notes`] store is shared by all clients of this server.
///
/// `Host` headers are checked against loopback names, plus the bound IP when it is a specific
/// non-loopback address; binding an unspecified address (`0.0.0.0`, `::`) disables the check.
/// Use [`serve_http_with_config`] for other policies.
pub async fn serve_http(
    builtin: Builtin,
    addr: SocketAddr,
) -> Result<(SocketAddr, HttpServerHandle), Error> {
    serve_http_with_config(builtin, addr, host_checked(addr)).await
}

/// Like [`serve_http`] with an explicit rmcp [`StreamableHttpServerConfig`].
///
/// The config's cancellation token is replaced by a child of the returned handle's token.
pub async fn serve_http_with_config(
    builtin: Builtin,
    addr: SocketAddr,
    config: StreamableHttpServerConfig,
) -> Result<(SocketAddr, HttpServerHandle), Error> {
    let cancel = CancellationToken::new();
    let config = config.with_cancellation_token(cancel.child_token());
    let router = match builtin {
        Builtin::Text => mcp_router(TextServer::new(), config),
        Builtin::Math => mcp_router(MathServer::new(), config),
        Builtin::Notes => mcp_router(NotesServer::new(), config),
        Builtin::Names => mcp_router(NamesServer::new(), config),
    };
    serve_router(router, builtin.name(), addr, cancel).await
}

/// Like [`serve_http`], for a server value of the caller's: every session is handled by a
/// clone of `server`, so a test can configure one (e.g. a
/// [`NamesServer`](crate::names::NamesServer) with a call log and a delay) and serve it on
/// a loopback port in its own process. `Host` headers are checked as [`serve_http`] does.
pub async fn serve_http_server<S>(
    server: S,
    addr: SocketAddr,
) -> Result<(SocketAddr, HttpServerHandle), Error>
where
    S: ServerHandler + Clone + Send + Sync + 'static,
{
    let config = host_checked(addr);
    let cancel = CancellationToken::new();
    let config = config.with_cancellation_token(cancel.child_token());
    serve_router(mcp_router(server, config), "custom", addr, cancel).await
}

/// The default configuration, with `Host` checked against loopback names plus `addr`'s IP
/// when it is a specific non-loopback address (no check for an unspecified address).
fn host_checked(addr: SocketAddr) -> StreamableHttpServerConfig {
    let mut config = StreamableHttpServerConfig::default();
    let ip = addr.ip();
    if ip.is_unspecified() {
        config = config.disable_allowed_hosts();
    } else if !ip.is_loopback() {
        let mut hosts = config.allowed_hosts.clone();
        hosts.push(ip.to_string());
        config = config.with_allowed_hosts(hosts);
    }
    config
}

/// Serves `router` on `addr` until `cancel` fires.
async fn serve_router(
    router: axum::Router,
    name: &str,
    addr: SocketAddr,
    cancel: CancellationToken,
) -> Result<(SocketAddr, HttpServerHandle), Error> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let shutdown = cancel.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });
    tracing::info!(server = name, %local_addr, "serving MCP over streamable HTTP");
    Ok((
        local_addr,
        HttpServerHandle {
            local_addr,
            cancel,
            task: Some(task),
        },
    ))
}

fn mcp_router<S>(server: S, config: StreamableHttpServerConfig) -> axum::Router
where
    S: ServerHandler + Clone + Send + Sync + 'static,
{
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        LocalSessionManager::default().into(),
        config,
    );
    axum::Router::new().nest_service(MCP_PATH, service)
}
