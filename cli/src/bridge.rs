//! `connectors mcp serve`: the gateway as one MCP server for any MCP host.
//!
//! * Static mode (`--tools` or `--select`) exposes exactly the chosen tools, with their
//!   input schemas, under MCP-safe names that map back to tool ids.
//! * Dynamic mode (the default) exposes two meta-tools: `find_tools` selects through the
//!   gateway and adds the chosen tools to the server's list, and `call_tool` calls any tool
//!   by id, for hosts that do not refresh their list. `--max-tools` caps the list: the least
//!   recently used found tools drop out.
//!
//! One behaviour on both protocol versions and both transports: the 2025-11-25 one with
//! sessions (`initialize`) and the stateless 2026-07-28 one (`server/discover`, `_meta` on
//! each request, no session), over stdio and streamable HTTP, as rmcp serves them. So the
//! tool list is the process's, not a connection's: every connection and every stateless
//! request sees the same list (2026-07-28 lists must not vary per connection), in name
//! order, with `ttlMs: 0` and `cacheScope: private` (it changes as tools are found, and it
//! is the key holder's). A change is announced with `notifications/tools/list_changed` to
//! every legacy session and on every `subscriptions/listen` stream of 2026-07-28 clients.
//! A name the bridge has reported once (`find_tools`, a list) stays callable for the
//! process's life, also after `--max-tools` dropped it from the list.
//!
//! Every call goes through the SDK (its retries and exactly-once rules); a failure is a
//! tool result with `isError: true` and the SDK's message, which never holds secrets.
//! A call whose outcome is unknown (it may have run) says what calling it again does: on
//! a gateway that honours idempotency keys, the bridge re-sends the same call (same tool,
//! same arguments) with the same key, so the gateway answers with the first outcome;
//! elsewhere calling it again may run it twice, and the result says so.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use connectors::api::types::ToolSelection;
use connectors::events::GatewayEvent;
use connectors::function_calling::{ToolDefinition, Toolset, function_name};
use connectors::tools::{InvocationEvent, ToolResult};
use connectors::{Connectors, Error, RequestOptions, TraceContext};
use futures::StreamExt;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    Implementation, JsonObject, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam,
    ProgressToken, RequestMetaObject, ResultType, ServerCapabilities, ServerConfig,
    SubscriptionFilter, Tool,
};
use rmcp::service::{
    NotificationContext, RequestContext, SubscriptionContext, SubscriptionSendError,
    SubscriptionSink,
};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, Peer, RoleServer, ServerHandler, ServiceExt};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::SelectFilters;
use crate::commands::select_request;
use crate::exit::describe;

/// The meta-tool that selects tools and adds them to the connection's list.
pub const FIND_TOOLS: &str = "find_tools";
/// The meta-tool that calls any tool by id.
pub const CALL_TOOL: &str = "call_tool";
/// The path of the MCP endpoint with `--http`.
pub const MCP_PATH: &str = "/mcp";
/// Unsettled calls whose idempotency keys the bridge keeps for a repeat (see
/// [`State::set_unsettled`]): enough for the calls a host has in flight.
const MAX_UNSETTLED: usize = 64;
/// The pause before following the gateway's events again after their stream ended.
const RESUBSCRIBE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Which tools the host sees.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Exactly these tool ids.
    Tools(Vec<String>),
    /// The tools the gateway selects for a query.
    Select {
        /// The query.
        query: String,
        /// Its filters (max tools, token budget).
        filters: SelectFilters,
    },
    /// Meta-tools; found tools are added to the server's list.
    Dynamic,
}

/// A gateway tool as the host sees it.
#[derive(Debug, Clone)]
struct Exposed {
    tool_id: String,
    tool: Tool,
}

/// What every connection sees, one per process: the listed tools (most recently used last),
/// every name ever reported, and whom to tell when the list changes.
#[derive(Default)]
struct State {
    exposed: Vec<Exposed>,
    /// Every name the bridge has reported, to its tool id: a reported name stays callable.
    names: HashMap<String, String>,
    /// The name of each tool id that has one (the inverse of `names`).
    ids: HashMap<String, String>,
    /// Legacy (2025-11-25) sessions, told with `notifications/tools/list_changed`.
    sessions: Vec<Peer<RoleServer>>,
    /// 2026-07-28 `subscriptions/listen` streams, by a number of the bridge's own.
    subscriptions: Vec<(u64, SubscriptionSink)>,
    next_subscription: u64,
    events: Option<AbortOnDrop>,
    /// Calls whose outcome is unknown on a gateway that honours idempotency keys, by
    /// [`call_fingerprint`], with their key: the same call again is re-sent with it.
    unsettled: std::collections::VecDeque<(u64, String)>,
}

