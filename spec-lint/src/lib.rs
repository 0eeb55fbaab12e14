//! Checks an OpenAPI document against the limits of progenitor 0.15 before the generator
//! runs: the preflight of the `connectors` build script, and of `connectors-contract lint`.
//!
//! Progenitor reports some spec problems as `assert!`/`todo!` panics from deep inside
//! its code generator. Each check here mirrors one of those limits, so that a spec it
//! cannot take fails the build with the operation and the reason instead, and a spec
//! author sees every problem at once without building. The project's own rules are
//! checked too: each operation's retry class (`x-connectors-retry`), the `Idempotency-Key`
//! header of every keyed operation with its bounds, and the secret markers.
//!
//! ```
//! let spec = "openapi: 3.1.0\npaths: {}\n";
//! let problems = connectors_spec_lint::lint(spec).expect("YAML");
//! assert_eq!(problems[0].location, "openapi");
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde_json::Value;

/// One reason the spec cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `operationId (METHOD /path)`, or the part of the document concerned.
    pub location: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// Request body media types progenitor can encode.
const BODY_TYPES: [&str; 5] = [
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

/// Parses an OpenAPI document (YAML, of which JSON is a subset) into the JSON value that
/// [`check`] takes; the error says why it is not valid YAML.
pub fn parse(text: &str) -> Result<Value, String> {
    serde_yaml_ng::from_str(text).map_err(|e| format!("not valid YAML: {e}"))
}

/// Parses `text` ([`parse`]) and runs every check ([`check`]) over it.
pub fn lint(text: &str) -> Result<Vec<Problem>, String> {
    parse(text).map(|spec| check(&spec))
}

/// Runs every check over the spec (as parsed into JSON) and returns all problems found.
pub fn check(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |location: &str, reason: String| {
        problems.push(Problem {
            location: location.to_string(),
            reason,
        })
    };

    let version = spec.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        push(
            "openapi",
            format!("version `{version}` is not supported; progenitor accepts OpenAPI 3.0.x only"),
        );
        return problems;
    }

    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        push("paths", "the document has no `paths` object".into());
        return problems;
    };

    let mut seen_ids: HashMap<String, String> = HashMap::new();
    let mut response_schemas = Vec::new();
    // The key parameters of keyed operations whose schema was checked (each reported once).
    let mut key_schemas_checked = BTreeSet::new();
    for (path, item) in paths {
        if item.get("$ref").is_some() {
            push(
                path,
                "path items given by `$ref` are not supported; inline them".into(),
            );
            continue;
        }
        let shared_params = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let route = format!("{} {path}", method.to_uppercase());
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                push(
                    &route,
                    "the operation has no `operationId` (it names the generated method)".into(),
                );
                continue;
            };
            let location = format!("operation `{id}` ({route})");
            if let Some(first) = seen_ids.insert(id.to_string(), route.clone()) {
                push(
                    &location,
                    format!(
                        "operationId `{id}` is also used by {first}; operationIds must be unique"
                    ),
                );
            }
            for reason in check_parameters(spec, path, shared_params, op.get("parameters")) {
                push(&location, reason);
            }
            for reason in check_extensions(op) {
                push(&location, reason);
            }
            if op.get("x-connectors-retry").and_then(Value::as_str) == Some("keyed") {
                match idempotency_key_parameter(spec, shared_params, op.get("parameters")) {
                    None => push(&location, MISSING_KEY.into()),
                    Some((at, param)) => {
                        if key_schemas_checked.insert(at.clone()) {
                            for reason in check_key_schema(spec, param) {
                                push(&at, reason);
                            }
                        }
                    }
                }
            }
            if let Some(body) = op.get("requestBody") {
                for reason in check_request_body(spec, body) {
                    push(&location, reason);
                }
            }
            match op.get("responses").and_then(Value::as_object) {
                Some(responses) => {
                    let (reasons, schemas) = check_responses(spec, responses);
                    for reason in reasons {
                        push(&location, reason);
                    }
                    response_schemas.extend(schemas.into_iter().map(|s| (location.clone(), s)));
                }
                None => push(&location, "the operation has no `responses`".into()),
            }
        }
    }

    for (location, reason) in check_secret_markers(spec) {
        push(&location, reason);
    }

    let mut reported = BTreeSet::new();
    for (location, schema) in response_schemas {
        for name in closed_schemas(spec, &schema) {
            if reported.insert(name.clone()) {
                push(
                    &location,
                    format!(
                        "response schema {name} sets `additionalProperties: false`; responses must tolerate unknown fields"
                    ),
                );
            }
        }
    }
    problems
}

