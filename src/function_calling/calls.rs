//! The model's tool calls as the providers send them, and the result messages they take
//! back.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::secret::json_kind;
use crate::tools::ToolResult;

/// The API shape of definitions, calls and results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// OpenAI Chat Completions: `tool_calls` with JSON-string `arguments`; results are
    /// `role: tool` messages.
    OpenAi,
    /// The OpenAI Responses API: `function_call` items; results are
    /// `function_call_output` items.
    OpenAiResponses,
    /// Anthropic Messages: `tool_use` blocks; results are `tool_result` blocks in a user
    /// message.
    Anthropic,
}

impl Provider {
    /// Every provider shape, in the order of their names.
    pub const ALL: [Provider; 3] = [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::OpenAiResponses,
    ];

    /// Its name, as [`Provider::from_str`](std::str::FromStr) reads it: `openai`,
    /// `anthropic` or `openai-responses`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::OpenAiResponses => "openai-responses",
            Provider::Anthropic => "anthropic",
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = Error;

    /// `openai`, `openai-responses` or `anthropic`.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "openai-chat" => Ok(Provider::OpenAi),
            "responses" => Ok(Provider::OpenAiResponses),
            name => Provider::ALL
                .into_iter()
                .find(|p| p.name() == name)
                .ok_or_else(|| {
                    Error::invalid(
                        "format",
                        format!("`{s}` is not one of openai, openai-responses, anthropic"),
                    )
                }),
        }
    }
}

/// One call the model made.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolCall {
    /// The provider's id of the call (`call_…`, `toolu_…`), which its result must quote.
    pub id: String,
    /// The function name the model called.
    pub name: String,
    /// The arguments, or why they are not a JSON object (the message never quotes them).
    pub arguments: std::result::Result<Map<String, Value>, String>,
    /// The shape the call came in.
    pub provider: Provider,
}

/// The calls of one model turn, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolCalls {
    calls: Vec<ToolCall>,
}

impl ToolCalls {
    /// The calls in a model's output, whatever its shape: an OpenAI Chat Completions
    /// response, assistant message or `tool_calls` array; an OpenAI Responses response or
    /// its `output` items; an Anthropic message, its `content` blocks, or `tool_use`
    /// blocks. Items that are not calls (text, reasoning) are skipped; a call that is
    /// malformed is kept, so that its id still gets an error result.
    ///
    /// [`Error::InvalidInput`] when the value holds no recognisable shape at all.
    pub fn parse(output: &Value) -> Result<Self> {
        let items: &[Value] = match output {
            Value::Array(items) => items,
            Value::Object(object) => {
                if let Some(message) = object
                    .get("choices")
                    .and_then(|c| c.get(0))
                    .and_then(|c| c.get("message"))
                {
                    return ToolCalls::parse(message);
                }
                match ["tool_calls", "content", "output"]
                    .iter()
                    .find_map(|key| object.get(*key).and_then(Value::as_array))
                {
                    Some(items) => items,
                    // The message of a turn without calls.
                    None if object.contains_key("role") => &[],
                    None => std::slice::from_ref(output),
                }
            }
            _ => return Err(not_calls()),
        };
        let mut calls = Vec::new();
        for item in items {
            match call_of(item) {
                Some(call) => calls.push(call),
                None if is_other_item(item) => {}
                None => return Err(not_calls()),
            }
        }
        Ok(ToolCalls { calls })
    }

    /// The calls of any serializable output (a provider SDK's typed message, say), as
    /// [`ToolCalls::parse`] reads its JSON.
    pub fn from_serialize(output: &impl serde::Serialize) -> Result<Self> {
        let value =
            serde_json::to_value(output).map_err(|e| Error::invalid("calls", e.to_string()))?;
        ToolCalls::parse(&value)
    }

    /// The calls, in order.
    pub fn calls(&self) -> &[ToolCall] {
        &self.calls
    }

    /// Whether the model made no call (its turn is the final answer).
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The number of calls.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub(crate) fn into_calls(self) -> Vec<ToolCall> {
        self.calls
    }
}

fn not_calls() -> Error {
    Error::invalid(
        "calls",
        "not a model's tool calls: expected an OpenAI `tool_calls` array or assistant message, OpenAI Responses `function_call` items, or Anthropic `tool_use` blocks or message",
    )
}

/// Content and output items that are not calls: text, thinking, reasoning, messages.
fn is_other_item(item: &Value) -> bool {
    item.get("type").and_then(Value::as_str).is_some() || item.get("role").is_some()
}

fn call_of(item: &Value) -> Option<ToolCall> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let kind = item.get("type").and_then(Value::as_str);
    if let Some(function) = item.get("function").filter(|_| kind != Some("tool_use")) {
        return Some(ToolCall {
            id: text(item.get("id")),
            name: text(function.get("name")),
            arguments: arguments(function.get("arguments")),
            provider: Provider::OpenAi,
        });
    }
    match kind? {
        "tool_use" => Some(ToolCall {
            id: text(item.get("id")),
            name: text(item.get("name")),
            arguments: arguments(item.get("input")),
            provider: Provider::Anthropic,
        }),
        "function_call" => Some(ToolCall {
            // `call_id` is what the output item quotes; `id` is the item's own.
            id: text(item.get("call_id").or_else(|| item.get("id"))),
            name: text(item.get("name")),
            arguments: arguments(item.get("arguments")),
            provider: Provider::OpenAiResponses,
        }),
        _ => None,
    }
}

