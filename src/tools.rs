//! Tools: semantic selection, the catalog, and invocation (single, batch, streamed).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::RangeInclusive;
use std::pin::Pin;

use futures::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::prelude::*;
use crate::api::{ToolArguments, builder, types};
use crate::client::Connectors;
use crate::error::{ApiError, Error, Redactor, Result};
use crate::events::{EventStream, data, events_of, with_timeout};
use crate::function_calling::{ToolDefinition, Toolset, with_input_schema};
use crate::offered;
pub use crate::pagination::ItemStream;
use crate::pagination::Listing;

/// A boxed future, as the request builders' `IntoFuture` returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The tools area of the API; see [`Connectors::tools`].
#[derive(Debug, Clone, Copy)]
pub struct Tools<'a> {
    client: &'a Connectors,
}

impl<'a> Tools<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Tools { client }
    }

    pub(crate) fn client(&self) -> &'a Connectors {
        self.client
    }

    /// Selects the tools that fit `query`, ranked (await the builder, or call `send`).
    ///
    /// ```no_run
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let selection = client
    ///     .tools()
    ///     .select("create a pull request")
    ///     .max_tools(5)
    ///     .categories(["code"])
    ///     .exclude_servers(["gitlab"])
    ///     .token_budget(2_000)
    ///     .include_related(true)
    ///     .await?;
    /// for tool in &selection.tools {
    ///     println!("{:.2} {} costs {} tokens", tool.score, tool.tool_id, tool.token_cost);
    ///     for related in &tool.related_tools {
    ///         println!("    {} ({})", related.tool_id, related.relation);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn select(&self, query: impl Into<String>) -> SelectTools<'a> {
        SelectTools {
            client: self.client,
            query: query.into(),
            options: types::SelectOptions::default(),
            categories: Vec::new(),
        }
    }

    /// Lists the tool catalog: await it for one page, or call
    /// [`stream`](Listing::stream) for every tool across pages.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let page = client.tools().list().category("code").page_size(20).await?;
    /// println!("{} of {} tools", page.items.len(), page.total);
    ///
    /// let all: Vec<_> = client.tools().list().server("github").stream().try_collect().await?;
    /// println!("github offers {} tools", all.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListTools<'a> {
        Listing::new(self.client, self.client.facade_api().list_tools())
    }

    /// One tool with its full schema; without the route, from the catalog (see
    /// [`Error::NotOffered`]).
    pub async fn get(&self, tool_id: impl Into<String>) -> Result<types::ToolSelection> {
        let tool_id = &tool_id.into();
        split_tool_id(tool_id)?;
        let listed = self
            .client
            .send(|api| api.get_tool().tool_id(tool_id).send());
        let listed = async { Ok(listed.await?.data) };
        offered::or_fallback(self.client, offered::FROM_CATALOG, listed, |refusal| {
            offered::catalog_tool(self.client, tool_id, refusal)
        })
        .await
    }

    /// Tools related to `tool_id` in the gateway's relation graph, strongest first.
    pub async fn related(&self, tool_id: impl Into<String>) -> Result<Vec<types::RelatedTool>> {
        let tool_id = &tool_id.into();
        split_tool_id(tool_id)?;
        let related = self
            .client
            .send(|api| api.list_related_tools().tool_id(tool_id).send());
        Ok(related.await?.data.related)
    }

    /// The tool categories with their tool counts.
    pub async fn categories(&self) -> Result<Vec<types::Category>> {
        let categories = self.client.send(|api| api.list_categories().send());
        Ok(categories.await?.data.categories)
    }

    /// Invokes a tool with `params` (anything that serializes to a JSON object), with the
    /// configured tenant id and an idempotency key that every retry reuses.
    pub fn invoke(&self, tool_id: impl Into<String>, params: impl Serialize) -> InvokeTool<'a> {
        InvokeTool {
            client: self.client,
            tool_id: tool_id.into(),
            params: arguments(params),
            idempotency_key: None,
            parameters_in_errors: false,
            retry_ambiguous: false,
        }
    }

    /// Invokes several tools in one request; each succeeds or fails on its own, in order.
    ///
    /// ```no_run
    /// use serde_json::json;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let results = client
    ///     .tools()
    ///     .invoke_batch([
    ///         ("math.evaluate", json!({"expression": "2*(3+4)"})),
    ///         ("text.word_count", json!({"text": "one two"})),
    ///     ])
    ///     .await?;
    /// for result in results {
    ///     match result {
    ///         Ok(done) => println!("{}: {}", done.tool_id, done.text()),
    ///         Err(e) => println!("{e}"),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invoke_batch<I, S, P>(&self, calls: I) -> Result<Vec<Result<ToolResult>>>
    where
        I: IntoIterator<Item = (S, P)>,
        S: Into<String>,
        P: Serialize,
    {
        let tenant = self.client.require_tenant("invoking tools")?;
        let mut invocations = Vec::new();
        // The argument values of every call of the batch stay out of its errors.
        let mut redactor = self.client.redactor().clone();
        for (tool_id, params) in calls {
            let params = arguments(params)?;
            redactor = redactor.with_arguments(&params);
            invocations.push(invoke_request(&tool_id.into(), params, &tenant)?);
        }
        let bounds = crate::api::limits::BATCH_MIN..=crate::api::limits::BATCH_MAX;
        if !bounds.contains(&invocations.len()) {
            let (min, max, n) = (bounds.start(), bounds.end(), invocations.len());
            let message = format!("a batch holds {min} to {max} invocations, not {n}");
            return Err(Error::invalid("calls", message));
        }
        let body = types::BatchInvokeRequest { invocations };
        let (response, _) = self
            .client
            .exchange(Some(&redactor), |api| {
                api.invoke_tools_batch().body(body).send()
            })
            .await;
        let results = response?.into_inner().data.results;
        Ok(results
            .into_iter()
            .map(|item| match (item.success, item.result, item.error) {
                (true, Some(result), _) => Ok(ToolResult::from(result).redacted_by(&redactor)),
                (_, _, Some(error)) => Err(reported(item.tool_id, &error, &redactor)),
                (_, _, None) => Err(tool_error(
                    item.tool_id,
                    None,
                    "the gateway reported neither a result nor an error".into(),
                )),
            })
            .collect())
    }

    /// Invokes a long-running tool and streams its progress, log lines, then its result.
    /// An `error` event ends the stream with [`Error::ToolInvocation`]; an end before the
    /// result or the error, with [`Error::StreamEnded`] (the tool may have run).
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use connectors::tools::InvocationEvent;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let mut events = client
    ///     .tools()
    ///     .invoke_stream("math.count_primes", serde_json::json!({"n": 1_000_000}))
    ///     .await?;
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         InvocationEvent::Progress(p) => println!("{} of {:?}", p.progress, p.total),
    ///         InvocationEvent::Log(line) => println!("log: {}", line.message),
    ///         InvocationEvent::Result(result) => println!("done: {}", result.text()),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invoke_stream(
        &self,
        tool_id: impl Into<String>,
        params: impl Serialize,
    ) -> Result<EventStream<InvocationEvent>> {
        let tool_id = &tool_id.into();
        let params = arguments(params)?;
        let tenant = self.client.require_tenant("invoking a tool")?;
        let redactor = self.client.redactor().with_arguments(&params);
        let body = invoke_request(tool_id, params, &tenant)?;
        let opened = self.client.exchange(Some(&redactor), |api| {
            api.invoke_tool_stream().body(body).send()
        });
        let (response, exchange) = with_timeout(self.client, opened).await?;
        let response = response.map_err(|error| invocation_error(tool_id, error, None))?;
        let events = events_of(
            response.into_inner().into_inner(),
            self.client.config().stream_idle_timeout(),
            exchange,
            INVOKE_STREAM,
        );
        Ok(invocation_events(events, tool_id.clone(), redactor))
    }
}

