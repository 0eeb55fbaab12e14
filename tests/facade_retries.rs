//! The retry rules of the transport, against a local HTTP server: what is retried, how
//! often, with which headers, and what ends the retries. Assertions are on counts,
//! headers and values, never on durations.

mod common;

use std::time::{Duration, SystemTime};

use common::{KEY, builder, client, failing_then, invoke_ok, ok};
use connectors::{Error, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[tokio::test]
async fn a_post_is_retried_with_one_idempotency_key_and_counted_attempts() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        "POST",
        "/api/v1/tools/invoke",
        // With Retry-After the gateway says it did not start: a keyed call may retry.
        ResponseTemplate::new(503).insert_header("Retry-After", "0"),
        2,
        invoke_ok(),
    )
    .await;

    let result = client(&server)
        .tools()
        .invoke("math.evaluate", json!({"expression": "2*(3+4)"}))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(result.text(), "14");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let keys: Vec<_> = requests
        .iter()
        .map(|r| header(r, "idempotency-key").expect("an idempotency key"))
        .collect();
    assert!(
        keys.iter().all(|k| k == &keys[0]),
        "same key on every attempt: {keys:?}"
    );
    let attempts: Vec<_> = requests
        .iter()
        .map(|r| header(r, "x-connectors-attempt").unwrap())
        .collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    let request_ids: Vec<_> = requests
        .iter()
        .map(|r| header(r, "x-request-id").unwrap())
        .collect();
    assert!(request_ids.iter().all(|k| k == &request_ids[0]));
    // The body is the same on every attempt too.
    assert!(requests.iter().all(|r| r.body == requests[0].body));
}

#[tokio::test]
async fn two_logical_posts_get_two_idempotency_keys() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(invoke_ok())
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap();
    client
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_ne!(
        header(&requests[0], "idempotency-key"),
        header(&requests[1], "idempotency-key")
    );
}

#[tokio::test]
async fn a_key_given_by_the_caller_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(invoke_ok())
        .mount(&server)
        .await;
    client(&server)
        .tools()
        .invoke("math.evaluate", json!({}))
        .idempotency_key("my-key-1")
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        header(&requests[0], "idempotency-key").as_deref(),
        Some("my-key-1")
    );
}

#[tokio::test]
async fn every_transient_status_is_retried_and_reported_after_the_last_attempt() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/tools/list"))
            .respond_with(ResponseTemplate::new(status).set_body_json(common::err("E", "busy")))
            .mount(&server)
            .await;
        let error = builder(&server)
            .max_retries(2)
            .build()
            .unwrap()
            .tools()
            .list()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            3,
            "{status}"
        );
    }
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 422, 501] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/tools/list"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(common::err("VALIDATION_ERROR", "no")),
            )
            .mount(&server)
            .await;
        let error = client(&server).tools().list().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status}"
        );
    }
}

#[tokio::test]
async fn a_bad_request_to_a_post_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(common::err("VALIDATION_ERROR", "bad")),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("VALIDATION_ERROR"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn retry_after_in_seconds_milliseconds_and_as_a_date_is_honoured() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
    for (name, value) in [
        ("retry-after", "0".to_string()),
        ("retry-after", "0.01".to_string()),
        ("retry-after-ms", "5".to_string()),
        ("retry-after", past),
    ] {
        let server = MockServer::start().await;
        failing_then(
            &server,
            "GET",
            "/api/v1/tools/list",
            ResponseTemplate::new(429).insert_header(name, value.as_str()),
            1,
            ResponseTemplate::new(200).set_body_json(ok(json!({
                "tools": [], "pagination": {"total": 0, "limit": 100, "offset": 0}
            }))),
        )
        .await;
        client(&server).tools().list().await.expect(&value);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "{name}: {value}"
        );
    }
}

