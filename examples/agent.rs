//! An agent loop you can run: select the tools that fit a request, hand them to a model as
//! function definitions, run the calls the model makes through the gateway, hand the
//! results back, and go on until the model answers. Once in the shape of OpenAI's Chat
//! Completions, once in that of Anthropic's Messages.
//!
//! ```text
//! cargo run --example agent                            # "evaluate 2 * (3 + 4)"
//! cargo run --example agent -- "evaluate 2^10 - 24"    # another request
//! ```
//!
//! The model is a scripted stand-in (deterministic, no network, no key): it sees what a
//! real one sees (the conversation and the `tools` definitions, in the provider's shape),
//! calls the top tool with arguments filled in from that tool's input schema, and answers
//! in the provider's exact wire shape; once the tool has answered, it reads the result and
//! gives its final answer. In the Anthropic loop it first makes a mistake a model can make,
//! calling a tool by a name it was not given: the call gets an error result
//! (`is_error: true`) that the model reads, and it recovers. Replace `ScriptedModel::respond`
//! with a request to the provider and the loop stays as it is.
//!
//! With no configuration it starts the reference gateway in this process (its `math`
//! server answers the request); set `CONNECTORS_BASE_URL`, `CONNECTORS_API_KEY` and
//! `CONNECTORS_TENANT_ID` to use another. `CONNECTORS_LOG=connectors=debug` shows each
//! request. A gateway without a tool for the request, or that will not run it for this
//! client (the original gateway answers 401 `OAUTH_AUTHENTICATION_FAILED` unless OAuth
//! credentials are stored for the tool's integration), is said in one line to not offer
//! it, and the example still exits 0.

mod support;

use std::process::ExitCode;
use std::time::Instant;

use connectors::Connectors;
use connectors::function_calling::{Provider, ToolCallResults, Toolset};
use serde_json::{Map, Value, json};
use support::{BoxError, heading};

/// The request; the reference gateway's `math.evaluate` answers it.
const DEFAULT_REQUEST: &str = "evaluate 2 * (3 + 4)";
/// Model turns a loop may take before it is stopped.
const MAX_TURNS: usize = 5;
/// The stand-in's model name, in its responses.
const MODEL: &str = "scripted-stand-in";
/// The width of the column that says who speaks.
const WHO: usize = 13;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let request = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_REQUEST.to_string());
    let started = Instant::now();
    let (client, guard) = support::connect().await?;
    // The in-process gateway's `math` server answers the default request: where that
    // gateway offers everything, both loops must end with its answer.
    let must_answer = support::everything_offered() && request == DEFAULT_REQUEST;
    let outcome = agent(&client, &request, must_answer).await;
    guard.shutdown().await;
    outcome?;
    support::done(started);
    Ok(())
}

