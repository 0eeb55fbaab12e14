//! `github` sources: `git clone` of the repository (a token, if given, in the clone URL
//! only, masked in the log), then the build (`super::build`) that says how to run it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use connectors::api::{DeploymentStatus, SecretStringMap, StepStatus};

use super::build::build;
use super::process::run_logged;
use super::{Deployment, Step};
use crate::config::Config;
use crate::mcp_client::Endpoint;

/// Clones and builds the repository at `url` (`branch`, with `token` if given); `None`
/// when a step failed (the deployment says why).
pub(super) async fn endpoint(
    config: &Config,
    deployment: &Arc<Deployment>,
    url: &str,
    branch: Option<&str>,
    token: Option<&str>,
) -> Option<Endpoint> {
    deployment.set_status(DeploymentStatus::Cloning, "cloning the repository");
    let shown = redact_url(url);
    deployment.step(
        Step::Clone,
        StepStatus::InProgress,
        format!(
            "git clone {shown}{}",
            branch.map(|b| format!(" (branch {b})")).unwrap_or_default()
        ),
    );
    let work = config.work_dir();
    let dir = work.join(&deployment.id);
    if let Err(e) = tokio::fs::create_dir_all(&work).await {
        deployment.fail(
            Step::Clone,
            format!("cannot create {}: {e}", work.display()),
        );
        return None;
    }
    let args = clone_args(url, branch, token, &dir);
    let secrets: Vec<String> = token.map(|t| vec![t.to_string()]).unwrap_or_default();
    let timeout = Duration::from_secs(config.clone_timeout_seconds.max(1));
    let outcome = run_logged(
        deployment,
        "git",
        &args,
        None,
        &[("GIT_TERMINAL_PROMPT", "0")],
        &secrets,
        timeout,
    )
    .await;
    if let Err(reason) = outcome {
        deployment.fail(
            Step::Clone,
            format!("git clone of {shown} failed: {reason}"),
        );
        return None;
    }
    deployment.step(
        Step::Clone,
        StepStatus::Completed,
        format!("cloned into {}", dir.display()),
    );
    deployment.set_status(DeploymentStatus::Building, "building the server");
    deployment.step(
        Step::Build,
        StepStatus::InProgress,
        "detecting the project type",
    );
    match build(deployment, &dir).await {
        Ok((command, args)) => {
            deployment.step(
                Step::Build,
                StepStatus::Completed,
                format!("built; will run {command}"),
            );
            Some(Endpoint::Stdio {
                command,
                args,
                env: SecretStringMap::new(),
            })
        }
        Err(reason) => {
            deployment.fail(Step::Build, reason);
            None
        }
    }
}

/// The arguments of `git clone` for `url` into `dir`: shallow, on `branch` if given, the
/// token (if any) in an `https` URL's user part.
fn clone_args(url: &str, branch: Option<&str>, token: Option<&str>, dir: &Path) -> Vec<String> {
    let clone_url = match token {
        Some(token) if url.starts_with("https://") => {
            format!(
                "https://x-access-token:{token}@{}",
                &url["https://".len()..]
            )
        }
        _ => url.to_string(),
    };
    let mut args = vec!["clone".to_string(), "--depth".into(), "1".into()];
    if let Some(branch) = branch {
        args.push("--branch".into());
        args.push(branch.to_string());
    }
    args.push("--".into());
    args.push(clone_url);
    args.push(dir.to_string_lossy().into_owned());
    args
}

/// `https://user:token@host/x` -> `https://host/x`.
fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((_, host)) = rest.split_once('@')
    {
        return format!("{scheme}://{host}");
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_goes_in_the_clone_url_and_never_in_what_is_shown() {
        let dir = Path::new("deployments/dep-1");
        let args = clone_args("https://github.com/o/r", Some("main"), Some("tok"), dir);
        assert_eq!(
            args,
            [
                "clone",
                "--depth",
                "1",
                "--branch",
                "main",
                "--",
                "https://x-access-token:tok@github.com/o/r",
                "deployments/dep-1",
            ]
        );
        assert_eq!(redact_url(&args[6]), "https://github.com/o/r");
        // Not over plain http or ssh: the URL is used as given.
        let args = clone_args("git@github.com:o/r.git", None, Some("tok"), dir);
        assert_eq!(args[4], "git@github.com:o/r.git");
        assert_eq!(redact_url("http://host/x"), "http://host/x");
    }
}
