//! Tool selection: ranks the catalog for a natural-language query over tool names,
//! descriptions, parameter names, server and category (camelCase and snake_case split),
//! within a tool count and a token budget; assigns tiers, a reason and related tools from
//! the relation graph. Deterministic for the same catalog: ties break on the tool id.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use connectors::api::{RelationType, types};
use rust_stemmers::{Algorithm, Stemmer};
use serde_json::{Map, Value};

use crate::config::RelationConfig;
use crate::index::{Hit, Index, Search};
use crate::registry::ToolInfo;

/// Estimated tokens a tool's definition costs in a prompt: about four characters per
/// token of its name, description and input schema as JSON.
pub(crate) fn estimate_tokens(
    name: &str,
    description: &str,
    input_schema: &Map<String, Value>,
) -> u64 {
    let schema = serde_json::to_string(input_schema)
        .map(|s| s.len())
        .unwrap_or(0);
    let chars = name.len() + description.len() + schema;
    (chars as u64).div_ceil(4) + 8
}

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "to", "of", "for", "in", "on", "and", "or", "with", "by", "from", "is",
    "are", "be", "me", "my", "i", "it", "its", "this", "that", "please", "some", "using", "use",
    "into", "as", "at", "can", "you", "your", "want", "need", "do", "how", "what", "which",
    "would", "like", "should", "could", "will", "we", "our", "then", "them", "they", "there",
];

/// Extra terms a query word brings along (with a lower weight).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "calculate",
        &["evaluate", "calculator", "arithmetic", "compute"],
    ),
    ("compute", &["evaluate", "calculator", "calculate"]),
    ("calc", &["evaluate", "calculator"]),
    ("average", &["mean", "statistic"]),
    ("mean", &["average", "statistic"]),
    ("memo", &["note"]),
    ("remember", &["note", "save", "add"]),
    ("save", &["add", "store"]),
    ("store", &["save", "add"]),
    ("write", &["add", "save"]),
    ("create", &["add", "new"]),
    ("lookup", &["search", "find", "get"]),
    ("grep", &["find", "search"]),
    ("search", &["find"]),
    ("find", &["search"]),
    ("remove", &["delete"]),
    ("erase", &["delete"]),
    ("uppercase", &["upper", "transform"]),
    ("lowercase", &["lower", "transform"]),
    ("capitalize", &["title", "transform"]),
    ("convert", &["transform"]),
    ("encode", &["base64"]),
    ("decode", &["base64"]),
    ("prime", &["count"]),
];

/// Lower-case words of `text`, split at non-alphanumerics, camelCase and letter/digit
/// boundaries, without stop words (not stemmed).
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut out);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = (c.is_uppercase() && (prev.is_lowercase() || prev.is_ascii_digit()))
                || (c.is_uppercase()
                    && prev.is_uppercase()
                    && next.is_some_and(|n| n.is_lowercase()))
                || (c.is_ascii_digit() != prev.is_ascii_digit() && prev.is_alphanumeric());
            if boundary {
                flush(&mut current, &mut out);
            }
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    if current.is_empty() {
        return;
    }
    let word = std::mem::take(current);
    if STOPWORDS.contains(&word.as_str()) {
        return;
    }
    out.push(word);
}

/// The Snowball (Porter 2) English stemmer, built once.
fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// The index terms of `text`: its [`words`], stemmed.
pub(crate) fn terms(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

/// A query's terms with their weights: its own terms (1), then their synonyms (0.6).
pub(crate) fn query_terms(query: &str) -> BTreeMap<String, f64> {
    let mut terms: BTreeMap<String, f64> = BTreeMap::new();
    for word in words(query) {
        terms.insert(stem(&word), 1.0);
        if let Some((_, extra)) = SYNONYMS.iter().find(|(w, _)| *w == word) {
            for synonym in extra.iter() {
                terms.entry(stem(synonym)).or_insert(0.6);
            }
        }
    }
    terms
}

/// The fields of a tool that a query is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Name,
    Server,
    Parameter,
    Category,
    Description,
}

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = 5;
    /// Every field, in index order.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Name,
        Field::Server,
        Field::Parameter,
        Field::Category,
        Field::Description,
    ];

    /// How much a match in this field counts.
    pub fn weight(self) -> f64 {
        match self {
            Field::Name => 3.0,
            Field::Server => 2.0,
            Field::Parameter => 1.5,
            Field::Category => 1.5,
            Field::Description => 1.0,
        }
    }

    /// How a reason names it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "the tool name",
            Field::Server => "the server name",
            Field::Parameter => "parameter names",
            Field::Category => "the category",
            Field::Description => "the description",
        }
    }
}