/// The `operationId` of streamed invocation.
const INVOKE_STREAM: &str = "invokeToolStream";

/// The typed events of a streamed invocation, ending with its result, its error, or
/// [`Error::StreamEnded`] when the stream ends (or breaks) before either.
fn invocation_events(
    events: EventStream<crate::events::SseEvent>,
    tool_id: String,
    redactor: Redactor,
) -> EventStream<InvocationEvent> {
    struct State {
        events: EventStream<crate::events::SseEvent>,
        tool_id: String,
        redactor: Redactor,
        received: u64,
        done: bool,
    }
    let ended = |state: &State, source: Option<Error>| Error::StreamEnded {
        operation: INVOKE_STREAM.to_string(),
        tool_id: Some(state.tool_id.clone()),
        events_received: state.received,
        may_have_run: true,
        source: source.map(Box::new),
    };
    let state = State {
        events,
        tool_id,
        redactor,
        received: 0,
        done: false,
    };
    futures::stream::unfold(state, move |mut state| async move {
        if state.done {
            return None;
        }
        let item = match state.events.next().await {
            // Every error of the event stream ends it; an end of its own (mid-event)
            // needs no cause.
            None | Some(Err(Error::StreamEnded { .. })) => {
                state.done = true;
                Err(ended(&state, None))
            }
            Some(Err(cause)) => {
                state.done = true;
                Err(ended(&state, Some(cause)))
            }
            Some(Ok(event)) => {
                state.received += 1;
                // The result or the error is the last event, whether it decodes or not.
                state.done = matches!(event.event.as_str(), "result" | "error");
                invocation_event(event, &state.tool_id, &state.redactor)
            }
        };
        Some((item, state))
    })
    .boxed()
}