/// Retry classes an operation can declare in `x-connectors-retry`.
pub const RETRY_CLASSES: [&str; 2] = ["safe", "keyed"];

/// The project's vendor extensions, which `build.rs` turns into the operation table:
/// every operation must say whether a client may repeat it, and may say that it is an
/// extension the original gateway lacks.
fn check_extensions(op: &Value) -> Vec<String> {
    let mut reasons = Vec::new();
    match op.get("x-connectors-retry").and_then(Value::as_str) {
        Some(class) if RETRY_CLASSES.contains(&class) => {}
        Some(other) => reasons.push(format!(
            "`x-connectors-retry: {other}` is not a retry class; use `safe` (repeating changes nothing) or `keyed` (side effects: repeated only with the same Idempotency-Key)"
        )),
        None => reasons.push(
            "the operation has no `x-connectors-retry`: say `safe` (repeating changes nothing) or `keyed` (side effects), so clients know whether they may retry it".into(),
        ),
    }
    if let Some(flag) = op.get("x-connectors-extension")
        && !flag.is_boolean()
    {
        reasons.push("`x-connectors-extension` must be `true` or `false`".into());
    }
    reasons
}

/// The request header that carries an idempotency key, which every keyed operation
/// declares (compared without regard to case, as HTTP does).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

const MISSING_KEY: &str = "the operation is `x-connectors-retry: keyed` but does not declare the `Idempotency-Key` header parameter: add `- {$ref: '#/components/parameters/IdempotencyKey'}` to its `parameters`, so that clients send the key that makes a repeat safe and the gateway deduplicates it";

/// The `Idempotency-Key` header parameter among an operation's parameters (path-item ones,
/// then its own): where it is declared (its `$ref`, or `parameter Idempotency-Key` when
/// inline) and the parameter itself.
fn idempotency_key_parameter<'a>(
    spec: &'a Value,
    shared: Option<&'a Vec<Value>>,
    own: Option<&'a Value>,
) -> Option<(String, &'a Value)> {
    shared
        .into_iter()
        .flatten()
        .chain(own.and_then(Value::as_array).into_iter().flatten())
        .find_map(|raw| {
            let param = resolve(spec, raw)?;
            let is_key = param.get("in").and_then(Value::as_str) == Some("header")
                && param
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(IDEMPOTENCY_HEADER));
            let at = match raw.get("$ref").and_then(Value::as_str) {
                Some(reference) => format!("parameter `{reference}`"),
                None => format!("parameter `{IDEMPOTENCY_HEADER}`"),
            };
            is_key.then_some((at, param))
        })
}

/// The key's schema states what the header can carry, so that clients refuse a key the
/// gateway could not read instead of sending it: a string with `maxLength` and a
/// `pattern` (its alphabet).
fn check_key_schema(spec: &Value, param: &Value) -> Vec<String> {
    let Some(schema) = param.get("schema").and_then(|s| resolve(spec, s)) else {
        return vec![format!(
            "the `{IDEMPOTENCY_HEADER}` parameter has no schema (or its `$ref` does not resolve): give it a string schema with `maxLength` and `pattern`"
        )];
    };
    let mut reasons = Vec::new();
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        reasons.push(format!(
            "the `{IDEMPOTENCY_HEADER}` schema must be `type: string`"
        ));
    }
    if schema.get("maxLength").and_then(Value::as_u64).is_none() {
        reasons.push(format!(
            "the `{IDEMPOTENCY_HEADER}` schema has no integer `maxLength`: say how long a key may be (the reference gateway takes 255 bytes)"
        ));
    }
    if schema.get("pattern").and_then(Value::as_str).is_none() {
        reasons.push(format!(
            "the `{IDEMPOTENCY_HEADER}` schema has no `pattern`: say which characters a key may hold (a header carries visible ASCII, `^[\\x21-\\x7E]+$`)"
        ));
    }
    reasons
}

