//! Helpers shared by the tests and benches of the workspace, one copy each: every
//! package that tests against a server, a process or a gateway reaches them through a
//! `[dev-dependencies]` path dependency on this crate (never published).
//!
//! - [`http_server`]: a raw HTTP/1.1 server on 127.0.0.1 that answers by a script and
//!   records what it saw, with faults (cut bodies, hang-ups, delays);
//! - [`proc_stats`]: this process's resident memory and CPU time;
//! - [`process`]: a child process started and waited for until its ready line;
//! - [`net`]: loopback ports;
//! - `gateway` (feature `gateway`): the reference gateway in-process with a client of
//!   it, or its binary as a child process;
//! - `fault_proxy` (feature `gateway`): a fault-injecting proxy in front of a gateway;
//! - `mcp` (feature `mcp`): an rmcp client that records what the server announces;
//! - `selection_eval` (feature `eval`): the recorded catalogs of `gateway/eval/` behind a
//!   gateway, and recall@1, recall@5 and MRR of its selection.
//!
//! Test code: a failure to set a helper up panics with what went wrong, as a test would.

#[cfg(feature = "gateway")]
pub mod fault_proxy;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod http_server;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod net;
pub mod proc_stats;
pub mod process;
#[cfg(feature = "eval")]
pub mod selection_eval;
mod wire;