/// A tool with its relevance to a query.
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    pub tool: Arc<ToolInfo>,
    pub score: f64,
    pub reason: String,
}

/// Filters that narrow the catalog before ranking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    pub allowed_categories: Vec<String>,
    pub excluded_servers: Vec<String>,
}

impl Filters {
    /// Whether `tool` passes.
    pub fn admits(&self, tool: &ToolInfo) -> bool {
        (self.allowed_categories.is_empty() || self.allowed_categories.contains(&tool.category))
            && !self.excluded_servers.contains(&tool.server)
    }
}

/// How many of a search's best hits are put in order up front: enough for the largest
/// `maxTools` (100) when the budget does not skip any.
pub(crate) const ORDERED: usize = 128;

/// The best tools of `search` within `max_tools` and `token_budget`, each with its tier
/// (1..=3) and the reason it matched (worked out for the chosen ones only).
pub(crate) fn select(
    search: &mut Search,
    max_tools: usize,
    token_budget: u64,
) -> Vec<(Ranked, i64)> {
    let mut picked: Vec<usize> = Vec::new();
    let mut used = 0u64;
    let mut at = 0;
    while picked.len() < max_tools && at < search.hits.len() {
        // The search ordered only its best hits; a budget that skipped many needs the rest.
        // Ordering all keeps the ordered prefix where it is (the order is total).
        if at == search.ordered() {
            search.order_all();
        }
        let cost = search.hits[at].doc.tool.token_cost;
        if used + cost <= token_budget {
            used += cost;
            picked.push(at);
        }
        at += 1;
    }
    let chosen: Vec<&Hit> = picked.iter().map(|i| &search.hits[*i]).collect();
    let top = chosen.first().map(|r| r.score).unwrap_or(0.0);
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, hit)| {
            let relative = if top > 0.0 { hit.score / top } else { 0.0 };
            let tier = if i == 0 || relative >= 0.75 {
                1
            } else if relative >= 0.4 {
                2
            } else {
                3
            };
            let ranked = Ranked {
                tool: hit.doc.tool.clone(),
                score: hit.score,
                reason: hit.doc.reason(&search.terms),
            };
            (ranked, tier)
        })
        .collect()
}

/// How many times each pair of tool ids (the lesser first) ran together.
type PairCounts = HashMap<(String, String), u32>;

/// Relations between tools: declared ones, tools invoked together, and tools of the
/// same server.
pub(crate) struct RelationGraph {
    declared: Vec<(String, String, RelationType, f64)>,
    /// Per tenant: what one tenant runs together says nothing to (nor about) another.
    together: Mutex<HashMap<String, PairCounts>>,
    last_call: Mutex<HashMap<String, (String, Instant)>>,
}

/// The weight of the relation between two tools of the same server.
const SAME_SERVER_WEIGHT: f64 = 0.3;

/// Invocations by one tenant this close together count as "used together".
const TOGETHER_WINDOW: Duration = Duration::from_secs(600);

