//! The platform servers: the built-in ones and those of the configuration, registered and
//! started together when the gateway starts.

use std::sync::Arc;

use connectors_mcp_servers::Builtin;

use crate::mcp_client::{Endpoint, LogSink};
use crate::registry::{Server, ServerKind};
use crate::state::AppState;

/// Registers every platform server and starts them all, waiting until each runs or has
/// failed (a failure is logged; the gateway serves without that server).
pub(crate) async fn start_platform_servers(state: &AppState) {
    let mut pending = Vec::new();
    for name in &state.config.builtins {
        let Ok(builtin) = name.parse::<Builtin>() else {
            continue;
        };
        let category = match builtin {
            Builtin::Text => "text",
            Builtin::Math => "math",
            Builtin::Notes => "productivity",
            Builtin::Names => "testing",
        };
        // With the Redis store, the tenants' notes are shared by the replicas.
        #[cfg(feature = "redis")]
        let endpoint = match (&state.shared, builtin) {
            (crate::store::Shared::Redis(redis), Builtin::Notes) => Endpoint::SharedNotes(
                Arc::new(crate::shared_notes::RedisNotes::new(redis.clone())),
            ),
            _ => Endpoint::InProcess(builtin),
        };
        #[cfg(not(feature = "redis"))]
        let endpoint = Endpoint::InProcess(builtin);
        pending.push(platform_server(
            state,
            builtin.name(),
            category,
            Some(builtin.description().to_string()),
            endpoint,
        ));
    }
    for (name, server) in &state.config.mcp_servers {
        let endpoint = match (&server.command, &server.url) {
            (Some(command), _) => Endpoint::Stdio {
                command: command.clone(),
                args: server.args.clone(),
                env: server.env.clone(),
            },
            (None, Some(url)) => Endpoint::Http {
                url: url.clone(),
                headers: server.headers.clone(),
            },
            (None, None) => continue,
        };
        let category = server.category.clone().unwrap_or_else(|| name.clone());
        pending.push(platform_server(
            state,
            name,
            &category,
            server.description.clone(),
            endpoint,
        ));
    }
    let starts = pending.into_iter().flatten().map(|server| {
        let registry = state.registry.clone();
        async move {
            let name = server.name.clone();
            match registry.start(server).await {
                Ok(count) => {
                    tracing::info!(server = %name, tools = count, "platform server running")
                }
                Err(e) => {
                    tracing::warn!(server = %name, error = %e, "platform server failed to start")
                }
            }
        }
    });
    futures::future::join_all(starts).await;
}

/// Registers platform server `name`; `None` (logged) when the name is taken.
fn platform_server(
    state: &AppState,
    name: &str,
    category: &str,
    description: Option<String>,
    endpoint: Endpoint,
) -> Option<Arc<Server>> {
    let server_name = name.to_string();
    let log: LogSink = Arc::new(move |stream, line| {
        tracing::debug!(server = %server_name, stream = %stream, "{line}");
    });
    let server = Server::new(
        name,
        ServerKind::Platform,
        None,
        category,
        description,
        endpoint,
        log,
    );
    match state.registry.insert(server.clone()) {
        Ok(()) => Some(server),
        Err(_) => {
            tracing::warn!(server = %name, "a platform server of that name is configured twice");
            None
        }
    }
}
