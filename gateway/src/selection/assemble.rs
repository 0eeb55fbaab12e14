//! A selection's answer as the gateway's own values: the tools chosen with their tiers and
//! reasons, the tokens they cost, their related tools, and a plan (guidance). The routes
//! map these to the wire types.

use std::collections::BTreeSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::Value;

use super::index::Index;
use super::query::{Filters, Query};
use super::rank::{ORDERED, Ranked, Ranker};
use super::relations::{Related, RelationGraph};
use crate::tool::ToolInfo;

/// What selection reads: the index, the relations and the ranking, for one tenant.
pub(crate) struct Selector<'a> {
    /// The catalog's index.
    pub index: &'a Index,
    /// The relations between tools.
    pub relations: &'a RelationGraph,
    /// How candidates are ranked.
    pub ranker: &'a Ranker,
    /// The tenant selecting.
    pub tenant: &'a str,
}

/// The tools chosen for one query.
pub(crate) struct Selection {
    /// Best first, each with its tier and reason.
    pub chosen: Vec<Ranked>,
    /// Estimated tokens of every candidate.
    pub available_tokens: u64,
    /// Estimated tokens of the chosen tools.
    pub used_tokens: u64,
}

/// A plan for using the chosen tools.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Guidance {
    /// The tier 1 tools.
    pub main_tools: Vec<String>,
    /// The other chosen tools and those related to the main ones, by id.
    pub related_tools: Vec<String>,
    /// The servers of the chosen tools, by name.
    pub toolkits: Vec<String>,
    /// One step per main tool (with its required parameters), then a last check.
    pub plan: Vec<String>,
    /// What to watch for.
    pub pitfalls: Vec<String>,
    /// "easy", "medium" or "hard", by the number of main tools.
    pub difficulty: &'static str,
    /// A stable id of the query and its main tools.
    pub cached_plan_id: String,
}

/// One query of a batch, answered.
pub(crate) struct BatchItem {
    /// The tools chosen.
    pub chosen: Vec<Ranked>,
    /// Tools related to the chosen ones (not chosen themselves), by id; empty unless asked.
    pub related_tools: Vec<String>,
    /// The servers of the chosen tools, by name.
    pub toolkits: Vec<String>,
    /// The plan, when asked.
    pub guidance: Option<Guidance>,
}

/// What a batch asks of each of its queries.
pub(crate) struct BatchOptions {
    /// Most tools per query.
    pub max_tools: usize,
    /// Most estimated tokens per query.
    pub token_budget: u64,
    /// Whether to list related tools.
    pub include_related: bool,
    /// Whether to make a plan.
    pub include_guidance: bool,
}

