//! The selection index: every tool's fields made into terms once, when its server's tools
//! are discovered ([`field_terms`]), kept in an inverted index (term -> postings with
//! per-field term frequencies), with the statistics BM25F needs per visibility scope and
//! each server's tool list. It is updated incrementally when a server is deployed,
//! restarted or removed; a query reads only the postings of its own terms (and of their
//! prefix expansions, [`bm25f`]) and never walks the catalog.
//!
//! The index finds candidates and scores their fields; it does not rank. Ranking (signals,
//! fusion, tiers, the budget) is [`super::rank`]'s.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::query::Filters;
use super::text::{Field, field_terms};
use crate::scoped::Scoped;
use crate::tool::ToolInfo;

mod bm25f;
mod rows;
mod vectors;

pub(crate) use bm25f::Matches;

/// A tool's or a query's embedding: unit length, as the embedder returns it.
pub(crate) type Vector = Arc<[f32]>;

/// One tool as indexed.
pub(crate) struct Doc {
    /// The tool.
    pub tool: Arc<ToolInfo>,
    /// The embedding of its text, when the gateway has a model and it could be computed.
    pub vector: Option<Vector>,
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
    /// Each slot's vector again, in 8 bits and side by side, for the dense scan.
    rows: rows::VectorRows,
}

/// A tool with a score for a query (what a signal's score means is the signal's).
pub(crate) struct Scored {
    /// The tool as indexed.
    pub doc: Arc<Doc>,
    /// The score.
    pub score: f64,
}

/// The index of every server's tools.
#[derive(Default)]
pub(crate) struct Index {
    inner: RwLock<Inner>,
}

fn document(tool: &Arc<ToolInfo>, owner: Option<&str>, vector: Option<Vector>) -> Doc {
    let count = |words: Vec<String>| {
        let mut counts: BTreeMap<String, u16> = BTreeMap::new();
        for w in words {
            let c = counts.entry(w).or_insert(0);
            *c = c.saturating_add(1);
        }
        counts.into_iter().collect::<Vec<_>>()
    };
    let terms = field_terms(tool);
    let description_len = terms[Field::Description as usize].len() as u32;
    Doc {
        tool: tool.clone(),
        vector,
        owner: owner.map(str::to_string),
        fields: terms.map(count),
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
        self.rows.set(slot, doc.vector.as_deref());
        self.slots[slot as usize] = Some(Arc::new(doc));
        Some(slot)
    }

    fn remove(&mut self, slot: u32) {
        let Some(doc) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        self.free.push(slot);
        self.rows.set(slot, None);
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

    /// Indexes the tools of `server` (generation `generation`), replacing what it had,
    /// without embeddings.
    #[cfg(test)]
    pub fn set_server(
        &self,
        server: &str,
        owner: Option<&str>,
        generation: u64,
        tools: &[Arc<ToolInfo>],
    ) {
        self.set_server_vectors(server, owner, generation, tools, &[]);
    }

    /// Indexes the tools of `server` (generation `generation`), replacing what it had;
    /// `vectors[i]` is the embedding of `tools[i]` (missing ones have none). The documents
    /// are built before the lock is taken, so queries are not held up.
    pub fn set_server_vectors(
        &self,
        server: &str,
        owner: Option<&str>,
        generation: u64,
        tools: &[Arc<ToolInfo>],
        vectors: &[Option<Vector>],
    ) {
        let docs: Vec<Doc> = tools
            .iter()
            .enumerate()
            .map(|(i, t)| document(t, owner, vectors.get(i).cloned().flatten()))
            .collect();
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

    /// Calls `visit` with every tool `tenant` may see that `filters` admit, in slot order
    /// (a test's signal that scores the whole catalog). `visit` runs under the index's
    /// read lock and must not call back into the index.
    #[cfg(test)]
    pub fn visit_visible(&self, tenant: &str, filters: &Filters, mut visit: impl FnMut(&Arc<Doc>)) {
        let inner = self.read();
        for doc in inner.slots.iter().flatten() {
            if doc.visible_to(tenant) && filters.admits(&doc.tool) {
                visit(doc);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::fixtures::{index, tool};
    use crate::selection::text::query_terms;

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
            let terms = query_terms("save a contact");
            let mut hits: Vec<(String, f64)> = index
                .bm25f(tenant, &terms, &Filters::default())
                .hits
                .into_iter()
                .map(|h| (h.doc.tool.tool_id.clone(), h.score))
                .collect();
            hits.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            hits
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
}
