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
//! Every failure is one [`Error`], with [`Error::kind`] for logs and `is_transient()` for
//! callers who retry. Tests can embed the same reference gateway in-process
//! (`connectors_gateway::Gateway::builder().spawn()`, from the `connectors-gateway`
//! crate), as stripe-mock serves Stripe's SDKs.
//!
//! # Two layers
//! - [`api`]: the typed client generated from `openapi.yaml` on every build, one builder
//!   per operation, for anything the facade does not wrap;
//! - the facade over it: [`Connectors`], configured from the environment or a
//!   [`ConnectorsBuilder`], with retries, one [`Error`] type and the calls people use:
//!   [`tools`], [`mcp`], [`deployments`], [`health`], [`identities`], [`tenants`], [`events`].
//!
//! Every request of both layers goes through one place (the generated client's
//! `ClientHooks::exec`, in the transport), which retries transient failures with backoff
//! and `Retry-After`, sends an idempotency key with each POST and reuses it on every
//! attempt, bounds attempts with timeouts and an optional deadline, and opens a
//! `tracing` span per request. The API key is sent as a sensitive header and never
//! appears in `Debug` output, errors or traces.
//!
//! # Gateways without the extension routes
//!
//! The original TypeScript gateway has 18 of the spec's 35 operations and answers the
//! others with 404 `ROUTE_NOT_FOUND`. That is [`Error::NotOffered`] (not
//! [`Error::NotFound`]), remembered per client so that it is not asked again. Server
//! listings, a server's info and tools, and one tool are then answered from the routes
//! the gateway has (custom servers and the catalog); [`Error::NotOffered`] has the table.
//! Listing streams do not trust `pagination.total` (that gateway reports the page's
//! length there): see [`pagination`].
//!
//! # Cargo features
//!
//! | feature | default | what it gives |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls with the aws-lc-rs provider (it compiles the aws-lc C library: the longest crate of a cold build) |
//! | `rustls-ring` | no | TLS through rustls with the ring provider: a much shorter cold build (ring compiles a little C and assembly with `cc`; no cmake, no system library); installs ring as the process's rustls provider unless the program installed one |
//! | `native-tls` | no | TLS through the platform's library (OpenSSL on Linux: needs `libssl-dev` and `pkg-config`) |
//! | `http2` | yes | HTTP/2 over TLS |
//! | `system-proxy` | yes | the operating system's proxy settings (macOS, Windows); `HTTP_PROXY` and friends are read without it |
//! | `socks` | no | `socks5://` and `socks4://` proxies ([`ConnectorsBuilder::proxy`]) |
//! | `blocking` | no | [`blocking`]: `.wait()` and `.wait_iter()` for every call and stream, without an async runtime |
//!
//! For a build without the default TLS stack:
//! `connectors = { version = "0.1", default-features = false, features = ["rustls-ring", "http2"] }`.
//! With no TLS feature at all the client speaks plain `http://` only.

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
