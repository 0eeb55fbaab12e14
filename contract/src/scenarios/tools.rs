//! The tool catalog, selection, one tool and its relations.

use crate::judge::Expect;
use crate::suite::Suite;

const OPS: &[&str] = &[
    "listCategories",
    "listTools",
    "selectTools",
    "getTool",
    "listRelatedTools",
];

pub(crate) async fn run(suite: &mut Suite) {
    if !suite.any_selected(OPS) {
        return;
    }
    let client = suite.client.clone();
    let tools = client.tools();
    suite
        .run("listCategories", Expect::Success, tools.categories())
        .await;
    let page = suite
        .discover(
            "listTools",
            Expect::Success,
            tools.list().page_size(20).send(),
        )
        .await;
    suite
        .run(
            "selectTools",
            Expect::Success,
            tools.select("list my notes").max_tools(5).send(),
        )
        .await;
    let known = page.and_then(|p| p.items.into_iter().next().map(|t| t.tool_id));
    let (tool_id, expect) = match known {
        Some(id) => (id, Expect::Success),
        None => (format!("{}.nothing", suite.absent("")), Expect::Refused),
    };
    suite.run("getTool", expect, tools.get(&tool_id)).await;
    suite
        .run("listRelatedTools", expect, tools.related(&tool_id))
        .await;
}
