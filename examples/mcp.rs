//! MCP servers end to end: deploy a stdio MCP server and wait until it is ready, read its
//! logs, call its tools by name, make typed calls (a serde + schemars input type, the
//! output decoded into a Rust type), select tools and hand them to an LLM as OpenAI and
//! Anthropic function definitions, then remove the server.
//!
//! ```text
//! cargo run --example mcp
//! ```
//!
//! With no configuration it starts the reference gateway in this process and deploys this
//! example's own executable as the `notes` MCP server. Against another gateway
//! (`CONNECTORS_BASE_URL`, ...) it deploys `CONNECTORS_EXAMPLE_MCP_COMMAND` (default
//! `npx -y @modelcontextprotocol/server-memory`) and skips the calls meant for `notes`.
//! What the gateway does not offer (the original TypeScript gateway lists no tools of a
//! deployed server and runs them only with OAuth credentials stored for it) is said in
//! one line and skipped; the server is removed whatever happens.

mod support;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use connectors::deployments::Deployment;
use connectors::function_calling::{self, ToolDefinition};
use connectors::mcp::Server;
use connectors::typed::TypedTool;
use connectors::{Connectors, Error};
use futures::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{BoxError, Guard, Offer, heading};

/// The deployed server's name: the first part of its tool ids (`example-notes.add_note`).
const SERVER: &str = "example-notes";
/// Its category, which tool selection can filter on.
const CATEGORY: &str = "example";

/// The input of `add_note`; its JSON Schema comes from the type (schemars).
#[derive(Serialize, JsonSchema)]
struct AddNote {
    /// Short title of the note.
    title: String,
    /// The note's text.
    body: String,
    /// Labels, e.g. `["work"]`.
    tags: Vec<String>,
}

/// A note, as `add_note` and `get_note` return it.
#[derive(Debug, Deserialize)]
struct Note {
    id: u64,
    title: String,
    tags: Vec<String>,
}

/// The input of `search_notes`.
#[derive(Serialize, JsonSchema)]
struct SearchNotes {
    /// Words to look for.
    query: String,
    /// At most this many results.
    limit: Option<usize>,
}

/// The output of `search_notes`.
#[derive(Debug, Deserialize)]
struct SearchResults {
    results: Vec<SearchHit>,
}

#[derive(Debug, Deserialize)]
struct SearchHit {
    id: u64,
    title: String,
    score: u32,
}

/// `math.evaluate` of the reference gateway as a typed tool: the tool id, the input type
/// and the output type in one place.
struct Evaluate;

#[derive(Serialize, JsonSchema)]
struct Expression {
    /// An arithmetic expression, e.g. `2*(3+4)^2`.
    expression: String,
}

#[derive(Debug, Deserialize)]
struct Evaluation {
    result: f64,
}

impl TypedTool for Evaluate {
    const TOOL_ID: &'static str = "math.evaluate";
    const DESCRIPTION: &'static str = "Evaluate an arithmetic expression";
    type Input = Expression;
    type Output = Evaluation;
}

