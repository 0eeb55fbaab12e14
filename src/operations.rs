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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_operation_once_with_the_original_gateways_18() {
        assert_eq!(OPERATIONS.len(), 35);
        let mut ids: Vec<_> = OPERATIONS.iter().map(|op| op.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OPERATIONS.len());
        assert_eq!(OPERATIONS.iter().filter(|op| !op.extension).count(), 18);
        let streams: Vec<_> = OPERATIONS
            .iter()
            .filter(|op| op.streaming)
            .map(|op| op.id)
            .collect();
        assert_eq!(streams, ["invokeToolStream", "streamEvents"]);
        assert_eq!(OPERATIONS[0].id, "getServiceInfo", "spec order");
        assert_eq!(
            find("selectTools").map(|op| op.retry),
            Some(RetryClass::Safe)
        );
        assert_eq!(
            find("removeCustomServer").map(|op| op.retry),
            Some(RetryClass::Keyed)
        );
    }

    #[test]
    #[cfg(feature = "openapi-json")]
    fn the_table_says_what_the_spec_says() {
        let spec: serde_json::Value =
            serde_json::from_str(crate::api::OPENAPI_JSON).expect("the bundled spec");
        let mut from_spec = Vec::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("a path item") {
                let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                    continue;
                };
                let keyed = op["x-connectors-retry"] == "keyed";
                let extension = op["x-connectors-extension"] == true;
                from_spec.push((id, method.to_uppercase(), path.as_str(), keyed, extension));
            }
        }
        from_spec.sort();
        let mut table: Vec<_> = OPERATIONS
            .iter()
            .map(|op| {
                let keyed = op.retry == RetryClass::Keyed;
                (op.id, op.method.to_string(), op.path, keyed, op.extension)
            })
            .collect();
        table.sort();
        assert_eq!(table, from_spec);
    }
}