async fn agent(client: &Connectors, request: &str, must_answer: bool) -> Result<(), BoxError> {
    heading("What the gateway offers");
    let offer = support::discover(client).await?;

    heading(&format!("Select tools for {request:?}"));
    let selected = client.tools().select(request).max_tools(3).await;
    let Some(selection) = support::offered(selected)? else {
        return Ok(());
    };
    if selection.tools.is_empty() {
        let why = match offer.catalog.len() {
            0 => "its tool catalog is empty".to_string(),
            n => format!("none of its {n} tools fits"),
        };
        if must_answer {
            return Err(format!("no tool for {request:?}: {why}").into());
        }
        support::not_offered(&format!("a tool for this request; {why}"));
        return Ok(());
    }
    // Function definitions, each with its input schema, and the way back from a
    // function name to the gateway's tool id.
    let toolset = match selection.toolset() {
        Ok(toolset) => toolset,
        // A model must not be given a tool without its parameters.
        Err(connectors::Error::SchemaUnavailable { tool_id }) if !must_answer => {
            support::not_offered(&format!("the input schema of {tool_id}"));
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    for definition in toolset.definitions() {
        println!("{:<22} -> function {}", definition.tool_id, definition.name);
    }

    let mut answered = 0;
    for (provider, model) in [
        (Provider::OpenAi, ScriptedModel::new(Provider::OpenAi)),
        (
            Provider::Anthropic,
            ScriptedModel::new(Provider::Anthropic).stumbling(),
        ),
    ] {
        match agent_loop(client, &toolset, request, model).await? {
            Ending::Answered => answered += 1,
            Ending::GaveUp if must_answer => {
                let name = provider_name(provider);
                return Err(format!("the {name} loop ended without an answer").into());
            }
            Ending::GaveUp | Ending::NotOffered => {}
        }
    }
    println!("\n{answered} of 2 loops ended with an answer from a tool.");
    Ok(())
}

/// How a loop ended.
enum Ending {
    /// The model answered from a tool's result.
    Answered,
    /// The model answered without one (the tool failed).
    GaveUp,
    /// The gateway does not run the tool (said so).
    NotOffered,
}

/// One conversation: the user's request, then model turns and tool results until the
/// model answers without calling a tool.
async fn agent_loop(
    client: &Connectors,
    toolset: &Toolset,
    request: &str,
    mut model: ScriptedModel,
) -> Result<Ending, BoxError> {
    let provider = model.provider;
    heading(provider_name(provider));
    // The `tools` of every request to the model.
    let tools = toolset.tools_for(provider);
    println!("tools: {}", serde_json::to_string(&tools)?);
    println!();

    let mut conversation = vec![json!({"role": "user", "content": request})];
    show(provider, &conversation[0]);
    let mut tool_answered = false;
    for _ in 0..MAX_TURNS {
        // A real loop sends `conversation` and `tools` to the provider here.
        let response = model.respond(&conversation, &tools);
        let (message, wants_tools) = match provider {
            Provider::Anthropic => (
                json!({"role": "assistant", "content": response["content"]}),
                response["stop_reason"] == "tool_use",
            ),
            _ => (
                response["choices"][0]["message"].clone(),
                response["choices"][0]["finish_reason"] == "tool_calls",
            ),
        };
        show(provider, &message);
        conversation.push(message);
        if !wants_tools {
            return Ok(if tool_answered {
                Ending::Answered
            } else {
                Ending::GaveUp
            });
        }

        // Run the calls of the assistant message, whatever it holds.
        let assistant = conversation.last().expect("just pushed");
        let results = client.tools().run_calls(toolset, assistant).await?;
        if let Some(refusal) = refused(&results) {
            // Where everything is offered, a refusal is the example's failure.
            if support::everything_offered() {
                return Err(refusal.into());
            }
            support::not_offered(&refusal);
            return Ok(Ending::NotOffered);
        }
        tool_answered |= results.outcomes().iter().any(|o| !o.is_error());
        for outcome in results.outcomes() {
            let ran = outcome
                .tool_id
                .as_deref()
                .unwrap_or("(not in the toolset: nothing ran)");
            let state = if outcome.is_error() { "error" } else { "ok" };
            println!(
                "{:<WHO$}{} -> {ran}: {state}",
                "run_calls", outcome.call.name
            );
        }
        let answers = match provider {
            Provider::Anthropic => vec![results.anthropic_message()],
            _ => results.openai_messages(),
        };
        for message in answers {
            show(provider, &message);
            conversation.push(message);
        }
    }
    Err(format!("the model did not finish within {MAX_TURNS} turns").into())
}

/// The API whose shapes a loop uses.
fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Anthropic => "Anthropic Messages",
        _ => "OpenAI Chat Completions",
    }
}

/// What the gateway does not do, when it refused to run a call of `results` for a
/// reason of its own ([`support::limit`]), such as the original gateway's 401
/// `OAUTH_AUTHENTICATION_FAILED`.
fn refused(results: &ToolCallResults) -> Option<String> {
    results.outcomes().iter().find_map(|outcome| {
        let why = support::limit(outcome.result.as_ref().err()?)?;
        let tool = outcome.tool_id.as_deref().unwrap_or("the tool");
        Some(format!("{tool}: {why}"))
    })
}

