//! What the runner does with each area of the API. Each area runs its reads, and its
//! writes when they are allowed, discovering real ids first; an id it cannot find is
//! replaced by one that cannot exist, and the declared 404 is expected.

pub(crate) mod health;
pub(crate) mod identities;
pub(crate) mod invoke;
pub(crate) mod mcp;
pub(crate) mod refusals;
pub(crate) mod tenancy;
pub(crate) mod tenants;
pub(crate) mod tools;

use crate::suite::Suite;

/// Runs every area, the refusals and the tenant isolation checks, then removes what
/// the run created. The second tenant's key is tried before the MCP area, which runs the
/// isolation checks of the server it deploys before removing it.
pub(crate) async fn run_all(suite: &mut Suite) {
    health::run(suite).await;
    tools::run(suite).await;
    tenancy::prove_second_key(suite).await;
    mcp::run(suite).await;
    tenants::run(suite).await;
    identities::run(suite).await;
    refusals::run(suite).await;
    tenancy::run(suite).await;
    suite.clean_up().await;
}
