//! The typed client generated from `openapi.yaml` by progenitor at build time.
//!
//! Every operation of the spec is a builder method on [`Client`], grouped into one
//! extension trait per tag ([`ClientToolsExt`], [`ClientMcpExt`], ...; bring them into
//! scope with `use connectors::api::prelude::*`). Bodies and responses are the
//! [`types`] of the spec's component schemas; successful responses are the gateway's
//! `{success, data, metadata}` envelope.
//!
//! The client works on its own with any `reqwest::Client`:
//!
//! ```no_run
//! use connectors::api::{prelude::*, Client, Transport};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut headers = reqwest::header::HeaderMap::new();
//! headers.insert("authorization", "Bearer <api key of 32+ characters>".parse()?);
//! let http = reqwest::Client::builder().default_headers(headers).build()?;
//! let client = Client::new_with_client("http://localhost:3000", http, Transport::default());
//!
//! let page = client.list_tools().category("code").limit(10).send().await?.into_inner();
//! for tool in page.data.tools {
//!     println!("{} ({})", tool.tool_id, tool.category);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Editing `openapi.yaml` and building again regenerates this module.

#![allow(missing_docs, clippy::all, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/connectors_api.rs"));

pub use crate::open_enum::{
    DeploymentStatus, HealthState, IdentityType, LogStream, RelationType, ServerStatus, ServerType,
    StepStatus,
};
pub use crate::secret::{SecretString, SecretStringMap, ToolArguments};
pub use crate::transport::Transport;

/// Bounds that `openapi.yaml` sets and the generated types do not check (secrets, page
/// sizes, selection options, batch sizes, idempotency keys), read from the spec at build
/// time; the facade checks them before sending.
pub mod limits {
    include!(concat!(env!("OUT_DIR"), "/limits.rs"));
}

/// `openapi.yaml`, the contract this module was generated from, as JSON (151 KB; feature
/// `openapi-json`, for programs that validate against the spec, such as the contract
/// runner).
#[cfg(feature = "openapi-json")]
#[cfg_attr(docsrs, doc(cfg(feature = "openapi-json")))]
pub const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));
