//! Rust SDK for the Connectors MCP tool gateway.
//!
//! Two layers:
//! - [`api`]: the typed client generated from the gateway's OpenAPI description
//!   (`openapi.yaml`) on every build, one builder per operation;
//! - the facade over it: [`Connectors`], configured from the environment or a builder,
//!   with retries, one [`Error`] type and the calls people use:
//!
//! ```no_run
//! use std::time::Duration;
//! use connectors::{Connectors, mcp::Source};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), connectors::Error> {
//! // CONNECTORS_BASE_URL, CONNECTORS_API_KEY, CONNECTORS_TENANT_ID, ...
//! let client = Connectors::from_env()?;
//!
//! // Select the few tools that fit a request, then invoke one.
//! let selection = client.tools().select("create a pull request").max_tools(5).await?;
//! let result = client
//!     .tools()
//!     .invoke("github.createPullRequest", json!({"repo": "o/r", "title": "Fix"}))
//!     .await?;
//! println!("{} tools selected; {}", selection.tools.len(), result.text());
//!
//! // Deploy an MCP server and wait until its tools can be called.
//! let deployment = client
//!     .mcp()
//!     .add("memory", Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"]), "productivity")
//!     .await?;
//! deployment.wait_until_ready(Duration::from_secs(120)).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Every request of both layers goes through one place (the generated client's
//! `ClientHooks::exec`, in the transport), which retries transient failures with backoff
//! and `Retry-After`, sends an idempotency key with each POST and reuses it on every
//! attempt, bounds attempts with timeouts and an optional deadline, and opens a
//! `tracing` span per request. The API key is sent as a sensitive header and never
//! appears in `Debug` output, errors or traces.
//!
//! With the `blocking` feature, [`blocking::Connectors`] offers the same calls without an
//! async runtime.

#![warn(missing_docs)]

pub mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
pub mod config;
pub mod deployments;
pub mod error;
pub mod function_calling;
pub mod health;
pub mod identities;
pub mod mcp;
pub mod observe;
mod open_enum;
pub mod pagination;
pub mod retry;
mod secret;
pub mod sse;
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
