//! The records in Redis, shared by every replica pointed at it: one hash per key, claimed
//! and settled by Lua scripts so that each step is atomic on the server.
//!
//! * **Claim.** The first request for a key creates its record `running`, with the
//!   request's fingerprint, a fencing token (a counter no two claims share) and a deadline
//!   on Redis's own clock (`TIME`), so replicas whose clocks differ agree on it. Any later
//!   request, on any replica, finds the record and replays, waits or is refused; it never
//!   runs the operation.
//! * **Settle.** The outcome is written only by the holder of the token and only while
//!   the record is still `running` and before its deadline: a replica that comes back late
//!   (after a pause, or after its record expired and the key was claimed anew) cannot
//!   overwrite what others have seen.
//! * **A replica that dies** leaves its record `running`: once the deadline passes every
//!   replica reads it as in doubt (409 `IDEMPOTENCY_OUTCOME_IN_DOUBT`), for the rest of the
//!   window, and never runs the key again. The record of a running key expires only after
//!   its deadline plus the window.
//! * **Release.** A 429 (refused before it ran) deletes the record if the token still holds.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode};
use redis::{Script, Value};

use super::record::{Kept, Key, exact};
use super::{Lookup, Waiter};
use crate::store::{Redis, Unavailable, unavailable};

/// Claims `KEYS[1]` (taking a token from the counter `KEYS[2]`) or reads it.
/// `ARGV`: fingerprint, milliseconds until the deadline, milliseconds to keep the record.
/// Returns `{"claimed", token}` or `{state, fingerprint, status, content type, body}`, where
/// a `running` record past its deadline reads as `doubt`.
const CLAIM: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = redis.call('HMGET', KEYS[1], 's', 'f', 'd', 'c', 'y', 'b')
if r[1] then
  local state = r[1]
  if state == 'running' and tonumber(r[3]) <= now then state = 'doubt' end
  return {state, r[2] or '', r[4] or '', r[5] or '', r[6] or ''}
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 's', 'running', 'f', ARGV[1], 't', token, 'd', now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'claimed', tostring(token)}
"#;

/// Settles `KEYS[1]` if it is still `running` under the token `ARGV[1]` and before its
/// deadline. `ARGV`: token, state, status, content type, body, milliseconds to keep it.
const SETTLE: &str = r#"
local r = redis.call('HMGET', KEYS[1], 's', 't', 'd')
if r[1] ~= 'running' or r[2] ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(r[3]) <= now then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'c', ARGV[3], 'y', ARGV[4], 'b', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
"#;

/// Deletes `KEYS[1]` if it is still `running` under the token `ARGV[1]`.
const RELEASE: &str = r#"
local r = redis.call('HMGET', KEYS[1], 's', 't')
if r[1] ~= 'running' or r[2] ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
"#;

/// The states of a record, as written in its `s` field.
const DONE: &str = "done";
const NOT_RETAINED: &str = "not-retained";
const DOUBT: &str = "doubt";

/// The scripts and timings of the Redis records.
pub(crate) struct RedisRecords {
    inner: Arc<Shared>,
}

struct Shared {
    redis: Redis,
    claim: Script,
    settle: Script,
    release: Script,
    window: Duration,
    /// How long a record may stay `running` before it is in doubt.
    deadline: Duration,
}

impl RedisRecords {
    pub fn new(redis: Redis, window: Duration, deadline: Duration) -> RedisRecords {
        RedisRecords {
            inner: Arc::new(Shared {
                redis,
                claim: Script::new(CLAIM),
                settle: Script::new(SETTLE),
                release: Script::new(RELEASE),
                window,
                deadline,
            }),
        }
    }

