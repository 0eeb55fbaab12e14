//! Tenant isolation (`--second-key`): the second tenant's key, tried against the first
//! tenant's resources on every route that takes an id, a name or a tenant, must get the
//! tenancy refusal (403, or the not-found answer of a missing resource). The key is first
//! tried on a request of its own, which must succeed: a refusal of a key that does not
//! work (401, a circuit breaker that refuses it for a while) proves nothing. The resources
//! are the first tenant's own: found by listing, or with writes created by the run (its
//! deployed server, checked before the run removes it, and an identity removed at the
//! end).

use connectors::api::IdentityType;
use serde_json::json;

use crate::judge::Expect;
use crate::suite::{Created, Suite};

/// The second tenant's own request: an operation of every gateway (the original has it)
/// that names no tenant, so it succeeds for any tenant whose key works.
const SECOND_KEY_OPERATION: &str = "listCategories";

/// Tries the second tenant's key on a request of its own; until it succeeds, no isolation
/// check runs.
pub(crate) async fn prove_second_key(suite: &mut Suite) {
    let Some(second) = suite.second_tenant.clone() else {
        return;
    };
    suite
        .prove_second_key(SECOND_KEY_OPERATION, second.tools().categories())
        .await;
}

/// The first tenant's custom servers, asked for with the second tenant's key and the
/// first tenant's `tenantId` (the second client's tenant id is the first tenant's);
/// `server` is the first tenant's server, when it has one.
async fn custom_servers(suite: &mut Suite, server: Option<&str>) {
    let Some(second) = suite.second() else {
        return;
    };
    suite
        .isolation(
            "listCustomServers",
            "lists the first tenant's custom servers (tenantId of the first tenant)",
            server,
            second.mcp().custom(),
        )
        .await;
}

/// The first tenant's deployment `id`, read with the second tenant's key.
async fn deployment(suite: &mut Suite, id: &str) {
    let Some(second) = suite.second() else {
        return;
    };
    let theirs = second.deployments().deployment(id);
    suite
        .isolation(
            "getDeployment",
            "reads the first tenant's deployment",
            Some(id),
            theirs.status(),
        )
        .await;
    suite
        .isolation(
            "getDeploymentLogs",
            "reads the first tenant's deployment logs",
            Some(id),
            theirs.logs(),
        )
        .await;
}

/// The cross-tenant checks of the server the run deployed as the first tenant (`name`,
/// deployment `deployment_id`), before the run removes it: listing it, reading its
/// deployment and, when it `exists` (its deployment got ready), removing it. Returns
/// whether the gateway carried out that removal (the server may be gone).
pub(crate) async fn own_server(
    suite: &mut Suite,
    name: &str,
    deployment_id: &str,
    exists: bool,
) -> bool {
    let Some(second) = suite.second() else {
        return false;
    };
    custom_servers(suite, Some(name)).await;
    deployment(suite, deployment_id).await;
    // Removing a server that is not there proves nothing.
    if !exists || !suite.writes() {
        return false;
    }
    suite
        .isolation(
            "removeCustomServer",
            "removes the first tenant's custom server",
            Some(name),
            second.mcp().remove(name),
        )
        .await
}

/// The remaining isolation checks: identities, deployments and custom servers unless
/// checked on the run's own server, the tenant's integrations and OAuth configuration,
/// and an invocation as the first tenant.
pub(crate) async fn run(suite: &mut Suite) {
    let Some(second) = suite.second() else {
        return;
    };
    let first = suite.client.clone();
    let Some(tenant) = first.config().tenant_id().map(str::to_string) else {
        return;
    };

    // An identity of the first tenant: the run's own when it may write.
    let mut identity = None;
    if suite.writes() {
        let name = format!("{}-tenancy", suite.resource_name());
        identity = suite
            .discover(
                "createIdentity",
                Expect::Success,
                first.identities().create(IdentityType::Agent, &name),
            )
            .await
            .map(|i| i.id);
        if let Some(id) = &identity {
            suite.created(Created::Identity(id.clone()));
        }
    }
    if identity.is_none() {
        identity = suite
            .discover(
                "listIdentities",
                Expect::SuccessOrRefused,
                first.identities().list().page_size(1).send(),
            )
            .await
            .and_then(|page| page.items.into_iter().next().map(|i| i.id));
    }
    if let Some(id) = &identity {
        let theirs = second.identities();
        suite
            .isolation(
                "getIdentity",
                "reads the first tenant's identity",
                Some(id),
                theirs.get(id),
            )
            .await;
        if suite.writes() {
            let changes = connectors::api::types::UpdateIdentityRequest {
                description: Some("changed by another tenant".into()),
                ..Default::default()
            };
            suite
                .isolation(
                    "updateIdentity",
                    "changes the first tenant's identity",
                    Some(id),
                    theirs.update(id, changes),
                )
                .await;
            suite
                .isolation(
                    "deleteIdentity",
                    "deletes the first tenant's identity",
                    Some(id),
                    theirs.delete(id),
                )
                .await;
        }
    }

    if !suite.isolation_checked("listCustomServers") {
        custom_servers(suite, None).await;
    }
    if !suite.isolation_checked("getDeployment") {
        let found = suite
            .discover(
                "listDeployments",
                Expect::SuccessOrRefused,
                first.deployments().list().page_size(1).send(),
            )
            .await
            .and_then(|page| page.items.into_iter().next().map(|d| d.deployment_id));
        if let Some(id) = found {
            deployment(suite, &id).await;
        }
    }

    let tenants = second.tenants().tenant(tenant.as_str());
    suite
        .isolation(
            "listTenantIntegrations",
            "lists the first tenant's integrations",
            None,
            tenants.integrations(),
        )
        .await;
    let integration = suite.resource_name();
    suite
        .isolation(
            "getOauthConfig",
            "reads the first tenant's OAuth configuration",
            None,
            tenants.oauth_config(integration.as_str()).get(),
        )
        .await;
    if suite.writes() {
        suite
            .isolation(
                "deleteOauthConfig",
                "deletes the first tenant's OAuth configuration",
                None,
                tenants.oauth_config(integration.as_str()).delete(),
            )
            .await;
        // The second key, naming the first tenant in the body (the second client's
        // tenant id is the first tenant's).
        let call = second.tools().invoke("notes.list_notes", json!({})).send();
        suite
            .isolation(
                "invokeTool",
                "invokes a tool as the first tenant",
                None,
                call,
            )
            .await;
    }
}
