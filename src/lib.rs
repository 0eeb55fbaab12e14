//! Rust SDK for the Connectors MCP tool gateway.
//!
//! [`api`] is the typed client generated from the gateway's OpenAPI description
//! (`openapi.yaml`) on every build.

#![warn(missing_docs)]

pub mod api;
mod open_enum;
mod secret;
mod transport;