/// The vendor extension that marks a schema whose values are credentials: SDKs keep them
/// out of debug output and logs (the `connectors` build script replaces each marked schema
/// with a redacting type), and tools that print requests replace them.
pub const SECRET_MARKER: &str = "x-connectors-secret";

/// Whether `schema` is marked as a credential (`x-connectors-secret: true`).
pub fn is_secret(schema: &Value) -> bool {
    schema.get(SECRET_MARKER) == Some(&Value::Bool(true))
}

/// Names of the schemas under `components/schemas` marked as credentials.
pub fn secret_schemas(spec: &Value) -> Vec<&str> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| is_secret(schema))
        .map(|(name, _)| name.as_str())
        .collect()
}

/// The marker is a boolean on a named string or object schema. Elsewhere (an inline
/// schema) no generator would see it, and the value it marks would be printed after all.
fn check_secret_markers(spec: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let location = format!("schema `{name}`");
        match schema.get(SECRET_MARKER) {
            None | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => {
                let kind = schema.get("type").and_then(Value::as_str);
                if !matches!(kind, Some("string" | "object")) {
                    problems.push((
                        location,
                        format!(
                            "`{SECRET_MARKER}` marks a string or an object schema (a credential, or named values that may hold credentials); this one has {}",
                            kind.map_or("no `type`".to_string(), |k| format!("`type: {k}`"))
                        ),
                    ));
                }
            }
            Some(_) => problems.push((
                location,
                format!("`{SECRET_MARKER}` must be `true` or `false`"),
            )),
        }
    }
    misplaced_markers(spec, "", &mut problems);
    problems
}

/// Reports every `x-connectors-secret` in `value` or below it (`at` is its JSON pointer)
/// that is not on a schema directly under `components/schemas`.
fn misplaced_markers(value: &Value, at: &str, problems: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            let named_schema = at
                .strip_prefix("/components/schemas/")
                .is_some_and(|name| !name.contains('/'));
            if map.contains_key(SECRET_MARKER) && !named_schema {
                problems.push((
                    at.to_string(),
                    format!(
                        "`{SECRET_MARKER}` is read on schemas under `components/schemas` only; name this schema there and `$ref` it"
                    ),
                ));
            }
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                misplaced_markers(child, &format!("{at}/{key}"), problems);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                misplaced_markers(item, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Follows a local `$ref` (`#/components/...`) to its target.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}

fn check_parameters(
    spec: &Value,
    path: &str,
    shared: Option<&Vec<Value>>,
    own: Option<&Value>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let in_template: BTreeSet<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect();
    let mut declared = BTreeSet::new();
    let all = shared
        .into_iter()
        .flatten()
        .chain(own.and_then(Value::as_array).into_iter().flatten());
    for raw in all {
        let Some(param) = resolve(spec, raw) else {
            reasons.push(format!(
                "parameter reference {} does not resolve",
                raw["$ref"]
            ));
            continue;
        };
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        if param.get("in").and_then(Value::as_str) == Some("path") {
            if param.get("required").and_then(Value::as_bool) != Some(true) {
                reasons.push(format!("path parameter `{name}` must be `required: true`"));
            }
            if !in_template.contains(name) {
                reasons.push(format!(
                    "path parameter `{name}` does not appear in the path"
                ));
            }
            declared.insert(name.to_string());
        }
    }
    for name in in_template {
        if !declared.contains(name) {
            reasons.push(format!("`{{{name}}}` in the path has no path parameter"));
        }
    }
    reasons
}

fn check_request_body(spec: &Value, raw: &Value) -> Vec<String> {
    let Some(body) = resolve(spec, raw) else {
        return vec![format!(
            "request body reference {} does not resolve",
            raw["$ref"]
        )];
    };
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return vec!["the request body has no `content`".into()];
    };
    if content.len() != 1 {
        let types: Vec<_> = content.keys().map(String::as_str).collect();
        return vec![format!(
            "the request body offers {} media types ({}); progenitor takes exactly one",
            content.len(),
            types.join(", ")
        )];
    }
    let mut reasons = Vec::new();
    for (media, value) in content {
        let base = media.split(';').next().unwrap_or(media).trim();
        if !BODY_TYPES.contains(&base) {
            reasons.push(format!(
                "request media type `{media}` is not supported (multipart is not); use one of {}",
                BODY_TYPES.join(", ")
            ));
        }
        if value.get("schema").is_none() {
            reasons.push(format!("request media type `{media}` has no schema"));
        }
        if value
            .get("encoding")
            .is_some_and(|e| e.as_object().is_some_and(|o| !o.is_empty()))
        {
            reasons.push(format!(
                "request media type `{media}` sets `encoding`, which is not supported"
            ));
        }
    }
    reasons
}

