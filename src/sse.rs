//! Server-sent events: a small incremental parser, and the gateway's two event streams
//! as `Stream`s of typed events.
//!
//! The parser follows the WHATWG event-stream rules that matter here: `event:`, `data:`
//! (several lines joined with `\n`), `id:`, `retry:`, comment lines starting with `:`,
//! any of `\n`, `\r\n` and `\r` as line ends (also when split across chunks), and bytes
//! of one character split across chunks. Lines and events are capped at
//! [`MAX_EVENT_BYTES`], so that a server cannot make the client buffer without end.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt};

use crate::api::prelude::*;
use crate::api::types;
use crate::client::Connectors;
use crate::error::{Error, Redactor, Result};
use crate::transport::Exchange;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseEvent {
    /// The event type (`message` when the server named none).
    pub event: String,
    /// The data lines, joined with `\n`.
    pub data: String,
    /// The last event id seen, if any.
    pub id: Option<String>,
    /// The reconnection time the server asked for, in milliseconds.
    pub retry: Option<u64>,
}

/// The longest line, and the longest event (its data lines together), a stream accepts:
/// 1 MiB. Past it the stream yields [`Error::EventTooLarge`] and stops without reading
/// (or buffering) the rest of the body.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// An incremental event-stream parser: feed it chunks as they arrive.
///
/// Private: a parser of our own (rather than `sse-stream` or `eventsource-stream`, which
/// have no size limits and would need adapting to reqwest's body) is ~100 lines and keeps
/// the dependency tree as it is.
#[derive(Debug)]
struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    event: String,
    data: String,
    has_data: bool,
    id: Option<String>,
    retry: Option<u64>,
    limit: usize,
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::with_limit(MAX_EVENT_BYTES)
    }
}

impl SseParser {
    fn with_limit(limit: usize) -> Self {
        SseParser {
            line: Vec::new(),
            skip_lf: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            id: None,
            retry: None,
            limit,
        }
    }

    /// Parses `chunk`, adding the events it completes to `out`; a line or an event past
    /// the limit stops parsing (the events before it stay in `out`).
    fn push(&mut self, chunk: &[u8], out: &mut VecDeque<SseEvent>) -> Result<()> {
        for &byte in chunk {
            if self.skip_lf {
                self.skip_lf = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\r' | b'\n' => {
                    self.skip_lf = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line)? {
                        out.push_back(event);
                    }
                }
                other => {
                    if self.line.len() >= self.limit {
                        return Err(Error::EventTooLarge { limit: self.limit });
                    }
                    self.line.push(other);
                }
            }
        }
        Ok(())
    }

    /// Whether the input ended in the middle of an event (a line or data not dispatched).
    fn mid_event(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    fn line_done(&mut self, line: &[u8]) -> Result<Option<SseEvent>> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        // Decoding whole lines keeps characters split across chunks intact.
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return Ok(None);
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                if self.data.len() + usize::from(self.has_data) + value.len() > self.limit {
                    return Err(Error::EventTooLarge { limit: self.limit });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_string()),
            "retry" => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event: if event.is_empty() {
                "message".into()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
            retry: self.retry,
        })
    }
}

