//! Every keyed operation declares the `Idempotency-Key` header, and the key's schema says
//! how long a key may be and which characters it may hold.

use connectors_spec_lint::{check, parse};
use serde_json::{Value, json};

/// The workspace's spec (this test runs from the repository; the package ships no tests).
fn spec() -> Value {
    parse(include_str!("../../openapi.yaml")).expect("openapi.yaml is YAML")
}

fn problems(spec: &Value) -> Vec<String> {
    check(spec).iter().map(ToString::to_string).collect()
}

const KEY_REF: &str = "#/components/parameters/IdempotencyKey";

/// Removes the key parameter from an operation's own parameters.
fn drop_key(spec: &mut Value, path: &str, method: &str) {
    let params = spec["paths"][path][method]["parameters"]
        .as_array_mut()
        .expect("the operation has parameters");
    params.retain(|p| p["$ref"] != KEY_REF);
}

#[test]
fn every_keyed_operation_of_the_project_spec_declares_the_key() {
    let spec = spec();
    assert_eq!(problems(&spec), Vec::<String>::new());
    let mut keyed = 0;
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for (_, op) in item.as_object().expect("a path item") {
            if op["x-connectors-retry"] == "keyed" {
                keyed += 1;
                let params = op["parameters"].as_array().expect("parameters");
                assert!(
                    params.iter().any(|p| p["$ref"] == KEY_REF),
                    "{}",
                    op["operationId"]
                );
            }
        }
    }
    assert_eq!(keyed, 10);
}

#[test]
fn a_keyed_operation_without_the_key_is_refused_with_the_fix() {
    let mut spec = spec();
    drop_key(&mut spec, "/api/v1/identities/{identityId}", "delete");
    drop_key(&mut spec, "/api/v1/tools/invoke", "post");
    let found = problems(&spec);
    assert_eq!(found.len(), 2, "{found:?}");
    // In the order of the paths as parsed (sorted).
    assert!(
        found[1].starts_with("operation `invokeTool` (POST /api/v1/tools/invoke): the operation is `x-connectors-retry: keyed` but does not declare the `Idempotency-Key` header parameter"),
        "{}",
        found[1]
    );
    assert!(
        found[1].contains("add `- {$ref: '#/components/parameters/IdempotencyKey'}`"),
        "{}",
        found[1]
    );
    assert!(
        found[0]
            .starts_with("operation `deleteIdentity` (DELETE /api/v1/identities/{identityId}):"),
        "{}",
        found[0]
    );

    // A safe operation needs no key.
    let mut spec = self::spec();
    spec["paths"]["/api/v1/tools/invoke"]["post"]["x-connectors-retry"] = json!("safe");
    drop_key(&mut spec, "/api/v1/tools/invoke", "post");
    assert_eq!(problems(&spec), Vec::<String>::new());
}

#[test]
fn the_key_may_be_declared_inline_or_on_the_path_item_in_any_case() {
    let mut spec = spec();
    drop_key(&mut spec, "/api/v1/identities/{identityId}", "delete");
    drop_key(&mut spec, "/api/v1/identities/{identityId}", "patch");
    // On the path item: both of its keyed operations have it.
    spec["paths"]["/api/v1/identities/{identityId}"]["parameters"]
        .as_array_mut()
        .expect("path-item parameters")
        .push(json!({"$ref": KEY_REF}));
    // Inline, spelt otherwise.
    drop_key(&mut spec, "/api/v1/tools/invoke", "post");
    spec["paths"]["/api/v1/tools/invoke"]["post"]["parameters"]
        .as_array_mut()
        .expect("parameters")
        .push(json!({
            "name": "idempotency-key",
            "in": "header",
            "schema": {"type": "string", "maxLength": 64, "pattern": "^[a-z0-9-]+$"}
        }));
    assert_eq!(problems(&spec), Vec::<String>::new());

    // A query parameter of that name is not the header.
    let params = spec["paths"]["/api/v1/tools/invoke"]["post"]["parameters"]
        .as_array_mut()
        .expect("parameters");
    let last = params.len() - 1;
    params[last]["in"] = json!("query");
    let found = problems(&spec);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("does not declare the `Idempotency-Key` header"));
}

#[test]
fn the_key_schema_states_its_length_and_alphabet() {
    let mut spec = spec();
    let schema = spec["components"]["schemas"]["IdempotencyKey"]
        .as_object_mut()
        .expect("the key's schema");
    schema.remove("maxLength");
    schema.remove("pattern");
    let found = problems(&spec);
    // Reported once, where the parameter is, not once per keyed operation.
    assert_eq!(
        found,
        [
            "parameter `#/components/parameters/IdempotencyKey`: the `Idempotency-Key` schema has no integer `maxLength`: say how long a key may be (the reference gateway takes 255 bytes)",
            "parameter `#/components/parameters/IdempotencyKey`: the `Idempotency-Key` schema has no `pattern`: say which characters a key may hold (a header carries visible ASCII, `^[\\x21-\\x7E]+$`)",
        ]
    );

    spec["components"]["parameters"]["IdempotencyKey"]["schema"] =
        json!({"type": "integer", "maxLength": 9, "pattern": "x"});
    assert_eq!(
        problems(&spec),
        [
            "parameter `#/components/parameters/IdempotencyKey`: the `Idempotency-Key` schema must be `type: string`"
        ]
    );
}