impl State {
    /// The name of `tool_id`: the one reported before, or a new one that no other id has had.
    fn name_for(&mut self, tool_id: &str) -> String {
        if let Some(name) = self.ids.get(tool_id) {
            return name.clone();
        }
        let name = unique_name(&self.names, tool_id);
        self.names.insert(name.clone(), tool_id.to_string());
        self.ids.insert(tool_id.to_string(), name.clone());
        name
    }

    /// Adds (or refreshes and marks used) a tool; with `cap`, drops the least recently used
    /// beyond it. Returns its MCP name.
    fn insert(&mut self, tool: &ToolSelection, cap: Option<usize>) -> String {
        let name = self.name_for(&tool.tool_id);
        self.exposed.retain(|e| e.tool_id != tool.tool_id);
        self.exposed.push(Exposed {
            tool_id: tool.tool_id.clone(),
            tool: to_mcp_tool(&name, tool),
        });
        if let Some(cap) = cap {
            let excess = self.exposed.len().saturating_sub(cap);
            self.exposed.drain(..excess);
        }
        name
    }

    /// The key of an unsettled call with this fingerprint, if any.
    fn unsettled_key(&self, fingerprint: u64) -> Option<String> {
        self.unsettled
            .iter()
            .find(|(f, _)| *f == fingerprint)
            .map(|(_, key)| key.clone())
    }

    /// Records (`Some`) or settles (`None`) the key of the call with this fingerprint;
    /// at most [`MAX_UNSETTLED`] are kept, the oldest dropped.
    fn set_unsettled(&mut self, fingerprint: u64, key: Option<String>) {
        self.unsettled.retain(|(f, _)| *f != fingerprint);
        if let Some(key) = key {
            if self.unsettled.len() >= MAX_UNSETTLED {
                self.unsettled.pop_front();
            }
            self.unsettled.push_back((fingerprint, key));
        }
    }

    /// The listed tools become `tools` (the static modes), at most `max`.
    fn replace(&mut self, tools: &[ToolSelection], max: Option<usize>) {
        self.exposed.clear();
        for tool in tools {
            self.insert(tool, None);
        }
        if let Some(max) = max {
            self.exposed.truncate(max);
        }
    }
}

/// Ends the connection's event follower with the connection.
#[derive(Debug)]
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The MCP server. Every connection and stateless request is served by a clone, and all
/// clones share one [`State`].
#[derive(Clone)]
pub struct Bridge {
    client: Connectors,
    mode: Arc<Mode>,
    max_tools: Option<usize>,
    follow_events: bool,
    state: Arc<Mutex<State>>,
}

