//! The operations table generated from `openapi.yaml` at build time: every operation
//! once, in spec order, with what the spec says of it.

use connectors::operations::{OPERATIONS, RetryClass, find};

#[test]
fn the_table_has_every_operation_once_with_the_original_gateways_18() {
    assert_eq!(OPERATIONS.len(), 35);
    let mut ids: Vec<_> = OPERATIONS.iter().map(|op| op.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), OPERATIONS.len());
    assert_eq!(OPERATIONS.iter().filter(|op| !op.extension).count(), 18);
    let streams: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| op.streaming)
        .map(|op| op.id)
        .collect();
    assert_eq!(streams, ["invokeToolStream", "streamEvents"]);
    assert_eq!(OPERATIONS[0].id, "getServiceInfo", "spec order");
    assert_eq!(
        find("selectTools").map(|op| op.retry),
        Some(RetryClass::Safe)
    );
    assert_eq!(
        find("removeCustomServer").map(|op| op.retry),
        Some(RetryClass::Keyed)
    );
}

#[test]
#[cfg(feature = "openapi-json")]
fn the_table_says_what_the_spec_says() {
    let spec: serde_json::Value =
        serde_json::from_str(connectors::api::OPENAPI_JSON).expect("the bundled spec");
    let mut from_spec = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            let keyed = op["x-connectors-retry"] == "keyed";
            let extension = op["x-connectors-extension"] == true;
            from_spec.push((id, method.to_uppercase(), path.as_str(), keyed, extension));
        }
    }
    from_spec.sort();
    let mut table: Vec<_> = OPERATIONS
        .iter()
        .map(|op| {
            let keyed = op.retry == RetryClass::Keyed;
            (op.id, op.method.to_string(), op.path, keyed, op.extension)
        })
        .collect();
    table.sort();
    assert_eq!(table, from_spec);
}