fn invocation_event(
    event: crate::events::SseEvent,
    tool_id: &str,
    redactor: &Redactor,
) -> Result<InvocationEvent> {
    Ok(match event.event.as_str() {
        "progress" => InvocationEvent::Progress(data(&event, redactor)?),
        "log" => InvocationEvent::Log(data(&event, redactor)?),
        "result" => InvocationEvent::Result(
            ToolResult::from(data::<types::InvokeToolResult>(&event, redactor)?)
                .redacted_by(redactor),
        ),
        "error" => {
            return Err(reported(
                tool_id.to_string(),
                &data(&event, redactor)?,
                redactor,
            ));
        }
        _ => InvocationEvent::Other(event),
    })
}

/// An event of a streamed invocation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InvocationEvent {
    /// Progress of the tool (an MCP progress notification).
    Progress(types::InvocationProgressEvent),
    /// A log line of the tool.
    Log(types::InvocationLogEvent),
    /// The tool's result; the last event.
    Result(ToolResult),
    /// An event type this version of the SDK does not know, kept as sent.
    Other(crate::events::SseEvent),
}

/// Splits `<integration>.<tool>` into its parts, checking both.
///
/// ```
/// assert_eq!(connectors::tools::split_tool_id("github.createPullRequest")?, ("github", "createPullRequest"));
/// assert!(connectors::tools::split_tool_id("createPullRequest").is_err());
/// # Ok::<(), connectors::Error>(())
/// ```
pub fn split_tool_id(tool_id: &str) -> Result<(&str, &str)> {
    let Some((integration, tool)) = tool_id.split_once('.') else {
        return Err(Error::invalid(
            "tool_id",
            format!("`{tool_id}` has no server part; tool ids are `<server>.<tool>`"),
        ));
    };
    if !is_integration_name(integration) {
        return Err(Error::invalid(
            "tool_id",
            format!("the server part of `{tool_id}` must be lowercase letters, digits and `-`"),
        ));
    }
    if tool.is_empty() {
        return Err(Error::invalid(
            "tool_id",
            format!("`{tool_id}` has no tool name after the server part"),
        ));
    }
    Ok((integration, tool))
}

/// The gateway's rule for a server (integration) name, which is also the server part of
/// tool ids: `^[a-z0-9-]+$`.
pub(crate) fn is_integration_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn invoke_request(
    tool_id: &str,
    params: ToolArguments,
    tenant: &str,
) -> Result<types::InvokeToolRequest> {
    let (integration, _) = split_tool_id(tool_id)?;
    types::InvokeToolRequest::builder()
        .tool_id(tool_id.to_string())
        .integration(integration.to_string())
        .tenant_id(tenant.to_string())
        .parameters(Some(params))
        .try_into()
        .map_err(|e: types::error::ConversionError| Error::invalid("tool_id", e.to_string()))
}

/// `value` of `field` within the spec's bounds.
pub(crate) fn within<T>(field: &str, value: T, bounds: RangeInclusive<T>) -> Result<()>
where
    T: PartialOrd + fmt::Display,
{
    if bounds.contains(&value) {
        return Ok(());
    }
    let (min, max) = bounds.into_inner();
    let message = format!("{value} is not between {min} and {max}");
    Err(Error::invalid(field, message))
}

/// A tool's arguments: anything that serializes to a JSON object.
fn arguments(params: impl Serialize) -> Result<ToolArguments> {
    ToolArguments::from_serialize(&params).map_err(|e| Error::invalid("params", e.to_string()))
}

/// A failure the tool itself reported.
fn tool_error(tool_id: String, code: Option<String>, message: String) -> Error {
    Error::ToolInvocation {
        tool_id,
        code,
        message,
        parameters: None,
        source: None,
    }
}

/// The failure of one call that the gateway reported in a batch or a stream, scrubbed:
/// an unknown tool is [`Error::NotFound`], as through every call that names a tool.
fn reported(tool_id: String, error: &types::ErrorDetail, redactor: &Redactor) -> Error {
    let message = redactor.scrub(&error.message);
    let code = redactor.scrub(&error.code);
    if code == "TOOL_NOT_FOUND" {
        let mut api = ApiError::with_status(reqwest::StatusCode::NOT_FOUND);
        api.code = Some(code);
        api.message = message;
        api.context.insert("toolId".into(), tool_id.into());
        return Error::NotFound(Box::new(api));
    }
    tool_error(tool_id, Some(code), message)
}

