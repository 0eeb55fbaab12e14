//! What a new version of the spec changes for a client (`connectors-contract diff OLD NEW`).
//!
//! Two documents are compared as a client sees them: operations by method and path,
//! their parameters, request bodies and responses, and the schemas behind them. A change
//! is *breaking* when a client written against the old spec may stop working (an
//! operation gone, a new required input, an output field gone or optional, a type
//! changed, an enumeration value or a status gone, a schema no longer marked as a
//! credential), a *warning* when it keeps working but should look (a new value in a
//! response enumeration, a deprecation, a schema newly marked as a credential), and an
//! *addition* otherwise.
//!
//! Schemas shared through `#/components/schemas/NAME` on both sides are compared once
//! per direction (request or response) and reported under their name, so a change to the
//! error envelope is one line, not one per operation.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// What a missing `properties`, `responses` or `content` stands for.
static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
/// How deep inline schemas are followed (a guard against self-referencing documents).
const MAX_DEPTH: usize = 32;

/// How much a change matters to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A client written against the old spec may stop working.
    Breaking,
    /// It keeps working, but should look.
    Warning,
    /// Something new; nothing a client relied on changed.
    Addition,
}

impl Severity {
    /// `breaking`, `warning` or `addition`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Warning => "warning",
            Severity::Addition => "addition",
        }
    }
}

/// One difference between the two documents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// How much it matters.
    pub severity: Severity,
    /// Where: `operation listTools (GET /api/v1/tools)`, `schema Tool (response)`, with a
    /// JSON-pointer-like path into the body (`/data/items/[]/name`).
    pub location: String,
    /// A stable code for the kind of change, e.g. `operation-removed`.
    pub kind: &'static str,
    /// What changed, in words.
    pub message: String,
}

/// Every change from one document to the other, breaking ones first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// Number of breaking changes.
    pub breaking: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of additions.
    pub additions: usize,
    /// The changes, by severity, then location.
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// The changes of `severity`.
    pub fn of(&self, severity: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == severity)
    }

    /// Whether any change is at least as severe as `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.changes.iter().any(|c| c.severity <= threshold)
    }

    /// The diff as JSON (the shape of [`SpecDiff`]'s fields).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(
                f,
                "{:<8}  {}: {}",
                change.severity.label(),
                change.location,
                change.message
            )?;
        }
        write!(
            f,
            "{} breaking, {} warning(s), {} addition(s)",
            self.breaking, self.warnings, self.additions
        )
    }
}

/// Compares two OpenAPI documents (parsed into JSON values).
pub fn diff(old: &Value, new: &Value) -> SpecDiff {
    let mut walk = Walk {
        old,
        new,
        changes: BTreeSet::new(),
        pending: Vec::new(),
        compared: BTreeSet::new(),
    };
    walk.operations();
    // Shared schemas met on the way, each once per direction.
    while let Some((name, direction)) = walk.pending.pop() {
        if !walk.compared.insert((name.clone(), direction)) {
            continue;
        }
        let pointer = format!("/components/schemas/{name}");
        if let (Some(a), Some(b)) = (old.pointer(&pointer), new.pointer(&pointer)) {
            let location = format!("schema {name} ({})", direction.label());
            walk.schema(a, b, direction, &location, "", 0);
        }
    }
    let changes: Vec<Change> = walk.changes.into_iter().collect();
    let count = |s| changes.iter().filter(|c| c.severity == s).count();
    SpecDiff {
        breaking: count(Severity::Breaking),
        warnings: count(Severity::Warning),
        additions: count(Severity::Addition),
        changes,
    }
}

/// Which way a schema's values travel, which decides what a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    /// The client sends it: a new requirement breaks, a relaxation does not.
    Request,
    /// The client reads it: a removed guarantee breaks, a new field does not.
    Response,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: BTreeSet<Change>,
    pending: Vec<(String, Direction)>,
    compared: BTreeSet<(String, Direction)>,
}

