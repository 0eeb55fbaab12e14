//! A raw HTTP/1.1 server on 127.0.0.1 that answers each request by a script: per request
//! a [`Step`] of status, headers, body and faults (the body cut after N bytes, the
//! connection closed without an answer, a delay before the head, pauses between body
//! chunks, a silent connection after the body). One request per connection
//! (`connection: close`); every request is recorded for assertions.
//!
//! Real sockets, written by hand, so that a test can send what no well-behaved server
//! library would: half a body, a chunked body without its last chunk, nothing at all.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::wire;

/// How long a [`Step::hold`] keeps a connection open at most, when the client does not
/// close it first.
const HOLD: Duration = Duration::from_secs(60);

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query (after `?`), empty when there is none.
    pub query: String,
    /// The headers in order, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// How a response body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` of the whole body (even when the step cuts it).
    Length,
    /// `Transfer-Encoding: chunked`, one chunk per piece, then the last chunk.
    Chunked,
    /// No length: the body ends when the connection closes.
    UntilClose,
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub struct Step {
    status: u16,
    headers: Vec<(String, String)>,
    pieces: Vec<Vec<u8>>,
    framing: Framing,
    cut_after: Option<usize>,
    delay: Duration,
    pause: Duration,
    hold: bool,
    answer: bool,
}

impl Step {
    /// `status` with an empty body.
    pub fn status(status: u16) -> Step {
        Step {
            status,
            headers: Vec::new(),
            pieces: Vec::new(),
            framing: Framing::Length,
            cut_after: None,
            delay: Duration::ZERO,
            pause: Duration::ZERO,
            hold: false,
            answer: true,
        }
    }

    /// `status` with `body` as `application/json`.
    pub fn json(status: u16, body: &Value) -> Step {
        Step::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// `200 text/event-stream`, chunked, one chunk per piece.
    pub fn event_stream(pieces: Vec<Vec<u8>>) -> Step {
        Step {
            pieces,
            framing: Framing::Chunked,
            ..Step::status(200).header("content-type", "text/event-stream")
        }
    }

    /// No answer: the connection is closed once the request is read.
    pub fn close() -> Step {
        Step {
            answer: false,
            ..Step::status(0)
        }
    }

    /// With header `name: value` too.
    pub fn header(mut self, name: &str, value: &str) -> Step {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// With `body` as the whole body (one piece).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Step {
        self.pieces = vec![body.into()];
        self
    }

    /// Framed by the end of the connection, without a length.
    pub fn until_close(mut self) -> Step {
        self.framing = Framing::UntilClose;
        self
    }

    /// Only the first `bytes` bytes of the body are sent, then the connection closes
    /// (the head still announces the whole body; a chunked body gets no last chunk).
    pub fn cut_after(mut self, bytes: usize) -> Step {
        self.cut_after = Some(bytes);
        self
    }

    /// [`Step::cut_after`] half the body.
    pub fn cut_in_half(self) -> Step {
        let half = self.pieces.iter().map(Vec::len).sum::<usize>() / 2;
        self.cut_after(half)
    }

    /// Waits `delay` before the head.
    pub fn delay(mut self, delay: Duration) -> Step {
        self.delay = delay;
        self
    }

    /// Waits `pause` after each piece of the body, so that they arrive separately.
    pub fn pause(mut self, pause: Duration) -> Step {
        self.pause = pause;
        self
    }

    /// After the body (or the cut) the connection stays open and silent until the client
    /// closes it (a minute at most); a chunked body gets no last chunk: it never ends.
    pub fn hold(mut self) -> Step {
        self.hold = true;
        self
    }
}

type Script = Arc<dyn Fn(&Request, usize) -> Step + Send + Sync>;

/// A running scripted server; dropping it stops it and closes its connections.
pub struct ScriptedServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server on a free loopback port that answers each request by
    /// `script(request, n)`, `n` counting the earlier requests to the same path.
    pub async fn start(script: impl Fn(&Request, usize) -> Step + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("the server's address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let log = requests.clone();
        let task = tokio::spawn(async move {
            // The connections live in the set, so they end with the server.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, log.clone(), script.clone()));
                while connections.try_join_next().is_some() {}
            }
        });
        ScriptedServer {
            addr,
            requests,
            task,
        }
    }

    /// A server that answers every request with `step`.
    pub async fn answering(step: Step) -> Self {
        ScriptedServer::start(move |_, _| step.clone()).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in the order they were read.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.requests).clone()
    }

    /// The requests so far to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        lock(&self.requests)
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(requests: &Mutex<Vec<Request>>) -> std::sync::MutexGuard<'_, Vec<Request>> {
    requests.lock().unwrap_or_else(PoisonError::into_inner)
}

fn parse(head: &str, body: Vec<u8>) -> Request {
    let mut request_line = head.split("\r\n").next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Request {
        method,
        path: path.to_string(),
        query: query.to_string(),
        headers: wire::headers(head)
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect(),
        body,
    }
}

async fn serve(mut stream: TcpStream, requests: Arc<Mutex<Vec<Request>>>, script: Script) {
    let Ok((head, body)) = wire::read_message(&mut stream, false).await else {
        return;
    };
    let request = parse(&head, body);
    let earlier = {
        let mut requests = lock(&requests);
        let earlier = requests.iter().filter(|r| r.path == request.path).count();
        requests.push(request.clone());
        earlier
    };
    let step = script(&request, earlier);
    if step.answer {
        let _ = answer(&mut stream, &step).await;
    }
}

async fn answer(stream: &mut TcpStream, step: &Step) -> std::io::Result<()> {
    tokio::time::sleep(step.delay).await;
    let total: usize = step.pieces.iter().map(Vec::len).sum();
    let mut head = format!("HTTP/1.1 {} Scripted\r\nconnection: close\r\n", step.status);
    match step.framing {
        Framing::Length => head.push_str(&format!("content-length: {total}\r\n")),
        Framing::Chunked => head.push_str("transfer-encoding: chunked\r\n"),
        Framing::UntilClose => {}
    }
    for (name, value) in &step.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;

    let mut left = step.cut_after.unwrap_or(usize::MAX);
    for piece in &step.pieces {
        let part = &piece[..piece.len().min(left)];
        left -= part.len();
        let mut out = Vec::with_capacity(part.len() + 12);
        if step.framing == Framing::Chunked && !piece.is_empty() {
            // The chunk announces the whole piece, even when only a part follows.
            out.extend(format!("{:x}\r\n", piece.len()).into_bytes());
            out.extend_from_slice(part);
            if part.len() == piece.len() {
                out.extend_from_slice(b"\r\n");
            }
        } else {
            out.extend_from_slice(part);
        }
        stream.write_all(&out).await?;
        stream.flush().await?;
        if part.len() < piece.len() {
            break;
        }
        tokio::time::sleep(step.pause).await;
    }
    if step.framing == Framing::Chunked && step.cut_after.is_none() && !step.hold {
        stream.write_all(b"0\r\n\r\n").await?;
        stream.flush().await?;
    }
    if step.hold {
        // Silent until the client closes (a read of 0 bytes) or the bound.
        let mut sink = [0u8; 1024];
        let until_closed = async {
            use tokio::io::AsyncReadExt;
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        };
        let _ = tokio::time::timeout(HOLD, until_closed).await;
    }
    stream.shutdown().await
}
