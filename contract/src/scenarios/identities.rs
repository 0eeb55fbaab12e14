//! Identities: list, and with writes a create / get / update / delete round trip of an
//! identity the run owns.

use connectors::api::{IdentityType, types};

use crate::judge::Expect;
use crate::suite::{Created, Suite};

const OPS: &[&str] = &[
    "listIdentities",
    "createIdentity",
    "getIdentity",
    "updateIdentity",
    "deleteIdentity",
];

pub(crate) async fn run(suite: &mut Suite) {
    if !suite.any_selected(OPS) {
        return;
    }
    let client = suite.client.clone();
    let identities = client.identities();
    let page = suite
        .discover(
            "listIdentities",
            Expect::Success,
            identities.list().page_size(20).send(),
        )
        .await;
    let name = suite.resource_name();
    let mine = if suite.write_allowed("createIdentity") {
        let created = suite
            .run(
                "createIdentity",
                Expect::Success,
                identities.create(IdentityType::Agent, &name),
            )
            .await;
        if let Some(identity) = &created {
            suite.created(Created::Identity(identity.id.clone()));
        }
        created.map(|i| i.id)
    } else {
        None
    };

    // Reads use the run's own identity, else one that exists, else one that cannot.
    let existing = page.and_then(|p| p.items.into_iter().next().map(|i| i.id));
    let (read_id, read_expect) = match mine.clone().or(existing) {
        Some(id) => (id, Expect::Success),
        None => (suite.absent("idn-"), Expect::Refused),
    };
    suite
        .run("getIdentity", read_expect, identities.get(&read_id))
        .await;

    // Writes touch only the run's own identity.
    let (write_id, write_expect) = match &mine {
        Some(id) => (id.clone(), Expect::Success),
        None => (suite.absent("idn-"), Expect::Refused),
    };
    if suite.write_allowed("updateIdentity") {
        let changes = types::UpdateIdentityRequest {
            description: Some("created by the connectors contract runner".into()),
            ..Default::default()
        };
        suite
            .run(
                "updateIdentity",
                write_expect,
                identities.update(&write_id, changes),
            )
            .await;
    }
    if suite.write_allowed("deleteIdentity") {
        let deleted = suite
            .run("deleteIdentity", write_expect, identities.delete(&write_id))
            .await;
        if deleted.is_some() {
            suite.removed(&Created::Identity(write_id));
        }
    }
}