impl Bridge {
    /// A bridge; static modes resolve their tools now, so a wrong id fails at start. Follows
    /// the gateway's events from now on (unless `follow_events` is false).
    pub async fn new(
        client: Connectors,
        mode: Mode,
        max_tools: Option<usize>,
        follow_events: bool,
    ) -> Result<Self, Error> {
        let bridge = Bridge {
            client,
            mode: Arc::new(mode),
            max_tools,
            follow_events,
            state: Arc::default(),
        };
        match bridge.resolve_static(false).await {
            Ok(Some(tools)) => {
                match bridge.mode.as_ref() {
                    Mode::Tools(ids) => {
                        crate::bridge_checks::warn_missing(&crate::bridge_checks::missing_ids(
                            ids,
                            tools.iter().map(|t| t.tool_id.as_str()),
                        ));
                        let undescribed: Vec<&str> = tools
                            .iter()
                            .filter(|t| t.description == UNDESCRIBED)
                            .map(|t| t.tool_id.as_str())
                            .collect();
                        if !undescribed.is_empty() {
                            eprintln!(
                                "connectors: warning: the gateway cannot describe {} (it does not offer getTool and its catalog lacks them); serving them without their parameters",
                                undescribed.join(", ")
                            );
                        }
                    }
                    Mode::Select { query, .. } if tools.is_empty() => {
                        crate::bridge_checks::warn_empty_selection(query)
                    }
                    Mode::Select { .. } | Mode::Dynamic => {}
                }
                bridge.lock().replace(&tools, bridge.max_tools);
            }
            Ok(None) => {}
            // The gateway or the key is wrong: serve an empty list, and say why (stderr
            // at start, the instructions, the call errors).
            Err(e) if crate::bridge_checks::reveals_problem(&e) => {
                crate::bridge_checks::gateway_watch().observe_error(&e)
            }
            Err(e) => return Err(e),
        }
        bridge.follow_events();
        Ok(bridge)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The static modes' tools; `None` in dynamic mode. Unless `strict`, a listed tool
    /// that is gone (its server removed) drops out instead of failing.
    async fn resolve_static(&self, strict: bool) -> Result<Option<Vec<ToolSelection>>, Error> {
        let selected = match self.mode.as_ref() {
            Mode::Dynamic => return Ok(None),
            Mode::Tools(ids) => {
                let mut tools = Vec::with_capacity(ids.len());
                for id in ids {
                    match self.client.tools().get(id).await {
                        Ok(tool) => tools.push(tool),
                        Err(Error::NotFound(_)) if !strict => {}
                        // The gateway cannot describe it (the original: no route, an empty
                        // catalog), yet it may run it: the tool asked for is served, as one
                        // that takes any arguments.
                        Err(Error::NotOffered { .. }) if !strict => {
                            tools.extend(undescribed_tool(id));
                        }
                        Err(e) => return Err(e),
                    }
                }
                tools
            }
            Mode::Select { query, filters } => {
                select_request(&self.client, query, filters)
                    .include_schemas(true)
                    .send()
                    .await?
                    .tools
            }
        };
        Ok(Some(selected))
    }

    /// Re-reads the exposed tools after a gateway event; true when the list changed.
    async fn refresh(&self) -> bool {
        let before = snapshot(&self.lock().exposed);
        match self.resolve_static(false).await {
            Ok(Some(tools)) => self.lock().replace(&tools, self.max_tools),
            Ok(None) => {
                // Dynamic: keep the found tools that still exist, with their new schemas.
                let ids: Vec<String> = self
                    .lock()
                    .exposed
                    .iter()
                    .map(|e| e.tool_id.clone())
                    .collect();
                let mut fresh = HashMap::new();
                for id in ids {
                    match self.client.tools().get(&id).await {
                        Ok(tool) => fresh.insert(id, Some(tool)),
                        Err(Error::NotFound(_)) => fresh.insert(id, None),
                        // Unknown now (the gateway is busy or down): keep the list; a call
                        // says why.
                        Err(_) => return false,
                    };
                }
                let mut state = self.lock();
                // Tools found meanwhile (not in `fresh`) stay as they are.
                state.exposed = std::mem::take(&mut state.exposed)
                    .into_iter()
                    .filter_map(|e| match fresh.get(&e.tool_id) {
                        Some(Some(tool)) => Some(Exposed {
                            tool: to_mcp_tool(&e.tool.name, tool),
                            tool_id: e.tool_id,
                        }),
                        Some(None) => None,
                        None => Some(e),
                    })
                    .collect();
            }
            // A failed refresh keeps the tools; their calls report the gateway's answer.
            Err(_) => return false,
        }
        before != snapshot(&self.lock().exposed)
    }

    fn meta_tools() -> Vec<Tool> {
        let find = schema(json!({
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "What the tools are for, in words."},
                "max_tools": {"type": "integer", "minimum": 1, "maximum": 100, "description": "At most this many tools."},
                "token_budget": {"type": "integer", "minimum": 100, "maximum": 100000, "description": "Tokens the tool definitions may cost."}
            },
            "required": ["query"]
        }));
        let call = schema(json!({
            "type": "object",
            "properties": {
                "tool_id": {"type": "string", "description": "The tool id, `server.tool`, as find_tools lists it."},
                "arguments": {"type": "object", "description": "The tool's arguments."}
            },
            "required": ["tool_id"]
        }));
        vec![
            Tool::new(
                FIND_TOOLS,
                "Find the gateway's tools for a task: selects the best-fitting tools and adds them to this server's tool list. Returns their names, ids and descriptions.",
                find,
            ),
            Tool::new(
                CALL_TOOL,
                "Call any gateway tool by its id (`server.tool`, as find_tools returns it) with its arguments.",
                call,
            ),
        ]
    }

    /// `find_tools`: select, add to the list (least recently used drop out), announce.
    async fn find_tools(&self, args: &JsonObject) -> CallToolResult {
        let Some(query) = args.get("query").and_then(Value::as_str) else {
            return failure("find_tools needs a `query` string");
        };
        let mut filters = SelectFilters::default();
        for (key, slot) in [
            ("max_tools", &mut filters.max_tools),
            ("token_budget", &mut filters.token_budget),
        ] {
            match args.get(key) {
                None | Some(Value::Null) => {}
                Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => *slot = Some(n),
                    None => {
                        return failure(&format!("find_tools: `{key}` must be a positive integer"));
                    }
                },
            }
        }
        // Never more than the host can take beside the two meta-tools.
        let room = self.max_tools.map(|max| max.saturating_sub(2).max(1));
        if let Some(room) = room {
            let room = u32::try_from(room).unwrap_or(u32::MAX);
            filters.max_tools = Some(filters.max_tools.map_or(room, |n| n.min(room)));
        }
        let selection = match select_request(&self.client, query, &filters)
            .include_schemas(true)
            .send()
            .await
        {
            Ok(selection) => {
                crate::bridge_checks::gateway_watch().observe_ok();
                selection
            }
            Err(e) => {
                crate::bridge_checks::gateway_watch().observe_error(&e);
                return error_result(&e);
            }
        };
        let (added, changed) = {
            let mut state = self.lock();
            let before = names(&state.exposed);
            let mut added = Vec::new();
            for tool in &selection.tools {
                added.push(state.insert(tool, room));
            }
            let changed = before != names(&state.exposed);
            (added, changed)
        };
        if changed {
            self.announce().await;
        }
        let listed: Vec<Value> = selection
            .tools
            .iter()
            .zip(&added)
            .map(|(tool, name)| {
                json!({"name": name, "tool_id": tool.tool_id, "score": tool.score, "description": tool.description})
            })
            .collect();
        // True on every version and transport: the list is the server's, not the
        // connection's, and a reported name stays callable even after it leaves the list.
        let mut text = format!(
            "{} tool(s) for {query:?}, now in this server's tool list; call them by name (or with call_tool and their tool_id):\n",
            listed.len()
        );
        for (tool, name) in selection.tools.iter().zip(&added) {
            text.push_str(&format!(
                "- {name} (tool_id {}): {}\n",
                tool.tool_id, tool.description
            ));
        }
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(json!({"tools": listed}));
        result
    }

    /// Calls a gateway tool; progress is forwarded when the host sent a progress token,
    /// and the host's trace context (`_meta.traceparent`, `_meta.tracestate`) is sent on.
    async fn invoke(
        &self,
        tool_id: &str,
        arguments: Value,
        context: &RequestContext<RoleServer>,
    ) -> CallToolResult {
        let traced = traced_client(&self.client, &context.meta);
        let client = traced.as_ref().unwrap_or(&self.client);
        let fingerprint = call_fingerprint(tool_id, &arguments);
        let unsettled = self.lock().unsettled_key(fingerprint);
        let resent = unsettled.is_some();
        let call = async {
            match (unsettled, context.meta.get_progress_token()) {
                // The repeat of a call that may have run: the same key, on the plain route
                // (a streamed invocation takes no key), so the gateway answers it with the
                // first outcome.
                (Some(key), _) => {
                    client
                        .tools()
                        .invoke(tool_id, arguments)
                        .idempotency_key(key)
                        .await
                }
                (None, Some(token)) => {
                    Self::invoke_streamed(client, tool_id, arguments, token, &context.peer).await
                }
                (None, None) => client.tools().invoke(tool_id, arguments).await,
            }
        };
        // The host cancelled the request (notifications/cancelled): stop waiting, and say
        // that the tool may have run, since the gateway may have started it.
        let outcome = tokio::select! {
            outcome = call => outcome,
            () = context.ct.cancelled() => {
                return failure(&format!(
                    "cancelled by the host while {tool_id} was running; it may have run on the gateway"
                ));
            }
        };
        crate::bridge_checks::gateway_watch().observe(&outcome);
        // Only a key the gateway honours makes a repeat safe; any other outcome settles it.
        let honoured_key = match &outcome {
            Err(Error::OutcomeUnknown {
                idempotency_key: Some(key),
                keys_honoured,
                ..
            }) if keys_honoured.or(self.client.idempotency_keys_honoured()) == Some(true) => {
                Some(key.clone())
            }
            _ => None,
        };
        if resent || honoured_key.is_some() {
            self.lock().set_unsettled(fingerprint, honoured_key.clone());
        }
        match outcome {
            // A tool's own error can quote the call's arguments: scrubbed as the SDK's.
            // (`scrubbed` copies the whole result, also when there is nothing to scrub.)
            Ok(result) if result.is_error() => to_mcp_result(&result.scrubbed()),
            Ok(result) => to_mcp_result(&result),
            Err(e @ Error::OutcomeUnknown { .. }) => {
                outcome_unknown_result(tool_id, &e, honoured_key.is_some())
            }
            Err(e) => error_result(&e),
        }
    }

    async fn invoke_streamed(
        client: &Connectors,
        tool_id: &str,
        arguments: Value,
        token: ProgressToken,
        peer: &Peer<RoleServer>,
    ) -> Result<ToolResult, Error> {
        let mut events = match client
            .tools()
            .invoke_stream(tool_id, arguments.clone())
            .await
        {
            Ok(events) => events,
            // Nothing ran (the SDK refuses before sending); a plain call has no progress.
            Err(Error::NotOffered { .. }) => {
                return client.tools().invoke(tool_id, arguments).await;
            }
            Err(e) => return Err(e),
        };
        while let Some(event) = events.next().await {
            match event? {
                InvocationEvent::Progress(p) => {
                    let mut param = ProgressNotificationParam::new(token.clone(), p.progress);
                    if let Some(total) = p.total {
                        param = param.with_total(total);
                    }
                    if let Some(message) = p.message {
                        param = param.with_message(message);
                    }
                    // A host that went away does not stop the call: its result still counts.
                    let _ = peer.notify_progress(param).await;
                }
                InvocationEvent::Result(result) => return Ok(result),
                _ => {}
            }
        }
        // The SDK ends the stream with the result or an error; this is its contract.
        Err(Error::StreamEnded {
            operation: "invokeToolStream".into(),
            tool_id: Some(tool_id.to_string()),
            events_received: 0,
            may_have_run: true,
            source: None,
        })
    }

    /// Follows the gateway's events and refreshes the listed tools on each one that can
    /// change them, telling every client; a gateway without events (NotOffered) keeps the
    /// list as it is.
    fn follow_events(&self) {
        if !self.follow_events {
            return;
        }
        // The task holds the state weakly, so that the bridge's end drops it and the
        // state's guard ends the task.
        let weak = Arc::downgrade(&self.state);
        let template = Bridge {
            state: Arc::default(),
            ..self.clone()
        };
        let task = tokio::spawn(async move {
            let mut first = true;
            loop {
                match template.client.events().subscribe().await {
                    Ok(mut events) => {
                        // Events may have been missed while the stream was down.
                        if !first && !refresh_and_notify(&weak, &template).await {
                            return;
                        }
                        while let Some(event) = events.next().await {
                            let relevant = match event {
                                Ok(GatewayEvent::Deployment(d)) => d.status.is_terminal(),
                                Ok(GatewayEvent::Server(_)) => true,
                                Ok(_) => false,
                                Err(_) => break,
                            };
                            if relevant && !refresh_and_notify(&weak, &template).await {
                                return;
                            }
                        }
                    }
                    // No event stream on this gateway: the list stays as it is.
                    Err(Error::NotOffered { .. }) => return,
                    Err(_) => {}
                }
                // The stream ended (an idle timeout, a restart): subscribe again shortly.
                first = false;
                tokio::time::sleep(RESUBSCRIBE_AFTER).await;
            }
        });
        self.lock().events = Some(AbortOnDrop(task.abort_handle()));
    }

    /// Tells every client that the list changed: each legacy session with
    /// `notifications/tools/list_changed`, each `subscriptions/listen` stream through its
    /// sink. Gone sessions and closed streams are dropped.
    async fn announce(&self) {
        let (sessions, subscriptions) = {
            let mut state = self.lock();
            state.sessions.retain(|peer| !peer.is_transport_closed());
            (state.sessions.clone(), state.subscriptions.clone())
        };
        for peer in sessions {
            // A host that went away meanwhile misses nothing it could use.
            let _ = peer.notify_tool_list_changed().await;
        }
        for (key, sink) in subscriptions {
            if let Err(SubscriptionSendError::SubscriptionClosed) =
                sink.notify_tool_list_changed().await
            {
                self.lock().subscriptions.retain(|(k, _)| *k != key);
            }
        }
    }
}

