//! The exactly-once run at scale: 10,000 tool invocations with a visible side effect
//! through the fault-injecting proxy of `connectors_test_support::fault_proxy` (20 % of
//! exchanges meet a fault), against the reference gateway in both profiles. Prints what
//! the notes at the gateway show afterwards: lost results, calls that ran twice, endings
//! by kind, the faults injected, and the wall time.
//!
//! ```text
//! cargo bench --bench faults                # 10,000 calls per profile
//! cargo bench --bench faults -- 2000        # another count
//! ```
//!
//! A panic anywhere ends the program with a non-zero status, so "no panics" is the exit
//! status.

use std::time::Instant;

use connectors_gateway::Profile;
use connectors_test_support::fault_proxy::scenario::{Run, never_twice_never_lost, summary};

#[tokio::main]
async fn main() {
    let calls = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(10_000);
    for (profile, seed) in [(Profile::Full, 1), (Profile::ConnectorsTs, 2)] {
        let started = Instant::now();
        let run = Run {
            profile,
            seed,
            calls,
            in_flight: 16,
            fault_rate: 0.2,
        };
        let (endings, proxy) = run.invoke_through_faults().await;
        let problems = never_twice_never_lost(&endings);
        let twice = problems.iter().filter(|p| p.contains("times")).count();
        println!(
            "profile {:<13} calls {calls}: ran twice {twice}, lost {}, {} in {:.1} s",
            profile.name(),
            problems.len() - twice,
            summary(&endings, &proxy),
            started.elapsed().as_secs_f64()
        );
        for problem in problems.iter().take(5) {
            println!("  {problem}");
        }
    }
}
