//! The stdio transport of `connectors mcp serve`, made honest about bad input and bounded
//! in its output: a pair of reader and writer that rmcp's `serve` takes as it takes
//! `(stdin, stdout)`.
//!
//! * **Input**: rmcp 3.9's stdio transport drops a line that is not JSON without a word
//!   (`transport/async_rw.rs`: it "ignores unparsable input", like the other official
//!   SDKs). [`GuardedInput`] reads the lines first: one that is not JSON is answered with
//!   the JSON-RPC `-32700 Parse error` (`"id": null`) and not passed on; one longer than
//!   rmcp's limit (16 MiB, which rmcp would drop silently) with `-32600`. Everything
//!   else reaches rmcp as it came, so well-formed JSON that is not a JSON-RPC message
//!   still gets rmcp's own `-32600 Invalid request`.
//! * **Output**: rmcp sends each answer from its own task, and every task waits for the
//!   writer; a host that stops reading blocks the writer, and the answers pile up in
//!   memory without bound (measured: 650 MB after 120,000 unread `tools/list` answers).
//!   [`BoundedOutput`] never blocks: it queues whole lines for a writer task, and when
//!   more than [`StdioLimits::max_queued_bytes`] wait for a host that does not read, it
//!   says so on stderr and closes the connection (the input then reads as ended, so
//!   rmcp's session stops). A host that closes its end of stdout ends the session the
//!   same way.
//!
//! ```ignore
//! let (input, output, drain) = bridge_stdio::guarded_stdio(StdioLimits::default());
//! let running = service.serve((input, output)).await?;
//! running.waiting().await?;
//! drain.finish(bridge_stdio::DRAIN_TIMEOUT).await?; // the last answers reach the host
//! ```

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::{Notify, mpsc};

/// The answer to a line that is not JSON (JSON-RPC 2.0, section 5.1).
pub const PARSE_ERROR: &str =
    r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#;

/// How long [`OutputDrain::finish`] waits for the host to read the last answers.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The bounds of the stdio transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StdioLimits {
    /// Bytes of answers that may wait for a host that does not read; beyond them the
    /// connection is closed. One answer larger than this still goes out when nothing
    /// else waits.
    pub max_queued_bytes: usize,
    /// The longest input line (one JSON-RPC message); a longer one is answered `-32600`
    /// and dropped. rmcp's own limit.
    pub max_line_bytes: usize,
}

impl Default for StdioLimits {
    /// 32 MiB of waiting answers (the SDK's default cap on a response body), lines of
    /// at most rmcp's 16 MiB.
    fn default() -> Self {
        StdioLimits {
            max_queued_bytes: 32 * 1024 * 1024,
            max_line_bytes: rmcp::transport::async_rw::DEFAULT_MAX_LINE_LENGTH,
        }
    }
}

/// This process's stdin and stdout, guarded: through rmcp's non-blocking pipe driver
/// when both are pipes (as hosts start servers), else tokio's blocking handles. Needs a
/// Tokio runtime (it starts the writer task).
pub fn guarded_stdio(
    limits: StdioLimits,
) -> (
    GuardedInput<rmcp::transport::StdioReader>,
    BoundedOutput,
    OutputDrain,
) {
    let (read, write) = rmcp::transport::stdio_pipes();
    guard_io(read, write, limits)
}

/// Any reader and writer, guarded (see the module's documentation); `guarded_stdio` is
/// this over stdin and stdout. Needs a Tokio runtime (it starts the writer task).
pub fn guard_io<R, W>(
    read: R,
    write: W,
    limits: StdioLimits,
) -> (GuardedInput<R>, BoundedOutput, OutputDrain)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        queued: AtomicUsize::new(0),
        max_queued: limits.max_queued_bytes,
        closed: Mutex::new(None),
        reader: Mutex::new(None),
        written: Notify::new(),
        told_parse_error: AtomicBool::new(false),
        tx,
    });
    tokio::spawn(write_lines(write, rx, shared.clone()));
    let input = GuardedInput {
        inner: read,
        shared: shared.clone(),
        max_line: limits.max_line_bytes,
        line: Vec::new(),
        discarding: false,
        ready: Vec::new(),
        ready_at: 0,
        eof: false,
        chunk: Vec::new(),
    };
    let output = BoundedOutput {
        shared: shared.clone(),
        partial: Vec::new(),
    };
    (input, output, OutputDrain { shared })
}

