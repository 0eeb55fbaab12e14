//! MCP servers, deployments and the event stream; with writes, the run deploys a stdio
//! MCP server of its own, follows the deployment, calls its tools and removes it.

use std::time::Duration;

use connectors::Error;
use connectors::api::{ServerStatus, types};
use connectors::deployments::Deployment;
use connectors::mcp::Source;

use crate::judge::Expect;
use crate::scenarios::{invoke, tenancy};
use crate::streams::{self, Until};
use crate::suite::{Created, Suite};

/// How long a deployment may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// How long to follow the events of the run's own deployment.
const DEPLOYMENT_EVENTS_WAIT: Duration = Duration::from_secs(30);
/// Events to read when nothing is being deployed.
const EVENTS_WHEN_IDLE: usize = 3;

/// The server the run deployed.
pub(crate) struct Deployed {
    pub name: String,
    pub deployment: Deployment,
}

pub(crate) async fn run(suite: &mut Suite) {
    let client = suite.client.clone();
    let servers = suite
        .discover(
            "listServers",
            Expect::Success,
            client.mcp().list().page_size(100).send(),
        )
        .await;
    suite
        .run("listCustomServers", Expect::Success, client.mcp().custom())
        .await;
    // A deployer that is down answers 503, a declared answer.
    suite
        .run(
            "getMcpHealth",
            Expect::SuccessOr(503),
            client.mcp().health(),
        )
        .await;

    let deployed = if suite.write_allowed("addMcpServer") {
        deploy(suite).await
    } else {
        idle_events(suite).await;
        None
    };
    let ready = match &deployed {
        Some(d) => {
            // Waited for even when getDeployment is not checked: later checks need the server.
            suite.name_next("follows the run's deployment until it ends");
            let ended = suite
                .discover("getDeployment", Expect::Success, follow(&d.deployment))
                .await;
            match ended {
                Some(End::Ready) => true,
                Some(End::Other(how)) => {
                    suite.note_on_check("getDeployment", &how);
                    false
                }
                None => false,
            }
        }
        None => false,
    };

    deployments(suite, deployed.as_ref()).await;

    // Server reads use the run's own server once it runs, else a running one.
    let existing = servers.map(|page| page.items).unwrap_or_default();
    let server = match &deployed {
        Some(d) if ready => Some(d.name.clone()),
        _ => pick_server(&existing),
    };
    let (server, expect) = match server {
        Some(name) => (name, Expect::Success),
        None => (suite.absent(""), Expect::Refused),
    };
    let handle = client.mcp().server(server.as_str());
    suite.run("getServer", expect, handle.info()).await;
    let tools = suite.run("listServerTools", expect, handle.tools()).await;
    suite.run("getServerHealth", expect, handle.health()).await;

    let target = match &deployed {
        Some(d) if ready => Some((d.name.clone(), tools.unwrap_or_default())),
        _ => None,
    };
    invoke::run(suite, target).await;
    // Another tenant's requests against the run's server, while it is still there.
    let removed_by_other_tenant = match &deployed {
        Some(d) => tenancy::own_server(suite, &d.name, d.deployment.id(), ready).await,
        None => false,
    };
    remove(suite, deployed.as_ref(), ready, removed_by_other_tenant).await;
}

/// How the run's deployment ended.
enum End {
    /// Ready: the server runs.
    Ready,
    /// Otherwise (`stopped`, `failed`, or still under way when the wait ended), as text.
    Other(String),
}

/// Follows `deployment` until it ends. Every status the gateway reports is an answer of
/// getDeployment: whether its value is one the spec allows is judged on the responses
/// (their schema), so a deployment that ends `stopped` or `failed`, or takes longer than
/// [`READY_TIMEOUT`], is no failure of the operation; only a request that fails is.
async fn follow(deployment: &Deployment) -> Result<End, Error> {
    match deployment.wait_until_ready(READY_TIMEOUT).await {
        Ok(_) => Ok(End::Ready),
        Err(Error::Deployment { status, error, .. }) => Ok(End::Other(match error {
            Some(error) => {
                format!("it ended `{status}` ({error}), so later checks do not use its server")
            }
            None => format!("it ended `{status}`, so later checks do not use its server"),
        })),
        Err(Error::DeploymentTimeout { status, waited, .. }) => Ok(End::Other(format!(
            "it was still `{status}` after {} s, so later checks do not use its server",
            waited.as_secs()
        ))),
        Err(other) => Err(other),
    }
}

