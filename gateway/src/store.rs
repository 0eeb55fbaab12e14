//! Where the state that gateway replicas share lives: this process's memory (the default,
//! for one gateway) or a Redis server (`--store redis://HOST:PORT[/DB]`), which every
//! replica pointed at it shares. Today the idempotency records live there, so a key runs
//! once across replicas and across a replica's crash; the rest of the state follows.
//!
//! Redis trouble is an answer, not a fallback: a request that needs the store while Redis
//! cannot be reached is refused (503 `STORE_UNAVAILABLE` with `Retry-After`) and nothing
//! runs; the connection is re-established by itself on a later request, and `/ready`
//! reports the store's state.

use std::fmt;
#[cfg(feature = "redis")]
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Where shared state lives (the config file's `store`, `--store`).
#[derive(Clone, PartialEq, Eq, Default)]
pub enum StoreLocation {
    /// In this process (`memory`): lost when it stops, not shared with other processes.
    #[default]
    Memory,
    /// In the Redis server of this `redis://` URL.
    Redis(String),
}

impl StoreLocation {
    /// Reads `memory` or a `redis://HOST[:PORT][/DB]` URL.
    pub fn parse(text: &str) -> Result<StoreLocation, String> {
        let text = text.trim();
        if text == "memory" {
            return Ok(StoreLocation::Memory);
        }
        if !text.starts_with("redis://") {
            return Err(format!(
                "store must be `memory` or a redis://HOST[:PORT][/DB] URL, not `{}`",
                redacted(text)
            ));
        }
        check_redis_url(text)?;
        Ok(StoreLocation::Redis(text.to_string()))
    }
}

#[cfg(feature = "redis")]
fn check_redis_url(url: &str) -> Result<(), String> {
    redis::Client::open(url)
        .map(|_| ())
        .map_err(|e| format!("store URL `{}` is not usable: {e}", redacted(url)))
}

#[cfg(not(feature = "redis"))]
fn check_redis_url(_url: &str) -> Result<(), String> {
    Err("this build of the gateway has no Redis store (cargo feature `redis`)".into())
}

/// `url` without the password of its user info, for messages and logs.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

// The URL may hold a password: shown without it.
impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Memory => f.write_str("memory"),
            StoreLocation::Redis(url) => f.write_str(&redacted(url)),
        }
    }
}

impl<'de> Deserialize<'de> for StoreLocation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        StoreLocation::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How long one Redis command may take before the request that needs it is refused.
#[cfg(feature = "redis")]
pub(crate) const REDIS_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long connecting to Redis may take.
#[cfg(feature = "redis")]
pub(crate) const REDIS_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The store could not be reached: the request that needed it was not run.
#[derive(Debug, Clone)]
pub(crate) struct Unavailable(pub String);

/// The store a running gateway uses (cheap to clone): each kind of shared state picks its
/// backend from it.
#[derive(Clone)]
pub(crate) enum Shared {
    /// This process's memory.
    Memory,
    /// The Redis all replicas share.
    #[cfg(feature = "redis")]
    Redis(Redis),
}

impl Shared {
    /// The store at `location` (a Redis connection is made on first use).
    pub fn open(location: &StoreLocation) -> Result<Shared, Unavailable> {
        match location {
            StoreLocation::Memory => Ok(Shared::Memory),
            #[cfg(feature = "redis")]
            StoreLocation::Redis(url) => Ok(Shared::Redis(Redis::lazy(url)?)),
            #[cfg(not(feature = "redis"))]
            StoreLocation::Redis(_) => Err(Unavailable(
                "this build of the gateway has no Redis store (cargo feature `redis`)".into(),
            )),
        }
    }

    /// Whether the store can be used now (a round trip to Redis; always for memory).
    pub async fn check(&self) -> Result<(), Unavailable> {
        match self {
            Shared::Memory => Ok(()),
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => redis.ping().await,
        }
    }
}

