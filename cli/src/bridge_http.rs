//! Who may call `connectors mcp serve --http`: the bind address, the bearer token and the
//! `Origin` check (DNS-rebinding protection, which the MCP specification requires of HTTP
//! servers).
//!
//! * `--http PORT` (a bare port) binds `127.0.0.1:PORT`; `localhost:PORT` is
//!   `127.0.0.1:PORT`. Any other bind is an IP address given on purpose.
//! * A bind that is not loopback (`0.0.0.0:PORT`, a LAN address) needs a bearer token
//!   (`--token`, or `CONNECTORS_MCP_TOKEN`): [`HttpPolicy::from_args`] refuses it without
//!   one. With a token (on any bind), a request without `Authorization: Bearer TOKEN` is
//!   answered 401 with `WWW-Authenticate: Bearer`; the token is compared in constant
//!   time, and the header is removed before the request reaches the MCP service.
//! * A request with an `Origin` header is answered 403 unless the origin is the server's
//!   own or one given with `--allow-origin`. A request without `Origin` (every
//!   non-browser client) passes this check.
//!
//! The server's own origin is `http://HOST:PORT` where HOST is the request's `Host` (the
//! address the browser connected to) *and* an IP literal or `localhost` matching the
//! bind, and PORT the server's port. A DNS name is never the server's own: a page at
//! `http://attacker.example:PORT` whose name was re-bound to 127.0.0.1 sends that name as
//! `Host` and `Origin`, so it is refused; pass a name the server is really reached under
//! with `--allow-origin http://NAME:PORT`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// The variable that holds the bearer token when `--token` is not given.
pub const TOKEN_ENV: &str = "CONNECTORS_MCP_TOKEN";

/// The `WWW-Authenticate` challenge of a 401.
const CHALLENGE: &str = "Bearer realm=\"connectors-mcp\"";

/// Parses `--http ADDR`: `PORT` (a bare port) and `localhost:PORT` are
/// `127.0.0.1:PORT`; `IP:PORT` (`[::1]:PORT` for IPv6) is taken as it is. A host name
/// other than `localhost` is refused: the bind must say which interfaces on purpose.
///
/// ```text
/// 8811              -> 127.0.0.1:8811
/// localhost:8811    -> 127.0.0.1:8811
/// 0.0.0.0:8811      -> 0.0.0.0:8811 (every interface: needs a token)
/// ```
pub fn parse_http_addr(value: &str) -> Result<SocketAddr, String> {
    let value = value.trim();
    let loopback = |port: &str| {
        port.parse::<u16>()
            .map(|port| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
            .map_err(|_| format!("`{port}` is not a port (0 to 65535)"))
    };
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return loopback(value);
    }
    if let Some(port) = value
        .strip_prefix("localhost:")
        .or_else(|| value.strip_prefix(':'))
    {
        return loopback(port);
    }
    value.parse::<SocketAddr>().map_err(|_| {
        format!(
            "`{value}` is not PORT, localhost:PORT or IP:PORT (e.g. 8811, 127.0.0.1:8811, \
             0.0.0.0:8811 for every interface)"
        )
    })
}

/// The bearer token: `--token`'s value, else `CONNECTORS_MCP_TOKEN`'s (an empty variable
/// counts as unset).
pub fn token_from(flag: Option<String>) -> Option<String> {
    flag.or_else(|| std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()))
}

/// An origin: scheme, host (lowercase, IPv6 without brackets) and port (the scheme's
/// default when the serialization has none).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// `scheme://host[:port]`, nothing after it but an optional `/`.
    fn parse(value: &str) -> Option<Origin> {
        let uri: axum::http::Uri = value.trim().parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        if authority.as_str().contains('@')
            || uri.query().is_some()
            || !matches!(uri.path(), "" | "/")
        {
            return None;
        }
        let port = authority.port_u16().or(match scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
        Some(Origin {
            scheme,
            host: normalize_host(authority.host()),
            port,
        })
    }
}

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Whether `host` (normalized) names a loopback address: `localhost` or a loopback IP.
fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Who may call the HTTP server: built from the flags by [`HttpPolicy::from_args`],
/// applied to a router by [`guard`].
#[derive(Clone)]
pub struct HttpPolicy {
    bind: SocketAddr,
    /// The port actually bound, once known (`--http 127.0.0.1:0`).
    local_port: Option<u16>,
    token: Option<Arc<[u8]>>,
    allowed: Arc<[Origin]>,
}