#[tokio::test]
async fn a_retry_after_over_the_cap_is_returned_not_slept_through() {
    let server = MockServer::start().await;
    let fixture = json!({"error": "Rate Limit Exceeded", "message": "Too many requests. Please try again later.",
        "retryAfter": 3600, "limits": {"scope": "endpoint:tools-list", "limit": 300, "window": "1 minute", "remaining": 0}});
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_json(fixture),
        )
        .mount(&server)
        .await;
    let error = client(&server).tools().list().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    match &error {
        Error::RateLimited(e) => {
            assert_eq!(e.retry_after, Some(Duration::from_secs(3600)));
            assert_eq!(e.limits.as_ref().and_then(|l| l.limit), Some(300));
            assert_eq!(e.message, "Too many requests. Please try again later.");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn x_should_retry_wins_over_the_status_rule() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .mount(&server)
        .await;
    let error = client(&server).health().detailed().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let server = MockServer::start().await;
    failing_then(
        &server,
        "DELETE",
        "/api/v1/mcp/custom/notes",
        ResponseTemplate::new(409).insert_header("x-should-retry", "true"),
        1,
        ResponseTemplate::new(200).set_body_json(ok(json!({"name": "notes"}))),
    )
    .await;
    client(&server).mcp().remove("notes").await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    let error = connectors::Connectors::builder()
        .base_url(connectors_test_support::net::closed_url())
        .api_key(KEY)
        .max_retries(2)
        .retry_policy(connectors::RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
        .health()
        .check()
        .await
        .unwrap_err();
    match &error {
        Error::Connection { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("expected a connection error, got {other:?}"),
    }
    assert!(error.is_transient());
    assert!(!error.to_string().contains(KEY));
    // The operating system's reason, not only reqwest's "error sending request".
    assert!(
        error.to_string().to_lowercase().contains("refused"),
        "{error}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_per_attempt_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let error = builder(&server)
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build()
        .unwrap()
        .health()
        .check()
        .await
        .unwrap_err();
    match error {
        Error::Timeout {
            attempts,
            deadline_exceeded,
            ..
        } => {
            assert_eq!(attempts, 2);
            assert!(!deadline_exceeded);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server).max_retries(5).build().unwrap();
    let error = client
        .with_options(RequestOptions::new().deadline(Duration::from_millis(150)))
        .health()
        .check()
        .await
        .unwrap_err();
    match error {
        Error::Timeout {
            attempts,
            deadline_exceeded,
            ..
        } => {
            assert_eq!(attempts, 1);
            assert!(deadline_exceeded);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn per_call_options_change_the_retries_without_a_new_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let client = builder(&server).max_retries(3).build().unwrap();
    let once = client.with_options(RequestOptions::new().max_retries(0));
    once.health().check().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    client.health().check().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 4);
}

#[tokio::test]
async fn the_raw_client_with_the_default_transport_sends_once() {
    use connectors::api::{Client, Transport, prelude::*};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let raw = Client::new_with_client(&server.uri(), reqwest::Client::new(), Transport::default());
    assert!(raw.get_readiness().send().await.is_err());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(header(&requests[0], "x-connectors-attempt").is_none());
}

/// A client of `server` that sleeps through server-requested waits up to `cap` only.
fn capped(server: &MockServer, cap: Duration) -> connectors::Connectors {
    let policy = connectors::RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
        .max_retry_after(cap);
    builder(server).retry_policy(policy).build().unwrap()
}

/// A 429 with `headers` on the tool listing, then a success.
async fn rate_limited_once(headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut limited =
        ResponseTemplate::new(429).set_body_json(common::err("RATE_LIMITED", "slow down"));
    for (name, value) in headers {
        limited = limited.insert_header(*name, *value);
    }
    let listed = ResponseTemplate::new(200).set_body_json(ok(json!({
        "tools": [], "pagination": {"total": 0, "limit": 100, "offset": 0}
    })));
    failing_then(&server, "GET", "/api/v1/tools/list", limited, 1, listed).await;
    server
}

#[tokio::test]
async fn the_wait_a_server_asks_for_is_read_from_every_form_of_the_header() {
    // Each wait is over the cap, so it is not slept through but handed out as read.
    for (headers, expected) in [
        (vec![("retry-after", "26")], Duration::from_secs(26)),
        (vec![("retry-after", "1.5")], Duration::from_millis(1500)),
        (
            // The more precise hint wins.
            vec![("retry-after-ms", "250"), ("retry-after", "9")],
            Duration::from_millis(250),
        ),
    ] {
        let server = rate_limited_once(&headers).await;
        let error = capped(&server, Duration::from_millis(100))
            .tools()
            .list()
            .await
            .unwrap_err();
        assert_eq!(error.retry_after(), Some(expected), "{headers:?}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
    // Taken just before its request: on a loaded machine the calls above take seconds.
    let in_seven = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(7));
    let server = rate_limited_once(&[("retry-after", in_seven.as_str())]).await;
    let error = capped(&server, Duration::from_millis(100))
        .tools()
        .list()
        .await
        .unwrap_err();
    // The date has whole seconds, and a moment passed since it was taken.
    let wait = error.retry_after().expect("the wait until the date");
    assert!(
        (Duration::from_secs(5)..=Duration::from_secs(7)).contains(&wait),
        "{wait:?}"
    );
    // A value that is no wait at all is ignored: the backoff applies and the call retries.
    for value in ["soon", "-3"] {
        let server = rate_limited_once(&[("retry-after", value)]).await;
        capped(&server, Duration::from_millis(100))
            .tools()
            .list()
            .await
            .expect(value);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "{value}"
        );
    }
}

#[tokio::test]
async fn a_wait_at_the_cap_is_slept_and_one_past_it_is_reported() {
    let cap = Duration::from_millis(50);
    let server = rate_limited_once(&[("retry-after-ms", "50")]).await;
    capped(&server, cap).tools().list().await.expect("retried");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = rate_limited_once(&[("retry-after-ms", "51")]).await;
    let error = capped(&server, cap).tools().list().await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_millis(51)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn backoff_doubles_up_to_the_cap_with_at_most_a_quarter_of_jitter() {
    let policy = connectors::RetryPolicy::default()
        .initial_backoff(Duration::from_millis(500))
        .max_backoff(Duration::from_secs(8));
    for (retry, full_ms) in [
        (0, 500u64),
        (1, 1000),
        (2, 2000),
        (3, 4000),
        (4, 8000),
        (9, 8000),
    ] {
        let full = Duration::from_millis(full_ms);
        for _ in 0..50 {
            let wait = policy.backoff(retry);
            assert!(
                wait <= full && wait >= full.mul_f64(0.75),
                "{retry}: {wait:?}"
            );
        }
    }
    assert!(policy.backoff(u32::MAX) <= Duration::from_secs(8));
}