/// Refreshes the listed tools and tells every client when they changed; false when the
/// bridge is gone (stop following).
async fn refresh_and_notify(state: &std::sync::Weak<Mutex<State>>, template: &Bridge) -> bool {
    let Some(state) = state.upgrade() else {
        return false;
    };
    let bridge = Bridge {
        state,
        ..template.clone()
    };
    if bridge.refresh().await {
        bridge.announce().await;
    }
    true
}

impl ServerHandler for Bridge {
    fn get_info(&self) -> ServerConfig {
        let mode = match self.mode.as_ref() {
            Mode::Dynamic => {
                "Call find_tools with the task in words: it adds the gateway's best-fitting tools to this server's tool list (the same for every client) and reports their names; a reported name stays callable. Call call_tool with a tool_id if the new tools do not appear in your list."
            }
            Mode::Tools(_) | Mode::Select { .. } => {
                "The Connectors gateway's tools for this workspace."
            }
        };
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .build(),
        )
        .with_server_info(Implementation::new("connectors", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            match crate::bridge_checks::gateway_watch().instructions_note() {
                Some(note) => format!("{mode}\n\n{note}"),
                None => mode.to_string(),
            },
        )
    }

    /// A legacy session (2025-11-25 `initialize`): told of list changes from now on.
    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        let mut state = self.lock();
        state.sessions.retain(|peer| !peer.is_transport_closed());
        state.sessions.push(context.peer);
    }

    /// `subscriptions/listen` (2026-07-28): the tool list's changes, nothing else.
    fn accepted_subscription_filter(
        &self,
        _requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(SubscriptionFilter::builder().tools_list_changed().build())
    }

    /// One `subscriptions/listen` stream: told of list changes until the client ends it.
    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let key = {
            let mut state = self.lock();
            let key = state.next_subscription;
            state.next_subscription += 1;
            state.subscriptions.push((key, context.sink().clone()));
            key
        };
        context.cancelled().await;
        self.lock().subscriptions.retain(|(k, _)| *k != key);
        Ok(())
    }

    /// The meta-tools first, then the tools in name order; the same for every client and
    /// fresh only now (`ttlMs: 0`: `find_tools` and the gateway's events change it), for
    /// this key holder alone (`cacheScope: private`).
    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let mut tools = match self.mode.as_ref() {
            Mode::Dynamic => Self::meta_tools(),
            Mode::Tools(_) | Mode::Select { .. } => Vec::new(),
        };
        tools.extend(snapshot(&self.lock().exposed));
        Ok(ListToolsResult::with_all_items(tools)
            .with_ttl_ms(0)
            .with_cache_scope(CacheScope::Private))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        let dynamic = matches!(self.mode.as_ref(), Mode::Dynamic);
        let result = match request.name.as_ref() {
            FIND_TOOLS if dynamic => self.find_tools(&args).await,
            CALL_TOOL if dynamic => match args.get("tool_id").and_then(Value::as_str) {
                None => failure("call_tool needs a `tool_id` string (find_tools lists them)"),
                Some(tool_id) => {
                    let arguments = args.get("arguments").cloned().unwrap_or_else(|| json!({}));
                    if !arguments.is_object() {
                        failure("call_tool: `arguments` must be a JSON object")
                    } else {
                        self.invoke(tool_id, arguments, &context).await
                    }
                }
            },
            name => {
                let tool_id = self.touch(name);
                match tool_id {
                    Some(tool_id) => self.invoke(&tool_id, Value::Object(args), &context).await,
                    None => failure(&format!(
                        "unknown tool {name:?}: it is not (or no longer) in this server's list{}",
                        if dynamic {
                            "; find it again with find_tools, or use call_tool"
                        } else {
                            ""
                        }
                    )),
                }
            }
        };
        Ok(result.into())
    }
}

