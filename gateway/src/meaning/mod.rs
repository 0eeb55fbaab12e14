//! Selection by meaning: the sentence model (`embeddingModel`) in the gateway's service.
//! Each server's tools come into the index with the vectors the caches hold
//! ([`Meaning::cached`]); the others are computed after ([`Meaning::complete`], on a
//! thread of the model's own ([`worker`]), cached by content hash in [`cache`]), and each selection's
//! request when it is asked ([`Meaning::query_vectors`]); the dense signal of
//! [`crate::selection`] compares them.
//!
//! Loading needs the cargo feature `embeddings`; the rest compiles without it, so a build
//! without the feature refuses an `embeddingModel` at start-up rather than ignoring it.

mod cache;
mod tool_text;
mod worker;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::selection::Vector;
use crate::store::Shared;
use crate::tool::ToolInfo;
use cache::{Cache, Key};
pub(crate) use tool_text::tool_text;
use worker::Worker;

/// A sentence model: texts in, unit vectors out (CPU-bound; run on a blocking thread).
pub(crate) trait Embed: Send + Sync {
    /// One vector per text, in order.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String>;
    /// The length of every vector.
    fn dimensions(&self) -> usize;
}

#[cfg(feature = "embeddings")]
impl Embed for crate::embedding::Embedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        crate::embedding::Embedder::embed(self, texts).map_err(|e| e.to_string())
    }

    fn dimensions(&self) -> usize {
        crate::embedding::Embedder::dimensions(self)
    }
}

/// The vectors of a server's tools the caches held ([`Meaning::cached`]), in the tools'
/// order, with what [`Meaning::complete`] needs to compute the others.
pub(crate) struct Lookup {
    texts: Vec<String>,
    keys: Vec<Key>,
    /// `None` where no cache held the tool's vector.
    pub vectors: Vec<Option<Vector>>,
    found: cache::Found,
}

impl Lookup {
    /// Whether every tool's vector was found.
    pub fn is_complete(&self) -> bool {
        self.vectors.iter().all(Option::is_some)
    }
}

/// One sentence model run two ways: the tools' texts at f32, whose vectors are cached and
/// shared (the same on every CPU), and the requests at the fastest precision of this CPU,
/// each one computed while a client waits.
pub(crate) struct Models {
    /// Embeds the tools' texts.
    pub tools: Arc<dyn Embed>,
    /// Embeds the requests.
    pub requests: Arc<dyn Embed>,
}

/// Requests remembered with their vectors (agents often ask the same one again).
const QUERY_MEMORY: usize = 1024;

/// The model, its cache of tool vectors, and the last requests' vectors.
pub(crate) struct Meaning {
    fingerprint: String,
    cache: Cache,
    queries: Mutex<HashMap<String, Vector>>,
    /// The thread that embeds tools: one server's batch at a time (servers start
    /// together; their batches at once would only share the same cores).
    tools: Worker,
    /// The thread that embeds requests, so that a request never waits behind a server's
    /// tools being indexed.
    requests: Worker,
}

