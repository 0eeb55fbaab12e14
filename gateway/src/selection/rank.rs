//! Ranking: the registered [`Signal`]s find and score candidates, their scores are fused
//! into one within 0..1, the best come first (ties by tool id), and [`Ranking::pick`]
//! takes them in order within a tool count and a token budget, with a tier and a reason.
//! Deterministic for the same catalog and query.

use std::collections::HashMap;
use std::sync::Arc;

use super::index::{Doc, Index, Scored};
use super::query::Query;
use super::signals::Signal;
use crate::tool::ToolInfo;

/// How many of a ranking's best tools are put in order up front: enough for the largest
/// `maxTools` (100) when the budget does not skip any.
pub(crate) const ORDERED: usize = 128;

/// How the scores of several signals become one. With one signal registered, its scores
/// are the ranking's whatever the fusion.
#[derive(Debug, Clone, Copy)]
// Reciprocal rank fusion lost to the weighted sum on the development requests
// (`super::rankers`); kept, tested, for signals whose scores do not compare.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Fusion {
    /// The weighted sum of the signals' scores, divided by the sum of the weights.
    WeightedSum,
    /// Reciprocal rank fusion: each signal ranks its candidates (by score, then tool id)
    /// and gives the tool at rank `r` (from 1) `weight / (k + r)`; the sum is divided by
    /// what a tool first for every signal would get.
    ReciprocalRank {
        /// The rank offset (60 in the literature).
        k: f64,
    },
}

/// The signals a selection is ranked by, with their weights, and how they are fused.
pub(crate) struct Ranker {
    signals: Vec<(Box<dyn Signal>, f64)>,
    fusion: Fusion,
}

/// A candidate with its fused score and which signals scored it.
struct Fused {
    doc: Arc<Doc>,
    score: f64,
    /// Bit `i` set: signal `i` scored the tool (above 0 when several are fused; the first
    /// 64 signals).
    by: u64,
}

/// A query's candidates, best first.
pub(crate) struct Ranking<'a> {
    ranker: &'a Ranker,
    query: Query<'a>,
    /// The first `ordered` best first (ties by tool id), the rest after them in no
    /// particular order until [`Ranking::order_all`].
    hits: Vec<Fused>,
    ordered: usize,
}

/// A tool chosen for a query.
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    /// The tool.
    pub tool: Arc<ToolInfo>,
    /// Its fused score, 0..1 (four decimals).
    pub score: f64,
    /// 1 (the first and those within 75 % of its score), 2 (within 40 %) or 3.
    pub tier: i64,
    /// Why it matched, from the signals that scored it.
    pub reason: String,
}

impl Ranker {
    /// No signal yet, fused by `fusion`.
    pub fn new(fusion: Fusion) -> Ranker {
        Ranker {
            signals: Vec::new(),
            fusion,
        }
    }

    /// This ranker with `signal` too, at `weight` (above 0).
    pub fn with(mut self, signal: impl Signal + 'static, weight: f64) -> Ranker {
        self.signals.push((Box::new(signal), weight));
        self
    }

    /// The names of the signals, in the order they were registered.
    #[cfg(test)]
    pub fn signal_names(&self) -> Vec<&'static str> {
        self.signals.iter().map(|(s, _)| s.name()).collect()
    }

    /// The tools of `index` that `query` finds, the best `ordered` of them first and in
    /// rank order.
    pub fn rank<'a>(&'a self, index: &Index, query: Query<'a>, ordered: usize) -> Ranking<'a> {
        let mut hits = match self.signals.as_slice() {
            [] => Vec::new(),
            // One signal: its scores as they are, with no table to merge through.
            [(signal, _)] => signal
                .candidates(index, &query)
                .into_iter()
                .map(|Scored { doc, score }| Fused { doc, score, by: 1 })
                .collect(),
            _ => self.fuse(index, &query),
        };
        // Only the best `ordered` need an order now; `order_all` sorts the rest if a
        // caller walks past them (a budget that skips many tools).
        let ordered = ordered.min(hits.len());
        if ordered < hits.len() {
            if ordered > 0 {
                hits.select_nth_unstable_by(ordered - 1, by_rank);
            }
            hits[..ordered].sort_by(by_rank);
        } else {
            hits.sort_by(by_rank);
        }
        Ranking {
            ranker: self,
            query,
            hits,
            ordered,
        }
    }

    /// Every signal's candidates, their scores fused. A tool's contributions are added in
    /// the order the signals were registered, so the sums are the same on every run.
    fn fuse(&self, index: &Index, query: &Query<'_>) -> Vec<Fused> {
        let mut fused: Vec<Fused> = Vec::new();
        let mut at: HashMap<*const Doc, usize> = HashMap::new();
        for (i, (signal, weight)) in self.signals.iter().enumerate() {
            let mut found = signal.candidates(index, query);
            found.retain(|c| c.score > 0.0);
            if let Fusion::ReciprocalRank { .. } = self.fusion {
                found.sort_by(|a, b| {
                    b.score
                        .total_cmp(&a.score)
                        .then_with(|| a.doc.tool.tool_id.cmp(&b.doc.tool.tool_id))
                });
            }
            let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
            for (rank, Scored { doc, score }) in found.into_iter().enumerate() {
                let part = match self.fusion {
                    Fusion::WeightedSum => weight * score,
                    Fusion::ReciprocalRank { k } => weight / (k + rank as f64 + 1.0),
                };
                let slot = *at.entry(Arc::as_ptr(&doc)).or_insert_with(|| {
                    fused.push(Fused {
                        doc,
                        score: 0.0,
                        by: 0,
                    });
                    fused.len() - 1
                });
                fused[slot].score += part;
                fused[slot].by |= bit;
            }
        }
        let weights: f64 = self.signals.iter().map(|(_, w)| w).sum();
        let scale = match self.fusion {
            Fusion::WeightedSum => weights,
            Fusion::ReciprocalRank { k } => weights / (k + 1.0),
        }
        .max(f64::MIN_POSITIVE);
        for f in &mut fused {
            f.score = ((f.score / scale).min(1.0) * 10_000.0).round() / 10_000.0;
        }
        fused
    }
}

