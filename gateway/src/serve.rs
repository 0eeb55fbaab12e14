//! The serving loop: accepts connections under a cap, serves each with hyper's HTTP/1 under
//! the header-read and idle timeouts, and shuts down gracefully.
//!
//! `axum::serve` (axum 0.8) gives hyper no timer and takes no connection settings, so a
//! connection that never finishes its request head, or idles forever, holds a task, a socket
//! and hyper's buffers until the client goes away; and it accepts without limit. This loop
//! is `axum::serve` with those bounds (the request-body deadline is a middleware,
//! [`crate::body_deadline`]).

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{Service, service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::config::ServingConfig;

/// Serves `app` on `listener` until `shutdown` is cancelled, then stops accepting, lets the
/// requests in flight finish, and returns once every connection is closed.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServingConfig,
    shutdown: CancellationToken,
) {
    let mut http = http1::Builder::new();
    // hyper's header-read timer starts whenever a connection waits for a request head: at
    // the start and again each time it goes idle after a response. Set to the idle timeout,
    // it closes a keep-alive connection whose next request has not fully arrived by then;
    // the shorter deadline of a new connection's first head is `drive`'s.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout());
    // Every connection holds a permit until its task ends. The permit is taken before
    // `accept`, so at the cap the gateway stops accepting: new connections wait in the
    // kernel's listen backlog, costing no task and no buffers here, and are served in
    // arrival order as others close (beyond the backlog the kernel drops their SYNs and the
    // clients retransmit). Accepting and closing them instead would fail a burst of
    // legitimate clients that a moment's wait serves, and spend an accept and a close per
    // attempt of a flood.
    let max = limits.max_connections;
    let permits = Arc::new(Semaphore::new(max as usize));
    loop {
        let next = async {
            let permit = permits.clone().acquire_owned().await.ok()?;
            Some((permit, accept(&listener).await))
        };
        let (permit, stream) = tokio::select! {
            next = next => match next {
                Some(next) => next,
                None => break,
            },
            () = shutdown.cancelled() => break,
        };
        tokio::spawn(connection(
            stream,
            app.clone(),
            http.clone(),
            limits.header_read_timeout(),
            shutdown.clone(),
            permit,
            max as usize,
        ));
    }
    // Closes the listening socket: connections still in its backlog are refused.
    drop(listener);
    // Every permit back means every connection task has ended and closed its socket.
    // (The semaphore is never closed, so this cannot fail.)
    let _ = permits.acquire_many(max).await;
}

/// Accepts the next connection. Errors of a single connection (reset before it was
/// accepted) are skipped; others, above all running out of file descriptors, are logged
/// and retried after a second, when connections may have closed.
async fn accept(listener: &TcpListener) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                // Without it, a streamed answer's event (a small write after the headers)
                // waits for the client's delayed ACK of the headers, about 40 ms on Linux.
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::debug!(error = %e, "cannot set TCP_NODELAY on a connection");
                }
                return stream;
            }
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot accept a connection; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until it closes, holding `permit` (its place under the cap) until
/// its socket is closed: all permits back means all sockets closed.
async fn connection(
    stream: TcpStream,
    app: Router,
    http: http1::Builder,
    header_read_timeout: Duration,
    shutdown: CancellationToken,
    permit: OwnedSemaphorePermit,
    max: usize,
) {
    drive(stream, app, http, header_read_timeout, shutdown).await;
    let permits = permit.semaphore().clone();
    drop(permit);
    // The last connection of a load closed (all permits back but the one the accept
    // loop holds while it waits): what the load allocated is free, but the allocator
    // keeps it for reuse; give it back to the system, so that memory returns after load.
    if permits.available_permits() + 1 >= max {
        crate::heap::return_free_memory();
    }
}

/// Serves one connection until it closes. A connection that has not sent a complete
/// request head `header_read_timeout` after it was accepted is closed. On shutdown, a
/// connection that has not started a request is closed at once, an idle one is closed by
/// hyper, and one with a request in flight after its response.
async fn drive(
    stream: TcpStream,
    app: Router,
    http: http1::Builder,
    header_read_timeout: Duration,
    shutdown: CancellationToken,
) {
    let started = Arc::new(AtomicBool::new(false));
    let router = TowerToHyperService::new(app);
    let seen = started.clone();
    let service = service_fn(move |request: Request<Incoming>| {
        // hyper calls the service once a request's head is complete.
        seen.store(true, Ordering::Relaxed);
        router.call(request)
    });
    let conn = http.serve_connection(TokioIo::new(stream), service);
    let mut conn = pin!(conn);
    let mut first_head = pin!(tokio::time::sleep(header_read_timeout));
    let mut waiting_for_first_head = true;
    let mut stopping = pin!(shutdown.cancelled());
    let mut draining = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(error = %e, "connection closed on an error");
                }
                break;
            }
            () = &mut first_head, if waiting_for_first_head => {
                if !started.load(Ordering::Relaxed) {
                    tracing::debug!("closing a connection that sent no complete request head in time");
                    break;
                }
                waiting_for_first_head = false;
            }
            () = &mut stopping, if !draining => {
                if !started.load(Ordering::Relaxed) {
                    break;
                }
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
        }
    }
}
