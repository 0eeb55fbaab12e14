//! Each built-in server run as a real child process, driven by rmcp's client over stdio.

mod common;

use common::{error_text, ok_json, spawn_stdio};
use connectors_test_support::mcp::{call, next_progress, tool_names};
use serde_json::json;

#[tokio::test]
async fn each_server_lists_its_tools_with_schemas() {
    let expected = [
        (
            "text",
            vec![
                "base64_decode",
                "base64_encode",
                "find",
                "transform",
                "word_count",
            ],
        ),
        ("math", vec!["count_primes", "evaluate", "statistics"]),
        (
            "notes",
            vec![
                "add_note",
                "delete_note",
                "get_note",
                "list_notes",
                "search_notes",
            ],
        ),
    ];
    for (server, tools) in expected {
        let (client, _progress) = spawn_stdio(server).await;
        let info = client.peer_info().expect("server info");
        let name = info.server_info.as_ref().map(|i| i.name.clone());
        assert_eq!(
            name.as_deref(),
            Some(format!("connectors-{server}").as_str())
        );
        assert_eq!(tool_names(&client).await, tools, "{server}");
        for tool in client.list_all_tools().await.unwrap() {
            let description = tool.description.as_deref().unwrap_or_default();
            assert!(
                description.len() > 30,
                "{}: description too short",
                tool.name
            );
            assert_eq!(tool.input_schema.get("type"), Some(&json!("object")));
            assert!(
                tool.output_schema.is_some(),
                "{} has no output schema",
                tool.name
            );
        }
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn text_tools_do_real_work() {
    let (client, _progress) = spawn_stdio("text").await;

    let text = "The quick brown fox.\nThe lazy dog sleeps; the fox runs!\nEnd";
    let out = ok_json(&call(&client, "word_count", json!({ "text": text, "top": 2 })).await);
    assert_eq!(out["words"], 12);
    assert_eq!(out["lines"], 3);
    assert_eq!(out["characters"], text.chars().count());
    assert_eq!(out["unique_words"], 9);
    assert_eq!(
        out["most_frequent"],
        json!([{ "word": "the", "count": 3 }, { "word": "fox", "count": 2 }])
    );

    let out = ok_json(&call(&client, "find", json!({ "text": text, "pattern": "FOX" })).await);
    assert_eq!(out["total_matches"], 2);
    assert_eq!(
        out["matches"][0],
        json!({ "line_number": 1, "line": "The quick brown fox." })
    );
    assert_eq!(out["matches"][1]["line_number"], 2);
    let out = ok_json(
        &call(
            &client,
            "find",
            json!({ "text": text, "pattern": "l?zy*runs", "mode": "wildcard" }),
        )
        .await,
    );
    assert_eq!(out["total_matches"], 1);
    assert_eq!(out["matches"][0]["line_number"], 2);

    for (operation, expected) in [
        ("upper", "HELLO, WORLD WIDE WEB"),
        ("title", "Hello, World Wide Web"),
        ("snake_case", "hello_world_wide_web"),
        ("kebab-case", "hello-world-wide-web"),
        ("slugify", "hello-world-wide-web"),
        ("reverse", "beW ediw dlroW ,olleh"),
    ] {
        let out = ok_json(
            &call(
                &client,
                "transform",
                json!({ "text": "hello, World wide Web", "operation": operation }),
            )
            .await,
        );
        assert_eq!(out["result"], expected, "{operation}");
    }

    let encoded = ok_json(&call(&client, "base64_encode", json!({ "text": "héllo MCP" })).await);
    assert_eq!(encoded["base64"], "aMOpbGxvIE1DUA==");
    let decoded = ok_json(
        &call(
            &client,
            "base64_decode",
            json!({ "base64": "aMOpbGxvIE1DUA==" }),
        )
        .await,
    );
    assert_eq!(decoded["text"], "héllo MCP");
    assert_eq!(decoded["bytes"], 10);

    let err = error_text(&call(&client, "base64_decode", json!({ "base64": "@@@" })).await);
    assert!(err.contains("invalid base64"), "{err}");
    // 0xFF 0xFE is valid base64 but not UTF-8.
    let err = error_text(&call(&client, "base64_decode", json!({ "base64": "//4=" })).await);
    assert!(err.contains("not valid UTF-8"), "{err}");

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn math_evaluates_and_reports_errors_as_tool_results() {
    let (client, _progress) = spawn_stdio("math").await;

    let out = ok_json(&call(&client, "evaluate", json!({ "expression": "2*(3+4)^2" })).await);
    assert_eq!(out["result"], 98.0);
    let out = ok_json(
        &call(
            &client,
            "evaluate",
            json!({ "expression": "-2^2 + sqrt(16) + abs(-1.5) + round(ln(e))" }),
        )
        .await,
    );
    assert_eq!(out["result"], 2.5);

    let err = error_text(&call(&client, "evaluate", json!({ "expression": "1 / (2 - 2)" })).await);
    assert!(err.contains("division by zero"), "{err}");
    let err = error_text(&call(&client, "evaluate", json!({ "expression": "3 + * 4" })).await);
    assert!(err.contains("syntax error"), "{err}");

    let out = ok_json(
        &call(
            &client,
            "statistics",
            json!({ "numbers": [2, 4, 4, 4, 5, 5, 7, 9] }),
        )
        .await,
    );
    assert_eq!(out["count"], 8);
    assert_eq!(out["mean"], 5.0);
    assert_eq!(out["median"], 4.5);
    assert_eq!(out["min"], 2.0);
    assert_eq!(out["max"], 9.0);
    assert_eq!(out["std_dev"], 2.0);
    let err = error_text(&call(&client, "statistics", json!({ "numbers": [] })).await);
    assert!(err.contains("empty"), "{err}");

    let out = ok_json(&call(&client, "count_primes", json!({ "n": 100 })).await);
    assert_eq!(out["prime_count"], 25);
    assert_eq!(out["largest_prime"], 97);
    let err = error_text(&call(&client, "count_primes", json!({ "n": 50_000_001 })).await);
    assert!(err.contains("too large"), "{err}");

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn count_primes_sends_progress_notifications() {
    let (client, mut progress) = spawn_stdio("math").await;
    let n = 10_000_000u64;
    let out = ok_json(&call(&client, "count_primes", json!({ "n": n })).await);
    assert_eq!(out["prime_count"], 664_579);
    assert_eq!(out["largest_prime"], 9_999_991);

    // The server reports how many notifications it sent; the client handles notifications
    // on separate tasks, so collect exactly that many (in any order).
    let sent = out["progress_notifications_sent"].as_u64().unwrap();
    assert!(sent >= 10, "only {sent} progress notifications");
    let mut received = Vec::new();
    while (received.len() as u64) < sent {
        received.push(next_progress(&mut progress).await);
    }
    let token = &received[0].progress_token;
    assert!(received.iter().all(|p| &p.progress_token == token));
    assert!(received.iter().all(|p| p.total == Some(n as f64)));
    let mut values: Vec<f64> = received.iter().map(|p| p.progress).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    assert_eq!(values.len() as u64, sent, "progress values must increase");
    assert_eq!(values.last(), Some(&(n as f64)));
    assert!(received.iter().any(|p| {
        p.message
            .as_deref()
            .is_some_and(|m| m.contains("664579 primes"))
    }));

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn notes_round_trip() {
    let (client, _progress) = spawn_stdio("notes").await;

    let rust = ok_json(
        &call(
            &client,
            "add_note",
            json!({ "title": "Rust lifetimes", "body": "Borrow checker notes about lifetimes.", "tags": ["Rust", "learning"] }),
        )
        .await,
    );
    let rust_id = rust["id"].as_u64().unwrap();
    assert_eq!(rust["tags"], json!(["rust", "learning"]));
    let shopping = ok_json(
        &call(
            &client,
            "add_note",
            json!({ "title": "Shopping", "body": "milk, bread, rust remover", "tags": ["home"] }),
        )
        .await,
    );
    let shopping_id = shopping["id"].as_u64().unwrap();
    assert_ne!(rust_id, shopping_id);

    let got = ok_json(&call(&client, "get_note", json!({ "id": rust_id })).await);
    assert_eq!(got["title"], "Rust lifetimes");
    assert_eq!(got["body"], "Borrow checker notes about lifetimes.");

    let all = ok_json(&call(&client, "list_notes", json!({})).await);
    assert_eq!(all["count"], 2);
    let home = ok_json(&call(&client, "list_notes", json!({ "tag": "HOME" })).await);
    assert_eq!(home["count"], 1);
    assert_eq!(home["notes"][0]["id"], shopping_id);

    let found = ok_json(
        &call(
            &client,
            "search_notes",
            json!({ "query": "rust lifetimes" }),
        )
        .await,
    );
    assert_eq!(found["count"], 2);
    assert_eq!(
        found["results"][0]["id"], rust_id,
        "title+body match ranks first"
    );
    assert_eq!(found["results"][1]["id"], shopping_id);
    let found = ok_json(&call(&client, "search_notes", json!({ "query": "bread" })).await);
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["id"], shopping_id);

    let deleted = ok_json(&call(&client, "delete_note", json!({ "id": rust_id })).await);
    assert_eq!(deleted, json!({ "id": rust_id, "deleted": true }));
    let err = error_text(&call(&client, "get_note", json!({ "id": rust_id })).await);
    assert!(err.contains("no note"), "{err}");
    let err = error_text(&call(&client, "delete_note", json!({ "id": rust_id })).await);
    assert!(err.contains("no note"), "{err}");
    let found = ok_json(&call(&client, "search_notes", json!({ "query": "lifetimes" })).await);
    assert_eq!(found["count"], 0);
    let err = error_text(&call(&client, "add_note", json!({ "title": "  " })).await);
    assert!(err.contains("title"), "{err}");

    client.cancel().await.unwrap();
}