    pub(super) async fn lookup(
        &self,
        key: Arc<Key>,
        fingerprint: u64,
    ) -> Result<Lookup, Unavailable> {
        let shared = &self.inner;
        let record = shared.redis.key("idem", key.as_bytes());
        let counter = shared.redis.key("idem-token", b"");
        let mut connection = shared.redis.connection();
        let reply: Vec<Value> = shared
            .claim
            .key(&record)
            .key(&counter)
            .arg(fingerprint.to_string())
            .arg(millis(shared.deadline))
            .arg(millis(shared.deadline + shared.window))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let field = |i: usize| match reply.get(i) {
            Some(Value::BulkString(bytes)) => bytes.as_slice(),
            _ => &[],
        };
        let state = field(0);
        if state == b"claimed" {
            let token = String::from_utf8_lossy(field(1)).into_owned();
            return Ok(Lookup::Run(super::Ticket::Redis(Ticket {
                records: self.inner.clone(),
                record,
                token,
                settled: false,
            })));
        }
        if field(1) != fingerprint.to_string().as_bytes() {
            return Ok(Lookup::Reused);
        }
        let kept = match state {
            b"running" => return Ok(Lookup::Wait(Waiter::Elsewhere)),
            s if s == DONE.as_bytes() => {
                let status = std::str::from_utf8(field(2))
                    .ok()
                    .and_then(|s| s.parse::<u16>().ok())
                    .and_then(|s| StatusCode::from_u16(s).ok());
                match status {
                    Some(status) => Kept::Response {
                        status,
                        content_type: Some(field(3))
                            .filter(|t| !t.is_empty())
                            .and_then(|t| HeaderValue::from_bytes(t).ok()),
                        body: exact(&Bytes::copy_from_slice(field(4))),
                    },
                    // A record this gateway did not write: it ran, its answer is unknown.
                    None => Kept::InDoubt,
                }
            }
            s if s == NOT_RETAINED.as_bytes() => Kept::NotRetained,
            _ => Kept::InDoubt,
        };
        Ok(Lookup::Replay(Arc::new(kept)))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The right to run a key claimed in Redis. Finishing it writes the outcome; dropping it
/// unfinished (a handler that panicked) writes "in doubt" from a task of its own, and if
/// that write fails too the record's deadline makes it in doubt all the same.
pub(super) struct Ticket {
    records: Arc<Shared>,
    record: Vec<u8>,
    token: String,
    settled: bool,
}

impl Ticket {
    pub(super) async fn finish(mut self, kept: Kept) {
        self.settled = true;
        settle(&self.records, &self.record, &self.token, &kept).await;
    }

    pub(super) async fn release(mut self) {
        self.settled = true;
        let mut connection = self.records.redis.connection();
        let released: Result<i64, _> = self
            .records
            .release
            .key(&self.record)
            .arg(&self.token)
            .invoke_async(&mut connection)
            .await;
        if let Err(e) = released {
            // The record stays running until its deadline, then in doubt: the key will
            // not run again, which is safe if not kind.
            tracing::warn!(reason = %unavailable(e).0, "could not release an idempotency key");
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let records = self.records.clone();
        let record = std::mem::take(&mut self.record);
        let token = std::mem::take(&mut self.token);
        runtime.spawn(async move { settle(&records, &record, &token, &Kept::InDoubt).await });
    }
}

/// Writes `kept` as the record's outcome (if this token still holds it).
async fn settle(records: &Shared, record: &[u8], token: &str, kept: &Kept) {
    let (state, status, content_type, body): (&str, String, &[u8], &[u8]) = match kept {
        Kept::Response {
            status,
            content_type,
            body,
        } => (
            DONE,
            status.as_u16().to_string(),
            content_type.as_ref().map_or(&[][..], |t| t.as_bytes()),
            body,
        ),
        Kept::NotRetained => (NOT_RETAINED, String::new(), &[], &[]),
        Kept::InDoubt => (DOUBT, String::new(), &[], &[]),
    };
    let mut connection = records.redis.connection();
    let written: Result<i64, _> = records
        .settle
        .key(record)
        .arg(token)
        .arg(state)
        .arg(status)
        .arg(content_type)
        .arg(body)
        .arg(millis(records.window))
        .invoke_async(&mut connection)
        .await;
    match written {
        Ok(1) => {}
        // Past its deadline (already read as in doubt) or no longer this token's.
        Ok(_) => tracing::warn!("an idempotency record was settled too late; it stays in doubt"),
        Err(e) => {
            tracing::warn!(reason = %unavailable(e).0, "could not store an idempotent outcome; the key will read as in doubt")
        }
    }
}
