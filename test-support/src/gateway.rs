//! The reference gateway for a test: in-process on a free loopback port with a
//! `connectors::Connectors` client of it, or its binary as a child process.

use std::ffi::OsStr;

use connectors::{Connectors, ConnectorsBuilder};
use connectors_gateway::{Config, Gateway, RunningGateway};
use tokio::process::{Child, Command};

use crate::process::{Pipe, spawn_until_prefix};

/// A client builder for `gateway`: its URL, API key and tenant.
pub fn client_builder(gateway: &RunningGateway) -> ConnectorsBuilder {
    Connectors::builder()
        .base_url(gateway.url())
        .api_key(gateway.api_key())
        .tenant_id(gateway.tenant_id())
}

/// A client of `gateway` with the SDK's defaults.
pub fn client_of(gateway: &RunningGateway) -> Connectors {
    client_builder(gateway)
        .build()
        .expect("a client of the reference gateway")
}

/// The reference gateway in-process with these built-in MCP servers (e.g. `names`), and a
/// client of it.
pub async fn reference_gateway(builtins: &[&str]) -> (RunningGateway, Connectors) {
    let config = Config {
        builtins: builtins.iter().map(|b| b.to_string()).collect(),
        ..Config::default()
    };
    let gateway = Gateway::builder()
        .config(config)
        .spawn()
        .await
        .expect("reference gateway");
    let client = client_of(&gateway);
    (gateway, client)
}

/// What the gateway binary prints once it listens, before its URL.
pub const LISTENING: &str = "Connectors gateway listening on ";

/// A `connectors-gateway` binary (`bin`, the test's `CARGO_BIN_EXE_connectors-gateway`)
/// command with `args`, quiet (`RUST_LOG=error`), and with no API keys from the test's
/// environment (they come from its config).
pub fn gateway_command<I, S>(bin: &str, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(bin);
    command
        .args(args)
        .env_remove("CONNECTORS_GATEWAY_API_KEYS")
        .env("RUST_LOG", "error");
    command
}

/// Starts [`gateway_command`] and waits for the line that says where it listens (its
/// stderr goes to the test's). Returns the process (killed when dropped) and its URL.
pub async fn start_gateway_process<I, S>(bin: &str, args: I) -> (Child, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let (child, rest) =
        spawn_until_prefix(gateway_command(bin, args), Pipe::Stdout, LISTENING, |_| {}).await;
    let url = rest
        .split_whitespace()
        .next()
        .expect("the gateway printed where it listens")
        .to_string();
    (child, url)
}