/// An operation as found in one document.
struct Op<'a> {
    id: String,
    method: &'static str,
    path: &'a str,
    /// Path-item parameters, then the operation's.
    parameters: Vec<&'a Value>,
    value: &'a Value,
}

impl Op<'_> {
    fn location(&self) -> String {
        format!(
            "operation {} ({} {})",
            self.id,
            self.method.to_uppercase(),
            self.path
        )
    }
}

/// `/tools/{toolId}` and `/tools/{id}` are the same route to a client.
fn route_key(method: &str, path: &str) -> String {
    let mut key = format!("{} ", method.to_uppercase());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                key.push_str("{}");
            }
            '}' => in_name = false,
            _ if in_name => {}
            _ => key.push(c),
        }
    }
    key
}

fn operations(spec: &Value) -> Vec<Op<'_>> {
    let mut found = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut parameters = shared.clone();
            parameters.extend(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| route_key(method, path), str::to_string);
            found.push(Op {
                id,
                method,
                path,
                parameters,
                value: op,
            });
        }
    }
    found
}

/// Follows a local `$ref` to its target (once; a chain is followed by the callers).
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_DEPTH {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| spec.pointer(p))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

fn schema_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

fn is_true(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool) == Some(true)
}

fn type_of(schema: &Value) -> Option<String> {
    match schema.get("type")? {
        Value::String(t) => Some(t.clone()),
        other => Some(other.to_string()),
    }
}

impl<'a> Walk<'a> {
    fn push(&mut self, severity: Severity, kind: &'static str, location: &str, message: String) {
        self.changes.insert(Change {
            severity,
            kind,
            location: location.to_string(),
            message,
        });
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        let new_by_route: BTreeMap<String, &Op> = new_ops
            .iter()
            .map(|op| (route_key(op.method, op.path), op))
            .collect();
        let old_routes: BTreeSet<String> = old_ops
            .iter()
            .map(|op| route_key(op.method, op.path))
            .collect();
        let new_by_id: BTreeMap<&str, &Op> =
            new_ops.iter().map(|op| (op.id.as_str(), op)).collect();
        let old_ids: BTreeSet<&str> = old_ops.iter().map(|op| op.id.as_str()).collect();
        for old in &old_ops {
            let location = old.location();
            match new_by_route.get(&route_key(old.method, old.path)) {
                Some(new) => {
                    if new.id != old.id {
                        self.push(
                            Severity::Breaking,
                            "operation-renamed",
                            &location,
                            format!(
                                "operationId renamed to `{}` (the generated method's name)",
                                new.id
                            ),
                        );
                    }
                    self.operation(old, new, &location);
                }
                None => match new_by_id.get(old.id.as_str()) {
                    Some(moved) => {
                        self.push(
                            Severity::Breaking,
                            "route-changed",
                            &location,
                            format!("moved to {} {}", moved.method.to_uppercase(), moved.path),
                        );
                        self.operation(old, moved, &location);
                    }
                    None => self.push(
                        Severity::Breaking,
                        "operation-removed",
                        &location,
                        "removed".into(),
                    ),
                },
            }
        }
        for new in &new_ops {
            let key = route_key(new.method, new.path);
            if !old_routes.contains(&key) && !old_ids.contains(new.id.as_str()) {
                self.push(
                    Severity::Addition,
                    "operation-added",
                    &new.location(),
                    "added".into(),
                );
            }
        }
    }

    fn operation(&mut self, old: &Op<'a>, new: &Op<'a>, location: &str) {
        if !is_true(old.value, "deprecated") && is_true(new.value, "deprecated") {
            self.push(
                Severity::Warning,
                "operation-deprecated",
                location,
                "deprecated".into(),
            );
        }
        self.parameters(old, new, location);
        self.request_body(old.value, new.value, location);
        self.responses(old.value, new.value, location);
    }

