//! The gateway's event streams ([`Events`]), and the server-sent event framing under them
//! and under [`crate::tools::Tools::invoke_stream`]: a cap on one event
//! ([`MAX_EVENT_BYTES`]), an idle timeout, and an error item, never a silent end, for a
//! body cut before its end.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt};

use crate::api::prelude::*;
use crate::api::types;
use crate::client::Connectors;
use crate::error::{Error, Redactor, Result};
use crate::transport::Exchange;

/// One server-sent event, as the `Other` variants of [`GatewayEvent`] and
/// [`crate::tools::InvocationEvent`] keep an event type this SDK does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseEvent {
    /// The event type (`message` when the server named none).
    pub event: String,
    /// The data lines, joined with `\n`.
    pub data: String,
    /// The last event id seen, if any.
    pub id: Option<String>,
    /// The last reconnection time the server asked for, in milliseconds.
    pub retry: Option<u64>,
}

/// The most an event may take on the wire (its lines together, from one blank line to
/// the next): 1 MiB. Past it the stream yields [`Error::EventTooLarge`] and stops without
/// reading (or buffering) the rest of the body.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// A boxed stream of results, as the streaming calls return them.
pub type EventStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// What the parser is fed: the body in pieces of at most one line each, so that the bytes
/// since the last blank line (all the parser can be holding) are counted exactly and
/// capped before they reach it. A failure (the cap, the idle timeout, the transport) is
/// its last item, an error the parser hands on as its `Body` error. At the body's end it
/// feeds a blank line, which dispatches an unfinished event if there is one, and sets
/// `ended`, by which [`events_of`] tells such an event from a whole one.
struct Feed {
    body: Body,
    /// The rest of the body's last chunk.
    pending: Bytes,
    /// Bytes fed since the last blank line.
    since_blank: usize,
    /// The last byte fed (`\n` at the start: a line starts there).
    last: u8,
    idle: Duration,
    exchange: Exchange,
    ended: Arc<AtomicBool>,
}

fn is_line_end(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

impl Feed {
    /// The next piece of the last chunk: up to and with its first line end.
    fn piece(&mut self) -> Option<Result<Bytes>> {
        if self.pending.is_empty() {
            return None;
        }
        let end = self
            .pending
            .iter()
            .position(|&b| is_line_end(b))
            .map_or(self.pending.len(), |at| at + 1);
        self.since_blank += end;
        if self.since_blank > MAX_EVENT_BYTES {
            return Some(Err(Error::EventTooLarge {
                limit: MAX_EVENT_BYTES,
            }));
        }
        let piece = self.pending.split_to(end);
        let first = piece.first().copied().unwrap_or(b'\n');
        // A line end where a line starts is a blank line, unless it is the `\n` of `\r\n`.
        let blank = piece.len() == 1
            && is_line_end(first)
            && is_line_end(self.last)
            && !(self.last == b'\r' && first == b'\n');
        if blank {
            self.since_blank = 0;
        }
        self.last = piece.last().copied().unwrap_or(self.last);
        Some(Ok(piece))
    }

    fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send {
        stream::unfold(Some(self), |feed| async move {
            let mut feed = feed?;
            loop {
                match feed.piece() {
                    Some(Ok(piece)) => return Some((Ok(piece), Some(feed))),
                    // Stop reading: the rest of the body is neither read nor kept.
                    Some(Err(error)) => return Some((Err(error), None)),
                    None => {}
                }
                match tokio::time::timeout(feed.idle, feed.body.next()).await {
                    Err(_) => {
                        let timeout = Error::Timeout {
                            attempts: feed.exchange.attempts.max(1),
                            deadline_exceeded: false,
                            source: None,
                        };
                        return Some((Err(timeout), None));
                    }
                    Ok(Some(Err(error))) => {
                        let error = crate::error::transport_error(error, &feed.exchange);
                        return Some((Err(error), None));
                    }
                    Ok(Some(Ok(chunk))) => feed.pending = chunk,
                    Ok(None) => {
                        feed.ended.store(true, Ordering::Release);
                        return Some((Ok(Bytes::from_static(b"\n\n")), None));
                    }
                }
            }
        })
    }
}

/// The events of a response body of `operation`.
///
/// The stream ends with an error item, never silently, when the body is cut (the
/// transport error), falls silent for longer than `idle` ([`Error::Timeout`]), sends an
/// event past [`MAX_EVENT_BYTES`] ([`Error::EventTooLarge`]), or ends in the middle of
/// an event ([`Error::StreamEnded`]). A clean end between events ends it.
pub(crate) fn events_of(
    body: Body,
    idle: Duration,
    exchange: Exchange,
    operation: &'static str,
) -> EventStream<SseEvent> {
    let ended = Arc::new(AtomicBool::new(false));
    let feed = Feed {
        body,
        pending: Bytes::new(),
        since_blank: 0,
        last: b'\n',
        idle,
        exchange: exchange.clone(),
        ended: ended.clone(),
    };
    struct State {
        parser: Pin<
            Box<dyn Stream<Item = std::result::Result<sse_stream::Sse, sse_stream::Error>> + Send>,
        >,
        ended: Arc<AtomicBool>,
        id: Option<String>,
        retry: Option<u64>,
        received: u64,
        exchange: Exchange,
    }
    let state = State {
        parser: Box::pin(sse_stream::SseStream::from_bytes_stream(feed.into_stream())),
        ended,
        id: None,
        retry: None,
        received: 0,
        exchange,
    };
    let cut_short = move |received| Error::StreamEnded {
        operation: operation.to_string(),
        tool_id: None,
        events_received: received,
        may_have_run: false,
        source: None,
    };
    stream::unfold(Some(state), move |state| async move {
        let mut state = state?;
        loop {
            let sse = match state.parser.next().await? {
                // The parser only reads on once it has handed out what it parsed, so an
                // event after the end was dispatched by the feed's closing blank line.
                Ok(_) if state.ended.load(Ordering::Acquire) => {
                    return Some((Err(cut_short(state.received)), None));
                }
                Ok(sse) => sse,
                // The feed's own failures.
                Err(sse_stream::Error::Body(error)) => {
                    let error = error
                        .downcast::<Error>()
                        .map_or_else(|_| cut_short(state.received), |e| *e);
                    return Some((Err(error), None));
                }
                Err(sse_stream::Error::Utf8Parse(error)) => {
                    let error = Error::UnexpectedResponse {
                        status: reqwest::StatusCode::OK,
                        content_type: Some("text/event-stream".into()),
                        body_excerpt: format!("a line that is not UTF-8 ({error})"),
                        request_id: state.exchange.request_id(),
                    };
                    return Some((Err(error), None));
                }
                // A line the format ignores (an unknown field, a line without a colon, a
                // repeated field, a `retry` that is not a number): the parser refuses it
                // and, fed one line at a time, loses nothing else.
                Err(_) => continue,
            };
            if sse.id.is_some() {
                state.id = sse.id;
            }
            if sse.retry.is_some() {
                state.retry = sse.retry;
            }
            // An event without data is not dispatched.
            let Some(data) = sse.data else { continue };
            state.received += 1;
            let event = SseEvent {
                event: sse.event.unwrap_or_else(|| "message".into()),
                data,
                id: state.id.clone(),
                retry: state.retry,
            };
            return Some((Ok(event), Some(state)));
        }
    })
    .boxed()
}

/// Decodes the JSON data of an event; `redactor` scrubs the error.
pub(crate) fn data<T: serde::de::DeserializeOwned>(
    event: &SseEvent,
    redactor: &Redactor,
) -> Result<T> {
    serde_json::from_str(&event.data).map_err(|source| {
        crate::error::decode_error(
            reqwest::StatusCode::OK,
            Some("text/event-stream".into()),
            event.data.as_bytes(),
            None,
            source,
            redactor,
        )
    })
}

/// An event of the gateway's event stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GatewayEvent {
    /// A deployment changed status or finished a step.
    Deployment(types::DeploymentEvent),
    /// An MCP server changed status.
    Server(types::ServerStatusEvent),
    /// An event type this version of the SDK does not know, kept as sent.
    Other(SseEvent),
}

