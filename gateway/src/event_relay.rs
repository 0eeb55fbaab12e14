//! Deployment events between replicas (the Redis store): each replica publishes its own
//! deployments' events on one Redis pub/sub channel and re-publishes, to its own
//! subscribers of `GET /events`, those of the other replicas; so a tenant following its
//! deployments on any replica sees them wherever they run. Server status events stay each
//! replica's own: every replica runs its own session of every server, and reports on it.
//!
//! Pub/sub delivers to whoever listens at that moment, as the local bus does: an event
//! published while a replica's subscription is down (Redis restarting) is not replayed.

use std::time::Duration;

use connectors::api::types;
use futures::StreamExt;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::events::{Event, EventBus};
use crate::store::{Redis, unavailable};

/// How long a replica waits before subscribing again after losing Redis.
const RESUBSCRIBE_AFTER: Duration = Duration::from_secs(1);

/// A deployment event on the channel.
#[derive(Serialize, Deserialize)]
struct Relayed {
    /// The replica that published it, which skips its own.
    origin: String,
    tenant: String,
    event: types::DeploymentEvent,
}

/// Connects `events` to the other replicas through `redis` until `stop`.
pub(crate) fn spawn(events: EventBus, redis: Redis, stop: CancellationToken) {
    let origin = uuid::Uuid::new_v4().to_string();
    let channel = redis.key("events", b"");
    let (outbox, mut outgoing) = mpsc::unbounded_channel::<Event>();
    events.relay_to(outbox);
    {
        let (redis, origin, channel, stop) =
            (redis.clone(), origin.clone(), channel.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    event = outgoing.recv() => event,
                    _ = stop.cancelled() => return,
                };
                let (tenant, event) = match event {
                    Some(Event::Deployment { tenant, event }) => (tenant, event),
                    // Only deployment events are relayed (see the module documentation).
                    Some(Event::Server { .. }) => continue,
                    None => return,
                };
                let message = Relayed {
                    origin: origin.clone(),
                    tenant,
                    event,
                };
                let Ok(json) = serde_json::to_string(&message) else {
                    continue;
                };
                let mut connection = redis.connection();
                if let Err(e) = connection.publish::<_, _, ()>(&channel, json).await {
                    tracing::debug!(reason = %unavailable(e).0, "a deployment event was not relayed");
                }
            }
        });
    }
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = listen(&events, &redis, &origin, &channel) => {}
                _ = stop.cancelled() => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(RESUBSCRIBE_AFTER) => {}
                _ = stop.cancelled() => return,
            }
        }
    });
}

/// Re-publishes the other replicas' events here until the subscription ends.
async fn listen(events: &EventBus, redis: &Redis, origin: &str, channel: &[u8]) {
    let mut pubsub = match redis.pubsub().await {
        Ok(pubsub) => pubsub,
        Err(e) => {
            tracing::debug!(reason = %e.0, "not subscribed to the other replicas' events yet");
            return;
        }
    };
    if let Err(e) = pubsub.subscribe(channel).await {
        tracing::debug!(reason = %unavailable(e).0, "not subscribed to the other replicas' events yet");
        return;
    }
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        let Ok(relayed) = serde_json::from_slice::<Relayed>(message.get_payload_bytes()) else {
            continue;
        };
        if relayed.origin != origin {
            events.publish_here(Event::Deployment {
                tenant: relayed.tenant,
                event: relayed.event,
            });
        }
    }
}
