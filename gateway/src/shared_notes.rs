//! The built-in `notes` server's tenants' notes in Redis (the Redis store), so every
//! replica's `notes` serves the same notes. One hash per tenant (field: the note id,
//! value: the checked note without its id) and one id counter per tenant; adding is one
//! Lua script (the count check, the new id and the write happen together).

use connectors_mcp_servers::notes::{
    MAX_NOTES, Note, NoteDraft, NotesFuture, SharedNotes, store_full,
};
use redis::{AsyncCommands, Script};

use crate::store::{Redis, unavailable};

/// Adds `ARGV[2]` under the next id of counter `KEYS[2]` to hash `KEYS[1]`, unless the
/// hash holds `ARGV[1]` notes already (then -1).
const ADD: &str = r#"
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local id = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], id, ARGV[2])
return id
"#;

/// Deletes note `ARGV[1]` of hash `KEYS[1]` and returns it (nil if there was none).
const DELETE: &str = r#"
local note = redis.call('HGET', KEYS[1], ARGV[1])
if note then redis.call('HDEL', KEYS[1], ARGV[1]) end
return note
"#;

/// The tenants' notes in one Redis.
pub(crate) struct RedisNotes {
    redis: Redis,
    add: Script,
    delete: Script,
}

impl RedisNotes {
    pub fn new(redis: Redis) -> RedisNotes {
        RedisNotes {
            redis,
            add: Script::new(ADD),
            delete: Script::new(DELETE),
        }
    }

    fn notes_key(&self, tenant: &str) -> Vec<u8> {
        self.redis.key("notes", tenant.as_bytes())
    }
}

/// The message a tool call gets when Redis cannot be reached.
fn failed(error: redis::RedisError) -> String {
    format!(
        "the shared note store cannot be used ({}); try again",
        unavailable(error).0
    )
}

/// Note `id` from its stored draft.
fn note(id: u64, json: &str) -> Option<Note> {
    serde_json::from_str::<NoteDraft>(json)
        .ok()
        .map(|draft| draft.with_id(id))
}

impl SharedNotes for RedisNotes {
    fn add<'a>(&'a self, tenant: &'a str, draft: NoteDraft) -> NotesFuture<'a, Note> {
        Box::pin(async move {
            let json = serde_json::to_string(&draft).map_err(|e| e.to_string())?;
            let mut connection = self.redis.connection();
            let id: i64 = self
                .add
                .key(self.notes_key(tenant))
                .key(self.redis.key("notes-id", tenant.as_bytes()))
                .arg(MAX_NOTES)
                .arg(json)
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            let id = u64::try_from(id).map_err(|_| store_full())?;
            Ok(draft.with_id(id))
        })
    }

    fn get<'a>(&'a self, tenant: &'a str, id: u64) -> NotesFuture<'a, Option<Note>> {
        Box::pin(async move {
            let mut connection = self.redis.connection();
            let json: Option<String> = connection
                .hget(self.notes_key(tenant), id)
                .await
                .map_err(failed)?;
            Ok(json.and_then(|json| note(id, &json)))
        })
    }

    fn all<'a>(&'a self, tenant: &'a str) -> NotesFuture<'a, Vec<Note>> {
        Box::pin(async move {
            let mut connection = self.redis.connection();
            let all: Vec<(u64, String)> = connection
                .hgetall(self.notes_key(tenant))
                .await
                .map_err(failed)?;
            Ok(all
                .iter()
                .filter_map(|(id, json)| note(*id, json))
                .collect())
        })
    }

    fn delete<'a>(&'a self, tenant: &'a str, id: u64) -> NotesFuture<'a, Option<Note>> {
        Box::pin(async move {
            let mut connection = self.redis.connection();
            let json: Option<String> = self
                .delete
                .key(self.notes_key(tenant))
                .arg(id)
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok(json.and_then(|json| note(id, &json)))
        })
    }
}