impl Bridge {
    /// The tool id behind a name the bridge has reported (listed or not any more), marking
    /// a listed one most recently used.
    fn touch(&self, name: &str) -> Option<String> {
        let mut state = self.lock();
        let id = state.names.get(name)?.clone();
        if let Some(at) = state.exposed.iter().position(|e| e.tool_id == id) {
            let entry = state.exposed.remove(at);
            state.exposed.push(entry);
        }
        Some(id)
    }
}

/// A handle of `client` that sends the host's W3C trace context (SEP-414: `traceparent`
/// and `tracestate` in the request's `_meta`) to the gateway; `None` without a valid
/// `traceparent` (a malformed one is ignored, as the W3C specification asks, and a
/// malformed `tracestate` dropped).
fn traced_client(client: &Connectors, meta: &RequestMetaObject) -> Option<Connectors> {
    let trace = TraceContext::received(meta.get_traceparent(), meta.get_tracestate())?;
    Some(client.with_options(RequestOptions::new().trace_context(trace)))
}

fn names(exposed: &[Exposed]) -> HashSet<String> {
    exposed.iter().map(|e| e.tool.name.to_string()).collect()
}

/// The tools as the host lists them, in name order (a change of schema counts).
fn snapshot(exposed: &[Exposed]) -> Vec<Tool> {
    let mut tools: Vec<Tool> = exposed.iter().map(|e| e.tool.clone()).collect();
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    tools
}

