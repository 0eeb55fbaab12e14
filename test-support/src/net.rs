//! Loopback ports.

/// A loopback port that was free a moment ago (bound, then released at once): nothing
/// listens there until someone binds it, so a connection to it is refused.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// `http://127.0.0.1:PORT` for a [`free_port`]: a base URL where no server answers.
pub fn closed_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}