/// A running server of the listing, else any.
fn pick_server(servers: &[types::McpServer]) -> Option<String> {
    servers
        .iter()
        .find(|s| s.status == ServerStatus::Running)
        .or(servers.first())
        .map(|s| s.name.clone())
}

/// Listens to the event stream for a little while (no deployment of the run's own).
async fn idle_events(suite: &mut Suite) {
    let client = suite.client.clone();
    let events = suite
        .run("streamEvents", Expect::Success, client.events().subscribe())
        .await;
    if let Some(events) = events {
        let wait = suite.events_wait;
        streams::watch_events(suite, events, Until::Events(EVENTS_WHEN_IDLE), wait).await;
    }
}

/// Deploys the run's server, following its events when the event stream is checked.
async fn deploy(suite: &mut Suite) -> Option<Deployed> {
    let client = suite.client.clone();
    let name = suite.resource_name();
    let (program, args) = match suite.deploy_command.clone() {
        Ok(command) => command,
        Err(why) => {
            suite.fail("addMcpServer", why);
            idle_events(suite).await;
            return None;
        }
    };
    // Opened first, so that the deployment's own events arrive on it.
    let events = suite
        .run("streamEvents", Expect::Success, client.events().subscribe())
        .await;
    // Noted before the call: an add that times out may still have happened.
    suite.created(Created::Server(name.clone()));
    let deployment = suite
        .run(
            "addMcpServer",
            Expect::Success,
            client
                .mcp()
                .add(name.as_str(), Source::stdio(program, args), "contract")
                .description("Deployed by the connectors contract runner; removed when it ends")
                .send(),
        )
        .await;
    if let Some(events) = events {
        let until = match &deployment {
            Some(d) => Until::DeploymentDone(d.id().to_string()),
            None => Until::Events(EVENTS_WHEN_IDLE),
        };
        let wait = match &deployment {
            Some(_) => DEPLOYMENT_EVENTS_WAIT,
            None => suite.events_wait,
        };
        streams::watch_events(suite, events, until, wait).await;
    }
    deployment.map(|deployment| Deployed { name, deployment })
}

/// The deployment listing, and status and logs of the run's deployment or another one.
async fn deployments(suite: &mut Suite, deployed: Option<&Deployed>) {
    let client = suite.client.clone();
    let page = suite
        .discover(
            "listDeployments",
            Expect::Success,
            client.deployments().list().page_size(20).send(),
        )
        .await;
    let existing = page.and_then(|p| p.items.into_iter().next().map(|d| d.deployment_id));
    let (id, expect) = match (deployed, existing) {
        (Some(d), _) => (d.deployment.id().to_string(), Expect::Success),
        (None, Some(id)) => (id, Expect::Success),
        (None, None) => (suite.absent("dep-"), Expect::Refused),
    };
    let deployment = client.deployments().deployment(id);
    if deployed.is_none() {
        suite
            .run("getDeployment", expect, deployment.status())
            .await;
    }
    suite
        .run("getDeploymentLogs", expect, deployment.logs())
        .await;
}

/// Removes the run's server, or asks to remove one that cannot exist.
/// `removed_by_other_tenant`: the gateway carried out another tenant's removal of it
/// (drift the isolation checks report), so it may be gone.
async fn remove(
    suite: &mut Suite,
    deployed: Option<&Deployed>,
    ready: bool,
    removed_by_other_tenant: bool,
) {
    if !suite.write_allowed("removeCustomServer") {
        return;
    }
    let client = suite.client.clone();
    let (name, expect) = match deployed {
        Some(d) if removed_by_other_tenant => {
            suite.name_next(
                "removes the run's server, or answers 404: another tenant's removal of it was carried out",
            );
            (d.name.clone(), Expect::SuccessOrRefused)
        }
        Some(d) if ready => (d.name.clone(), Expect::Success),
        // A failed deployment may or may not have left its server behind.
        Some(d) => (d.name.clone(), Expect::SuccessOrRefused),
        None => (suite.absent(""), Expect::Refused),
    };
    let result = suite
        .check("removeCustomServer", expect, client.mcp().remove(&name))
        .await;
    let gone = match &result {
        Ok(_) => true,
        Err(e) => e.status().map(|s| s.as_u16()) == Some(404),
    };
    if gone {
        suite.removed(&Created::Server(name));
    }
}
