//! The dense signal: the cosine similarity of the query's embedding and each tool's, so
//! that a request phrased in other words than the tool's ("show me what's inside the src
//! folder" for `list_directory`) still finds it. Both vectors have unit length, so the
//! similarity is their dot product.
//!
//! Only tools at or above a similarity floor are candidates, and only the best
//! [`Dense::depth`] of them: without that every tool of the catalog would be a candidate
//! of every query, however unrelated.

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
        let mut found: Vec<(f32, Scored)> = Vec::new();
        index.visit_visible(query.tenant, query.filters, |doc| {
            let Some(vector) = &doc.vector else {
                return;
            };
            let similarity = dot(wanted, vector);
            if similarity >= self.floor {
                found.push((
                    similarity,
                    Scored {
                        doc: doc.clone(),
                        score: 0.0,
                    },
                ));
            }
        });
        let best = |a: &(f32, Scored), b: &(f32, Scored)| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.doc.tool.tool_id.cmp(&b.1.doc.tool.tool_id))
        };
        if found.len() > self.depth {
            if self.depth > 0 {
                found.select_nth_unstable_by(self.depth - 1, best);
            }
            found.truncate(self.depth);
        }
        found
            .into_iter()
            .map(|(similarity, mut scored)| {
                scored.score = self.score(similarity);
                scored
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
}
