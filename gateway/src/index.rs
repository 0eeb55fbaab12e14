//! The selection index: every tool's fields tokenized and stemmed once, when its server's
//! tools are discovered, into an inverted index (term -> postings with per-field term
//! frequencies). It is updated incrementally when a server is deployed, restarted or
//! removed; a query reads only the postings of its own terms (and of their prefix
//! expansions) and never walks the catalog.
//!
//! Ranking is BM25F: the term frequencies of a tool's fields are weighted (name over
//! server, parameters and category over description), the description's is normalised by
//! its length, and each term contributes `idf * tf * (k1 + 1) / (tf + k1)`. Statistics
//! (documents, document frequencies, description lengths) are kept per visibility scope,
//! the platform's and each tenant's, so a tenant's scores depend only on the tools it can
//! see. Scores are divided by what a tool matching every query word in its name would
//! get, and capped, so they stay within 0..1; ties break on the tool id.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;

use crate::registry::ToolInfo;
use crate::scoped::Scoped;
use crate::selection::{Field, Filters, query_terms, terms};

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

/// One tool as indexed.
pub(crate) struct Doc {
    /// The tool.
    pub tool: Arc<ToolInfo>,
    /// The tenant that owns the tool's server, `None` for a platform server.
    owner: Option<String>,
    /// Each field's stemmed terms with their counts, sorted by term.
    fields: [Vec<(String, u16)>; Field::COUNT],
    /// Terms in the description.
    description_len: u32,
}

impl Doc {
    fn visible_to(&self, tenant: &str) -> bool {
        self.owner.as_deref().is_none_or(|owner| owner == tenant)
    }

    /// How strongly `term` matches `field`: exactly (1), by a shared prefix
    /// ([`PARTIAL`]), or not at all (0).
    fn strength(&self, field: Field, term: &str) -> f64 {
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

    /// Why the tool matched: each query word (weight 1) under the field it matched best.
    pub fn reason(&self, query: &BTreeMap<String, f64>) -> String {
        let mut matched: BTreeMap<Field, Vec<&str>> = BTreeMap::new();
        for (term, _) in query.iter().filter(|(_, w)| **w >= 1.0) {
            let best = Field::ALL
                .iter()
                .map(|f| (self.strength(*f, term) * f.weight(), *f))
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

/// One tool in a term's postings: the term's count in each field.
#[derive(Clone, Copy)]
struct Posting {
    slot: u32,
    tf: [u16; Field::COUNT],
}

/// Counts of one visibility scope (the platform, or one tenant).
#[derive(Default)]
struct Stats {
    docs: u64,
    description_len: u64,
    df: HashMap<String, u32>,
}

/// A server's tools in the index.
struct ServerEntry {
    generation: u64,
    /// In the order the server listed them.
    slots: Vec<u32>,
    /// The same slots in tool id order, so that the "same server" relations, which all
    /// weigh the same and rank by id, are read from the first ids only instead of from
    /// every tool of the server on each selection.
    by_id: Vec<u32>,
}

#[derive(Default)]
struct Inner {
    slots: Vec<Option<Arc<Doc>>>,
    free: Vec<u32>,
    postings: BTreeMap<String, Vec<Posting>>,
    /// Slots by tool id, in the owner's scope: two tenants' servers of one name give
    /// tools of the same id, each seen only by its tenant.
    by_id: Scoped<u32>,
    servers: Scoped<ServerEntry>,
    /// Keyed by owner: `None` for the platform.
    stats: HashMap<Option<String>, Stats>,
}

/// A tool with its relevance to a query.
pub(crate) struct Hit {
    /// The tool as indexed.
    pub doc: Arc<Doc>,
    /// Relevance in 0..1 (four decimals).
    pub score: f64,
}

/// The query's terms and the tools that match at least one, best first.
pub(crate) struct Search {
    /// Stemmed query terms with their weights (synonyms below 1).
    pub terms: BTreeMap<String, f64>,
    /// Matching tools; the first `ordered` best first (ties by tool id), the rest after
    /// them in no particular order until [`Search::order_all`].
    pub hits: Vec<Hit>,
    ordered: usize,
}

/// The index of every server's tools.
#[derive(Default)]
pub(crate) struct Index {
    inner: RwLock<Inner>,
}

fn document(tool: &Arc<ToolInfo>, owner: Option<&str>) -> Doc {
    let count = |words: Vec<String>| {
        let mut counts: BTreeMap<String, u16> = BTreeMap::new();
        for w in words {
            let c = counts.entry(w).or_insert(0);
            *c = c.saturating_add(1);
        }
        counts.into_iter().collect::<Vec<_>>()
    };
    let parameters: Vec<String> = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| props.keys().flat_map(|k| terms(k)).collect())
        .unwrap_or_default();
    let description = terms(&tool.description);
    let description_len = description.len() as u32;
    let mut fields: [Vec<(String, u16)>; Field::COUNT] = Default::default();
    fields[Field::Name as usize] = count(terms(&tool.name));
    fields[Field::Server as usize] = count(terms(&tool.server));
    fields[Field::Parameter as usize] = count(parameters);
    fields[Field::Category as usize] = count(terms(&tool.category));
    fields[Field::Description as usize] = count(description);
    Doc {
        tool: tool.clone(),
        owner: owner.map(str::to_string),
        fields,
        description_len,
    }
}

impl Inner {
    fn add(&mut self, doc: Doc) -> Option<u32> {
        if self
            .by_id
            .get(doc.owner.as_deref(), &doc.tool.tool_id)
            .is_some()
        {
            // A server that lists one name twice: the first definition is the tool.
            return None;
        }
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).ok()?
            }
        };
        let mut tfs: BTreeMap<&str, [u16; Field::COUNT]> = BTreeMap::new();
        for field in Field::ALL {
            for (term, count) in &doc.fields[field as usize] {
                tfs.entry(term.as_str()).or_default()[field as usize] = *count;
            }
        }
        let stats = self.stats.entry(doc.owner.clone()).or_default();
        stats.docs += 1;
        stats.description_len += u64::from(doc.description_len);
        for (term, tf) in tfs {
            *stats.df.entry(term.to_string()).or_insert(0) += 1;
            let postings = self.postings.entry(term.to_string()).or_default();
            // Slots are reused, so keep each posting list sorted for removal by search.
            let at = postings.partition_point(|p| p.slot < slot);
            postings.insert(at, Posting { slot, tf });
        }
        self.by_id
            .insert(doc.owner.as_deref(), doc.tool.tool_id.clone(), slot);
        self.slots[slot as usize] = Some(Arc::new(doc));
        Some(slot)
    }