/// Wraps a refusal that concerns the tool itself into [`Error::ToolInvocation`]; others
/// (an unknown tool, rate limits, permissions, transport) stay as they are, so that a
/// `NotFound` arm catches an unknown tool whichever call named it.
fn invocation_error(tool_id: &str, error: Error, parameters: Option<ToolArguments>) -> Error {
    // The tool may have run: that stays the first thing the caller sees, with the
    // gateway's refusal (tool id, code) as its source.
    if let Error::OutcomeUnknown {
        operation,
        idempotency_key,
        keys_honoured,
        attempts,
        source,
    } = error
    {
        return Error::OutcomeUnknown {
            operation,
            idempotency_key,
            keys_honoured,
            attempts,
            source: Box::new(invocation_error(tool_id, *source, parameters)),
        };
    }
    let about_the_tool = match &error {
        Error::BadRequest(_) | Error::Server(_) => true,
        Error::Authentication(e) => e.code.as_deref() == Some("OAUTH_AUTHENTICATION_FAILED"),
        // Listed, not `_`: a new variant must say whether it concerns the tool.
        Error::PermissionDenied(_)
        | Error::NotFound(_)
        | Error::Conflict(_)
        | Error::RateLimited(_)
        | Error::ServiceUnavailable(_)
        | Error::Api(_)
        | Error::NotOffered { .. }
        | Error::Timeout { .. }
        | Error::Connection { .. }
        | Error::OutcomeUnknown { .. }
        | Error::ResponseTooLarge { .. }
        | Error::Config { .. }
        | Error::InvalidInput { .. }
        | Error::Decode { .. }
        | Error::UnexpectedResponse { .. }
        | Error::Paging { .. }
        | Error::ToolSelection { .. }
        | Error::ToolInvocation { .. }
        | Error::SchemaUnavailable { .. }
        | Error::Deployment { .. }
        | Error::DeploymentTimeout { .. }
        | Error::StreamEnded { .. }
        | Error::EventTooLarge { .. } => false,
    };
    if !about_the_tool {
        return error;
    }
    let (code, message) = match error.api_error() {
        // A replay is the first outcome of the call's key: the same key gets it again.
        Some(api) if api.replayed => (
            api.code.clone(),
            format!(
                "{} (replayed: the first outcome of this idempotency key)",
                api.message
            ),
        ),
        Some(api) => (api.code.clone(), api.message.clone()),
        None => (None, error.to_string()),
    };
    Error::ToolInvocation {
        tool_id: tool_id.to_string(),
        code,
        message,
        parameters,
        source: Some(Box::new(error)),
    }
}

/// What a tool returned.
#[derive(Clone)]
#[non_exhaustive]
pub struct ToolResult {
    /// The tool.
    pub tool_id: String,
    /// The result as the gateway sent it (for MCP tools: `content`, `structuredContent`,
    /// `isError`).
    pub result: Value,
    /// How long the call took at the gateway, in milliseconds.
    pub latency_ms: Option<f64>,
    /// Scrubs the errors of [`ToolResult::decode`] (the key, the call's arguments).
    redactor: Redactor,
}

impl fmt::Debug for ToolResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolResult")
            .field("tool_id", &self.tool_id)
            .field("result", &self.result)
            .field("latency_ms", &self.latency_ms)
            .finish()
    }
}

/// Equal results are equal whatever their errors would hide.
impl PartialEq for ToolResult {
    fn eq(&self, other: &Self) -> bool {
        self.tool_id == other.tool_id
            && self.result == other.result
            && self.latency_ms == other.latency_ms
    }
}

impl From<types::InvokeToolResult> for ToolResult {
    fn from(result: types::InvokeToolResult) -> Self {
        ToolResult {
            tool_id: result.tool_id,
            result: result.result,
            latency_ms: result.performance.and_then(|p| p.latency_ms),
            redactor: Redactor::default(),
        }
    }
}

impl ToolResult {
    fn redacted_by(mut self, redactor: &Redactor) -> Self {
        self.redactor = redactor.clone();
        self
    }

    /// Whether the tool reported a failure (MCP `isError: true`).
    pub fn is_error(&self) -> bool {
        self.result.get("isError").and_then(Value::as_bool) == Some(true)
    }

