//! The `math` server: expression evaluation, descriptive statistics and a long-running
//! prime count that reports MCP progress.

pub mod expr;

use std::ops::ControlFlow;

use rmcp::{
    Json, RoleServer, ServerHandler,
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    model::ProgressNotificationParam,
    service::RequestContext,
    tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use expr::{EvalError, evaluate};

/// Largest `n` accepted by the `count_primes` tool.
pub const MAX_PRIME_LIMIT: u64 = 50_000_000;

/// How many progress updates `count_primes` aims to send for a large `n`.
pub const PROGRESS_STEPS: u64 = 20;

/// Largest list accepted by the `statistics` tool.
pub const MAX_STATISTICS_LEN: usize = 1_000_000;

/// Input of the `evaluate` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EvaluateInput {
    /// Arithmetic expression, e.g. `2*(3+4)^2` or `sqrt(2)/2 + ln(10)`.
    /// Operators: + - * / % ^ and parentheses; unary minus; decimal and scientific
    /// numbers; constants pi and e; functions sqrt, abs, ln, log10, log2, exp, round,
    /// floor, ceil, sin, cos, tan.
    pub expression: String,
}

/// Output of the `evaluate` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EvaluateOutput {
    /// The expression as given.
    pub expression: String,
    /// Its numeric value.
    pub result: f64,
}

/// Input of the `statistics` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StatisticsInput {
    /// The data set: a non-empty list of numbers.
    pub numbers: Vec<f64>,
}

/// Output of the `statistics` tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatisticsOutput {
    /// Number of values.
    pub count: usize,
    /// Sum of the values.
    pub sum: f64,
    /// Arithmetic mean (average).
    pub mean: f64,
    /// Median (mean of the two middle values for an even count).
    pub median: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Population variance.
    pub variance: f64,
    /// Population standard deviation.
    pub std_dev: f64,
    /// Sample standard deviation (n - 1 denominator); null for a single value.
    pub sample_std_dev: Option<f64>,
}

/// Input of the `count_primes` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CountPrimesInput {
    /// Upper bound (inclusive): count the primes p with 2 <= p <= n. At most 50,000,000.
    pub n: u64,
}

/// Output of the `count_primes` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CountPrimesOutput {
    /// The upper bound that was searched.
    pub n: u64,
    /// How many primes are <= n.
    pub prime_count: u64,
    /// The largest prime <= n, if any.
    pub largest_prime: Option<u64>,
    /// How many `notifications/progress` messages were sent for this call
    /// (0 when the request carried no progress token).
    pub progress_notifications_sent: u64,
}

/// Computes descriptive statistics; `None` for an empty slice or non-finite values.
pub fn statistics(numbers: &[f64]) -> Option<StatisticsOutput> {
    if numbers.is_empty() || numbers.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let count = numbers.len();
    let n = count as f64;
    let sum: f64 = numbers.iter().sum();
    let mean = sum / n;
    let mut sorted = numbers.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = count / 2;
    let median = if count.is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    };
    let squares: f64 = numbers.iter().map(|x| (x - mean).powi(2)).sum();
    let variance = squares / n;
    let out = StatisticsOutput {
        count,
        sum,
        mean,
        median,
        min: sorted[0],
        max: sorted[count - 1],
        variance,
        std_dev: variance.sqrt(),
        sample_std_dev: (count > 1).then(|| (squares / (n - 1.0)).sqrt()),
    };
    let all_finite = [out.sum, out.mean, out.variance]
        .iter()
        .all(|x| x.is_finite());
    all_finite.then_some(out)
}

/// Result of [`count_primes_with_progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrimeCount {
    /// How many primes are <= n.
    pub count: u64,
    /// The largest prime <= n, if any.
    pub largest: Option<u64>,
}

