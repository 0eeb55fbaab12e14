//! The dense signal: the cosine similarity of the query's embedding and each tool's, so
//! that a request phrased in other words than the tool's ("show me what's inside the src
//! folder" for `list_directory`) still finds it. Both vectors have unit length, so the
//! similarity is their dot product.
//!
//! Only tools at or above a similarity floor are candidates, and only the best
//! [`Dense::depth`] of them: without that every tool of the catalog would be a candidate
//! of every query, however unrelated.

use std::cell::Cell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use super::Signal;
use crate::embedding::dot;
use crate::selection::index::{Doc, Index, Scored};
use crate::selection::query::Query;

/// Tools whose embedding is close to the query's.
pub(crate) struct Dense {
    /// The least cosine similarity a candidate has; it scores 0 there and 1 at a
    /// similarity of 1.
    pub floor: f32,
    /// The most candidates, the most similar (ties by tool id).
    pub depth: usize,
}

/// A tool found, ordered worst first by [`Ord`]: less similar, then the later tool id
/// (ties go to the earlier id, as everywhere in the ranking).
struct Candidate {
    similarity: f32,
    doc: Arc<Doc>,
}

impl Candidate {
    /// Whether a tool of `similarity` and `id` ranks before this one.
    fn beaten_by(&self, similarity: f32, id: &str) -> bool {
        similarity
            .total_cmp(&self.similarity)
            .then_with(|| self.doc.tool.tool_id.as_str().cmp(id))
            == Ordering::Greater
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.similarity
            .total_cmp(&other.similarity)
            .then_with(|| other.doc.tool.tool_id.cmp(&self.doc.tool.tool_id))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl Dense {
    /// `similarity` as a score within 0..1 (four decimals).
    fn score(&self, similarity: f32) -> f64 {
        let span = (1.0 - self.floor).max(f32::EPSILON);
        let score = f64::from(((similarity - self.floor) / span).clamp(0.0, 1.0));
        (score * 10_000.0).round() / 10_000.0
    }
}

impl Signal for Dense {
    fn name(&self) -> &'static str {
        "dense"
    }

    fn candidates(&self, index: &Index, query: &Query<'_>) -> Vec<Scored> {
        let Some(wanted) = query.vector else {
            return Vec::new();
        };
        // The best `depth` so far in a min-heap: a tool is cloned out of the index only
        // when it enters, not for each of the catalog's tools.
        let mut best: BinaryHeap<Reverse<Candidate>> = BinaryHeap::with_capacity(self.depth + 1);
        if self.depth == 0 {
            return Vec::new();
        }
        // The least similarity worth looking at: the floor, then, once `depth` tools are
        // found, the worst of them (a tie may still win on its id, so not above it).
        let least = Cell::new(self.floor);
        index.visit_similar(
            query.tenant,
            query.filters,
            wanted,
            &least,
            |doc, similarity| {
                if best.len() == self.depth
                    && best.peek().is_some_and(|Reverse(worst)| {
                        !worst.beaten_by(similarity, &doc.tool.tool_id)
                    })
                {
                    return;
                }
                best.push(Reverse(Candidate {
                    similarity,
                    doc: doc.clone(),
                }));
                if best.len() > self.depth {
                    best.pop();
                }
                if best.len() == self.depth
                    && let Some(Reverse(worst)) = best.peek()
                {
                    least.set(worst.similarity);
                }
            },
        );
        best.into_iter()
            .map(|Reverse(c)| Scored {
                score: self.score(c.similarity),
                doc: c.doc,
            })
            .collect()
    }

    fn explain(&self, query: &Query<'_>, doc: &Doc) -> String {
        match (query.vector, &doc.vector) {
            (Some(wanted), Some(vector)) => {
                format!("found by meaning (similarity {:.2})", dot(wanted, vector))
            }
            _ => "found by meaning".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::selection::fixtures::tool;
    use crate::selection::index::Vector;
    use crate::selection::query::Filters;

    fn unit(v: &[f32]) -> Vector {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / norm).collect::<Vec<_>>().into()
    }

    #[test]
    fn ranks_by_similarity_above_the_floor_within_the_depth() {
        let index = Index::default();
        let tools: Vec<_> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| Arc::new(tool("s", n, "", &[])))
            .collect();
        let vectors = [
            Some(unit(&[1.0, 0.0])),
            Some(unit(&[1.0, 1.0])),
            Some(unit(&[0.0, 1.0])),
            None,
        ];
        index.set_server_vectors("s", None, 1, &tools, &vectors);
        let all = Filters::default();
        let wanted = unit(&[1.0, 0.1]);
        let dense = Dense {
            floor: 0.5,
            depth: 10,
        };
        let query = Query::new("q", Some(&wanted), "t", &all);
        let mut found: Vec<(String, f64)> = dense
            .candidates(&index, &query)
            .into_iter()
            .map(|s| (s.doc.tool.tool_id.clone(), s.score))
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        // c is orthogonal-ish (below the floor), d has no vector.
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["s.a", "s.b"]);
        assert!(found[0].1 > found[1].1 && found[1].1 > 0.0 && found[0].1 <= 1.0);
        // Depth 1 keeps the most similar.
        let one = Dense {
            floor: 0.0,
            depth: 1,
        };
        let kept = one.candidates(&index, &query);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].doc.tool.tool_id, "s.a");
        // No query vector: no candidates.
        let bare = Query::new("q", None, "t", &all);
        assert!(dense.candidates(&index, &bare).is_empty());
        // cos((1, 0.1), (1, 0)) = 0.995.
        assert_eq!(
            dense.explain(&query, &kept[0].doc),
            format!("found by meaning (similarity {:.2})", 1.0 / 1.01f32.sqrt())
        );
    }

    #[test]
    fn equal_similarities_keep_the_earlier_tool_ids_whatever_the_order_seen() {
        // Listed in reverse id order: the heap must still keep the first ids.
        let tools: Vec<_> = ["d", "c", "b", "a"]
            .iter()
            .map(|n| Arc::new(tool("s", n, "", &[])))
            .collect();
        let same = unit(&[1.0, 1.0]);
        let vectors = vec![Some(same.clone()); 4];
        let index = Index::default();
        index.set_server_vectors("s", None, 1, &tools, &vectors);
        let all = Filters::default();
        let query = Query::new("q", Some(&same), "t", &all);
        let two = Dense {
            floor: 0.0,
            depth: 2,
        };
        let mut kept: Vec<String> = two
            .candidates(&index, &query)
            .into_iter()
            .map(|s| s.doc.tool.tool_id.clone())
            .collect();
        kept.sort();
        assert_eq!(kept, ["s.a", "s.b"]);
    }

    #[test]
    fn vectors_attached_after_indexing_reach_only_the_tools_they_were_computed_for() {
        let tools: Vec<_> = ["a", "b"]
            .iter()
            .map(|n| Arc::new(tool("s", n, "", &[])))
            .collect();
        let index = Index::default();
        // Indexed by words first, as a server is while its tools are embedded.
        index.set_server("s", None, 1, &tools);
        let all = Filters::default();
        let wanted = unit(&[1.0, 0.0]);
        let query = Query::new("q", Some(&wanted), "t", &all);
        let dense = Dense {
            floor: 0.1,
            depth: 10,
        };
        assert!(dense.candidates(&index, &query).is_empty());
        let vectors = [Some(unit(&[1.0, 0.0])), Some(unit(&[1.0, 1.0]))];
        // Another generation of the server, or other definitions of its tools (it was
        // restarted meanwhile): nothing is attached.
        assert_eq!(index.attach_vectors("s", None, 2, &tools, &vectors), 0);
        let again: Vec<_> = ["a", "b"]
            .iter()
            .map(|n| Arc::new(tool("s", n, "", &[])))
            .collect();
        assert_eq!(index.attach_vectors("s", None, 1, &again, &vectors), 0);
        assert_eq!(index.attach_vectors("other", None, 1, &tools, &vectors), 0);
        assert!(dense.candidates(&index, &query).is_empty());
        // The definitions indexed: both found, the closer one first.
        assert_eq!(index.attach_vectors("s", None, 1, &tools, &vectors), 2);
        let mut found: Vec<(String, f64)> = dense
            .candidates(&index, &query)
            .into_iter()
            .map(|s| (s.doc.tool.tool_id.clone(), s.score))
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["s.a", "s.b"]);
        // Removing the server removes its tools from the dense signal too.
        index.remove_server("s", None, 1);
        assert!(dense.candidates(&index, &query).is_empty());
    }
}
