//! The first run: the whole mission of the SDK in seven readable steps. Check the
//! gateway's health, find out what it offers (its catalog, servers and OAuth
//! configurations), select the tools that fit a request (with their scores and the
//! reasons), invoke the best one, deploy a stdio MCP server and wait until it runs (with
//! its logs), call one of its tools, and remove it again.
//!
//! ```text
//! cargo run --example quickstart                                  # nothing to configure
//! cargo run --example quickstart -- "count the words of a text"   # another request
//! ```
//!
//! With no configuration it starts the reference gateway in this process. To run the same
//! against another gateway, set `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and
//! `CONNECTORS_TENANT_ID`; it then deploys `CONNECTORS_EXAMPLE_MCP_COMMAND` (default
//! `npx -y @modelcontextprotocol/server-memory`). `CONNECTORS_LOG=connectors=debug` shows
//! each request. A step the gateway does not offer (the original TypeScript gateway has an
//! empty catalog, runs tools only with OAuth credentials stored for their integration, and
//! lacks the extension routes) is said in one line and skipped; the exit status is
//! non-zero if a step fails otherwise.

mod support;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use connectors::function_calling::ToolDefinition;
use connectors::{Connectors, Error};
use serde_json::{Map, Value, json};
use support::{BoxError, Guard, heading};

/// The request of step 3; the reference gateway's `math` server answers it.
const DEFAULT_QUERY: &str = "evaluate an arithmetic expression";
/// The name of the server deployed in step 5 (it becomes the first part of its tool ids).
const SERVER: &str = "quickstart-notes";
/// How long a deployment may take; `npx` may first have to download its package.
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(180);

#[tokio::main]
async fn main() -> ExitCode {
    // Started by the gateway as the MCP server of step 5: serve it and nothing else.
    if let Some(name) = support::mcp_server_name() {
        return support::serve_mcp_server(&name).await;
    }
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_QUERY.to_string());
    let started = Instant::now();
    let (client, guard) = support::connect().await?;
    let outcome = mission(&client, &guard, &query).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn mission(client: &Connectors, guard: &Guard, query: &str) -> Result<(), BoxError> {
    heading("1. Health");
    let health = client.health().check().await?;
    match health.uptime {
        Some(uptime) => println!("status: {} (up {uptime:.1} s)", health.status),
        None => println!("status: {}", health.status),
    }

    heading("2. What the gateway offers");
    let offer = support::discover(client).await?;
    // A gateway without the server listing is asked for its custom servers and its
    // catalog instead; the facade does that by itself.
    for server in client.mcp().list().await? {
        let tools = server.tool_count.map_or("?".into(), |n| n.to_string());
        println!(
            "{:<20} {:<9} {:<9} {tools:>2} tools  {}",
            server.name,
            server.type_.as_str(),
            server.status.as_str(),
            server.description.as_deref().unwrap_or("")
        );
    }

    heading(&format!("3. Select tools for {query:?}"));
    let selected = client
        .tools()
        .select(query)
        .max_tools(5)
        .include_schemas(true)
        .await;
    if let Some(selection) = support::offered(selected)? {
        for (rank, tool) in selection.tools.iter().enumerate() {
            println!(
                "{}. {:.2}  {}  (tier {}, {} tokens)",
                rank + 1,
                tool.score,
                tool.tool_id,
                tool.tier,
                tool.token_cost
            );
            println!(
                "   why: {}",
                tool.reason.as_deref().unwrap_or("(no reason given)")
            );
        }
        match selection.tools.first() {
            Some(best) => invoke_best(client, best, query).await?,
            None if offer.catalog.is_empty() => {
                println!("nothing selected, so nothing to invoke: the catalog is empty")
            }
            None if support::everything_offered() => {
                return Err(format!("no tool fits {query:?}").into());
            }
            None => println!("no tool of the catalog fits {query:?}; try another request"),
        }
    }

    heading("5. Deploy a stdio MCP server");
    let (source, command) = support::mcp_server_source(guard)?;
    println!("server {SERVER:?}, command: {command}");
    support::remove_leftover(client, SERVER).await?;
    let deployment = client
        .mcp()
        .add(SERVER, source, "productivity")
        .description("Deployed by the quickstart")
        .await?
        .poll_interval(Duration::from_millis(200));
    println!("deployment {} accepted", deployment.id());
    // Whatever happens next, do not leave the server running on the gateway.
    let used = use_deployed_server(client, guard, &deployment).await;

    heading("7. Remove the server");
    let removed = client.mcp().remove(SERVER).await;
    used?;
    println!("{}", removed?.message.unwrap_or_else(|| "removed".into()));
    Ok(())
}

