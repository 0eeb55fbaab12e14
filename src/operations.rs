//! The operations of `openapi.yaml`, as a table generated from the spec at build time:
//! what the transport, the facade and the contract runner know of each operation (its
//! method and path template, whether it streams, whether a client may repeat it, and
//! whether the original gateway offers it) comes from here, never from a copy by hand.
//!
//! ```
//! use connectors::operations::{self, RetryClass};
//!
//! let invoke = operations::find("invokeTool").expect("in the spec");
//! assert_eq!((invoke.method, invoke.path), ("POST", "/api/v1/tools/invoke"));
//! assert_eq!(invoke.retry, RetryClass::Keyed);
//! assert!(!invoke.extension);
//! ```

/// Whether an operation may be sent again after a failure (`x-connectors-retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Repeating it changes nothing: reads, listings, selection.
    Safe,
    /// It has side effects (tool invocations, deployments, removals, identity and OAuth
    /// writes): it is repeated only with the same `Idempotency-Key`.
    Keyed,
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The `operationId`.
    pub id: &'static str,
    /// The upper-case HTTP method.
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/tools/{toolId}`.
    pub path: &'static str,
    /// Whether a success answers with an event stream.
    pub streaming: bool,
    /// Whether it may be repeated.
    pub retry: RetryClass,
    /// Whether it is an extension route, which the original TypeScript gateway lacks
    /// (`x-connectors-extension`).
    pub extension: bool,
    /// Whether it needs the API key (the spec's security; `security: []` opens it).
    pub authenticated: bool,
}

impl Operation {
    /// Whether calling it can change state on the gateway or behind it (its retry class
    /// is [`RetryClass::Keyed`]).
    pub fn writes(&self) -> bool {
        self.retry == RetryClass::Keyed
    }
}

/// Every operation, in the order of `openapi.yaml`.
pub const OPERATIONS: &[Operation] = include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// The operation with this `operationId`.
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}