/// A boxed stream of results, as the streaming calls return them.
pub type EventStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// The events of a response body of `operation`.
///
/// The stream ends with an error item, never silently, when the body is cut (the
/// transport error), falls silent for longer than `idle` ([`Error::Timeout`]), sends a
/// line or event past [`MAX_EVENT_BYTES`] ([`Error::EventTooLarge`]), or ends in the
/// middle of an event ([`Error::StreamEnded`]). A clean end between events ends it.
pub(crate) fn events_of(
    body: Body,
    idle: Duration,
    exchange: Exchange,
    operation: &'static str,
) -> EventStream<SseEvent> {
    struct State {
        body: Body,
        parser: SseParser,
        ready: VecDeque<SseEvent>,
        /// The error that ends the stream, yielded after the events before it.
        failed: Option<Error>,
        done: bool,
        received: u64,
        exchange: Exchange,
    }
    let state = State {
        body,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        failed: None,
        done: false,
        received: 0,
        exchange,
    };
    stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(event) = state.ready.pop_front() {
                state.received += 1;
                return Some((Ok(event), state));
            }
            if let Some(error) = state.failed.take() {
                return Some((Err(error), state));
            }
            if state.done {
                return None;
            }
            // Whatever happens next but a chunk ends the stream.
            state.done = true;
            match tokio::time::timeout(idle, state.body.next()).await {
                Err(_) => {
                    state.failed = Some(Error::Timeout {
                        attempts: state.exchange.attempts.max(1),
                        deadline_exceeded: false,
                        source: None,
                    });
                }
                Ok(None) => {
                    if state.parser.mid_event() {
                        state.failed = Some(Error::StreamEnded {
                            operation: operation.to_string(),
                            tool_id: None,
                            events_received: state.received,
                            may_have_run: false,
                            source: None,
                        });
                    }
                }
                Ok(Some(Err(error))) => {
                    state.failed = Some(crate::error::transport_error(error, &state.exchange));
                }
                Ok(Some(Ok(chunk))) => {
                    state.done = false;
                    if let Err(error) = state.parser.push(&chunk, &mut state.ready) {
                        // Stop reading: the rest of the body is neither read nor kept.
                        state.done = true;
                        state.failed = Some(error);
                    }
                }
            }
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

/// The gateway's event stream (`GET /api/v1/events`); a gateway without it (the original
/// one) answers [`Error::NotOffered`].
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
    /// use connectors::sse::GatewayEvent;
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
        let call = self.client.call();
        let mut request = call.api.stream_events();
        if let Some(id) = deployment_id {
            request = request.deployment_id(id);
        }
        let response = with_timeout(self.client, request.send()).await?;
        let response = call.finish_response(response).await?;
        let events = events_of(
            response.into_inner().into_inner(),
            self.client.config().stream_idle_timeout(),
            call.exchange(),
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
    let attempts = policy.retry.get_max_retries().saturating_add(1);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &[u8], piece: usize) -> Vec<SseEvent> {
        let mut parser = SseParser::default();
        let mut events = VecDeque::new();
        for chunk in input.chunks(piece) {
            parser.push(chunk, &mut events).expect("within the limit");
        }
        events.into()
    }

    fn push(parser: &mut SseParser, chunk: &[u8]) -> Result<Vec<SseEvent>> {
        let mut events = VecDeque::new();
        parser.push(chunk, &mut events)?;
        Ok(events.into())
    }

    #[test]
    fn every_split_of_the_input_gives_the_same_events() {
        let input = "event: progress\r\ndata: {\"progress\":1}\r\n\r\n: comment\n\nevent: log\ndata: first é line\ndata: second\n\nid: 7\rretry: 1500\rdata: plain\r\r".as_bytes();
        let whole = parse_in_pieces(input, input.len());
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0].event, "progress");
        assert_eq!(whole[0].data, "{\"progress\":1}");
        assert_eq!(whole[1].event, "log");
        assert_eq!(whole[1].data, "first é line\nsecond");
        assert_eq!(whole[2].event, "message");
        assert_eq!(whole[2].id.as_deref(), Some("7"));
        assert_eq!(whole[2].retry, Some(1500));
        for piece in 1..input.len() {
            assert_eq!(
                parse_in_pieces(input, piece),
                whole,
                "chunks of {piece} bytes"
            );
        }
    }

    #[test]
    fn an_event_without_data_or_an_unfinished_one_is_not_dispatched() -> Result<()> {
        let mut parser = SseParser::default();
        assert!(push(&mut parser, b"event: ping\n\n")?.is_empty());
        assert!(!parser.mid_event());
        assert!(push(&mut parser, b"data: cut off")?.is_empty());
        assert!(parser.mid_event());
        let events = push(&mut parser, b"\n\n")?;
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].event, "message",
            "the event type was reset by the blank line"
        );
        Ok(())
    }

    #[test]
    fn lines_and_events_past_the_limit_are_refused_after_the_events_before_them() {
        let mut parser = SseParser::with_limit(16);
        let mut events = VecDeque::new();
        let long_line = b"data: a\n\ndata: 0123456789abcdef";
        let error = parser.push(long_line, &mut events).unwrap_err();
        assert!(matches!(error, Error::EventTooLarge { limit: 16 }));
        assert_eq!(events.len(), 1, "the event before the long line");

        let mut parser = SseParser::with_limit(16);
        let many_lines = b"data: 0123456\ndata: 789abc\ndata: xy\n";
        let error = parser.push(many_lines, &mut events).unwrap_err();
        assert!(matches!(error, Error::EventTooLarge { .. }));
        // Just within the limit: 16 bytes of data, joined.
        let mut parser = SseParser::with_limit(16);
        let events = push(&mut parser, b"data: 0123456\ndata: 789abcde\n\n").unwrap();
        assert_eq!(events[0].data.len(), 16);
    }
}
