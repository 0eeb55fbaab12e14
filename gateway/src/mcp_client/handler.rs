//! The gateway's MCP client handler: progress notifications go to the call that asked for
//! them, log messages to the server's log and to the calls running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use connectors::api::LogStream;
use rmcp::model::{
    ClientCapabilities, Implementation, InitializeRequestParams, NumberOrString,
    ProgressNotificationParam, ProgressToken,
};
use rmcp::service::NotificationContext;
use rmcp::{ClientHandler, RoleClient};
use serde_json::Value;
use tokio::sync::mpsc;

use super::{CallEvent, LogSink};

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

impl Handler {
    /// The handler of server `server`'s session, logging to `log`.
    pub(super) fn new(server: &str, log: LogSink) -> Handler {
        Handler(Arc::new(HandlerInner {
            server: server.to_string(),
            log,
            subscribers: Mutex::new(Subscribers::default()),
        }))
    }

    /// Sends the progress notifications carrying `token` to `events` (until
    /// [`unsubscribe`](Self::unsubscribe)); returns the key to unsubscribe with.
    pub(super) fn subscribe(
        &self,
        token: &ProgressToken,
        events: mpsc::UnboundedSender<CallEvent>,
    ) -> String {
        let key = token_text(token);
        self.0
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_token
            .insert(key.clone(), events);
        key
    }

    /// Stops sending the notifications of the call `key` names.
    pub(super) fn unsubscribe(&self, key: &str) {
        self.0
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_token
            .remove(key);
    }
}

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
