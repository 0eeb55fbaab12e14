//! Server-sent event streams over a real socket: a small HTTP server writes the body in
//! chunks that split events, lines and characters; the facade must see whole, typed events.

mod common;

use std::time::Duration;

use common::{KEY, TENANT};
use connectors::events::{GatewayEvent, MAX_EVENT_BYTES, SseEvent};
use connectors::tools::InvocationEvent;
use connectors::{Connectors, Error};
use connectors_test_support::http_server::{ScriptedServer, Step};
use futures::StreamExt;

/// Serves `pieces` as a `text/event-stream` body, one chunk each (with a pause between
/// them so they arrive separately); with `hang` the body never ends and the connection
/// stays silent.
async fn chunked_server(pieces: Vec<Vec<u8>>, hang: bool) -> ScriptedServer {
    paced_server(pieces, hang, Duration::from_millis(10)).await
}

/// [`chunked_server`] with `pause` between the chunks. Without a pause the client still
/// sees no piece larger than its chunk: the chunked decoder hands on one chunk at a time.
async fn paced_server(pieces: Vec<Vec<u8>>, hang: bool, pause: Duration) -> ScriptedServer {
    let step = Step::event_stream(pieces).pause(pause);
    ScriptedServer::answering(if hang { step.hold() } else { step }).await
}

fn split(text: &str, cuts: &[usize]) -> Vec<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        pieces.push(bytes[start..cut].to_vec());
        start = cut;
    }
    pieces.push(bytes[start..].to_vec());
    pieces
}

