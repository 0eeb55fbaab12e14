//! Declared error statuses that are cheap to provoke, so that the run exercises more
//! than the success path: 401 for a key the gateway does not know, a refusal (404) for
//! ids that cannot exist, and with writes a refusal (400) of an invalid identity type
//! and (409) of a duplicate identity.

use connectors::api::IdentityType;

use crate::judge::Expect;
use crate::suite::{Created, Suite};

pub(crate) async fn run(suite: &mut Suite) {
    if let Some(unknown) = suite.unknown_key.clone() {
        for (op, _) in UNKNOWN_KEY {
            if !suite.selected(op) {
                continue;
            }
            suite.name_next("a key the gateway does not know is refused (401)");
            match *op {
                "listTools" => {
                    suite
                        .run(op, Expect::Status(401), unknown.tools().list().send())
                        .await;
                }
                "listIdentities" => {
                    suite
                        .run(
                            op,
                            Expect::Status(401),
                            unknown.identities().list().page_size(1).send(),
                        )
                        .await;
                }
                _ => {}
            }
        }
    }

    let client = suite.client.clone();
    let absent_tool = format!("{}.nothing", suite.absent(""));
    suite.name_next("an unknown id is refused as missing");
    suite
        .run("getTool", Expect::Refused, client.tools().get(&absent_tool))
        .await;
    let absent_identity = suite.absent("idn-");
    suite.name_next("an unknown id is refused as missing");
    suite
        .run(
            "getIdentity",
            Expect::Refused,
            client.identities().get(&absent_identity),
        )
        .await;
    let absent_deployment = suite.absent("dep-");
    suite.name_next("an unknown id is refused as missing");
    suite
        .run(
            "getDeployment",
            Expect::Refused,
            client.deployments().get(absent_deployment),
        )
        .await;

    if suite.write_allowed("createIdentity") {
        let identities = client.identities();
        let invalid = IdentityType::Unknown("NOT-A-TYPE".into());
        let name = format!("{}-invalid", suite.resource_name());
        suite.name_next("an invalid identity type is refused (400)");
        if let Some(made) = suite
            .run(
                "createIdentity",
                Expect::Refused,
                identities.create(invalid, &name),
            )
            .await
        {
            suite.created(Created::Identity(made.id));
        }
        let name = format!("{}-twice", suite.resource_name());
        let first = suite
            .discover(
                "createIdentity",
                Expect::Success,
                identities.create(IdentityType::Agent, &name),
            )
            .await;
        if let Some(first) = first {
            suite.created(Created::Identity(first.id));
            suite.name_next("a duplicate name is refused (409)");
            if let Some(again) = suite
                .run(
                    "createIdentity",
                    Expect::Refused,
                    identities.create(IdentityType::Agent, &name),
                )
                .await
            {
                suite.created(Created::Identity(again.id));
            }
        }
    }
}

/// The operations tried with an unknown key (one per area is enough: the check is the
/// gateway's authentication, which all `/api/v1` routes share).
const UNKNOWN_KEY: &[(&str, ())] = &[("listTools", ()), ("listIdentities", ())];