impl RelationGraph {
    pub fn new(config: &[RelationConfig]) -> RelationGraph {
        let mut declared: Vec<(String, String, RelationType, f64)> = [
            ("notes.add_note", "notes.search_notes", "PRECEDES", 0.6),
            ("notes.list_notes", "notes.get_note", "PRECEDES", 0.7),
            ("notes.get_note", "notes.list_notes", "DEPENDS_ON", 0.7),
            ("notes.delete_note", "notes.list_notes", "DEPENDS_ON", 0.7),
            (
                "text.base64_encode",
                "text.base64_decode",
                "OFTEN_USED_WITH",
                0.6,
            ),
            (
                "text.base64_decode",
                "text.base64_encode",
                "OFTEN_USED_WITH",
                0.6,
            ),
            ("text.find", "text.word_count", "OFTEN_USED_WITH", 0.4),
            ("math.statistics", "math.evaluate", "OFTEN_USED_WITH", 0.5),
            ("math.evaluate", "math.statistics", "OFTEN_USED_WITH", 0.5),
        ]
        .iter()
        .map(|(a, b, r, w)| (a.to_string(), b.to_string(), RelationType::from(*r), *w))
        .collect();
        for relation in config {
            declared.push((
                relation.from.clone(),
                relation.to.clone(),
                RelationType::from(relation.relation.as_str()),
                relation.weight.unwrap_or(0.8).clamp(0.0, 1.0),
            ));
        }
        RelationGraph {
            declared,
            together: Mutex::new(HashMap::new()),
            last_call: Mutex::new(HashMap::new()),
        }
    }

    /// Records that `tools` ran together (a batch), or that `tenant` ran one tool.
    pub fn record(&self, tenant: &str, tools: &[String]) {
        let mut all = self.together.lock().unwrap_or_else(PoisonError::into_inner);
        // Looked up first: the tenant's name is copied once, not on every invocation.
        if !all.contains_key(tenant) {
            all.insert(tenant.to_string(), PairCounts::new());
        }
        let Some(together) = all.get_mut(tenant) else {
            return;
        };
        let mut bump = |a: &str, b: &str| {
            if a != b {
                let key = if a < b {
                    (a.to_string(), b.to_string())
                } else {
                    (b.to_string(), a.to_string())
                };
                *together.entry(key).or_insert(0) += 1;
            }
        };
        for (i, a) in tools.iter().enumerate() {
            for b in tools.iter().skip(i + 1) {
                bump(a, b);
            }
        }
        if let Some(last) = tools.last() {
            let mut last_call = self
                .last_call
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((previous, at)) = last_call.get(tenant)
                && at.elapsed() < TOGETHER_WINDOW
                && tools.len() == 1
            {
                bump(previous, last);
            }
            match last_call.get_mut(tenant) {
                // Reuses the strings' buffers.
                Some((previous, at)) => {
                    previous.clone_from(last);
                    *at = Instant::now();
                }
                None => {
                    last_call.insert(tenant.to_string(), (last.clone(), Instant::now()));
                }
            }
        }
    }

