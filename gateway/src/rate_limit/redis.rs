//! The rate-limit windows in Redis, shared by every replica: one hash per tenant and scope
//! (`cgw:rate:SCOPE:TENANT`, fields `s` = the window's start and `c` = its count), counted
//! by one Lua script so that checking, opening a window and counting are one atomic step.
//! Windows are timed by Redis's own clock (`TIME`), so replicas whose clocks differ still
//! agree on when a window opens and resets; a window's hash expires when the window ends.
//!
//! **While Redis cannot be reached, each replica counts in its own memory**, as a gateway
//! without Redis does. This was chosen over the two other ways out: letting requests
//! through uncounted would lift every quota for as long as Redis is away, and refusing
//! them (503) would make Redis a hard dependency of every route, reads included, which
//! otherwise never need it. Counting locally keeps every quota enforced, only less
//! exactly: a tenant may get up to one quota per replica in a window during the outage. The
//! requests that do need Redis (keyed requests, identities, OAuth configurations) are
//! refused by their own routes. After a failure Redis is left alone for [`REST`], so that
//! a Redis that hangs costs one slow request per rest, not every request its timeout; the
//! switch each way is logged once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use redis::Script;

use super::Counted;
use crate::store::{Redis, unavailable};

/// Counts a request in the window `KEYS[1]`. `ARGV`: the window's length (ms), the quota.
/// Returns {allowed (0/1), count, ms until the window resets, when it resets (ms since
/// the epoch)}, on Redis's clock.
const TAKE: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local r = redis.call('HMGET', KEYS[1], 's', 'c')
local started = tonumber(r[1])
local count = tonumber(r[2]) or 0
if not started or now - started >= window then
  started = now
  count = 0
  redis.call('HSET', KEYS[1], 's', started, 'c', 0)
  redis.call('PEXPIRE', KEYS[1], window)
end
local allowed = 0
if count < tonumber(ARGV[2]) then
  count = redis.call('HINCRBY', KEYS[1], 'c', 1)
  allowed = 1
end
return {allowed, count, started + window - now, started + window}
"#;

/// How long Redis is left alone after it failed a count (requests count locally meanwhile).
pub(super) const REST: Duration = Duration::from_secs(1);

/// The windows in Redis.
pub(crate) struct SharedWindows {
    redis: Redis,
    take: Script,
    /// Until when Redis is left alone after a failure; `None` while it answers.
    resting_until: Mutex<Option<Instant>>,
}

impl SharedWindows {
    /// The windows in `redis`.
    pub fn new(redis: Redis) -> SharedWindows {
        SharedWindows {
            redis,
            take: Script::new(TAKE),
            resting_until: Mutex::new(None),
        }
    }

    /// Counts a request of `tenant` in `scope`'s shared window; `None` when Redis cannot
    /// be asked now (the caller counts it locally).
    pub(super) async fn take(
        &self,
        tenant: &str,
        scope: &str,
        limit: u64,
        window: Duration,
    ) -> Option<Counted> {
        if self.resting().is_some_and(|until| Instant::now() < until) {
            return None;
        }
        let key = self
            .redis
            .key("rate", format!("{scope}:{tenant}").as_bytes());
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let mut connection = self.redis.connection();
        let reply: Result<Vec<i64>, _> = self
            .take
            .key(key)
            .arg(window_ms)
            .arg(limit)
            .invoke_async(&mut connection)
            .await;
        let counted = match reply {
            Ok(reply) => counted(&reply),
            Err(e) => {
                self.rest(&unavailable(e).0);
                return None;
            }
        };
        match counted {
            Some(counted) => {
                self.recovered();
                Some(counted)
            }
            None => {
                self.rest("Redis answered the rate-limit script unexpectedly");
                None
            }
        }
    }

    fn resting(&self) -> Option<Instant> {
        *self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Leaves Redis alone for [`REST`] (saying so when it starts).
    fn rest(&self, reason: &str) {
        let mut resting = self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if resting.is_none() {
            tracing::warn!(%reason, "rate limits are counted by each replica alone until Redis answers again");
        }
        *resting = Some(Instant::now() + REST);
    }

    /// Redis answered: the shared windows count again (saying so if they had stopped).
    fn recovered(&self) {
        let mut resting = self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if resting.take().is_some() {
            tracing::info!("Redis answers again: rate limits are shared by the replicas again");
        }
    }
}

/// The script's reply as a count.
fn counted(reply: &[i64]) -> Option<Counted> {
    let &[allowed, count, reset_in, reset_at] = reply else {
        return None;
    };
    Some(Counted {
        allowed: allowed == 1,
        count: u64::try_from(count).ok()?,
        reset_in: Duration::from_millis(u64::try_from(reset_in).unwrap_or(0)),
        reset_at: DateTime::<Utc>::from_timestamp_millis(reset_at)?,
    })
}
