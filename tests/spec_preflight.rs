//! The build-time checks of openapi.yaml (`connectors-spec-lint`): the real spec passes,
//! and each limit of progenitor that would otherwise panic inside the generator is
//! reported with the operation and the reason.

use connectors_spec_lint as preflight;

use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(connectors::api::OPENAPI_JSON).expect("the embedded spec is JSON")
}

fn problems(spec: &Value) -> Vec<String> {
    preflight::check(spec)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_project_spec_passes() {
    assert_eq!(problems(&spec()), Vec::<String>::new());
}

#[test]
fn the_project_spec_has_unique_operation_ids_and_at_least_30_operations() {
    let spec = spec();
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.push(id.to_string());
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate operationIds");
    assert!(count >= 30, "only {count} operations");
}

#[test]
fn a_second_error_schema_names_the_operation() {
    let mut spec = spec();
    spec["paths"]["/api/v1/tools/select"]["post"]["responses"]["418"] = json!({
        "description": "teapot",
        "content": {"application/json": {"schema": {"type": "object"}}}
    });
    let found = problems(&spec);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("operation `selectTools` (POST /api/v1/tools/select):"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("error responses have 2 different bodies"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("418: JSON (inline schema of response 418)"),
        "{}",
        found[0]
    );
}

#[test]
fn a_default_response_beside_a_success_type_is_reported() {
    let mut spec = spec();
    spec["paths"]["/health"]["get"]["responses"]["default"] = json!({
        "description": "anything",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    });
    let found = problems(&spec);
    assert!(
        found.iter().any(|p| p.contains("`getHealth`")
            && p.contains("success responses have 2 different bodies")),
        "{found:?}"
    );
}

#[test]
fn duplicate_operation_ids_are_reported_with_both_routes() {
    let mut spec = spec();
    spec["paths"]["/ready"]["get"]["operationId"] = json!("getHealth");
    let found = problems(&spec);
    assert!(
        found
            .iter()
            .any(|p| p.contains("operationId `getHealth` is also used by GET /health")),
        "{found:?}"
    );
}

#[test]
fn a_missing_operation_id_is_reported() {
    let mut spec = spec();
    spec["paths"]["/ready"]["get"]
        .as_object_mut()
        .unwrap()
        .remove("operationId");
    let found = problems(&spec);
    assert_eq!(
        found,
        vec!["GET /ready: the operation has no `operationId` (it names the generated method)"]
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let mut spec = spec();
    spec["openapi"] = json!("3.1.0");
    assert_eq!(
        problems(&spec),
        vec!["openapi: version `3.1.0` is not supported; progenitor accepts OpenAPI 3.0.x only"]
    );
}

#[test]
fn multipart_and_several_body_types_are_reported() {
    let mut spec = spec();
    let body = "/paths/~1api~1v1~1identities/post/requestBody/content";
    spec.pointer_mut(body).unwrap()["multipart/form-data"] = json!({"schema": {"type": "object"}});
    let found = problems(&spec);
    assert!(
        found
            .iter()
            .any(|p| p.contains("`createIdentity`") && p.contains("2 media types")),
        "{found:?}"
    );

    spec.pointer_mut(body)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("application/json");
    let found = problems(&spec);
    assert!(
        found
            .iter()
            .any(|p| p.contains("`multipart/form-data` is not supported")),
        "{found:?}"
    );
}

#[test]
fn path_parameters_must_match_the_template() {
    let mut spec = spec();
    let item = spec["paths"]["/api/v1/mcp/custom/{name}"].take();
    spec["paths"]["/api/v1/mcp/custom/{serverName}"] = item;
    let found = problems(&spec);
    assert!(
        found
            .iter()
            .any(|p| p.contains("path parameter `name` does not appear in the path")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("`{serverName}` in the path has no path parameter")),
        "{found:?}"
    );
}

#[test]
fn closed_response_schemas_are_reported() {
    let mut spec = spec();
    spec["components"]["schemas"]["Deployment"]["additionalProperties"] = json!(false);
    let found = problems(&spec);
    assert!(
        found
            .iter()
            .any(|p| p
                .contains("#/components/schemas/Deployment sets `additionalProperties: false`")),
        "{found:?}"
    );
}

#[test]
fn an_operation_without_a_retry_class_is_refused() {
    let mut spec = spec();
    let op = &mut spec["paths"]["/api/v1/tools/invoke"]["post"];
    op.as_object_mut().unwrap().remove("x-connectors-retry");
    let found = problems(&spec);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("operation `invokeTool` (POST /api/v1/tools/invoke):")
            && found[0].contains("has no `x-connectors-retry`"),
        "{}",
        found[0]
    );

    spec["paths"]["/api/v1/tools/invoke"]["post"]["x-connectors-retry"] = json!("sometimes");
    spec["paths"]["/ready"]["get"]["x-connectors-extension"] = json!("yes");
    let found = problems(&spec);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("`x-connectors-retry: sometimes` is not a retry class"));
    assert!(found[1].contains("`x-connectors-extension` must be `true` or `false`"));
}