/// Why the output was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Closed {
    /// The host stopped reading: this many bytes waited.
    Overflow(usize),
    /// Writing failed (the host closed its end).
    Broken(String),
}

impl Closed {
    fn message(&self, limit: usize) -> String {
        match self {
            Closed::Overflow(queued) => format!(
                "the MCP host stopped reading the server's output: {queued} bytes of answers waited (the limit is {limit}), so the connection was closed"
            ),
            Closed::Broken(e) => {
                format!(
                    "the MCP host closed the server's output ({e}), so the connection was closed"
                )
            }
        }
    }
}

struct Shared {
    /// Bytes handed to the writer task and not written yet.
    queued: AtomicUsize,
    max_queued: usize,
    closed: Mutex<Option<Closed>>,
    /// The input's task, woken when the output closes so that it reads the end.
    reader: Mutex<Option<Waker>>,
    /// Signalled after each line written, and when the output closes.
    written: Notify,
    /// The first `-32700` is said on stderr, the others are not.
    told_parse_error: AtomicBool,
    tx: mpsc::UnboundedSender<Vec<u8>>,
}

impl Shared {
    fn closed(&self) -> Option<Closed> {
        self.closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Closes the output once, says why on stderr, and wakes the input.
    fn close(&self, why: Closed) {
        {
            let mut closed = self.closed.lock().unwrap_or_else(PoisonError::into_inner);
            if closed.is_some() {
                return;
            }
            eprintln!("connectors: {}", why.message(self.max_queued));
            *closed = Some(why);
        }
        if let Some(waker) = self
            .reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            waker.wake();
        }
        self.written.notify_one();
    }

    /// Queues one whole line (with its newline) for the writer task.
    fn enqueue(&self, line: Vec<u8>) -> io::Result<()> {
        if self.closed().is_some() {
            return Err(closed_error());
        }
        let queued = self.queued.load(Ordering::Acquire);
        if queued > 0 && queued.saturating_add(line.len()) > self.max_queued {
            self.close(Closed::Overflow(queued.saturating_add(line.len())));
            return Err(closed_error());
        }
        self.queued.fetch_add(line.len(), Ordering::AcqRel);
        self.tx.send(line).map_err(|_| closed_error())
    }
}

fn closed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the MCP host's end of the output is closed",
    )
}

/// The writer task: writes the queued lines in order, flushing when none waits.
async fn write_lines<W: AsyncWrite + Unpin>(
    mut write: W,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    shared: Arc<Shared>,
) {
    while let Some(line) = rx.recv().await {
        let mut written = write.write_all(&line).await;
        if written.is_ok() && rx.is_empty() {
            written = write.flush().await;
        }
        if let Err(e) = written {
            shared.close(Closed::Broken(e.to_string()));
            return;
        }
        shared.queued.fetch_sub(line.len(), Ordering::AcqRel);
        shared.written.notify_one();
    }
}

/// The output half: never blocks; see the module's documentation.
pub struct BoundedOutput {
    shared: Arc<Shared>,
    /// The start of a line not yet ended by its newline.
    partial: Vec<u8>,
}

impl AsyncWrite for BoundedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.shared.closed().is_some() {
            return Poll::Ready(Err(closed_error()));
        }
        let mut rest = buf;
        while let Some(end) = rest.iter().position(|b| *b == b'\n') {
            let mut line = std::mem::take(&mut this.partial);
            line.extend_from_slice(&rest[..=end]);
            rest = &rest[end + 1..];
            if let Err(e) = this.shared.enqueue(line) {
                return Poll::Ready(Err(e));
            }
        }
        this.partial.extend_from_slice(rest);
        Poll::Ready(Ok(buf.len()))
    }

    /// Nothing to wait for: the lines are the writer task's (see [`OutputDrain`]).
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.partial.is_empty() {
            let line = std::mem::take(&mut this.partial);
            let _ = this.shared.enqueue(line);
        }
        Poll::Ready(Ok(()))
    }
}

/// Waits, when the session is over, for the host to read the last answers.
pub struct OutputDrain {
    shared: Arc<Shared>,
}

