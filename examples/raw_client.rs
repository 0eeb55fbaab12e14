//! The generated client on its own: no facade, any `reqwest::Client`.
//!
//! ```text
//! CONNECTORS_BASE_URL=http://127.0.0.1:3000 CONNECTORS_API_KEY=... cargo run --example raw_client
//! ```

use connectors::api::{Client, Transport, prelude::*};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base =
        std::env::var("CONNECTORS_BASE_URL").unwrap_or_else(|_| "http://localhost:3000".into());
    let mut headers = reqwest::header::HeaderMap::new();
    if let Ok(key) = std::env::var("CONNECTORS_API_KEY") {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}"))?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    let client = Client::new_with_client(&base, http, Transport::default());

    let health = client.get_health().send().await?.into_inner().data;
    println!("gateway at {base}: {}", health.status);

    match client.list_tools().limit(10).send().await {
        Ok(page) => {
            let page = page.into_inner().data;
            println!(
                "{} tools in the catalog; the first {}:",
                page.pagination.total,
                page.tools.len()
            );
            for tool in page.tools {
                println!("  {:<40} {}", tool.tool_id, tool.description);
            }
        }
        Err(connectors::api::Error::ErrorResponse(e)) => {
            println!(
                "the gateway refused to list tools ({}): {:?}",
                e.status(),
                e.into_inner()
            );
        }
        Err(e) => return Err(e.into_untyped().to_string().into()),
    }
    Ok(())
}
