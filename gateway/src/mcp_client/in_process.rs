//! In-process sessions: a built-in server of this workspace run as a task of this process,
//! reached over a byte pipe.

use std::sync::Arc;

use rmcp::ServiceExt;
use tokio::io::DuplexStream;
use tokio::task::JoinHandle;

use super::{ConnectError, Opening, Session, with_timeout};

/// A session over `stream` to the server task `task` (from
/// `connectors_mcp_servers::spawn_in_process` or `spawn_service_in_process`).
pub(super) async fn connect<T: Send + 'static>(
    opening: Opening<'_>,
    (stream, task): (DuplexStream, JoinHandle<T>),
) -> Result<Arc<Session>, ConnectError> {
    let running = with_timeout(opening.timeout, opening.handler.clone().serve(stream)).await?;
    let session = opening.assemble(running, None);
    // The server task ends with the session; nothing else to watch.
    tokio::spawn(async move {
        let _ = task.await;
    });
    Ok(session)
}
