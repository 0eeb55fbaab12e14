//! Relations between tools: declared ones (built in and configured), tools a tenant
//! invoked together, and tools of the same server, each with a weight; a tool's related
//! tools are those it has the strongest relations with.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use connectors::api::RelationType;

use super::index::Index;
use crate::config::RelationConfig;
use crate::tool::ToolInfo;

/// A tool related to another.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Related {
    /// The related tool.
    pub tool_id: String,
    /// How it relates.
    pub relation: RelationType,
    /// How strongly, 0..1 (three decimals).
    pub weight: f64,
    /// Where the relation comes from ("declared relation", "same server", ...).
    pub reason: String,
}

/// How many times each pair of tool ids (the lesser first) ran together.
type PairCounts = HashMap<(String, String), u32>;

/// Relations between tools: declared ones, tools invoked together, and tools of the
/// same server.
pub(crate) struct RelationGraph {
    declared: Vec<(String, String, RelationType, f64)>,
    /// Per tenant: what one tenant runs together says nothing to (nor about) another.
    together: Mutex<HashMap<String, PairCounts>>,
    last_call: Mutex<HashMap<String, (String, Instant)>>,
}

/// The weight of the relation between two tools of the same server.
const SAME_SERVER_WEIGHT: f64 = 0.3;

/// Invocations by one tenant this close together count as "used together".
const TOGETHER_WINDOW: Duration = Duration::from_secs(600);

impl RelationGraph {
    /// The built-in declared relations and those of `config` (weight 0.8 when not given,
    /// clamped to 0..1), with no invocation recorded yet.
    pub fn new(config: &[RelationConfig]) -> RelationGraph {
        let mut declared: Vec<(String, String, RelationType, f64)> = [
            ("notes.add_note", "notes.search_notes", "PRECEDES", 0.6),
            ("notes.list_notes", "notes.get_note", "PRECEDES", 0.7),
            ("notes.get_note", "notes.list_notes", "DEPENDS_ON", 0.7),
            ("notes.delete_note", "notes.list_notes", "DEPENDS_ON", 0.7),
            (
                "text.base64_encode",
                "text.base64_decode",
                "OFTEN_USED_WITH",
                0.6,
            ),
            (
                "text.base64_decode",
                "text.base64_encode",
                "OFTEN_USED_WITH",
                0.6,
            ),
            ("text.find", "text.word_count", "OFTEN_USED_WITH", 0.4),
            ("math.statistics", "math.evaluate", "OFTEN_USED_WITH", 0.5),
            ("math.evaluate", "math.statistics", "OFTEN_USED_WITH", 0.5),
        ]
        .iter()
        .map(|(a, b, r, w)| (a.to_string(), b.to_string(), RelationType::from(*r), *w))
        .collect();
        for relation in config {
            declared.push((
                relation.from.clone(),
                relation.to.clone(),
                RelationType::from(relation.relation.as_str()),
                relation.weight.unwrap_or(0.8).clamp(0.0, 1.0),
            ));
        }
        RelationGraph {
            declared,
            together: Mutex::new(HashMap::new()),
            last_call: Mutex::new(HashMap::new()),
        }
    }

    /// Records that `tools` ran together (a batch), or that `tenant` ran one tool.
    pub fn record(&self, tenant: &str, tools: &[String]) {
        let mut all = self.together.lock().unwrap_or_else(PoisonError::into_inner);
        // Looked up first: the tenant's name is copied once, not on every invocation.
        if !all.contains_key(tenant) {
            all.insert(tenant.to_string(), PairCounts::new());
        }
        let Some(together) = all.get_mut(tenant) else {
            return;
        };
        let mut bump = |a: &str, b: &str| {
            if a != b {
                let key = if a < b {
                    (a.to_string(), b.to_string())
                } else {
                    (b.to_string(), a.to_string())
                };
                *together.entry(key).or_insert(0) += 1;
            }
        };
        for (i, a) in tools.iter().enumerate() {
            for b in tools.iter().skip(i + 1) {
                bump(a, b);
            }
        }
        if let Some(last) = tools.last() {
            let mut last_call = self
                .last_call
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((previous, at)) = last_call.get(tenant)
                && at.elapsed() < TOGETHER_WINDOW
                && tools.len() == 1
            {
                bump(previous, last);
            }
            match last_call.get_mut(tenant) {
                // Reuses the strings' buffers.
                Some((previous, at)) => {
                    previous.clone_from(last);
                    *at = Instant::now();
                }
                None => {
                    last_call.insert(tenant.to_string(), (last.clone(), Instant::now()));
                }
            }
        }
    }