/// The name a tool id is exposed under: the SDK's one mapping
/// ([`function_name`]: `server__tool`, or a readable stem, `___` and a hash), which a
/// model or host accepts (`^[a-zA-Z0-9_-]{1,64}$`) and which never equals a meta-tool's
/// name (those have no `__`). Should two ids meet on a hashed name (1 in 2^40 a pair), the
/// SDK's [`Toolset`] gives the later one a name of its own, deterministically. `taken` maps
/// every name already given to its tool id.
fn unique_name(taken: &HashMap<String, String>, tool_id: &str) -> String {
    let name = function_name(tool_id);
    if !taken.contains_key(&name) {
        return name;
    }
    let definition = |tool_id: &str, name: Option<&str>| {
        let mut definition = ToolDefinition::new(tool_id, "", json!({}));
        if let Some(name) = name {
            definition.name = name.to_string();
        }
        definition
    };
    // In name order, so that the same names give the same answer.
    let mut given: Vec<(&String, &String)> = taken.iter().collect();
    given.sort();
    let set: Toolset = given
        .into_iter()
        .map(|(name, id)| definition(id, Some(name)))
        .chain([definition(tool_id, None)])
        .collect();
    set.definitions()
        .iter()
        .find(|d| d.tool_id == tool_id)
        .map_or(name, |d| d.name.clone())
}