    fn parameters(&mut self, old: &Op<'a>, new: &Op<'a>, location: &str) {
        let index =
            |spec: &'a Value, list: &[&'a Value]| -> BTreeMap<(String, String), &'a Value> {
                list.iter()
                    .map(|raw| resolve(spec, raw))
                    .filter_map(|p| {
                        let name = p.get("name")?.as_str()?;
                        let place = p.get("in")?.as_str()?;
                        // Path parameters are matched by position: their names are the
                        // template's, which a client never sends.
                        let name = if place == "path" {
                            String::new()
                        } else {
                            name.to_string()
                        };
                        Some(((place.to_string(), name), p))
                    })
                    .collect()
            };
        let before = index(self.old, &old.parameters);
        let after = index(self.new, &new.parameters);
        for ((place, name), a) in &before {
            if place == "path" {
                continue;
            }
            let at = format!("{location} {place} parameter `{name}`");
            match after.get(&(place.clone(), name.clone())) {
                None => self.push(
                    Severity::Breaking,
                    "parameter-removed",
                    &at,
                    "removed".into(),
                ),
                Some(b) => {
                    if !is_true(a, "required") && is_true(b, "required") {
                        self.push(
                            Severity::Breaking,
                            "parameter-became-required",
                            &at,
                            "now required".into(),
                        );
                    }
                    if !is_true(a, "deprecated") && is_true(b, "deprecated") {
                        self.push(
                            Severity::Warning,
                            "parameter-deprecated",
                            &at,
                            "deprecated".into(),
                        );
                    }
                    if let (Some(sa), Some(sb)) = (a.get("schema"), b.get("schema")) {
                        self.schema(sa, sb, Direction::Request, &at, "", 0);
                    }
                }
            }
        }
        for ((place, name), b) in &after {
            if place == "path" || before.contains_key(&(place.clone(), name.clone())) {
                continue;
            }
            let at = format!("{location} {place} parameter `{name}`");
            if is_true(b, "required") {
                self.push(
                    Severity::Breaking,
                    "required-parameter-added",
                    &at,
                    "added as required".into(),
                );
            } else {
                self.push(
                    Severity::Addition,
                    "parameter-added",
                    &at,
                    "added (optional)".into(),
                );
            }
        }
    }

    fn request_body(&mut self, old: &'a Value, new: &'a Value, location: &str) {
        let body = |spec: &'a Value, op: &'a Value| op.get("requestBody").map(|b| resolve(spec, b));
        let at = format!("{location} request body");
        match (body(self.old, old), body(self.new, new)) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Severity::Breaking,
                "request-body-removed",
                &at,
                "removed".into(),
            ),
            (None, Some(b)) => {
                if is_true(b, "required") {
                    self.push(
                        Severity::Breaking,
                        "required-request-body-added",
                        &at,
                        "added as required".into(),
                    );
                } else {
                    self.push(
                        Severity::Addition,
                        "request-body-added",
                        &at,
                        "added (optional)".into(),
                    );
                }
            }
            (Some(a), Some(b)) => {
                if !is_true(a, "required") && is_true(b, "required") {
                    self.push(
                        Severity::Breaking,
                        "request-body-became-required",
                        &at,
                        "now required".into(),
                    );
                }
                self.content(a, b, Direction::Request, &at);
            }
        }
    }

    fn responses(&mut self, old: &'a Value, new: &'a Value, location: &str) {
        let before = old
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let after = new
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        for (status, a) in before {
            let at = format!("{location} response {status}");
            match after.get(status) {
                None => self.push(
                    Severity::Breaking,
                    "status-removed",
                    &at,
                    "status no longer declared".into(),
                ),
                Some(b) => {
                    let (a, b) = (resolve(self.old, a), resolve(self.new, b));
                    self.content(a, b, Direction::Response, &at);
                }
            }
        }
        for status in after.keys().filter(|s| !before.contains_key(*s)) {
            let at = format!("{location} response {status}");
            self.push(
                Severity::Addition,
                "status-added",
                &at,
                "status added".into(),
            );
        }
    }

    /// Media types and their schemas of a request body or a response.
    fn content(&mut self, old: &'a Value, new: &'a Value, direction: Direction, at: &str) {
        let before = old
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let after = new
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        for (media, a) in before {
            let here = format!("{at} `{media}`");
            match after.get(media) {
                None => self.push(
                    Severity::Breaking,
                    "media-type-removed",
                    &here,
                    "media type removed".into(),
                ),
                Some(b) => {
                    if let (Some(sa), Some(sb)) = (a.get("schema"), b.get("schema")) {
                        self.schema(sa, sb, direction, &here, "", 0);
                    }
                }
            }
        }
        for media in after.keys().filter(|m| !before.contains_key(*m)) {
            let here = format!("{at} `{media}`");
            self.push(
                Severity::Addition,
                "media-type-added",
                &here,
                "media type added".into(),
            );
        }
    }

    /// Compares two schemas; `pointer` is where in the body they sit.
    fn schema(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        direction: Direction,
        location: &str,
        pointer: &str,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if let (Some(a), Some(b)) = (schema_name(old), schema_name(new))
            && a == b
        {
            self.pending.push((a.to_string(), direction));
            return;
        }
        let (a, b) = (resolve(self.old, old), resolve(self.new, new));
        let at = if pointer.is_empty() {
            location.to_string()
        } else {
            format!("{location} {pointer}")
        };
        self.secret_marker(a, b, &at);
        let (ta, tb) = (type_of(a), type_of(b));
        if let (Some(ta), Some(tb)) = (&ta, &tb)
            && ta != tb
        {
            self.push(
                Severity::Breaking,
                "type-changed",
                &at,
                format!("type changed from {ta} to {tb}"),
            );
            return;
        }
        let nullable = |s: &Value| is_true(s, "nullable");
        match direction {
            Direction::Response if !nullable(a) && nullable(b) => self.push(
                Severity::Breaking,
                "became-nullable",
                &at,
                "may now be null".into(),
            ),
            Direction::Request if nullable(a) && !nullable(b) => self.push(
                Severity::Breaking,
                "no-longer-nullable",
                &at,
                "may no longer be null".into(),
            ),
            _ => {}
        }
        self.enumeration(a, b, direction, &at);
        self.properties(a, b, direction, location, pointer, depth);
        if let (Some(ia), Some(ib)) = (a.get("items"), b.get("items")) {
            self.schema(
                ia,
                ib,
                direction,
                location,
                &format!("{pointer}/[]"),
                depth + 1,
            );
        }
        if let (Some(xa @ Value::Object(_)), Some(xb @ Value::Object(_))) =
            (a.get("additionalProperties"), b.get("additionalProperties"))
        {
            self.schema(
                xa,
                xb,
                direction,
                location,
                &format!("{pointer}/{{*}}"),
                depth + 1,
            );
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            let (Some(va), Some(vb)) = (
                a.get(keyword).and_then(Value::as_array),
                b.get(keyword).and_then(Value::as_array),
            ) else {
                continue;
            };
            for (i, (x, y)) in va.iter().zip(vb).enumerate() {
                self.schema(
                    x,
                    y,
                    direction,
                    location,
                    &format!("{pointer}/{keyword}[{i}]"),
                    depth + 1,
                );
            }
            if va.len() != vb.len() {
                let (severity, kind) = match (keyword, vb.len() > va.len(), direction) {
                    // allOf: one more requirement, or one less guarantee.
                    ("allOf", true, Direction::Request) | ("allOf", false, Direction::Response) => {
                        (Severity::Breaking, "composition-changed")
                    }
                    // oneOf/anyOf: one shape fewer to send, or one more to read.
                    ("oneOf" | "anyOf", false, Direction::Request)
                    | ("oneOf" | "anyOf", true, Direction::Response) => {
                        (Severity::Breaking, "composition-changed")
                    }
                    _ => (Severity::Addition, "composition-changed"),
                };
                self.push(
                    severity,
                    kind,
                    &at,
                    format!(
                        "`{keyword}` has {} schemas instead of {}",
                        vb.len(),
                        va.len()
                    ),
                );
            }
        }
    }

    /// `x-connectors-secret`: whichever way the values travel, a schema that loses the
    /// marker has its values printed by SDKs and tools that redacted them, and one that
    /// gains it changes the type SDKs generate for it.
    fn secret_marker(&mut self, a: &Value, b: &Value, at: &str) {
        let marker = connectors_spec_lint::SECRET_MARKER;
        match (is_true(a, marker), is_true(b, marker)) {
            (true, false) => self.push(
                Severity::Breaking,
                "secret-unmarked",
                at,
                format!("no longer `{marker}`: its values would no longer be redacted"),
            ),
            (false, true) => self.push(
                Severity::Warning,
                "secret-marked",
                at,
                format!(
                    "now `{marker}`: SDKs redact its values, and may give it a type of their own"
                ),
            ),
            _ => {}
        }
    }

    fn enumeration(&mut self, a: &Value, b: &Value, direction: Direction, at: &str) {
        let values = |s: &Value| -> Option<Vec<Value>> { s.get("enum")?.as_array().cloned() };
        let (Some(va), Some(vb)) = (values(a), values(b)) else {
            if values(a).is_none()
                && let Some(vb) = values(b)
            {
                let shown: Vec<String> = vb.iter().map(Value::to_string).collect();
                self.push(
                    Severity::Breaking,
                    "enum-introduced",
                    at,
                    format!("now restricted to {}", shown.join(", ")),
                );
            }
            return;
        };
        for value in va.iter().filter(|v| !vb.contains(v)) {
            self.push(
                Severity::Breaking,
                "enum-value-removed",
                at,
                format!("enumeration value {value} removed"),
            );
        }
        for value in vb.iter().filter(|v| !va.contains(v)) {
            let (severity, why) = match direction {
                Direction::Response => (
                    Severity::Warning,
                    "a client that matches every value of a closed enumeration meets one it does not know",
                ),
                Direction::Request => (Severity::Addition, "a new value a client may send"),
            };
            self.push(
                severity,
                "enum-value-added",
                at,
                format!("enumeration value {value} added ({why})"),
            );
        }
    }

    fn properties(
        &mut self,
        a: &'a Value,
        b: &'a Value,
        direction: Direction,
        location: &str,
        pointer: &str,
        depth: usize,
    ) {
        let before = a
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let after = b
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let (ra, rb) = (required(a), required(b));
        for (name, pa) in before {
            let here = format!("{location} {pointer}/{name}");
            let Some(pb) = after.get(name) else {
                let why = match direction {
                    Direction::Response => "removed (a client reading it finds nothing)",
                    Direction::Request => "removed (a client sending it may be refused)",
                };
                self.push(Severity::Breaking, "field-removed", &here, why.into());
                continue;
            };
            match direction {
                Direction::Response if ra.contains(name) && !rb.contains(name) => self.push(
                    Severity::Breaking,
                    "field-became-optional",
                    &here,
                    "no longer required: a client may not find it".into(),
                ),
                Direction::Request if !ra.contains(name) && rb.contains(name) => self.push(
                    Severity::Breaking,
                    "field-became-required",
                    &here,
                    "now required: a client that leaves it out is refused".into(),
                ),
                _ => {}
            }
            let (da, db) = (resolve(self.old, pa), resolve(self.new, pb));
            if !is_true(da, "deprecated") && is_true(db, "deprecated") {
                self.push(
                    Severity::Warning,
                    "field-deprecated",
                    &here,
                    "deprecated".into(),
                );
            }
            self.schema(
                pa,
                pb,
                direction,
                location,
                &format!("{pointer}/{name}"),
                depth + 1,
            );
        }
        for name in after.keys().filter(|n| !before.contains_key(*n)) {
            let here = format!("{location} {pointer}/{name}");
            if direction == Direction::Request && rb.contains(name) {
                self.push(
                    Severity::Breaking,
                    "required-field-added",
                    &here,
                    "added as required: a client that leaves it out is refused".into(),
                );
            } else {
                self.push(Severity::Addition, "field-added", &here, "added".into());
            }
        }
    }
}
