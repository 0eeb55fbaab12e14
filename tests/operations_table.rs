//! The operations table generated from `openapi.yaml` at build time: every operation
//! once, in spec order, with what the spec says of it.

use connectors::operations::{OPERATIONS, RetryClass, find};

#[test]
fn the_table_has_every_operation_once() {
    // No count is pinned here (nor in any other test): the table is compared with the spec
    // (`the_table_says_what_the_spec_says`), and the documentation's prose with the table
    // (`the_documentation_quotes_the_tables_counts`), so adding an operation to
    // `openapi.yaml` needs no edit of a test.
    let mut ids: Vec<_> = OPERATIONS.iter().map(|op| op.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), OPERATIONS.len());
    assert!(OPERATIONS.iter().any(|op| !op.extension));
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

/// The counts the documentation quotes in prose ("18 of the spec's 35 operations") are
/// the table's: a new operation in `openapi.yaml` fails here until the prose follows.
#[test]
fn the_documentation_quotes_the_tables_counts() {
    let total = OPERATIONS.len();
    let extensions = OPERATIONS.iter().filter(|op| op.extension).count();
    let original = total - extensions;
    // Each sentence that quotes a count, by file, with the counts put in from the table.
    let quoted = [
        (
            "README.md",
            vec![
                format!("the original gateway lacks the {extensions} extension routes"),
                format!(
                    "The original TypeScript gateway has {original} of the spec's {total} operations"
                ),
                format!("gateway's own {original} operations are never remembered"),
                format!("offers {original} of the spec's {total} operations"),
                format!(
                    "serves only the original's {original} routes (the {extensions} extensions"
                ),
                format!("The suite calls all {total} operations of `openapi.yaml`"),
                format!(
                    "{total} operations: {total} passed, 0 failed, 0 not offered, 0 skipped (read-only)"
                ),
            ],
        ),
        (
            "ARCHITECTURE.md",
            vec![format!(
                "OpenAPI 3.0.3, {total} operations: the real gateway's {original} routes and \
                 {extensions} extensions,"
            )],
        ),
        (
            "CONTRIBUTING.md",
            vec![format!(
                "the suite reports `{original} passed, 0 failed, {extensions} not offered`"
            )],
        ),
        (
            "gateway/README.md",
            vec![
                format!("| routes | all {total} operations | only the original's {original}:"),
                format!("| any other route (the {extensions} extensions,"),
            ],
        ),
    ];
    for (file, sentences) in quoted {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(&path).expect("the documentation is readable");
        // Lines wrap anywhere in Markdown prose: compare with single spaces.
        let words: Vec<&str> = text.split_whitespace().collect();
        let flat = words.join(" ");
        for sentence in &sentences {
            assert!(
                flat.contains(sentence.as_str()),
                "{file} no longer says {sentence:?}: update its count from \
                 connectors::operations::OPERATIONS (or this list, if it was reworded)"
            );
        }
        // A count quoted anywhere else must be one of the table's too.
        for pair in words.windows(2) {
            let noun = pair[1].trim_end_matches(|c: char| !c.is_alphanumeric());
            let counted = matches!(
                noun,
                "operation" | "operations" | "route" | "routes" | "extension" | "extensions"
            );
            if let (true, Ok(count)) = (counted, pair[0].parse::<usize>()) {
                assert!(
                    [total, original, extensions].contains(&count),
                    "{file} quotes {count} {noun}; the table has {total} operations, \
                     {original} of the original gateway and {extensions} extensions"
                );
            }
        }
    }
}