/// The description of a tool the gateway cannot describe (see [`undescribed_tool`]).
const UNDESCRIBED: &str =
    "A tool of the gateway, which cannot describe it: its purpose and parameters are unknown.";

/// Tool `id` as far as known without the gateway's description: its id, and parameters
/// left open (an object schema without properties).
fn undescribed_tool(id: &str) -> Option<ToolSelection> {
    let name = id.split_once('.').map_or(id, |(_, tool)| tool);
    let category = id.split_once('.').map_or("", |(server, _)| server);
    serde_json::from_value(json!({
        "toolId": id, "name": name, "description": UNDESCRIBED, "category": category,
        "score": 1.0, "tokenCost": 0, "tier": 1
    }))
    .ok()
}

fn schema(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

/// The gateway's tool as an MCP tool: its parameters as the input schema (always an
/// object schema), its id in the description; the title, annotations (`destructiveHint`,
/// ..), output schema, icons and `_meta` as its MCP server declared them, where the gateway
/// passes them on (the title is the tool id when the server declares none).
fn to_mcp_tool(name: &str, tool: &ToolSelection) -> Tool {
    let mut input = tool
        .schema
        .as_ref()
        .map(|s| s.parameters.clone())
        .unwrap_or_default();
    input.insert("type".into(), json!("object"));
    input.entry("properties").or_insert_with(|| json!({}));
    let mut mcp = Tool::new(
        name.to_string(),
        format!("{} [gateway tool {}]", tool.description, tool.tool_id),
        input,
    );
    // The facts by their MCP names in the gateway's JSON (the spec's extension fields), so
    // that a fact reaches the host as the server wrote it, whichever fields the API has.
    let facts = serde_json::to_value(tool).unwrap_or_default();
    let fact = |key: &str| facts.get(key).filter(|v| !v.is_null());
    fn parse<T: serde::de::DeserializeOwned>(fact: Option<&Value>) -> Option<T> {
        fact.and_then(|v| serde_json::from_value(v.clone()).ok())
    }
    mcp.title = Some(
        fact("title")
            .and_then(Value::as_str)
            .map_or_else(|| tool.tool_id.clone(), str::to_string),
    );
    mcp.annotations = parse(fact("annotations"));
    mcp.output_schema = fact("outputSchema")
        .and_then(Value::as_object)
        .filter(|schema| !schema.is_empty())
        .map(|schema| Arc::new(schema.clone()));
    mcp.icons = parse(fact("icons")).filter(|icons: &Vec<_>| !icons.is_empty());
    mcp.meta = fact("_meta")
        .filter(|meta| meta.as_object().is_some_and(|m| !m.is_empty()))
        .and_then(|meta| serde_json::from_value(meta.clone()).ok());
    mcp
}

/// The gateway's MCP result as the host's: the same content, structured content and
/// `isError`; a result that is not an MCP result becomes its text.
fn to_mcp_result(result: &ToolResult) -> CallToolResult {
    // From a reference: no copy of the result's JSON just to read it.
    if let Ok(mut mcp) = CallToolResult::deserialize(&result.result) {
        // A complete result (2026-07-28 requires the field; rmcp removes it for older
        // peers). The MCP server behind the gateway may speak a version without it.
        mcp.result_type = Some(ResultType::COMPLETE);
        return mcp;
    }
    let mut out = CallToolResult::success(vec![ContentBlock::text(result.text())]);
    out.structured_content = Some(result.structured());
    out
}

fn failure(message: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.to_string())])
}

/// A fingerprint of a call (tool id and arguments), to know its repeat: the arguments are
/// not kept, only this hash of their JSON.
fn call_fingerprint(tool_id: &str, arguments: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    tool_id.hash(&mut hasher);
    arguments.to_string().hash(&mut hasher);
    hasher.finish()
}

