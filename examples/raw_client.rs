//! The generated client on its own: no facade, any `reqwest::Client`, one builder per
//! operation of `openapi.yaml`, errors as `connectors::api::Error<ErrorResponse>`.
//!
//! ```text
//! cargo run --example raw_client
//! ```
//!
//! With no configuration it starts the reference gateway in this process; set
//! `CONNECTORS_BASE_URL` and `CONNECTORS_API_KEY` to use another. What that gateway does
//! not answer (the original has no `GET /tools/{toolId}`, and its selection can fail with
//! 500 `TOOL_SELECTION_FAILED`) is said in one line.

mod support;

use std::process::ExitCode;
use std::time::Instant;

use connectors::api::{Client, Transport, prelude::*, types};
use support::{BoxError, heading};

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let started = Instant::now();
    let guard = support::start_gateway().await?;
    let (base, key) = match guard.embedded() {
        Some(gateway) => (
            gateway.url().to_string(),
            Some(gateway.api_key().to_string()),
        ),
        None => (
            support::env_value(connectors::config::ENV_BASE_URL).unwrap_or_default(),
            support::env_value(connectors::config::ENV_API_KEY),
        ),
    };
    let outcome = raw(&base, key.as_deref()).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn raw(base: &str, key: Option<&str>) -> Result<(), BoxError> {
    // Authentication is a default header of your own reqwest client, marked sensitive so
    // that it never shows in debug output.
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(key) = key {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}"))?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    let client = Client::new_with_client(base, http, Transport::default());

    heading("GET /health");
    let health = client.get_health().send().await?.into_inner().data;
    println!("{}", health.status);

    heading("GET /api/v1/tools/list?limit=5");
    match client.list_tools().limit(5).send().await {
        Ok(page) => {
            // `pagination.total` is not the catalog's size everywhere: the original
            // gateway reports the length of the page there.
            let page = page.into_inner().data;
            println!("the first page: {} tools", page.tools.len());
            for tool in page.tools {
                println!("  {:<22} {}", tool.tool_id, tool.category);
            }
        }
        // A declared error status: the gateway's error body, decoded.
        Err(connectors::api::Error::ErrorResponse(e)) => {
            return Err(format!("the gateway refused to list tools: {}", described(e)).into());
        }
        Err(e) => return Err(e.into_untyped().to_string().into()),
    }

    heading("POST /api/v1/tools/select");
    let request = types::SingleSelectRequest::builder()
        .query("encode a text as base64")
        .options(types::SelectOptions {
            max_tools: Some(3),
            ..Default::default()
        });
    let body = types::SelectToolsRequest::from(types::SingleSelectRequest::try_from(request)?);
    match client.select_tools().body(body).send().await {
        Ok(selected) => {
            if let types::SelectToolsResult::ToolSelectionResult(result) =
                selected.into_inner().data
            {
                let tools: Vec<_> = result
                    .tools
                    .tier1
                    .iter()
                    .chain(&result.tools.tier2)
                    .collect();
                println!("{} tools selected", tools.len());
                for tool in tools {
                    println!("  {:.2} {}", tool.score, tool.tool_id);
                }
            }
        }
        // The original gateway fails a selection without its selection indices: a 500
        // (TOOL_SELECTION_FAILED), which the spec does not declare.
        Err(connectors::api::Error::UnexpectedResponse(response))
            if !support::everything_offered() && response.status().is_server_error() =>
        {
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let code = body["error"]["code"].as_str().unwrap_or("no error code");
            support::not_offered(&format!("tool selection, it answered {status} {code}"));
        }
        Err(connectors::api::Error::ErrorResponse(e)) if !support::everything_offered() => {
            support::not_offered(&format!("tool selection, it answered {}", described(e)));
        }
        Err(e) => return Err(e.into_untyped().to_string().into()),
    }

    heading("GET /api/v1/tools/no.such_tool");
    match client.get_tool().tool_id("no.such_tool").send().await {
        // The gateway's error envelope: a machine-readable code, a message, a request id.
        Err(connectors::api::Error::ErrorResponse(e)) => {
            let status = e.status();
            match e.into_inner() {
                // The route itself is missing (the original gateway has none for one tool).
                types::ErrorResponse::ErrorEnvelope(envelope)
                    if envelope.error.code == "ROUTE_NOT_FOUND" =>
                {
                    if support::everything_offered() {
                        return Err(
                            format!("{status} ROUTE_NOT_FOUND for GET /tools/{{toolId}}").into(),
                        );
                    }
                    support::not_offered("GET /api/v1/tools/{toolId}, it has no route for it");
                }
                types::ErrorResponse::ErrorEnvelope(envelope) => {
                    let request = envelope.metadata.and_then(|m| m.request_id);
                    println!(
                        "{status} {}: {} (request {})",
                        envelope.error.code,
                        envelope.error.message,
                        request.as_deref().unwrap_or("?")
                    );
                }
                other => println!("{status}: {other:?}"),
            }
        }
        Ok(_) => return Err("an unknown tool was found".into()),
        Err(e) => return Err(e.into_untyped().to_string().into()),
    }
    Ok(())
}

/// A declared error response in one line: status, code and message.
fn described(e: connectors::api::ResponseValue<types::ErrorResponse>) -> String {
    let status = e.status();
    match e.into_inner() {
        types::ErrorResponse::ErrorEnvelope(envelope) => {
            format!(
                "{status} {}: {}",
                envelope.error.code, envelope.error.message
            )
        }
        other => format!("{status}: {other:?}"),
    }
}
