//! Per-tenant fixed-window quotas per endpoint family, with `RateLimit-*` headers on
//! every response and a bare 429 body with `Retry-After` when a quota is spent.
//!
//! A window opens at its tenant and scope's first request and lasts `windowSeconds`. The
//! counters live in this process, or with `--store redis://` in Redis, where every replica
//! counts in the same window (`rate_limit/redis.rs` says what happens while Redis is
//! away: each replica counts alone).

#[cfg(feature = "redis")]
mod redis;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use connectors::api::types;
use connectors::operations::DEFAULT_RATE_LIMIT_SCOPE;

use crate::auth::Tenant;
use crate::config::RateLimitConfig;
use crate::operation;
use crate::store::Shared;

struct Window {
    started: Instant,
    started_at: DateTime<Utc>,
    count: u64,
}

/// Request counters per tenant and scope.
pub(crate) struct RateLimiter {
    config: RateLimitConfig,
    /// This process's windows: the counters of a gateway on the memory store, and with
    /// Redis the fallback while Redis cannot be reached.
    windows: Mutex<HashMap<(String, &'static str), Window>>,
    /// The windows every replica shares, with `--store redis://`.
    #[cfg(feature = "redis")]
    shared: Option<redis::SharedWindows>,
}

/// A request counted in its window.
struct Counted {
    /// Whether it fits in the quota (and was counted).
    allowed: bool,
    /// The window's count after it.
    count: u64,
    reset_in: Duration,
    reset_at: DateTime<Utc>,
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
    /// Counters for the quotas of `config`, in the store `shared`.
    pub fn new(config: RateLimitConfig, shared: &Shared) -> RateLimiter {
        #[cfg(not(feature = "redis"))]
        let _ = shared;
        RateLimiter {
            config,
            windows: Mutex::new(HashMap::new()),
            #[cfg(feature = "redis")]
            shared: match shared {
                Shared::Memory => None,
                Shared::Redis(redis) => Some(redis::SharedWindows::new(redis.clone())),
            },
        }
    }

    /// The scope a request counts in and its quota: the scope `openapi.yaml` gives the
    /// operation the request is routed to (`x-connectors-rate-limit`, through
    /// [`Operation::rate_limit_scope`]), whether or not the profile serves it; unknown routes
    /// count in the default scope.
    ///
    /// [`Operation::rate_limit_scope`]: connectors::operations::Operation::rate_limit_scope
    fn scope(&self, method: &Method, path: &str) -> (&'static str, u64) {
        let scope = operation::operation_of(method, path)
            .map_or(DEFAULT_RATE_LIMIT_SCOPE, |op| op.rate_limit_scope());
        (scope, self.quota(scope))
    }

    /// The configured quota of a scope. The scopes are the spec's; which setting of
    /// `rateLimits` holds each one's quota is the gateway's own configuration. A scope
    /// without a setting here falls back to `default` (a unit test refuses one).
    fn quota(&self, scope: &str) -> u64 {
        let c = &self.config;
        match scope {
            "endpoint:tools-select" => c.select,
            "endpoint:tools-invoke" => c.invoke,
            "endpoint:tools-list" => c.list,
            _ => c.default,
        }
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.config.window_seconds.max(1))
    }

    /// Counts a request of `tenant` to `method` `path` in its window, if its quota allows.
    async fn take(&self, tenant: &str, method: &Method, path: &str) -> Decision {
        let (scope, limit) = self.scope(method, path);
        let window = self.window();
        #[cfg(feature = "redis")]
        let shared = match &self.shared {
            Some(shared) => shared.take(tenant, scope, limit, window).await,
            None => None,
        };
        #[cfg(not(feature = "redis"))]
        let shared = None;
        let counted = match shared {
            Some(counted) => counted,
            None => self.take_here(tenant, scope, limit, window),
        };
        Decision {
            allowed: counted.allowed,
            scope,
            limit,
            remaining: limit.saturating_sub(counted.count),
            reset_in: counted.reset_in,
            reset_at: counted.reset_at,
        }
    }

    /// Counts a request in this process's window of `tenant` and `scope`.
    fn take_here(
        &self,
        tenant: &str,
        scope: &'static str,
        limit: u64,
        window: Duration,
    ) -> Counted {
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
        Counted {
            allowed,
            count: entry.count,
            reset_in: window.saturating_sub(now.duration_since(entry.started)),
            reset_at: entry.started_at
                + chrono::Duration::from_std(window)
                    .unwrap_or_else(|_| chrono::Duration::seconds(60)),
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
    // Names made once at compile time: inserting by `&str` parsed each name on every
    // response.
    const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
    const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
    const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
    const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
    if let Ok(value) = HeaderValue::from_str(&format!("{};w={}", decision.limit, window_secs)) {
        headers.insert(POLICY, value);
    }
    headers.insert(LIMIT, HeaderValue::from(decision.limit));
    headers.insert(REMAINING, HeaderValue::from(decision.remaining));
    headers.insert(RESET, HeaderValue::from(ceil_secs(decision.reset_in)));
}

/// Middleware (after authentication): counts the request against its tenant's quota.
pub(crate) async fn limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let tenant = request
        .extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map(|uri| uri.path().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    let decision = limiter.take(&tenant, request.method(), &path).await;
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

#[cfg(test)]
mod tests {
    use connectors::operations::{OPERATIONS, RATE_LIMIT_SCOPES};

    use super::*;

    /// A configuration whose every quota differs, so a scope's setting shows.
    fn limiter() -> RateLimiter {
        RateLimiter::new(
            RateLimitConfig {
                window_seconds: 60,
                select: 1,
                invoke: 2,
                list: 3,
                default: 4,
            },
            &Shared::Memory,
        )
    }

    #[test]
    fn every_scope_of_the_spec_has_a_quota_of_its_own() {
        let limiter = limiter();
        for (id, scope) in RATE_LIMIT_SCOPES {
            assert_ne!(
                limiter.quota(scope),
                limiter.config.default,
                "`{id}`'s scope {scope} has no setting in rateLimits"
            );
        }
        assert_eq!(limiter.quota(DEFAULT_RATE_LIMIT_SCOPE), 4);
    }

    #[test]
    fn a_request_counts_in_its_operations_scope() {
        let limiter = limiter();
        for op in OPERATIONS {
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            let path = op.path.replace('{', "x").replace('}', "");
            assert_eq!(
                limiter.scope(&method, &path).0,
                op.rate_limit_scope(),
                "{path}"
            );
        }
        let scope = |method: Method, path: &str| limiter.scope(&method, path);
        assert_eq!(
            scope(Method::POST, "/api/v1/tools/select"),
            ("endpoint:tools-select", 1)
        );
        assert_eq!(
            scope(Method::POST, "/api/v1/tools/invoke"),
            ("endpoint:tools-invoke", 2)
        );
        assert_eq!(
            scope(Method::POST, "/api/v1/tools/invoke/stream"),
            ("endpoint:tools-invoke", 2)
        );
        assert_eq!(
            scope(Method::GET, "/api/v1/tools/list"),
            ("endpoint:tools-list", 3)
        );
        // Another method on a path, or no route at all: the default scope.
        assert_eq!(
            scope(Method::GET, "/api/v1/tools/invoke"),
            ("endpoint:default", 4)
        );
        assert_eq!(scope(Method::GET, "/api/v1/nope"), ("endpoint:default", 4));
    }
}
