//! A recording proxy on 127.0.0.1 between the client under test and the gateway.
//!
//! The SDK's response observer sees what came back, not what was sent; a failure is only
//! replayable with the exact request. Every request the client sends passes through
//! here on its way to the gateway and is kept (method, URL, headers, body), and its
//! response is tagged with [`EXCHANGE_HEADER`] so the observer can tell which request it
//! answers. Bodies are forwarded as they arrive, so event streams stay streams.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

/// The response header carrying the number of the exchange (added by the proxy, so only
/// the runner's client ever sees it).
pub const EXCHANGE_HEADER: &str = "x-connectors-contract-exchange";
/// Largest request body forwarded (the spec's largest request is far below it).
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// Headers that describe one connection, not the request (RFC 9110, 7.6.1), and the
/// ones recomputed for each hop.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// One request as the client sent it, and the status it got.
#[derive(Clone)]
pub struct Exchange {
    /// Upper-case method.
    pub method: String,
    /// The gateway's URL of the request (not the proxy's), with its query.
    pub url: String,
    /// The request headers in the order sent, end-to-end ones only.
    pub headers: Vec<(String, String)>,
    /// The request body (empty without one).
    pub body: Vec<u8>,
    /// The status of the gateway's answer; `None` when it could not be reached.
    pub status: Option<u16>,
    /// The `Retry-After` the gateway sent with a 429, in seconds.
    pub retry_after: Option<f64>,
}

impl std::fmt::Debug for Exchange {
    // Headers and body carry the API key and secrets: only their shape is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("method", &self.method)
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Exchange {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path of the URL, without the gateway's base or the query.
    pub fn path<'a>(&'a self, base: &str) -> &'a str {
        let rest = self.url.strip_prefix(base).unwrap_or(&self.url);
        rest.split('?').next().unwrap_or(rest)
    }
}

/// Every exchange so far, by number (the index).
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Exchange>>>);

impl Log {
    /// Exchange number `n`.
    pub fn get(&self, n: usize) -> Option<Exchange> {
        self.lock().get(n).cloned()
    }

    /// A copy of every exchange.
    pub fn all(&self) -> Vec<Exchange> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        // A poisoned lock only means a handler panicked while pushing.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, exchange: Exchange) -> usize {
        let mut log = self.lock();
        log.push(exchange);
        log.len() - 1
    }

    fn set_status(&self, n: usize, status: u16, retry_after: Option<f64>) {
        if let Some(e) = self.lock().get_mut(n) {
            e.status = Some(status);
            e.retry_after = retry_after;
        }
    }
}

#[derive(Clone)]
struct Forward {
    /// The gateway's base URL, without a trailing slash.
    base: String,
    client: reqwest::Client,
    log: Log,
}

/// The running proxy; stops when dropped.
pub struct Wire {
    url: String,
    base: String,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Wire {
    /// Starts a proxy to the gateway at `base` on a free port of 127.0.0.1.
    pub async fn start(base: &str) -> Result<Wire, String> {
        let client = reqwest::Client::builder()
            // The client under test has its own timeouts; the proxy must not cut an
            // event stream short.
            .connect_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot build the recording proxy's client: {e}"))?;
        let log = Log::default();
        let base = base.trim().trim_end_matches('/').to_string();
        let state = Forward {
            base: base.clone(),
            client,
            log: log.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot start the recording proxy: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot start the recording proxy: {e}"))?;
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Wire {
            url: format!("http://{address}"),
            base,
            log,
            task,
        })
    }

    /// Where the client under test is to send its requests.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The gateway's base URL, as the reproducers use it.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The exchanges.
    pub fn log(&self) -> &Log {
        &self.log
    }
}

async fn forward(State(state): State<Forward>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let tail = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let url = format!("{}{tail}", state.base);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(body) => body,
        Err(e) => return plain(StatusCode::PAYLOAD_TOO_LARGE, format!("request body: {e}")),
    };
    let number = state.log.push(Exchange {
        method: parts.method.as_str().to_string(),
        url: url.clone(),
        headers,
        body: body.to_vec(),
        status: None,
        retry_after: None,
    });
    let mut outgoing = state.client.request(parts.method.clone(), &url);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    if !body.is_empty() {
        outgoing = outgoing.body(Bytes::clone(&body));
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        // The client sees a gateway that does not answer, as it would without the proxy.
        Err(e) => return plain(StatusCode::BAD_GATEWAY, format!("the gateway: {e}")),
    };
    let status = answer.status();
    let retry_after = (status.as_u16() == 429)
        .then(|| {
            answer
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .flatten();
    state.log.set_status(number, status.as_u16(), retry_after);
    let mut response = Response::builder().status(status);
    if let Some(headers) = response.headers_mut() {
        for (name, value) in answer.headers() {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                headers.append(name.clone(), value.clone());
            }
        }
        if let Ok(value) = HeaderValue::from_str(&number.to_string()) {
            headers.insert(HeaderName::from_static(EXCHANGE_HEADER), value);
        }
    }
    response
        .body(Body::from_stream(answer.bytes_stream()))
        .unwrap_or_else(|e| {
            plain(
                StatusCode::BAD_GATEWAY,
                format!("the gateway's answer: {e}"),
            )
        })
}

fn plain(status: StatusCode, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response
}
