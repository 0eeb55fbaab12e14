//! Idempotency keys: their form, whether the gateway honours them, and the `GET /` probe
//! that asks it.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::body::read_body;
use super::classify::transient_status;
use super::{IDEMPOTENCY_HONOURED_HEADER, IDEMPOTENT_REPLAYED_HEADER, Policy};
use crate::api::Client;
use progenitor_client::ClientInfo;

// As constants: a name built at run time (or a `&str` key) is parsed on every use.
const HONOURED: HeaderName = HeaderName::from_static(IDEMPOTENCY_HONOURED_HEADER);
const REPLAYED: HeaderName = HeaderName::from_static(IDEMPOTENT_REPLAYED_HEADER);
/// The `GET /` answer is small; anything past this is not a service description.
const SERVICE_INFO_LIMIT: u64 = 64 * 1024;
/// Bounds the `GET /` capability probe when the client has no per-attempt timeout.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether the gateway honours `Idempotency-Key`: declared by the user, learned from the
/// `Connectors-Idempotency: honoured` response header, or asked of `GET /` once.
#[derive(Default)]
pub(crate) struct KeyHonour {
    /// 0 while unknown, else [`KEYS_HONOURED`] or [`KEYS_IGNORED`].
    state: AtomicU8,
    /// The user said so in the builder: nothing learned overrides it.
    declared: bool,
    /// Serialises the `GET /` probe so that concurrent failures ask once.
    probing: futures::lock::Mutex<()>,
}

const KEYS_HONOURED: u8 = 1;
const KEYS_IGNORED: u8 = 2;

impl fmt::Debug for KeyHonour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHonour")
            .field("honoured", &self.known())
            .field("declared", &self.declared)
            .finish()
    }
}

impl KeyHonour {
    /// The user's declaration, which wins over anything learned.
    pub(crate) fn declared(honoured: bool) -> Self {
        KeyHonour {
            state: AtomicU8::new(if honoured {
                KEYS_HONOURED
            } else {
                KEYS_IGNORED
            }),
            declared: true,
            probing: futures::lock::Mutex::new(()),
        }
    }

    /// `Some(true)` when the gateway is known to honour keys, `Some(false)` when known not
    /// to, `None` when nothing was learned yet.
    pub(crate) fn known(&self) -> Option<bool> {
        match self.state.load(Ordering::Relaxed) {
            KEYS_HONOURED => Some(true),
            KEYS_IGNORED => Some(false),
            _ => None,
        }
    }

    fn set(&self, honoured: bool) {
        if !self.declared {
            let state = if honoured {
                KEYS_HONOURED
            } else {
                KEYS_IGNORED
            };
            self.state.store(state, Ordering::Relaxed);
        }
    }

    /// Learns from a response: a key-honouring gateway marks every response. Absence
    /// proves nothing (a proxy may drop headers), so it never unlearns.
    pub(super) fn learn(&self, headers: &HeaderMap) {
        if self.declared || self.state.load(Ordering::Relaxed) == KEYS_HONOURED {
            return;
        }
        if headers
            .get(&HONOURED)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("honoured"))
        {
            self.state.store(KEYS_HONOURED, Ordering::Relaxed);
        }
    }
}

/// Why `key` cannot be an `Idempotency-Key`, by the bounds of `openapi.yaml` (its
/// `IdempotencyKey` schema, read at build time into [`crate::api::limits`]): 1 to 255
/// bytes, each visible ASCII (0x21-0x7E). The key itself is not repeated (it may be
/// long); the offending byte and its position are.
pub(crate) fn check_idempotency_key(key: &[u8]) -> Result<(), String> {
    use crate::api::limits::{
        IDEMPOTENCY_KEY_BYTES, IDEMPOTENCY_KEY_MAX_BYTES, IDEMPOTENCY_KEY_MIN_BYTES,
    };
    let rule = || {
        format!(
            "an idempotency key is {IDEMPOTENCY_KEY_MIN_BYTES} to {IDEMPOTENCY_KEY_MAX_BYTES} bytes, each visible ASCII ({:#04X}-{:#04X}: no spaces, control characters or non-ASCII letters), so that the header carries it and the gateway reads it",
            IDEMPOTENCY_KEY_BYTES.start(),
            IDEMPOTENCY_KEY_BYTES.end()
        )
    };
    if key.len() < IDEMPOTENCY_KEY_MIN_BYTES {
        return Err(format!("{}; this one is empty", rule()));
    }
    if key.len() > IDEMPOTENCY_KEY_MAX_BYTES {
        return Err(format!("{}; this one is {} bytes long", rule(), key.len()));
    }
    if let Some((at, byte)) = key
        .iter()
        .copied()
        .enumerate()
        .find(|(_, b)| !IDEMPOTENCY_KEY_BYTES.contains(b))
    {
        let what = match byte {
            b' ' => "a space".to_string(),
            0x80.. => format!("the non-ASCII byte {byte:#04X}"),
            _ if byte.is_ascii_control() => format!("the control character {byte:#04X}"),
            _ => format!("the byte {byte:#04X}"),
        };
        return Err(format!(
            "{}; this one holds {what} at byte {}",
            rule(),
            at + 1
        ));
    }
    Ok(())
}

