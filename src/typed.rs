//! Typed tool calls: a Rust struct as a tool's input (its JSON Schema derived with
//! schemars) and the output decoded into a type.
//!
//! ```
//! use connectors::typed::TypedTool;
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! /// Input of `math.evaluate`.
//! #[derive(Serialize, JsonSchema)]
//! struct Evaluate {
//!     /// An arithmetic expression, e.g. `2*(3+4)`.
//!     expression: String,
//! }
//!
//! /// What `math.evaluate` answers: `{"expression": "2*(3+4)", "result": 14.0}`.
//! #[derive(Deserialize)]
//! struct Evaluated {
//!     result: f64,
//! }
//!
//! struct EvaluateTool;
//! impl TypedTool for EvaluateTool {
//!     const TOOL_ID: &'static str = "math.evaluate";
//!     const DESCRIPTION: &'static str = "Evaluate an arithmetic expression";
//!     type Input = Evaluate;
//!     type Output = Evaluated;
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // A reference gateway in this process, with its built-in `math` server.
//! # let gateway = connectors_gateway::Gateway::builder().spawn().await?;
//! # let client = connectors::Connectors::builder()
//! #     .base_url(gateway.url()).api_key(gateway.api_key()).tenant_id(gateway.tenant_id()).build()?;
//! let out = client.tools().call::<EvaluateTool>(&Evaluate { expression: "2*(3+4)".into() }).await?;
//! assert_eq!(out.result, 14.0);
//! // The same tool as a function-calling definition, schema included:
//! let openai = connectors::function_calling::ToolDefinition::from_typed::<EvaluateTool>().to_openai();
//! assert_eq!(openai["function"]["parameters"]["required"][0], "expression");
//! # gateway.shutdown().await;
//! # Ok(())
//! # }
//! ```

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::tools::Tools;

/// A tool with a typed input and output.
pub trait TypedTool {
    /// The gateway's tool id, `<server>.<tool>`.
    const TOOL_ID: &'static str;
    /// What the tool does (for function-calling definitions).
    const DESCRIPTION: &'static str;
    /// The input; serializes to the tool's arguments object.
    type Input: Serialize + JsonSchema;
    /// The output, decoded from the result's structured content (or its JSON text).
    type Output: DeserializeOwned;
}

impl Tools<'_> {
    /// Invokes the typed tool `T` and decodes its output; a tool that reports an error
    /// gives [`crate::Error::ToolInvocation`].
    pub async fn call<T: TypedTool>(&self, input: &T::Input) -> Result<T::Output> {
        self.invoke(T::TOOL_ID, input).await?.decode()
    }
}
