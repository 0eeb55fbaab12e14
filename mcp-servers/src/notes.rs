//! The `notes` server: an in-memory note store shared by every connection to the same
//! server value (and all of its clones) within the process.
//!
//! A gateway serving several tenants from one server names the tenant of each call in the
//! request's `_meta` under [`TENANT_META_KEY`]; each tenant then has a store of its own,
//! created on its first call, and never sees another tenant's notes. A call without that
//! key (a single-user client) uses the server's own store, [`NotesServer::store`].
//!
//! A server made [`with_shared`](NotesServer::with_shared) keeps the tenants' notes in a
//! [`SharedNotes`] instead (a gateway's replicas share one, in Redis), with the same
//! checks, limits, listing and ranking.

use std::{
    collections::{BTreeMap, HashMap},
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use rmcp::{
    Json, ServerHandler,
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    model::RequestMetaObject,
    tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Most notes kept at once.
pub const MAX_NOTES: usize = 10_000;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest body, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most tags per note.
pub const MAX_TAGS: usize = 32;
/// The request `_meta` key naming the tenant a `tools/call` is made for (a string). The
/// `connectors/` prefix follows the MCP rule for `_meta` names; the value is trusted as
/// given, so only a gateway that authenticated the tenant should set it.
pub const TENANT_META_KEY: &str = "connectors/tenant";
/// Most tenants with a store of their own in one server; a call for a further tenant is a
/// tool error (memory stays bounded: at most this many stores of [`MAX_NOTES`] notes).
pub const MAX_TENANTS: usize = 10_000;
/// The icon `delete_note` declares: a bin, as an SVG `data:` URI.
pub const DELETE_NOTE_ICON: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAyNCAyNCI+PHBhdGggZD0iTTkgM2g2bDEgMmg0djJINFY1aDR6TTYgOWgxMmwtMSAxMkg3eiIvPjwvc3ZnPg==";
/// The tool `_meta` key by which `delete_note` says whether a deletion can be undone
/// (`false`: it cannot).
pub const UNDOABLE_META_KEY: &str = "connectors/undoable";

/// The icons of `delete_note`.
fn delete_note_icons() -> Vec<rmcp::model::Icon> {
    vec![
        rmcp::model::Icon::new(DELETE_NOTE_ICON)
            .with_mime_type("image/svg+xml")
            .with_sizes(vec!["any".to_string()]),
    ]
}

/// The tool `_meta` of `delete_note`.
fn delete_note_meta() -> rmcp::model::MetaObject {
    let mut meta = serde_json::Map::new();
    meta.insert(UNDOABLE_META_KEY.to_string(), false.into());
    rmcp::model::MetaObject(meta)
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// Identifier assigned by the store (1, 2, 3, ...; never reused within a process).
    pub id: u64,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Tags, lower-cased, trimmed and de-duplicated, in the order first given.
    pub tags: Vec<String>,
}

/// A note without its body, as listed by `list_notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoteSummary {
    /// Note id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// A search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchHit {
    /// Note id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Relevance score (higher is better): title hits weigh 3, tag hits 2, body hits 1.
    pub score: u32,
    /// How many distinct query words the note contains.
    pub matched_words: usize,
}

/// The note store behind [`NotesServer`]. Thread-safe and cheap to clone (clones share state).
#[derive(Debug, Clone, Default)]
pub struct NoteStore {
    inner: Arc<Mutex<StoreInner>>,
}

#[derive(Debug, Default)]
struct StoreInner {
    next_id: u64,
    notes: BTreeMap<u64, Note>,
}

/// Lower-cased words (runs of letters and digits) of `text`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn normalize_tags(tags: Vec<String>) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.chars().count() > 100 {
            return Err("a tag is longer than 100 characters".to_string());
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(format!(
            "too many tags ({}); the limit is {MAX_TAGS}",
            out.len()
        ));
    }
    Ok(out)
}

/// A note as given, checked and normalised, before a store assigns its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteDraft {
    /// Title, trimmed.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Tags, lower-cased, trimmed and de-duplicated.
    pub tags: Vec<String>,
}

