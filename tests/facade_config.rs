//! Configuration: the environment (through a map, so tests do not race on the process
//! environment), explicit values winning, bad values naming their setting, headers and
//! query parameters on the wire, and the API key never showing in Debug, errors or traces.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{KEY, ok};
use connectors::{Connectors, Error};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn from_vars(vars: &[(&str, &str)]) -> Result<Connectors, Error> {
    Connectors::builder()
        .with_env_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .build()
}

fn setting_of(result: Result<Connectors, Error>) -> (String, String) {
    match result {
        Err(Error::Config { setting, message }) => (setting, message),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn defaults_without_any_setting() {
    let client = from_vars(&[]).unwrap();
    let config = client.config();
    assert_eq!(config.base_url(), "http://localhost:3000");
    assert!(!config.has_api_key());
    assert_eq!(config.tenant_id(), None);
    assert_eq!(config.timeout(), Duration::from_secs(60));
    assert_eq!(config.retry_policy().max_retries, 2);
}

#[test]
fn the_environment_sets_every_value() {
    let client = from_vars(&[
        ("CONNECTORS_BASE_URL", "https://gw.example.com/"),
        ("CONNECTORS_API_KEY", KEY),
        ("CONNECTORS_TENANT_ID", "tenant-a"),
        ("CONNECTORS_TIMEOUT", "2.5"),
        ("CONNECTORS_MAX_RETRIES", "4"),
        ("UNRELATED", "ignored"),
    ])
    .unwrap();
    let config = client.config();
    assert_eq!(config.base_url(), "https://gw.example.com");
    assert!(config.has_api_key());
    assert_eq!(config.tenant_id(), Some("tenant-a"));
    assert_eq!(config.timeout(), Duration::from_millis(2500));
    assert_eq!(config.retry_policy().max_retries, 4);
}

#[test]
fn explicit_values_win_over_the_environment() {
    let client = Connectors::builder()
        .base_url("http://127.0.0.1:9999")
        .tenant_id("tenant-b")
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .with_env_vars([
            ("CONNECTORS_BASE_URL", "https://gw.example.com"),
            ("CONNECTORS_TENANT_ID", "tenant-a"),
            ("CONNECTORS_TIMEOUT", "30"),
            ("CONNECTORS_MAX_RETRIES", "4"),
        ])
        .build()
        .unwrap();
    let config = client.config();
    assert_eq!(config.base_url(), "http://127.0.0.1:9999");
    assert_eq!(config.tenant_id(), Some("tenant-b"));
    assert_eq!(config.timeout(), Duration::from_secs(5));
    assert_eq!(config.retry_policy().max_retries, 0);
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let client = from_vars(&[("CONNECTORS_TIMEOUT", ""), ("CONNECTORS_BASE_URL", "  ")]).unwrap();
    assert_eq!(client.config().timeout(), Duration::from_secs(60));
    assert_eq!(client.config().base_url(), "http://localhost:3000");
}

#[test]
fn bad_values_name_their_variable() {
    for (name, value) in [
        ("CONNECTORS_TIMEOUT", "abc"),
        ("CONNECTORS_TIMEOUT", "-1"),
        ("CONNECTORS_TIMEOUT", "0"),
        ("CONNECTORS_TIMEOUT", "NaN"),
        ("CONNECTORS_MAX_RETRIES", "-1"),
        ("CONNECTORS_MAX_RETRIES", "two"),
        ("CONNECTORS_BASE_URL", "not a url"),
        ("CONNECTORS_BASE_URL", "ftp://gw.example.com"),
        ("CONNECTORS_TENANT_ID", "tenant a"),
    ] {
        let (setting, message) = setting_of(from_vars(&[(name, value)]));
        assert_eq!(setting, name, "{value}: {message}");
    }
    let (setting, _) = setting_of(Connectors::builder().base_url("nope").build());
    assert_eq!(setting, "base_url");
    let (setting, _) = setting_of(Connectors::builder().timeout(Duration::ZERO).build());
    assert_eq!(setting, "timeout");
}

#[test]
fn a_key_with_a_newline_is_refused_without_repeating_it() {
    let broken = format!("{KEY}\nX-Injected: 1");
    let (setting, message) = setting_of(from_vars(&[("CONNECTORS_API_KEY", &broken)]));
    assert_eq!(setting, "CONNECTORS_API_KEY");
    assert!(!message.contains(KEY));
    let error = Connectors::builder()
        .api_key(broken.as_str())
        .build()
        .unwrap_err();
    assert!(!format!("{error} {error:?}").contains(KEY));
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let builder = Connectors::builder()
        .api_key(KEY)
        .header("x-secret", "hdr-s3cr3t")
        .proxy("http://user:pw-s3cr3t@127.0.0.1:3128");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?} {:?} {:#?}", client.config(), client);
    for text in [builder_debug, client_debug] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("hdr-s3cr3t"), "{text}");
        assert!(!text.contains("pw-s3cr3t"), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}

#[tokio::test]
async fn key_headers_query_and_user_agent_go_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("x-team", "agents"))
        .and(query_param("trace", "on"))
        .and(query_param("category", "code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "tools": [], "pagination": {"total": 0, "limit": 100, "offset": 0}
        }))))
        .expect(1)
        .mount(&server)
        .await;
    let client = Connectors::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .header("x-team", "agents")
        .query_param("trace", "on")
        .build()
        .unwrap();
    client.tools().list().category("code").await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("connectors-rust/"), "{agent}");
    // The generated client's own header is kept.
    assert_eq!(request.headers.get("api-version").unwrap(), "1.0.0");
}

#[tokio::test]
async fn clones_share_the_pool_and_the_settings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"status": "healthy"}))))
        .mount(&server)
        .await;
    let client = common::client(&server);
    let clone = client.clone();
    assert_eq!(clone.health().check().await.unwrap().status, "healthy");
    assert_eq!(client.health().check().await.unwrap().status, "healthy");
}

/// A writer for the test subscriber that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn traces_show_each_request_but_never_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/servers/github/health"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(common::err("INVALID_API_KEY", &format!("bad key {KEY}"))),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // #[tokio::test] runs on this thread, so the thread-local subscriber sees everything.
    let client = common::client(&server);
    let error = client.mcp().server("github").health().await.unwrap_err();
    tracing::info!(error = %error, debug = ?error, "the caller logs the error");

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("connectors.request"), "{text}");
    assert!(text.contains("operation=\"get_server_health\""), "{text}");
    assert!(
        text.contains("/api/v1/mcp/servers/{name}/health"),
        "the path template: {text}"
    );
    assert!(text.contains("retrying"), "{text}");
    assert!(!text.contains(KEY), "the key leaked into traces:\n{text}");
}
