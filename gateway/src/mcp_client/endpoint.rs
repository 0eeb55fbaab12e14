//! [`Endpoint`]: how to reach an MCP server (in-process, stdio or streamable HTTP).

use std::fmt;
#[cfg(feature = "redis")]
use std::sync::Arc;

use connectors::api::SecretStringMap;
use connectors_mcp_servers::Builtin;

/// How to reach an MCP server.
#[derive(Clone)]
pub(crate) enum Endpoint {
    /// A built-in server of this workspace, run in this process over a byte stream.
    InProcess(Builtin),
    /// The built-in `notes` server, in this process, keeping the tenants' notes in a
    /// store the replicas share.
    #[cfg(feature = "redis")]
    SharedNotes(Arc<dyn connectors_mcp_servers::notes::SharedNotes>),
    /// A program speaking MCP on stdin/stdout.
    Stdio {
        command: String,
        args: Vec<String>,
        env: SecretStringMap,
    },
    /// An MCP endpoint over streamable HTTP.
    Http {
        url: String,
        headers: SecretStringMap,
    },
}

impl Endpoint {
    /// `in-process`, `stdio` or `http`.
    pub fn transport(&self) -> &'static str {
        match self {
            Endpoint::InProcess(_) => "in-process",
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(_) => "in-process",
            Endpoint::Stdio { .. } => "stdio",
            Endpoint::Http { .. } => "http",
        }
    }

    /// Where it comes from, for listings (never with secrets).
    pub fn describe(&self) -> String {
        match self {
            Endpoint::InProcess(builtin) => format!("builtin:{builtin}"),
            #[cfg(feature = "redis")]
            Endpoint::SharedNotes(_) => format!("builtin:{}", Builtin::Notes),
            Endpoint::Stdio { command, args, .. } => {
                let mut text = command.clone();
                for arg in args {
                    text.push(' ');
                    text.push_str(arg);
                }
                text
            }
            Endpoint::Http { url, .. } => url.clone(),
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
