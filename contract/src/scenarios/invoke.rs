//! Tool invocations (writes: a tool may have side effects). They call a tool of the
//! server the run deployed; without one, a tool that cannot exist, expecting 404.

use std::time::Duration;

use connectors::api::types;
use serde_json::json;

use crate::judge::Expect;
use crate::streams::{self, Ending};
use crate::suite::Suite;

/// The built-in notes server's harmless listing tool, called when the run deployed it.
const KNOWN_TOOL: &str = "list_notes";
/// How long a streamed invocation may take.
const STREAM_WAIT: Duration = Duration::from_secs(30);

/// `server`: the run's running server and its tools, if it has one.
pub(crate) async fn run(suite: &mut Suite, server: Option<(String, Vec<types::McpTool>)>) {
    let target = server.and_then(|(name, tools)| {
        let known = tools.iter().any(|t| t.name == KNOWN_TOOL);
        // Another deploy command serves other tools: the first one, called without
        // arguments, may refuse them (400), which is a declared refusal too.
        let tool = if known {
            Some(KNOWN_TOOL.to_string())
        } else {
            tools.first().map(|t| t.name.clone())
        };
        tool.map(|tool| (format!("{name}.{tool}"), known))
    });
    let (tool_id, single, batch, ending) = match target {
        Some((id, true)) => (id, Expect::Success, Expect::Success, Ending::Result),
        Some((id, false)) => (
            id,
            Expect::SuccessOrRefused,
            Expect::Success,
            Ending::ResultOrError,
        ),
        None => (
            format!("{}.nothing", suite.absent("")),
            Expect::Refused,
            // The reference gateway reports an unknown tool per item; 404 is declared too.
            Expect::SuccessOrRefused,
            Ending::ResultOrError,
        ),
    };
    let strict = single == Expect::Success;
    let client = suite.client.clone();
    let tools = client.tools();

    if suite.write_allowed("invokeTool") {
        suite
            .run(
                "invokeTool",
                single,
                tools.invoke(tool_id.as_str(), json!({})).send(),
            )
            .await;
    }
    if suite.write_allowed("invokeToolsBatch") {
        let calls = [(tool_id.as_str(), json!({})), (tool_id.as_str(), json!({}))];
        let results = suite
            .run("invokeToolsBatch", batch, tools.invoke_batch(calls))
            .await;
        if strict && let Some(results) = results {
            for (index, result) in results.iter().enumerate() {
                if let Err(e) = result {
                    suite.fail("invokeToolsBatch", format!("item {index} failed: {e}"));
                }
            }
        }
    }
    if suite.write_allowed("invokeToolStream") {
        let events = suite
            .run(
                "invokeToolStream",
                single,
                tools.invoke_stream(&tool_id, json!({})),
            )
            .await;
        if let Some(events) = events {
            streams::watch_invocation(suite, events, ending, STREAM_WAIT).await;
        }
    }
}
