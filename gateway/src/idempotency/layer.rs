//! The middleware of the keyed operations: a request with a valid key runs in a task of its
//! own, and its key is looked up: replayed, refused as reused, waited on while another
//! request with it runs, or run (`super::outcome`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::key_header::read_key;
use super::outcome::run;
use super::record::Key;
use super::{
    BODY_LIMIT, FIRST_POLL, IdempotencyStore, Keyed, Lookup, MAX_POLL, WAIT_MARGIN, Waiter,
    in_progress_bound, memory,
};
use crate::auth::Tenant;
use crate::errors::{ApiError, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED};

/// What the idempotency layer needs of the gateway: its own part of the state (taken from
/// the whole by `FromRef`, so that this layer does not depend on the gateway's state).
#[derive(Clone)]
pub(crate) struct IdempotencyState {
    /// Where keys and their outcomes are kept.
    pub store: Arc<IdempotencyStore>,
    /// Whether the profile honours `Idempotency-Key` at all.
    pub honours_keys: bool,
    /// How long a tool call may run (the bound of waiting for a key in progress).
    pub call_timeout: Duration,
}

fn key_in_use() -> Response {
    let mut response = ApiError::new(
        StatusCode::CONFLICT,
        IDEMPOTENCY_KEY_IN_USE,
        "A request with this Idempotency-Key is still being processed; retry later",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Middleware for the keyed operations (any method): see the module documentation.
pub(crate) async fn idempotent(
    State(state): State<IdempotencyState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.method().is_safe() || !state.honours_keys {
        return next.run(request).await;
    }
    let idempotency_key = match read_key(request.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(error) => return error.into_response(),
    };
    request
        .extensions_mut()
        .insert(Keyed(Arc::from(idempotency_key.as_str())));
    // Everything from here runs in a task detached from this request: if the client goes
    // away and this future is dropped (even before the body is read), the operation still
    // completes and its response is stored for the retry.
    let task = tokio::spawn(crate::envelope::in_request(keyed(
        state,
        request,
        next,
        idempotency_key,
    )));
    match task.await {
        Ok(response) => response,
        // The handler panicked; its ticket was dropped with it, leaving the key in doubt.
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "The request failed",
        )
        .into_response(),
    }
}

/// Answers a request carrying `idempotency_key`: replays, refuses, waits, or runs it.
async fn keyed(
    state: IdempotencyState,
    request: Request,
    next: Next,
    idempotency_key: String,
) -> Response {
    let tenant = request
        .extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "INVALID_BODY",
            "The request body is too large",
        )
        .into_response();
    };
    // The query is part of the request's payload (a DELETE may have nothing else).
    let mut hasher = DefaultHasher::new();
    parts.uri.query().unwrap_or("").hash(&mut hasher);
    bytes.hash(&mut hasher);
    let fingerprint = hasher.finish();
    let operation = format!("{} {}", parts.method, parts.uri.path());
    let key = Arc::new(Key::new(&tenant, &operation, &idempotency_key));
    let store = state.store;
    let call_timeout = state.call_timeout;
    let deadline = tokio::time::Instant::now() + call_timeout + WAIT_MARGIN;
    // Each turn either answers or waits: for a real change (the first request finishing
    // here), or a poll interval that doubles (it runs elsewhere), so the loop never spins.
    let mut poll = FIRST_POLL;
    let ticket = loop {
        let lookup = match store.lookup(key.clone(), fingerprint).await {
            Ok(lookup) => lookup,
            // Nothing ran: the request may be sent again with the same key.
            Err(reason) => return ApiError::store_unavailable(reason).into_response(),
        };
        match lookup {
            Lookup::Replay(kept) => {
                tracing::debug!(%operation, "replaying an idempotent outcome");
                return kept.replay();
            }
            Lookup::Reused => {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    IDEMPOTENCY_KEY_REUSED,
                    "The Idempotency-Key was used with another request body",
                )
                .into_response();
            }
            Lookup::Wait(Waiter::Here(mut rx)) => {
                let outcome = tokio::time::timeout_at(deadline, rx.wait_for(Option::is_some))
                    .await
                    .map(|changed| changed.ok().and_then(|value| value.clone()));
                match outcome {
                    Err(_) => return key_in_use(),
                    Ok(Some(memory::Outcome::Kept(kept))) => return kept.replay(),
                    // Released (a 429: the first never ran): look again.
                    Ok(_) => continue,
                }
            }
            Lookup::Wait(Waiter::Elsewhere) => {
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return key_in_use();
                }
                tokio::time::sleep(poll.min(deadline - now)).await;
                poll = (poll * 2).min(MAX_POLL);
            }
            Lookup::Run(ticket) => break ticket,
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    run(next, request, ticket, in_progress_bound(call_timeout)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idempotency::REPLAYED;
    use crate::store::Unavailable;

    /// The layer on DELETE and PATCH routes (as the router applies it to every keyed
    /// operation): the same key twice runs once, a key is scoped by method and path, an
    /// empty body is a body, another query is another payload, and a safe method passes.
    #[tokio::test]
    async fn delete_and_patch_requests_run_once_per_key() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use axum::Router;
        use axum::middleware::from_fn_with_state;

        use crate::state::AppState;
        use axum::routing::delete;

        let state = AppState::new(crate::config::Config::default()).expect("in-memory state");
        let runs = Arc::new(AtomicUsize::new(0));
        let handler = {
            let runs = runs.clone();
            move |request: Request| {
                let runs = runs.clone();
                async move {
                    let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    // A failure is an outcome too: every other run answers 404.
                    let status = if n.is_multiple_of(2) {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::OK
                    };
                    (status, format!("{} run {n}", request.method()))
                }
            }
        };
        let app = Router::new()
            .route(
                "/things/{id}",
                delete(handler.clone()).patch(handler.clone()).get(handler),
            )
            .layer(from_fn_with_state(state.clone(), idempotent))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        let send = |method: reqwest::Method, path: &str, key: &str, body: &'static str| {
            http.request(method, format!("http://{addr}{path}"))
                .header("idempotency-key", key)
                .body(body)
                .send()
        };
        let text = |r: reqwest::Response| async move {
            let replayed = r.headers().get(REPLAYED).is_some();
            (r.status(), replayed, r.text().await.unwrap_or_default())
        };

        let first = text(
            send(reqwest::Method::DELETE, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        let again = text(
            send(reqwest::Method::DELETE, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(first, (StatusCode::OK, false, "DELETE run 1".to_string()));
        assert_eq!(again, (StatusCode::OK, true, "DELETE run 1".to_string()));
        // Same key, other method: another key. Its 404 is kept and replayed too.
        let patch = text(
            send(reqwest::Method::PATCH, "/things/1", "k", "{}")
                .await
                .expect("sent"),
        )
        .await;
        let patch_again = text(
            send(reqwest::Method::PATCH, "/things/1", "k", "{}")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(
            patch,
            (StatusCode::NOT_FOUND, false, "PATCH run 2".to_string())
        );
        assert_eq!(
            patch_again,
            (StatusCode::NOT_FOUND, true, "PATCH run 2".to_string())
        );
        let other_body = send(reqwest::Method::PATCH, "/things/1", "k", "{\"a\":1}")
            .await
            .expect("sent");
        assert_eq!(other_body.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let other_query = send(reqwest::Method::DELETE, "/things/1?x=1", "k", "")
            .await
            .expect("sent");
        assert_eq!(other_query.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Same key, other path: another key.
        let other_path = text(
            send(reqwest::Method::DELETE, "/things/2", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(
            other_path,
            (StatusCode::OK, false, "DELETE run 3".to_string())
        );
        // A malformed key runs nothing.
        let bad = send(reqwest::Method::DELETE, "/things/3", "two words", "")
            .await
            .expect("sent");
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        // A safe method is not keyed.
        let get = text(
            send(reqwest::Method::GET, "/things/1", "k", "")
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(get, (StatusCode::NOT_FOUND, false, "GET run 4".to_string()));
        assert_eq!(runs.load(Ordering::SeqCst), 4);
        server.abort();
    }

    /// A handler's 503 `STORE_UNAVAILABLE` (refused before it ran) releases the key, as a
    /// 429 does: the retry with the same key runs, and its answer is the one kept.
    #[tokio::test]
    async fn a_request_refused_for_want_of_the_store_releases_its_key() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use axum::Router;
        use axum::middleware::from_fn_with_state;

        use crate::state::AppState;
        use axum::routing::post;

        let state = AppState::new(crate::config::Config::default()).expect("in-memory state");
        let runs = Arc::new(AtomicUsize::new(0));
        let handler = {
            let runs = runs.clone();
            move || {
                let runs = runs.clone();
                async move {
                    let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    if n == 1 {
                        let reason = Unavailable("Redis cannot be reached".into());
                        return ApiError::store_unavailable(reason).into_response();
                    }
                    (StatusCode::CREATED, format!("run {n}")).into_response()
                }
            }
        };
        let app = Router::new()
            .route("/things", post(handler))
            .layer(from_fn_with_state(state.clone(), idempotent))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        let send = || async {
            let response = http
                .post(format!("http://{addr}/things"))
                .header("idempotency-key", "k")
                .body("{}")
                .send()
                .await
                .expect("sent");
            let replayed = response.headers().get(REPLAYED).is_some();
            (response.status(), replayed)
        };
        assert_eq!(send().await, (StatusCode::SERVICE_UNAVAILABLE, false));
        assert_eq!(send().await, (StatusCode::CREATED, false), "the retry runs");
        assert_eq!(send().await, (StatusCode::CREATED, true), "and is kept");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        server.abort();
    }
}
