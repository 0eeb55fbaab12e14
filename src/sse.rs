//! Server-sent events: a small incremental parser, and the gateway's two event streams
//! as `Stream`s of typed events.
//!
//! The parser follows the WHATWG event-stream rules that matter here: `event:`, `data:`
//! (several lines joined with `\n`), `id:`, `retry:`, comment lines starting with `:`,
//! any of `\n`, `\r\n` and `\r` as line ends (also when split across chunks), and bytes
//! of one character split across chunks.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt};

use crate::api::prelude::*;
use crate::api::types;
use crate::client::Connectors;
use crate::error::{Error, Result};
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

/// An incremental event-stream parser: feed it chunks as they arrive.
///
/// ```
/// use connectors::sse::SseParser;
///
/// let mut parser = SseParser::default();
/// assert!(parser.push(b"event: progress\ndata: {\"progr").is_empty());
/// let events = parser.push(b"ess\":50}\n\n: keep-alive\n\n");
/// assert_eq!(events.len(), 1);
/// assert_eq!(events[0].event, "progress");
/// assert_eq!(events[0].data, r#"{"progress":50}"#);
/// ```
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    event: String,
    data: String,
    has_data: bool,
    id: Option<String>,
    retry: Option<u64>,
}

impl SseParser {
    /// Parses `chunk` and returns the events it completes.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
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
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                other => self.line.push(other),
            }
        }
        events
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        // Decoding whole lines keeps characters split across chunks intact.
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
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
        None
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

/// The events of a response body; a silence longer than `idle` ends it with a timeout.
pub(crate) fn events_of(body: Body, idle: Duration, exchange: Exchange) -> EventStream<SseEvent> {
    struct State {
        body: Body,
        parser: SseParser,
        ready: VecDeque<SseEvent>,
        done: bool,
        exchange: Exchange,
    }
    let state = State {
        body,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        done: false,
        exchange,
    };
    stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(event) = state.ready.pop_front() {
                return Some((Ok(event), state));
            }
            if state.done {
                return None;
            }
            match tokio::time::timeout(idle, state.body.next()).await {
                Err(_) => {
                    state.done = true;
                    let error = Error::Timeout {
                        attempts: state.exchange.attempts.max(1),
                        deadline_exceeded: false,
                        source: None,
                    };
                    return Some((Err(error), state));
                }
                Ok(None) => return None,
                Ok(Some(Err(error))) => {
                    state.done = true;
                    let error = crate::error::transport_error(error, &state.exchange);
                    return Some((Err(error), state));
                }
                Ok(Some(Ok(chunk))) => state.ready.extend(state.parser.push(&chunk)),
            }
        }
    })
    .boxed()
}

/// Decodes the JSON data of an event.
pub(crate) fn data<T: serde::de::DeserializeOwned>(
    event: &SseEvent,
    client: &Connectors,
) -> Result<T> {
    serde_json::from_str(&event.data).map_err(|source| Error::Decode {
        status: reqwest::StatusCode::OK,
        content_type: Some("text/event-stream".into()),
        body_excerpt: crate::error::excerpt(event.data.as_bytes(), client.redactor()),
        request_id: None,
        source,
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
        );
        let client = self.client.clone();
        Ok(events
            .map(move |event| {
                let event = event?;
                Ok(match event.event.as_str() {
                    "deployment" => GatewayEvent::Deployment(data(&event, &client)?),
                    "server" => GatewayEvent::Server(data(&event, &client)?),
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
        input.chunks(piece).flat_map(|c| parser.push(c)).collect()
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
    fn an_event_without_data_or_an_unfinished_one_is_not_dispatched() {
        let mut parser = SseParser::default();
        assert!(parser.push(b"event: ping\n\n").is_empty());
        assert!(parser.push(b"data: cut off").is_empty());
        let events = parser.push(b"\n\n");
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].event, "message",
            "the event type was reset by the blank line"
        );
    }
}
