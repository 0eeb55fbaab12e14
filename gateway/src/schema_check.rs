//! The hand-written schema check of request bodies: a JSON value decoded into a generated
//! wire type ([`decode`]) after its JSON types are checked against the request's component
//! schema in `openapi.yaml`, so a mismatch is a 400 naming the field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::{ApiError, ApiResult};

/// Decodes a JSON value into a generated wire type; a mismatch is a 400
/// `VALIDATION_ERROR` naming the field (`options.maxTools`). `schema` names the request's
/// component schema in `openapi.yaml`: a value of the wrong JSON type where it declares a
/// property (an explicit `null` included, the contract has no nullable fields) is rejected
/// even where serde would be lenient, while unknown properties are ignored.
pub(crate) fn decode<T: DeserializeOwned>(value: Value, schema: &str) -> ApiResult<T> {
    if let Some(spec) = spec()
        && let Some(component) = spec.pointer(&format!("/components/schemas/{schema}"))
        && let Some((field, expected)) = declared_mismatch(&value, component, spec, "")
    {
        let message = match expected.as_str() {
            "present" => format!("{field} is required"),
            other => {
                let article = if other.starts_with("one of") {
                    ""
                } else if other.starts_with(['a', 'e', 'i', 'o']) {
                    "an "
                } else {
                    "a "
                };
                format!("{field} must be {article}{other}")
            }
        };
        return Err(ApiError::validation(&field, message));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." {
            "body".to_string()
        } else {
            field
        };
        ApiError::validation(&field, format!("{field}: {}", e.inner()))
    })
}

/// `openapi.yaml` as JSON, parsed once.
fn spec() -> Option<&'static Value> {
    static SPEC: std::sync::OnceLock<Option<Value>> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(connectors::api::OPENAPI_JSON).ok())
        .as_ref()
}

fn resolve<'a>(schema: &'a Value, spec: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                Some(target) => schema = target,
                None => return schema,
            },
            None => return schema,
        }
    }
    schema
}

/// The first position where `value` has a JSON type that `schema` does not allow (an
/// explicit `null` included: the contract has no nullable fields), with the expected type.
fn declared_mismatch(
    value: &Value,
    schema: &Value,
    spec: &Value,
    path: &str,
) -> Option<(String, String)> {
    let schema = resolve(schema, spec);
    let here = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        // Valid when some branch accepts it; otherwise report the first branch's complaint.
        let complaints: Vec<(String, String)> = branches
            .iter()
            .filter_map(|branch| declared_mismatch(value, branch, spec, path))
            .collect();
        return if complaints.len() == branches.len() {
            complaints.into_iter().next()
        } else {
            None
        };
    }
    let constrained = ["type", "properties", "items", "enum"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    if !constrained {
        return None;
    }
    let expected = schema.get("type").and_then(Value::as_str);
    let matches = match (expected, value) {
        (_, Value::Null) => false,
        (None, _) => true,
        (Some("object"), Value::Object(_)) => true,
        (Some("array"), Value::Array(_)) => true,
        (Some("string"), Value::String(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("number"), Value::Number(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    if !matches {
        return Some((here(), expected.unwrap_or("a value").to_string()));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Some((here(), format!("one of {}", names.join(", "))));
    }
    match value {
        Value::Object(map) => {
            if let Some(required) = schema.get("required").and_then(Value::as_array)
                && let Some(missing) = required
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|name| !map.contains_key(*name))
            {
                let missing_path = if path.is_empty() {
                    missing.to_string()
                } else {
                    format!("{path}.{missing}")
                };
                return Some((missing_path, "present".to_string()));
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            map.iter().find_map(|(key, child)| {
                let child_schema = properties.and_then(|p| p.get(key)).or(additional)?;
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                declared_mismatch(child, child_schema, spec, &child_path)
            })
        }
        Value::Array(items) => {
            let item_schema = schema.get("items")?;
            items.iter().enumerate().find_map(|(i, item)| {
                declared_mismatch(item, item_schema, spec, &format!("{path}[{i}]"))
            })
        }
        _ => None,
    }
}
