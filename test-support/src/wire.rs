//! Reading HTTP/1.1 messages off a socket, as the scripted server and the fault proxy
//! need it: no keep-alive, no chunked requests.

use tokio::io::{AsyncRead, AsyncReadExt};

/// A head larger than this is refused (no test sends one).
const MAX_HEAD: usize = 1 << 20;

/// The head (up to and including the blank line) and body of one message read from
/// `stream`: the body is `Content-Length` bytes, or with `to_end` everything until the
/// peer closes (a response framed by the connection's end).
pub(crate) async fn read_message<S: AsyncRead + Unpin>(
    stream: &mut S,
    to_end: bool,
) -> std::io::Result<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if buffer.len() > MAX_HEAD {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut body = buffer[head_end..].to_vec();
    if to_end {
        stream.read_to_end(&mut body).await?;
    } else {
        let length = headers(&head)
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        while body.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Ok((head, body))
}

/// The header lines of `head` as trimmed (name, value) pairs, after its first line.
pub(crate) fn headers(head: &str) -> impl Iterator<Item = (&str, &str)> {
    head.split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
}
