//! Identities in Redis: one hash per tenant (`cgw:identities:TENANT`), field = identity id,
//! value = the JSON of its wire type, so every replica sees the same ones.
//!
//! * **Create** is one Lua script that refuses a type and name the tenant already has and
//!   otherwise writes the identity, so two replicas creating the same name at once make one.
//! * **Update** reads, changes and writes back by compare-and-set ([`TenantHash::swap`]):
//!   a concurrent change makes it read again and reapply, never lose the other change.
//! * **Delete** first removes the id from the groups that list it (each by
//!   compare-and-set), then the identity itself: if Redis goes away midway, the identity is
//!   still there and a retry finishes the job.
//!
//! Creation times come from the clock of the replica that created each identity; the list
//! is ordered by them, so replicas with skewed clocks may interleave their creations.

use redis::Script;

use super::Created;
use crate::store::{Redis, Unavailable, unavailable};
use crate::tenant_hash::{MAX_SWAPS, TenantHash, contended};
use connectors::api::types;

/// Writes `ARGV[2]` as the field `ARGV[1]` of `KEYS[1]` unless one of its values is an
/// identity named `ARGV[3]` of type `ARGV[4]`. Returns 1 if it wrote.
const CREATE: &str = r#"
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  local ok, other = pcall(cjson.decode, raw)
  if ok and type(other) == 'table' and other['name'] == ARGV[3] and other['type'] == ARGV[4] then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"#;

/// The identities of every tenant in Redis.
pub(crate) struct RedisIdentities {
    hash: TenantHash,
    create: Script,
}

impl RedisIdentities {
    /// The identities in `redis`.
    pub fn new(redis: Redis) -> RedisIdentities {
        RedisIdentities {
            hash: TenantHash::new(redis, "identities"),
            create: Script::new(CREATE),
        }
    }

    /// Writes `identity` unless the tenant has one of its type and name.
    pub async fn create(
        &self,
        tenant: &str,
        identity: types::Identity,
    ) -> Result<Created, Unavailable> {
        let json = encode(&identity)?;
        // The script compares the type and name as they are written in the JSON.
        let written = serde_json::to_value(&identity).map_err(|_| cannot_encode())?;
        let kind = written["type"].as_str().unwrap_or_default();
        let mut connection = self.hash.connection();
        let created: i64 = self
            .create
            .key(self.hash.key(tenant))
            .arg(&identity.id)
            .arg(json)
            .arg(&identity.name)
            .arg(kind)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(if created == 1 {
            Created::New(Box::new(identity))
        } else {
            Created::NameTaken
        })
    }

    /// The tenant's identities, unordered (the caller sorts them).
    pub async fn list(&self, tenant: &str) -> Result<Vec<types::Identity>, Unavailable> {
        Ok(self
            .hash
            .all(tenant)
            .await?
            .into_iter()
            .filter_map(|(id, json)| decode(&id, &json))
            .collect())
    }

    /// One identity.
    pub async fn get(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<types::Identity>, Unavailable> {
        Ok(self
            .hash
            .get(tenant, id)
            .await?
            .and_then(|json| decode(id, &json)))
    }

    /// Applies `change` to the identity `id` and writes it back if no one changed it in
    /// between (else reads it again and reapplies); `None` when there is no such identity.
    pub async fn modify(
        &self,
        tenant: &str,
        id: &str,
        change: impl Fn(&mut types::Identity),
    ) -> Result<Option<types::Identity>, Unavailable> {
        for _ in 0..MAX_SWAPS {
            let Some(read) = self.hash.get(tenant, id).await? else {
                return Ok(None);
            };
            let Some(mut identity) = decode(id, &read) else {
                return Ok(None);
            };
            change(&mut identity);
            if self
                .hash
                .swap(tenant, id, Some(&read), &encode(&identity)?)
                .await?
            {
                return Ok(Some(identity));
            }
        }
        Err(contended())
    }

    /// Deletes an identity after taking it out of the groups that list it; false when
    /// there was none.
    pub async fn delete(&self, tenant: &str, id: &str) -> Result<bool, Unavailable> {
        let all = self.hash.all(tenant).await?;
        if !all.iter().any(|(other, _)| other == id) {
            return Ok(false);
        }
        for (other, json) in &all {
            let listed = decode(other, json).is_some_and(|i| i.members.iter().any(|m| m == id));
            if other != id && listed {
                self.modify(tenant, other, |group| group.members.retain(|m| m != id))
                    .await?;
            }
        }
        self.hash.remove(tenant, id).await
    }
}

fn encode(identity: &types::Identity) -> Result<Vec<u8>, Unavailable> {
    serde_json::to_vec(identity).map_err(|_| cannot_encode())
}

fn cannot_encode() -> Unavailable {
    Unavailable("an identity could not be encoded as JSON".into())
}

/// The identity stored as `json`; one this gateway cannot read (written by another version)
/// is left out, and said so in the log.
fn decode(id: &str, json: &[u8]) -> Option<types::Identity> {
    match serde_json::from_slice(json) {
        Ok(identity) => Some(identity),
        // The error's category only: its text may quote the record.
        Err(e) => {
            tracing::warn!(identity = %id, error = ?e.classify(), "an identity in Redis cannot be read; it is left out");
            None
        }
    }
}