impl OutputDrain {
    /// Waits until every queued answer is written (at most `timeout`). An error says why
    /// the connection was closed early (the host stopped reading, or closed stdout; said
    /// on stderr already when it happened), or that the host did not read the last
    /// answers in time.
    pub async fn finish(self, timeout: Duration) -> Result<(), String> {
        let wait = async {
            loop {
                if let Some(closed) = self.shared.closed() {
                    return Err(closed.message(self.shared.max_queued));
                }
                if self.shared.queued.load(Ordering::Acquire) == 0 {
                    return Ok(());
                }
                self.shared.written.notified().await;
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(done) => done,
            Err(_) => Err(format!(
                "the MCP host did not read the last {} bytes of answers within {timeout:?}",
                self.shared.queued.load(Ordering::Acquire)
            )),
        }
    }

    /// Whether the output was closed (the host stopped reading, or closed stdout).
    #[cfg(test)]
    pub fn is_closed(&self) -> bool {
        self.shared.closed().is_some()
    }
}

/// The input half: passes JSON lines on and answers the others; reads as ended once the
/// output is closed. See the module's documentation.
pub struct GuardedInput<R> {
    inner: R,
    shared: Arc<Shared>,
    max_line: usize,
    /// The line being read.
    line: Vec<u8>,
    /// Dropping the rest of a line that was too long.
    discarding: bool,
    /// Checked lines for rmcp, from `ready_at` on.
    ready: Vec<u8>,
    ready_at: usize,
    eof: bool,
    /// The buffer each read from the host goes into, kept between reads.
    chunk: Vec<u8>,
}

/// The most read from the host at once.
const READ_CHUNK: usize = 8192;

/// What a line is.
enum Line {
    /// Blank (rmcp skips it too): dropped.
    Blank,
    /// JSON: passed on.
    Json,
    /// Not JSON: answered `-32700`.
    NotJson,
}

fn classify(line: &[u8]) -> Line {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // RFC 8259 lets a parser skip a byte order mark; rmcp does.
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
        Ok(_) => Line::Json,
        Err(_) => Line::NotJson,
    }
}

