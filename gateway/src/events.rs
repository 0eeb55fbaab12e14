//! The event bus behind `GET /api/v1/events`: deployment progress and server status
//! changes, delivered as server-sent events to the tenants allowed to see them.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use connectors::api::types;
use futures::{Stream, StreamExt};
use tokio::sync::{broadcast, mpsc};
use tokio_stream_shim::BroadcastStream;

/// One event on the bus.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// A deployment changed; only its tenant sees it.
    Deployment {
        tenant: String,
        event: types::DeploymentEvent,
    },
    /// A server changed status; platform servers (`tenant: None`) are seen by everyone.
    Server {
        tenant: Option<String>,
        event: types::ServerStatusEvent,
    },
}

/// A broadcast channel of [`Event`]s.
#[derive(Clone)]
pub(crate) struct EventBus {
    tx: broadcast::Sender<Event>,
    /// Where this replica's deployment events also go for the other replicas (the Redis
    /// store's relay), once connected.
    relay: Arc<OnceLock<mpsc::UnboundedSender<Event>>>,
}

impl EventBus {
    pub fn new() -> EventBus {
        let (tx, _) = broadcast::channel(1024);
        EventBus {
            tx,
            relay: Arc::default(),
        }
    }

    /// Publishes an event (dropped when nobody listens); a deployment event also goes to
    /// the other replicas, when there is a relay.
    pub fn publish(&self, event: Event) {
        if let (Some(relay), Event::Deployment { .. }) = (self.relay.get(), &event) {
            let _ = relay.send(event.clone());
        }
        self.publish_here(event);
    }

    /// Publishes an event to this replica's subscribers only (one relayed from another).
    pub fn publish_here(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// Sends this replica's deployment events to `relay` from now on.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub fn relay_to(&self, relay: mpsc::UnboundedSender<Event>) {
        let _ = self.relay.set(relay);
    }

    /// A server-sent event stream for `tenant`, optionally only one deployment's events.
    pub fn sse(
        &self,
        tenant: String,
        deployment: Option<String>,
    ) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>> + use<>> {
        let stream = BroadcastStream::new(self.tx.subscribe()).filter_map(move |event| {
            let item = match event {
                Event::Deployment {
                    tenant: owner,
                    event,
                } if owner == tenant => match &deployment {
                    Some(id) if *id != event.deployment_id => None,
                    _ => to_sse("deployment", &event),
                },
                Event::Server {
                    tenant: owner,
                    event,
                } if deployment.is_none() && owner.as_ref().is_none_or(|o| *o == tenant) => {
                    to_sse("server", &event)
                }
                _ => None,
            };
            futures::future::ready(item.map(Ok))
        });
        Sse::new(stream).keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        )
    }
}

fn to_sse<T: serde::Serialize>(name: &str, data: &T) -> Option<SseEvent> {
    let json = serde_json::to_string(data).ok()?;
    Some(SseEvent::default().event(name).data(json))
}

/// A `Stream` over a broadcast receiver that skips lagged messages.
mod tokio_stream_shim {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use futures::Stream;
    use futures::stream::BoxStream;
    use tokio::sync::broadcast;

    pub(crate) struct BroadcastStream<T> {
        inner: BoxStream<'static, T>,
    }

    impl<T: Clone + Send + 'static> BroadcastStream<T> {
        pub fn new(rx: broadcast::Receiver<T>) -> Self {
            let inner = futures::stream::unfold(rx, |mut rx| async move {
                loop {
                    match rx.recv().await {
                        Ok(item) => return Some((item, rx)),
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                }
            });
            BroadcastStream {
                inner: Box::pin(inner),
            }
        }
    }

    impl<T> Stream for BroadcastStream<T> {
        type Item = T;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
            self.inner.as_mut().poll_next(cx)
        }
    }
}
