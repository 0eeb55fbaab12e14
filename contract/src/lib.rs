//! Contract testing of a live Connectors gateway against `openapi.yaml`.
//!
//! [`ResponseSchemas`] validates raw response bodies against the response schema the
//! spec declares for an operation and status, with a JSON Schema validator: stricter
//! than the generated client, which ignores unknown fields and tolerates unknown
//! enumeration values.

#![warn(missing_docs)]

mod schemas;

pub use schemas::{ResponseSchemas, Route, SchemaError, Violation};