/// A connection to the shared Redis (cheap to clone: one multiplexed connection that
/// reconnects by itself).
#[cfg(feature = "redis")]
#[derive(Clone)]
pub(crate) struct Redis(std::sync::Arc<RedisInner>);

/// What a [`Redis`] handle shares (one pointer to hold in each store's enum).
#[cfg(feature = "redis")]
struct RedisInner {
    client: redis::Client,
    connection: redis::aio::ConnectionManager,
    /// Prepended to every key, so one Redis database can hold other data too.
    prefix: String,
}

#[cfg(feature = "redis")]
impl Redis {
    /// A connection to `url`, made on first use (a gateway starts while Redis is down,
    /// and says so on `/ready`).
    pub fn lazy(url: &str) -> Result<Redis, Unavailable> {
        let client = redis::Client::open(url).map_err(|e| Unavailable(e.to_string()))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_CONNECT_TIMEOUT))
            .set_response_timeout(Some(REDIS_RESPONSE_TIMEOUT))
            // One quick retry per request; a request never waits out a long outage.
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection =
            redis::aio::ConnectionManager::new_lazy_with_config(client.clone(), config)
                .map_err(|e| Unavailable(e.to_string()))?;
        Ok(Redis(std::sync::Arc::new(RedisInner {
            client,
            connection,
            prefix: "cgw:".to_string(),
        })))
    }

    /// The connection, for one or more commands.
    pub fn connection(&self) -> redis::aio::ConnectionManager {
        self.0.connection.clone()
    }

    /// The Redis key of `kind` and `name`.
    pub fn key(&self, kind: &str, name: &[u8]) -> Vec<u8> {
        let prefix = &self.0.prefix;
        let mut key = Vec::with_capacity(prefix.len() + kind.len() + 1 + name.len());
        key.extend_from_slice(prefix.as_bytes());
        key.extend_from_slice(kind.as_bytes());
        key.push(b':');
        key.extend_from_slice(name);
        key
    }

    /// A connection of its own for subscribing (pub/sub holds a connection).
    pub async fn pubsub(&self) -> Result<redis::aio::PubSub, Unavailable> {
        tokio::time::timeout(REDIS_CONNECT_TIMEOUT, self.0.client.get_async_pubsub())
            .await
            .map_err(|_| Unavailable("Redis did not answer in time".into()))?
            .map_err(unavailable)
    }

    /// A round trip to Redis.
    pub async fn ping(&self) -> Result<(), Unavailable> {
        let mut connection = self.connection();
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

/// A Redis error as the store's refusal; its text names no key or value.
#[cfg(feature = "redis")]
pub(crate) fn unavailable(error: redis::RedisError) -> Unavailable {
    let what = if error.is_timeout() {
        "Redis did not answer in time".to_string()
    } else if error.is_connection_refusal() || error.is_connection_dropped() {
        "Redis cannot be reached".to_string()
    } else {
        format!("Redis failed: {:?}", error.kind())
    };
    Unavailable(what)
}

#[cfg(test)]
mod tests {
    use super::StoreLocation;

    #[test]
    fn locations_are_memory_or_a_redis_url_and_never_show_a_password() {
        assert_eq!(StoreLocation::parse("memory"), Ok(StoreLocation::Memory));
        assert!(StoreLocation::parse("postgres://db").is_err());
        assert!(StoreLocation::parse("").is_err());
        let error = StoreLocation::parse("mysql://u:hunter2@h").expect_err("refused");
        assert!(!error.contains("hunter2"), "{error}");
        #[cfg(feature = "redis")]
        {
            let location =
                StoreLocation::parse("redis://:hunter2@127.0.0.1:6379/2").expect("a Redis URL");
            assert!(!format!("{location} {location:?}").contains("hunter2"));
            assert!(StoreLocation::parse("redis://127.0.0.1:6379/0").is_ok());
        }
    }
}
