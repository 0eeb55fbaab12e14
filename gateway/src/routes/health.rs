//! `/`, `/health`, `/health/detailed`, `/ready`, metrics and the service health routes.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use connectors::api::{HealthState, ServerStatus, types};

use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::metrics::Scope;
use crate::registry::ServerKind;
use crate::state::AppState;

pub(crate) async fn root(State(state): State<AppState>) -> Json<types::ServiceInfoResponse> {
    // The original gateway says nothing of capabilities; this one says whether it
    // honours idempotency keys, so a client knows before its first ambiguous failure.
    let honours = state.config.profile.honours_idempotency_keys();
    ok(types::ServiceInfo {
        name: "MCP Gateway".into(),
        version: "1.0.0".into(),
        status: "operational".into(),
        capabilities: honours.then_some(types::ServiceInfoCapabilities {
            idempotency_keys: Some(true),
        }),
        endpoints: Some(types::ServiceInfoEndpoints {
            health: Some("/health".into()),
            ready: Some("/ready".into()),
            api: Some("/api/v1".into()),
            docs: Some("/api/v1/docs".into()),
        }),
    })
}

/// Resident set size of this process in bytes (Linux), if known.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

pub(crate) async fn health(State(state): State<AppState>) -> Json<types::HealthResponse> {
    ok(types::Health {
        status: "healthy".into(),
        uptime: Some(state.started.elapsed().as_secs_f64()),
        memory: Some(types::MemoryUsage {
            rss: rss_bytes(),
            heap_total: None,
            heap_used: None,
            external: None,
            array_buffers: None,
        }),
    })
}

fn health_of(status: &ServerStatus) -> HealthState {
    match status {
        ServerStatus::Running => HealthState::Healthy,
        ServerStatus::Starting | ServerStatus::Unhealthy => HealthState::Degraded,
        _ => HealthState::Unhealthy,
    }
}

/// Unauthenticated, so it states only facts shared by every tenant: the platform servers
/// and their tools, never the tenants' custom servers (how many there are would tell one
/// tenant about the others).
pub(crate) async fn detailed(State(state): State<AppState>) -> Json<types::DetailedHealthResponse> {
    let platform: Vec<_> = state
        .registry
        .all()
        .into_iter()
        .filter(|s| s.kind == ServerKind::Platform)
        .collect();
    let tool_count: usize = platform.iter().map(|s| s.snapshot().tools.len()).sum();
    let mut checks = vec![
        types::DependencyCheck {
            name: "registry".into(),
            kind: Some("registry".into()),
            status: HealthState::Healthy,
            latency_ms: None,
            last_check: Some(Utc::now()),
            message: Some(format!(
                "{tool_count} tools from {} platform servers",
                platform.len()
            )),
        },
        types::DependencyCheck {
            name: "index".into(),
            kind: Some("index".into()),
            status: HealthState::Healthy,
            latency_ms: None,
            last_check: Some(Utc::now()),
            message: Some(format!("{tool_count} platform tools indexed for selection")),
        },
    ];
    let mut overall = HealthState::Healthy;
    for server in &platform {
        let snapshot = server.snapshot();
        let status = health_of(&snapshot.status);
        if status != HealthState::Healthy {
            overall = HealthState::Degraded;
        }
        let message = match (&snapshot.status, &snapshot.last_error) {
            (ServerStatus::Running, _) => format!("running, {} tools", snapshot.tools.len()),
            (other, Some(error)) => format!("{other}: {error}"),
            (other, None) => other.to_string(),
        };
        checks.push(types::DependencyCheck {
            name: server.name.clone(),
            kind: Some("mcp_server".into()),
            status,
            latency_ms: snapshot.latency_ms,
            last_check: snapshot.last_check,
            message: Some(message),
        });
    }
    ok(types::DetailedHealth {
        status: overall,
        uptime: Some(state.started.elapsed().as_secs_f64()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
        checks,
    })
}

/// 503 `SERVICE_NOT_READY` with the `checks` that say why.
fn not_ready(checks: serde_json::Value) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_NOT_READY",
        "One or more services are not ready",
    )
    .with("checks", checks)
}

pub(crate) async fn ready(
    State(state): State<AppState>,
) -> ApiResult<Json<types::ReadinessResponse>> {
    if !state.ready.load(Ordering::SeqCst) {
        return Err(not_ready(
            serde_json::json!([{"service": "registry", "status": "starting"}]),
        ));
    }
    if state.config.profile.depends_on_selection_indices()
        && !state.config.connectors_ts.selection_indices
    {
        // The original's router reports itself unhealthy without its indices; its handler
        // writes each check's promise state, which is `ok` for a check that answered
        // `false`, so the body names no culprit.
        return Err(not_ready(serde_json::json!([
            {"service": "semanticRouter", "status": "ok"},
            {"service": "oauthProxy", "status": "ok"}
        ])));
    }
    // Keyed requests are refused while the shared store cannot be reached: not ready.
    if let Err(reason) = state.shared.check().await {
        return Err(not_ready(
            serde_json::json!([{"service": "store", "status": "failed", "error": reason.0}]),
        ));
    }
    let mut checks = std::collections::HashMap::new();
    checks.insert("semanticRouter".to_string(), "ok".to_string());
    checks.insert("oauthProxy".to_string(), "ok".to_string());
    if state.config.profile.reports_registry_readiness() {
        checks.insert("registry".to_string(), "ok".to_string());
    }
    Ok(ok(types::Readiness {
        status: "ready".into(),
        checks,
    }))
}

pub(crate) async fn metrics(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Json<types::MetricsResponse> {
    let scope = if state.config.profile.scopes_metrics_to_tenant() {
        Scope::Tenant(&tenant.0)
    } else {
        Scope::Process
    };
    ok(types::MetricsPayload {
        metrics: state.metrics.snapshot(scope),
    })
}

pub(crate) async fn mcp_health(State(state): State<AppState>) -> Json<types::McpHealthResponse> {
    let _ = &state;
    ok(types::McpServiceHealth {
        service: Some("mcp-deployer".into()),
        status: "healthy".into(),
        tracker: Some("connected".into()),
    })
}

pub(crate) async fn oauth_health() -> Json<types::OAuthServiceHealthResponse> {
    ok(types::OAuthServiceHealth {
        service: Some("tenant-oauth-config".into()),
        status: "healthy".into(),
        vault: Some("in-memory".into()),
    })
}

/// The contract itself, as JSON.
pub(crate) async fn docs() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        connectors::api::OPENAPI_JSON,
    )
        .into_response()
}
