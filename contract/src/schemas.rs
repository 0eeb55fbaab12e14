//! Response schemas of `openapi.yaml`, compiled for validation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

/// A route of the spec: its operation and path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The operation's `operationId`.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/api/v1/tools/{toolId}`.
    pub template: String,
}

/// Why a body could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// The spec has no operation with this id.
    UnknownOperation(String),
    /// The operation declares no response for this status (neither the code nor its range).
    UndeclaredStatus {
        /// The operation.
        operation_id: String,
        /// The status received.
        status: u16,
    },
    /// The declared response has no JSON schema (e.g. an event stream).
    NotJson {
        /// The operation.
        operation_id: String,
        /// The status received.
        status: u16,
    },
    /// The spec itself could not be compiled into validators.
    InvalidSpec(String),
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::UnknownOperation(id) => write!(f, "openapi.yaml has no operation `{id}`"),
            SchemaError::UndeclaredStatus {
                operation_id,
                status,
            } => {
                write!(f, "`{operation_id}` does not declare status {status}")
            }
            SchemaError::NotJson {
                operation_id,
                status,
            } => {
                write!(
                    f,
                    "`{operation_id}` declares no JSON body for status {status}"
                )
            }
            SchemaError::InvalidSpec(why) => write!(f, "openapi.yaml cannot be compiled: {why}"),
        }
    }
}

impl std::error::Error for SchemaError {}

/// One way a body breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the body.
    pub at: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        write!(f, "{at}: {}", self.message)
    }
}

/// The declared JSON response schemas of every operation.
pub struct ResponseSchemas {
    /// The spec as JSON; every validator resolves `#/components/...` against it.
    spec: Value,
    routes: Vec<Route>,
    /// operationId -> status key (`"200"`, `"4XX"`, `"default"`) -> schema, if JSON.
    responses: BTreeMap<String, BTreeMap<String, Option<Value>>>,
    /// Validators compiled so far, by what they check: each one copies the spec's
    /// components, so compiling one per body would dominate long runs.
    compiled: Mutex<HashMap<String, Arc<Validator>>>,
}

impl ResponseSchemas {
    /// The schemas of the spec this crate was built with.
    pub fn bundled() -> Result<Self, SchemaError> {
        let spec = serde_json::from_str(connectors::api::OPENAPI_JSON)
            .map_err(|e| SchemaError::InvalidSpec(e.to_string()))?;
        Self::from_spec(spec)
    }