    /// Tools related to `tool` among those `tenant` may see in `index`, strongest first.
    pub fn related(
        &self,
        tool: &ToolInfo,
        index: &Index,
        tenant: &str,
        only: Option<&RelationType>,
        limit: usize,
    ) -> Vec<Related> {
        let mut best: BTreeMap<String, Related> = BTreeMap::new();
        // `visible`: whether `tenant` may see `other` (asked of the index by the caller,
        // which may hold the index's lock already).
        let offer = |best: &mut BTreeMap<String, Related>,
                     other: &str,
                     visible: bool,
                     relation: RelationType,
                     weight: f64,
                     reason: &str| {
            if other == tool.tool_id || !visible {
                return;
            }
            if only.is_some_and(|o| *o != relation) {
                return;
            }
            let weight = (weight * 1000.0).round() / 1000.0;
            match best.get(other) {
                Some(existing) if existing.weight >= weight => {}
                _ => {
                    let candidate = Related {
                        tool_id: other.to_string(),
                        relation,
                        weight,
                        reason: reason.to_string(),
                    };
                    best.insert(other.to_string(), candidate);
                }
            }
        };
        for (from, to, relation, weight) in &self.declared {
            if *from == tool.tool_id {
                let visible = index.contains(tenant, to);
                offer(
                    &mut best,
                    to,
                    visible,
                    relation.clone(),
                    *weight,
                    "declared relation",
                );
            }
        }
        {
            let all = self.together.lock().unwrap_or_else(PoisonError::into_inner);
            for ((a, b), count) in all.get(tenant).into_iter().flatten() {
                let other = if *a == tool.tool_id {
                    b
                } else if *b == tool.tool_id {
                    a
                } else {
                    continue;
                };
                let weight = (0.5 + 0.1 * f64::from(*count)).min(0.95);
                let visible = index.contains(tenant, other);
                offer(
                    &mut best,
                    other,
                    visible,
                    RelationType::OftenUsedWith,
                    weight,
                    &format!("invoked together {count} time(s)"),
                );
            }
        }
        // Every other tool of the server is related at one weight, and the answer ranks by
        // weight, then id: once `limit` tools of the server, in id order, are in `best` at
        // that weight or above, no later one (a greater id, at that weight) can make the
        // first `limit`. So the walk stops there instead of visiting every tool of the
        // server (1,000 and more for some servers) on each selection. The result is the
        // same as visiting them all.
        if only.is_none_or(|o| *o == RelationType::OftenUsedWith) && limit > 0 {
            let weight = (SAME_SERVER_WEIGHT * 1000.0).round() / 1000.0;
            let mut placed = 0;
            index.visit_server_tools_by_id(tenant, &tool.server, |other| {
                offer(
                    &mut best,
                    other,
                    true,
                    RelationType::OftenUsedWith,
                    SAME_SERVER_WEIGHT,
                    "same server",
                );
                if best.get(other).is_some_and(|e| e.weight >= weight) {
                    placed += 1;
                }
                placed < limit
            });
        }
        let mut related: Vec<Related> = best.into_values().collect();
        related.sort_by(|a, b| {
            b.weight
                .partial_cmp(&a.weight)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.tool_id.cmp(&b.tool_id))
        });
        related.truncate(limit);
        related
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::fixtures::{index, tool};

    #[test]
    fn related_tools_of_a_large_server_are_those_of_a_full_walk() {
        // Listed out of id order, so that the walk's id order is not the listing's.
        let mut catalog: Vec<ToolInfo> = (0..40)
            .rev()
            .map(|i| tool("big", &format!("t{i:02}"), "Do a thing", &["x"]))
            .collect();
        catalog.push(tool("other", "far", "Elsewhere", &["y"]));
        let index = index(&catalog);
        let relation = |to: &str, relation: &str, weight: f64| RelationConfig {
            from: "big.t20".into(),
            to: to.into(),
            relation: relation.into(),
            weight: Some(weight),
        };
        let graph = RelationGraph::new(&[
            relation("big.t39", "PRECEDES", 0.9),
            // Below the same-server weight: the same-server relation replaces it.
            relation("big.t35", "DEPENDS_ON", 0.2),
            relation("other.far", "ALTERNATIVE_TO", 0.2),
        ]);
        let Some(t20) = catalog.iter().find(|t| t.tool_id == "big.t20") else {
            panic!("no big.t20");
        };
        let ids = |only: Option<&RelationType>, limit: usize| -> Vec<(String, f64)> {
            graph
                .related(t20, &index, "t", only, limit)
                .into_iter()
                .map(|r| (r.tool_id, r.weight))
                .collect()
        };
        let same = |i: usize| (format!("big.t{i:02}"), 0.3);
        let mut first = vec![("big.t39".to_string(), 0.9)];
        first.extend((0..4).map(same));
        assert_eq!(ids(None, 5), first);
        // Everything: the strong relation, every other tool of the server at 0.3 (t35's
        // weaker declared one replaced), then the weak one to another server.
        let mut all = vec![("big.t39".to_string(), 0.9)];
        all.extend((0..39).filter(|i| *i != 20).map(same));
        all.push(("other.far".to_string(), 0.2));
        assert_eq!(ids(None, 100), all);
        assert_eq!(ids(None, 0), Vec::new());
        // Only PRECEDES: no same-server relation at all.
        assert_eq!(
            ids(Some(&RelationType::Precedes), 5),
            vec![("big.t39".to_string(), 0.9)]
        );
        assert_eq!(
            ids(Some(&RelationType::OftenUsedWith), 3),
            (0..3).map(same).collect::<Vec<_>>()
        );
    }
}