    fn remove(&mut self, slot: u32) {
        let Some(doc) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        self.free.push(slot);
        self.by_id.remove(doc.owner.as_deref(), &doc.tool.tool_id);
        let mut seen: Vec<&str> = Field::ALL
            .iter()
            .flat_map(|f| doc.fields[*f as usize].iter().map(|(t, _)| t.as_str()))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if let Some(stats) = self.stats.get_mut(&doc.owner) {
            stats.docs -= 1;
            stats.description_len -= u64::from(doc.description_len);
            for term in &seen {
                if let Some(df) = stats.df.get_mut(*term) {
                    *df -= 1;
                    if *df == 0 {
                        stats.df.remove(*term);
                    }
                }
            }
            if stats.docs == 0 {
                self.stats.remove(&doc.owner);
            }
        }
        for term in seen {
            if let Some(postings) = self.postings.get_mut(term) {
                if let Ok(at) = postings.binary_search_by(|p| p.slot.cmp(&slot)) {
                    postings.remove(at);
                }
                if postings.is_empty() {
                    self.postings.remove(term);
                }
            }
        }
    }

    fn remove_server(&mut self, server: &str, owner: Option<&str>) {
        if let Some(entry) = self.servers.remove(owner, server) {
            for slot in entry.slots {
                self.remove(slot);
            }
        }
    }

    fn visible_doc(&self, tenant: &str, tool_id: &str) -> Option<&Arc<Doc>> {
        let slot = *self.by_id.seen_by(tenant, tool_id)?;
        self.slots.get(slot as usize)?.as_ref()
    }
}

impl Index {
    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // Every mutation completes before the lock is released and nothing in it panics,
        // so a poisoned lock holds a consistent index.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Indexes the tools of `server` (generation `generation`), replacing what it had.
    /// The documents are built before the lock is taken, so queries are not held up.
    pub fn set_server(
        &self,
        server: &str,
        owner: Option<&str>,
        generation: u64,
        tools: &[Arc<ToolInfo>],
    ) {
        let docs: Vec<Doc> = tools.iter().map(|t| document(t, owner)).collect();
        let mut inner = self.write();
        inner.remove_server(server, owner);
        let slots: Vec<u32> = docs.into_iter().filter_map(|d| inner.add(d)).collect();
        let mut by_id = slots.clone();
        let id_of = |slot: &u32| {
            inner
                .slots
                .get(*slot as usize)
                .and_then(Option::as_ref)
                .map(|d| d.tool.tool_id.as_str())
        };
        by_id.sort_by(|a, b| id_of(a).cmp(&id_of(b)));
        inner.servers.insert(
            owner,
            server.to_string(),
            ServerEntry {
                generation,
                slots,
                by_id,
            },
        );
    }