    /// The result, or the tool's own failure (`isError: true`) as
    /// [`Error::ToolInvocation`] with the tool's text as its message:
    ///
    /// ```no_run
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let done = client
    ///     .tools()
    ///     .invoke("math.evaluate", serde_json::json!({"expression": "1/0"}))
    ///     .await?
    ///     .into_result()?;
    /// # let _ = done;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_result(self) -> Result<ToolResult> {
        if self.is_error() {
            let message = self.redactor.scrub(&self.text());
            return Err(tool_error(self.tool_id, None, message));
        }
        Ok(self)
    }

    /// The result as a host or a log may see it: when the tool reported a failure
    /// (`isError`), the API key and the call's argument values are removed from its text
    /// content items, embedded text resources, `structuredContent` (at any depth) and
    /// `error`, as the SDK removes them from its own errors (tools often quote their
    /// arguments in an error). The shape (item types, `isError`) stays; a result that is not
    /// a failure is the caller's data and is returned as it is.
    pub fn scrubbed(&self) -> ToolResult {
        let mut out = self.clone();
        if !self.is_error() {
            return out;
        }
        let scrub = |value: Option<&mut Value>| {
            if let Some(Value::String(text)) = value {
                *text = self.redactor.scrub(text);
            }
        };
        if let Some(items) = out.result.get_mut("content").and_then(Value::as_array_mut) {
            for item in items {
                scrub(item.get_mut("text"));
                scrub(item.get_mut("resource").and_then(|r| r.get_mut("text")));
            }
        }
        if let Some(structured) = out.result.get_mut("structuredContent") {
            *structured = self.redactor.scrub_value(std::mem::take(structured));
        }
        scrub(out.result.get_mut("error"));
        out
    }

    /// The text of the result: the MCP `text` content items joined with newlines, or the
    /// result itself as JSON when it has no text content.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .result
            .get("content")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter(|i| i.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|i| i.get("text").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if texts.is_empty() {
            match &self.result {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        } else {
            texts.join("\n")
        }
    }

    /// The structured part of the result: MCP `structuredContent`, else the single text
    /// content parsed as JSON, else the result itself.
    pub fn structured(&self) -> Value {
        if let Some(structured) = self.result.get("structuredContent") {
            return structured.clone();
        }
        if self.result.get("content").is_some()
            && let Ok(value) = serde_json::from_str::<Value>(&self.text())
        {
            return value;
        }
        self.result.clone()
    }

    /// Decodes [`Self::structured`] into `T`; a tool error becomes
    /// [`Error::ToolInvocation`].
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        if self.is_error() {
            let message = self.redactor.scrub(&self.text());
            return Err(tool_error(self.tool_id.clone(), None, message));
        }
        let value = self.structured();
        serde_json::from_value(value.clone()).map_err(|source| {
            crate::error::decode_error(
                reqwest::StatusCode::OK,
                Some("application/json".into()),
                value.to_string().as_bytes(),
                None,
                source,
                &self.redactor,
            )
        })
    }
}

/// A tool selection request; await it or call [`SelectTools::send`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct SelectTools<'a> {
    client: &'a Connectors,
    query: String,
    options: types::SelectOptions,
    categories: Vec<String>,
}

impl<'a> SelectTools<'a> {
    /// At most this many tools (1 to 100).
    pub fn max_tools(mut self, max: u32) -> Self {
        self.options.max_tools = Some(max.into());
        self
    }