impl NoteDraft {
    /// Checks a note's parts against the limits ([`MAX_TITLE_CHARS`], [`MAX_BODY_BYTES`],
    /// [`MAX_TAGS`]) and normalises them.
    pub fn new(title: String, body: String, tags: Vec<String>) -> Result<NoteDraft, String> {
        let title = title.trim().to_string();
        if title.is_empty() {
            return Err("the title is empty".to_string());
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(format!(
                "the title is longer than {MAX_TITLE_CHARS} characters"
            ));
        }
        if body.len() > MAX_BODY_BYTES {
            return Err(format!("the body is larger than {MAX_BODY_BYTES} bytes"));
        }
        let tags = normalize_tags(tags)?;
        Ok(NoteDraft { title, body, tags })
    }

    /// The note it becomes under `id`.
    pub fn with_id(self, id: u64) -> Note {
        Note {
            id,
            title: self.title,
            body: self.body,
            tags: self.tags,
        }
    }
}

/// The error of adding to a full store.
pub fn store_full() -> String {
    format!("the store is full ({MAX_NOTES} notes); delete some notes first")
}

/// `notes` as `list_notes` lists them: in id order, only those carrying `tag`
/// (case-insensitive) when one is given.
pub fn summaries<'a>(
    notes: impl IntoIterator<Item = &'a Note>,
    tag: Option<&str>,
) -> Vec<NoteSummary> {
    let tag = tag.map(|t| t.trim().to_lowercase());
    let mut listed: Vec<NoteSummary> = notes
        .into_iter()
        .filter(|n| tag.as_ref().is_none_or(|t| n.tags.contains(t)))
        .map(|n| NoteSummary {
            id: n.id,
            title: n.title.clone(),
            tags: n.tags.clone(),
        })
        .collect();
    listed.sort_by_key(|n| n.id);
    listed
}