    /// Tools related to `tool` among those `tenant` may see in `index`, strongest first.
    pub fn related(
        &self,
        tool: &ToolInfo,
        index: &Index,
        tenant: &str,
        only: Option<&RelationType>,
        limit: usize,
    ) -> Vec<types::RelatedTool> {
        let mut best: BTreeMap<String, types::RelatedTool> = BTreeMap::new();
        // `visible`: whether `tenant` may see `other` (asked of the index by the caller,
        // which may hold the index's lock already).
        let offer = |best: &mut BTreeMap<String, types::RelatedTool>,
                     other: &str,
                     visible: bool,
                     relation: RelationType,
                     weight: f64,
                     reason: &str| {
            if other == tool.tool_id || !visible {
                return;
            }
            if only.is_some_and(|o| *o != relation) {
                return;
            }
            let weight = (weight * 1000.0).round() / 1000.0;
            match best.get(other) {
                Some(existing) if existing.weight >= weight => {}
                _ => {
                    let candidate = types::RelatedTool {
                        tool_id: other.to_string(),
                        relation,
                        weight,
                        reason: Some(reason.to_string()),
                    };
                    best.insert(other.to_string(), candidate);
                }
            }
        };
        for (from, to, relation, weight) in &self.declared {
            if *from == tool.tool_id {
                let visible = index.contains(tenant, to);
                offer(
                    &mut best,
                    to,
                    visible,
                    relation.clone(),
                    *weight,
                    "declared relation",
                );
            }
        }
        {
            let all = self.together.lock().unwrap_or_else(PoisonError::into_inner);
            for ((a, b), count) in all.get(tenant).into_iter().flatten() {
                let other = if *a == tool.tool_id {
                    b
                } else if *b == tool.tool_id {
                    a
                } else {
                    continue;
                };
                let weight = (0.5 + 0.1 * f64::from(*count)).min(0.95);
                let visible = index.contains(tenant, other);
                offer(
                    &mut best,
                    other,
                    visible,
                    RelationType::OftenUsedWith,
                    weight,
                    &format!("invoked together {count} time(s)"),
                );
            }
        }
        // Every other tool of the server is related at one weight, and the answer ranks by
        // weight, then id: once `limit` tools of the server, in id order, are in `best` at
        // that weight or above, no later one (a greater id, at that weight) can make the
        // first `limit`. So the walk stops there instead of visiting every tool of the
        // server (1,000 and more for some servers) on each selection. The result is the
        // same as visiting them all.
        if only.is_none_or(|o| *o == RelationType::OftenUsedWith) && limit > 0 {
            let weight = (SAME_SERVER_WEIGHT * 1000.0).round() / 1000.0;
            let mut placed = 0;
            index.visit_server_tools_by_id(tenant, &tool.server, |other| {
                offer(
                    &mut best,
                    other,
                    true,
                    RelationType::OftenUsedWith,
                    SAME_SERVER_WEIGHT,
                    "same server",
                );
                if best.get(other).is_some_and(|e| e.weight >= weight) {
                    placed += 1;
                }
                placed < limit
            });
        }
        let mut related: Vec<types::RelatedTool> = best.into_values().collect();
        related.sort_by(|a, b| {
            b.weight
                .partial_cmp(&a.weight)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.tool_id.cmp(&b.tool_id))
        });
        related.truncate(limit);
        related
    }
}

/// The wire view of a tool (`ToolSelection`), with what its server declared: the title,
/// annotations, icons and `_meta`, and when `with_schema` its input and output schemas.
pub(crate) fn to_selection(
    tool: &ToolInfo,
    score: f64,
    tier: i64,
    with_schema: bool,
) -> types::ToolSelection {
    types::ToolSelection {
        title: tool.title.clone(),
        annotations: (!tool.annotations.is_empty())
            .then(|| serde_json::from_value(Value::Object(tool.annotations.clone())).ok())
            .flatten(),
        output_schema: if with_schema {
            tool.output_schema.clone()
        } else {
            Map::new()
        },
        icons: tool.icons.clone(),
        meta: tool.meta.clone(),
        tool_id: tool.tool_id.clone(),
        name: tool.name.clone(),
        description: tool.description.clone(),
        category: tool.category.clone(),
        score,
        token_cost: tool.token_cost,
        tier,
        schema: with_schema.then(|| tool_schema(tool)),
        load_url: Some(format!("/api/v1/tools/{}", tool.tool_id)),
        reason: None,
        related_tools: Vec::new(),
    }
}

/// The `ToolSchema` of a tool: its MCP input schema as the server declared it, whole.
pub(crate) fn tool_schema(tool: &ToolInfo) -> types::ToolSchema {
    types::ToolSchema {
        name: tool.name.clone(),
        description: Some(tool.description.clone()),
        parameters: tool.input_schema.clone(),
        examples: Vec::new(),
        rate_limit: None,
        requires_auth: Some(false),
    }
}