    /// Only tools of these categories (at most 20).
    pub fn categories<I, S>(mut self, categories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    /// Never tools of these servers.
    pub fn exclude_servers<I, S>(mut self, servers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.exclude_servers = servers.into_iter().map(Into::into).collect();
        self
    }

    /// Tokens the selected tool definitions may cost in a prompt (100 to 100000).
    pub fn token_budget(mut self, tokens: u32) -> Self {
        self.options.token_budget = Some(tokens.into());
        self
    }

    /// Attach related tools to each selection (the gateway's default is yes).
    pub fn include_related(mut self, include: bool) -> Self {
        self.options.include_related = Some(include);
        self
    }

    /// Ask for the full schemas of the selected tools (on by default: the definitions
    /// for a model need them). With `false`, the selection is smaller, and its
    /// [`Selection::toolset`] fails with [`Error::SchemaUnavailable`].
    pub fn include_schemas(mut self, include: bool) -> Self {
        self.options.include_schemas = Some(include);
        self
    }

    /// Checks the arguments, then sends the request. With schemas asked for (the
    /// default), a selected tool the gateway sent without one is fetched
    /// ([`Tools::get`]), so that every definition carries its parameters.
    pub async fn send(self) -> Result<Selection> {
        let request = self.validate()?;
        let with_schemas = request
            .options
            .as_ref()
            .and_then(|o| o.include_schemas)
            .unwrap_or(true);
        let body = types::SelectToolsRequest::SingleSelectRequest(request);
        let response = self
            .client
            .send(|api| api.select_tools().body(body).send())
            .await;
        let result = match response {
            Ok(envelope) => envelope.data,
            Err(error @ (Error::BadRequest(_) | Error::NotFound(_))) => {
                // Telling what exists is the useful answer to a refused selection.
                let available_categories = match self.client.tools().categories().await {
                    Ok(categories) => categories.into_iter().map(|c| c.name).collect(),
                    Err(_) => Vec::new(),
                };
                return Err(Error::ToolSelection {
                    query: self.query,
                    available_categories,
                    source: Box::new(error),
                });
            }
            Err(error) => return Err(error),
        };
        let mut selection = match result {
            types::SelectToolsResult::ToolSelectionResult(result) => Selection::from(result),
            // The spec lets a gateway answer in the batch shape: its slugs are the
            // selection, main tools first.
            types::SelectToolsResult::BatchSelectionResult(batch) => {
                Selection::from_batch(self.query.trim().to_string(), batch)
            }
        };
        if with_schemas {
            fill_schemas(self.client, &mut selection.tools).await;
        }
        Ok(selection)
    }

    fn validate(&self) -> Result<types::SingleSelectRequest> {
        use crate::api::limits::*;
        let query = self.query.trim();
        if query.is_empty() {
            return Err(Error::invalid("query", "the query is empty"));
        }
        if query.chars().count() > 1000 {
            return Err(Error::invalid(
                "query",
                "the query is longer than 1000 characters",
            ));
        }
        if let Some(max) = self.options.max_tools {
            within("max_tools", max, MAX_TOOLS_MIN..=MAX_TOOLS_MAX)?;
        }
        if let Some(budget) = self.options.token_budget {
            within("token_budget", budget, TOKEN_BUDGET_MIN..=TOKEN_BUDGET_MAX)?;
        }
        if self.categories.len() > CATEGORIES_MAX {
            let message = format!("at most {CATEGORIES_MAX} categories");
            return Err(Error::invalid("categories", message));
        }
        let mut options = self.options.clone();
        options.include_schemas.get_or_insert(true);
        options.allowed_categories = self
            .categories
            .iter()
            .map(|c| {
                types::SelectOptionsAllowedCategoriesItem::try_from(c.as_str()).map_err(|_| {
                    Error::invalid(
                        "categories",
                        format!("`{c}` is not a category name (a-z 0-9 _ -, up to 64)"),
                    )
                })
            })
            .collect::<Result<_>>()?;
        let query = types::SingleSelectRequestQuery::try_from(query.to_string())
            .map_err(|e| Error::invalid("query", e.to_string()))?;
        Ok(types::SingleSelectRequest {
            query,
            options: Some(options),
            session: None,
        })
    }
}

impl<'a> IntoFuture for SelectTools<'a> {
    type Output = Result<Selection>;
    type IntoFuture = BoxFuture<'a, Selection>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Selected tools, ranked: core tools (tier 1) first, then supporting and peripheral
/// ones, each tier by descending score.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Selection {
    /// The query as the gateway understood it.
    pub query: String,
    /// The selected tools, ranked.
    pub tools: Vec<types::ToolSelection>,
    /// Tools the gateway considered.
    pub total_tools: Option<u64>,
    /// Tokens the selected definitions cost.
    pub token_usage: Option<u64>,
    /// The token budget applied.
    pub token_budget: Option<u64>,
    /// The gateway's selection time in milliseconds.
    pub latency_ms: Option<f64>,
    /// The gateway's plan and pitfalls, when asked for.
    pub guidance: Option<types::Guidance>,
    /// The selection session, when one was started or continued.
    pub session: Option<types::SessionInfo>,
}

impl From<types::ToolSelectionResult> for Selection {
    fn from(result: types::ToolSelectionResult) -> Self {
        let types::ToolTiers {
            tier1,
            tier2,
            tier3,
        } = result.tools;
        let mut tools = Vec::with_capacity(tier1.len() + tier2.len() + tier3.len());
        let mut schemas = result.tool_schemas;
        for (tier, mut items) in [(1, tier1), (2, tier2), (3, tier3)] {
            items.sort_by(|a, b| b.score.total_cmp(&a.score));
            for mut item in items {
                item.tier = tier;
                // The original gateway sends schemas beside the tiers, by tool id.
                if let Some(full) = schemas.remove(&item.tool_id) {
                    with_input_schema(&mut item, full.description, full.input_schema);
                }
                tools.push(item);
            }
        }
        let performance = result.performance.unwrap_or_default();
        Selection {
            query: result.query,
            tools,
            total_tools: performance.total_tools,
            token_usage: performance.token_usage,
            token_budget: performance.token_budget,
            latency_ms: performance.latency_ms,
            guidance: result.guidance,
            session: result.session,
        }
    }
}

impl Selection {
    /// A selection from the batch shape of the answer: the main tools of its use cases
    /// (tier 1), then their related tools (tier 2), each once, with the schemas it carries.
    fn from_batch(query: String, batch: types::BatchSelectionResult) -> Self {
        let mut tools: Vec<types::ToolSelection> = Vec::new();
        for (tier, slugs) in [
            (
                1,
                batch
                    .results
                    .iter()
                    .flat_map(|r| &r.main_tool_slugs)
                    .collect::<Vec<_>>(),
            ),
            (
                2,
                batch
                    .results
                    .iter()
                    .flat_map(|r| &r.related_tool_slugs)
                    .collect(),
            ),
        ] {
            for slug in slugs {
                if tools.iter().any(|t| &t.tool_id == slug) {
                    continue;
                }
                let full = batch.tool_schemas.get(slug.as_str());
                let description = full.and_then(|f| f.description.clone()).unwrap_or_default();
                let mut tool = types::ToolSelection {
                    tool_id: slug.clone(),
                    name: slug
                        .split_once('.')
                        .map_or(slug.as_str(), |(_, n)| n)
                        .to_string(),
                    description: description.clone(),
                    category: String::new(),
                    score: 0.0,
                    token_cost: 0,
                    tier,
                    schema: None,
                    load_url: None,
                    reason: None,
                    related_tools: Vec::new(),
                    title: None,
                    annotations: None,
                    output_schema: serde_json::Map::new(),
                    icons: Vec::new(),
                    meta: serde_json::Map::new(),
                };
                if let Some(full) = full {
                    with_input_schema(&mut tool, Some(description), full.input_schema.clone());
                }
                tools.push(tool);
            }
        }
        Selection {
            query,
            tools,
            total_tools: None,
            token_usage: None,
            token_budget: None,
            latency_ms: None,
            guidance: None,
            session: batch.session,
        }
    }

