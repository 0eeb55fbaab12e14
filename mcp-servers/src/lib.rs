//! Small, self-contained [MCP](https://modelcontextprotocol.io) servers built on the official
//! Rust SDK, [`rmcp`].
//!
//! Four built-in servers ([`Builtin`]) need neither Node.js nor network access:
//!
//! * [`text`](text::TextServer): `word_count`, `find`, `transform`, `base64_encode`,
//!   `base64_decode`;
//! * [`math`](math::MathServer): `evaluate`, `statistics`, `count_primes` (long-running, sends
//!   `notifications/progress`);
//! * [`notes`](notes::NotesServer): `add_note`, `get_note`, `list_notes`, `search_notes`,
//!   `delete_note` over an in-memory store;
//! * [`names`](names::NamesServer): tools with awkward names (`get.user`, `files/read`,
//!   `get user`, `données.lire`, one of 80 characters, ...) that echo their calls, for tests
//!   of tool-name mapping.
//!
//! Every tool returns `structuredContent` (with an output schema) plus the same JSON as a
//! text content item; failures are tool results with `isError: true`.
//!
//! They can be served over stdio ([`serve_stdio`]), over any byte stream such as
//! [`tokio::io::duplex`] ([`serve_io`], [`spawn_in_process`]), or over MCP streamable HTTP
//! ([`serve_http`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use connectors_mcp_servers::{Builtin, serve_http};
//!
//! let (addr, server) = serve_http(Builtin::Math, "127.0.0.1:0".parse()?).await?;
//! println!("MCP endpoint: http://{addr}/mcp");
//! server.shutdown().await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod logging;
pub mod math;
pub mod names;
pub mod notes;
pub mod text;
mod transport;

use std::{fmt, str::FromStr};

use rmcp::ServiceExt;

pub use transport::{
    BuiltinService, Error, HttpServerHandle, MCP_PATH, RunningServer, serve_http,
    serve_http_server, serve_http_with_config, serve_io, serve_io_with, serve_stdio,
    spawn_in_process, spawn_service_in_process,
};

/// One of the built-in servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// Text utilities: word counts, search, transforms, base64.
    Text,
    /// Arithmetic, statistics and a long-running prime count with progress notifications.
    Math,
    /// An in-memory note store.
    Notes,
    /// Tools with awkward names that echo their calls, for tests of tool-name mapping.
    Names,
}

impl Builtin {
    /// The server's short name: `"text"`, `"math"`, `"notes"` or `"names"`.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Text => "text",
            Builtin::Math => "math",
            Builtin::Notes => "notes",
            Builtin::Names => "names",
        }
    }

    /// A one-line description of what the server offers.
    pub fn description(self) -> &'static str {
        match self {
            Builtin::Text => {
                "text utilities: word count, line search, case transforms, slugify, base64"
            }
            Builtin::Math => {
                "math: expression evaluation, statistics, prime counting with progress"
            }
            Builtin::Notes => "notes: in-memory note store with tags and ranked search",
            Builtin::Names => {
                "names: echo tools with awkward names (dots, slashes, spaces, unicode, 80 chars) for testing tool-name mapping"
            }
        }
    }

    /// All built-in servers, in a stable order.
    pub fn all() -> [Builtin; 4] {
        [Builtin::Text, Builtin::Math, Builtin::Notes, Builtin::Names]
    }

    /// A fresh instance of this server as a type-erased rmcp service.
    ///
    /// For [`Builtin::Notes`] every call creates a new, empty note store; to share one store
    /// between several connections, clone a [`notes::NotesServer`] and use [`serve_io_with`].
    /// Likewise every [`Builtin::Names`] instance counts calls from zero.
    pub fn service(self) -> BuiltinService {
        match self {
            Builtin::Text => text::TextServer::new().into_dyn(),
            Builtin::Math => math::MathServer::new().into_dyn(),
            Builtin::Notes => notes::NotesServer::new().into_dyn(),
            Builtin::Names => names::NamesServer::new().into_dyn(),
        }
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when parsing an unknown server name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBuiltin(pub String);

impl fmt::Display for UnknownBuiltin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown server '{}'; expected one of: text, math, notes, names",
            self.0
        )
    }
}

impl std::error::Error for UnknownBuiltin {}

impl FromStr for Builtin {
    type Err = UnknownBuiltin;

    /// Parses `"text"`, `"math"`, `"notes"` or `"names"` (case-insensitive, surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Builtin::all()
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownBuiltin(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for b in Builtin::all() {
            assert_eq!(b.name().parse::<Builtin>(), Ok(b));
            assert_eq!(b.to_string(), b.name());
        }
        assert_eq!(" MATH ".parse::<Builtin>(), Ok(Builtin::Math));
        assert!("nope".parse::<Builtin>().is_err());
    }
}