impl std::fmt::Debug for Meaning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meaning")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Meaning {
    /// Loads the model in `dir` (blocking: seconds of file reading and checks), its
    /// vectors cached under `work_dir/embeddings/` and in `shared`. The error names the
    /// file at fault.
    pub fn load(dir: &Path, work_dir: &Path, shared: Shared) -> Result<Meaning, String> {
        let (models, fingerprint) = load_model(dir)?;
        Meaning::new(models, fingerprint, work_dir, shared)
    }

    /// `models`, known by `fingerprint` (what changes when the model's files do), with
    /// their two threads started.
    pub fn new(
        models: Models,
        fingerprint: String,
        work_dir: &Path,
        shared: Shared,
    ) -> Result<Meaning, String> {
        let dir = work_dir
            .join("embeddings")
            .join(&fingerprint[..fingerprint.len().min(16)]);
        Ok(Meaning {
            cache: Cache::new(dir, shared, models.tools.dimensions()),
            tools: Worker::start("cgw-embed-tools", models.tools)?,
            requests: Worker::start("cgw-embed-requests", models.requests)?,
            fingerprint,
            queries: Mutex::new(HashMap::new()),
        })
    }

    /// What the caches hold of the vectors of `tools`: fast (memory, then disk, then the
    /// shared store; nothing is computed), so a server's tools are indexed at once with
    /// every vector known, and [`Meaning::complete`] computes the rest.
    pub async fn cached(&self, tools: &[Arc<ToolInfo>]) -> Lookup {
        let texts: Vec<String> = tools.iter().map(|t| tool_text(t)).collect();
        let keys: Vec<Key> = texts
            .iter()
            .map(|t| Key::of(&self.fingerprint, t))
            .collect();
        let (vectors, found) = if tools.is_empty() {
            (Vec::new(), cache::Found::default())
        } else {
            self.cache.get(&keys).await
        };
        Lookup {
            texts,
            keys,
            vectors,
            found,
        }
    }

    /// The vectors of the tools of `lookup` (of `server`), in order: those it found, and
    /// the others computed in one job of the tools' thread and cached. A tool whose vector
    /// cannot be computed has none (it is found by words only) and the failure is logged.
    pub async fn complete(&self, server: &str, lookup: Lookup) -> Vec<Option<Vector>> {
        let Lookup {
            texts,
            keys,
            mut vectors,
            found,
        } = lookup;
        let missing: Vec<usize> = (0..vectors.len())
            .filter(|i| vectors[*i].is_none())
            .collect();
        if !missing.is_empty() {
            let batch: Vec<String> = missing.iter().map(|i| texts[*i].clone()).collect();
            let computed = self.tools.embed(batch).await;
            match computed {
                Ok(computed) if computed.len() == missing.len() => {
                    let entries: Vec<(Key, Vector)> = missing
                        .iter()
                        .zip(computed)
                        .map(|(i, v)| (keys[*i].clone(), Vector::from(v)))
                        .collect();
                    for (i, (_, vector)) in missing.iter().zip(&entries) {
                        vectors[*i] = Some(vector.clone());
                    }
                    self.cache.put(&entries).await;
                }
                Ok(_) => tracing::warn!(
                    server,
                    "the model returned the wrong number of vectors; these tools are found by words only"
                ),
                Err(e) => {
                    tracing::warn!(server, error = %e, "tool texts could not be embedded; these tools are found by words only")
                }
            }
        }
        tracing::debug!(
            server,
            tools = vectors.len(),
            computed = missing.len(),
            memory = found.memory,
            disk = found.disk,
            store = found.shared,
            "tool embeddings"
        );
        vectors
    }

    /// The vectors of `texts` (selection requests), in order, or `None` when the model
    /// failed (the selection is then ranked by words; the failure is logged).
    pub async fn query_vectors(&self, texts: &[&str]) -> Option<Vec<Vector>> {
        let mut out: Vec<Option<Vector>> = {
            let known = self.queries.lock().unwrap_or_else(PoisonError::into_inner);
            texts.iter().map(|t| known.get(*t).cloned()).collect()
        };
        let missing: Vec<usize> = (0..texts.len()).filter(|i| out[*i].is_none()).collect();
        if !missing.is_empty() {
            let batch: Vec<String> = missing.iter().map(|i| texts[*i].to_string()).collect();
            let computed = match self.requests.embed(batch).await {
                Ok(v) if v.len() == missing.len() => v,
                Ok(_) => {
                    tracing::warn!(
                        "the model returned the wrong number of vectors; ranked by words"
                    );
                    return None;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a request could not be embedded; ranked by words");
                    return None;
                }
            };
            let mut known = self.queries.lock().unwrap_or_else(PoisonError::into_inner);
            if known.len() + missing.len() > QUERY_MEMORY {
                known.clear();
            }
            for (i, vector) in missing.into_iter().zip(computed) {
                let vector = Vector::from(vector);
                known.insert(texts[i].to_string(), vector.clone());
                out[i] = Some(vector);
            }
        }
        out.into_iter().collect()
    }
}

/// The model in `dir`, loaded for the tools (f32) and for the requests (the fastest
/// precision here), and its fingerprint: the SHA-256 of its files (configuration,
/// tokenizer, weights, and the sentence-transformers settings when present), so that
/// another model, or the same one changed, gives other cache keys. The cached vectors are
/// the tools', f32 on every CPU, so replicas on different CPUs share them.
#[cfg(feature = "embeddings")]
fn load_model(dir: &Path) -> Result<(Models, String), String> {
    use sha2::{Digest, Sha256};

    use crate::embedding::{
        CONFIG_FILE, Embedder, Precision, SENTENCE_CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE,
    };
    // Texts are cut at the model's own length (256 word pieces for all-MiniLM-L6-v2).
    // Cutting tool texts at 128 would halve the time to embed a catalog of real tools
    // (745 characters on average), but it lost 2 of 219 first places on the development
    // requests and 3 of 120 on the held-out ones: quality is why the model is there.
    let model = Embedder::load_with_precision(dir, Precision::F32).map_err(|e| e.to_string())?;
    let requests: Option<Arc<dyn Embed>> = match Precision::fastest() {
        Precision::F32 => None,
        // Shares the f32 model's tensors: only its quantized layers are new.
        fastest => Some(Arc::new(
            model.at_precision(fastest).map_err(|e| e.to_string())?,
        )),
    };
    let tools: Arc<dyn Embed> = Arc::new(model);
    let requests = requests.unwrap_or_else(|| tools.clone());
    let mut hash = Sha256::new();
    for name in [
        CONFIG_FILE,
        TOKENIZER_FILE,
        WEIGHTS_FILE,
        SENTENCE_CONFIG_FILE,
    ] {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                hash.update(name.as_bytes());
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(&bytes);
            }
            // Optional (the embedder loaded without it).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name == SENTENCE_CONFIG_FILE => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    let models = Models { tools, requests };
    Ok((models, cache::hex(&hash.finalize())))
}

#[cfg(not(feature = "embeddings"))]
fn load_model(_dir: &Path) -> Result<(Models, String), String> {
    Err("this build of the gateway has no embeddings (cargo feature `embeddings`)".into())
}
