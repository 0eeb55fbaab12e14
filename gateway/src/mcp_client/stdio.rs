//! Stdio sessions: a child process speaking MCP on its stdin/stdout, its stderr lines in
//! the server's log; the process is watched, and killed when the session closes.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};

use connectors::api::{LogStream, SecretStringMap};
use rmcp::ServiceExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::oneshot;

use super::{ConnectError, Opening, Session, with_timeout};

/// A child process behind a stdio session.
pub(super) struct Child {
    pub(super) pid: Option<u32>,
    pub(super) kill: Mutex<Option<oneshot::Sender<()>>>,
}

/// A session to a new process running `command` with `args`, and `env` added to its
/// environment.
pub(super) async fn connect(
    opening: Opening<'_>,
    command: &str,
    args: &[String],
    env: &SecretStringMap,
) -> Result<Arc<Session>, ConnectError> {
    let mut cmd = tokio::process::Command::new(command);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env.iter() {
        cmd.env(name, value.expose());
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| ConnectError(format!("cannot start '{command}': {e}")))?;
    let pid = child.id();
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(ConnectError("the child process has no stdin/stdout".into()));
    };
    if let Some(stderr) = child.stderr.take() {
        let log = opening.log.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                log(LogStream::Stderr, line);
            }
        });
    }
    let (kill_tx, kill_rx) = oneshot::channel::<()>();
    let exit_reason = opening.end_reason.clone();
    let exit_ended = opening.ended.clone();
    let exit_log = opening.log.clone();
    let (exited_tx, mut exited_rx) = oneshot::channel::<String>();
    tokio::spawn(async move {
        let reason = tokio::select! {
            status = child.wait() => match status {
                Ok(status) => format!("process exited ({status})"),
                Err(e) => format!("process lost: {e}"),
            },
            _ = kill_rx => {
                let _ = child.kill().await;
                "process stopped".to_string()
            }
        };
        exit_log(LogStream::System, reason.clone());
        {
            let mut slot = exit_reason.lock().unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert_with(|| reason.clone());
        }
        let _ = exited_tx.send(reason);
        exit_ended.cancel();
    });
    let handshake = opening.handler.clone().serve((stdout, stdin));
    let running = tokio::select! {
        result = with_timeout(opening.timeout, handshake) => result,
        reason = &mut exited_rx => Err(ConnectError(format!(
            "the server {} before completing the MCP handshake",
            reason.unwrap_or_else(|_| "stopped".into())
        ))),
    };
    let running = match running {
        Ok(running) => running,
        Err(e) => {
            let _ = kill_tx.send(());
            return Err(e);
        }
    };
    let child = Child {
        pid,
        kill: Mutex::new(Some(kill_tx)),
    };
    Ok(opening.assemble(running, Some(child)))
}