/// Prints one message of the conversation: who, what, then the message as sent.
fn show(provider: Provider, message: &Value) {
    let role = message["role"].as_str().unwrap_or("?");
    let mut lines = Vec::new();
    if let Some(text) = message["content"].as_str() {
        lines.push(text.to_string());
    }
    // OpenAI: `tool_calls` with JSON-string arguments; a `role: tool` message per result.
    for call in message["tool_calls"].as_array().into_iter().flatten() {
        lines.push(format!(
            "calls {}({})  [{}]",
            call["function"]["name"].as_str().unwrap_or("?"),
            call["function"]["arguments"].as_str().unwrap_or("?"),
            call["id"].as_str().unwrap_or("?")
        ));
    }
    if let Some(id) = message["tool_call_id"].as_str() {
        lines = vec![format!(
            "[{id}] {}",
            message["content"].as_str().unwrap_or("")
        )];
    }
    // Anthropic: `content` blocks of text, `tool_use` and `tool_result`.
    for block in message["content"].as_array().into_iter().flatten() {
        lines.push(match block["type"].as_str() {
            Some("text") => block["text"].as_str().unwrap_or("").to_string(),
            Some("tool_use") => format!(
                "calls {}({})  [{}]",
                block["name"].as_str().unwrap_or("?"),
                block["input"],
                block["id"].as_str().unwrap_or("?")
            ),
            Some("tool_result") => format!(
                "[{}] {}{}",
                block["tool_use_id"].as_str().unwrap_or("?"),
                block["content"].as_str().unwrap_or(""),
                if block["is_error"] == true {
                    "  (is_error: true)"
                } else {
                    ""
                }
            ),
            _ => block.to_string(),
        });
    }
    let who = match (provider, role) {
        (Provider::Anthropic, "user") if message["content"].is_array() => "tool_result",
        _ => role,
    };
    for (at, line) in lines.iter().enumerate() {
        println!("{:<WHO$}{line}", if at == 0 { who } else { "" });
    }
    println!("{:<WHO$}wire: {message}", "");
}

/// A stand-in for the model. It reads only what a model is sent (the conversation and the
/// `tools`, in the provider's shape) and answers with the provider's response body.
struct ScriptedModel {
    provider: Provider,
    /// It first calls the top tool by its bare name, which it was not given (once).
    stumble: bool,
    /// Whether its last call used a name it was not given.
    misnamed: bool,
    /// Responses so far (for the ids).
    responses: usize,
}

/// What the model decided to say.
enum Reply {
    /// A tool call: an explanation, the function name, the arguments.
    Call(String, String, Map<String, Value>),
    /// The final answer.
    Answer(String),
}

impl ScriptedModel {
    fn new(provider: Provider) -> Self {
        ScriptedModel {
            provider,
            stumble: false,
            misnamed: false,
            responses: 0,
        }
    }

    fn stumbling(mut self) -> Self {
        self.stumble = true;
        self
    }

    /// The next response: a call of the top tool to answer the request (again after a
    /// mistake of its own), else the final answer from the tool's result or failure.
    fn respond(&mut self, conversation: &[Value], tools: &Value) -> Value {
        self.responses += 1;
        let request = conversation
            .first()
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default();
        let results = self.latest_results(conversation);
        let top = tools
            .as_array()
            .and_then(|t| t.first())
            .map(|tool| match self.provider {
                Provider::Anthropic => (&tool["name"], &tool["input_schema"]),
                _ => (&tool["function"]["name"], &tool["function"]["parameters"]),
            });
        let failure = results.iter().find(|(_, is_error)| *is_error);
        let reply = match (top, results.first(), failure) {
            (None, _, _) => Reply::Answer("I have no tool for that.".into()),
            (Some((name, schema)), None, _) => {
                let name = name.as_str().unwrap_or_default();
                let arguments = arguments_for(schema, request);
                if std::mem::take(&mut self.stumble) {
                    // The tool's own name, without its server: not a name it was given.
                    self.misnamed = true;
                    let bare = name.rsplit("__").next().unwrap_or(name);
                    Reply::Call(format!("I'll use {bare}."), bare.to_string(), arguments)
                } else {
                    Reply::Call(format!("I'll use {name}."), name.to_string(), arguments)
                }
            }
            // Its own mistake: the error result names the tools it was given.
            (Some((name, schema)), _, Some(_)) if std::mem::take(&mut self.misnamed) => {
                let name = name.as_str().unwrap_or_default();
                Reply::Call(
                    format!("Wrong name: the error lists {name}, so I'll call that."),
                    name.to_string(),
                    arguments_for(schema, request),
                )
            }
            // The tool itself failed: calling it again would fail the same way.
            (_, _, Some((error, _))) => Reply::Answer(format!(
                "I could not work that out: {}",
                error.trim_start_matches("Error: ")
            )),
            (_, Some((text, _)), None) => Reply::Answer(answer_from(text)),
        };
        self.wire(reply)
    }

