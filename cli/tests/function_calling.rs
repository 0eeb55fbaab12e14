//! Function calling from the shell, as processes: `tools list/select --format` print a
//! provider's `tools` array and `tools run` runs a model's calls, against the reference
//! gateway serving the `names` MCP server (tool names with dots, slashes, spaces, unicode,
//! capitals, 80 characters) deployed over stdio.
//!
//! This target has its own `main` (`harness = false` in Cargo.toml): started as
//! `function_calling mcp-server names`, it serves the `names` server over stdio, so the
//! gateway runs this very executable as the deployed server. Otherwise it runs its tests
//! in order; a positional argument keeps the tests whose name contains it, `--exact`
//! the one of that name, `--list` lists them.

mod common;

use std::future::Future;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{ExitCode, Output, Stdio};

use common::{async_command, gateway, json_ok, run, stderr, stdout};
use connectors::function_calling::function_name;
use connectors_gateway::RunningGateway;
use connectors_mcp_servers::Builtin;
use connectors_mcp_servers::names::{CALL_LOG_ENV, TOOL_NAMES};
use connectors_test_support::mcp::{call, spawn_child, text, tool_names};
use serde_json::{Map, Value, json};

type Test = fn() -> Pin<Box<dyn Future<Output = ()>>>;

const TESTS: &[(&str, Test)] = &[
    ("openai_definitions_and_calls_through_tricky_names", || {
        Box::pin(round_trip(Shape::OpenAi))
    }),
    (
        "anthropic_definitions_and_calls_through_tricky_names",
        || Box::pin(round_trip(Shape::Anthropic)),
    ),
    ("responses_calls_and_outputs", || Box::pin(responses())),
    ("select_format_carries_schemas", || {
        Box::pin(select_carries_schemas())
    }),
    ("list_format_reads_every_page", || {
        Box::pin(list_reads_every_page())
    }),
    ("run_refuses_input_without_calls", || {
        Box::pin(run_refuses_bad_input())
    }),
    ("run_with_each_selector", || {
        Box::pin(run_with_each_selector())
    }),
    ("the_bridge_exposes_the_same_names", || {
        Box::pin(bridge_names())
    }),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, name] = args.as_slice()
        && command == "mcp-server"
    {
        return serve_builtin(name);
    }
    let mut filters = Vec::new();
    let (mut exact, mut list) = (false, false);
    let mut skip = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--exact" => exact = true,
            "--list" => list = true,
            "--skip" => skip.extend(words.next().cloned()),
            // libtest's options with a value, and the rest: nothing to do here.
            "--format" | "--logfile" | "--test-threads" | "--color" | "-Z" => {
                words.next();
            }
            "--ignored" => return ExitCode::SUCCESS,
            flag if flag.starts_with('-') => {}
            filter => filters.push(filter.to_string()),
        }
    }
    let chosen: Vec<&(&str, Test)> = TESTS
        .iter()
        .filter(|(name, _)| {
            filters.is_empty()
                || filters.iter().any(|f| {
                    if exact {
                        name == f
                    } else {
                        name.contains(f.as_str())
                    }
                })
        })
        .filter(|(name, _)| !skip.iter().any(|s| name.contains(s.as_str())))
        .collect();
    if list {
        for (name, _) in &chosen {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    println!("\nrunning {} test{}", chosen.len(), plural(chosen.len()));
    let mut failed = Vec::new();
    for (name, test) in &chosen {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(test())));
        drop(runtime);
        println!(
            "test {name} ... {}",
            if outcome.is_ok() { "ok" } else { "FAILED" }
        );
        if outcome.is_err() {
            failed.push(*name);
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        chosen.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("failures: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}

/// `mcp-server NAME`: a built-in server on this process's stdio, until stdin closes.
fn serve_builtin(name: &str) -> ExitCode {
    let Ok(builtin) = name.parse::<Builtin>() else {
        eprintln!("no built-in server {name}");
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match runtime.block_on(connectors_mcp_servers::serve_stdio(builtin)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcp-server {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The server name the `names` server is deployed under.
const SERVER: &str = "names";

/// A gateway with the `names` server deployed over stdio (this executable), logging
/// every call it answers to the returned file.
async fn names_gateway(test: &str) -> (RunningGateway, PathBuf) {
    let dir = std::env::temp_dir().join(format!("connectors-cli-fc-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("calls.jsonl");
    let gw = gateway().await;
    let exe = std::env::current_exe().unwrap();
    let env = format!("{CALL_LOG_ENV}={}", log.display());
    json_ok(
        &run(
            &gw,
            &[
                "mcp",
                "add",
                SERVER,
                "--category",
                "testing",
                "--env",
                &env,
                "--wait",
                "--json",
                "--stdio",
                exe.to_str().unwrap(),
                "mcp-server",
                "names",
            ],
        )
        .await,
    );
    (gw, log)
}

/// Removes the directory of a call log [`names_gateway`] made.
fn remove_scratch(log: &Path) {
    if let Some(dir) = log.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `connectors ARGS` with `input` on its stdin.
async fn run_with_stdin(gw: &RunningGateway, args: &[&str], input: &str) -> Output {
    let mut command = common::command(gw, args);
    let input = input.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run connectors");
        let written = child.stdin.take().unwrap().write_all(input.as_bytes());
        // A command that refuses its input may exit before reading all of it: the pipe
        // then breaks, and what it printed is what the test judges.
        if let Err(error) = written {
            assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// What OpenAI, Anthropic and MCP hosts accept: `^[a-zA-Z0-9_-]{1,64}$`.
fn is_provider_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The `names` server's tools as the gateway lists them: tool id -> (description, schema).
async fn server_tools(gw: &RunningGateway) -> Vec<(String, String, Value)> {
    let listed = json_ok(&run(gw, &["mcp", "tools", SERVER, "--json"]).await);
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["toolId"].as_str().unwrap().to_string(),
                t["description"].as_str().unwrap_or_default().to_string(),
                t["inputSchema"].clone(),
            )
        })
        .collect()
}

/// Arguments that fit `schema`: every property, with a value of its type (strings with
/// a quote and non-ASCII, so that the way through escapes them).
fn arguments_for(schema: &Value, i: usize) -> Value {
    let mut args = Map::new();
    for (key, property) in schema["properties"].as_object().unwrap() {
        let value = match property["type"].as_str() {
            Some("integer") => json!(i + 2),
            Some("number") => json!(i as f64 + 0.5),
            Some("boolean") => json!(i.is_multiple_of(2)),
            _ => json!(format!("{key} #{i} \"é\"")),
        };
        args.insert(key.clone(), value);
    }
    Value::Object(args)
}

fn log_lines(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    OpenAi,
    Anthropic,
}

/// One call of the model's message: its id and the function name it calls.
struct Planned {
    id: String,
    name: String,
    /// The tool (its name on the server) and the arguments, for a call that must run;
    /// `None` for the malformed and the unknown call, which must run nothing.
    runs: Option<(String, Value)>,
}

async fn round_trip(shape: Shape) {
    let format = match shape {
        Shape::OpenAi => "openai",
        Shape::Anthropic => "anthropic",
    };
    let (gw, log) = names_gateway(format).await;
    let tools = server_tools(&gw).await;
    assert_eq!(tools.len(), TOOL_NAMES.len(), "{tools:?}");

    // The definitions: valid, unique names; each tool's own schema and description.
    let out = run(
        &gw,
        &["tools", "list", "--server", SERVER, "--format", format],
    )
    .await;
    let definitions = json_ok(&out);
    let definitions = definitions.as_array().expect("a tools array");
    assert_eq!(definitions.len(), tools.len(), "{definitions:?}");
    let mut names = Vec::new();
    for definition in definitions {
        let (name, description, schema) = match shape {
            Shape::OpenAi => {
                assert_eq!(definition["type"], "function", "{definition}");
                let function = &definition["function"];
                (
                    &function["name"],
                    &function["description"],
                    &function["parameters"],
                )
            }
            Shape::Anthropic => (
                &definition["name"],
                &definition["description"],
                &definition["input_schema"],
            ),
        };
        let name = name.as_str().unwrap().to_string();
        assert!(is_provider_name(&name), "{name}");
        let (tool_id, tool_description, input_schema) = tools
            .iter()
            .find(|(id, _, _)| function_name(id) == name)
            .unwrap_or_else(|| panic!("{name} is the name of no tool of {tools:?}"));
        assert_eq!(schema, input_schema, "{tool_id}");
        assert_eq!(description, tool_description.as_str(), "{tool_id}");
        names.push(name);
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");

    // The model calls every name, plus one call with malformed arguments and one of a name
    // it was never given, in the middle.
    let mut planned = Vec::new();
    for (i, (tool_id, _, schema)) in tools.iter().enumerate() {
        if i == 3 {
            planned.push(Planned {
                id: "call_malformed".into(),
                name: function_name(tool_id),
                runs: None,
            });
            planned.push(Planned {
                id: "call_unknown".into(),
                name: "names__no_such_tool".into(),
                runs: None,
            });
        }
        let tool = tool_id.strip_prefix("names.").unwrap().to_string();
        planned.push(Planned {
            id: format!("call_{i}"),
            name: function_name(tool_id),
            runs: Some((tool, arguments_for(schema, i))),
        });
    }
    let message = match shape {
        Shape::OpenAi => json!({
            "role": "assistant",
            "content": null,
            "tool_calls": planned.iter().map(|p| json!({
                "id": p.id,
                "type": "function",
                "function": {
                    "name": p.name,
                    "arguments": match &p.runs {
                        Some((_, args)) => args.to_string(),
                        None if p.id == "call_malformed" => "{\"value\": \"unterminated".to_string(),
                        None => "{}".to_string(),
                    },
                },
            })).collect::<Vec<_>>(),
        }),
        Shape::Anthropic => {
            let mut content = vec![json!({"type": "text", "text": "Calling every tool."})];
            content.extend(planned.iter().map(|p| {
                json!({
                    "type": "tool_use",
                    "id": p.id,
                    "name": p.name,
                    "input": match &p.runs {
                        Some((_, args)) => args.clone(),
                        None if p.id == "call_malformed" => json!("{\"value\": \"unterminated"),
                        None => json!({}),
                    },
                })
            }));
            json!({"role": "assistant", "content": content})
        }
    };

    let out = run_with_stdin(
        &gw,
        &["tools", "run", "--server", SERVER, "--format", format],
        &message.to_string(),
    )
    .await;
    let results = json_ok(&out);
    let results: Vec<Value> = match shape {
        Shape::OpenAi => results.as_array().expect("an array of messages").clone(),
        Shape::Anthropic => {
            assert_eq!(results["role"], "user", "{results}");
            results["content"]
                .as_array()
                .expect("tool_result blocks")
                .clone()
        }
    };
    assert_eq!(results.len(), planned.len(), "one result per call");
    for (result, call) in results.iter().zip(&planned) {
        let (id, content, is_error) = match shape {
            Shape::OpenAi => {
                assert_eq!(result["role"], "tool", "{result}");
                let content = result["content"].as_str().unwrap();
                (
                    &result["tool_call_id"],
                    content,
                    content.starts_with("Error:"),
                )
            }
            Shape::Anthropic => {
                assert_eq!(result["type"], "tool_result", "{result}");
                (
                    &result["tool_use_id"],
                    result["content"].as_str().unwrap(),
                    result["is_error"] == true,
                )
            }
        };
        assert_eq!(id, call.id.as_str(), "results in the order of the calls");
        match &call.runs {
            Some((tool, args)) => {
                assert!(!is_error, "{}: {content}", call.id);
                let echo: Value = serde_json::from_str(content).expect("the server's echo");
                assert_eq!(&echo["tool"], tool.as_str(), "{}", call.id);
                assert_eq!(&echo["arguments"], args, "{}", call.id);
            }
            None => assert!(is_error, "{}: {content}", call.id),
        }
    }
    assert!(
        stderr(&out).contains("2 of 11 call(s) gave an error result"),
        "{}",
        stderr(&out)
    );

    // At the server: each good call once, with exactly its arguments; nothing else.
    let key = |v: &Value| v.to_string();
    let mut logged: Vec<String> = log_lines(&log).iter().map(key).collect();
    let mut expected: Vec<String> = planned
        .iter()
        .filter_map(|p| p.runs.as_ref())
        .map(|(tool, args)| key(&json!({"tool": tool, "arguments": args})))
        .collect();
    logged.sort();
    expected.sort();
    assert_eq!(logged, expected);
    gw.shutdown().await;
    remove_scratch(&log);
}

/// Responses API `function_call` items in, `function_call_output` items out.
async fn responses() {
    let (gw, log) = names_gateway("responses").await;
    let out = run(
        &gw,
        &[
            "tools",
            "list",
            "--server",
            SERVER,
            "--format",
            "openai-responses",
        ],
    )
    .await;
    let definitions = json_ok(&out);
    let slash = function_name("names.files/read");
    let definition = definitions
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == slash.as_str())
        .unwrap_or_else(|| panic!("{slash} in {definitions}"));
    assert_eq!(definition["type"], "function");
    assert!(definition["parameters"]["properties"]["path"].is_object());

    let output = json!({"output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "id": "fc_1", "call_id": "call_a", "name": slash,
         "arguments": "{\"path\": \"/etc/hostname\"}"},
    ]});
    let out = run_with_stdin(
        &gw,
        &[
            "tools",
            "run",
            "--server",
            SERVER,
            "--format",
            "openai-responses",
        ],
        &output.to_string(),
    )
    .await;
    let items = json_ok(&out);
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["type"], "function_call_output");
    assert_eq!(items[0]["call_id"], "call_a");
    let echo: Value = serde_json::from_str(items[0]["output"].as_str().unwrap()).unwrap();
    assert_eq!(echo["tool"], "files/read");
    assert_eq!(
        log_lines(&log),
        [json!({"tool": "files/read", "arguments": {"path": "/etc/hostname"}})]
    );
    gw.shutdown().await;
    remove_scratch(&log);
}

async fn select_carries_schemas() {
    let (gw, log) = names_gateway("select").await;
    let out = run(
        &gw,
        &[
            "tools",
            "select",
            "read a file's contents by path",
            "--max-tools",
            "3",
            "--format",
            "openai",
        ],
    )
    .await;
    let definitions = json_ok(&out);
    let definitions = definitions.as_array().unwrap();
    assert!(!definitions.is_empty() && definitions.len() <= 3);
    let slash = function_name("names.files/read");
    let files = definitions
        .iter()
        .find(|d| d["function"]["name"] == slash.as_str())
        .unwrap_or_else(|| panic!("{slash} in {definitions:?}"));
    let properties = files["function"]["parameters"]["properties"]
        .as_object()
        .unwrap();
    assert!(
        properties.contains_key("path") && properties.contains_key("encoding"),
        "{files}"
    );
    for definition in definitions {
        assert!(is_provider_name(
            definition["function"]["name"].as_str().unwrap()
        ));
        assert!(
            !definition["function"]["parameters"]["properties"]
                .as_object()
                .unwrap()
                .is_empty(),
            "every tool of this selection has parameters: {definition}"
        );
    }
    // Without --format, the ranking as before.
    let text = stdout(&run(&gw, &["tools", "select", "read a file's contents by path"]).await);
    assert!(text.starts_with("TOOL"), "{text}");
    gw.shutdown().await;
    remove_scratch(&log);
}

async fn list_reads_every_page() {
    let gw = gateway().await;
    let all = json_ok(&run(&gw, &["tools", "list", "--all", "--json"]).await);
    let total = all["items"].as_array().unwrap().len();
    assert!(total > 10, "{total}");
    let definitions = json_ok(&run(&gw, &["tools", "list", "--format", "anthropic"]).await);
    assert_eq!(definitions.as_array().unwrap().len(), total, "every page");
    // A page asked for is that page.
    let page = json_ok(
        &run(
            &gw,
            &["tools", "list", "--page-size", "2", "--format", "openai"],
        )
        .await,
    );
    assert_eq!(page.as_array().unwrap().len(), 2, "{page}");
    gw.shutdown().await;
}

async fn run_refuses_bad_input() {
    let gw = gateway().await;
    let cases = [
        ("{\"tool_calls\": [", "stdin: not valid JSON"),
        ("", "stdin is empty"),
        (
            r#"{"role": "assistant", "content": "The answer is 14."}"#,
            "the model made no tool calls",
        ),
        (r#"{"hello": "world"}"#, "not a model's tool calls"),
        (
            r#"[{"type": "tool_use", "id": "toolu_1", "name": "math__evaluate", "input": {}}]"#,
            "stdin holds anthropic calls, but --format is openai",
        ),
    ];
    for (input, message) in cases {
        let out = run_with_stdin(&gw, &["tools", "run", "--format", "openai"], input).await;
        assert_eq!(out.status.code(), Some(2), "{input}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{input}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{input}: {}", stdout(&out));
    }
    let out = run_with_stdin(
        &gw,
        &["tools", "run", "--format", "openai", "--max-tools", "2"],
        "[]",
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("apply to --query"),
        "{}",
        stderr(&out)
    );
    let out = run_with_stdin(&gw, &["tools", "run", "--format", "gemini"], "[]").await;
    assert_eq!(out.status.code(), Some(2));
    gw.shutdown().await;
}

/// `--query` (the same selection), `--tools` and the whole catalog map the names back.
async fn run_with_each_selector() {
    let (gw, log) = names_gateway("selectors").await;
    let openai = |name: &str, args: Value| {
        json!([{"id": "call_1", "type": "function",
                "function": {"name": name, "arguments": args.to_string()}}])
        .to_string()
    };
    let spaced = function_name("names.get user");
    let query = "find a person in the staff list by full name";
    let given = json_ok(
        &run(
            &gw,
            &[
                "tools",
                "select",
                query,
                "--max-tools",
                "2",
                "--format",
                "openai",
            ],
        )
        .await,
    );
    assert!(
        given
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["function"]["name"] == spaced.as_str()),
        "{given}"
    );
    let runs: [&[&str]; 3] = [
        &["--query", query, "--max-tools", "2"],
        &["--tools", "names.get user,names.files/read"],
        &[],
    ];
    for (n, selector) in runs.iter().enumerate() {
        let mut args = vec!["tools", "run", "--format", "openai"];
        args.extend_from_slice(selector);
        let input = openai(&spaced, json!({"value": format!("Ada {n}")}));
        let results = json_ok(&run_with_stdin(&gw, &args, &input).await);
        let echo: Value =
            serde_json::from_str(results[0]["content"].as_str().unwrap()).expect("{results}");
        assert_eq!(echo["tool"], "get user", "{selector:?}");
        assert_eq!(echo["arguments"]["value"], format!("Ada {n}"));
    }
    // A name outside the set given is unknown, even when the tool exists.
    let input = openai(&function_name("names.UPPER"), json!({"count": 1}));
    let out = run_with_stdin(
        &gw,
        &[
            "tools",
            "run",
            "--format",
            "openai",
            "--tools",
            "names.get user",
        ],
        &input,
    )
    .await;
    let results = json_ok(&out);
    assert!(
        results[0]["content"]
            .as_str()
            .unwrap()
            .starts_with("Error:"),
        "{results}"
    );
    assert_eq!(log_lines(&log).len(), 3, "the unknown name ran nothing");
    // An id of --tools that does not exist stops before anything runs.
    let out = run_with_stdin(
        &gw,
        &[
            "tools",
            "run",
            "--format",
            "openai",
            "--tools",
            "names.nope",
        ],
        &input,
    )
    .await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    gw.shutdown().await;
    remove_scratch(&log);
}

/// `mcp serve` exposes the ids under the names `--format` prints, and calls them.
async fn bridge_names() {
    let (gw, log) = names_gateway("bridge").await;
    let ids = ["names.files/read", "names.files.read", "names.données.lire"];
    let joined = ids.join(",");
    let (client, _) = spawn_child(async_command(
        &gw,
        &["mcp", "serve", "--tools", &joined, "--no-events"],
    ))
    .await;
    let mut expected: Vec<String> = ids.iter().map(|id| function_name(id)).collect();
    expected.sort();
    assert_eq!(tool_names(&client).await, expected);
    let result = call(
        &client,
        &function_name("names.données.lire"),
        json!({"value": "clé"}),
    )
    .await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let echo: Value = serde_json::from_str(&text(&result)).unwrap();
    assert_eq!(echo["tool"], "données.lire");
    assert_eq!(
        log_lines(&log),
        [json!({"tool": "données.lire", "arguments": {"value": "clé"}})]
    );
    client.cancel().await.unwrap();
    gw.shutdown().await;
    remove_scratch(&log);
}
