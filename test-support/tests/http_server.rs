//! The scripted server writes what each step says, byte for byte, and records requests.

use std::time::{Duration, Instant};

use connectors_test_support::http_server::{ScriptedServer, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `request` raw and reads until the server closes: what it wrote.
async fn exchange(server: &ScriptedServer, request: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8(answer).unwrap()
}

const POST: &str =
    "POST /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-Key: k1\r\nContent-Length: 4\r\n\r\nbody";

#[tokio::test]
async fn steps_answer_in_turn_and_requests_are_recorded() {
    let server = ScriptedServer::start(|_, n| match n {
        0 => Step::json(201, &serde_json::json!({"n": 0})).header("x-step", "first"),
        1 => Step::status(200).body("0123456789").cut_after(4),
        _ => Step::close(),
    })
    .await;
    let first = exchange(&server, POST).await;
    assert!(first.starts_with("HTTP/1.1 201 "), "{first}");
    assert!(first.contains("x-step: first\r\n"), "{first}");
    assert!(first.ends_with("\r\n\r\n{\"n\":0}"), "{first}");
    let cut = exchange(&server, POST).await;
    assert!(cut.contains("content-length: 10\r\n"), "{cut}");
    assert!(cut.ends_with("\r\n\r\n0123"), "{cut}");
    assert_eq!(exchange(&server, POST).await, "");

    let requests = server.requests_to("/a/b");
    assert_eq!(requests.len(), 3);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.query.as_str()),
        ("POST", "x=1")
    );
    assert_eq!(request.header("X-KEY"), Some("k1"));
    assert_eq!(request.body, b"body");
    assert!(server.requests_to("/other").is_empty());
}

#[tokio::test]
async fn chunked_bodies_are_framed_paced_and_cut() {
    let pieces = vec![b"ab".to_vec(), b"cde".to_vec()];
    let whole = ScriptedServer::answering(Step::event_stream(pieces.clone())).await;
    let answer = exchange(&whole, POST).await;
    assert!(
        answer.contains("transfer-encoding: chunked\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"),
        "{answer}"
    );

    let cut = ScriptedServer::answering(Step::event_stream(pieces).cut_after(3)).await;
    assert!(
        exchange(&cut, POST)
            .await
            .ends_with("\r\n\r\n2\r\nab\r\n3\r\nc")
    );

    let paced = ScriptedServer::answering(
        Step::event_stream(vec![b"a".to_vec(), b"b".to_vec()])
            .delay(Duration::from_millis(100))
            .pause(Duration::from_millis(100)),
    )
    .await;
    let started = Instant::now();
    exchange(&paced, POST).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_held_connection_stays_open_until_the_client_leaves() {
    let server = ScriptedServer::answering(Step::event_stream(vec![b"a".to_vec()]).hold()).await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(POST.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let mut read = 0;
    while !answer[..read].ends_with(b"1\r\na\r\n") {
        read += stream.read(&mut answer[read..]).await.unwrap();
    }
    let more = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut answer)).await;
    assert!(more.is_err(), "the body never ends");
}
