//! A failure's request as a `curl` command line that sends it again.
//!
//! The command is for a POSIX shell. Secrets never appear in it: the API key becomes
//! `$CONNECTORS_API_KEY` (or `$CONNECTORS_SECOND_API_KEY` for the second tenant's), and
//! every request-body value whose schema the spec marks as a credential
//! (`x-connectors-secret: true`) becomes `$CONNECTORS_SECRET_<NAME>`
//! (`clientSecret` → `$CONNECTORS_SECRET_CLIENT_SECRET`), spliced in so the shell expands
//! it: the variable holds the value as it goes into the JSON (a string's characters, an
//! object's JSON text).

use serde_json::Value;

use crate::wire::Exchange;

/// Headers left out: curl sets them itself for the request it sends.
const OMITTED_HEADERS: [&str; 2] = ["accept-encoding", "content-length"];
/// Marks a placeholder in the serialized body until it is spliced into the command.
const MARK: &str = "\u{E000}";

/// The API keys to replace in a command line, with the variable that stands for each.
#[derive(Clone, Default)]
pub struct Secrets {
    keys: Vec<(String, &'static str)>,
}

impl Secrets {
    /// Replaces `key` with `$variable`.
    pub fn key(mut self, key: Option<&str>, variable: &'static str) -> Self {
        if let Some(key) = key.filter(|k| !k.is_empty()) {
            self.keys.push((key.to_string(), variable));
        }
        self
    }

    fn replace(&self, text: &str) -> (String, bool) {
        let mut out = text.to_string();
        let mut replaced = false;
        for (key, variable) in &self.keys {
            if out.contains(key.as_str()) {
                out = out.replace(key.as_str(), &format!("{MARK}{variable}{MARK}"));
                replaced = true;
            }
        }
        (out, replaced)
    }
}

/// `exchange` as a `curl` command; `body_schema` is the request body's schema in `spec`,
/// which says which fields are secret.
pub fn curl(
    exchange: &Exchange,
    spec: &Value,
    body_schema: Option<&Value>,
    secrets: &Secrets,
) -> String {
    let mut parts = vec![
        "curl".to_string(),
        "-sS".to_string(),
        "-i".to_string(),
        "-X".to_string(),
        exchange.method.clone(),
        quote(&exchange.url),
    ];
    for (name, value) in &exchange.headers {
        if OMITTED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let (text, _) = secrets.replace(&format!("{name}: {value}"));
        parts.push("-H".into());
        parts.push(splice(&text));
    }
    if !exchange.body.is_empty() {
        let body = match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(mut json) => {
                if let Some(schema) = body_schema {
                    mask(spec, schema, &mut json, 0);
                }
                // Placeholders were put in as strings; an object's placeholder loses
                // its quotes, so the variable's JSON text takes its place.
                let text = json.to_string();
                let text = text.replace(&format!("\"{MARK}OBJ:"), MARK);
                let text = text.replace(&format!("{MARK}OBJEND\""), MARK);
                secrets.replace(&text).0
            }
            Err(_) => secrets.replace(&String::from_utf8_lossy(&exchange.body)).0,
        };
        parts.push("--data-binary".into());
        parts.push(splice(&body));
    }
    parts.join(" ")
}

/// `$CONNECTORS_SECRET_CLIENT_SECRET` for `clientSecret`.
fn variable(field: &str) -> String {
    let mut name = String::from("CONNECTORS_SECRET_");
    let mut previous_lower = false;
    for c in field.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else {
            name.push('_');
        }
    }
    name
}

/// Whether the values of `schema` (a `$ref` followed) are credentials.
fn is_secret(spec: &Value, schema: &Value) -> bool {
    connectors_spec_lint::is_secret(resolve(spec, schema))
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| spec.pointer(p))
        .unwrap_or(schema)
}

