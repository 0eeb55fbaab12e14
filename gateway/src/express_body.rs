//! The profiles without JSON 400s: a model of `express.json()`, the original gateway's
//! body parser, which answers a body it refuses with an HTML 500 page.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest body `express.json()` reads (its `limit: '10mb'` in the original gateway).
const EXPRESS_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// The page Express sends for an error its error handler could not answer: what the
/// original gateway answers (500) to a body its JSON parser refuses, since that parser runs
/// before the middleware that adds its envelope helpers (recorded: `TypeError:
/// res.sendError is not a function`, then a stack trace, left out here).
fn express_error_page() -> Response {
    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>TypeError: res.sendError is not a function</pre>\n</body>\n</html>\n";
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE,
    )
        .into_response()
}

/// Whether `express.json()` parses this request: its type is `application/json`.
fn is_express_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware modelling `express.json()` (strict mode) for the profiles without JSON 400s:
/// a JSON request whose body is not an object or array of valid JSON, or cannot be read,
/// gets the HTML 500 page; an empty body becomes `{}`, as that parser makes it. Other
/// requests go on unchanged.
pub(crate) async fn express_json_body(request: Request, next: Next) -> Response {
    if !is_express_json(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, EXPRESS_BODY_LIMIT).await else {
        return express_error_page();
    };
    let bytes = if bytes.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        // Strict mode: after body-parser's whitespace, only an object or an array.
        let first = bytes
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if !matches!(first, Some(b'{' | b'['))
            || serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err()
        {
            return express_error_page();
        }
        bytes
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
