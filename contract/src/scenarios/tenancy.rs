//! Tenant isolation (`--second-key`): the second tenant's key, tried against the first
//! tenant's resources on every route that takes an id or a tenant, must be answered as
//! for a missing resource or refused. The resources are the first tenant's own: found
//! by listing, or with writes created by the run (and removed at the end).

use connectors::api::IdentityType;
use serde_json::json;

use crate::judge::Expect;
use crate::suite::{Created, Suite};

pub(crate) async fn run(suite: &mut Suite) {
    let Some(second) = suite.second.clone() else {
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
                    theirs.update(id, changes),
                )
                .await;
            suite
                .isolation(
                    "deleteIdentity",
                    "deletes the first tenant's identity",
                    theirs.delete(id),
                )
                .await;
        }
    }

    let deployment = suite
        .discover(
            "listDeployments",
            Expect::SuccessOrRefused,
            first.deployments().list().page_size(1).send(),
        )
        .await
        .and_then(|page| page.items.into_iter().next().map(|d| d.deployment_id));
    if let Some(id) = deployment {
        let theirs = second.deployments().deployment(id);
        suite
            .isolation(
                "getDeployment",
                "reads the first tenant's deployment",
                theirs.status(),
            )
            .await;
        suite
            .isolation(
                "getDeploymentLogs",
                "reads the first tenant's deployment logs",
                theirs.logs(),
            )
            .await;
    }

    let tenants = second.tenants().tenant(tenant.as_str());
    suite
        .isolation(
            "listTenantIntegrations",
            "lists the first tenant's integrations",
            tenants.integrations(),
        )
        .await;
    let integration = suite.resource_name();
    suite
        .isolation(
            "getOauthConfig",
            "reads the first tenant's OAuth configuration",
            tenants.oauth_config(integration.as_str()).get(),
        )
        .await;
    if suite.writes() {
        suite
            .isolation(
                "deleteOauthConfig",
                "deletes the first tenant's OAuth configuration",
                tenants.oauth_config(integration.as_str()).delete(),
            )
            .await;
        // The second key, naming the first tenant in the body (the second client's
        // tenant id is the first tenant's).
        let call = second.tools().invoke("notes.list_notes", json!({})).send();
        suite
            .isolation("invokeTool", "invokes a tool as the first tenant", call)
            .await;
    }
}
