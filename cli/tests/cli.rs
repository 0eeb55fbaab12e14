//! The `connectors` binary run as a process against the reference gateway in-process on
//! 127.0.0.1: each area, its `--json` documents, exit codes and messages for bad input.

mod common;

use common::{gateway, json_ok, notes_over_http, output, run, stderr, stdout};
use connectors_gateway::{Gateway, Profile, RunningGateway};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn health_as_a_table_and_as_json() {
    let gw = gateway().await;
    let out = run(&gw, &["health"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("GATEWAY"), "{text}");
    assert!(
        text.contains(gw.url()) && text.contains("healthy"),
        "{text}"
    );

    let doc = json_ok(&run(&gw, &["--json", "health"]).await);
    assert_eq!(doc["health"]["status"], "healthy");
    assert!(doc["info"]["version"].is_string(), "{doc}");

    let doc = json_ok(&run(&gw, &["health", "--detailed", "--json"]).await);
    assert!(
        doc["checks"].as_array().is_some_and(|c| !c.is_empty()),
        "{doc}"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_select_list_get_and_invoke() {
    let gw = gateway().await;
    let doc = json_ok(
        &run(
            &gw,
            &[
                "tools",
                "select",
                "evaluate 2 * (3 + 4)",
                "--max-tools",
                "3",
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(doc["query"], "evaluate 2 * (3 + 4)");
    assert_eq!(doc["tools"][0]["toolId"], "math.evaluate", "{doc}");
    assert!(doc["tools"].as_array().unwrap().len() <= 3);
    for key in ["totalTools", "tokenUsage", "tokenBudget", "latencyMs"] {
        assert!(doc.get(key).is_some(), "{key} missing from {doc}");
    }

    // A table with aligned columns: every row's second column starts where the header's does.
    let text = stdout(
        &run(
            &gw,
            &["tools", "select", "count words", "--category", "text"],
        )
        .await,
    );
    let header = text.lines().next().unwrap();
    let at = header.find("SCORE").unwrap();
    for row in text.lines().skip(1).take_while(|l| l.contains('.')) {
        assert_eq!(row.as_bytes()[at - 1], b' ', "{text}");
        assert_ne!(row.as_bytes()[at], b' ', "{text}");
    }

    let all = json_ok(
        &run(
            &gw,
            &["tools", "list", "--all", "--page-size", "2", "--json"],
        )
        .await,
    );
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 13, "{} tools", items.len());
    assert!(all.get("total").is_none(), "--all has no page fields");
    let page = json_ok(&run(&gw, &["tools", "list", "--server", "math", "--json"]).await);
    assert_eq!(page["items"].as_array().unwrap().len(), 3, "{page}");
    assert_eq!(page["offset"], 0);

    let tool = json_ok(&run(&gw, &["tools", "get", "math.evaluate", "--json"]).await);
    assert_eq!(tool["toolId"], "math.evaluate");
    assert!(
        tool["schema"]["parameters"]["properties"]["expression"].is_object(),
        "{tool}"
    );

    let result = json_ok(
        &run(
            &gw,
            &[
                "tools",
                "invoke",
                "math.evaluate",
                "--args",
                r#"{"expression":"2*(3+4)"}"#,
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(result["toolId"], "math.evaluate");
    assert_eq!(
        result["result"]["structuredContent"]["result"], 14.0,
        "{result}"
    );

    // Arguments from a file, and streamed with progress (no bar: stderr is not a terminal).
    let file =
        std::env::temp_dir().join(format!("connectors-cli-args-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"n": 200000}"#).unwrap();
    let arg = format!("@{}", file.display());
    let out = run(
        &gw,
        &[
            "tools",
            "invoke",
            "math.count_primes",
            "--stream",
            "--args",
            &arg,
        ],
    )
    .await;
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("17984"), "{}", stdout(&out));
    assert!(
        !stderr(&out).contains('\u{1b}'),
        "no control characters off a terminal"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gives_a_clear_message_and_its_exit_code() {
    let gw = gateway().await;
    let out = run(&gw, &["tools", "invoke", "math.evaluate", "--args", "{bad"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--args: not valid JSON"),
        "{}",
        stderr(&out)
    );

    let out = run(&gw, &["tools", "invoke", "math.evaluate", "--args", "[1]"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("must be a JSON object"),
        "{}",
        stderr(&out)
    );

    let out = run(&gw, &["tools", "invoke", "nope.missing", "--args", "{}"]).await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));

    let out = run(&gw, &["--json", "tools", "get", "nope.missing"]).await;
    assert_eq!(out.status.code(), Some(6));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stderr).expect("a JSON error on stderr");
    assert_eq!(doc["error"]["kind"], "NotFound");
    assert_eq!(doc["error"]["exitCode"], 6);
    assert!(out.stdout.is_empty());

    // The tool ran and reported an error: its text, and exit 9.
    let out = run(
        &gw,
        &[
            "tools",
            "invoke",
            "math.evaluate",
            "--args",
            r#"{"expression":"7/0"}"#,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(9));
    assert!(
        stderr(&out).contains("division by zero"),
        "{}",
        stderr(&out)
    );

    // clap's own usage errors exit 2 as well.
    let out = run(&gw, &["tools", "select"]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = run(&gw, &["mcp", "add", "x", "--category", "c"]).await;
    assert_eq!(out.status.code(), Some(2), "a source is required");

    // The key never reaches the output, whatever fails.
    let out = run(
        &gw,
        &[
            "--api-key",
            "ck_wrong_0000000000000000000000000000000",
            "tools",
            "list",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(!stderr(&out).contains("ck_wrong_0000"), "{}", stderr(&out));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_that_is_down_is_named_with_a_hint() {
    let gw = gateway().await;
    let url = connectors_test_support::net::closed_url();
    let out = run(&gw, &["--base-url", &url, "tools", "list"]).await;
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(
        err.contains("connection to the gateway failed") && err.contains("is the gateway running?"),
        "{err}"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_offered_is_shown_as_such() {
    let gw = Gateway::builder()
        .profile(Profile::ConnectorsTs)
        .catalog(["text", "math", "notes"])
        .spawn()
        .await
        .unwrap();
    let out = run(&gw, &["deployments", "list"]).await;
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not offered: this gateway has no listDeployments"),
        "{}",
        stderr(&out)
    );
    // What the facade answers from other routes still works.
    let out = run(&gw, &["mcp", "list"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mcp_add_wait_tools_deployments_and_remove() {
    let gw = gateway().await;
    let notes = notes_over_http().await;
    let out = run(&gw, &["mcp", "list", "--json"]).await;
    let list = json_ok(&out);
    assert_eq!(list["otherTenants"], 0, "{list}");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "math"),
        "{list}"
    );

    let added = json_ok(
        &run(
            &gw,
            &[
                "mcp",
                "add",
                "cli-notes",
                "--category",
                "notes",
                "--http",
                &notes.url(),
                "--wait",
                "--json",
            ],
        )
        .await,
    );
    assert!(
        ["running", "ready"].contains(&added["status"].as_str().unwrap()),
        "{added}"
    );
    let id = added["deploymentId"].as_str().unwrap().to_string();

    let tools = json_ok(&run(&gw, &["mcp", "tools", "cli-notes", "--json"]).await);
    let names: Vec<&str> = tools["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["toolId"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"cli-notes.add_note"), "{names:?}");

    let status = json_ok(&run(&gw, &["deployments", "status", &id, "--json"]).await);
    assert_eq!(status["deploymentId"], id.as_str());
    let logs = json_ok(&run(&gw, &["deployments", "logs", &id, "--json"]).await);
    assert!(!logs["items"].as_array().unwrap().is_empty(), "{logs}");
    let out = run(&gw, &["deployments", "wait", &id]).await;
    assert!(stdout(&out).contains("running"), "{}", stdout(&out));
    let listed = json_ok(&run(&gw, &["deployments", "list", "--json"]).await);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["deploymentId"] == id.as_str())
    );

    // Not waiting prints the deployment to follow.
    let out = run(
        &gw,
        &[
            "mcp",
            "add",
            "cli-notes-2",
            "--category",
            "notes",
            "--http",
            &notes.url(),
        ],
    )
    .await;
    assert!(
        stdout(&out).contains("connectors deployments wait"),
        "{}",
        stdout(&out)
    );

    let removed = json_ok(&run(&gw, &["mcp", "remove", "cli-notes", "--json"]).await);
    assert_eq!(removed["name"], "cli-notes");
    let out = run(&gw, &["mcp", "tools", "cli-notes"]).await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let out = run(&gw, &["deployments", "status", "no-such-deployment"]).await;
    assert_eq!(out.status.code(), Some(6));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn events_are_followed_as_json_lines() {
    use std::io::{BufRead, BufReader};
    let gw = gateway().await;
    let notes = notes_over_http().await;
    let mut child = common::command(&gw, &["events", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains(r#""type":"deployment""#))
    });
    // Deploy until the follower has seen one (it may subscribe after the first deployment).
    for i in 0..20 {
        let name = format!("ev-notes-{i}");
        json_ok(
            &run(
                &gw,
                &[
                    "mcp",
                    "add",
                    &name,
                    "--category",
                    "n",
                    "--http",
                    &notes.url(),
                    "--wait",
                    "--json",
                ],
            )
            .await,
        );
        if lines.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    child.kill().unwrap();
    let line = lines.await.unwrap().expect("a deployment event line");
    let doc: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(doc["type"], "deployment");
    assert!(doc["event"]["deploymentId"].is_string(), "{doc}");
    let _ = child.wait();
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn identities_and_oauth_config() {
    let gw = gateway().await;
    let made = json_ok(
        &run(
            &gw,
            &[
                "identities",
                "create",
                "--type",
                "user",
                "--name",
                "Ada",
                "--json",
            ],
        )
        .await,
    );
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["type"], "USER");
    let got = json_ok(&run(&gw, &["identities", "get", &id, "--json"]).await);
    assert_eq!(got["name"], "Ada");
    let changed = json_ok(
        &run(
            &gw,
            &[
                "identities",
                "update",
                &id,
                "--changes",
                r#"{"email":"ada@example.com"}"#,
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(changed["email"], "ada@example.com");
    let all = json_ok(&run(&gw, &["identities", "list", "--type", "user", "--json"]).await);
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id.as_str())
    );
    let text = stdout(&run(&gw, &["identities", "list"]).await);
    assert!(
        text.contains("Ada") && text.contains("ada@example.com"),
        "{text}"
    );
    json_ok(&run(&gw, &["identities", "delete", &id, "--json"]).await);
    assert_eq!(
        run(&gw, &["identities", "get", &id]).await.status.code(),
        Some(6)
    );

    let secret = "s3cr3t-client-value-never-shown";
    let config = json!({
        "clientId": "client-1", "clientSecret": secret,
        "authEndpoint": "https://auth.example.com/authorize",
        "tokenEndpoint": "https://auth.example.com/token",
        "redirectUri": "http://localhost:8080/callback",
        "scopes": ["repo"]
    });
    let set = json_ok(
        &run(
            &gw,
            &[
                "oauth-config",
                "set",
                "github",
                "--config",
                &config.to_string(),
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(set["integration"], "github");
    let out = run(&gw, &["oauth-config", "get", "github", "--json"]).await;
    let view = json_ok(&out);
    assert_eq!(view["config"]["clientId"], "client-1");
    assert!(!stdout(&out).contains(secret));
    let out = run(&gw, &["oauth-config", "get", "github"]).await;
    assert!(stdout(&out).contains("client-1") && !stdout(&out).contains(secret));
    let list = json_ok(&run(&gw, &["oauth-config", "list", "--json"]).await);
    assert!(
        list["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == "github"),
        "{list}"
    );

    // A rejected configuration names the problem, never the secret.
    let bad = json!({"clientId": "c", "clientSecret": secret});
    let out = run(
        &gw,
        &[
            "oauth-config",
            "set",
            "github",
            "--config",
            &bad.to_string(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(secret), "{}", stderr(&out));

    json_ok(&run(&gw, &["oauth-config", "delete", "github", "--json"]).await);
    assert_eq!(
        run(&gw, &["oauth-config", "get", "github"])
            .await
            .status
            .code(),
        Some(6)
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shell_completions() {
    let gw = gateway().await;
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&gw, &["completions", shell]).await;
        assert!(out.status.success());
        let script = stdout(&out);
        assert!(
            script.contains("connectors") && script.contains("deployments"),
            "{shell}"
        );
    }
    assert_eq!(
        run(&gw, &["completions", "tcsh"]).await.status.code(),
        Some(2)
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn categories_related_server_info_health_and_batch() {
    let gw = gateway().await;
    let cats = json_ok(&run(&gw, &["tools", "categories", "--json"]).await);
    assert!(
        cats["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "math"),
        "{cats}"
    );
    let related = json_ok(&run(&gw, &["tools", "related", "math.evaluate", "--json"]).await);
    assert!(
        related["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["toolId"].is_string()),
        "{related}"
    );
    let info = json_ok(&run(&gw, &["mcp", "info", "math", "--json"]).await);
    assert_eq!(info["server"]["name"], "math");
    assert!(info["health"]["status"].is_string(), "{info}");
    let health = json_ok(&run(&gw, &["mcp", "health", "--json"]).await);
    assert!(health["status"].is_string(), "{health}");

    let calls = json!([
        {"toolId": "math.evaluate", "args": {"expression": "1+2"}},
        {"toolId": "nope.missing"}
    ]);
    let out = run(
        &gw,
        &["tools", "batch", "--calls", &calls.to_string(), "--json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["items"][0]["ok"], true);
    assert_eq!(
        doc["items"][0]["result"]["structuredContent"]["result"], 3.0,
        "{doc}"
    );
    assert_eq!(doc["items"][1]["ok"], false);
    assert_eq!(doc["items"][1]["error"]["kind"], "NotFound");
    let out = run(
        &gw,
        &[
            "tools",
            "batch",
            "--calls",
            r#"{"toolId": "math.evaluate"}"#,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));

    // A malformed --env names the flag, never the text (a value may be a secret).
    let out = run(
        &gw,
        &[
            "mcp",
            "add",
            "x",
            "--category",
            "c",
            "--env",
            "TOKEN:s3cret",
            "--stdio",
            "true",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--env takes KEY=VALUE") && !stderr(&out).contains("s3cret"));
    gw.shutdown().await;
}

/// `tools invoke` of a tool that runs for seconds, with attempts of 50 ms: the tool may be
/// running when the CLI gives up. One retry, so that the client asks the gateway (`GET /`)
/// whether it honours idempotency keys.
async fn invoke_that_times_out(gw: &RunningGateway) -> std::process::Output {
    let mut command = common::command(
        gw,
        &[
            "tools",
            "invoke",
            "math.count_primes",
            "--args",
            r#"{"n": 50000000}"#,
        ],
    );
    command
        .env("CONNECTORS_TIMEOUT", "0.05")
        .env("CONNECTORS_MAX_RETRIES", "1");
    output(command).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invocation_that_may_have_run_is_outcome_unknown() {
    // The reference gateway honours keys: re-send with the same key, and the flag to do so.
    let gw = gateway().await;
    let out = invoke_that_times_out(&gw).await;
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("outcome of invokeTool is unknown")
            && err.contains("same idempotency key")
            && err.contains("--idempotency-key"),
        "{err}"
    );
    gw.shutdown().await;

    // The original ignores keys: re-sending may run the tool again, and no key is offered
    // as the way to re-send.
    let gw = original().await;
    let out = invoke_that_times_out(&gw).await;
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("outcome of invokeTool is unknown") && err.contains("may run it again"),
        "{err}"
    );
    assert!(
        !err.contains("same idempotency key") && !err.contains("--idempotency-key"),
        "{err}"
    );
    gw.shutdown().await;
}

/// Two tenants' keys, as the original TypeScript gateway would hold them.
const KEY_A: &str = "ck_tenant_a_0123456789abcdef0123456789abcdef";
const KEY_B: &str = "ck_tenant_b_0123456789abcdef0123456789abcdef";

/// The original TypeScript gateway (its model): tenant-a (the CLI's default here) has
/// OAuth credentials stored for the built-in `math`, tenant-b none.
async fn original() -> RunningGateway {
    Gateway::builder()
        .profile(Profile::ConnectorsTs)
        .api_key(KEY_A, "tenant-a")
        .api_key(KEY_B, "tenant-b")
        .oauth_credentials("tenant-a", "math")
        .spawn()
        .await
        .expect("the connectors-ts gateway")
}

/// `connectors ARGS` as tenant-b.
async fn run_as_b(gw: &RunningGateway, args: &[&str]) -> std::process::Output {
    let mut command = common::command(gw, args);
    command
        .env("CONNECTORS_API_KEY", KEY_B)
        .env("CONNECTORS_TENANT_ID", "tenant-b");
    output(command).await
}

/// Deploys the notes server at `url` as `name` and waits for it, as tenant-b or as the
/// CLI's default tenant (tenant-a).
async fn deploy(gw: &RunningGateway, as_b: bool, name: &str, url: &str) {
    let args = [
        "mcp",
        "add",
        name,
        "--category",
        "notes",
        "--http",
        url,
        "--wait",
        "--json",
    ];
    let out = if as_b {
        run_as_b(gw, &args).await
    } else {
        run(gw, &args).await
    };
    json_ok(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_original_gateway_cannot_tell_is_not_an_empty_success() {
    let gw = original().await;
    let notes = notes_over_http().await;
    let url = notes.url();
    deploy(&gw, false, "a-notes", &url).await;

    // Its tools are not in the (empty) catalog, and the gateway has no route for them.
    let out = run(&gw, &["mcp", "tools", "a-notes"]).await;
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "no table: {}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("does not offer listServerTools")
            && err.contains("no tools of a-notes")
            && err.contains("cannot tell which tools it has"),
        "{err}"
    );
    let out = run(&gw, &["--json", "mcp", "tools", "a-notes"]).await;
    assert_eq!(out.status.code(), Some(7));
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(doc["error"]["kind"], "NotOffered", "{doc}");
    assert_eq!(doc["error"]["exitCode"], 7);
    assert!(out.stdout.is_empty());

    // A tool the gateway runs, and one it does not have: neither is "not found".
    for id in ["a-notes.add_note", "nope.missing"] {
        let out = run(&gw, &["tools", "get", id]).await;
        assert_eq!(out.status.code(), Some(7), "{id}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("does not offer getTool") && err.contains("cannot tell whether it has it"),
            "{err}"
        );
    }

    // What its custom servers do tell is shown.
    let info = json_ok(&run(&gw, &["mcp", "info", "a-notes", "--json"]).await);
    assert_eq!(info["server"]["name"], "a-notes", "{info}");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_original_gateway_a_tool_not_run_is_not_a_tool_that_failed() {
    let gw = original().await;
    let ran = run(
        &gw,
        &[
            "tools",
            "invoke",
            "math.evaluate",
            "--args",
            r#"{"expression":"1+2"}"#,
        ],
    )
    .await;
    assert!(ran.status.success(), "{}", stderr(&ran));

    // The tool ran and reported an error: 9.
    let failed = run(
        &gw,
        &[
            "tools",
            "invoke",
            "math.evaluate",
            "--args",
            r#"{"expression":"7/0"}"#,
        ],
    )
    .await;
    assert_eq!(failed.status.code(), Some(9), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("division by zero"),
        "{}",
        stderr(&failed)
    );

    // No such tool (of an integration without credentials, and of one with them), and
    // below a tool tenant-b has no credentials for: the original answers each with its
    // OAuth 401, nothing ran: 14, and what is missing.
    for (id, integration) in [("nope.missing", "nope"), ("math.nope", "math")] {
        let out = run(&gw, &["tools", "invoke", id]).await;
        assert_eq!(out.status.code(), Some(14), "{id}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("the gateway did not run {id}"))
                && err.contains(&format!("no OAuth credentials of your tenant are stored for the integration {integration}"))
                && err.contains("OAUTH_AUTHENTICATION_FAILED"),
            "{err}"
        );
        assert!(!err.contains("reported an error"), "{err}");
    }
    let out = run_as_b(
        &gw,
        &[
            "tools",
            "invoke",
            "math.evaluate",
            "--args",
            r#"{"expression":"1+2"}"#,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(14), "{}", stderr(&out));
    let out = run(&gw, &["--json", "tools", "invoke", "nope.missing"]).await;
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(doc["error"]["exitCode"], 14, "{doc}");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_original_gateway_other_tenants_servers_are_not_listed_nor_removed() {
    let gw = original().await;
    let notes = notes_over_http().await;
    let url = notes.url();
    deploy(&gw, true, "b-notes", &url).await;
    deploy(&gw, false, "a-notes", &url).await;

    let out = run(&gw, &["mcp", "list", "--json"]).await;
    let list = json_ok(&out);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"a-notes") && !names.contains(&"b-notes"),
        "{list}"
    );
    assert_eq!(list["otherTenants"], 1, "{list}");
    assert_eq!(
        stderr(&out).trim(),
        "1 server(s) of other tenants not shown (this gateway shows every tenant's custom servers)"
    );
    let text = stdout(&run(&gw, &["mcp", "list"]).await);
    assert!(
        text.contains("a-notes") && !text.contains("b-notes"),
        "{text}"
    );

    // Another tenant's server: refused before anything is sent; it is still there.
    let out = run(&gw, &["mcp", "remove", "b-notes"]).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused: the gateway lists b-notes as a server of another tenant"),
        "{}",
        stderr(&out)
    );
    let theirs = json_ok(&run_as_b(&gw, &["mcp", "list", "--json"]).await);
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "b-notes"),
        "{theirs}"
    );
    assert_eq!(theirs["otherTenants"], 1, "{theirs}");

    // One's own server is removed as before.
    let removed = json_ok(&run(&gw, &["mcp", "remove", "a-notes", "--json"]).await);
    assert_eq!(removed["name"], "a-notes");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_errors_name_the_variable_and_the_flag() {
    let gw = gateway().await;
    let mut command = common::command(&gw, &["tools", "list"]);
    command.env_remove("CONNECTORS_API_KEY");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("CONNECTORS_API_KEY (or --api-key)"),
        "{}",
        stderr(&out)
    );

    let out = run(&gw, &["--tenant", "no spaces", "tools", "list"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("invalid configuration: --tenant: "),
        "{}",
        stderr(&out)
    );
    let out = run(&gw, &["--base-url", "ftp://example.com", "health"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("invalid configuration: --base-url: "),
        "{}",
        stderr(&out)
    );
    gw.shutdown().await;
}
