//! The `connectors-contract` binary: its output and exit status.

mod common;

use common::{every_operation_passed, runner};

#[test]
fn without_configuration_it_tests_the_reference_gateway_and_exits_0() {
    let output = runner().output().expect("the runner runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(&every_operation_passed()), "{stdout}");
}

#[test]
fn an_unreachable_gateway_exits_2_without_printing_the_key() {
    let key = "ck_test_do_not_print_0123456789abcdef";
    let output = runner()
        .args(["--url", &connectors_test_support::net::closed_url()])
        .env("CONNECTORS_API_KEY", key)
        .env("CONNECTORS_TENANT_ID", "tenant-a")
        .env("CONNECTORS_MAX_RETRIES", "0")
        .output()
        .expect("the runner runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("did not answer"), "{stderr}");
    assert!(!stderr.contains(key) && !stdout.contains(key));
}

#[test]
fn a_bad_command_line_exits_2() {
    let output = runner().arg("--only").output().expect("the runner runs");
    assert_eq!(output.status.code(), Some(2));
    let unknown = runner()
        .args(["--only", "getNothing"])
        .output()
        .expect("the runner runs");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("getNothing"));
}
