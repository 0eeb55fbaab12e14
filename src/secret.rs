//! Wire values that can hold credentials, kept out of `Debug` output.
//!
//! OAuth client secrets, repository tokens, environment variables and headers of MCP
//! server sources, and tool-call arguments are sent as they are, but printing a request
//! (with `{:?}`, in a log line or in an error) shows only that a value is there.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const REDACTED: &str = "<redacted>";

/// A credential, such as an OAuth client secret or a repository token.
///
/// ```
/// let secret = connectors::api::SecretString::from("s3cr3t");
/// assert_eq!(format!("{secret:?}"), "SecretString(<redacted>)");
/// assert_eq!(secret.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({REDACTED})")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_string())
    }
}

/// Named values that may hold credentials: environment variables or HTTP headers.
/// `Debug` shows the names only.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretStringMap(BTreeMap<String, SecretString>);

impl SecretStringMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces one value.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<SecretString>) {
        self.0.insert(name.into(), value.into());
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        self.0.get(name)
    }

    /// Names and values, ordered by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretStringMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, REDACTED)))
            .finish()
    }
}

impl<K: Into<String>, V: Into<SecretString>> FromIterator<(K, V)> for SecretStringMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        SecretStringMap(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Arguments of a tool call: a JSON object whose values can hold credentials.
/// `Debug` shows the argument names only.
///
/// ```
/// use serde_json::json;
/// let args = connectors::api::ToolArguments::try_from(json!({"token": "ghp_x", "repo": "o/r"})).unwrap();
/// assert_eq!(format!("{args:?}"), r#"ToolArguments { names: ["repo", "token"] }"#);
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ToolArguments(Map<String, Value>);

impl ToolArguments {
    /// No arguments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serializes `value` (a struct or map) into arguments; it must serialize to a JSON object.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        let value = serde_json::to_value(value)?;
        Self::try_from(value).map_err(|other| {
            serde::ser::Error::custom(format!(
                "tool arguments must serialize to a JSON object, not {}",
                json_kind(&other)
            ))
        })
    }

    /// Adds or replaces one argument.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(name.into(), value.into());
    }

    /// The arguments as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// Unwraps the JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl fmt::Debug for ToolArguments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        f.debug_struct("ToolArguments")
            .field("names", &names)
            .finish()
    }
}

impl From<Map<String, Value>> for ToolArguments {
    fn from(map: Map<String, Value>) -> Self {
        ToolArguments(map)
    }
}

impl TryFrom<Value> for ToolArguments {
    /// The value, returned when it is not a JSON object.
    type Error = Value;

    fn try_from(value: Value) -> Result<Self, Value> {
        match value {
            Value::Object(map) => Ok(ToolArguments(map)),
            Value::Null => Ok(ToolArguments::default()),
            other => Err(other),
        }
    }
}

/// A word for the JSON type of `value`, for error messages that must not show it.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