    /// The tool ids, in rank order.
    pub fn tool_ids(&self) -> Vec<&str> {
        self.tools.iter().map(|t| t.tool_id.as_str()).collect()
    }

    /// The selected tools as a [`Toolset`]: their function-calling definitions, each with
    /// its input schema, and the way back from a function name to a tool id.
    /// [`Error::SchemaUnavailable`] when a tool came without its schema (schemas were
    /// turned off, or the gateway could not give one).
    pub fn toolset(&self) -> Result<Toolset> {
        Toolset::from_tools(&self.tools)
    }

    /// Function-calling definitions of the selected tools (see [`Selection::toolset`]).
    pub fn definitions(&self) -> Result<Vec<ToolDefinition>> {
        Ok(self.toolset()?.definitions().to_vec())
    }

    /// The selected tools as an OpenAI Chat Completions `tools` array.
    pub fn openai_tools(&self) -> Result<Value> {
        Ok(self.toolset()?.openai_tools())
    }

    /// The selected tools as an Anthropic Messages `tools` array.
    pub fn anthropic_tools(&self) -> Result<Value> {
        Ok(self.toolset()?.anthropic_tools())
    }
}

/// Fetches the schema of each tool that came without one ([`Tools::get`]), with its output
/// schema and any title, annotations, icons and `_meta` it came without; a tool the
/// gateway has no schema for stays without (its definition then fails, naming it).
async fn fill_schemas(client: &Connectors, tools: &mut [types::ToolSelection]) {
    let missing: Vec<String> = tools
        .iter()
        .filter(|t| t.schema.is_none())
        .map(|t| t.tool_id.clone())
        .collect();
    if missing.is_empty() {
        return;
    }
    let fetched: Vec<(String, Result<types::ToolSelection>)> = futures::stream::iter(missing)
        .map(|id| async move {
            let tool = client.tools().get(&id).await;
            (id, tool)
        })
        .buffered(4)
        .collect()
        .await;
    for (id, fetched) in fetched {
        // A tool whose schema cannot be had stays without: its definition fails, naming
        // it, while the rest of the selection is still of use.
        if let Ok(fetched) = fetched
            && let Some(tool) = tools.iter_mut().find(|t| t.tool_id == id)
        {
            tool.schema = fetched.schema;
            if tool.output_schema.is_empty() {
                tool.output_schema = fetched.output_schema;
            }
            if tool.title.is_none() {
                tool.title = fetched.title;
            }
            if tool.annotations.is_none() {
                tool.annotations = fetched.annotations;
            }
            if tool.icons.is_empty() {
                tool.icons = fetched.icons;
            }
            if tool.meta.is_empty() {
                tool.meta = fetched.meta;
            }
        }
    }
}

impl Tools<'_> {
    /// The [`Toolset`] of listed tools (from [`Tools::list`] or a page of it), fetching
    /// the schema of any tool listed without one.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let listed: Vec<_> = client.tools().list().server("math").stream().try_collect().await?;
    /// let toolset = client.tools().toolset(listed).await?;
    /// println!("{}", toolset.anthropic_tools());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn toolset(
        &self,
        tools: impl IntoIterator<Item = types::ToolSelection>,
    ) -> Result<Toolset> {
        let mut tools: Vec<_> = tools.into_iter().collect();
        fill_schemas(self.client, &mut tools).await;
        Toolset::from_tools(&tools)
    }

    /// The function-calling definition of one tool, with its full schema.
    pub async fn definition(&self, tool_id: impl Into<String>) -> Result<ToolDefinition> {
        let tool = self.get(tool_id).await?;
        ToolDefinition::from_tool(&tool)
    }
}

