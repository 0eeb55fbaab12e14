//! `docker` sources: the image run over stdio (`docker run -i`), or detached with its
//! port published on loopback and reached over streamable HTTP, when a Docker engine is
//! reachable; otherwise the deployment fails saying why.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use connectors::api::{DeploymentStatus, LogStream, SecretStringMap, StepStatus};

use super::{Deployment, Step};
use crate::mcp_client::Endpoint;

/// Runs `image` (its container port `port` published, if given) and returns how to reach
/// it; `None` when it cannot run (the deployment says why).
pub(super) async fn endpoint(
    deployment: &Arc<Deployment>,
    image: &str,
    env: SecretStringMap,
    port: Option<u16>,
) -> Option<Endpoint> {
    deployment.set_status(DeploymentStatus::Deploying, "checking the Docker engine");
    deployment.step(
        Step::Deploy,
        StepStatus::InProgress,
        "checking the Docker engine",
    );
    let probe = tokio::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdin(Stdio::null())
        .output();
    match tokio::time::timeout(Duration::from_secs(15), probe).await {
        Err(_) => {
            deployment.fail(
                Step::Deploy,
                "no Docker engine is reachable: `docker version` did not answer within 15 s",
            );
            return None;
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            deployment.fail(
                Step::Deploy,
                "Docker is not installed: no `docker` command on PATH",
            );
            return None;
        }
        Ok(Err(e)) => {
            deployment.fail(Step::Deploy, format!("cannot run `docker`: {e}"));
            return None;
        }
        Ok(Ok(output)) if !output.status.success() => {
            deployment.fail(
                Step::Deploy,
                format!(
                    "no Docker engine is reachable: {}",
                    last_line(&output.stderr)
                ),
            );
            return None;
        }
        Ok(Ok(output)) => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
            deployment.log(
                LogStream::System,
                format!("Docker engine {version} reachable"),
            );
        }
    }
    let names: Vec<String> = env.iter().map(|(k, _)| k.to_string()).collect();
    let args = run_args(image, &names, port);
    match port {
        None => Some(Endpoint::Stdio {
            command: "docker".into(),
            args,
            env,
        }),
        Some(port) => {
            let mut command = tokio::process::Command::new("docker");
            command.args(&args).stdin(Stdio::null());
            for (name, value) in env.iter() {
                command.env(name, value.expose());
            }
            let output =
                match tokio::time::timeout(Duration::from_secs(300), command.output()).await {
                    Ok(Ok(output)) => output,
                    Ok(Err(e)) => {
                        deployment.fail(Step::Deploy, format!("docker run failed: {e}"));
                        return None;
                    }
                    Err(_) => {
                        deployment.fail(Step::Deploy, "docker run did not finish within 300 s");
                        return None;
                    }
                };
            if !output.status.success() {
                deployment.fail(
                    Step::Deploy,
                    format!("docker run failed: {}", last_line(&output.stderr)),
                );
                return None;
            }
            let container = String::from_utf8_lossy(&output.stdout).trim().to_string();
            deployment.state().container = Some(container.clone());
            deployment.log(LogStream::System, format!("container {container} started"));
            let mapped = tokio::process::Command::new("docker")
                .args(["port", &container, &port.to_string()])
                .output()
                .await
                .ok()
                .and_then(|o| host_port(&o.stdout));
            let Some(host_port) = mapped else {
                deployment.fail(
                    Step::Deploy,
                    format!("cannot find the host port of container port {port}"),
                );
                return None;
            };
            Some(Endpoint::Http {
                url: format!("http://127.0.0.1:{host_port}/mcp"),
                headers: SecretStringMap::new(),
            })
        }
    }
}

/// The arguments of `docker run` for `image`: with no `port`, an image serving MCP on
/// stdio (`-i --rm`); with one, detached (`-d --rm`) with that container port published on
/// a free loopback port. The variables are passed by name only (`-e NAME`): their values
/// reach the container through the docker process's environment, not its command line.
fn run_args(image: &str, env_names: &[String], port: Option<u16>) -> Vec<String> {
    let mut args = match port {
        None => vec!["run".to_string(), "-i".into(), "--rm".into()],
        Some(port) => vec![
            "run".to_string(),
            "-d".into(),
            "--rm".into(),
            "-p".into(),
            format!("127.0.0.1::{port}"),
        ],
    };
    args.extend(env_names.iter().flat_map(|k| ["-e".to_string(), k.clone()]));
    args.push(image.to_string());
    args
}

/// The host port in `docker port`'s output (`127.0.0.1:49153`, first line).
fn host_port(output: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(output).to_string();
    let line = text.lines().next().map(|l| l.trim().to_string())?;
    line.rsplit(':').next().map(str::to_string)
}

/// The last non-empty line of a command's error output, or "unknown error".
fn last_line(output: &[u8]) -> String {
    String::from_utf8_lossy(output)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("unknown error")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_passed_by_name_and_a_port_runs_detached() {
        let names = vec!["TOKEN".to_string()];
        assert_eq!(
            run_args("img:1", &names, None),
            ["run", "-i", "--rm", "-e", "TOKEN", "img:1"]
        );
        assert_eq!(
            run_args("img:1", &names, Some(8080)),
            [
                "run",
                "-d",
                "--rm",
                "-p",
                "127.0.0.1::8080",
                "-e",
                "TOKEN",
                "img:1"
            ]
        );
    }

    #[test]
    fn docker_output_is_read_for_the_port_and_the_error() {
        assert_eq!(
            host_port(b"127.0.0.1:49153\n[::1]:49154\n").as_deref(),
            Some("49153")
        );
        assert_eq!(host_port(b""), None);
        assert_eq!(
            last_line(b"warning\n  daemon not running  \n\n"),
            "daemon not running"
        );
        assert_eq!(last_line(b""), "unknown error");
    }
}
