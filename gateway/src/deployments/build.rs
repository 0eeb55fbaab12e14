//! Building a cloned repository (npm or cargo) and finding how to run it over stdio.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::Deployment;
use super::process::run_logged;

/// Builds a cloned repository and returns how to run it over stdio.
pub(super) async fn build(
    deployment: &Arc<Deployment>,
    dir: &Path,
) -> Result<(String, Vec<String>), String> {
    let timeout = Duration::from_secs(600);
    if dir.join("package.json").is_file() {
        let text = tokio::fs::read_to_string(dir.join("package.json"))
            .await
            .map_err(|e| format!("cannot read package.json: {e}"))?;
        let package: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("package.json is not valid JSON: {e}"))?;
        run_logged(
            deployment,
            "npm",
            &["install".into(), "--no-audit".into(), "--no-fund".into()],
            Some(dir),
            &[],
            &[],
            timeout,
        )
        .await
        .map_err(|e| format!("npm install failed: {e}"))?;
        if package.pointer("/scripts/build").is_some() {
            run_logged(
                deployment,
                "npm",
                &["run".into(), "build".into()],
                Some(dir),
                &[],
                &[],
                timeout,
            )
            .await
            .map_err(|e| format!("npm run build failed: {e}"))?;
        }
        let entry = npm_entry(&package)
            .ok_or("package.json names no `bin` or `main` entry point to run")?;
        let path = dir.join(entry);
        return Ok(("node".into(), vec![path.to_string_lossy().into_owned()]));
    }
    if dir.join("Cargo.toml").is_file() {
        run_logged(
            deployment,
            "cargo",
            &["build".into(), "--release".into()],
            Some(dir),
            &[],
            &[],
            timeout,
        )
        .await
        .map_err(|e| format!("cargo build failed: {e}"))?;
        let text = tokio::fs::read_to_string(dir.join("Cargo.toml"))
            .await
            .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
        let package = cargo_package_name(&text).ok_or("Cargo.toml has no [package] name")?;
        let binary: PathBuf = dir.join("target").join("release").join(&package);
        return Ok((binary.to_string_lossy().into_owned(), Vec::new()));
    }
    Err(
        "no runnable MCP server found in the repository (looked for package.json and Cargo.toml)"
            .into(),
    )
}

/// The script an npm package runs: its `bin` (the path, or the first of its named
/// binaries), else its `main`.
fn npm_entry(package: &serde_json::Value) -> Option<String> {
    match package.get("bin") {
        Some(serde_json::Value::String(path)) => Some(path.clone()),
        Some(serde_json::Value::Object(bins)) => {
            bins.values().find_map(|v| v.as_str().map(str::to_string))
        }
        _ => package
            .get("main")
            .and_then(|m| m.as_str())
            .map(str::to_string),
    }
}

/// The `name` of a `Cargo.toml`'s `[package]` (its binary's name), read line by line: the
/// gateway has no TOML parser and needs nothing else from the file.
fn cargo_package_name(text: &str) -> Option<String> {
    text.lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("name").map(|rest| {
                rest.trim_start()
                    .trim_start_matches('=')
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_npm_package_runs_its_bin_else_its_main() {
        assert_eq!(
            npm_entry(&json!({"bin": "cli.js", "main": "index.js"})).as_deref(),
            Some("cli.js")
        );
        assert_eq!(
            npm_entry(&json!({"bin": {"server": "dist/server.js"}})).as_deref(),
            Some("dist/server.js")
        );
        assert_eq!(
            npm_entry(&json!({"main": "index.js"})).as_deref(),
            Some("index.js")
        );
        assert_eq!(npm_entry(&json!({"name": "x"})), None);
    }

    #[test]
    fn a_cargo_package_is_named_by_its_package_section() {
        let manifest = "[workspace]\nname = \"not-this\"\n\n[package]\nname = \"my-server\"\nversion = \"0.1.0\"\n";
        assert_eq!(cargo_package_name(manifest).as_deref(), Some("my-server"));
        assert_eq!(cargo_package_name("[workspace]\nmembers = []\n"), None);
    }
}