/// Step 4: the best selected tool, invoked with arguments that fit its schema.
async fn invoke_best(
    client: &Connectors,
    best: &connectors::api::types::ToolSelection,
    query: &str,
) -> Result<(), BoxError> {
    heading(&format!("4. Invoke {}", best.tool_id));
    let parameters = ToolDefinition::from_tool(best)?.parameters;
    let arguments = arguments_for(&best.tool_id, &parameters, query);
    println!("arguments: {arguments}");
    let invoked = client.tools().invoke(&best.tool_id, &arguments).await;
    let Some(result) = support::ran(&best.tool_id, invoked)? else {
        return Ok(());
    };
    if result.is_error() {
        return Err(format!("{} reported an error: {}", best.tool_id, result.text()).into());
    }
    println!("result:    {}", result.text());
    if let Some(ms) = result.latency_ms {
        println!("took {ms:.1} ms at the gateway");
    }
    Ok(())
}

/// Steps 5 (waiting, logs) and 6 (a call), on the deployed server.
async fn use_deployed_server(
    client: &Connectors,
    guard: &Guard,
    deployment: &connectors::deployments::Deployment,
) -> Result<(), BoxError> {
    let waiting = Instant::now();
    let discovered = match deployment.wait_until_ready(DEPLOY_TIMEOUT).await {
        Ok(ready) => {
            println!(
                "{} after {:.1} s with {} tools",
                ready.status,
                waiting.elapsed().as_secs_f64(),
                ready.tools_discovered.map_or("?".into(), |n| n.to_string())
            );
            ready.tools_discovered
        }
        Err(Error::Deployment {
            status,
            error,
            last_logs,
            ..
        }) => {
            for line in &last_logs {
                println!("  log: {line}");
            }
            let reason = error.unwrap_or_else(|| "no reason given".into());
            return Err(format!("the deployment ended as {status}: {reason}").into());
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(logs) = support::offered(deployment.logs().await)? {
        println!("logs:");
        for line in logs {
            let stream = line.stream.as_ref().map_or("-", |s| s.as_str());
            println!(
                "  {} {:<6} {}",
                line.timestamp.format("%H:%M:%S%.3f"),
                stream,
                line.message
            );
        }
    }

    heading("6. Call a tool of the deployed server");
    let server = client.mcp().server(SERVER);
    let call = match support::offered(server.tools().await)? {
        Some(tools) if tools.is_empty() && discovered.is_some_and(|n| n > 0) => {
            return Err(format!("{SERVER} listed no tools; its deployment found some").into());
        }
        Some(tools) => {
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            println!("its tools: {}", names.join(", "));
            // Something that writes if the server can (notes), else a call that needs no input.
            let tool = tools
                .iter()
                .find(|t| t.name == "add_note")
                .or_else(|| tools.iter().find(|t| required(&t.input_schema).is_empty()))
                .or_else(|| tools.first());
            tool.map(|t| {
                let schema = Value::Object(t.input_schema.clone());
                let arguments = arguments_for(&t.tool_id, &schema, "hello from the quickstart");
                (t.name.clone(), arguments)
            })
        }
        // The gateway cannot list them, but the notes server's tools are known.
        None if support::deploys_notes(guard) => {
            println!("it is the notes server, which has add_note");
            Some((
                "add_note".to_string(),
                arguments_for("add_note", &Value::Null, ""),
            ))
        }
        None => {
            println!("its tools are not known here: no call");
            return Ok(());
        }
    };
    let Some((tool, arguments)) = call else {
        println!("it has no tool to call");
        return Ok(());
    };
    let tool_id = format!("{SERVER}.{tool}");
    println!("{tool_id}({arguments})");
    let Some(result) = support::ran(&tool_id, server.call(&tool, &arguments).await)? else {
        return Ok(());
    };
    if result.is_error() {
        return Err(format!("{SERVER}.{tool} reported an error: {}", result.text()).into());
    }
    println!("-> {}", result.text());
    Ok(())
}

/// Arguments for a tool: sensible ones for the reference gateway's tools, otherwise every
/// required property filled in from the input schema (strings get `text`).
fn arguments_for(tool_id: &str, schema: &Value, text: &str) -> Value {
    let name = tool_id.split_once('.').map_or(tool_id, |(_, name)| name);
    match (tool_id, name) {
        ("math.evaluate", _) => json!({"expression": "2*(3+4)^2"}),
        ("math.statistics", _) => json!({"numbers": [2, 4, 4, 4, 5, 5, 7, 9]}),
        ("math.count_primes", _) => json!({"n": 1_000_000}),
        ("text.transform", _) => json!({"text": text, "operation": "title"}),
        ("text.base64_decode", _) => json!({"base64": "aGVsbG8sIHdvcmxk"}),
        (_, "add_note") => json!({
            "title": "First note",
            "body": "Written by the Rust quickstart.",
            "tags": ["quickstart"]
        }),
        _ => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let mut arguments = Map::new();
            for field in required(schema.as_object().unwrap_or(&Map::new())) {
                let property = properties.and_then(|p| p.get(&field));
                arguments.insert(field, sample(property, text));
            }
            Value::Object(arguments)
        }
    }
}

/// The required properties of an object schema.
fn required(schema: &Map<String, Value>) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A value that fits a property's schema.
fn sample(property: Option<&Value>, text: &str) -> Value {
    let Some(property) = property else {
        return json!(text);
    };
    if let Some(first) = property
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match property.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ => json!(text),
    }
}