/// A call that may have run, as a tool result: what calling it again does. The host's
/// calls carry no idempotency key, so the SDK's advice to re-send with one is not passed
/// on: with `resendable` (the gateway honours keys) the bridge re-sends the same call with
/// the same key itself; otherwise calling it again may run it twice.
fn outcome_unknown_result(tool_id: &str, error: &Error, resendable: bool) -> CallToolResult {
    let Error::OutcomeUnknown {
        attempts, source, ..
    } = error
    else {
        return error_result(error);
    };
    let advice = if resendable {
        "Calling it again with the same arguments is safe: this server re-sends it with the same idempotency key, which the gateway honours, so it answers with the first outcome instead of running the tool again."
    } else {
        "This gateway is not known to honour idempotency keys, so calling it again may run it a second time: check whether it took effect before calling it again."
    };
    let mut text = format!(
        "outcome unknown: {tool_id} may have run on the gateway (no answer after {attempts} attempt(s): {source}). {advice}"
    );
    if let Some(note) = crate::bridge_checks::gateway_watch().call_error() {
        text.push('\n');
        text.push_str(&note);
    }
    failure(&text)
}

/// An SDK error as a tool result: its kind and message (the SDK keeps secrets out).
fn error_result(error: &Error) -> CallToolResult {
    let lead = match error {
        Error::NotOffered { .. } => "not offered by this gateway",
        _ => error.kind(),
    };
    let mut text = format!("{lead}: {}", describe(error));
    if let Some(note) = crate::bridge_checks::gateway_watch().call_error() {
        text.push('\n');
        text.push_str(&note);
    }
    failure(&text)
}

/// Serves over this process's stdin and stdout until the host closes stdin.
pub async fn serve_stdio(bridge: Bridge) -> Result<(), String> {
    use crate::bridge_stdio::{DRAIN_TIMEOUT, StdioLimits, guarded_stdio};
    let (input, output, drain) = guarded_stdio(StdioLimits::default());
    let running = bridge
        .serve((input, output))
        .await
        .map_err(|e| format!("MCP initialization failed: {e}"))?;
    running
        .waiting()
        .await
        .map_err(|e| format!("the MCP session failed: {e}"))?;
    drain.finish(DRAIN_TIMEOUT).await
}

/// Serves streamable HTTP at `http://addr/mcp` until interrupted; prints the URL on stderr
/// (with port 0, the port chosen).
pub async fn serve_http(
    bridge: Bridge,
    addr: SocketAddr,
    policy: crate::bridge_http::HttpPolicy,
) -> Result<(), String> {
    let mut config = StreamableHttpServerConfig::default();
    if addr.ip().is_unspecified() {
        config = config.disable_allowed_hosts();
    } else if !addr.ip().is_loopback() {
        let mut hosts = config.allowed_hosts.clone();
        hosts.push(addr.ip().to_string());
        config = config.with_allowed_hosts(hosts);
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let config = config.with_cancellation_token(cancel.child_token());
    let service = StreamableHttpService::new(
        // Every connection and stateless request shares the bridge's one state.
        move || Ok(bridge.clone()),
        LocalSessionManager::default().into(),
        config,
    );
    let router = axum::Router::new().nest_service(MCP_PATH, service);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("could not listen on {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("could not listen on {addr}: {e}"))?;
    let router = crate::bridge_http::guard(router, policy.with_local_addr(local));
    eprintln!("connectors: serving MCP at http://{local}{MCP_PATH}");
    let shutdown = cancel.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            shutdown.cancel();
        })
        .await
        .map_err(|e| format!("the HTTP server failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    use connectors::function_calling::is_valid_function_name;

    fn taken(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, id)| (name.to_string(), id.to_string()))
            .collect()
    }

    #[test]
    fn names_are_the_sdk_mapping_and_unique() {
        assert_eq!(
            unique_name(&HashMap::new(), "math.evaluate"),
            "math__evaluate"
        );
        // Ids that map to the same characters get names of their own: the hashed form.
        let slash = unique_name(&HashMap::new(), "names.files/read");
        let dot = unique_name(&HashMap::new(), "names.files.read");
        assert_eq!(slash, function_name("names.files/read"));
        assert_eq!(dot, function_name("names.files.read"));
        assert_ne!(slash, dot);
        for name in [&slash, &dot] {
            assert!(
                is_valid_function_name(name) && name.contains("___"),
                "{name}"
            );
        }
        let long = format!("s.{}", "x".repeat(100));
        assert!(unique_name(&HashMap::new(), &long).len() <= 64);
        // Never a meta-tool's name.
        for id in ["s.find_tools", "find_tools", "call.tool", "x.call_tool"] {
            let name = unique_name(&HashMap::new(), id);
            assert!(name != FIND_TOOLS && name != CALL_TOOL, "{id}: {name}");
        }
        // A name already taken by another id (a hash collision): a name of its own, valid,
        // and the same each time.
        let taken = taken(&[("math__evaluate", "other.tool")]);
        let name = unique_name(&taken, "math.evaluate");
        assert!(
            is_valid_function_name(&name) && name != "math__evaluate",
            "{name}"
        );
        assert_eq!(name, unique_name(&taken, "math.evaluate"));
    }
}
