//! `serve_http` on an ephemeral loopback port, driven by rmcp's streamable HTTP client.

mod common;

use common::{error_text, ok_json};
use connectors_mcp_servers::{Builtin, serve_http};
use connectors_test_support::mcp::{call, connect_http, next_progress, tool_names};
use serde_json::json;

#[tokio::test]
async fn notes_over_streamable_http_share_one_store() {
    let (addr, server) = serve_http(Builtin::Notes, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    let url = server.url();
    assert_eq!(url, format!("http://{addr}/mcp"));

    let (first, _) = connect_http(&url).await;
    assert_eq!(
        tool_names(&first).await,
        [
            "add_note",
            "delete_note",
            "get_note",
            "list_notes",
            "search_notes"
        ]
    );
    let note = ok_json(
        &call(
            &first,
            "add_note",
            json!({ "title": "HTTP transport", "body": "streamable http works", "tags": ["mcp"] }),
        )
        .await,
    );
    let id = note["id"].as_u64().unwrap();

    // A second, independent HTTP session sees the same store.
    let (second, _) = connect_http(&url).await;
    let found = ok_json(&call(&second, "search_notes", json!({ "query": "streamable" })).await);
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["id"], id);
    ok_json(&call(&second, "delete_note", json!({ "id": id })).await);
    let err = error_text(&call(&first, "get_note", json!({ "id": id })).await);
    assert!(err.contains("no note"), "{err}");

    first.cancel().await.unwrap();
    // Shutting down with a session still open ends that session instead of hanging.
    server.shutdown().await.unwrap();
    drop(second);
}

#[tokio::test]
async fn math_over_streamable_http_with_progress() {
    let (_, server) = serve_http(Builtin::Math, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (client, mut progress) = connect_http(&server.url()).await;

    let out = ok_json(&call(&client, "evaluate", json!({ "expression": "2*(3+4)^2" })).await);
    assert_eq!(out["result"], 98.0);
    let err = error_text(&call(&client, "evaluate", json!({ "expression": "7/0" })).await);
    assert!(err.contains("division by zero"), "{err}");

    let out = ok_json(&call(&client, "count_primes", json!({ "n": 2_000_000 })).await);
    assert_eq!(out["prime_count"], 148_933);
    let sent = out["progress_notifications_sent"].as_u64().unwrap();
    assert!(sent >= 10, "only {sent} progress notifications");
    for _ in 0..sent {
        let p = next_progress(&mut progress).await;
        assert_eq!(p.total, Some(2_000_000.0));
    }

    client.cancel().await.unwrap();
    server.shutdown().await.unwrap();
}
