//! A selection query as the signals see it: its text analysed once, the tenant asking and
//! the filters that narrow the catalog before ranking.

use std::collections::BTreeMap;

use super::text::query_terms;
use crate::tool::ToolInfo;

/// Filters that narrow the catalog before ranking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    /// Categories a tool must be of; empty for any.
    pub allowed_categories: Vec<String>,
    /// Servers whose tools are left out.
    pub excluded_servers: Vec<String>,
}

impl Filters {
    /// Whether `tool` passes.
    pub fn admits(&self, tool: &ToolInfo) -> bool {
        (self.allowed_categories.is_empty() || self.allowed_categories.contains(&tool.category))
            && !self.excluded_servers.contains(&tool.server)
    }
}

/// One query, analysed once for every signal.
pub(crate) struct Query<'a> {
    /// The text as asked.
    #[allow(dead_code)] // Signals read its terms and its vector; kept for diagnostics.
    pub text: &'a str,
    /// Its embedding, when the gateway has a model (the dense signal reads it).
    pub vector: Option<&'a [f32]>,
    /// Its stemmed terms with their weights: its own (1), then their synonyms (below 1).
    pub terms: BTreeMap<String, f64>,
    /// The tenant asking: signals score only the tools it may see.
    pub tenant: &'a str,
    /// Only tools these admit are candidates.
    pub filters: &'a Filters,
}

impl<'a> Query<'a> {
    /// `text` asked by `tenant`, analysed, with its embedding if there is one.
    pub fn new(
        text: &'a str,
        vector: Option<&'a [f32]>,
        tenant: &'a str,
        filters: &'a Filters,
    ) -> Query<'a> {
        Query {
            text,
            vector,
            terms: query_terms(text),
            tenant,
            filters,
        }
    }
}
