//! Tool selection: ranks the catalog for a natural-language query within a tool count and a
//! token budget, with tiers, reasons and related tools. Deterministic for the same
//! catalog: ties break on the tool id.
//!
//! One job per module, each using only those listed before it:
//! [`text`] (words, stemming, synonyms, a tool's fields as terms), [`query`] (an analysed
//! query and its filters), [`index`] (candidates and BM25F field scores), [`signals`]
//! (the [`signals::Signal`]s that score candidates and explain: by words, by meaning),
//! [`rank`] (fusing the signals, order, tiers, the budget), [`rankers`] (the gateway's
//! rankings), [`relations`] (the relation graph) and [`assemble`] (a selection's answer
//! as the gateway's own values).

mod assemble;
#[cfg(test)]
pub(crate) mod fixtures;
mod index;
mod query;
mod rank;
mod rankers;
mod relations;
mod signals;
mod text;

pub(crate) use assemble::{BatchOptions, Guidance, Selector, batch_filters};
pub(crate) use index::{Index, Vector};
pub(crate) use query::Filters;
pub(crate) use rank::Ranker;
pub(crate) use relations::{Related, RelationGraph};
