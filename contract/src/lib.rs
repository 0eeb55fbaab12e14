//! Contract testing of a live Connectors gateway against `openapi.yaml`.
//!
//! [`ResponseSchemas`] validates raw response bodies against the response schema the
//! spec declares for an operation and status, with a JSON Schema validator: stricter
//! than the generated client, which ignores unknown fields and tolerates unknown
//! enumeration values.
//!
//! [`runner::run`] exercises every operation of the spec through the SDK's facade
//! ([`connectors::Connectors`]) against a gateway, checks that each call ends as
//! expected and validates every raw response it saw, and returns a [`Report`]: per
//! operation `passed`, `failed` (with the reasons), `not offered` (404
//! `ROUTE_NOT_FOUND`) or `skipped (read-only)`. The `connectors-contract` binary is its
//! command line ([`cli`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use connectors_contract::runner::{Options, run};
//!
//! // No address: the reference gateway is started in-process.
//! let report = run(Options::default()).await?;
//! println!("{report}");
//! assert!(!report.has_failures());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod cli;
pub mod diff;
mod judge;
/// The operations of the spec: the table `connectors` generates from it.
pub use connectors::operations;
pub mod output;
mod recorder;
pub mod report;
mod reproduce;
pub mod runner;
mod scenarios;
mod schemas;
mod streams;
mod suite;
mod wire;

pub use report::{OperationReport, Outcome, Report};
pub use schemas::{ResponseSchemas, Route, SchemaError, Violation};
