//! The whole suite against the reference gateway, started in-process: every operation
//! of the spec runs, writes included, and passes.

use connectors_contract::Outcome;
use connectors_contract::operations::OPERATIONS;
use connectors_contract::runner::{Options, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_against_the_reference_gateway() {
    // The test harness is not the runner: deploy the built runner binary instead.
    let runner = env!("CARGO_BIN_EXE_connectors-contract");
    let options = Options {
        deploy_command: Some(vec![runner.into(), "mcp-server".into(), "notes".into()]),
        ..Options::default()
    };
    let report = run(options).await.expect("the runner starts");
    let text = report.to_string();

    let ids: Vec<&str> = report
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    let spec: Vec<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(ids, spec, "every operation, in spec order\n{text}");
    assert!(report.writes_allowed, "{text}");
    for op in &report.operations {
        assert_eq!(op.outcome, Outcome::Passed, "{}\n{text}", op.operation_id);
        assert!(op.status.is_some() && op.elapsed.is_some(), "{text}");
    }
    assert!(report.cleanup_failures.is_empty(), "{text}");
    // Counted from the table: a new operation in the spec needs no edit here.
    let total = OPERATIONS.len();
    assert!(text.ends_with(&format!(
        "{total} operations: {total} passed, 0 failed, 0 not offered, 0 skipped (read-only)"
    )));
    assert_eq!(report.exit_code(), 0);
}
