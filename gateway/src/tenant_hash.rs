//! Records of one kind kept in Redis as one hash per tenant (field: the record's id, value:
//! its JSON), shared by every replica: the shape of the identities and OAuth
//! configurations on `--store redis://`.
//!
//! A record changes by compare-and-set (a Lua script writes it only if it still holds the
//! bytes the writer read), so two replicas changing one record at once never lose either
//! change silently: the later one reads again and reapplies its change. Nothing is locked,
//! so a replica that dies mid-change leaves nothing behind.

use redis::Script;

use crate::store::{Redis, Unavailable, unavailable};

/// Sets the field `ARGV[1]` of `KEYS[1]` to `ARGV[4]` if it still holds `ARGV[3]`
/// (`ARGV[2]` = `1`), or is still absent (`ARGV[2]` = `0`). Returns 1 if it wrote.
const SWAP: &str = r#"
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  if current ~= ARGV[3] then return 0 end
elseif current then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return 1
"#;

/// How often a change is reapplied after another replica changed the record first, before
/// the request is refused as if the store were unavailable (it may be retried).
pub(crate) const MAX_SWAPS: usize = 16;

/// The hashes of one kind of record.
pub(crate) struct TenantHash {
    redis: Redis,
    kind: &'static str,
    swap: Script,
}

impl TenantHash {
    /// The records of `kind` (a part of their keys) in `redis`.
    pub fn new(redis: Redis, kind: &'static str) -> TenantHash {
        TenantHash {
            redis,
            kind,
            swap: Script::new(SWAP),
        }
    }

    /// The key of `tenant`'s hash.
    pub fn key(&self, tenant: &str) -> Vec<u8> {
        self.redis.key(self.kind, tenant.as_bytes())
    }

    /// The connection, for a command of the caller's own.
    pub fn connection(&self) -> redis::aio::ConnectionManager {
        self.redis.connection()
    }

    /// Every record of `tenant`, as (id, JSON) pairs in no particular order.
    pub async fn all(&self, tenant: &str) -> Result<Vec<(String, Vec<u8>)>, Unavailable> {
        let mut connection = self.redis.connection();
        redis::cmd("HGETALL")
            .arg(self.key(tenant))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)
    }

    /// The ids of `tenant`'s records, in no particular order.
    pub async fn ids(&self, tenant: &str) -> Result<Vec<String>, Unavailable> {
        let mut connection = self.redis.connection();
        redis::cmd("HKEYS")
            .arg(self.key(tenant))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)
    }

    /// One record's JSON.
    pub async fn get(&self, tenant: &str, id: &str) -> Result<Option<Vec<u8>>, Unavailable> {
        let mut connection = self.redis.connection();
        redis::cmd("HGET")
            .arg(self.key(tenant))
            .arg(id)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)
    }

    /// Writes `value` as the record `id` if it still holds `expected` (`None`: if there is
    /// still none); false when another writer came first.
    pub async fn swap(
        &self,
        tenant: &str,
        id: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> Result<bool, Unavailable> {
        let mut connection = self.redis.connection();
        let written: i64 = self
            .swap
            .key(self.key(tenant))
            .arg(id)
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or_default())
            .arg(value)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(written == 1)
    }

    /// Deletes the record `id`; false when there was none.
    pub async fn remove(&self, tenant: &str, id: &str) -> Result<bool, Unavailable> {
        let mut connection = self.redis.connection();
        let removed: i64 = redis::cmd("HDEL")
            .arg(self.key(tenant))
            .arg(id)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(removed > 0)
    }
}

/// The refusal when other writers kept changing a record for [`MAX_SWAPS`] attempts.
pub(crate) fn contended() -> Unavailable {
    Unavailable("a record kept changing under concurrent writers".into())
}
