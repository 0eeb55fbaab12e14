//! Per-tenant fixed-window quotas per endpoint family, with `RateLimit-*` headers on
//! every response and a bare 429 body with `Retry-After` when a quota is spent.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use connectors::api::types;

use crate::auth::Tenant;
use crate::config::RateLimitConfig;
use crate::state::AppState;

struct Window {
    started: Instant,
    started_at: DateTime<Utc>,
    count: u64,
}

/// Request counters per tenant and scope.
pub(crate) struct RateLimiter {
    config: RateLimitConfig,
    windows: Mutex<HashMap<(String, &'static str), Window>>,
}

struct Decision {
    allowed: bool,
    scope: &'static str,
    limit: u64,
    remaining: u64,
    reset_in: Duration,
    reset_at: DateTime<Utc>,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> RateLimiter {
        RateLimiter {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn scope(&self, method: &Method, path: &str) -> (&'static str, u64) {
        let c = &self.config;
        match (method, path) {
            (&Method::POST, "/api/v1/tools/select") => ("endpoint:tools-select", c.select),
            (&Method::POST, p) if p.starts_with("/api/v1/tools/invoke") => {
                ("endpoint:tools-invoke", c.invoke)
            }
            (&Method::GET, "/api/v1/tools/list") => ("endpoint:tools-list", c.list),
            _ => ("endpoint:default", c.default),
        }
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.config.window_seconds.max(1))
    }

    fn take(&self, tenant: &str, method: &Method, path: &str) -> Decision {
        let (scope, limit) = self.scope(method, path);
        let window = self.window();
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, w| now.duration_since(w.started) < window);
        }
        let entry = windows
            .entry((tenant.to_string(), scope))
            .or_insert_with(|| Window {
                started: now,
                started_at: Utc::now(),
                count: 0,
            });
        if now.duration_since(entry.started) >= window {
            entry.started = now;
            entry.started_at = Utc::now();
            entry.count = 0;
        }
        let allowed = entry.count < limit;
        if allowed {
            entry.count += 1;
        }
        let reset_in = window.saturating_sub(now.duration_since(entry.started));
        let reset_at = entry.started_at
            + chrono::Duration::from_std(window).unwrap_or_else(|_| chrono::Duration::seconds(60));
        Decision {
            allowed,
            scope,
            limit,
            remaining: limit.saturating_sub(entry.count),
            reset_in,
            reset_at,
        }
    }

    fn window_text(&self) -> String {
        match self.config.window_seconds {
            60 => "1 minute".to_string(),
            s if s % 60 == 0 => format!("{} minutes", s / 60),
            1 => "1 second".to_string(),
            s => format!("{s} seconds"),
        }
    }
}

fn ceil_secs(d: Duration) -> u64 {
    let secs = d.as_secs();
    if d.subsec_nanos() > 0 { secs + 1 } else { secs }
}

fn set_headers(headers: &mut HeaderMap, decision: &Decision, window_secs: u64) {
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    put(
        "ratelimit-policy",
        format!("{};w={}", decision.limit, window_secs),
    );
    put("ratelimit-limit", decision.limit.to_string());
    put("ratelimit-remaining", decision.remaining.to_string());
    put("ratelimit-reset", ceil_secs(decision.reset_in).to_string());
}

/// Middleware (after authentication): counts the request against its tenant's quota.
pub(crate) async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let tenant = request
        .extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let limiter = &state.rate_limiter;
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map(|uri| uri.path().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    let decision = limiter.take(&tenant, request.method(), &path);
    let window_secs = limiter.config.window_seconds;
    if !decision.allowed {
        let retry_after = ceil_secs(decision.reset_in).max(1);
        tracing::info!(tenant = %tenant, scope = decision.scope, "rate limit exceeded");
        let body = types::PlainError {
            success: None,
            error: "Rate Limit Exceeded".to_string(),
            message: Some("Too many requests. Please try again later.".to_string()),
            errors: Vec::new(),
            retry_after: Some(retry_after),
            limits: Some(types::RateLimitInfo {
                scope: Some(decision.scope.to_string()),
                limit: Some(decision.limit),
                window: Some(limiter.window_text()),
                remaining: Some(0),
                reset_at: Some(decision.reset_at),
            }),
        };
        let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
        set_headers(response.headers_mut(), &decision, window_secs);
        if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        return response;
    }
    let mut response = next.run(request).await;
    set_headers(response.headers_mut(), &decision, window_secs);
    response
}
