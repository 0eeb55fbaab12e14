//! `x-connectors-secret`: the project spec's markers pass and name its credentials, and a
//! marker that a generator could not act on is reported with the schema and the reason.

use connectors_spec_lint::{check, parse, secret_schemas};
use serde_json::{Value, json};

/// The workspace's spec (this test runs from the repository; the package ships no tests).
fn spec() -> Value {
    parse(include_str!("../../openapi.yaml")).expect("openapi.yaml is YAML")
}

fn problems(spec: &Value) -> Vec<String> {
    check(spec).iter().map(ToString::to_string).collect()
}

#[test]
fn the_project_spec_marks_its_credentials() {
    let spec = spec();
    assert_eq!(problems(&spec), Vec::<String>::new());
    let mut marked = secret_schemas(&spec);
    marked.sort();
    assert_eq!(
        marked,
        [
            "OAuthClientSecret",
            "SecretString",
            "SecretStringMap",
            "ToolArguments"
        ]
    );
}

#[test]
fn the_marker_is_a_boolean() {
    let mut spec = spec();
    spec["components"]["schemas"]["SecretString"]["x-connectors-secret"] = json!("yes");
    assert_eq!(
        problems(&spec),
        ["schema `SecretString`: `x-connectors-secret` must be `true` or `false`"]
    );
    assert!(!secret_schemas(&spec).contains(&"SecretString"));

    // `false` says it outright: not a credential.
    spec["components"]["schemas"]["SecretString"]["x-connectors-secret"] = json!(false);
    assert_eq!(problems(&spec), Vec::<String>::new());
    assert!(!secret_schemas(&spec).contains(&"SecretString"));
}

#[test]
fn a_marked_schema_is_a_string_or_an_object() {
    let mut spec = spec();
    // A string enumeration is a string: it may be marked.
    spec["components"]["schemas"]["HealthState"]["x-connectors-secret"] = json!(true);
    // A `oneOf` of objects has no `type` of its own.
    spec["components"]["schemas"]["McpSource"]["x-connectors-secret"] = json!(true);
    assert_eq!(
        problems(&spec),
        [
            "schema `McpSource`: `x-connectors-secret` marks a string or an object schema (a credential, or named values that may hold credentials); this one has no `type`"
        ]
    );
    spec["components"]["schemas"]["HealthState"]["type"] = json!("integer");
    let found = problems(&spec);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("schema `HealthState`: `x-connectors-secret` marks")
            && found[0].ends_with("this one has `type: integer`"),
        "{}",
        found[0]
    );
}

#[test]
fn a_marker_on_an_inline_schema_is_reported_where_it_is() {
    let mut spec = spec();
    let body = "/paths/~1api~1v1~1tenants~1{tenantId}~1integrations~1{integration}~1oauth-config/post/requestBody/content/application~1json/schema";
    let Some(schema) = spec.pointer_mut(body) else {
        panic!("no request body schema at {body}");
    };
    *schema = json!({"type": "string", "x-connectors-secret": true});
    // Inside a named schema, a property's own marker is not read either, even `false`.
    spec["components"]["schemas"]["ToolSchema"]["properties"]["name"]["x-connectors-secret"] =
        json!(false);
    let not_read = "`x-connectors-secret` is read on schemas under `components/schemas` only; name this schema there and `$ref` it";
    let mut found = problems(&spec);
    found.sort();
    assert_eq!(
        found,
        [
            format!("/components/schemas/ToolSchema/properties/name: {not_read}"),
            format!("{body}: {not_read}"),
        ]
    );
}
