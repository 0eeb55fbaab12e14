//! Liveness, readiness, detailed health, service description and metrics.

use crate::judge::Expect;
use crate::suite::Suite;

pub(crate) async fn run(suite: &mut Suite) {
    let client = suite.client.clone();
    let health = client.health();
    suite
        .run("getServiceInfo", Expect::Success, health.info())
        .await;
    suite
        .run("getHealth", Expect::Success, health.check())
        .await;
    suite
        .run("getDetailedHealth", Expect::Success, health.detailed())
        .await;
    // Not being ready is a declared answer (503 SERVICE_NOT_READY).
    suite
        .run("getReadiness", Expect::SuccessOr(503), health.ready())
        .await;
    suite
        .run("getMetrics", Expect::Success, health.metrics())
        .await;
}