/// A short stable id (16 hex digits) for `parts`.
pub(crate) fn stable_id(parts: &[&str]) -> String {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(server: &str, name: &str, description: &str, params: &[&str]) -> ToolInfo {
        let mut properties = Map::new();
        for p in params {
            properties.insert((*p).to_string(), serde_json::json!({"type": "string"}));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        ToolInfo {
            server: server.into(),
            name: name.into(),
            tool_id: format!("{server}.{name}"),
            description: description.into(),
            category: server.into(),
            token_cost: estimate_tokens(name, description, &schema),
            input_schema: schema,
            output_schema: Map::new(),
            annotations: Map::new(),
            title: None,
            icons: Vec::new(),
            meta: Map::new(),
        }
    }

    fn index(catalog: &[ToolInfo]) -> Index {
        let index = Index::default();
        let mut servers: BTreeMap<&str, Vec<Arc<ToolInfo>>> = BTreeMap::new();
        for t in catalog {
            servers
                .entry(t.server.as_str())
                .or_default()
                .push(Arc::new(t.clone()));
        }
        for (generation, (server, tools)) in servers.into_iter().enumerate() {
            index.set_server(server, None, generation as u64, &tools);
        }
        index
    }

    fn ids(search: &Search) -> Vec<(String, f64)> {
        search
            .hits
            .iter()
            .map(|h| (h.doc.tool.tool_id.clone(), h.score))
            .collect()
    }

    #[test]
    fn splits_camel_and_snake_case() {
        assert_eq!(
            words("createPullRequest"),
            vec!["create", "pull", "request"]
        );
        assert_eq!(words("add_note"), vec!["add", "note"]);
        assert_eq!(words("HTTPServer v2"), vec!["http", "server", "v", "2"]);
        assert_eq!(words("the notes"), vec!["notes"]);
        assert_eq!(terms("the notes"), vec!["note"]);
        assert_eq!(
            terms("searching repositories"),
            terms("searched repository")
        );
    }

    #[test]
    fn ranks_name_matches_first_and_is_deterministic() {
        let catalog = vec![
            tool(
                "github",
                "createPullRequest",
                "Create a pull request",
                &["repo", "title"],
            ),
            tool(
                "github",
                "listBranches",
                "List branches of a repository",
                &["repo"],
            ),
            tool("notes", "add_note", "Save a note", &["title", "body"]),
        ];
        let index = index(&catalog);
        let query = "create a github pull request";
        let search = index.search("t", query, &Filters::default(), ORDERED);
        assert_eq!(search.hits[0].doc.tool.tool_id, "github.createPullRequest");
        assert!(
            search.hits[0]
                .doc
                .reason(&search.terms)
                .contains("the tool name")
        );
        assert!(search.hits.iter().all(|h| (0.0..=1.0).contains(&h.score)));
        let again = index.search("t", query, &Filters::default(), ORDERED);
        assert_eq!(ids(&search), ids(&again));
        let excluded = index.search(
            "t",
            query,
            &Filters {
                excluded_servers: vec!["github".into()],
                ..Filters::default()
            },
            ORDERED,
        );
        assert!(excluded.hits.iter().all(|h| h.doc.tool.server != "github"));
    }

    #[test]
    fn updates_incrementally_and_keeps_tenants_apart() {
        let index = index(&[tool("notes", "add_note", "Save a note", &["title"])]);
        let mine = vec![Arc::new(tool(
            "crm",
            "add_contact",
            "Save a contact",
            &["email"],
        ))];
        index.set_server("crm", Some("alice"), 7, &mine);
        let hits = |tenant: &str| {
            ids(&index.search(tenant, "save a contact", &Filters::default(), ORDERED))
        };
        assert_eq!(hits("alice")[0].0, "crm.add_contact");
        assert!(hits("bob").iter().all(|(id, _)| id != "crm.add_contact"));
        assert!(index.contains("alice", "crm.add_contact"));
        assert!(!index.contains("bob", "crm.add_contact"));
        // A stale removal (another generation) keeps the server; the right one drops it.
        index.remove_server("crm", Some("alice"), 6);
        assert!(index.contains("alice", "crm.add_contact"));
        index.remove_server("crm", Some("alice"), 7);
        assert!(!index.contains("alice", "crm.add_contact"));
        assert!(hits("alice").iter().all(|(id, _)| id != "crm.add_contact"));
        assert_eq!(index.len("alice"), 1);
        // A removed tool's slot is reused and its postings are its own again.
        index.set_server("crm", Some("alice"), 8, &mine);
        assert_eq!(hits("alice")[0].0, "crm.add_contact");
        assert_eq!(
            index.server_tool_ids("alice", "crm"),
            vec!["crm.add_contact"]
        );
        assert!(index.server_tool_ids("bob", "crm").is_empty());
    }

    #[test]
    fn related_tools_of_a_large_server_are_those_of_a_full_walk() {
        // Listed out of id order, so that the walk's id order is not the listing's.
        let mut catalog: Vec<ToolInfo> = (0..40)
            .rev()
            .map(|i| tool("big", &format!("t{i:02}"), "Do a thing", &["x"]))
            .collect();
        catalog.push(tool("other", "far", "Elsewhere", &["y"]));
        let index = index(&catalog);
        let relation = |to: &str, relation: &str, weight: f64| RelationConfig {
            from: "big.t20".into(),
            to: to.into(),
            relation: relation.into(),
            weight: Some(weight),
        };
        let graph = RelationGraph::new(&[
            relation("big.t39", "PRECEDES", 0.9),
            // Below the same-server weight: the same-server relation replaces it.
            relation("big.t35", "DEPENDS_ON", 0.2),
            relation("other.far", "ALTERNATIVE_TO", 0.2),
        ]);
        let Some(t20) = catalog.iter().find(|t| t.tool_id == "big.t20") else {
            panic!("no big.t20");
        };
        let ids = |only: Option<&RelationType>, limit: usize| -> Vec<(String, f64)> {
            graph
                .related(t20, &index, "t", only, limit)
                .into_iter()
                .map(|r| (r.tool_id, r.weight))
                .collect()
        };
        let same = |i: usize| (format!("big.t{i:02}"), 0.3);
        let mut first = vec![("big.t39".to_string(), 0.9)];
        first.extend((0..4).map(same));
        assert_eq!(ids(None, 5), first);
        // Everything: the strong relation, every other tool of the server at 0.3 (t35's
        // weaker declared one replaced), then the weak one to another server.
        let mut all = vec![("big.t39".to_string(), 0.9)];
        all.extend((0..39).filter(|i| *i != 20).map(same));
        all.push(("other.far".to_string(), 0.2));
        assert_eq!(ids(None, 100), all);
        assert_eq!(ids(None, 0), Vec::new());
        // Only PRECEDES: no same-server relation at all.
        assert_eq!(
            ids(Some(&RelationType::Precedes), 5),
            vec![("big.t39".to_string(), 0.9)]
        );
        assert_eq!(
            ids(Some(&RelationType::OftenUsedWith), 3),
            (0..3).map(same).collect::<Vec<_>>()
        );
    }

    #[test]
    fn respects_count_and_budget() {
        let catalog = vec![
            tool("notes", "add_note", "Save a note", &["title", "body"]),
            tool("notes", "search_notes", "Search notes", &["query"]),
            tool("notes", "get_note", "Read one note", &["id"]),
        ];
        let index = index(&catalog);
        let mut search = index.search("t", "note", &Filters::default(), 1);
        assert_eq!(search.hits.len(), 3);
        assert_eq!(select(&mut search, 2, 100_000).len(), 2);
        let cheapest = catalog.iter().map(|t| t.token_cost).min().unwrap_or(0);
        // Only one hit is ordered up front: the budget skips past it and orders the rest.
        let chosen = select(&mut search, 10, cheapest);
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].1, 1);
        let cheapest_id = catalog
            .iter()
            .filter(|t| t.token_cost == cheapest)
            .map(|t| t.tool_id.as_str())
            .min();
        assert_eq!(Some(chosen[0].0.tool.tool_id.as_str()), cheapest_id);
    }
}
