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

/// The rate-limit scope of every operation that has a quota of its own
/// (`x-connectors-rate-limit`), as `(operationId, scope)` in the order of `openapi.yaml`:
/// the `limits.scope` a 429 of the operation names. Every other operation counts in
/// [`DEFAULT_RATE_LIMIT_SCOPE`].
pub const RATE_LIMIT_SCOPES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/rate_limit_scopes.rs"));

/// The scope of the operations without a quota of their own, and of requests that match
/// no operation.
pub const DEFAULT_RATE_LIMIT_SCOPE: &str = "endpoint:default";

impl Operation {
    /// Its rate-limit scope: the one `openapi.yaml` gives it in `x-connectors-rate-limit`,
    /// or [`DEFAULT_RATE_LIMIT_SCOPE`].
    ///
    /// ```
    /// use connectors::operations;
    ///
    /// let list = operations::find("listTools").expect("in the spec");
    /// assert_eq!(list.rate_limit_scope(), "endpoint:tools-list");
    /// let health = operations::find("getMcpHealth").expect("in the spec");
    /// assert_eq!(health.rate_limit_scope(), operations::DEFAULT_RATE_LIMIT_SCOPE);
    /// ```
    pub fn rate_limit_scope(&self) -> &'static str {
        RATE_LIMIT_SCOPES
            .iter()
            .find(|(id, _)| *id == self.id)
            .map_or(DEFAULT_RATE_LIMIT_SCOPE, |(_, scope)| scope)
    }
}

#[cfg(all(test, feature = "openapi-json"))]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_scopes_are_the_specs() {
        let spec: serde_json::Value =
            serde_json::from_str(crate::api::OPENAPI_JSON).expect("the bundled spec");
        for op in OPERATIONS {
            let declared =
                &spec["paths"][op.path][op.method.to_lowercase()]["x-connectors-rate-limit"];
            let expected = declared.as_str().unwrap_or(DEFAULT_RATE_LIMIT_SCOPE);
            assert_eq!(op.rate_limit_scope(), expected, "{}", op.id);
        }
        for (id, _) in RATE_LIMIT_SCOPES {
            assert!(find(id).is_some(), "{id}");
        }
    }
}
