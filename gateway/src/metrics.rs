//! Request, latency and token-usage counters behind `GET /api/v1/metrics`.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use connectors::api::types;

use crate::state::AppState;

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

/// Counters of this gateway process.
#[derive(Default)]
pub(crate) struct Metrics {
    counters: Mutex<Counters>,
}

impl Metrics {
    fn record(&self, ok: bool, latency_ms: f64) {
        let mut c = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        c.total += 1;
        if ok {
            c.success += 1;
        } else {
            c.failed += 1;
        }
        if c.latencies.len() >= LATENCY_SAMPLES {
            c.latencies.pop_front();
        }
        c.latencies.push_back(latency_ms);
    }

    /// Records one selection: tokens of the chosen tools, tokens of all candidates.
    pub fn record_selection(&self, selected: u64, available: u64) {
        let mut c = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        c.selections += 1;
        c.tokens_selected += selected;
        c.tokens_available += available;
    }

    /// The wire view.
    pub fn snapshot(&self) -> types::Metrics {
        let c = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
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

/// Middleware: counts every request and its latency.
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let ok = response.status().as_u16() < 400;
    state
        .metrics
        .record(ok, started.elapsed().as_secs_f64() * 1000.0);
    response
}