#[tokio::main]
async fn main() -> ExitCode {
    // Started by the gateway as the deployed MCP server: serve it and nothing else.
    if let Some(name) = support::mcp_server_name() {
        return support::serve_mcp_server(&name).await;
    }
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let started = Instant::now();
    let (client, guard) = support::connect().await?;
    let outcome = mcp(&client, &guard).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn mcp(client: &Connectors, guard: &Guard) -> Result<(), BoxError> {
    heading("What the gateway offers");
    let offer = support::discover(client).await?;

    heading("Deploy a stdio MCP server");
    let (source, command) = support::mcp_server_source(guard)?;
    println!("{SERVER}: {command}");
    support::remove_leftover(client, SERVER).await?;
    let deployment = client
        .mcp()
        .add(SERVER, source, CATEGORY)
        .description("Notes for the mcp example")
        .await?
        .poll_interval(Duration::from_millis(200));
    if let Some(accepted) = deployment.accepted_as() {
        println!(
            "deployment {} {} (the gateway estimates {})",
            deployment.id(),
            accepted.status,
            accepted.estimated_time.as_deref().unwrap_or("nothing")
        );
    }
    // Remove the server whatever happens next.
    let used = use_server(client, guard, &offer, &deployment).await;

    heading("Remove the server");
    let removed = client.mcp().remove(SERVER).await;
    used?;
    println!("{}", removed?.message.unwrap_or_else(|| "removed".into()));
    // The listing, which every gateway answers (from its custom servers, when it has no
    // server listing of its own).
    let mut servers = client.mcp().list().stream();
    while let Some(server) = servers.try_next().await? {
        if server.name == SERVER {
            return Err(format!("{SERVER} is still listed ({})", server.status).into());
        }
    }
    println!("{SERVER} is no longer listed");
    Ok(())
}

async fn use_server(
    client: &Connectors,
    guard: &Guard,
    offer: &Offer,
    deployment: &Deployment,
) -> Result<(), BoxError> {
    let ready = match deployment.wait_until_ready(Duration::from_secs(180)).await {
        Ok(ready) => ready,
        Err(Error::Deployment {
            status,
            error,
            last_logs,
            ..
        }) => {
            for line in last_logs {
                println!("  log: {line}");
            }
            let reason = error.unwrap_or_else(|| "no reason given".into());
            return Err(format!("the deployment ended as {status}: {reason}").into());
        }
        Err(e) => return Err(e.into()),
    };
    let discovered = ready.tools_discovered;
    println!(
        "{}: {} tools discovered",
        ready.status,
        discovered.map_or("?".into(), |n| n.to_string())
    );

    heading("Its logs (the last 10 lines)");
    for line in support::offered(deployment.logs_tail(10).await)?.unwrap_or_default() {
        println!(
            "  {} {}",
            line.timestamp.format("%H:%M:%S%.3f"),
            line.message
        );
    }

    heading("The server and its tools");
    let server = client.mcp().server(SERVER);
    if let Some(info) = support::offered(server.info().await)? {
        println!(
            "{} ({}, {})",
            info.name,
            info.type_,
            info.transport.as_deref().unwrap_or("?"),
        );
    }
    if let Some(health) = support::offered(server.health().await)? {
        let latency = health
            .latency_ms
            .map_or("?".into(), |ms| format!("{ms:.1}"));
        println!("health {} ({latency} ms)", health.status);
    }
    let tools = support::offered(server.tools().await)?;
    for tool in tools.iter().flatten() {
        println!(
            "  {:<14} needs [{}]",
            tool.name,
            required(&tool.input_schema).join(", ")
        );
    }
    match tools {
        Some(tools) if tools.is_empty() && discovered.is_some_and(|n| n > 0) => {
            return Err(format!("{SERVER} listed no tools; its deployment found some").into());
        }
        Some(tools) if tools.iter().any(|t| t.name == "add_note") => notes_calls(&server).await?,
        Some(tools) => {
            if let Some(tool) = tools.iter().find(|t| required(&t.input_schema).is_empty()) {
                heading("A call by name");
                let called = server.call(&tool.name, json!({})).await;
                if let Some(result) = support::ran(&tool.tool_id, called)? {
                    println!("{} -> {}", tool.tool_id, result.text());
                }
            }
            println!("(not the notes server: skipping the calls meant for it)");
        }
        // The gateway cannot list them, but the notes server's tools are known.
        None if support::deploys_notes(guard) => notes_calls(&server).await?,
        None => println!("(its tools are not known: skipping the calls meant for notes)"),
    }

    typed_tool(client, offer).await?;
    tools_for_a_model(client).await
}

/// Calls of the `notes` server, by name with JSON and with types.
async fn notes_calls(server: &Server) -> Result<(), BoxError> {
    heading("Calls by name, with JSON arguments");
    let note = json!({"title": "Rust SDK", "body": "Try the typed calls", "tags": ["rust", "sdk"]});
    println!("add_note({note})");
    // The first call tells whether the gateway runs this server's tools for us at all.
    let tool_id = format!("{SERVER}.add_note");
    let Some(result) = support::ran(&tool_id, server.call("add_note", &note).await)? else {
        return Ok(());
    };
    println!("-> {}", result.text());
    let result = server.call("list_notes", json!({})).await?;
    println!("list_notes -> {}", result.text());

    heading("Typed calls: a Rust type in, a Rust type out");
    let note: Note = server
        .call(
            "add_note",
            &AddNote {
                title: "Deploying MCP servers".into(),
                body: "stdio servers start in a second; rust makes them small".into(),
                tags: vec!["mcp".into()],
            },
        )
        .await?
        .decode()?;
    println!(
        "added note {} {:?} with tags {:?}",
        note.id, note.title, note.tags
    );
    let found: SearchResults = server
        .call(
            "search_notes",
            &SearchNotes {
                query: "rust".into(),
                limit: Some(5),
            },
        )
        .await?
        .decode()?;
    for hit in &found.results {
        println!(
            "  found note {} {:?} (score {})",
            hit.id, hit.title, hit.score
        );
    }
    if found.results.len() != 2 {
        return Err(format!("expected 2 notes about rust, found {}", found.results.len()).into());
    }
    Ok(())
}

/// A [`TypedTool`]: the call, and its function definition derived from the input type.
async fn typed_tool(client: &Connectors, offer: &Offer) -> Result<(), BoxError> {
    heading("A typed tool (math.evaluate)");
    if offer.may_run(Evaluate::TOOL_ID)? {
        let called = client
            .tools()
            .call::<Evaluate>(&Expression {
                expression: "2*(3+4)^2".into(),
            })
            .await;
        if let Some(evaluation) = support::ran(Evaluate::TOOL_ID, called)? {
            println!("2*(3+4)^2 = {}", evaluation.result);
        }
    }
    println!("its definition for a model, the schema derived from `Expression`:");
    let definition = ToolDefinition::from_typed::<Evaluate>();
    println!("{}", serde_json::to_string_pretty(&definition.to_openai())?);
    Ok(())
}

/// Selects tools and exports them as function definitions; then plays the model's part:
/// a tool call comes back and is run through the toolset that named it.
async fn tools_for_a_model(client: &Connectors) -> Result<(), BoxError> {
    heading("Tools for an LLM");
    let query = "search my notes";
    let selected = client
        .tools()
        .select(query)
        .categories([CATEGORY])
        .max_tools(2)
        .await;
    let Some(selection) = support::offered(selected)? else {
        return Ok(());
    };
    if selection.tools.is_empty() {
        if support::everything_offered() {
            return Err(format!("nothing selected in category {CATEGORY}").into());
        }
        support::not_offered(&format!(
            "selecting the tools of {SERVER}: none of category {CATEGORY} was selected"
        ));
        return Ok(());
    }
    for tool in &selection.tools {
        println!("{:.2} {}", tool.score, tool.tool_id);
    }
    // Every definition carries its tool's input schema; the names are valid for both
    // providers and map back through the toolset.
    let toolset = selection.toolset()?;
    println!("\nOpenAI (Chat Completions `tools`):");
    println!("{}", serde_json::to_string_pretty(&toolset.openai_tools())?);
    println!("\nAnthropic (Messages `tools`):");
    println!(
        "{}",
        serde_json::to_string_pretty(&toolset.anthropic_tools())?
    );

    // What a model might answer (Anthropic's shape); no model is called here.
    let Some(search) = toolset
        .definitions()
        .iter()
        .find(|d| d.tool_id.ends_with(".search_notes"))
    else {
        println!("(no search_notes among the selected tools: nothing for the model to call)");
        return Ok(());
    };
    let assistant = json!({
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Let me look."},
            {"type": "tool_use", "id": "toolu_example", "name": search.name, "input": {"query": "mcp"}}
        ]
    });
    println!("\nthe model answers: {assistant}");
    let results = client.tools().run_calls(&toolset, &assistant).await?;
    println!("the reply to the model: {}", results.anthropic_message());

    // Definitions from anywhere go into one toolset: here the selected ones and the
    // typed tool.
    let mut combined = toolset.definitions().to_vec();
    combined.push(ToolDefinition::from_typed::<Evaluate>());
    let combined = function_calling::Toolset::new(combined);
    let names: Vec<&str> = combined
        .definitions()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    println!("one `tools` array for the model: {}", names.join(", "));
    Ok(())
}

/// The required properties of a tool's input schema.
fn required(schema: &serde_json::Map<String, Value>) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}