impl<R> GuardedInput<R> {
    /// Handles one whole line (with its newline, except at the end of input).
    fn finish_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        match classify(&line) {
            Line::Blank => {}
            Line::Json => {
                self.ready.extend_from_slice(&line);
                if !line.ends_with(b"\n") {
                    self.ready.push(b'\n');
                }
            }
            Line::NotJson => {
                if !self.shared.told_parse_error.swap(true, Ordering::AcqRel) {
                    eprintln!(
                        "connectors: the MCP host sent a line that is not JSON; answered with -32700 Parse error (later ones are answered without this note)"
                    );
                }
                let _ = self.shared.enqueue(format!("{PARSE_ERROR}\n").into_bytes());
            }
        }
        // Keep the capacity of ordinary lines, not of a huge one.
        if self.line.capacity() > 64 * 1024 {
            self.line = Vec::new();
        }
    }

    fn too_long(&mut self) {
        self.line = Vec::new();
        let answer = format!(
            r#"{{"jsonrpc":"2.0","id":null,"error":{{"code":-32600,"message":"Invalid Request: the message is longer than {} bytes"}}}}"#,
            self.max_line
        );
        eprintln!(
            "connectors: the MCP host sent a message longer than {} bytes; answered with -32600 and dropped it",
            self.max_line
        );
        let _ = self.shared.enqueue(format!("{answer}\n").into_bytes());
    }

    /// Takes in bytes read from the host.
    fn take_in(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let newline = bytes.iter().position(|b| *b == b'\n');
            let take = newline.map_or(bytes.len(), |at| at + 1);
            let (chunk, rest) = bytes.split_at(take);
            bytes = rest;
            if self.discarding {
                self.discarding = newline.is_none();
                continue;
            }
            if self.line.len() + chunk.len() > self.max_line {
                self.too_long();
                self.discarding = newline.is_none();
                continue;
            }
            self.line.extend_from_slice(chunk);
            if newline.is_some() {
                self.finish_line();
            }
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for GuardedInput<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            // The output is closed: the session is over, whatever the host still sends.
            {
                let mut reader = this
                    .shared
                    .reader
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                // Not a new clone on every read: the task's waker rarely changes.
                if !reader.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *reader = Some(cx.waker().clone());
                }
            }
            if this.shared.closed().is_some() {
                return Poll::Ready(Ok(()));
            }
            if this.ready_at < this.ready.len() {
                let n = out.remaining().min(this.ready.len() - this.ready_at);
                out.put_slice(&this.ready[this.ready_at..this.ready_at + n]);
                this.ready_at += n;
                if this.ready_at == this.ready.len() {
                    this.ready.clear();
                    this.ready_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            // Into the kept buffer (zeroed once, when first used): no buffer to zero and no
            // copy per read, and each call of a host is at least one read.
            let mut chunk = std::mem::take(&mut this.chunk);
            if chunk.len() != READ_CHUNK {
                chunk = vec![0; READ_CHUNK];
            }
            let mut read = ReadBuf::new(&mut chunk);
            let polled = Pin::new(&mut this.inner).poll_read(cx, &mut read);
            let filled = read.filled().len();
            let outcome = match polled {
                Poll::Pending => Some(Poll::Pending),
                Poll::Ready(Err(e)) => Some(Poll::Ready(Err(e))),
                Poll::Ready(Ok(())) if filled == 0 => {
                    this.eof = true;
                    if !this.line.is_empty() && !this.discarding {
                        this.finish_line();
                    }
                    None
                }
                Poll::Ready(Ok(())) => {
                    this.take_in(&chunk[..filled]);
                    None
                }
            };
            this.chunk = chunk;
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    /// The input filter over an in-memory duplex: what rmcp would read, and what the
    /// host would be answered.
    #[tokio::test]
    async fn non_json_lines_are_answered_and_the_rest_passed_on() {
        let (mut host_in, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, host_out) = tokio::io::duplex(1 << 16);
        let limits = StdioLimits {
            max_queued_bytes: 1 << 20,
            max_line_bytes: 64,
        };
        let (mut input, mut output, drain) = guard_io(server_in, server_out, limits);
        let long = format!("{{\"x\":\"{}\"}}\n", "y".repeat(100));
        let sent = [
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n",
            "this is not json\n",
            "\n",
            "   \r\n",
            "{\"jsonrpc\":\n",
            "\u{feff}{\"a\":1}\r\n",
            long.as_str(),
            "[1,2]\n",
            "{\"tail\":true}",
        ];
        for piece in sent {
            // A byte at a time for one of them: lines split across reads.
            if piece.starts_with("[1") {
                for b in piece.bytes() {
                    host_in.write_all(&[b]).await.unwrap();
                }
            } else {
                host_in.write_all(piece.as_bytes()).await.unwrap();
            }
        }
        drop(host_in);
        let mut passed = String::new();
        input.read_to_string(&mut passed).await.unwrap();
        assert_eq!(
            lines(&passed),
            lines(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n\u{feff}{\"a\":1}\r\n[1,2]\n{\"tail\":true}\n"
            )
        );
        output.write_all(b"{\"answer\":1}\n").await.unwrap();
        drop(output);
        drain.finish(Duration::from_secs(5)).await.unwrap();
        let mut answered = BufReader::new(host_out).lines();
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(answered.next_line().await.unwrap().unwrap());
        }
        assert_eq!(got[0], PARSE_ERROR);
        assert_eq!(got[1], PARSE_ERROR);
        let too_long: serde_json::Value = serde_json::from_str(&got[2]).unwrap();
        assert_eq!(too_long["error"]["code"], -32600);
        assert_eq!(too_long["id"], serde_json::Value::Null);
        assert_eq!(got[3], "{\"answer\":1}");
    }

    /// A host that stops reading: the queue stops at the limit, the output refuses
    /// more, the input reads as ended, and the drain says why.
    #[tokio::test]
    async fn a_host_that_stops_reading_is_disconnected() {
        let (host_in, server_in) = tokio::io::duplex(1024);
        // The host never reads this end: 4 KiB fit in the pipe, then writes block.
        let (server_out, _host_out) = tokio::io::duplex(4096);
        let limits = StdioLimits {
            max_queued_bytes: 64 * 1024,
            max_line_bytes: 1024,
        };
        let (mut input, mut output, drain) = guard_io(server_in, server_out, limits);
        let answer = format!("{{\"answer\":\"{}\"}}\n", "z".repeat(1000));
        let mut accepted = 0usize;
        let mut refused = None;
        for i in 0..10_000 {
            match output.write_all(answer.as_bytes()).await {
                Ok(()) => accepted += answer.len(),
                Err(e) => {
                    refused = Some((i, e));
                    break;
                }
            }
            tokio::task::yield_now().await;
        }
        let (at, error) = refused.expect("the output refuses once the host stops reading");
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        assert!(
            accepted <= 64 * 1024 + 4096 + answer.len(),
            "{accepted} bytes after {at} answers"
        );
        assert!(drain.is_closed());
        // The input ends although the host still holds its end open.
        let mut rest = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), input.read_to_end(&mut rest))
            .await
            .expect("the input ends")
            .unwrap();
        assert!(rest.is_empty());
        let why = drain.finish(Duration::from_secs(1)).await.unwrap_err();
        assert!(why.contains("stopped reading"), "{why}");
        drop(host_in);
    }

    /// One answer larger than the limit still goes out when nothing else waits.
    #[tokio::test]
    async fn one_large_answer_is_not_a_stalled_host() {
        let (_host_in, server_in) = tokio::io::duplex(64);
        let (server_out, mut host_out) = tokio::io::duplex(1 << 16);
        let limits = StdioLimits {
            max_queued_bytes: 1024,
            max_line_bytes: 1024,
        };
        let (_input, mut output, drain) = guard_io(server_in, server_out, limits);
        let big = format!("{}\n", "b".repeat(100_000));
        let expected = big.len();
        let reader = tokio::spawn(async move {
            let mut all = vec![0; expected];
            host_out.read_exact(&mut all).await.unwrap();
            all
        });
        output.write_all(big.as_bytes()).await.unwrap();
        drain.finish(Duration::from_secs(5)).await.unwrap();
        assert_eq!(reader.await.unwrap(), big.as_bytes());
    }

    /// An MCP server that answers `initialize` and refuses the rest.
    struct Tiny;
    impl rmcp::ServerHandler for Tiny {}

    /// rmcp's own server over the guarded transport on real OS pipes, as `mcp serve`
    /// would run it: a line that is not JSON is answered, then the session works.
    #[tokio::test(flavor = "multi_thread")]
    async fn rmcp_serves_through_the_guard_on_os_pipes() {
        use rmcp::ServiceExt;
        use tokio::net::unix::pipe;

        let (mut host_in, server_in) = pipe::pipe().unwrap();
        let (server_out, host_out) = pipe::pipe().unwrap();
        let (input, output, drain) = guard_io(server_in, server_out, StdioLimits::default());
        let server = tokio::spawn(async move {
            let running = Tiny.serve((input, output)).await.unwrap();
            running.waiting().await.unwrap();
            drain.finish(Duration::from_secs(5)).await
        });
        host_in.write_all(b"not json at all\n").await.unwrap();
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"}}});
        host_in
            .write_all(format!("{init}\n").as_bytes())
            .await
            .unwrap();
        let mut answers = BufReader::new(host_out).lines();
        assert_eq!(answers.next_line().await.unwrap().unwrap(), PARSE_ERROR);
        let answer: serde_json::Value =
            serde_json::from_str(&answers.next_line().await.unwrap().unwrap()).unwrap();
        assert_eq!(answer["id"], 1, "{answer}");
        assert!(answer["result"]["serverInfo"].is_object(), "{answer}");
        host_in
            .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{oops\n")
            .await
            .unwrap();
        assert_eq!(answers.next_line().await.unwrap().unwrap(), PARSE_ERROR);
        // The host closes its end: the session ends, and every answer was read.
        drop(host_in);
        let finished = tokio::time::timeout(Duration::from_secs(10), server).await;
        assert_eq!(finished.expect("the session ends").unwrap(), Ok(()));
    }

    /// The measured case: a host that sends requests and never reads. Through rmcp, on
    /// OS pipes: the session closes, and the drain says why.
    #[tokio::test(flavor = "multi_thread")]
    async fn rmcp_stops_a_host_that_does_not_read() {
        use rmcp::ServiceExt;
        use tokio::net::unix::pipe;

        let (mut host_in, server_in) = pipe::pipe().unwrap();
        let (server_out, _host_out) = pipe::pipe().unwrap();
        let limits = StdioLimits {
            max_queued_bytes: 256 * 1024,
            ..StdioLimits::default()
        };
        let (input, output, drain) = guard_io(server_in, server_out, limits);
        let server = tokio::spawn(async move {
            let running = Tiny.serve((input, output)).await.unwrap();
            running.waiting().await.unwrap();
            drain.finish(Duration::from_secs(1)).await
        });
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"}}});
        let mut requests =
            format!("{init}\n{{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}}\n");
        for id in 1..=200_000 {
            requests.push_str(&format!(
                "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n"
            ));
        }
        // Once the server stops reading, this write waits for ever: it is left behind.
        let writer = tokio::spawn(async move {
            let _ = host_in.write_all(requests.as_bytes()).await;
            host_in
        });
        let finished = tokio::time::timeout(Duration::from_secs(30), server)
            .await
            .expect("the session ends although the host keeps its ends open")
            .unwrap();
        let why = finished.unwrap_err();
        assert!(why.contains("stopped reading"), "{why}");
        writer.abort();
    }
}