/// Counts the primes `<= n` with a segmented sieve of Eratosthenes.
///
/// `on_progress(checked_up_to, primes_so_far)` is called roughly `steps` times (always at least
/// once, at the end, with `checked_up_to == n`); returning [`ControlFlow::Break`] stops the
/// computation and makes the function return `None`.
pub fn count_primes_with_progress(
    n: u64,
    steps: u64,
    mut on_progress: impl FnMut(u64, u64) -> ControlFlow<()>,
) -> Option<PrimeCount> {
    let mut count = 0u64;
    let mut largest = None;
    if n < 2 {
        return match on_progress(n, 0) {
            ControlFlow::Continue(()) => Some(PrimeCount { count, largest }),
            ControlFlow::Break(()) => None,
        };
    }
    let base = small_primes(n.isqrt());
    let step = (n / steps.max(1)).max(1);
    // Small enough segments that large inputs report about `steps` times.
    let segment = step.clamp(1 << 12, 1 << 18);
    let mut next_report = step;
    let mut composite = vec![false; segment as usize];
    let mut low = 2u64;
    while low <= n {
        let high = n.min(low.saturating_add(segment - 1)); // inclusive
        let len = (high - low + 1) as usize;
        composite[..len].fill(false);
        for &p in &base {
            if p.saturating_mul(p) > high {
                break;
            }
            let mut multiple = (p * p).max(low.div_ceil(p) * p);
            while multiple <= high {
                composite[(multiple - low) as usize] = true;
                multiple += p;
            }
        }
        for (offset, &is_composite) in composite[..len].iter().enumerate() {
            if !is_composite {
                count += 1;
                largest = Some(low + offset as u64);
            }
        }
        if high >= next_report || high == n {
            if on_progress(high, count).is_break() {
                return None;
            }
            while next_report <= high {
                next_report = next_report.saturating_add(step);
            }
        }
        low = high + 1;
    }
    Some(PrimeCount { count, largest })
}

/// All primes `<= limit` (simple sieve; used for the base primes of the segmented sieve).
fn small_primes(limit: u64) -> Vec<u64> {
    let limit = limit as usize;
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for i in 2..=limit {
        if !composite[i] {
            primes.push(i as u64);
            let mut j = i * i;
            while j <= limit {
                composite[j] = true;
                j += i;
            }
        }
    }
    primes
}

/// The `math` MCP server. Stateless; cheap to clone.
#[derive(Debug, Clone)]
pub struct MathServer {
    tool_router: ToolRouter<Self>,
}

impl Default for MathServer {
    fn default() -> Self {
        Self::new()
    }
}

