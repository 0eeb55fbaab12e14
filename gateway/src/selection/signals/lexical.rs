//! The lexical signal: BM25F over tool names, servers, parameter names, categories and
//! descriptions ([`Index::bm25f`]), divided by what a tool matching every query word in
//! its name would get and capped, so that scores stay within 0..1 (four decimals).

use std::collections::BTreeMap;

use super::Signal;
use crate::selection::index::{Doc, Index, Matches, Scored};
use crate::selection::query::Query;
use crate::selection::text::Field;

/// Words of the query in the tool's fields, stemmed, with synonyms and shared prefixes.
pub(crate) struct Lexical;

impl Signal for Lexical {
    fn name(&self) -> &'static str {
        "lexical"
    }

    fn candidates(&self, index: &Index, query: &Query<'_>) -> Vec<Scored> {
        let Matches { mut hits, ideal } = index.bm25f(query.tenant, &query.terms, query.filters);
        for hit in &mut hits {
            hit.score = ((hit.score / ideal).min(1.0) * 10_000.0).round() / 10_000.0;
        }
        hits
    }

    /// Each query word (weight 1) under the field it matched best.
    fn explain(&self, query: &Query<'_>, doc: &Doc) -> String {
        let mut matched: BTreeMap<Field, Vec<&str>> = BTreeMap::new();
        for (term, _) in query.terms.iter().filter(|(_, w)| **w >= 1.0) {
            let best = Field::ALL
                .iter()
                .map(|f| (doc.strength(*f, term) * f.weight(), *f))
                .filter(|(s, _)| *s > 0.0)
                .fold(None::<(f64, Field)>, |best, c| match best {
                    Some(b) if b.0 >= c.0 => Some(b),
                    _ => Some(c),
                });
            if let Some((_, field)) = best {
                matched.entry(field).or_default().push(term);
            }
        }
        if matched.is_empty() {
            return "related to the query by synonyms".to_string();
        }
        let parts: Vec<String> = matched
            .iter()
            .map(|(field, terms)| {
                let quoted: Vec<String> = terms.iter().map(|t| format!("'{t}'")).collect();
                format!("{} in {}", quoted.join(", "), field.label())
            })
            .collect();
        format!("matches {}", parts.join("; "))
    }
}
