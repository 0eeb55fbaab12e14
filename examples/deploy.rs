//! Deploy an MCP server, wait until it is ready, call one of its tools, remove it.
//!
//! ```text
//! CONNECTORS_BASE_URL=http://127.0.0.1:3000 CONNECTORS_API_KEY=... CONNECTORS_TENANT_ID=... \
//!     cargo run --example deploy
//! ```

use std::time::Duration;

use connectors::mcp::Source;
use connectors::{Connectors, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Connectors::from_env()?;
    let deployment = client
        .mcp()
        .add(
            "my-notes",
            Source::stdio("connectors-mcp-servers", ["notes"]),
            "productivity",
        )
        .description("Notes kept by the agent")
        .await?;
    println!("deployment {} accepted", deployment.id());

    match deployment.wait_until_ready(Duration::from_secs(120)).await {
        Ok(ready) => println!(
            "ready: {} tools discovered",
            ready.tools_discovered.unwrap_or(0)
        ),
        Err(Error::Deployment {
            status,
            error,
            last_logs,
            ..
        }) => {
            println!("the deployment ended as {status}: {error:?}");
            for line in last_logs {
                println!("  {line}");
            }
            return Ok(());
        }
        Err(e) => return Err(e),
    }

    let notes = client.mcp().get("my-notes");
    for tool in notes.tools().await? {
        println!("  {}", tool.tool_id);
    }
    for line in deployment.logs().await? {
        println!("log {} {}", line.timestamp, line.message);
    }
    client.mcp().remove("my-notes").await?;
    Ok(())
}
