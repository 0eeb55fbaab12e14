//! The one mapping between the gateway's tool ids and the function names models and MCP
//! hosts accept (`^[a-zA-Z0-9_-]{1,64}$`, the rule of OpenAI, Anthropic and MCP hosts).
//!
//! Two forms, which never collide:
//! * **plain**: `server.tool` becomes `server__tool` when the server part is a gateway
//!   server name (`[a-z0-9-]+`, so it has no `_`), the tool part is `[A-Za-z0-9-]` words
//!   joined by single `_`, and the result fits in 64 characters. Reversible on its own
//!   ([`tool_id_of`]).
//! * **hashed**: any other id (a `.`, `/`, space or non-ASCII character in the tool part,
//!   no server part, `__` in the tool part, too long) becomes a readable stem, `___` and
//!   eight characters of a stable hash of the whole id. A plain name never contains
//!   `___`; a hashed one is reversed by the set that emitted it
//!   ([`Toolset::tool_id`](super::Toolset::tool_id)).

use crate::tools::is_integration_name;

/// The longest function name OpenAI, Anthropic and MCP hosts accept.
pub const MAX_NAME_LEN: usize = 64;

/// What separates a hashed name's stem from its hash; plain names never contain it.
const HASH_SEPARATOR: &str = "___";
/// Characters of the hash (5 bits each: 40 bits).
const HASH_LEN: usize = 8;

/// The function name of a tool id (see the module docs).
///
/// ```
/// use connectors::function_calling::{function_name, tool_id_of};
///
/// assert_eq!(function_name("github.createPullRequest"), "github__createPullRequest");
/// assert_eq!(tool_id_of("github__createPullRequest").as_deref(), Some("github.createPullRequest"));
///
/// // Ids a model could not call by name get a readable stem and a hash.
/// let name = function_name("files.read/v2 (beta)");
/// assert!(name.starts_with("files_read_v2_beta___"));
/// assert_eq!(tool_id_of(&name), None); // reversed by the set that emitted it
/// ```
pub fn function_name(tool_id: &str) -> String {
    plain_name(tool_id).unwrap_or_else(|| hashed_name(tool_id, 0))
}

/// The tool id of a plain function name; `None` for a hashed name or a name this mapping
/// does not produce.
pub fn tool_id_of(function_name: &str) -> Option<String> {
    if function_name.contains(HASH_SEPARATOR) {
        return None;
    }
    let (server, tool) = function_name.split_once("__")?;
    let id = format!("{server}.{tool}");
    (plain_name(&id).as_deref() == Some(function_name)).then_some(id)
}

/// Whether `name` is one a model provider accepts: `^[a-zA-Z0-9_-]{1,64}$`.
pub fn is_valid_function_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn plain_name(tool_id: &str) -> Option<String> {
    let (server, tool) = tool_id.split_once('.')?;
    let words_ok = !tool.is_empty()
        && tool.split('_').all(|word| {
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !is_integration_name(server) || !words_ok {
        return None;
    }
    let name = format!("{server}__{tool}");
    (name.len() <= MAX_NAME_LEN).then_some(name)
}

/// `salt` 0 is the name; a set that meets a hash collision (1 in 2^40 per pair) tries the
/// next salt for the later id.
pub(crate) fn hashed_name(tool_id: &str, salt: u32) -> String {
    let mut stem = String::with_capacity(tool_id.len());
    for c in tool_id.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' {
            c
        } else {
            '_'
        };
        // Runs of `_` fold into one, so that the stem never holds the separator.
        if !(c == '_' && (stem.is_empty() || stem.ends_with('_'))) {
            stem.push(c);
        }
    }
    stem.truncate(MAX_NAME_LEN - HASH_SEPARATOR.len() - HASH_LEN);
    let stem = stem.trim_end_matches('_');
    let stem = if stem.is_empty() { "tool" } else { stem };
    format!("{stem}{HASH_SEPARATOR}{}", hash(tool_id, salt))
}

/// 40 bits of FNV-1a (64-bit) over the salt and the id, in lowercase base32: stable
/// across platforms and releases, since names reach models' conversation histories.
fn hash(tool_id: &str, salt: u32) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in salt.to_le_bytes().iter().chain(tool_id.as_bytes()) {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..HASH_LEN)
        .map(|i| char::from(ALPHABET[((h >> (i * 5)) & 31) as usize]))
        .collect()
}