/// Replaces the values of `body` whose schema is a secret with placeholders.
fn mask(spec: &Value, schema: &Value, body: &mut Value, depth: usize) {
    if depth > 32 {
        return;
    }
    let schema = resolve(spec, schema);
    for keyword in ["oneOf", "anyOf", "allOf"] {
        for variant in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            mask(spec, variant, body, depth + 1);
        }
    }
    match body {
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, value) in fields.iter_mut() {
                let Some(field_schema) = properties
                    .and_then(|p| p.get(name))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                else {
                    continue;
                };
                if is_secret(spec, field_schema) {
                    let variable = variable(name);
                    *value = match value {
                        Value::String(_) => Value::String(format!("{MARK}{variable}{MARK}")),
                        _ => Value::String(format!("{MARK}OBJ:{variable}{MARK}OBJEND")),
                    };
                } else {
                    mask(spec, field_schema, value, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    mask(spec, item_schema, item, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// Quotes `text` for the shell, with each `MARK`ed variable name expanded by it.
fn splice(text: &str) -> String {
    let mut out = String::new();
    for (i, piece) in text.split(MARK).enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("\"${piece}\""));
        } else if !piece.is_empty() {
            out.push_str(&quote(piece));
        }
    }
    if out.is_empty() { "''".into() } else { out }
}

/// `text` in single quotes (a single quote inside becomes `'\''`).
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn exchange(body: &str) -> Exchange {
        Exchange {
            method: "POST".into(),
            url: "http://127.0.0.1:9/api/v1/x?q=it's".into(),
            headers: vec![
                ("authorization".into(), "Bearer ck_secret_key".into()),
                ("content-type".into(), "application/json".into()),
                ("content-length".into(), "12".into()),
            ],
            body: body.as_bytes().to_vec(),
            status: Some(400),
            retry_after: None,
        }
    }

    #[test]
    fn secrets_become_variables_and_the_rest_is_quoted() {
        // What is secret is the spec's marker, not a schema's name.
        let spec = json!({"components": {"schemas": {
            "SecretString": {"type": "string", "x-connectors-secret": true},
            "SecretStringMap": {"type": "object", "x-connectors-secret": true},
            "Label": {"type": "string", "x-connectors-secret": false},
            "Body": {"type": "object", "properties": {
                "clientSecret": {"$ref": "#/components/schemas/SecretString"},
                "env": {"$ref": "#/components/schemas/SecretStringMap"},
                "name": {"$ref": "#/components/schemas/Label"}
            }}
        }}});
        let schema = json!({"$ref": "#/components/schemas/Body"});
        let secrets = Secrets::default().key(Some("ck_secret_key"), "CONNECTORS_API_KEY");
        let line = curl(
            &exchange(r#"{"clientSecret":"s3cr3t","env":{"A":"b"},"name":"o'k"}"#),
            &spec,
            Some(&schema),
            &secrets,
        );
        assert!(
            !line.contains("ck_secret_key") && !line.contains("s3cr3t"),
            "{line}"
        );
        assert!(!line.contains("content-length"), "{line}");
        assert!(
            line.starts_with("curl -sS -i -X POST 'http://127.0.0.1:9/api/v1/x?q=it'\\''s'"),
            "{line}"
        );
        assert!(
            line.contains(r#"-H 'authorization: Bearer '"$CONNECTORS_API_KEY""#),
            "{line}"
        );
        assert!(
            line.contains(r#"'{"clientSecret":"'"$CONNECTORS_SECRET_CLIENT_SECRET"'","env":'"$CONNECTORS_SECRET_ENV"',"name":"o'\''k"}'"#),
            "{line}"
        );
    }

    #[test]
    fn every_credential_the_project_spec_marks_becomes_a_variable() {
        let spec: Value =
            serde_json::from_str(connectors::api::OPENAPI_JSON).expect("the spec is JSON");
        let cases = [
            (
                "OAuthConfigRequest",
                r#"{"clientId":"client-1","clientSecret":"s3cr3t-0123456789ab","redirectUri":"http://x"}"#,
                "$CONNECTORS_SECRET_CLIENT_SECRET",
            ),
            (
                "AddMcpServerRequest",
                r#"{"name":"n","category":"c","source":{"type":"stdio","command":"x","env":{"TOKEN":"s3cr3t"}}}"#,
                "$CONNECTORS_SECRET_ENV",
            ),
            (
                "AddMcpServerRequest",
                r#"{"name":"n","category":"c","source":{"type":"github","url":"u","auth":{"type":"token","token":"s3cr3t"}}}"#,
                "$CONNECTORS_SECRET_TOKEN",
            ),
            (
                "InvokeToolRequest",
                r#"{"toolId":"a.b","integration":"a","tenantId":"t","parameters":{"key":"s3cr3t"}}"#,
                "$CONNECTORS_SECRET_PARAMETERS",
            ),
        ];
        for (schema, body, variable) in cases {
            let schema = json!({"$ref": format!("#/components/schemas/{schema}")});
            let line = curl(&exchange(body), &spec, Some(&schema), &Secrets::default());
            assert!(
                !line.contains("s3cr3t") && line.contains(variable),
                "{line}"
            );
        }
    }

    #[test]
    fn variable_names() {
        assert_eq!(variable("clientSecret"), "CONNECTORS_SECRET_CLIENT_SECRET");
        assert_eq!(variable("env"), "CONNECTORS_SECRET_ENV");
        assert_eq!(variable("x-token"), "CONNECTORS_SECRET_X_TOKEN");
    }
}