/// The gateway's event stream (`GET /api/v1/events`); see [`Connectors::events`].
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    client: &'a Connectors,
}

impl<'a> Events<'a> {
    pub(crate) fn new(client: &'a Connectors) -> Self {
        Events { client }
    }

    /// All deployment and server events of the tenant, as they happen.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use connectors::events::GatewayEvent;
    ///
    /// # async fn run(client: connectors::Connectors) -> Result<(), connectors::Error> {
    /// let mut events = client.events().subscribe().await?;
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         GatewayEvent::Deployment(d) => println!("{} is {}", d.deployment_id, d.status),
    ///         GatewayEvent::Server(s) => println!("server {} is {}", s.name, s.status),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn subscribe(&self) -> Result<EventStream<GatewayEvent>> {
        self.open(None).await
    }

    /// The events of one deployment.
    pub async fn deployment(&self, deployment_id: &str) -> Result<EventStream<GatewayEvent>> {
        self.open(Some(deployment_id)).await
    }

    async fn open(&self, deployment_id: Option<&str>) -> Result<EventStream<GatewayEvent>> {
        let (response, exchange) = with_timeout(
            self.client,
            self.client.exchange(None, |api| {
                let mut request = api.stream_events();
                if let Some(id) = deployment_id {
                    request = request.deployment_id(id);
                }
                request.send()
            }),
        )
        .await?;
        let events = events_of(
            response?.into_inner().into_inner(),
            self.client.config().stream_idle_timeout(),
            exchange,
            "streamEvents",
        );
        let redactor = self.client.redactor().clone();
        Ok(events
            .map(move |event| {
                let event = event?;
                Ok(match event.event.as_str() {
                    "deployment" => GatewayEvent::Deployment(data(&event, &redactor)?),
                    "server" => GatewayEvent::Server(data(&event, &redactor)?),
                    _ => GatewayEvent::Other(event),
                })
            })
            .boxed())
    }
}

/// Bounds the wait for a stream's response headers by the per-attempt timeout times the
/// attempts (the transport cannot put a total timeout on an open-ended body).
pub(crate) async fn with_timeout<T>(
    client: &Connectors,
    future: impl std::future::Future<Output = T>,
) -> Result<T> {
    let policy = client.policy();
    let attempts = policy.retry.max_retries.saturating_add(1);
    let limit = policy
        .deadline
        .or(policy.timeout.map(|t| t.saturating_mul(attempts)));
    match limit {
        None => Ok(future.await),
        Some(limit) => tokio::time::timeout(limit, future)
            .await
            .map_err(|_| Error::Timeout {
                attempts,
                deadline_exceeded: policy.deadline.is_some(),
                source: None,
            }),
    }
}
