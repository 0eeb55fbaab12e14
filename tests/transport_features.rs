//! The transport features do what they say: each TLS set starts a real TLS handshake (so
//! a crypto provider is there, e.g. the ring one installed by `rustls-ring`), and the
//! `socks` feature sends requests through a SOCKS5 proxy; without it a `socks5://` proxy
//! is refused when the client is built.
//!
//! CI runs this file under `--all-features` and again under the no-aws-lc set
//! (`--no-default-features --features rustls-ring,http2`).

mod common;

use common::KEY;
use std::time::Duration;

use connectors::{Connectors, Error};
use tokio::io::AsyncReadExt;
#[cfg(feature = "socks")]
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
#[cfg(feature = "socks")]
use tokio::net::TcpStream;

/// A server that reads the first bytes a client sends, then hangs up.
async fn first_bytes_server() -> (String, tokio::task::JoinHandle<[u8; 3]>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut head = [0u8; 3];
        socket
            .read_exact(&mut head)
            .await
            .expect("the client's first bytes");
        head
    });
    (format!("https://{addr}"), task)
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
#[tokio::test]
async fn an_https_request_starts_a_tls_handshake() {
    let (url, server) = first_bytes_server().await;
    let client = Connectors::builder()
        .base_url(url)
        .api_key(KEY)
        .max_retries(0)
        .no_proxy()
        .build()
        .expect("a client with the enabled TLS stack");
    let error = client
        .health()
        .check()
        .await
        .expect_err("the server hangs up");
    let head = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the client connected")
        .expect("server task");
    // A TLS record of type handshake (22), protocol major version 3: a ClientHello.
    assert_eq!(head[..2], [0x16, 0x03], "not a TLS handshake: {head:?}");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
}

#[cfg(not(feature = "socks"))]
#[test]
fn a_socks_proxy_without_the_feature_is_refused_at_build_time() {
    let error = Connectors::builder()
        .base_url("http://127.0.0.1:1")
        .proxy("socks5://127.0.0.1:1080")
        .build()
        .expect_err("refused");
    match &error {
        Error::Config { .. } => assert!(error.to_string().contains("`socks` feature")),
        other => panic!("{other:?}"),
    }
}

/// A minimal SOCKS5 server (no authentication, CONNECT to an IPv4 address) that relays
/// one connection and reports the address the client asked for.
#[cfg(feature = "socks")]
async fn socks5_proxy() -> (String, tokio::task::JoinHandle<std::net::SocketAddr>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let (mut client, _) = listener.accept().await.expect("accept");
        let mut greeting = [0u8; 2];
        client.read_exact(&mut greeting).await.expect("greeting");
        assert_eq!(greeting[0], 5, "SOCKS version");
        let mut methods = vec![0u8; usize::from(greeting[1])];
        client.read_exact(&mut methods).await.expect("methods");
        assert!(methods.contains(&0), "no-authentication offered");
        client.write_all(&[5, 0]).await.expect("method reply");
        let mut request = [0u8; 4];
        client.read_exact(&mut request).await.expect("request");
        assert_eq!(request[..2], [5, 1], "a CONNECT request");
        assert_eq!(request[3], 1, "an IPv4 address");
        let mut target = [0u8; 6];
        client
            .read_exact(&mut target)
            .await
            .expect("address and port");
        let target = std::net::SocketAddr::from((
            [target[0], target[1], target[2], target[3]],
            u16::from_be_bytes([target[4], target[5]]),
        ));
        let mut upstream = TcpStream::connect(target).await.expect("the target");
        client
            .write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
            .await
            .expect("request reply");
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        target
    });
    (format!("socks5://{addr}"), task)
}

#[cfg(feature = "socks")]
#[tokio::test]
async fn requests_go_through_a_socks5_proxy() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::ok(serde_json::json!({
            "status": "healthy", "uptime": 1.0,
            "memory": {"rss": 1, "heapTotal": 1, "heapUsed": 1, "external": 1, "arrayBuffers": 1}
        }))))
        .expect(1)
        .mount(&gateway)
        .await;
    let (proxy, relay) = socks5_proxy().await;
    let client = Connectors::builder()
        .base_url(gateway.uri())
        .api_key(KEY)
        .max_retries(0)
        .proxy(proxy)
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let health = client
        .health()
        .check()
        .await
        .expect("health through the proxy");
    assert_eq!(health.status, "healthy");
    drop(client);
    let target = tokio::time::timeout(Duration::from_secs(10), relay)
        .await
        .expect("the client went through the proxy")
        .expect("relay task");
    assert_eq!(target, *gateway.address());
}