/// What a response decodes into, as progenitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// JSON with this schema (a `$ref` string, or the status code of an inline schema).
    Json(String),
    /// Any other media type: a raw byte stream.
    Raw,
    /// No content.
    Empty,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Json(schema) => write!(f, "JSON {schema}"),
            Kind::Raw => f.write_str("a non-JSON body"),
            Kind::Empty => f.write_str("no body"),
        }
    }
}

fn check_responses(
    spec: &Value,
    responses: &serde_json::Map<String, Value>,
) -> (Vec<String>, Vec<Value>) {
    let mut reasons = Vec::new();
    let mut schemas = Vec::new();
    let mut success: Vec<(String, Kind)> = Vec::new();
    let mut errors: Vec<(String, Kind)> = Vec::new();
    for (status, raw) in responses {
        let Some(response) = resolve(spec, raw) else {
            reasons.push(format!(
                "response {status} reference {} does not resolve",
                raw["$ref"]
            ));
            continue;
        };
        let content = response.get("content").and_then(Value::as_object);
        let json = content.and_then(|c| {
            c.iter().find(|(media, _)| {
                media.as_str() == "application/json" || media.starts_with("application/json;")
            })
        });
        let kind = match (json, content) {
            (Some((media, value)), _) => {
                if value
                    .get("encoding")
                    .is_some_and(|e| e.as_object().is_some_and(|o| !o.is_empty()))
                {
                    reasons.push(format!(
                        "response {status} `{media}` sets `encoding`, which is not supported"
                    ));
                }
                match value.get("schema") {
                    Some(schema) => {
                        schemas.push(schema.clone());
                        match schema.get("$ref").and_then(Value::as_str) {
                            Some(reference) => Kind::Json(reference.to_string()),
                            None => Kind::Json(format!("(inline schema of response {status})")),
                        }
                    }
                    None => {
                        reasons.push(format!("response {status} `{media}` has no schema"));
                        continue;
                    }
                }
            }
            (None, Some(c)) if !c.is_empty() => Kind::Raw,
            _ => Kind::Empty,
        };
        let first = status.chars().next();
        if status == "default" || first == Some('2') || status == "101" {
            success.push((status.clone(), kind.clone()));
        }
        if status == "default" || matches!(first, Some('4' | '5')) {
            errors.push((status.clone(), kind));
        }
    }
    for (role, list) in [("success", &success), ("error", &errors)] {
        let kinds: BTreeSet<&Kind> = list.iter().map(|(_, k)| k).collect();
        if kinds.len() > 1 {
            let detail: Vec<String> = list.iter().map(|(s, k)| format!("{s}: {k}")).collect();
            reasons.push(format!(
                "its {role} responses have {} different bodies ({}); progenitor allows one {role} type per operation: \
                 give them one shared `$ref` schema (for errors, use status codes or 4XX/5XX ranges, not a differing `default`)",
                kinds.len(),
                detail.join("; ")
            ));
        }
    }
    (reasons, schemas)
}

/// Names of schemas reachable from `schema` that forbid unknown properties.
fn closed_schemas(spec: &Value, schema: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut stack = vec![("(inline)".to_string(), schema)];
    while let Some((name, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let target = reference.strip_prefix('#').and_then(|p| spec.pointer(p));
                    if let Some(target) = target.filter(|_| visited.insert(reference.to_string())) {
                        stack.push((reference.to_string(), target));
                    }
                    continue;
                }
                if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                    found.insert(name.clone());
                }
                for child in map.values() {
                    stack.push((name.clone(), child));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|v| (name.clone(), v))),
            _ => {}
        }
    }
    found
}
