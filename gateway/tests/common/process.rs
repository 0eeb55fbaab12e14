//! The `connectors-gateway` binary as a process of its own (one that can be killed).

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::GATEWAY_BIN;

/// Starts the gateway binary with `args` (the test's API keys come from its config, none
/// from the environment) and waits, at most 60 s, for the line that says where it
/// listens; its output is read on, so it never blocks on a full pipe. Returns the process
/// (killed when dropped) and its URL.
pub async fn start_gateway_process<I, S>(args: I) -> (Child, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(GATEWAY_BIN)
        .args(args)
        .env_remove("CONNECTORS_GATEWAY_API_KEYS")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start connectors-gateway");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.strip_prefix("Connectors gateway listening on ") {
                return rest.split_whitespace().next().map(str::to_string);
            }
        }
        None
    })
    .await
    .expect("the listening line within 60 s")
    .expect("the gateway printed where it listens");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}