    /// The tool results after the model's last turn: (text, is_error) each.
    fn latest_results(&self, conversation: &[Value]) -> Vec<(String, bool)> {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        match self.provider {
            // A user message of `tool_result` blocks.
            Provider::Anthropic => conversation
                .last()
                .filter(|m| m["role"] == "user")
                .and_then(|m| m["content"].as_array())
                .into_iter()
                .flatten()
                .filter(|b| b["type"] == "tool_result")
                .map(|b| (text(&b["content"]), b["is_error"] == true))
                .collect(),
            // The `role: tool` messages at the end; an error's text says so.
            _ => {
                let mut results: Vec<(String, bool)> = conversation
                    .iter()
                    .rev()
                    .take_while(|m| m["role"] == "tool")
                    .map(|m| {
                        let content = text(&m["content"]);
                        let is_error = content.starts_with("Error:");
                        (content, is_error)
                    })
                    .collect();
                results.reverse();
                results
            }
        }
    }

    /// The reply as the provider's API sends it.
    fn wire(&self, reply: Reply) -> Value {
        let n = self.responses;
        match (self.provider, reply) {
            (Provider::Anthropic, Reply::Call(text, name, input)) => json!({
                "id": format!("msg_scripted_{n:02}"),
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [
                    {"type": "text", "text": text},
                    {"type": "tool_use", "id": format!("toolu_scripted_{n:02}"), "name": name, "input": input},
                ],
                "stop_reason": "tool_use",
                "stop_sequence": null,
            }),
            (Provider::Anthropic, Reply::Answer(text)) => json!({
                "id": format!("msg_scripted_{n:02}"),
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": null,
            }),
            (_, Reply::Call(_, name, arguments)) => {
                // Chat Completions sends the arguments as a JSON string.
                let arguments = Value::Object(arguments).to_string();
                chat_completion(
                    n,
                    json!({
                        "role": "assistant",
                        "content": null,
                        "tool_calls": [{
                            "id": format!("call_scripted_{n:02}"),
                            "type": "function",
                            "function": {"name": name, "arguments": arguments},
                        }],
                    }),
                    "tool_calls",
                )
            }
            (_, Reply::Answer(text)) => {
                chat_completion(n, json!({"role": "assistant", "content": text}), "stop")
            }
        }
    }
}

/// A Chat Completions response body.
fn chat_completion(n: usize, message: Value, finish_reason: &str) -> Value {
    json!({
        "id": format!("chatcmpl-scripted-{n:02}"),
        "object": "chat.completion",
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    })
}

/// The final answer from a tool's result: its `result` when it is a JSON object with one
/// (as `math.evaluate`'s is), else the text.
fn answer_from(text: &str) -> String {
    let parsed: Option<Map<String, Value>> = serde_json::from_str(text).ok();
    match parsed.as_ref().and_then(|o| Some((o.get("result")?, o))) {
        Some((result, object)) => {
            let result = result
                .as_f64()
                .map_or_else(|| result.to_string(), |n| n.to_string());
            match object.get("expression").and_then(Value::as_str) {
                Some(expression) => format!("{expression} = {result}."),
                None => format!("The answer is {result}."),
            }
        }
        None => format!("The tool says: {text}"),
    }
}

/// Arguments for an input schema: every required property, filled in by its schema.
fn arguments_for(schema: &Value, request: &str) -> Map<String, Value> {
    let properties = &schema["properties"];
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|name| {
            let value = value_for(name, &properties[name], request);
            (name.to_string(), value)
        })
        .collect()
}

/// A value that fits a property's schema: its `const`, first `enum` value or `default`,
/// else one by its type; a string is the part of the request it describes.
fn value_for(name: &str, property: &Value, request: &str) -> Value {
    if let Some(value) = property
        .get("const")
        .or_else(|| property["enum"].get(0))
        .or_else(|| property.get("default"))
    {
        return value.clone();
    }
    // `"type": ["string", "null"]` counts as its first type that is not null.
    let kind = match &property["type"] {
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        other => other.as_str(),
    };
    match kind {
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => Value::Object(arguments_for(property, request)),
        _ => {
            let about = format!("{name} {}", property["description"].as_str().unwrap_or(""));
            let about = about.to_lowercase();
            match arithmetic(request) {
                Some(expression) if about.contains("expression") || about.contains("formula") => {
                    json!(expression)
                }
                _ => json!(request),
            }
        }
    }
}

/// The longest arithmetic part of a text (`2 * (3 + 4)` in `evaluate 2 * (3 + 4)`).
fn arithmetic(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_digit() || " .+-*/%^()".contains(c)))
        .map(str::trim)
        .filter(|part| part.chars().any(|c| c.is_ascii_digit()))
        .max_by_key(|part| part.len())
}
