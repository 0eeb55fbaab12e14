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
    /// The text as asked, for signals that read it whole (a dense one would embed it).
    #[allow(dead_code)] // The lexical signal reads the terms; no signal reads the text yet.
    pub text: &'a str,
    /// Its stemmed terms with their weights: its own (1), then their synonyms (below 1).
    pub terms: BTreeMap<String, f64>,
    /// The tenant asking: signals score only the tools it may see.
    pub tenant: &'a str,
    /// Only tools these admit are candidates.
    pub filters: &'a Filters,
}

impl<'a> Query<'a> {
    /// `text` asked by `tenant`, analysed.
    pub fn new(text: &'a str, tenant: &'a str, filters: &'a Filters) -> Query<'a> {
        Query {
            text,
            terms: query_terms(text),
            tenant,
            filters,
        }
    }
}
