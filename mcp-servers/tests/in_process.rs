//! Built-in servers served in-process over `tokio::io::duplex` byte streams.

mod common;

use common::{error_text, ok_json, over_duplex};
use connectors_mcp_servers::{Builtin, notes::NotesServer, serve_io, spawn_in_process};
use connectors_test_support::mcp::{Recorder, call, tool_names};
use rmcp::{ServiceExt, service::QuitReason};
use serde_json::json;

#[tokio::test]
async fn serve_io_over_duplex() {
    let (client_end, server_end) = tokio::io::duplex(64 * 1024);
    let (server_read, server_write) = tokio::io::split(server_end);
    let (handler, _progress) = Recorder::new();
    // The handshake needs both sides, so run them concurrently.
    let (server, client) = tokio::join!(
        serve_io(Builtin::Text, server_read, server_write),
        handler.serve(client_end)
    );
    let (server, client) = (server.unwrap(), client.unwrap());

    assert_eq!(tool_names(&client).await.len(), 5);
    let out = ok_json(
        &call(
            &client,
            "transform",
            json!({ "text": "In Process Server", "operation": "snake_case" }),
        )
        .await,
    );
    assert_eq!(out["result"], "in_process_server");

    // The client disconnecting ends the server.
    client.cancel().await.unwrap();
    assert!(matches!(
        server.waiting().await.unwrap(),
        QuitReason::Closed
    ));
}

#[tokio::test]
async fn spawn_in_process_runs_until_the_client_leaves() {
    let (stream, task) = spawn_in_process(Builtin::Math);
    let (handler, _progress) = Recorder::new();
    let client = handler.serve(stream).await.unwrap();
    let out = ok_json(&call(&client, "statistics", json!({ "numbers": [1, 2, 3, 4] })).await);
    assert_eq!(out["median"], 2.5);
    assert_eq!(out["sum"], 10.0);
    client.cancel().await.unwrap();
    assert!(matches!(task.await.unwrap().unwrap(), QuitReason::Closed));
}

#[tokio::test]
async fn cloned_notes_servers_share_a_store() {
    let notes = NotesServer::new();
    let mut clients = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..2 {
        let (server, client) = over_duplex(notes.clone()).await;
        servers.push(server);
        clients.push(client);
    }
    let added = ok_json(
        &call(
            &clients[0],
            "add_note",
            json!({ "title": "shared", "body": "one store" }),
        )
        .await,
    );
    let got = ok_json(&call(&clients[1], "get_note", json!({ "id": added["id"] })).await);
    assert_eq!(got["body"], "one store");
    assert_eq!(notes.store().len(), 1);
    // A fresh Builtin::Notes instance has its own, empty store.
    let (stream, _task) = spawn_in_process(Builtin::Notes);
    let (handler, _) = Recorder::new();
    let other = handler.serve(stream).await.unwrap();
    let err = error_text(&call(&other, "get_note", json!({ "id": added["id"] })).await);
    assert!(err.contains("no note"), "{err}");
}
