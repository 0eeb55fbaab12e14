//! The tenant's integrations and OAuth configurations; with writes, a create / get /
//! delete round trip of a configuration for an integration named after the run.

use connectors::api::types;

use crate::judge::Expect;
use crate::suite::{Created, Suite};

const OPS: &[&str] = &[
    "createOauthConfig",
    "listTenantIntegrations",
    "getOauthConfig",
    "deleteOauthConfig",
    "getOauthConfigHealth",
];

fn request() -> Result<types::OAuthConfigRequest, String> {
    types::OAuthConfigRequest::builder()
        .client_id("contract-runner-client")
        .client_secret("contract-runner-not-a-secret")
        .redirect_uri("https://contract.invalid/oauth/callback")
        .auth_endpoint("https://contract.invalid/oauth/authorize")
        .token_endpoint("https://contract.invalid/oauth/token")
        .try_into()
        .map_err(|e: types::error::ConversionError| e.to_string())
}

pub(crate) async fn run(suite: &mut Suite) {
    if !suite.any_selected(OPS) {
        return;
    }
    let client = suite.client.clone();
    let tenants = client.tenants();
    let integration = suite.resource_name();
    let mut mine = false;
    if suite.write_allowed("createOauthConfig") {
        match request() {
            Ok(request) => {
                // Noted before the call: a create that times out may still have happened.
                suite.created(Created::OauthConfig(integration.clone()));
                let config = tenants.oauth_config(integration.as_str());
                mine = suite
                    .run("createOauthConfig", Expect::Success, config.set(request))
                    .await
                    .is_some();
            }
            Err(why) => suite.fail("createOauthConfig", format!("building the request: {why}")),
        }
    }
    let listed = suite
        .discover(
            "listTenantIntegrations",
            Expect::Success,
            tenants.integrations(),
        )
        .await;
    let existing = listed.and_then(|l| l.integrations.into_iter().next());
    let (read, read_expect) = if mine {
        (integration.clone(), Expect::Success)
    } else {
        match existing {
            Some(name) => (name, Expect::Success),
            None => (suite.absent(""), Expect::Refused),
        }
    };
    suite
        .run(
            "getOauthConfig",
            read_expect,
            tenants.oauth_config(read.as_str()).get(),
        )
        .await;
    if suite.write_allowed("deleteOauthConfig") {
        let (target, expect) = if mine {
            (integration.clone(), Expect::Success)
        } else {
            (suite.absent(""), Expect::Refused)
        };
        let deleted = suite
            .run(
                "deleteOauthConfig",
                expect,
                tenants.oauth_config(target.as_str()).delete(),
            )
            .await;
        if deleted.is_some() {
            suite.removed(&Created::OauthConfig(target));
        }
    }
    // A store that is down answers 503, a declared answer.
    suite
        .run(
            "getOauthConfigHealth",
            Expect::SuccessOr(503),
            tenants.oauth_health(),
        )
        .await;
}
