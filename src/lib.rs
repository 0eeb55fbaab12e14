//! Rust SDK for the Connectors MCP tool gateway: select the few tools that fit a request,
//! invoke them, and deploy MCP servers, through a typed client generated from the
//! gateway's OpenAPI description.
//!
//! # In two minutes
//!
//! 1. Add the crate and a runtime:
//!    `cargo add connectors serde_json` and `cargo add tokio --features macros,rt-multi-thread`.
//! 2. Point it at a gateway with `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and
//!    `CONNECTORS_TENANT_ID`. Without one, run the reference gateway locally:
//!    `cargo install connectors-gateway && connectors-gateway` listens on
//!    `http://127.0.0.1:3000` and prints a development key to export (tenant `default`).
//! 3. Select, invoke, deploy:
//!
//! ```no_run
//! use std::time::Duration;
//! use connectors::{Connectors, mcp::Source};
//! use serde_json::json;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), connectors::Error> {
//!     let client = Connectors::from_env()?;
//!
//!     // The few tools that fit a request, ranked, with scores and reasons.
//!     let selection = client.tools().select("evaluate 2 * (3 + 4)").max_tools(5).await?;
//!     for tool in &selection.tools {
//!         println!("{:.2} {} {}", tool.score, tool.tool_id, tool.reason.as_deref().unwrap_or(""));
//!     }
//!
//!     // Invoke one; a retried invocation reuses its idempotency key.
//!     let result = client.tools().invoke("math.evaluate", json!({"expression": "2 * (3 + 4)"})).await?;
//!     println!("{}", result.text());
//!
//!     // Deploy an MCP server and wait until its tools can be called.
//!     let deployment = client
//!         .mcp()
//!         .add("memory", Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"]), "productivity")
//!         .await?;
//!     deployment.wait_until_ready(Duration::from_secs(120)).await?;
//!     Ok(())
//! }
//! ```
//!
//! Every failure is one [`Error`]: [`Error::kind`] for logs, [`Error::is_transient`] for
//! callers who retry.
//!
//! [`api`] is the typed client generated from `openapi.yaml` on every build, for anything
//! the facade does not wrap; [`Connectors`] is the facade over it, with its areas
//! [`tools`], [`mcp`], [`deployments`], [`health`], [`identities`], [`tenants`] and
//! [`events`]. Both go through one transport that retries transient failures ([`retry`]),
//! keys every POST, bounds attempts with timeouts and opens a `tracing` span per request.
//! On the original gateway, which lacks the extension routes, see [`Error::NotOffered`].
//!
//! The Cargo features (TLS stacks, proxies, [`blocking`]) are listed in the README's
//! [Cargo features](https://github.com/connectors-rs/connectors#cargo-features).

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod client;
pub mod config;
pub mod deployments;
pub mod error;
pub mod events;
pub mod function_calling;
pub mod health;
pub mod identities;
pub mod mcp;
pub mod observe;
mod offered;
mod open_enum;
pub mod operations;
pub mod pagination;
pub mod retry;
mod secret;
pub mod tenants;
pub mod tools;
mod transport;
pub mod typed;

pub use client::{Connectors, RequestOptions};
pub use config::{Config, ConnectorsBuilder};
pub use error::{ApiError, Error, Result};
pub use retry::RetryPolicy;
pub use transport::{ATTEMPT_HEADER, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER};

/// Compiles the README's snippets as doc tests, so the documented patterns cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