fn client(address: &str) -> Connectors {
    Connectors::builder()
        .base_url(address)
        .api_key(KEY)
        .tenant_id(TENANT)
        .max_retries(0)
        .stream_idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_streamed_invocation_gives_typed_events_whatever_the_chunking() {
    let body = "event: progress\ndata: {\"progress\":50,\"total\":100,\"message\":\"half way \u{e9}\"}\n\n\
                : keep-alive\n\n\
                event: log\r\ndata: {\"level\":\"info\",\"message\":\"counting\"}\r\n\r\n\
                event: surprise\ndata: new kind\n\n\
                event: result\ndata: {\"toolId\":\"math.count_primes\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"78498\"}]},\n\
                data: \"performance\":{\"latency_ms\":812}}\n\n";
    // Cut inside `event:`, inside the two bytes of `é`, between `\r` and `\n`, and in data.
    let e_acute = body.find('\u{e9}').unwrap();
    let crlf = body.find("\r\n").unwrap();
    let server = chunked_server(
        split(
            body,
            &[8, e_acute + 1, crlf + 1, crlf + 30, body.len() - 20],
        ),
        false,
    )
    .await;
    let address = server.url();

    let mut events = client(&address)
        .tools()
        .invoke_stream("math.count_primes", serde_json::json!({"limit": 1_000_000}))
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        seen.push(event.unwrap());
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    match &seen[0] {
        InvocationEvent::Progress(p) => {
            assert_eq!(p.progress, 50.0);
            assert_eq!(p.message.as_deref(), Some("half way \u{e9}"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&seen[1], InvocationEvent::Log(l) if l.message == "counting"));
    assert!(
        matches!(&seen[2], InvocationEvent::Other(e) if e.event == "surprise" && e.data == "new kind")
    );
    match &seen[3] {
        InvocationEvent::Result(r) => {
            assert_eq!(r.text(), "78498");
            assert_eq!(r.latency_ms, Some(812.0));
        }
        other => panic!("{other:?}"),
    }
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/api/v1/tools/invoke/stream")
    );
    assert!(request.header("idempotency-key").is_some());
}

#[tokio::test]
async fn an_error_event_ends_the_stream_with_the_tool_error() {
    let body = "event: progress\ndata: {\"progress\":1}\n\nevent: error\ndata: {\"code\":\"TOOL_FAILED\",\"message\":\"out of memory\"}\n\n";
    let server = chunked_server(split(body, &[20]), false).await;
    let address = server.url();
    let events: Vec<_> = client(&address)
        .tools()
        .invoke_stream("math.count_primes", serde_json::json!({}))
        .await
        .unwrap()
        .collect()
        .await;
    assert!(events[0].is_ok());
    match &events[1] {
        Err(Error::ToolInvocation {
            tool_id,
            code,
            message,
            ..
        }) => {
            assert_eq!(tool_id, "math.count_primes");
            assert_eq!(code.as_deref(), Some("TOOL_FAILED"));
            assert_eq!(message, "out of memory");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_event_stream_gives_deployment_and_server_events() {
    let body = "event: deployment\ndata: {\"deploymentId\":\"dep-1\",\"name\":\"my-notes\",\"status\":\"running\"}\n\n\
                event: server\ndata: {\"name\":\"notes\",\"status\":\"running\",\"previous\":\"starting\"}\n\n";
    let server = chunked_server(split(body, &[3, 50, 51]), false).await;
    let address = server.url();
    let events: Vec<_> = client(&address)
        .deployments()
        .deployment("dep-1")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(&events[0], Ok(GatewayEvent::Deployment(d)) if d.deployment_id == "dep-1" && d.status.is_ready())
    );
    assert!(matches!(&events[1], Ok(GatewayEvent::Server(s)) if s.name == "notes"));
    assert_eq!(events.len(), 2);
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/api/v1/events")
    );
    assert!(
        request.query.starts_with("deploymentId=dep-1"),
        "{request:?}"
    );
}

#[tokio::test]
async fn a_silent_stream_ends_with_a_timeout() {
    let server = chunked_server(vec![b": hello\n\ndata: a\n\n".to_vec()], true).await;
    let address = server.url();
    let events: Vec<_> = client(&address)
        .events()
        .subscribe()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(&events[0], Ok(GatewayEvent::Other(e)) if e.data == "a"));
    assert!(
        matches!(events[1], Err(Error::Timeout { .. })),
        "{:?}",
        events[1]
    );
}

#[tokio::test]
async fn event_data_that_is_not_json_is_a_decode_error() {
    let server = chunked_server(vec![b"event: deployment\ndata: {oops\n\n".to_vec()], false).await;
    let address = server.url();
    let events: Vec<_> = client(&address)
        .events()
        .subscribe()
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(&events[0], Err(Error::Decode { body_excerpt, .. }) if body_excerpt == "{oops")
    );
}

/// A chunked response whose one chunk is `body`, without the final chunk.
fn cut_chunked(body: &str) -> Step {
    Step::event_stream(vec![body.into()]).cut_after(body.len())
}

/// A response framed by the end of the connection, whose body is `body`.
fn until_close(body: &str) -> Step {
    Step::status(200)
        .header("content-type", "text/event-stream")
        .body(body)
        .until_close()
}

async fn invoke_all(address: &str) -> Vec<Result<InvocationEvent, Error>> {
    client(address)
        .tools()
        .invoke_stream("math.count_primes", serde_json::json!({"limit": 10}))
        .await
        .unwrap()
        .collect()
        .await
}

fn assert_ended_without_result(events: &[Result<InvocationEvent, Error>], received: usize) {
    assert_eq!(events.len(), received + 1, "{events:?}");
    assert!(events[..received].iter().all(Result::is_ok), "{events:?}");
    match events.last() {
        Some(Err(error)) => {
            assert_eq!(error.kind(), "StreamEnded", "{error:?}");
            assert!(
                !error.is_transient(),
                "the tool may have run: not transient"
            );
            let shown = error.to_string();
            assert!(shown.contains("may have run"), "{shown}");
            assert!(shown.contains(&format!("{received} event")), "{shown}");
        }
        other => panic!("expected StreamEnded, got {other:?}"),
    }
}

#[tokio::test]
async fn a_streamed_invocation_that_ends_without_its_result_ends_with_an_error() {
    let progress = "event: progress\ndata: {\"progress\":1}\n\n";
    // A clean end after an event.
    let server = chunked_server(vec![progress.as_bytes().to_vec()], false).await;
    let address = server.url();
    assert_ended_without_result(&invoke_all(&address).await, 1);
    // An empty body.
    let server = chunked_server(Vec::new(), false).await;
    let address = server.url();
    assert_ended_without_result(&invoke_all(&address).await, 0);
    // Cut mid-line, in a chunked body and in one framed by the connection's end.
    let cut = format!("{progress}event: result\ndata: {{\"toolId\":\"math.co");
    let server = ScriptedServer::answering(cut_chunked(&cut)).await;
    let address = server.url();
    assert_ended_without_result(&invoke_all(&address).await, 1);
    let server = ScriptedServer::answering(until_close(&cut)).await;
    let address = server.url();
    assert_ended_without_result(&invoke_all(&address).await, 1);
}

#[tokio::test]
async fn a_cut_event_stream_ends_with_an_error_not_a_clean_end() {
    let deployment = "event: deployment\ndata: {\"deploymentId\":\"dep-1\",\"name\":\"n\",\"status\":\"running\"}\n\n";
    let cut = format!("{deployment}event: server\ndata: {{\"name\":");
    // Not the half event (which would fail to decode): the broken chunked body, or the end
    // of a body framed by the connection in the middle of an event.
    for (response, expected) in [
        (cut_chunked(&cut), "Connection"),
        (until_close(&cut), "StreamEnded"),
    ] {
        let server = ScriptedServer::answering(response).await;
        let address = server.url();
        let events: Vec<_> = client(&address)
            .events()
            .subscribe()
            .await
            .unwrap()
            .collect()
            .await;
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(matches!(events[0], Ok(GatewayEvent::Deployment(_))));
        let kind = events[1].as_ref().map_err(Error::kind).err();
        assert_eq!(kind, Some(expected), "{:?}", events[1]);
    }
}

#[tokio::test]
async fn a_line_past_the_cap_stops_the_stream_without_waiting_for_its_end() {
    // One line longer than the cap, then silence: the stream must not wait (and buffer)
    // for the rest of the line, nor end with the idle timeout.
    let long = format!(
        "data: {}",
        "x".repeat(connectors::events::MAX_EVENT_BYTES + 1)
    );
    let pieces = split(&long, &[long.len() / 2]);
    let server = chunked_server(pieces, true).await;
    let address = server.url();
    let events: Vec<_> = client(&address)
        .events()
        .subscribe()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    match &events[0] {
        Err(error) => assert_eq!(error.kind(), "EventTooLarge", "{error:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_event_past_the_cap_of_many_short_lines_stops_the_stream() {
    let line = format!("data: {}\n", "y".repeat(1000));
    let lines = connectors::events::MAX_EVENT_BYTES / 1000 + 2;
    let body = format!(
        "event: progress\ndata: {{\"progress\":1}}\n\n{}",
        line.repeat(lines)
    );
    let server = chunked_server(vec![body.into_bytes()], true).await;
    let address = server.url();
    let events = invoke_all(&address).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(events[0], Ok(InvocationEvent::Progress(_))));
    match &events[1] {
        Err(error @ Error::StreamEnded { .. }) => {
            let cause = std::error::Error::source(error).expect("the cause");
            assert!(cause.to_string().contains("larger than"), "{cause}");
        }
        other => panic!("{other:?}"),
    }
}

/// The items of the gateway's event stream when it sends `input` in chunks of `piece`
/// bytes (without pauses: each chunk still arrives as a piece of its own at most).
async fn subscribed(input: &[u8], piece: usize) -> Vec<Result<GatewayEvent, Error>> {
    let pieces = input.chunks(piece).map(<[u8]>::to_vec).collect();
    let server = paced_server(pieces, false, Duration::ZERO).await;
    let address = server.url();
    let events = client(&address).events().subscribe().await.unwrap();
    events.collect().await
}

/// The events of [`subscribed`], which must all be of types the SDK does not know.
async fn sse_events(input: &[u8], piece: usize) -> Vec<SseEvent> {
    let items = subscribed(input, piece).await;
    items
        .into_iter()
        .map(|item| match item {
            Ok(GatewayEvent::Other(event)) => event,
            other => panic!("expected an event as sent, got {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn every_split_of_the_body_gives_the_same_events() {
    let input = "event: progress\r\ndata: {\"progress\":1}\r\n\r\n: comment\n\nevent: log\ndata: first \u{e9} line\ndata: second\n\nid: 7\rretry: 1500\rdata: plain\r\r".as_bytes();
    let whole = sse_events(input, input.len()).await;
    assert_eq!(whole.len(), 3, "{whole:?}");
    assert_eq!(whole[0].event, "progress");
    assert_eq!(whole[0].data, "{\"progress\":1}");
    assert_eq!(whole[1].event, "log");
    assert_eq!(whole[1].data, "first \u{e9} line\nsecond");
    assert_eq!(
        whole[2].event, "message",
        "the type of an event that names none"
    );
    assert_eq!(whole[2].id.as_deref(), Some("7"));
    assert_eq!(whole[2].retry, Some(1500));
    for piece in 1..input.len() {
        assert_eq!(
            sse_events(input, piece).await,
            whole,
            "chunks of {piece} bytes"
        );
    }
}

#[tokio::test]
async fn lines_the_format_ignores_are_skipped_and_the_last_id_is_kept() {
    let input = b"id: 1\ndata: a\n\nnonsense\nflavour: x\nretry: soon\ndata: b\n\nevent: ping\n\ndata: c\n\n";
    let seen = sse_events(input, input.len()).await;
    let data: Vec<_> = seen.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["a", "b", "c"], "no event for `ping` without data");
    assert!(
        seen.iter().all(|e| e.id.as_deref() == Some("1")),
        "{seen:?}"
    );
    assert_eq!(seen[1].retry, None);
}

#[tokio::test]
async fn an_end_in_the_middle_of_an_event_is_an_error_and_an_end_between_events_is_not() {
    for cut in [
        "data: a\n\ndata: cut off",
        "data: a\n\ndata: whole line\n",
        "data: a\n\nevent: x\r",
    ] {
        let items = subscribed(cut.as_bytes(), 3).await;
        assert_eq!(items.len(), 2, "{cut:?}: {items:?}");
        assert!(
            matches!(
                &items[1],
                Err(Error::StreamEnded {
                    events_received: 1,
                    ..
                })
            ),
            "{cut:?}: {items:?}"
        );
    }
    for clean in [
        "data: a\n\n",
        "data: a\n\n: a comment",
        "data: a\r\n\r\n: ping\r\n",
        "data: a\r\r",
    ] {
        let items = subscribed(clean.as_bytes(), 2).await;
        assert_eq!(items.len(), 1, "{clean:?}: {items:?}");
        assert!(items[0].is_ok(), "{clean:?}: {items:?}");
    }
}

/// A line of `len` bytes, its `\n` included, that starts with `prefix`.
fn line_of(prefix: &str, len: usize) -> String {
    format!("{prefix}{}\n", "x".repeat(len - prefix.len() - 1))
}

#[tokio::test]
async fn the_cap_counts_an_events_lines_and_starts_again_after_each_blank_line() {
    const PIECE: usize = 64 * 1024;
    // The events before a line past the cap are delivered.
    let long = format!("data: a\n\ndata: {}", "x".repeat(MAX_EVENT_BYTES));
    let items = subscribed(long.as_bytes(), PIECE).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(
            items[1],
            Err(Error::EventTooLarge {
                limit: MAX_EVENT_BYTES
            })
        ),
        "{:?}",
        items[1]
    );
    // Exactly the cap, with the blank line that ends the event, passes.
    let at_cap = format!("{}\n", line_of("data: ", MAX_EVENT_BYTES - 1));
    assert_eq!(sse_events(at_cap.as_bytes(), PIECE).await.len(), 1);
    // A comment within an event counts: one byte over the cap is refused.
    let half = MAX_EVENT_BYTES / 2;
    let over = format!(
        "{}{}\n",
        line_of("data: ", half),
        line_of(": ", MAX_EVENT_BYTES - half)
    );
    let items = subscribed(over.as_bytes(), PIECE).await;
    assert!(
        matches!(items[..], [Err(Error::EventTooLarge { .. })]),
        "{items:?}"
    );
    // Comments between events start the count again, as blank lines do.
    let between = format!("{at_cap}{}\n{at_cap}", line_of(": ", MAX_EVENT_BYTES - 1));
    assert_eq!(sse_events(between.as_bytes(), PIECE).await.len(), 2);
}

#[tokio::test]
async fn a_line_that_is_not_utf8_ends_the_stream() {
    let items = subscribed(b"data: a\n\ndata: \xff\xfe\n\ndata: b\n\n", 64).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(
        matches!(&items[1], Err(Error::UnexpectedResponse { body_excerpt, .. }) if body_excerpt.contains("UTF-8")),
        "{items:?}"
    );
}