/// A call's arguments: an object, or a string holding one (OpenAI sends a string, which a
/// model can get wrong). Absent or empty means none.
fn arguments(value: Option<&Value>) -> std::result::Result<Map<String, Value>, String> {
    let parsed;
    let value = match value {
        None | Some(Value::Null) => return Ok(Map::new()),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(Map::new()),
        Some(Value::String(s)) => {
            // serde's message names the position, never the text.
            parsed = serde_json::from_str::<Value>(s)
                .map_err(|e| format!("the arguments are not valid JSON ({e})"))?;
            &parsed
        }
        Some(value) => value,
    };
    match value {
        Value::Object(map) => Ok(map.clone()),
        other => Err(format!(
            "the arguments must be a JSON object, not {}",
            json_kind(other)
        )),
    }
}

/// What became of one call.
#[derive(Debug)]
#[non_exhaustive]
pub struct CallOutcome {
    /// The call.
    pub call: ToolCall,
    /// The tool the name maps to, when it maps to one.
    pub tool_id: Option<String>,
    /// The tool's result (which can itself report a failure, see
    /// [`ToolResult::is_error`]), or why the call did not give one.
    pub result: Result<ToolResult>,
}

impl CallOutcome {
    /// Whether the model should read this as a failure.
    pub fn is_error(&self) -> bool {
        self.result.as_ref().map_or(true, ToolResult::is_error)
    }

    /// The text the model reads: the tool's output, or what went wrong, in words a model
    /// can act on (never a secret or an argument value).
    pub fn content(&self) -> String {
        match &self.result {
            Ok(result) => result.text(),
            Err(error) => model_message(error),
        }
    }

    /// The result in `provider`'s shape (see [`ToolCallResults`]).
    pub fn to_provider(&self, provider: Provider) -> Value {
        let content = self.content();
        match provider {
            Provider::OpenAi => json!({
                "role": "tool",
                "tool_call_id": self.call.id,
                "content": openai_content(self.is_error(), content),
            }),
            Provider::OpenAiResponses => json!({
                "type": "function_call_output",
                "call_id": self.call.id,
                "output": openai_content(self.is_error(), content),
            }),
            Provider::Anthropic => {
                let mut block = json!({
                    "type": "tool_result",
                    "tool_use_id": self.call.id,
                    "content": content,
                });
                if self.is_error() {
                    block["is_error"] = json!(true);
                }
                block
            }
        }
    }
}

/// OpenAI results have no error flag: the text says it.
fn openai_content(is_error: bool, content: String) -> String {
    if is_error {
        format!("Error: {content}")
    } else {
        content
    }
}

/// An error as a model should read it.
fn model_message(error: &Error) -> String {
    match error {
        Error::OutcomeUnknown { .. } => format!(
            "The outcome is unknown: the tool may have run, but its answer was lost ({}). Check whether it had its effect before calling it again.",
            error
                .api_error()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| "the connection to the gateway failed".into())
        ),
        Error::NotFound(api) => format!("No such tool: {}", api.message),
        // The original gateway answers this for every tool of an integration it holds no
        // credentials for: a retry cannot help, and the model should not try one.
        error if error.needs_oauth_credentials() => "The gateway holds no OAuth credentials for this tool's integration, so it cannot call the tool; calling it again will not help until a user stores them.".to_string(),
        Error::ToolInvocation { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The outcomes of one model turn's calls, in the order the model made them.
#[derive(Debug)]
pub struct ToolCallResults {
    pub(crate) outcomes: Vec<CallOutcome>,
}

impl ToolCallResults {
    /// The outcomes, in call order.
    pub fn outcomes(&self) -> &[CallOutcome] {
        &self.outcomes
    }

    /// The outcomes, by value.
    pub fn into_outcomes(self) -> Vec<CallOutcome> {
        self.outcomes
    }

    /// Whether any call failed or reported a failure.
    pub fn any_error(&self) -> bool {
        self.outcomes.iter().any(CallOutcome::is_error)
    }

    /// OpenAI Chat Completions: one `{"role": "tool", "tool_call_id", "content"}` message
    /// per call, to append after the assistant message.
    pub fn openai_messages(&self) -> Vec<Value> {
        self.render(Provider::OpenAi)
    }

    /// OpenAI Responses: one `function_call_output` item per call, for the next `input`.
    pub fn openai_responses_items(&self) -> Vec<Value> {
        self.render(Provider::OpenAiResponses)
    }

    /// Anthropic: the `tool_result` blocks, in call order.
    pub fn anthropic_blocks(&self) -> Vec<Value> {
        self.render(Provider::Anthropic)
    }

    /// Anthropic: the user message that answers the assistant's `tool_use` blocks.
    pub fn anthropic_message(&self) -> Value {
        json!({"role": "user", "content": self.anthropic_blocks()})
    }

    /// The results in `provider`'s shape: the OpenAI messages or Responses items as an
    /// array, the Anthropic user message.
    pub fn to_provider_json(&self, provider: Provider) -> Value {
        match provider {
            Provider::Anthropic => self.anthropic_message(),
            other => Value::Array(self.render(other)),
        }
    }

    fn render(&self, provider: Provider) -> Vec<Value> {
        self.outcomes
            .iter()
            .map(|o| o.to_provider(provider))
            .collect()
    }
}
