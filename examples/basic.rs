//! The basics of the client: configure it, check the gateway's health, find out what it
//! offers (its catalog, OAuth configurations and MCP servers), page through the tool
//! catalog (a stream over pages), select tools for a request, invoke one, and look a tool
//! up with its input schema. What the gateway does not offer is said in one line.
//!
//! ```text
//! cargo run --example basic
//! ```
//!
//! With no configuration it starts the reference gateway in this process; set
//! `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and `CONNECTORS_TENANT_ID` to use another.

mod support;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use connectors::{Connectors, RequestOptions};
use futures::TryStreamExt;
use serde_json::json;
use support::{BoxError, heading};

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let started = Instant::now();
    let (client, guard) = support::connect().await?;
    let outcome = basics(&client).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn basics(client: &Connectors) -> Result<(), BoxError> {
    heading("Configuration");
    // `support::connect` built the client. In a program of your own, one of:
    //   Connectors::from_env()?                       (CONNECTORS_BASE_URL, _API_KEY, ...)
    //   Connectors::builder().with_env().base_url(..).timeout(..).max_retries(..).build()?
    let config = client.config();
    println!("base URL:    {}", config.base_url());
    println!(
        "API key:     {}",
        if config.has_api_key() {
            "set (never printed)"
        } else {
            "none"
        }
    );
    println!("tenant:      {}", config.tenant_id().unwrap_or("(none)"));
    println!(
        "per attempt: {:?}, retries: {}",
        config.timeout(),
        config.retry_policy().max_retries
    );
    // A bad setting is an error of `build()`, naming it.
    let refused = Connectors::builder().base_url("localhost:3000").build();
    if let Err(e) = refused {
        println!("a bad setting: {e}");
    }

    heading("Health");
    // Per-call options without a new client: this handle gives up quickly, no retries.
    let quick = client.with_options(
        RequestOptions::new()
            .timeout(Duration::from_secs(5))
            .max_retries(0),
    );
    let health = quick.health().check().await?;
    println!("gateway: {}", health.status);

    heading("What the gateway offers");
    let offer = support::discover(client).await?;
    // Count the servers rather than trust `total`: the original gateway reports the
    // length of the page there.
    let servers: Vec<_> = client.mcp().list().stream().try_collect().await?;
    println!("MCP servers: {}", servers.len());
    for server in servers {
        println!(
            "  {:<8} {:<9} {} tools, category {}",
            server.name,
            server.status.as_str(),
            server.tool_count.map_or("?".into(), |n| n.to_string()),
            server.category.as_deref().unwrap_or("-")
        );
    }

    heading("The tool catalog, page after page");
    // One page...
    let first = client.tools().list().page_size(4).await?;
    println!(
        "first page: {} tools (has more: {})",
        first.items.len(),
        first.has_more()
    );
    // ...or every tool, the stream fetching the next page when it needs it.
    let mut tools = client.tools().list().page_size(4).stream();
    let mut count = 0;
    while let Some(tool) = tools.try_next().await? {
        count += 1;
        println!(
            "  {:<20} {}",
            tool.tool_id,
            first_sentence(&tool.description)
        );
    }
    println!("{count} tools streamed");

    heading("Select tools for a request");
    let query = "count the words in a text";
    let selected = client.tools().select(query).max_tools(3).await;
    if let Some(selection) = support::offered(selected)? {
        println!("{query:?}: {} tools selected", selection.tools.len());
        for tool in &selection.tools {
            println!(
                "  {:.2} {:<20} {}",
                tool.score,
                tool.tool_id,
                tool.reason.as_deref().unwrap_or("")
            );
        }
    }

    heading("Invoke a tool");
    if offer.may_run("text.word_count")? {
        let text = "the quick brown fox jumps over the lazy dog the end";
        let invoked = client
            .tools()
            .invoke("text.word_count", json!({"text": text, "top": 2}))
            .await;
        if let Some(result) = support::ran("text.word_count", invoked)? {
            if result.is_error() {
                return Err(format!("text.word_count reported an error: {}", result.text()).into());
            }
            println!("text.word_count -> {}", result.structured());
        }
    }

    heading("One tool, with its input schema");
    // `math.evaluate` where the catalog has it, else its first tool.
    let Some(id) = offer
        .catalog
        .iter()
        .find(|t| t.tool_id == "math.evaluate")
        .or(offer.catalog.first())
        .map(|t| t.tool_id.clone())
    else {
        println!("no tool to look up: the catalog is empty");
        return Ok(());
    };
    let Some(tool) = support::offered(client.tools().get(&id).await)? else {
        return Ok(());
    };
    println!("{} ({}): {}", tool.tool_id, tool.category, tool.description);
    // The input schema is the MCP server's JSON Schema, whole.
    let parameters = tool.schema.map(|s| s.parameters).unwrap_or_default();
    let required = parameters.get("required").and_then(|r| r.as_array());
    let properties = parameters.get("properties").and_then(|p| p.as_object());
    for (name, parameter) in properties.into_iter().flatten() {
        let required = if required.is_some_and(|r| r.iter().any(|n| n == name.as_str())) {
            "required"
        } else {
            "optional"
        };
        let kind = parameter
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("any");
        println!("  {name}: {kind} ({required})");
    }
    Ok(())
}

/// The first sentence of a description, to keep listings on one line.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}