/// The token is never shown.
impl fmt::Debug for HttpPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpPolicy")
            .field("bind", &self.bind)
            .field("local_port", &self.local_port)
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("allowed", &self.allowed)
            .finish()
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no bearer token, or the wrong one.
    Unauthorized {
        /// A token was sent, and it was wrong.
        wrong_token: bool,
    },
    /// 403: an `Origin` that is neither the server's own nor allowed.
    ForeignOrigin,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Refusal::Unauthorized { .. } => (
                StatusCode::UNAUTHORIZED,
                "unauthorized: this MCP server needs `Authorization: Bearer TOKEN` with the token it was started with (--token or CONNECTORS_MCP_TOKEN)\n",
            ),
            Refusal::ForeignOrigin => (
                StatusCode::FORBIDDEN,
                "forbidden: the request's Origin is neither this server's own nor one allowed with --allow-origin\n",
            ),
        };
        let mut response = (status, message).into_response();
        if let Refusal::Unauthorized { wrong_token } = self {
            let challenge = if wrong_token {
                HeaderValue::from_static("Bearer realm=\"connectors-mcp\", error=\"invalid_token\"")
            } else {
                HeaderValue::from_static(CHALLENGE)
            };
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

impl HttpPolicy {
    /// The policy of `--http ADDR [--token T] [--allow-origin O]..`. Refuses a bind that
    /// is not loopback without a token, an empty token, and an allowed origin that is not
    /// `scheme://host[:port]`. `token` is the flag's value or the variable's
    /// ([`token_from`]).
    pub fn from_args(
        addr: SocketAddr,
        token: Option<String>,
        allowed_origins: &[String],
    ) -> Result<HttpPolicy, String> {
        if token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(format!(
                "the MCP bearer token (--token or {TOKEN_ENV}) is empty"
            ));
        }
        if !addr.ip().is_loopback() && token.is_none() {
            return Err(format!(
                "--http {addr} listens beyond this machine (not a loopback address), so it needs a bearer token: \
                 set {TOKEN_ENV} (or pass --token) to a long random secret, which clients send as \
                 `Authorization: Bearer TOKEN`; or listen on loopback only (--http 127.0.0.1:{port})",
                port = addr.port()
            ));
        }
        let mut allowed = Vec::with_capacity(allowed_origins.len());
        for raw in allowed_origins {
            match Origin::parse(raw) {
                Some(origin) if origin.port.is_some() => allowed.push(origin),
                _ => {
                    return Err(format!(
                        "--allow-origin {raw:?} is not an origin: give scheme://host[:port], e.g. http://localhost:5173"
                    ));
                }
            }
        }
        Ok(HttpPolicy {
            bind: addr,
            local_port: (addr.port() != 0).then_some(addr.port()),
            token: token.map(|t| Arc::from(t.into_bytes())),
            allowed: allowed.into(),
        })
    }

    /// The policy with the port actually bound (with `--http 127.0.0.1:0` the port is
    /// known only after binding); without it, the server's own origin takes the port of
    /// the request's `Host`.
    pub fn with_local_addr(mut self, local: SocketAddr) -> HttpPolicy {
        self.local_port = Some(local.port());
        self
    }

    /// The `Origin` check, then the token check, of a request's headers.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().ok().and_then(Origin::parse);
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            match origin {
                Some(origin) if self.is_own(&origin, host) || self.allowed.contains(&origin) => {}
                // `Origin: null` (a sandboxed page, a file) and unparsable values too.
                _ => return Err(Refusal::ForeignOrigin),
            }
        }
        if let Some(token) = &self.token {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    let (scheme, rest) = v.trim().split_once(' ')?;
                    scheme
                        .eq_ignore_ascii_case("bearer")
                        .then(|| rest.trim_start())
                });
            match sent {
                None => return Err(Refusal::Unauthorized { wrong_token: false }),
                Some(sent) if !bool::from(sent.as_bytes().ct_eq(token)) => {
                    return Err(Refusal::Unauthorized { wrong_token: true });
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Whether `origin` is the server's own: plain http, the host the request was sent
    /// to (an IP literal or `localhost`, never a DNS name, which could be re-bound), on
    /// the server's port, and an address of the bind.
    fn is_own(&self, origin: &Origin, host: Option<&str>) -> bool {
        let Some(host) = host.and_then(|h| h.parse::<axum::http::uri::Authority>().ok()) else {
            return false;
        };
        let host_name = normalize_host(host.host());
        let host_port = host.port_u16().unwrap_or(80);
        let port = self.local_port.unwrap_or(host_port);
        if origin.scheme != "http"
            || origin.host != host_name
            || origin.port != Some(port)
            || host_port != port
        {
            return false;
        }
        let bind = self.bind.ip();
        if host_name == "localhost" {
            return bind.is_loopback() || bind.is_unspecified();
        }
        let Ok(ip) = host_name.parse::<IpAddr>() else {
            return false;
        };
        if bind.is_unspecified() {
            true
        } else if bind.is_loopback() {
            is_loopback_host(&host_name)
        } else {
            ip == bind
        }
    }
}

/// `router` behind `policy`: a request with a foreign `Origin` is answered 403, one
/// without the right bearer token (when the policy has one) 401 with
/// `WWW-Authenticate: Bearer`; the others reach the router without their
/// `Authorization` header.
///
/// In `serve_http`, once the listener is bound:
///
/// ```ignore
/// let router = bridge_http::guard(router, policy.with_local_addr(local));
/// ```
pub fn guard(router: Router, policy: HttpPolicy) -> Router {
    let policy = Arc::new(policy);
    router.layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let policy = policy.clone();
            async move {
                match policy.check(request.headers()) {
                    Ok(()) => {
                        let mut request = request;
                        request.headers_mut().remove(header::AUTHORIZATION);
                        next.run(request).await
                    }
                    Err(refusal) => refusal.into_response(),
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn addresses() {
        let ok = |s: &str| parse_http_addr(s).unwrap().to_string();
        assert_eq!(ok("8811"), "127.0.0.1:8811");
        assert_eq!(ok("0"), "127.0.0.1:0");
        assert_eq!(ok("localhost:8811"), "127.0.0.1:8811");
        assert_eq!(ok(":8811"), "127.0.0.1:8811");
        assert_eq!(ok("0.0.0.0:8811"), "0.0.0.0:8811");
        assert_eq!(ok("[::1]:8811"), "[::1]:8811");
        for bad in ["", "99999", "example.com:80", "127.0.0.1", "localhost:x"] {
            assert!(parse_http_addr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn own_origins_follow_the_bind_and_the_host() {
        let local = HttpPolicy::from_args("127.0.0.1:8811".parse().unwrap(), None, &[]).unwrap();
        let check = |p: &HttpPolicy, host: &str, origin: &str| {
            p.check(&headers(&[("host", host), ("origin", origin)]))
        };
        assert_eq!(
            check(&local, "127.0.0.1:8811", "http://127.0.0.1:8811"),
            Ok(())
        );
        assert_eq!(
            check(&local, "localhost:8811", "http://localhost:8811"),
            Ok(())
        );
        // DNS rebinding: the attacker's name, as Host and Origin.
        assert_eq!(
            check(&local, "evil.example:8811", "http://evil.example:8811"),
            Err(Refusal::ForeignOrigin)
        );
        // Another site, another port, another scheme, `null`.
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:9999",
            "https://127.0.0.1:8811",
            "null",
            "not an origin",
        ] {
            assert_eq!(
                check(&local, "127.0.0.1:8811", origin),
                Err(Refusal::ForeignOrigin),
                "{origin}"
            );
        }
        // No Origin: not a browser.
        assert_eq!(local.check(&headers(&[("host", "evil.example")])), Ok(()));

        let any = HttpPolicy::from_args(
            "0.0.0.0:8811".parse().unwrap(),
            Some("t0ken".into()),
            &["http://app.example:5173".to_string()],
        )
        .unwrap();
        let auth = "Bearer t0ken";
        let check = |host: &str, origin: &str| {
            any.check(&headers(&[
                ("host", host),
                ("origin", origin),
                ("authorization", auth),
            ]))
        };
        assert_eq!(
            check("192.168.1.10:8811", "http://192.168.1.10:8811"),
            Ok(())
        );
        assert_eq!(
            check("192.168.1.10:8811", "http://203.0.113.5:8811"),
            Err(Refusal::ForeignOrigin)
        );
        assert_eq!(check("whatever:8811", "http://app.example:5173"), Ok(()));
        assert_eq!(
            check("whatever:8811", "http://app.example:5174"),
            Err(Refusal::ForeignOrigin)
        );
    }

    #[test]
    fn tokens() {
        let p = HttpPolicy::from_args(
            "127.0.0.1:1".parse().unwrap(),
            Some("s3cret-token".into()),
            &[],
        )
        .unwrap();
        assert_eq!(
            p.check(&HeaderMap::new()),
            Err(Refusal::Unauthorized { wrong_token: false })
        );
        for wrong in [
            "Bearer s3cret-toke",
            "Bearer s3cret-token2",
            "Basic s3cret-token",
            "s3cret-token",
        ] {
            assert!(
                p.check(&headers(&[("authorization", wrong)])).is_err(),
                "{wrong}"
            );
        }
        assert_eq!(
            p.check(&headers(&[("authorization", "bearer s3cret-token")])),
            Ok(())
        );
        assert!(!format!("{p:?}").contains("s3cret"));
    }

    #[test]
    fn non_loopback_needs_a_token() {
        let err = HttpPolicy::from_args("0.0.0.0:8811".parse().unwrap(), None, &[]).unwrap_err();
        assert!(err.contains(TOKEN_ENV) && err.contains("--token"), "{err}");
        assert!(HttpPolicy::from_args("[::]:1".parse().unwrap(), None, &[]).is_err());
        assert!(
            HttpPolicy::from_args("127.0.0.1:1".parse().unwrap(), Some(" ".into()), &[]).is_err()
        );
        assert!(
            HttpPolicy::from_args(
                "127.0.0.1:1".parse().unwrap(),
                None,
                &["app.example".into()]
            )
            .is_err()
        );
        assert!(HttpPolicy::from_args("[::1]:1".parse().unwrap(), None, &[]).is_ok());
    }
}

/// The guard over a real socket: a tiny router behind [`guard`] on 127.0.0.1:0, and
/// requests written by hand, so that `Host`, `Origin` and `Authorization` are exactly
/// what the test says.
#[cfg(test)]
mod socket_tests {
    use super::*;

    use axum::routing::post;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves the guarded router; its handler answers whether an `Authorization` header
    /// reached it.
    async fn serve(policy: impl FnOnce(SocketAddr) -> HttpPolicy) -> SocketAddr {
        let router = Router::new().route(
            "/mcp",
            post(|headers: HeaderMap| async move {
                format!(
                    "reached; authorization seen: {}",
                    headers.contains_key(header::AUTHORIZATION)
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let local = listener.local_addr().unwrap();
        let guarded = guard(router, policy(local));
        tokio::spawn(async move { axum::serve(listener, guarded).await.unwrap() });
        local
    }

    /// The status line, the headers (lowercase names) and the body of one request.
    async fn send(addr: SocketAddr, host: &str, extra: &[(&str, &str)]) -> (u16, String, String) {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
        let mut request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (name, value) in extra {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head[9..12].parse().unwrap();
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    #[tokio::test]
    async fn without_a_token_only_the_origin_is_checked() {
        let addr = serve(|local| {
            HttpPolicy::from_args(
                "127.0.0.1:0".parse().unwrap(),
                None,
                &["http://localhost:5173".into()],
            )
            .unwrap()
            .with_local_addr(local)
        })
        .await;
        let host = addr.to_string();
        let own = format!("http://{addr}");
        let (status, _, body) = send(addr, &host, &[]).await;
        assert_eq!(
            (status, body.as_str()),
            (200, "reached; authorization seen: false")
        );
        assert_eq!(send(addr, &host, &[("Origin", &own)]).await.0, 200);
        let localhost = format!("localhost:{}", addr.port());
        assert_eq!(
            send(
                addr,
                &localhost,
                &[("Origin", &format!("http://{localhost}"))]
            )
            .await
            .0,
            200
        );
        assert_eq!(
            send(addr, &host, &[("Origin", "http://localhost:5173")])
                .await
                .0,
            200
        );
        // A foreign page, and a re-bound name.
        let rebound = format!("evil.example:{}", addr.port());
        for (host, origin) in [
            (host.as_str(), "http://evil.example".to_string()),
            (host.as_str(), "http://localhost:5174".to_string()),
            (host.as_str(), "null".to_string()),
            (rebound.as_str(), format!("http://{rebound}")),
        ] {
            let (status, _, body) = send(addr, host, &[("Origin", &origin)]).await;
            assert_eq!(status, 403, "{host} {origin}: {body}");
            assert!(!body.contains("reached"));
        }
    }

    #[tokio::test]
    async fn with_a_token_requests_need_it() {
        let token = "a-long-random-bridge-token-0123456789";
        let addr = serve(|local| {
            HttpPolicy::from_args("127.0.0.1:0".parse().unwrap(), Some(token.into()), &[])
                .unwrap()
                .with_local_addr(local)
        })
        .await;
        let host = addr.to_string();
        let (status, head, body) = send(addr, &host, &[]).await;
        assert_eq!(status, 401, "{body}");
        assert!(head.contains("www-authenticate: bearer"), "{head}");
        assert!(!body.contains("reached"));
        let wrong = format!("Bearer {token}x");
        let (status, head, body) = send(addr, &host, &[("Authorization", &wrong)]).await;
        assert_eq!(status, 401);
        assert!(head.contains("error=\"invalid_token\""), "{head}");
        assert!(!body.contains(token) && !head.contains(token));
        assert_eq!(
            send(addr, &host, &[("Authorization", "Basic abc")]).await.0,
            401
        );

        let right = format!("Bearer {token}");
        let (status, _, body) = send(addr, &host, &[("Authorization", &right)]).await;
        // The token does not travel further than the guard.
        assert_eq!(
            (status, body.as_str()),
            (200, "reached; authorization seen: false")
        );
        // The right token does not excuse a foreign Origin.
        let (status, _, _) = send(
            addr,
            &host,
            &[("Authorization", &right), ("Origin", "http://evil.example")],
        )
        .await;
        assert_eq!(status, 403);
    }
}
