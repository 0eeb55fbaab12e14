//! Every body the real gateway sent (the recorded exchanges) validates against the
//! response schema openapi.yaml declares for its operation and status, under a strict
//! JSON Schema validator; and a drifted body is caught.

use connectors_contract::{ResponseSchemas, SchemaError};
use serde_json::{Value, json};

fn exchanges() -> Vec<Value> {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/connectors-gateway/recorded.json"
    );
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let fixture: Value = serde_json::from_str(&text).unwrap();
    fixture["exchanges"].as_array().unwrap().clone()
}

#[test]
fn every_recorded_json_body_conforms_to_its_declared_schema() {
    let schemas = ResponseSchemas::bundled().unwrap();
    let mut checked = 0;
    for exchange in exchanges() {
        let name = exchange["name"].as_str().unwrap();
        let method = exchange["request"]["method"].as_str().unwrap();
        let path = exchange["request"]["path"]
            .as_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        let status = exchange["response"]["status"].as_u64().unwrap() as u16;
        let Some(route) = schemas.route_for(method, path) else {
            // Only the deliberately unknown route has no operation.
            assert_eq!(
                path, "/nope",
                "{name}: no operation of the spec serves {method} {path}"
            );
            continue;
        };
        match schemas.validate(&route.operation_id, status, &exchange["response"]["body"]) {
            Ok(violations) => {
                assert!(
                    violations.is_empty(),
                    "{name} ({}): {violations:?}",
                    route.operation_id
                );
                checked += 1;
            }
            Err(SchemaError::UndeclaredStatus { status: 500, .. }) => {
                // The HTML error page for malformed JSON: 500 is not part of the contract.
                assert!(exchange["response"]["body_text"].is_string(), "{name}");
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
    assert_eq!(checked, 40, "bodies validated");
}

#[test]
fn a_drifted_body_is_reported_where_the_client_would_cope() {
    let schemas = ResponseSchemas::bundled().unwrap();
    let body = json!({
        "success": true,
        "data": {"deploymentId": "dep-1", "status": "hibernating", "toolsDiscovered": "twelve"},
        "metadata": {"timestamp": "yesterday"}
    });
    let violations = schemas.validate("getDeployment", 200, &body).unwrap();
    let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|v| v.starts_with("/data/status:")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|v| v.starts_with("/data/toolsDiscovered:")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|v| v.starts_with("/metadata/timestamp:")),
        "{text:?}"
    );
}

#[test]
fn literal_segments_win_over_parameters() {
    let schemas = ResponseSchemas::bundled().unwrap();
    assert_eq!(
        schemas
            .route_for("GET", "/api/v1/tools/list")
            .unwrap()
            .operation_id,
        "listTools"
    );
    assert_eq!(
        schemas
            .route_for("GET", "/api/v1/tools/github.x")
            .unwrap()
            .operation_id,
        "getTool"
    );
    assert_eq!(
        schemas
            .route_for("POST", "/api/v1/tools/invoke/batch")
            .unwrap()
            .operation_id,
        "invokeToolsBatch"
    );
    assert!(schemas.route_for("GET", "/nope").is_none());
}

#[test]
fn undeclared_statuses_and_streams_are_told_apart() {
    let schemas = ResponseSchemas::bundled().unwrap();
    assert_eq!(
        schemas.validate("getHealth", 418, &json!({})),
        Err(SchemaError::UndeclaredStatus {
            operation_id: "getHealth".into(),
            status: 418
        })
    );
    assert_eq!(
        schemas.validate("streamEvents", 200, &json!({})),
        Err(SchemaError::NotJson {
            operation_id: "streamEvents".into(),
            status: 200
        })
    );
}
