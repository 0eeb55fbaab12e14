//! Running a build tool (`git`, `npm`, `cargo`) for a deployment: its output lines go to
//! the deployment's log with secrets masked, and its failure is its last line.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use connectors::api::LogStream;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::Deployment;

/// Runs a program, logging its output lines (with `secrets` masked) to the deployment.
/// The error is the program's last output line.
pub(super) async fn run_logged(
    deployment: &Arc<Deployment>,
    program: &str,
    args: &[String],
    dir: Option<&Path>,
    env: &[(&str, &str)],
    secrets: &[String],
    timeout: Duration,
) -> Result<(), String> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("`{program}` is not installed on the gateway host")
        } else {
            format!("cannot run `{program}`: {e}")
        }
    })?;
    let last_line = Arc::new(Mutex::new(String::new()));
    let mask = |line: String| {
        secrets
            .iter()
            .filter(|s| !s.is_empty())
            .fold(line, |line, secret| line.replace(secret.as_str(), "***"))
    };
    let mut readers = Vec::new();
    for (stream, pipe) in [
        (
            LogStream::Stdout,
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
        ),
        (
            LogStream::Stderr,
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
        ),
    ] {
        let Some(pipe) = pipe else { continue };
        let deployment = deployment.clone();
        let last_line = last_line.clone();
        let secrets = secrets.to_vec();
        readers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = secrets
                    .iter()
                    .filter(|s| !s.is_empty())
                    .fold(line, |line, secret| line.replace(secret.as_str(), "***"));
                if !line.trim().is_empty() {
                    *last_line.lock().unwrap_or_else(PoisonError::into_inner) = line.clone();
                }
                deployment.log(stream.clone(), line);
            }
        }));
    }
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => return Err(mask(format!("`{program}` failed: {e}"))),
        Err(_) => {
            let _ = child.kill().await;
            return Err(format!(
                "`{program}` did not finish within {} s",
                timeout.as_secs()
            ));
        }
    };
    for reader in readers {
        let _ = reader.await;
    }
    if status.success() {
        Ok(())
    } else {
        let last = last_line
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Err(if last.is_empty() {
            format!("`{program}` exited with {status}")
        } else {
            last
        })
    }
}

#[cfg(test)]
mod tests {
    use connectors::api::types;

    use super::*;
    use crate::deployments::Deployments;
    use crate::events::EventBus;
    use crate::store::Shared;

    fn deployment() -> Arc<Deployment> {
        let source = types::McpSource::Stdio {
            command: "sh".parse().expect("a command"),
            args: Vec::new(),
            env: None,
        };
        Deployments::new(EventBus::new(), Shared::Memory).create("s", "t", &source)
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["-c".to_string(), script.to_string()]
    }

    /// A real process: its lines reach the log with the secret masked, and its failure is
    /// its last line (masked too).
    #[tokio::test]
    async fn output_is_logged_masked_and_a_failure_is_its_last_line() {
        let deployment = deployment();
        let secrets = ["s3cret".to_string()];
        let timeout = Duration::from_secs(30);
        let ran = run_logged(
            &deployment,
            "sh",
            &sh("echo out s3cret"),
            None,
            &[],
            &secrets,
            timeout,
        )
        .await;
        assert_eq!(ran, Ok(()));
        let failed = run_logged(
            &deployment,
            "sh",
            &sh("echo 'first s3cret' >&2; echo 'last s3cret' >&2; exit 3"),
            None,
            &[],
            &secrets,
            timeout,
        )
        .await;
        assert_eq!(failed, Err("last ***".to_string()));
        let messages: Vec<String> = deployment
            .logs(None, 100)
            .into_iter()
            .map(|l| l.message)
            .collect();
        assert!(messages.contains(&"out ***".to_string()), "{messages:?}");
        assert!(
            messages.iter().all(|m| !m.contains("s3cret")),
            "{messages:?}"
        );
        let silent = run_logged(&deployment, "sh", &sh("exit 4"), None, &[], &[], timeout).await;
        assert!(silent.is_err_and(|e| e.starts_with("`sh` exited with")));
        let missing = run_logged(
            &deployment,
            "connectors-no-such-program",
            &[],
            None,
            &[],
            &[],
            timeout,
        )
        .await;
        assert_eq!(
            missing,
            Err("`connectors-no-such-program` is not installed on the gateway host".to_string())
        );
    }
}
