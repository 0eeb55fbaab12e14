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

/// The operation of a generated method name.
///
/// Progenitor names operations in snake case (`invoke_tools_batch`, `get_oauth_config`);
/// the table keeps the spec's camel case (`invokeToolsBatch`, `getOAuthConfig`). Both
/// spell the same letters once underscores and case are ignored, so a scan of the rows
/// with a comparison that stops at the first different letter finds it without a map, an
/// allocation or parsing the spec at run time.
pub(crate) fn of_generated(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| same_name(op.id, name))
}

/// `invokeToolsBatch` and `invoke_tools_batch` name the same operation.
fn same_name(camel: &str, snake: &str) -> bool {
    // Most rows differ in their first or last letter (neither is ever an underscore):
    // checked first, the scan of the table costs a few instructions a row.
    let ends = |name: &str| (name.bytes().next(), name.bytes().next_back());
    let (first, last) = (ends(camel), ends(snake));
    let same = |a: Option<u8>, b: Option<u8>| match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(&b),
        (a, b) => a == b,
    };
    if !same(first.0, last.0) || !same(first.1, last.1) {
        return false;
    }
    let mut left = camel.bytes().filter(|&b| b != b'_');
    let mut right = snake.bytes().filter(|&b| b != b'_');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
            _ => return false,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Progenitor's name of an operation: snake case, with a run of capitals as one word
    /// (`getOAuthConfig` -> `get_oauth_config`).
    fn progenitor_name(id: &str) -> String {
        let mut out = String::new();
        let chars: Vec<char> = id.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if c.is_ascii_uppercase() && !prev_upper {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    #[test]
    fn every_generated_name_finds_its_own_row_of_the_table() {
        for op in OPERATIONS {
            let name = progenitor_name(op.id);
            assert_eq!(of_generated(&name).map(|o| o.id), Some(op.id), "{name}");
        }
        assert_eq!(
            of_generated("invoke_tools_batch").map(|o| o.path),
            Some("/api/v1/tools/invoke/batch")
        );
        assert_eq!(
            of_generated("get_oauth_config").map(|o| o.path),
            Some("/api/v1/tenants/{tenantId}/integrations/{integration}/oauth-config")
        );
        assert_eq!(
            of_generated("invoke_tool").map(|o| o.retry),
            Some(RetryClass::Keyed)
        );
        assert_eq!(
            of_generated("select_tools").map(|o| o.retry),
            Some(RetryClass::Safe)
        );
        assert!(of_generated("invoke_tool_x").is_none());
        assert!(of_generated("invoke_too").is_none());
    }

    #[cfg(feature = "openapi-json")]
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
