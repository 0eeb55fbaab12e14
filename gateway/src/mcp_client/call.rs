//! The requests of an open session: `tools/list`, `ping` and `tools/call` (with its
//! `_meta`, its progress routed to the caller, and `notifications/cancelled` for a call
//! abandoned before its answer).

use std::time::{Duration, Instant};

use connectors_mcp_servers::notes::TENANT_META_KEY;
use rmcp::model::RequestParamsMeta;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientRequest, MetaObject,
    RequestId, RequestMetaObject, RequestNoParam, ServerResult, Tool,
};
use rmcp::service::{Peer, PeerRequestOptions};
use rmcp::{RoleClient, ServiceError};
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use super::{CallError, CallEvent, CallMeta, IDEMPOTENCY_META_KEY, Session};

impl Session {
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
        let token_key = events.map(|events| self.handler.subscribe(&handle.progress_token, events));
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
            self.handler.unsubscribe(&key);
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
