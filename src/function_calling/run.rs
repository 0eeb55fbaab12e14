//! Running a model's tool calls through the gateway.

use std::future::IntoFuture;

use futures::StreamExt;
use serde_json::Value;

use super::{CallOutcome, ToolCall, ToolCallResults, ToolCalls, Toolset};
use crate::client::Connectors;
use crate::error::{ApiError, Error, Result};
use crate::tools::{BoxFuture, Tools};

/// Calls run at once unless [`RunCalls::concurrency`] says otherwise.
const DEFAULT_CONCURRENCY: usize = 8;

impl<'a> Tools<'a> {
    /// Runs the calls in a model's output against the tools of `toolset` (the set whose
    /// definitions the model was given), concurrently, and gives back the result
    /// messages for the model.
    ///
    /// `output` is the model's output as the provider sent it, as JSON or as any
    /// serializable type: see [`ToolCalls::parse`] for the shapes. Each call is invoked
    /// once, with an idempotency key of its own; a call with malformed arguments, a name
    /// the set did not emit, a tool's own error or a gateway error gets an error result
    /// for its id and runs nothing else. The call fails as a whole only when `output`
    /// holds no recognisable shape ([`Error::InvalidInput`]).
    ///
    /// ```no_run
    /// # async fn run(client: connectors::Connectors, assistant_message: serde_json::Value) -> Result<(), connectors::Error> {
    /// let selection = client.tools().select("add two numbers").await?;
    /// let toolset = selection.toolset()?;
    /// // ... send toolset.openai_tools() to the model, get `assistant_message` back ...
    /// let results = client.tools().run_calls(&toolset, &assistant_message).await?;
    /// for message in results.openai_messages() {
    ///     println!("{message}"); // append to the conversation
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_calls(&self, toolset: &'a Toolset, output: &impl serde::Serialize) -> RunCalls<'a> {
        RunCalls {
            client: self.client(),
            toolset,
            calls: ToolCalls::from_serialize(output),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// Running a model's calls; await it or call [`RunCalls::send`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct RunCalls<'a> {
    client: &'a Connectors,
    toolset: &'a Toolset,
    calls: Result<ToolCalls>,
    concurrency: usize,
}

impl<'a> RunCalls<'a> {
    /// At most this many calls at once (default 8; at least 1).
    pub fn concurrency(mut self, calls: usize) -> Self {
        self.concurrency = calls.max(1);
        self
    }

    /// Runs the calls.
    pub async fn send(self) -> Result<ToolCallResults> {
        let calls = self.calls?.into_calls();
        let (client, toolset) = (self.client, self.toolset);
        let outcomes = futures::stream::iter(calls)
            .map(|call| run_one(client, toolset, call))
            .buffered(self.concurrency)
            .collect()
            .await;
        Ok(ToolCallResults { outcomes })
    }
}

impl<'a> IntoFuture for RunCalls<'a> {
    type Output = Result<ToolCallResults>;
    type IntoFuture = BoxFuture<'a, ToolCallResults>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

async fn run_one(client: &Connectors, toolset: &Toolset, call: ToolCall) -> CallOutcome {
    let tool_id = toolset.tool_id(&call.name).map(str::to_string);
    let result = match (&tool_id, &call.arguments) {
        (None, _) => Err(unknown_function(&call.name, toolset)),
        (Some(_), Err(problem)) => Err(Error::invalid("arguments", problem.clone())),
        (Some(tool_id), Ok(arguments)) => {
            client
                .tools()
                .invoke(tool_id, Value::Object(arguments.clone()))
                .await
        }
    };
    CallOutcome {
        call,
        tool_id,
        result,
    }
}

/// A name the set did not emit: nothing is run, and the model hears which names exist.
fn unknown_function(name: &str, toolset: &Toolset) -> Error {
    let known: Vec<&str> = toolset
        .definitions()
        .iter()
        .take(20)
        .map(|d| d.name.as_str())
        .collect();
    let mut api = ApiError::with_status(reqwest::StatusCode::NOT_FOUND);
    api.code = Some("TOOL_NOT_FOUND".into());
    api.message = format!(
        "there is no tool named {name:?} among the tools given; the names are: {}",
        known.join(", ")
    );
    Error::NotFound(Box::new(api))
}
