//! The `notes` server keeps one store per tenant named in the request `_meta`.

mod common;

use common::{error_text, ok_json, over_duplex};
use connectors_mcp_servers::notes::{NotesServer, TENANT_META_KEY};
use connectors_test_support::mcp::Client;
use rmcp::model::{CallToolRequestParams, CallToolResult, MetaObject, RequestMetaObject};
use serde_json::{Value, json};

/// `tools/call` with `_meta` naming `tenant` (or no `_meta` at all).
async fn call_as(
    client: &Client,
    tenant: Option<Value>,
    tool: &'static str,
    arguments: Value,
) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object");
    };
    let mut params = CallToolRequestParams::new(tool).with_arguments(arguments);
    if let Some(tenant) = tenant {
        let mut meta = serde_json::Map::new();
        meta.insert(TENANT_META_KEY.to_string(), tenant);
        params.meta = Some(RequestMetaObject(MetaObject(meta)));
    }
    client.call_tool(params).await.expect("tools/call")
}

fn count(result: &CallToolResult) -> Value {
    ok_json(result)["count"].clone()
}

#[tokio::test]
async fn each_tenant_named_in_meta_has_its_own_notes() {
    let notes = NotesServer::new();
    let (_server, client) = over_duplex(notes.clone()).await;
    let a = Some(json!("tenant-a"));
    let b = Some(json!("tenant-b"));

    let added = ok_json(&call_as(&client, a.clone(), "add_note", json!({"title": "a's"})).await);
    assert_eq!(
        count(&call_as(&client, a.clone(), "list_notes", json!({})).await),
        1
    );
    // Tenant B sees nothing of A's, not even by id, and cannot delete it.
    assert_eq!(
        count(&call_as(&client, b.clone(), "list_notes", json!({})).await),
        0
    );
    let id = json!({"id": added["id"]});
    let err = error_text(&call_as(&client, b.clone(), "get_note", id.clone()).await);
    assert!(err.contains("no note"), "{err}");
    let err = error_text(&call_as(&client, b.clone(), "delete_note", id.clone()).await);
    assert!(err.contains("no note"), "{err}");
    let search = json!({"query": "a"});
    assert_eq!(count(&call_as(&client, b, "search_notes", search).await), 0);
    // A call without a tenant uses the server's own store, which is neither.
    assert_eq!(
        count(&call_as(&client, None, "list_notes", json!({})).await),
        0
    );
    assert!(notes.store().is_empty());
    assert_eq!(notes.tenant_store("tenant-a").map(|s| s.len()), Some(1));
    // A tenant that is not a string is refused rather than mapped to some store.
    let err = error_text(&call_as(&client, Some(json!(7)), "list_notes", json!({})).await);
    assert!(err.contains(TENANT_META_KEY), "{err}");
    ok_json(&call_as(&client, a, "get_note", id).await);
}
