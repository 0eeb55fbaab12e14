//! BM25F over the index's postings: the term frequencies of a tool's fields are weighted
//! (name over server, parameters and category over description), the description's is
//! normalised by its length, and each term contributes `idf * tf * (k1 + 1) / (tf + k1)`.
//! A query term also matches the dictionary terms it prefixes or that prefix it (at
//! [`PARTIAL`] strength), and a term adds only its best expansion to a tool. Statistics
//! (documents, document frequencies, description lengths) are kept per visibility scope,
//! the platform's and each tenant's, so a tenant's scores depend only on the tools it can
//! see.

use std::collections::BTreeMap;

use super::{Doc, Index, Posting, Scored};
use crate::selection::query::Filters;
use crate::selection::text::Field;

/// BM25's saturation constant.
const K1: f64 = 1.2;
/// BM25's length normalisation, applied to the description (the other fields are a few
/// words each, where length says little).
const B: f64 = 0.75;
/// A dictionary term that only shares a prefix with a query term counts this much.
const PARTIAL: f64 = 0.6;
/// Shortest query term (in bytes) that is expanded to the dictionary terms it prefixes.
const MIN_PREFIX: usize = 4;
/// Most dictionary terms one query term expands to, so that a short prefix cannot make a
/// query walk a large part of the index.
const MAX_EXPANSIONS: usize = 16;

/// The tools that match a query's terms, with their raw BM25F scores.
pub(crate) struct Matches {
    /// Tools that match at least one term (score above 0), in no particular order.
    pub hits: Vec<Scored>,
    /// What a tool matching every query term of weight 1 in its name would score: the
    /// scale a signal divides by to bring scores within 0..1 (above 0).
    pub ideal: f64,
}

impl Doc {
    /// How strongly `term` matches `field`: exactly (1), by a shared prefix
    /// ([`PARTIAL`]), or not at all (0).
    pub fn strength(&self, field: Field, term: &str) -> f64 {
        let words = &self.fields[field as usize];
        if words
            .binary_search_by(|(w, _)| w.as_str().cmp(term))
            .is_ok()
        {
            return 1.0;
        }
        if term.len() >= MIN_PREFIX
            && words.iter().any(|(w, _)| {
                w.len() >= MIN_PREFIX && (w.starts_with(term) || term.starts_with(w.as_str()))
            })
        {
            return PARTIAL;
        }
        0.0
    }
}

impl Index {
    /// The tools `tenant` may see that `filters` admit and that match at least one of
    /// `terms` (stemmed, with their weights), with their raw BM25F scores.
    pub fn bm25f(&self, tenant: &str, terms: &BTreeMap<String, f64>, filters: &Filters) -> Matches {
        let inner = self.read();
        let platform = inner.stats.get(&None);
        let own = inner.stats.get(&Some(tenant.to_string()));
        let docs = platform.map_or(0, |s| s.docs) + own.map_or(0, |s| s.docs);
        if terms.is_empty() || docs == 0 {
            return Matches {
                hits: Vec::new(),
                ideal: f64::MIN_POSITIVE,
            };
        }
        let n = docs as f64;
        let average_len = (platform.map_or(0, |s| s.description_len)
            + own.map_or(0, |s| s.description_len)) as f64
            / n;
        let idf = |term: &str| {
            let df = platform.and_then(|s| s.df.get(term)).copied().unwrap_or(0)
                + own.and_then(|s| s.df.get(term)).copied().unwrap_or(0);
            let df = f64::from(df);
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        };
        let name_weight = Field::Name.weight();
        let maximum: f64 = terms
            .iter()
            .filter(|(_, w)| **w >= 1.0)
            .map(|(t, w)| w * idf(t) * name_weight * (K1 + 1.0) / (name_weight + K1))
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);

        // Dense per-slot accumulators (no hashing on the hot path); `touched` lists the
        // slots to read back and reset.
        let mut scores = vec![0.0f64; inner.slots.len()];
        let mut best = vec![0.0f64; inner.slots.len()];
        let mut scored: Vec<u32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (term, weight) in terms {
            for (word, strength) in expansions(&inner.postings, term) {
                let Some(postings) = inner.postings.get(word) else {
                    continue;
                };
                let idf = idf(word);
                for posting in postings {
                    let Some(doc) = inner
                        .slots
                        .get(posting.slot as usize)
                        .and_then(Option::as_ref)
                    else {
                        continue;
                    };
                    if !doc.visible_to(tenant) || !filters.admits(&doc.tool) {
                        continue;
                    }
                    let norm = 1.0 - B + B * f64::from(doc.description_len) / average_len.max(1.0);
                    let mut tf = 0.0;
                    for field in Field::ALL {
                        let count = f64::from(posting.tf[field as usize]);
                        tf += if field == Field::Description {
                            field.weight() * count / norm
                        } else {
                            field.weight() * count
                        };
                    }
                    let score = weight * strength * idf * tf * (K1 + 1.0) / (tf + K1);
                    let slot = posting.slot as usize;
                    if best[slot] == 0.0 {
                        touched.push(posting.slot);
                    }
                    if score > best[slot] {
                        best[slot] = score;
                    }
                }
            }
            // A term adds its best expansion once per tool; terms are added in the same
            // order on every run, so the sums are too.
            for slot in touched.drain(..) {
                let slot_index = slot as usize;
                if scores[slot_index] == 0.0 {
                    scored.push(slot);
                }
                scores[slot_index] += best[slot_index];
                best[slot_index] = 0.0;
            }
        }
        let hits: Vec<Scored> = scored
            .into_iter()
            .filter_map(|slot| {
                let score = scores[slot as usize];
                if score <= 0.0 {
                    return None;
                }
                let doc = inner.slots.get(slot as usize)?.as_ref()?.clone();
                Some(Scored { doc, score })
            })
            .collect();
        Matches {
            hits,
            ideal: maximum,
        }
    }
}

/// The dictionary terms `term` stands for, with their strength: itself, the terms it is a
/// prefix of and the terms that are a prefix of it (at least [`MIN_PREFIX`] bytes each).
fn expansions<'a>(
    postings: &'a BTreeMap<String, Vec<Posting>>,
    term: &'a str,
) -> Vec<(&'a str, f64)> {
    let mut out = vec![(term, 1.0)];
    if term.len() < MIN_PREFIX {
        return out;
    }
    out.extend(
        postings
            .range::<str, _>((std::ops::Bound::Excluded(term), std::ops::Bound::Unbounded))
            .map(|(w, _)| w.as_str())
            .take_while(|w| w.starts_with(term))
            .take(MAX_EXPANSIONS)
            .map(|w| (w, PARTIAL)),
    );
    for end in MIN_PREFIX..term.len() {
        if let Some(prefix) = term.get(..end)
            && let Some((word, _)) = postings.get_key_value(prefix)
        {
            out.push((word.as_str(), PARTIAL));
        }
    }
    out
}