/// A listing of the tool catalog; see [`Tools::list`].
pub type ListTools<'a> = Listing<'a, builder::ListTools<'a>>;

impl<'a> ListTools<'a> {
    /// Only tools of this category.
    pub fn category(self, category: impl Into<String>) -> Self {
        self.filter(|r| r.category(category.into()))
    }

    /// Only tools of this MCP server (the gateway calls it `integration`).
    pub fn server(self, server: impl Into<String>) -> Self {
        self.filter(|r| r.integration(server.into()))
    }

    /// Only tools whose name or description contains this text.
    pub fn search(self, text: impl Into<String>) -> Self {
        self.filter(|r| r.search(text.into()))
    }
}

crate::pagination::paged!(ListTools, types::ToolSelection, tools);

/// A tool invocation; await it or call [`InvokeTool::send`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct InvokeTool<'a> {
    client: &'a Connectors,
    tool_id: String,
    params: Result<ToolArguments>,
    idempotency_key: Option<String>,
    parameters_in_errors: bool,
    retry_ambiguous: bool,
}

impl<'a> InvokeTool<'a> {
    /// Uses this idempotency key instead of a generated one (to make a retry of your own
    /// count as the same call): pass the `idempotency_key` of an
    /// [`Error::OutcomeUnknown`] to re-send a call that may have run, so that a gateway
    /// that honours keys answers with the first result instead of running the tool again.
    ///
    /// A key is 1 to 255 bytes of visible ASCII (0x21-0x7E; the bounds of `openapi.yaml`,
    /// [`crate::api::limits::IDEMPOTENCY_KEY_MAX_BYTES`] and
    /// [`IDEMPOTENCY_KEY_BYTES`](crate::api::limits::IDEMPOTENCY_KEY_BYTES)): any other
    /// (empty, longer, with a space, a control character or a non-ASCII letter) fails the
    /// call with [`Error::InvalidInput`] naming `idempotency_key`, before anything is sent,
    /// as a gateway could not read it and would run the call without a key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Retries this call after failures that leave open whether the tool ran (a timeout,
    /// a lost connection, a cut body, 500, 502, 504) even when the gateway is not known to
    /// honour idempotency keys. Off by default, since the tool may then run twice; use it
    /// for tools whose effect is idempotent anyway. See [`crate::retry`].
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.retry_ambiguous = retry;
        self
    }

    /// Keeps the call's arguments in an [`Error::ToolInvocation`] (off by default: they
    /// can hold secrets; their `Debug` shows the names only).
    pub fn parameters_in_errors(mut self, keep: bool) -> Self {
        self.parameters_in_errors = keep;
        self
    }

    /// Checks the tool id and the idempotency key, then sends the request.
    pub async fn send(self) -> Result<ToolResult> {
        if let Some(key) = &self.idempotency_key {
            crate::transport::check_idempotency_key(key.as_bytes())
                .map_err(|problem| Error::invalid("idempotency_key", problem))?;
        }
        let params = self.params?;
        let tenant = self.client.require_tenant("invoking a tool")?;
        let kept = self.parameters_in_errors.then(|| params.clone());
        // Opting in shows the arguments; otherwise their values are scrubbed from
        // whatever the gateway or the tool echoes back.
        let redactor = if self.parameters_in_errors {
            self.client.redactor().clone()
        } else {
            self.client.redactor().with_arguments(&params)
        };
        let body = invoke_request(&self.tool_id, params, &tenant)?;
        // Only an opted-in call pays for a handle of its own.
        let opted_in;
        let client = if self.retry_ambiguous {
            opted_in = self
                .client
                .with_options(crate::RequestOptions::new().retry_ambiguous(true));
            &opted_in
        } else {
            self.client
        };
        let key = self.idempotency_key;
        let (response, _) = client
            .exchange(Some(&redactor), |api| {
                let mut request = api.invoke_tool().body(body);
                if let Some(key) = key {
                    request = request.idempotency_key(key);
                }
                request.send()
            })
            .await;
        match response {
            Ok(envelope) => Ok(ToolResult::from(envelope.into_inner().data).redacted_by(&redactor)),
            Err(error) => Err(invocation_error(&self.tool_id, error, kept)),
        }
    }
}

impl<'a> IntoFuture for InvokeTool<'a> {
    type Output = Result<ToolResult>;
    type IntoFuture = BoxFuture<'a, ToolResult>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
