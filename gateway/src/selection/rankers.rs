//! The gateway's rankings, one per [`SelectionRanking`], with the parameters measurement
//! chose (`cargo test -p connectors-gateway --test selection_quality`, on the development
//! requests of `gateway/eval/requests.json` only; no choice was made on the held-out
//! ones' scores). On the development set, fused recall@1 / recall@5 / MRR:
//! reciprocal rank fusion (k 60) 0.744 / 0.945 / 0.835, k 10 0.749 / 0.963 / 0.842; the
//! weighted sum with the dense signal at weight 2 and floor 0.2 0.776 / 0.963 / 0.858, at
//! floor 0.1 0.790 / 0.973 / 0.868 (weights 1 to 3 within a request of that).

use std::sync::OnceLock;

use super::rank::{Fusion, Ranker};
use super::signals::{Dense, Lexical};
use crate::config::SelectionRanking;

/// The dense signal as every ranking uses it: cosine similarity from 0.1 up (all-MiniLM
/// rarely gives an unrelated tool more), the 50 most similar tools.
fn dense() -> Dense {
    Dense {
        floor: 0.1,
        depth: 50,
    }
}

/// The dense signal's weight beside the lexical one's 1 in the fused ranking: the
/// lexical score reaches 1 only when every word of the request is in a tool's name,
/// while the similarity of a good paraphrase stays near 0.5 to 0.7.
const DENSE_WEIGHT: f64 = 2.0;

impl Ranker {
    /// The ranking of `ranking`; the same instance on every call.
    pub fn of(ranking: SelectionRanking) -> &'static Ranker {
        static LEXICAL: OnceLock<Ranker> = OnceLock::new();
        static DENSE: OnceLock<Ranker> = OnceLock::new();
        static FUSED: OnceLock<Ranker> = OnceLock::new();
        match ranking {
            SelectionRanking::Lexical => {
                LEXICAL.get_or_init(|| Ranker::new(Fusion::WeightedSum).with(Lexical, 1.0))
            }
            SelectionRanking::Dense => {
                DENSE.get_or_init(|| Ranker::new(Fusion::WeightedSum).with(dense(), 1.0))
            }
            SelectionRanking::Fused => FUSED.get_or_init(|| {
                Ranker::new(Fusion::WeightedSum)
                    .with(Lexical, 1.0)
                    .with(dense(), DENSE_WEIGHT)
            }),
        }
    }

    /// The lexical ranking (the one without a model).
    #[cfg(test)]
    pub fn standard() -> &'static Ranker {
        Ranker::of(SelectionRanking::Lexical)
    }
}