    /// Drops the tools of `server` (of `owner`) if they are still those of `generation`
    /// (a stale removal must not drop a newer server of the same name).
    pub fn remove_server(&self, server: &str, owner: Option<&str>, generation: u64) {
        let mut inner = self.write();
        if inner
            .servers
            .get(owner, server)
            .is_some_and(|e| e.generation == generation)
        {
            inner.remove_server(server, owner);
        }
    }

    /// The tool `tool_id`, if `tenant` may see it.
    pub fn get(&self, tenant: &str, tool_id: &str) -> Option<Arc<ToolInfo>> {
        self.read()
            .visible_doc(tenant, tool_id)
            .map(|d| d.tool.clone())
    }

    /// Whether `tenant` may see a tool `tool_id`.
    pub fn contains(&self, tenant: &str, tool_id: &str) -> bool {
        self.read().visible_doc(tenant, tool_id).is_some()
    }

    /// The ids of the tools of the server `server` as `tenant` sees it, in the order it
    /// listed them.
    #[cfg(test)]
    pub fn server_tool_ids(&self, tenant: &str, server: &str) -> Vec<String> {
        let inner = self.read();
        inner
            .servers
            .seen_by(tenant, server)
            .map(|e| {
                e.slots
                    .iter()
                    .filter_map(|s| inner.slots.get(*s as usize)?.as_ref())
                    .map(|d| d.tool.tool_id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Calls `visit` with the id of each tool of the server `server` as `tenant` sees it
    /// (and may see the tool), in tool id order, until `visit` returns false. `visit` runs
    /// under the index's read lock and must not call back into the index.
    pub fn visit_server_tools_by_id(
        &self,
        tenant: &str,
        server: &str,
        mut visit: impl FnMut(&str) -> bool,
    ) {
        let inner = self.read();
        let Some(entry) = inner.servers.seen_by(tenant, server) else {
            return;
        };
        for slot in &entry.by_id {
            let Some(doc) = inner.slots.get(*slot as usize).and_then(Option::as_ref) else {
                continue;
            };
            if inner.visible_doc(tenant, &doc.tool.tool_id).is_none() {
                continue;
            }
            if !visit(&doc.tool.tool_id) {
                return;
            }
        }
    }

    /// Number of tools `tenant` may see.
    #[cfg(test)]
    pub fn len(&self, tenant: &str) -> u64 {
        let inner = self.read();
        let scope = |owner: Option<String>| inner.stats.get(&owner).map_or(0, |s| s.docs);
        scope(None) + scope(Some(tenant.to_string()))
    }

    /// The tools `tenant` may see that match `query`, filtered; the best `ordered` of them
    /// first and in rank order.
    pub fn search(&self, tenant: &str, query: &str, filters: &Filters, ordered: usize) -> Search {
        let terms = query_terms(query);
        let inner = self.read();
        let platform = inner.stats.get(&None);
        let own = inner.stats.get(&Some(tenant.to_string()));
        let docs = platform.map_or(0, |s| s.docs) + own.map_or(0, |s| s.docs);
        if terms.is_empty() || docs == 0 {
            return Search {
                terms,
                hits: Vec::new(),
                ordered: 0,
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
        for (term, weight) in &terms {
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
        let mut hits: Vec<Hit> = scored
            .into_iter()
            .filter_map(|slot| {
                let raw = scores[slot as usize];
                if raw <= 0.0 {
                    return None;
                }
                let doc = inner.slots.get(slot as usize)?.as_ref()?.clone();
                let score = ((raw / maximum).min(1.0) * 10_000.0).round() / 10_000.0;
                Some(Hit { doc, score })
            })
            .collect();
        drop(inner);
        // Only the best `ordered` need an order now; `Search::order_all` sorts the rest if a
        // caller walks past them (a budget that skips many tools).
        let ordered = ordered.min(hits.len());
        if ordered < hits.len() {
            if ordered > 0 {
                hits.select_nth_unstable_by(ordered - 1, by_rank);
            }
            hits[..ordered].sort_by(by_rank);
        } else {
            hits.sort_by(by_rank);
        }
        Search {
            terms,
            hits,
            ordered,
        }
    }
}

/// Best first; ties by tool id.
fn by_rank(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.doc.tool.tool_id.cmp(&b.doc.tool.tool_id))
}

impl Search {
    /// Puts every hit in rank order (the search ordered only the first ones).
    pub fn order_all(&mut self) {
        if self.ordered < self.hits.len() {
            self.hits.sort_by(by_rank);
            self.ordered = self.hits.len();
        }
    }

    /// How many of the first hits are in rank order.
    pub fn ordered(&self) -> usize {
        self.ordered
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