    /// The schemas of `spec` (an OpenAPI 3.0 document as JSON).
    pub fn from_spec(spec: Value) -> Result<Self, SchemaError> {
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| SchemaError::InvalidSpec("no paths".into()))?;
        let mut routes = Vec::new();
        let mut responses = BTreeMap::new();
        for (template, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                routes.push(Route {
                    operation_id: id.to_string(),
                    method: method.to_uppercase(),
                    template: template.clone(),
                });
                let mut by_status = BTreeMap::new();
                for (status, response) in op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let response = resolve(&spec, response);
                    let schema = response
                        .and_then(|r| r.get("content"))
                        .and_then(Value::as_object)
                        .and_then(|c| {
                            c.iter()
                                .find(|(media, _)| media.starts_with("application/json"))
                                .and_then(|(_, m)| m.get("schema").cloned())
                        });
                    by_status.insert(status.clone(), schema);
                }
                responses.insert(id.to_string(), by_status);
            }
        }
        Ok(ResponseSchemas {
            spec,
            routes,
            responses,
            compiled: Mutex::new(HashMap::new()),
        })
    }

    /// Every operation of the spec.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The operation serving `method` and `path` (without query), preferring literal
    /// segments over parameters (`/tools/list` over `/tools/{toolId}`).
    pub fn route_for(&self, method: &str, path: &str) -> Option<&Route> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .filter_map(|r| {
                let template: Vec<&str> = r.template.trim_end_matches('/').split('/').collect();
                if template.len() != segments.len() {
                    return None;
                }
                let mut literals = 0;
                for (t, s) in template.iter().zip(&segments) {
                    if t.starts_with('{') && t.ends_with('}') {
                        if s.is_empty() {
                            return None;
                        }
                    } else if t == s {
                        literals += 1;
                    } else {
                        return None;
                    }
                }
                Some((literals, r))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, r)| r)
    }

    /// The spec the schemas come from, as JSON.
    pub fn spec(&self) -> &Value {
        &self.spec
    }

    /// The response keys `operation_id` declares (`"200"`, `"4XX"`, `"default"`), sorted.
    pub fn declared_statuses(&self, operation_id: &str) -> Vec<String> {
        self.responses
            .get(operation_id)
            .map(|declared| declared.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The response key under which `status` is declared for `operation_id`: its code,
    /// else its range, else `default` (the order of [`Self::validate`]).
    pub fn declared_key(&self, operation_id: &str, status: u16) -> Option<String> {
        let declared = self.responses.get(operation_id)?;
        [
            status.to_string(),
            format!("{}XX", status / 100),
            "default".to_string(),
        ]
        .into_iter()
        .find(|key| declared.contains_key(key))
    }

    /// The JSON schema of the request body of `operation_id`, if it has one.
    pub fn request_schema(&self, operation_id: &str) -> Option<&Value> {
        let route = self
            .routes
            .iter()
            .find(|r| r.operation_id == operation_id)?;
        let op = self
            .spec
            .get("paths")?
            .get(&route.template)?
            .get(route.method.to_lowercase())?;
        let body = resolve(&self.spec, op.get("requestBody")?)?;
        body.get("content")?
            .as_object()?
            .iter()
            .find(|(media, _)| media.starts_with("application/json"))
            .and_then(|(_, m)| m.get("schema"))
    }

    /// Whether the spec declares a response for `status` (its code, its range or
    /// `default`) under `operation_id`.
    pub fn declares(&self, operation_id: &str, status: u16) -> bool {
        self.responses.get(operation_id).is_some_and(|declared| {
            declared.contains_key(&status.to_string())
                || declared.contains_key(&format!("{}XX", status / 100))
                || declared.contains_key("default")
        })
    }

    /// Checks `body`, received with `status` from `operation_id`, against the declared
    /// schema. `Ok(vec![])` means it conforms.
    pub fn validate(
        &self,
        operation_id: &str,
        status: u16,
        body: &Value,
    ) -> Result<Vec<Violation>, SchemaError> {
        let declared = self
            .responses
            .get(operation_id)
            .ok_or_else(|| SchemaError::UnknownOperation(operation_id.to_string()))?;
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        let (key, entry) = [code, range, "default".to_string()]
            .into_iter()
            .find_map(|key| declared.get(&key).map(|entry| (key, entry)))
            .ok_or_else(|| SchemaError::UndeclaredStatus {
                operation_id: operation_id.to_string(),
                status,
            })?;
        let schema = entry.as_ref().ok_or_else(|| SchemaError::NotJson {
            operation_id: operation_id.to_string(),
            status,
        })?;
        let validator = self.compiled(&format!("{operation_id} {key}"), schema)?;
        Ok(violations(&validator, body))
    }

    /// Checks `value` against the component schema `name` (`#/components/schemas/<name>`),
    /// e.g. the data of one event of an event stream. `Ok(vec![])` means it conforms.
    pub fn validate_component(
        &self,
        name: &str,
        value: &Value,
    ) -> Result<Vec<Violation>, SchemaError> {
        let exists = self
            .spec
            .pointer(&format!("/components/schemas/{name}"))
            .is_some();
        if !exists {
            return Err(SchemaError::InvalidSpec(format!(
                "no component schema `{name}`"
            )));
        }
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        let validator = self.compiled(&format!("#/components/schemas/{name}"), &schema)?;
        Ok(violations(&validator, value))
    }

    /// The validator cached under `key`, compiled from `schema` the first time.
    fn compiled(&self, key: &str, schema: &Value) -> Result<Arc<Validator>, SchemaError> {
        let cached = match self.compiled.lock() {
            Ok(cache) => cache.get(key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(key).cloned(),
        };
        if let Some(validator) = cached {
            return Ok(validator);
        }
        let validator = Arc::new(self.compile(schema)?);
        match self.compiled.lock() {
            Ok(mut cache) => cache.insert(key.to_string(), validator.clone()),
            Err(poisoned) => poisoned
                .into_inner()
                .insert(key.to_string(), validator.clone()),
        };
        Ok(validator)
    }

    /// A validator for `schema`, with the spec's components reachable from it.
    fn compile(&self, schema: &Value) -> Result<Validator, SchemaError> {
        let mut document =
            json!({ "components": self.spec.get("components").cloned().unwrap_or(Value::Null) });
        // The schema itself sits in a definitions slot; the root refers to it, so that
        // `#/components/...` pointers resolve against the same document.
        document["x-response"] = schema.clone();
        document["$ref"] = json!("#/x-response");
        jsonschema::options()
            .with_draft(Draft::Draft4)
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| SchemaError::InvalidSpec(e.to_string()))
    }
}

fn violations(validator: &Validator, value: &Value) -> Vec<Violation> {
    validator
        .iter_errors(value)
        .map(|e| Violation {
            at: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}
