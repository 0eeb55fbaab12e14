//! Signals: each finds candidate tools for a query, scores them within 0..1 and explains
//! its score. [`super::rank`] fuses the scores of every registered signal; a new
//! ingredient of the ranking is a new [`Signal`], registered in [`super::rank::Ranker`].

mod dense;
mod lexical;

pub(crate) use dense::Dense;
pub(crate) use lexical::Lexical;

use super::index::{Doc, Index, Scored};
use super::query::Query;

/// One ingredient of the ranking.
///
/// A signal produces its own candidates, so that one that can score any tool (a dense
/// embedding signal, say) can bring tools that share no word with the query, while the
/// lexical one reads only the postings of the query's terms.
pub(crate) trait Signal: Send + Sync {
    /// A short name for the signal (tests and diagnostics).
    #[cfg_attr(not(test), allow(dead_code))] // Read by tests only so far.
    fn name(&self) -> &'static str;

    /// The tools of `index` this signal finds for `query`, each with its score in 0..1,
    /// in any order. Only tools the query's tenant may see and its filters admit; a tool
    /// left out (or scored 0) counts as 0 for this signal. Deterministic for the same
    /// index and query.
    fn candidates(&self, index: &Index, query: &Query<'_>) -> Vec<Scored>;

    /// Why `doc`, which this signal scored above 0 for `query`, matches it: the reason a
    /// selection shows (signals' reasons are joined when several scored a tool).
    fn explain(&self, query: &Query<'_>, doc: &Doc) -> String;
}
