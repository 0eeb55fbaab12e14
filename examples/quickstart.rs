//! The seeds' common patterns: discover servers, select tools, invoke one, handle errors.
//!
//! ```text
//! CONNECTORS_BASE_URL=http://127.0.0.1:3000 CONNECTORS_API_KEY=... CONNECTORS_TENANT_ID=... \
//!     cargo run --example quickstart -- "create a pull request"
//! ```

use connectors::{Connectors, Error};
use futures::TryStreamExt;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "evaluate an arithmetic expression".into());
    let client = Connectors::from_env()?;
    println!("gateway: {}", client.health().check().await?.status);

    // Discover servers and the catalog.
    match client.mcp().list().await {
        Ok(servers) => {
            for server in servers {
                println!(
                    "server {:<12} {:<10} {} tools",
                    server.name,
                    server.status,
                    server.tool_count.unwrap_or(0)
                );
            }
        }
        // The original gateway has no server listing; say so and go on.
        Err(Error::NotFound(_)) => println!("this gateway does not list servers"),
        Err(e) => return Err(e),
    }
    let catalog: Vec<_> = client.tools().list().stream().try_collect().await?;
    println!("{} tools in the catalog", catalog.len());

    // Select tools for the request.
    let selection = client.tools().select(&query).max_tools(5).await?;
    for tool in &selection.tools {
        println!(
            "{:.2} {} ({} tokens) {}",
            tool.score,
            tool.tool_id,
            tool.token_cost,
            tool.reason.as_deref().unwrap_or("")
        );
    }

    // Invoke the best one (with made-up arguments) and handle what can go wrong.
    if let Some(best) = selection.tools.first() {
        match client
            .tools()
            .invoke(&best.tool_id, json!({"expression": "2*(3+4)"}))
            .await
        {
            Ok(result) => println!("{} -> {}", best.tool_id, result.text()),
            Err(Error::ToolInvocation {
                tool_id, message, ..
            }) => println!("{tool_id} failed: {message}"),
            Err(Error::RateLimited(e)) => println!("rate limited; retry in {:?}", e.retry_after),
            Err(Error::Config { setting, message }) => println!("{setting}: {message}"),
            Err(e) => println!(
                "{e} (status {:?}, code {:?}, request {:?})",
                e.status(),
                e.code(),
                e.request_id()
            ),
        }
    }
    Ok(())
}
