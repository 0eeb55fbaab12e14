//! Rust SDK for the Connectors MCP tool gateway: select the few tools that fit a request,
//! invoke them, and deploy MCP servers, through a typed client generated from the
//! gateway's OpenAPI description.
//!
//! # In two minutes
//!
//! 1. Add the crate (not on crates.io yet: from the repository) and a runtime:
//!    `cargo add --git https://github.com/connectors-rs/connectors connectors`, `cargo add serde_json`
//!    and `cargo add tokio --features macros,rt-multi-thread`.
//! 2. Point it at a gateway with `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and
//!    `CONNECTORS_TENANT_ID`. Without one, run the reference gateway:
//!    `cargo install --git https://github.com/connectors-rs/connectors connectors-gateway`,
//!    then `connectors-gateway`, which prints the three as `export` lines to paste.
//! 3. Select tools for a request, hand them to a model, run the calls it makes:
//!
//! ```no_run
//! use connectors::Connectors;
//! use serde_json::json;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), connectors::Error> {
//!     let client = Connectors::from_env()?;
//!
//!     // The few tools that fit a request, ranked, each with its input schema.
//!     let selection = client.tools().select("evaluate 2 * (3 + 4)").max_tools(5).await?;
//!     let toolset = selection.toolset()?;
//!     let tools = toolset.openai_tools(); // or anthropic_tools(), openai_responses_tools()
//!     # let _ = tools;
//!
//!     // The model answers with calls (here written out); run them, give back the results.
//!     let assistant = json!({"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
//!         "function": {"name": "math__evaluate", "arguments": "{\"expression\": \"2 * (3 + 4)\"}"}}]});
//!     let results = client.tools().run_calls(&toolset, &assistant).await?;
//!     println!("{}", json!(results.openai_messages()));
//!
//!     // Or invoke a tool yourself; a retried invocation reuses its idempotency key.
//!     let result = client.tools().invoke("math.evaluate", json!({"expression": "2 * (3 + 4)"})).await?;
//!     println!("{}", result.into_result()?.text());
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
//! [`events`], and [`function_calling`] for models. Both go through one transport that
//! retries transient failures ([`retry`]), gives each keyed operation (an invocation, a
//! deployment, a write) an idempotency key, bounds attempts with timeouts and opens a
//! `tracing` span per request.
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
pub mod trace;
mod transport;
pub mod typed;

pub use client::{Connectors, RequestOptions};
pub use config::{Config, ConnectorsBuilder};
pub use error::{ApiError, Error, Result};
pub use retry::RetryPolicy;
pub use trace::{InvalidTraceContext, TraceContext};
pub use transport::{
    ATTEMPT_HEADER, IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER, REQUEST_ID_HEADER,
};

/// Compiles the README's snippets as doc tests, so the documented patterns cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
