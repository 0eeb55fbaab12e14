//! Request, latency and token-usage counters behind `GET /api/v1/metrics`: the process's,
//! and each tenant's, so a profile can show a tenant only its own traffic.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use connectors::api::types;

use crate::auth::Tenant;

const LATENCY_SAMPLES: usize = 1000;

#[derive(Default)]
struct Counters {
    total: u64,
    success: u64,
    failed: u64,
    latencies: VecDeque<f64>,
    selections: u64,
    tokens_selected: u64,
    tokens_available: u64,
}

impl Counters {
    fn record(&mut self, ok: bool, latency_ms: f64) {
        self.total += 1;
        if ok {
            self.success += 1;
        } else {
            self.failed += 1;
        }
        if self.latencies.len() >= LATENCY_SAMPLES {
            self.latencies.pop_front();
        }
        self.latencies.push_back(latency_ms);
    }

    fn record_selection(&mut self, selected: u64, available: u64) {
        self.selections += 1;
        self.tokens_selected += selected;
        self.tokens_available += available;
    }
}

#[derive(Default)]
struct AllCounters {
    /// Every request of the process, authenticated or not.
    process: Counters,
    /// Each tenant's authenticated requests. Tenants come from the configured API keys,
    /// so the map is bounded by the configuration.
    tenants: HashMap<String, Counters>,
}

/// Counters of this gateway process, overall and per tenant.
#[derive(Default)]
pub(crate) struct Metrics {
    counters: Mutex<AllCounters>,
}

/// Whose counters a snapshot shows.
pub(crate) enum Scope<'a> {
    /// Every request of the process (the original gateway's counters).
    Process,
    /// One tenant's requests only, so no tenant learns another's traffic.
    Tenant(&'a str),
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, AllCounters> {
        // Plain counters: a panic elsewhere cannot leave them inconsistent.
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, tenant: Option<&str>, ok: bool, latency_ms: f64) {
        let mut c = self.lock();
        c.process.record(ok, latency_ms);
        if let Some(tenant) = tenant {
            // Looked up first: a tenant's name is copied once, not on every request.
            match c.tenants.get_mut(tenant) {
                Some(counters) => counters.record(ok, latency_ms),
                None => c
                    .tenants
                    .entry(tenant.to_string())
                    .or_default()
                    .record(ok, latency_ms),
            }
        }
    }

    /// Records one selection by `tenant`: tokens of the chosen tools, tokens of all candidates.
    pub fn record_selection(&self, tenant: &str, selected: u64, available: u64) {
        let mut c = self.lock();
        c.process.record_selection(selected, available);
        c.tenants
            .entry(tenant.to_string())
            .or_default()
            .record_selection(selected, available);
    }

    /// The wire view of `scope`'s counters (zeros for a tenant without requests yet).
    pub fn snapshot(&self, scope: Scope<'_>) -> types::Metrics {
        let all = self.lock();
        let none = Counters::default();
        let c = match scope {
            Scope::Process => &all.process,
            Scope::Tenant(tenant) => all.tenants.get(tenant).unwrap_or(&none),
        };
        let mut sorted: Vec<f64> = c.latencies.iter().copied().collect();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let percentile = |p: f64| {
            if sorted.is_empty() {
                return 0.0;
            }
            let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
            let value = sorted.get(index).copied().unwrap_or(0.0);
            (value * 100.0).round() / 100.0
        };
        let average = if c.selections == 0 {
            0.0
        } else {
            c.tokens_selected as f64 / c.selections as f64
        };
        let reduction = if c.tokens_available == 0 {
            0.0
        } else {
            1.0 - c.tokens_selected as f64 / c.tokens_available as f64
        };
        types::Metrics {
            requests: Some(types::RequestCounters {
                total: Some(c.total),
                success: Some(c.success),
                failed: Some(c.failed),
            }),
            latency: Some(types::LatencyPercentiles {
                p50: Some(percentile(0.5)),
                p95: Some(percentile(0.95)),
                p99: Some(percentile(0.99)),
            }),
            token_usage: Some(types::TokenUsageCounters {
                total: Some(c.tokens_selected as f64),
                average: Some((average * 100.0).round() / 100.0),
                reduction: Some((reduction * 10_000.0).round() / 10_000.0),
            }),
        }
    }
}

/// Middleware: counts every request and its latency, for the process and for the tenant
/// the authentication layer names in the response's extensions.
pub(crate) async fn count(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let ok = response.status().as_u16() < 400;
    let tenant = response.extensions().get::<Tenant>().map(|t| t.0.as_str());
    metrics.record(tenant, ok, started.elapsed().as_secs_f64() * 1000.0);
    response
}