/// Ranks `notes` by how well they match the words of `query`, best first: notes matching
/// more distinct query words first, then higher scores, then lower ids. Notes matching no
/// query word are left out.
pub fn rank<'a>(
    notes: impl IntoIterator<Item = &'a Note>,
    query: &str,
    limit: usize,
) -> Vec<SearchHit> {
    let mut query_words: Vec<String> = words(query).collect();
    query_words.sort();
    query_words.dedup();
    if query_words.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<SearchHit> = notes
        .into_iter()
        .filter_map(|note| {
            let title: Vec<String> = words(&note.title).collect();
            let body: Vec<String> = words(&note.body).collect();
            let tags: Vec<String> = note.tags.iter().flat_map(|t| words(t)).collect();
            let mut score = 0u32;
            let mut matched_words = 0;
            for q in &query_words {
                let count = |ws: &[String]| ws.iter().filter(|w| *w == q).count() as u32;
                let s = 3 * count(&title) + 2 * count(&tags) + count(&body);
                if s > 0 {
                    matched_words += 1;
                    score = score.saturating_add(s);
                }
            }
            (score > 0).then(|| SearchHit {
                id: note.id,
                title: note.title.clone(),
                tags: note.tags.clone(),
                score,
                matched_words,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        b.matched_words
            .cmp(&a.matched_words)
            .then(b.score.cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    hits.truncate(limit);
    hits
}

/// What a [`SharedNotes`] answers: a boxed future, or a message for the caller.
pub type NotesFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// Tenants' notes kept outside the server, in a store several servers share (a gateway's
/// replicas keep them in Redis). The server checks drafts, lists and ranks; the store
/// keeps notes by tenant and id, assigns ids (never reused for a tenant) and holds at
/// most [`MAX_NOTES`] per tenant. An `Err` is the message the caller gets.
pub trait SharedNotes: Send + Sync {
    /// Stores `draft` as `tenant`'s next note and returns it with its id; refuses it
    /// ([`store_full`]) when the tenant has [`MAX_NOTES`] notes.
    fn add<'a>(&'a self, tenant: &'a str, draft: NoteDraft) -> NotesFuture<'a, Note>;
    /// `tenant`'s note `id`.
    fn get<'a>(&'a self, tenant: &'a str, id: u64) -> NotesFuture<'a, Option<Note>>;
    /// Every note of `tenant`, in any order.
    fn all<'a>(&'a self, tenant: &'a str) -> NotesFuture<'a, Vec<Note>>;
    /// Deletes `tenant`'s note `id`; returns it if it existed.
    fn delete<'a>(&'a self, tenant: &'a str, id: u64) -> NotesFuture<'a, Option<Note>>;
}

impl NoteStore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, StoreInner> {
        // The store holds plain data and every mutation is a single insert/remove, so a
        // panic elsewhere cannot leave it inconsistent: recover from poisoning.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a note and returns it with its new id.
    pub fn add(&self, title: String, body: String, tags: Vec<String>) -> Result<Note, String> {
        let draft = NoteDraft::new(title, body, tags)?;
        let mut inner = self.lock();
        if inner.notes.len() >= MAX_NOTES {
            return Err(store_full());
        }
        inner.next_id += 1;
        let note = draft.with_id(inner.next_id);
        inner.notes.insert(note.id, note.clone());
        Ok(note)
    }

    /// Returns the note with this id.
    pub fn get(&self, id: u64) -> Option<Note> {
        self.lock().notes.get(&id).cloned()
    }

    /// Lists notes in id order, optionally only those carrying `tag` (case-insensitive).
    pub fn list(&self, tag: Option<&str>) -> Vec<NoteSummary> {
        summaries(self.lock().notes.values(), tag)
    }

    /// Ranks notes by how well they match the words of `query`, best first.
    ///
    /// Notes matching more distinct query words come first, then higher scores, then lower ids.
    /// Notes matching no query word are left out.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        rank(self.lock().notes.values(), query, limit)
    }

    /// Deletes a note; returns it if it existed.
    pub fn delete(&self, id: u64) -> Option<Note> {
        self.lock().notes.remove(&id)
    }

    /// Number of stored notes.
    pub fn len(&self) -> usize {
        self.lock().notes.len()
    }

    /// True when no notes are stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Input of the `add_note` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AddNoteInput {
    /// Short title of the note.
    pub title: String,
    /// The note's text.
    #[serde(default)]
    pub body: String,
    /// Optional tags (labels) to categorise the note, e.g. ["work", "todo"].
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Input of the `get_note` and `delete_note` tools.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NoteIdInput {
    /// The note id returned by add_note.
    pub id: u64,
}

/// Input of the `list_notes` tool.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListNotesInput {
    /// Only list notes carrying this tag (case-insensitive). Omit to list all notes.
    #[serde(default)]
    pub tag: Option<String>,
}

/// Output of the `list_notes` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ListNotesOutput {
    /// Number of notes listed.
    pub count: usize,
    /// The notes, oldest first.
    pub notes: Vec<NoteSummary>,
}

/// Input of the `search_notes` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SearchNotesInput {
    /// Words to look for in note titles, tags and bodies (case-insensitive).
    pub query: String,
    /// Maximum number of results (default 10, at most 100).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Output of the `search_notes` tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchNotesOutput {
    /// Number of results returned.
    pub count: usize,
    /// Matching notes, best match first.
    pub results: Vec<SearchHit>,
}

/// Output of the `delete_note` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeleteNoteOutput {
    /// Id of the deleted note.
    pub id: u64,
    /// Always true (deleting a missing note is a tool error).
    pub deleted: bool,
}

/// The `notes` MCP server. Clones share one [`NoteStore`] and the tenants' stores.
#[derive(Clone)]
pub struct NotesServer {
    store: NoteStore,
    /// One store per tenant named in `_meta` ([`TENANT_META_KEY`]), created on first use.
    tenants: Arc<Mutex<HashMap<String, NoteStore>>>,
    /// Where the tenants' notes are kept instead, when they are shared.
    shared: Option<Arc<dyn SharedNotes>>,
    tool_router: ToolRouter<Self>,
}

/// Where one call's notes are.
enum Notes {
    Here(NoteStore),
    Shared(Arc<dyn SharedNotes>, String),
}

impl Notes {
    async fn add(&self, title: String, body: String, tags: Vec<String>) -> Result<Note, String> {
        match self {
            Notes::Here(store) => store.add(title, body, tags),
            Notes::Shared(shared, tenant) => {
                shared.add(tenant, NoteDraft::new(title, body, tags)?).await
            }
        }
    }

    async fn get(&self, id: u64) -> Result<Option<Note>, String> {
        match self {
            Notes::Here(store) => Ok(store.get(id)),
            Notes::Shared(shared, tenant) => shared.get(tenant, id).await,
        }
    }

    async fn list(&self, tag: Option<&str>) -> Result<Vec<NoteSummary>, String> {
        match self {
            Notes::Here(store) => Ok(store.list(tag)),
            Notes::Shared(shared, tenant) => Ok(summaries(&shared.all(tenant).await?, tag)),
        }
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, String> {
        match self {
            Notes::Here(store) => Ok(store.search(query, limit)),
            Notes::Shared(shared, tenant) => Ok(rank(&shared.all(tenant).await?, query, limit)),
        }
    }

    async fn delete(&self, id: u64) -> Result<Option<Note>, String> {
        match self {
            Notes::Here(store) => Ok(store.delete(id)),
            Notes::Shared(shared, tenant) => shared.delete(tenant, id).await,
        }
    }
}

impl Default for NotesServer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for NotesServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotesServer")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

#[tool_router]
impl NotesServer {
    /// Creates a server with a new, empty store.
    pub fn new() -> Self {
        Self::with_store(NoteStore::new())
    }

    /// Creates a server backed by an existing store (e.g. to share notes between servers).
    pub fn with_store(store: NoteStore) -> Self {
        Self {
            store,
            tenants: Arc::default(),
            shared: None,
            tool_router: Self::tool_router(),
        }
    }

    /// Creates a server that keeps the notes of the tenants named in `_meta` in `shared`
    /// (calls that name no tenant use a store of its own, as [`new`](Self::new)'s do).
    pub fn with_shared(shared: Arc<dyn SharedNotes>) -> Self {
        Self {
            shared: Some(shared),
            ..Self::new()
        }
    }

    /// The store of calls that name no tenant.
    pub fn store(&self) -> &NoteStore {
        &self.store
    }

    /// The store of `tenant` (created empty on first use), or `None` when
    /// [`MAX_TENANTS`] other tenants already have one.
    pub fn tenant_store(&self, tenant: &str) -> Option<NoteStore> {
        // Plain data, one insert per mutation: a panic elsewhere cannot corrupt the map.
        let mut tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = tenants.get(tenant) {
            return Some(store.clone());
        }
        if tenants.len() >= MAX_TENANTS {
            return None;
        }
        let store = NoteStore::new();
        tenants.insert(tenant.to_string(), store.clone());
        Some(store)
    }

    /// The notes a call reads and writes: its tenant's when `_meta` names one.
    fn store_for(&self, meta: &RequestMetaObject) -> Result<Notes, String> {
        match meta.get(TENANT_META_KEY) {
            None => Ok(Notes::Here(self.store.clone())),
            Some(serde_json::Value::String(tenant)) => match &self.shared {
                Some(shared) => Ok(Notes::Shared(shared.clone(), tenant.clone())),
                None => self.tenant_store(tenant).map(Notes::Here).ok_or_else(|| {
                    format!("too many tenants ({MAX_TENANTS}); this server keeps no more stores")
                }),
            },
            Some(_) => Err(format!("_meta.{TENANT_META_KEY} must be a string")),
        }
    }

    #[tool(
        name = "add_note",
        title = "Add note",
        description = "Save a new note (memo) with a title, body text and optional tags; returns the \
            stored note including its id. Notes are kept in memory for the life of the server process.",
        annotations(
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn add_note(
        &self,
        Parameters(input): Parameters<AddNoteInput>,
        meta: RequestMetaObject,
    ) -> Result<Json<Note>, String> {
        self.store_for(&meta)?
            .add(input.title, input.body, input.tags)
            .await
            .map(Json)
    }

    #[tool(
        name = "get_note",
        title = "Get note",
        description = "Read one saved note (title, body and tags) by its id.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_note(
        &self,
        Parameters(input): Parameters<NoteIdInput>,
        meta: RequestMetaObject,
    ) -> Result<Json<Note>, String> {
        self.store_for(&meta)?
            .get(input.id)
            .await?
            .map(Json)
            .ok_or_else(|| format!("no note with id {}", input.id))
    }

    #[tool(
        name = "list_notes",
        title = "List notes",
        description = "List saved notes (id, title, tags), oldest first, optionally only those with a given tag.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn list_notes(
        &self,
        Parameters(input): Parameters<ListNotesInput>,
        meta: RequestMetaObject,
    ) -> Result<Json<ListNotesOutput>, String> {
        let notes = self.store_for(&meta)?.list(input.tag.as_deref()).await?;
        Ok(Json(ListNotesOutput {
            count: notes.len(),
            notes,
        }))
    }

    #[tool(
        name = "search_notes",
        title = "Search notes",
        description = "Full-text search of saved notes: finds notes whose title, tags or body contain the \
            query words and returns them ranked by relevance, best match first.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn search_notes(
        &self,
        Parameters(input): Parameters<SearchNotesInput>,
        meta: RequestMetaObject,
    ) -> Result<Json<SearchNotesOutput>, String> {
        if words(&input.query).next().is_none() {
            return Err("the query contains no words".to_string());
        }
        let limit = input.limit.unwrap_or(10).clamp(1, 100);
        let results = self.store_for(&meta)?.search(&input.query, limit).await?;
        Ok(Json(SearchNotesOutput {
            count: results.len(),
            results,
        }))
    }

    /// Declares every fact MCP gives a tool (title, annotations, output schema, icons and
    /// `_meta`), so that a gateway or client can show it passes each of them on.
    #[tool(
        name = "delete_note",
        title = "Delete note",
        description = "Delete (remove) a saved note by its id.",
        annotations(
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = false
        ),
        icons = delete_note_icons(),
        meta = delete_note_meta()
    )]
    async fn delete_note(
        &self,
        Parameters(input): Parameters<NoteIdInput>,
        meta: RequestMetaObject,
    ) -> Result<Json<DeleteNoteOutput>, String> {
        match self.store_for(&meta)?.delete(input.id).await? {
            Some(note) => Ok(Json(DeleteNoteOutput {
                id: note.id,
                deleted: true,
            })),
            None => Err(format!("no note with id {}", input.id)),
        }
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "connectors-notes",
    instructions = "An in-memory notebook: add, read, list (by tag), search and delete notes. Notes last as long as the server process."
)]
impl ServerHandler for NotesServer {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_round_trip() {
        let store = NoteStore::new();
        let a = store
            .add(
                "Rust ownership".into(),
                "Borrowing rules and lifetimes".into(),
                vec!["Rust".into(), "rust ".into()],
            )
            .unwrap();
        assert_eq!(a.id, 1);
        assert_eq!(a.tags, vec!["rust"]);
        let b = store
            .add(
                "Groceries".into(),
                "milk, eggs; rust remover".into(),
                vec!["home".into()],
            )
            .unwrap();
        assert!(store.add("  ".into(), String::new(), vec![]).is_err());
        assert_eq!(store.list(Some("RUST")).len(), 1);
        assert_eq!(store.list(None).len(), 2);
        let hits = store.search("rust lifetimes", 10);
        assert_eq!(
            hits.iter().map(|h| h.id).collect::<Vec<_>>(),
            vec![a.id, b.id]
        );
        assert_eq!(hits[0].matched_words, 2);
        assert_eq!(store.delete(a.id).map(|n| n.id), Some(1));
        assert!(store.get(a.id).is_none());
        assert_eq!(store.len(), 1);
        // ids are never reused
        assert_eq!(store.add("x".into(), String::new(), vec![]).unwrap().id, 3);
    }
}