/// Whether a response is a gateway's replay of an idempotency key's first outcome.
pub(crate) fn is_replayed(headers: &HeaderMap) -> bool {
    headers
        .get(&REPLAYED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// A random (version 4) UUID as a header value, for request ids and idempotency keys.
///
/// From the thread's fast generator rather than the kernel's: 122 random bits keep keys
/// unique, and they need not be secret (a gateway scopes keys to the caller's tenant).
/// The kernel's generator costs a system call per id, two per call.
pub(super) fn random_id() -> HeaderValue {
    let uuid = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid.hyphenated().encode_lower(&mut text);
    // Owned by its `Bytes` from the start, so that the copies of the value (the call's
    // record, reqwest's) share it instead of each converting a plain buffer first. A
    // hyphenated UUID is visible ASCII, which a header value always takes.
    HeaderValue::from_maybe_shared(Bytes::from_owner(text))
        .unwrap_or(HeaderValue::from_static("invalid-id"))
}

/// Whether a keyed operation may be sent again after an ambiguous failure: the caller
/// opted in, or the gateway honours idempotency keys (declared, learned, or asked).
pub(super) async fn may_repeat(
    client: &Client,
    policy: &Policy,
    deadline: Option<Instant>,
) -> bool {
    if policy.retry_ambiguous {
        return true;
    }
    if let Some(known) = policy.keys.known() {
        return known;
    }
    // One probe at a time: a call that waited finds the answer of the one before.
    let _guard = policy.keys.probing.lock().await;
    if let Some(known) = policy.keys.known() {
        return known;
    }
    // Boxed: a second request's state, rarely needed, kept out of every call's future.
    match Box::pin(ask_capabilities(client, policy, deadline)).await {
        Some(honoured) => {
            policy.keys.set(honoured);
            policy.keys.known().unwrap_or(honoured)
        }
        // A failed probe proves nothing; this call does not retry, a later one may ask.
        None => false,
    }
}

/// `GET /` (getServiceInfo): `Some(data.capabilities.idempotencyKeys == true)` when the
/// gateway answered, `None` when the probe failed.
async fn ask_capabilities(
    client: &Client,
    policy: &Policy,
    deadline: Option<Instant>,
) -> Option<bool> {
    let mut url = reqwest::Url::parse(&format!("{}/", client.baseurl())).ok()?;
    if !policy.default_query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &policy.default_query {
            pairs.append_pair(name, value);
        }
    }
    let mut timeout = policy.timeout.unwrap_or(PROBE_TIMEOUT);
    if let Some(deadline) = deadline {
        timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
    }
    tracing::debug!("asking GET / whether the gateway honours idempotency keys");
    let response = match client.client().get(url).timeout(timeout).send().await {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(error = %error, "the capability probe failed");
            return None;
        }
    };
    let status = response.status();
    policy.keys.learn(response.headers());
    if policy.keys.known() == Some(true) {
        return Some(true);
    }
    if !status.is_success() {
        // An answer that is not the service description: the gateway does not advertise
        // the capability. A transient status or a 5xx proves nothing either way.
        let proves_nothing = transient_status(status) || status.is_server_error();
        return (!proves_nothing).then_some(false);
    }
    let body = read_body(response, SERVICE_INFO_LIMIT).await.ok()?.body;
    let info = serde_json::from_slice::<serde_json::Value>(&body).ok();
    Some(
        info.and_then(|v| v.pointer("/data/capabilities/idempotencyKeys")?.as_bool())
            .unwrap_or(false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_bytes_of_visible_ascii() {
        assert_eq!(check_idempotency_key(b"!"), Ok(()));
        assert_eq!(check_idempotency_key(b"~"), Ok(()));
        assert_eq!(check_idempotency_key(&[b'k'; 255]), Ok(()));
        let refused = |key: &[u8]| check_idempotency_key(key).unwrap_err();
        assert!(refused(b"").ends_with("this one is empty"));
        assert!(refused(&[b'k'; 256]).ends_with("this one is 256 bytes long"));
        assert!(refused(b"a b").ends_with("holds a space at byte 2"));
        assert!(refused(b"a\x00").ends_with("the control character 0x00 at byte 2"));
        assert!(refused("é".as_bytes()).ends_with("the non-ASCII byte 0xC3 at byte 1"));
        assert!(refused(b"\x7F").ends_with("the control character 0x7F at byte 1"));
        assert!(
            refused(b"")
                .starts_with("an idempotency key is 1 to 255 bytes, each visible ASCII (0x21-0x7E")
        );
    }

    #[test]
    fn a_replay_is_marked_by_its_header() {
        let mut replayed = HeaderMap::new();
        replayed.insert(REPLAYED, HeaderValue::from_static("true"));
        assert!(is_replayed(&replayed));
        assert!(!is_replayed(&HeaderMap::new()));
    }

    #[test]
    fn a_declared_answer_is_not_overridden_by_what_is_learned() {
        let mut honoured = HeaderMap::new();
        honoured.insert(HONOURED, HeaderValue::from_static("honoured"));
        let learned = KeyHonour::default();
        assert_eq!(learned.known(), None);
        learned.learn(&HeaderMap::new());
        assert_eq!(learned.known(), None, "absence proves nothing");
        learned.learn(&honoured);
        assert_eq!(learned.known(), Some(true));
        let declared = KeyHonour::declared(false);
        declared.learn(&honoured);
        assert_eq!(declared.known(), Some(false));
    }
}