#[tool_router]
impl MathServer {
    /// Creates the server.
    pub fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        name = "evaluate",
        description = "Calculator: evaluate an arithmetic expression and return its numeric value. \
            Supports + - * / % ^ (power), parentheses, unary minus, decimal numbers, constants pi and e, \
            and functions sqrt, abs, ln, log10, log2, exp, round, floor, ceil, sin, cos, tan. \
            Example: '2*(3+4)^2' = 98. Division by zero and syntax errors are reported as tool errors.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn evaluate(
        &self,
        Parameters(input): Parameters<EvaluateInput>,
    ) -> Result<Json<EvaluateOutput>, String> {
        match expr::evaluate(&input.expression) {
            Ok(result) => Ok(Json(EvaluateOutput {
                expression: input.expression,
                result,
            })),
            Err(e) => Err(format!("cannot evaluate '{}': {e}", input.expression)),
        }
    }

    #[tool(
        name = "statistics",
        description = "Descriptive statistics of a list of numbers: count, sum, mean (average), \
            median, min, max, variance and standard deviation (population and sample).",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn statistics(
        &self,
        Parameters(input): Parameters<StatisticsInput>,
    ) -> Result<Json<StatisticsOutput>, String> {
        if input.numbers.len() > MAX_STATISTICS_LEN {
            return Err(format!(
                "too many numbers ({}); the limit is {MAX_STATISTICS_LEN}",
                input.numbers.len()
            ));
        }
        statistics(&input.numbers)
            .map(Json)
            .ok_or_else(|| match input.numbers.is_empty() {
                true => "the list of numbers is empty".to_string(),
                false => "the numbers are too large: the result overflows".to_string(),
            })
    }

    #[tool(
        name = "count_primes",
        description = "Count the prime numbers less than or equal to n (n <= 50,000,000) with a sieve, \
            and report the largest such prime. Long-running for large n: sends MCP progress \
            notifications when the request carries a progress token, and stops if the request is cancelled.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn count_primes(
        &self,
        Parameters(input): Parameters<CountPrimesInput>,
        context: RequestContext<RoleServer>,
    ) -> Result<Json<CountPrimesOutput>, String> {
        let n = input.n;
        if n > MAX_PRIME_LIMIT {
            return Err(format!(
                "n = {n} is too large; the limit is {MAX_PRIME_LIMIT}"
            ));
        }
        let token = context.meta.get_progress_token();
        let cancelled = context.ct.clone();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(u64, u64)>(PROGRESS_STEPS as usize + 4);
        // The sieve is CPU-bound: run it off the async workers and stream progress back.
        let work = tokio::task::spawn_blocking(move || {
            count_primes_with_progress(n, PROGRESS_STEPS, |done, found| {
                if cancelled.is_cancelled() || tx.blocking_send((done, found)).is_err() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        });
        let mut sent = 0u64;
        while let Some((done, found)) = rx.recv().await {
            let Some(token) = &token else { continue };
            let param = ProgressNotificationParam::new(token.clone(), done as f64)
                .with_total(n as f64)
                .with_message(format!("checked 2..={done}: {found} primes so far"));
            match context.peer.notify_progress(param).await {
                Ok(()) => sent += 1,
                Err(e) => tracing::debug!(error = %e, "could not send progress notification"),
            }
        }
        match work.await {
            Ok(Some(PrimeCount { count, largest })) => Ok(Json(CountPrimesOutput {
                n,
                prime_count: count,
                largest_prime: largest,
                progress_notifications_sent: sent,
            })),
            Ok(None) => Err("cancelled".to_string()),
            Err(e) => Err(format!("prime sieve failed: {e}")),
        }
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "connectors-math",
    instructions = "Math tools: evaluate arithmetic expressions, compute statistics of a list of numbers, count primes up to n (with progress notifications)."
)]
impl ServerHandler for MathServer {}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n: u64) -> (u64, Option<u64>, u32) {
        let mut reports = 0;
        let r = count_primes_with_progress(n, PROGRESS_STEPS, |_, _| {
            reports += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        (r.count, r.largest, reports)
    }

    #[test]
    fn prime_counts() {
        assert_eq!(count(0).0, 0);
        assert_eq!(count(1), (0, None, 1));
        assert_eq!(count(2), (1, Some(2), 1));
        assert_eq!(count(100), (25, Some(97), 1));
        assert_eq!(count(1_000_000).0, 78_498);
        let (c, largest, reports) = count(10_000_000);
        assert_eq!(c, 664_579);
        assert_eq!(largest, Some(9_999_991));
        assert!(reports >= 10, "{reports}");
        // a segment boundary must not double count or skip
        assert_eq!(count((1 << 18) + 1).0, count(1 << 18).0);
        assert_eq!(count(1_000_000).2, 20);
    }

    #[test]
    fn prime_count_can_stop() {
        let r = count_primes_with_progress(10_000_000, 20, |_, _| ControlFlow::Break(()));
        assert_eq!(r, None);
    }

    #[test]
    fn stats() {
        let s = statistics(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.count, 8);
        assert_eq!(s.mean, 5.0);
        assert_eq!(s.median, 4.5);
        assert_eq!(s.std_dev, 2.0);
        assert_eq!((s.min, s.max), (2.0, 9.0));
        assert!(statistics(&[]).is_none());
        assert_eq!(statistics(&[3.0]).unwrap().sample_std_dev, None);
        assert!(statistics(&[f64::MAX, f64::MAX]).is_none());
    }
}