impl Selector<'_> {
    /// The best tools for `query` (whose embedding is `vector`, when the gateway has a
    /// model) among those `filters` admit, within `max_tools` and `token_budget`.
    pub fn select(
        &self,
        query: &str,
        vector: Option<&[f32]>,
        filters: &Filters,
        max_tools: usize,
        token_budget: u64,
    ) -> Selection {
        let query = Query::new(query, vector, self.tenant, filters);
        let mut ranking = self.ranker.rank(self.index, query, ORDERED);
        let available_tokens = ranking.available_tokens();
        let chosen = ranking.pick(max_tools, token_budget);
        let used_tokens = chosen.iter().map(|r| r.tool.token_cost).sum();
        Selection {
            chosen,
            available_tokens,
            used_tokens,
        }
    }

    /// Tools related to `tool`, strongest first, at most `limit`.
    pub fn related(&self, tool: &ToolInfo, limit: usize) -> Vec<Related> {
        self.relations
            .related(tool, self.index, self.tenant, None, limit)
    }

    /// One query of a batch (with its embedding, when the gateway has a model).
    pub fn batch_item(
        &self,
        query: &str,
        vector: Option<&[f32]>,
        filters: &Filters,
        options: &BatchOptions,
    ) -> BatchItem {
        let chosen = self
            .select(
                query,
                vector,
                filters,
                options.max_tools,
                options.token_budget,
            )
            .chosen;
        let main: Vec<&str> = chosen.iter().map(|r| r.tool.tool_id.as_str()).collect();
        let mut related = BTreeSet::new();
        let mut toolkits = BTreeSet::new();
        for r in &chosen {
            toolkits.insert(r.tool.server.clone());
            if options.include_related {
                for rel in self.related(&r.tool, 3) {
                    if !main.contains(&rel.tool_id.as_str()) {
                        related.insert(rel.tool_id);
                    }
                }
            }
        }
        let guidance = options
            .include_guidance
            .then(|| self.guidance(query, &chosen));
        BatchItem {
            related_tools: related.into_iter().collect(),
            toolkits: toolkits.into_iter().collect(),
            guidance,
            chosen,
        }
    }

    /// A plan for `chosen`, the tools selected for `query`.
    pub fn guidance(&self, query: &str, chosen: &[Ranked]) -> Guidance {
        let main: Vec<String> = chosen
            .iter()
            .filter(|r| r.tier == 1)
            .map(|r| r.tool.tool_id.clone())
            .collect();
        let mut related: BTreeSet<String> = chosen
            .iter()
            .filter(|r| r.tier != 1)
            .map(|r| r.tool.tool_id.clone())
            .collect();
        for r in chosen.iter().filter(|r| r.tier == 1) {
            for rel in self.related(&r.tool, 3) {
                if !main.contains(&rel.tool_id) {
                    related.insert(rel.tool_id);
                }
            }
        }
        let toolkits: BTreeSet<String> = chosen.iter().map(|r| r.tool.server.clone()).collect();
        let mut plan = Vec::new();
        let mut pitfalls = Vec::new();
        for r in chosen.iter().filter(|r| r.tier == 1) {
            let required: Vec<String> = r
                .tool
                .input_schema
                .get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if required.is_empty() {
                plan.push(format!("Call {} ({}).", r.tool.tool_id, r.tool.description));
            } else {
                plan.push(format!(
                    "Call {} with {} ({}).",
                    r.tool.tool_id,
                    required.join(", "),
                    r.tool.description
                ));
                pitfalls.push(format!(
                    "{} requires: {}.",
                    r.tool.tool_id,
                    required.join(", ")
                ));
            }
        }
        if plan.is_empty() {
            plan.push("No tool in the catalog matches this request; refine the query or deploy an MCP server that offers it.".into());
        } else {
            plan.push("Check each result's isError flag before using its content.".into());
        }
        pitfalls
            .push("Invoke tools with toolId `<server>.<tool>` and integration `<server>`.".into());
        let difficulty = match main.len() {
            0 | 1 => "easy",
            2 | 3 => "medium",
            _ => "hard",
        };
        let mut parts = vec![query];
        parts.extend(main.iter().map(String::as_str));
        let cached_plan_id = stable_id(&parts);
        Guidance {
            main_tools: main,
            related_tools: related.into_iter().collect(),
            toolkits: toolkits.into_iter().collect(),
            plan,
            pitfalls,
            difficulty,
            cached_plan_id,
        }
    }
}

/// The filters of one batch query: `base`, narrowed by its `known_fields`
/// ("key:value, key:value"): a `category` of the catalog's `categories` replaces the
/// allowed categories, a `toolkit` (or `server`, `integration`) of its `servers` excludes
/// every other server.
pub(crate) fn batch_filters(
    base: &Filters,
    known_fields: Option<&str>,
    categories: &BTreeSet<&str>,
    servers: &BTreeSet<&str>,
) -> Filters {
    let mut filters = base.clone();
    for pair in known_fields.unwrap_or("").split(',') {
        if let Some((key, value)) = pair.split_once(':') {
            let (key, value) = (key.trim(), value.trim());
            if key == "category" && categories.contains(value) {
                filters.allowed_categories = vec![value.to_string()];
            }
            if (key == "toolkit" || key == "server" || key == "integration")
                && servers.contains(value)
            {
                filters.excluded_servers = servers
                    .iter()
                    .filter(|s| **s != value)
                    .map(|s| s.to_string())
                    .collect();
            }
        }
    }
    filters
}

/// A short stable id (16 hex digits) for `parts`.
fn stable_id(parts: &[&str]) -> String {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