/// Best first; ties by tool id.
fn by_rank(a: &Fused, b: &Fused) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.doc.tool.tool_id.cmp(&b.doc.tool.tool_id))
}

impl Ranking<'_> {
    /// The estimated tokens of every candidate: what the catalog could have offered.
    pub fn available_tokens(&self) -> u64 {
        self.hits.iter().map(|h| h.doc.tool.token_cost).sum()
    }

    /// The candidates' ids and scores in rank order.
    #[cfg(test)]
    pub fn scores(&mut self) -> Vec<(String, f64)> {
        self.order_all();
        self.hits
            .iter()
            .map(|h| (h.doc.tool.tool_id.clone(), h.score))
            .collect()
    }

    /// Puts every candidate in rank order (the ranking ordered only the first ones).
    /// Ordering all keeps the ordered prefix where it is (the order is total).
    fn order_all(&mut self) {
        if self.ordered < self.hits.len() {
            self.hits.sort_by(by_rank);
            self.ordered = self.hits.len();
        }
    }

    /// The best tools within `max_tools` and `token_budget`, in rank order, each with its
    /// tier and reason (worked out for the chosen ones only). A tool over what is left of
    /// the budget is skipped and the next one tried.
    pub fn pick(&mut self, max_tools: usize, token_budget: u64) -> Vec<Ranked> {
        let mut picked: Vec<usize> = Vec::new();
        let mut used = 0u64;
        let mut at = 0;
        while picked.len() < max_tools && at < self.hits.len() {
            // Only the best hits were ordered; a budget that skipped many needs the rest.
            if at == self.ordered {
                self.order_all();
            }
            let cost = self.hits[at].doc.tool.token_cost;
            if used + cost <= token_budget {
                used += cost;
                picked.push(at);
            }
            at += 1;
        }
        let top = picked.first().map(|i| self.hits[*i].score).unwrap_or(0.0);
        picked
            .into_iter()
            .enumerate()
            .map(|(i, at)| {
                let hit = &self.hits[at];
                let relative = if top > 0.0 { hit.score / top } else { 0.0 };
                let tier = if i == 0 || relative >= 0.75 {
                    1
                } else if relative >= 0.4 {
                    2
                } else {
                    3
                };
                Ranked {
                    tool: hit.doc.tool.clone(),
                    score: hit.score,
                    tier,
                    reason: self.reason(hit),
                }
            })
            .collect()
    }

    /// The explanations of the signals that scored `hit`, joined.
    fn reason(&self, hit: &Fused) -> String {
        let reasons: Vec<String> = self
            .ranker
            .signals
            .iter()
            .enumerate()
            .filter(|(i, _)| hit.by & 1u64.checked_shl(*i as u32).unwrap_or(0) != 0)
            .map(|(_, (signal, _))| signal.explain(&self.query, &hit.doc))
            .collect();
        reasons.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::fixtures::{index, tool};
    use crate::selection::query::Filters;
    use crate::selection::signals::Lexical;

    /// Every tool the same, lexical match or not.
    struct Flat;

    impl Signal for Flat {
        fn name(&self) -> &'static str {
            "flat"
        }

        fn candidates(&self, index: &Index, query: &Query<'_>) -> Vec<Scored> {
            let mut all = Vec::new();
            index.visit_visible(query.tenant, query.filters, |doc| {
                all.push(Scored {
                    doc: doc.clone(),
                    score: 0.5,
                })
            });
            all
        }

        fn explain(&self, _: &Query<'_>, _: &Doc) -> String {
            "in the catalog".to_string()
        }
    }

    fn rank<'a>(
        ranker: &'a Ranker,
        index: &Index,
        query: &'a str,
        filters: &'a Filters,
        ordered: usize,
    ) -> Ranking<'a> {
        ranker.rank(index, Query::new(query, None, "t", filters), ordered)
    }

    #[test]
    fn ranks_name_matches_first_and_is_deterministic() {
        let catalog = vec![
            tool(
                "github",
                "createPullRequest",
                "Create a pull request",
                &["repo", "title"],
            ),
            tool(
                "github",
                "listBranches",
                "List branches of a repository",
                &["repo"],
            ),
            tool("notes", "add_note", "Save a note", &["title", "body"]),
        ];
        let index = index(&catalog);
        let query = "create a github pull request";
        let ranker = Ranker::standard();
        assert_eq!(ranker.signal_names(), ["lexical"]);
        let all = Filters::default();
        let mut ranking = rank(ranker, &index, query, &all, ORDERED);
        let chosen = ranking.pick(10, 100_000);
        assert_eq!(chosen[0].tool.tool_id, "github.createPullRequest");
        assert!(chosen[0].reason.contains("the tool name"));
        let scores = ranking.scores();
        assert!(scores.iter().all(|(_, s)| (0.0..=1.0).contains(s)));
        assert_eq!(scores, rank(ranker, &index, query, &all, ORDERED).scores());
        let no_github = Filters {
            excluded_servers: vec!["github".into()],
            ..Filters::default()
        };
        let excluded = rank(ranker, &index, query, &no_github, ORDERED).scores();
        assert!(excluded.iter().all(|(id, _)| !id.starts_with("github.")));
    }

    #[test]
    fn fuses_signals_deterministically_and_explains_with_those_that_scored() {
        let catalog = vec![
            tool("notes", "add_note", "Save a note", &["title", "body"]),
            tool("notes", "search_notes", "Search notes", &["query"]),
            tool(
                "math",
                "evaluate",
                "Evaluate an expression",
                &["expression"],
            ),
        ];
        let index = index(&catalog);
        let all = Filters::default();
        let lexical = rank(Ranker::standard(), &index, "save a note", &all, ORDERED).scores();
        // The lexical signal twice, summed: the same scores.
        let twice = Ranker::new(Fusion::WeightedSum)
            .with(Lexical, 1.0)
            .with(Lexical, 1.0);
        assert_eq!(
            rank(&twice, &index, "save a note", &all, ORDERED).scores(),
            lexical
        );
        // A signal that scores every tool brings in the one with no word of the query.
        let both = Ranker::new(Fusion::WeightedSum)
            .with(Lexical, 1.0)
            .with(Flat, 1.0);
        let mut ranking = rank(&both, &index, "save a note", &all, ORDERED);
        let fused = ranking.scores();
        assert_eq!(fused.len(), 3);
        assert_eq!(fused[2], ("math.evaluate".to_string(), 0.25));
        let chosen = ranking.pick(3, 100_000);
        assert_eq!(chosen[2].reason, "in the catalog");
        assert!(
            chosen[0].reason.starts_with("matches ")
                && chosen[0].reason.ends_with("; in the catalog")
        );
        // Reciprocal rank fusion: ties (Flat's) broken by tool id, the same on every run.
        let rrf = Ranker::new(Fusion::ReciprocalRank { k: 60.0 })
            .with(Flat, 1.0)
            .with(Flat, 1.0);
        let ranked = rank(&rrf, &index, "save a note", &all, ORDERED).scores();
        let ids: Vec<&str> = ranked.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            ["math.evaluate", "notes.add_note", "notes.search_notes"]
        );
        assert_eq!(ranked[0].1, 1.0);
        assert_eq!(
            ranked,
            rank(&rrf, &index, "save a note", &all, ORDERED).scores()
        );
    }

    #[test]
    fn respects_count_and_budget() {
        let catalog = vec![
            tool("notes", "add_note", "Save a note", &["title", "body"]),
            tool("notes", "search_notes", "Search notes", &["query"]),
            tool("notes", "get_note", "Read one note", &["id"]),
        ];
        let index = index(&catalog);
        let all = Filters::default();
        let mut ranking = rank(Ranker::standard(), &index, "note", &all, 1);
        assert_eq!(ranking.hits.len(), 3);
        assert_eq!(ranking.pick(2, 100_000).len(), 2);
        let mut ranking = rank(Ranker::standard(), &index, "note", &all, 1);
        let cheapest = catalog.iter().map(|t| t.token_cost).min().unwrap_or(0);
        // Only one hit is ordered up front: the budget skips past it and orders the rest.
        let chosen = ranking.pick(10, cheapest);
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].tier, 1);
        let cheapest_id = catalog
            .iter()
            .filter(|t| t.token_cost == cheapest)
            .map(|t| t.tool_id.as_str())
            .min();
        assert_eq!(Some(chosen[0].tool.tool_id.as_str()), cheapest_id);
    }
}
