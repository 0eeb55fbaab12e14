//! Where computed tool embeddings are kept, so that a restart, a second replica or a
//! server listing the same tools again does not run the model again: this process's
//! memory, files under `<workDir>/embeddings/<model>/`, and (with `--store redis://`) the
//! shared Redis. Each vector is keyed by the SHA-256 of the model's fingerprint and the
//! tool's text, so a changed description or another model is a new key, never a stale
//! vector.
//!
//! The cache is an optimisation: a file or a Redis entry that cannot be read, or does not
//! hold a vector of the model's length with finite components, is a miss (the vector is
//! computed again and written over it), and a write that fails is logged and forgotten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use crate::selection::Vector;
use crate::store::Shared;

/// A content hash naming one vector.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key(String);

impl Key {
    /// The key of `text` embedded by the model of `fingerprint`.
    pub fn of(fingerprint: &str, text: &str) -> Key {
        let mut hash = Sha256::new();
        hash.update(fingerprint.as_bytes());
        hash.update([0u8]);
        hash.update(text.as_bytes());
        Key(hex(&hash.finalize()))
    }
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The three places, read in order: memory, disk, the shared store.
pub(crate) struct Cache {
    memory: Mutex<HashMap<Key, Vector>>,
    /// `None` when the directory could not be created (the cache is then memory and the
    /// store only).
    dir: Option<PathBuf>,
    shared: Shared,
    dimensions: usize,
}

/// What a lookup found and where: the tally for the log line of an indexing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub memory: usize,
    pub disk: usize,
    pub shared: usize,
}

impl Cache {
    /// A cache of vectors of `dimensions` components, with files under `dir` (created if
    /// need be) and entries in `shared`.
    pub fn new(dir: PathBuf, shared: Shared, dimensions: usize) -> Cache {
        let dir = match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "embedding cache directory unusable; caching in memory only");
                None
            }
        };
        Cache {
            memory: Mutex::new(HashMap::new()),
            dir,
            shared,
            dimensions,
        }
    }

    /// The directory of the files, if there is one.
    #[cfg(test)]
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The vectors of `keys` found anywhere (`None` for a miss), and where they were.
    /// Vectors found on disk or in the store are kept in memory too.
    pub async fn get(&self, keys: &[Key]) -> (Vec<Option<Vector>>, Found) {
        let mut found = Found::default();
        let mut out: Vec<Option<Vector>> = {
            let memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
            keys.iter().map(|k| memory.get(k).cloned()).collect()
        };
        found.memory = out.iter().flatten().count();
        if let Some(dir) = &self.dir {
            for (slot, key) in out.iter_mut().zip(keys) {
                if slot.is_none() {
                    *slot = read_file(&file_of(dir, key), self.dimensions).await;
                    found.disk += usize::from(slot.is_some());
                }
            }
        }
        let missing: Vec<usize> = (0..keys.len()).filter(|i| out[*i].is_none()).collect();
        if !missing.is_empty() {
            let wanted: Vec<&Key> = missing.iter().map(|i| &keys[*i]).collect();
            let from_store = self.shared_get(&wanted).await;
            for (i, vector) in missing.into_iter().zip(from_store) {
                if let Some(vector) = vector {
                    found.shared += 1;
                    // Kept on disk too, so this replica's next start reads it locally.
                    if let Some(dir) = &self.dir {
                        write_file(&file_of(dir, &keys[i]), &vector).await;
                    }
                    out[i] = Some(vector);
                }
            }
        }
        let mut memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, vector) in keys.iter().zip(&out) {
            if let Some(vector) = vector {
                memory.entry(key.clone()).or_insert_with(|| vector.clone());
            }
        }
        (out, found)
    }

    /// Keeps vectors just computed, everywhere.
    pub async fn put(&self, entries: &[(Key, Vector)]) {
        {
            let mut memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
            for (key, vector) in entries {
                memory.insert(key.clone(), vector.clone());
            }
        }
        if let Some(dir) = &self.dir {
            for (key, vector) in entries {
                write_file(&file_of(dir, key), vector).await;
            }
        }
        self.shared_put(entries).await;
    }

    /// The store's vectors of `keys` (none from memory, none when Redis fails).
    async fn shared_get(&self, keys: &[&Key]) -> Vec<Option<Vector>> {
        match &self.shared {
            Shared::Memory => vec![None; keys.len()],
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => {
                let names: Vec<Vec<u8>> = keys
                    .iter()
                    .map(|k| redis.key("embedding", k.0.as_bytes()))
                    .collect();
                let mut connection = redis.connection();
                let answer: Result<Vec<Option<Vec<u8>>>, _> = redis::cmd("MGET")
                    .arg(&names)
                    .query_async(&mut connection)
                    .await;
                match answer {
                    Ok(values) if values.len() == keys.len() => values
                        .into_iter()
                        .map(|v| v.and_then(|bytes| decode(&bytes, self.dimensions)))
                        .collect(),
                    Ok(_) => vec![None; keys.len()],
                    Err(e) => {
                        tracing::warn!(error = %crate::store::unavailable(e).0, "embedding cache: the store could not be read");
                        vec![None; keys.len()]
                    }
                }
            }
        }
    }

    async fn shared_put(&self, entries: &[(Key, Vector)]) {
        match &self.shared {
            Shared::Memory => {}
            #[cfg(feature = "redis")]
            Shared::Redis(redis) => {
                if entries.is_empty() {
                    return;
                }
                let mut command = redis::cmd("MSET");
                for (key, vector) in entries {
                    command
                        .arg(redis.key("embedding", key.0.as_bytes()))
                        .arg(encode(vector));
                }
                let mut connection = redis.connection();
                if let Err(e) = command.query_async::<()>(&mut connection).await {
                    tracing::warn!(error = %crate::store::unavailable(e).0, "embedding cache: the store could not be written");
                }
            }
        }
    }
}

/// `<dir>/<first two hex digits>/<key>.f32`: at most 256 entries per directory level.
fn file_of(dir: &Path, key: &Key) -> PathBuf {
    dir.join(&key.0[..2]).join(format!("{}.f32", key.0))
}

/// The components as little-endian f32.
fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A vector of `dimensions` finite components, or `None`.
fn decode(bytes: &[u8], dimensions: usize) -> Option<Vector> {
    if bytes.len() != dimensions * 4 {
        return None;
    }
    let vector: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    vector.iter().all(|x| x.is_finite()).then(|| vector.into())
}

async fn read_file(path: &Path, dimensions: usize) -> Option<Vector> {
    let bytes = tokio::fs::read(path).await.ok()?;
    decode(&bytes, dimensions)
}

/// Written beside and renamed into place, so a reader never sees half a vector.
async fn write_file(path: &Path, vector: &[f32]) {
    let result = async {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let partial = path.with_extension(format!("{}.partial", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&partial, encode(vector)).await?;
        if let Err(e) = tokio::fs::rename(&partial, path).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(e);
        }
        Ok::<(), std::io::Error>(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(file = %path.display(), error = %e, "embedding cache: a vector could not be written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(x: f32) -> Vector {
        vec![x, 1.0 - x, 0.5].into()
    }

    #[tokio::test]
    async fn keeps_vectors_on_disk_across_instances_and_ignores_bad_files() {
        let dir = std::env::temp_dir().join(format!("cgw-cache-{}", uuid::Uuid::new_v4().simple()));
        let (a, b) = (Key::of("m", "tool a"), Key::of("m", "tool b"));
        assert!(Key::of("m", "tool a") == a && Key::of("other", "tool a") != a);
        let first = Cache::new(dir.clone(), Shared::Memory, 3);
        first.put(&[(a.clone(), vector(0.25))]).await;
        let (got, found) = first.get(&[a.clone(), b.clone()]).await;
        assert_eq!(got[0].as_deref(), Some(&[0.25, 0.75, 0.5][..]));
        assert!(got[1].is_none());
        assert_eq!(
            found,
            Found {
                memory: 1,
                disk: 0,
                shared: 0
            }
        );

        // A new instance (a restart) reads it from disk.
        let second = Cache::new(dir.clone(), Shared::Memory, 3);
        let (got, found) = second.get(std::slice::from_ref(&a)).await;
        assert_eq!(got[0].as_deref(), Some(&[0.25, 0.75, 0.5][..]));
        assert_eq!(found.disk, 1);

        // A truncated file, a file of NaNs, or another length: misses.
        let path = file_of(second.dir().expect("dir"), &a);
        for bytes in [
            vec![0u8; 11],
            encode(&[f32::NAN, 0.0, 0.0]),
            encode(&[1.0, 0.0]),
        ] {
            std::fs::write(&path, bytes).expect("write");
            let third = Cache::new(dir.clone(), Shared::Memory, 3);
            assert!(third.get(std::slice::from_ref(&a)).await.0[0].is_none());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn an_unusable_directory_leaves_a_memory_cache() {
        let file =
            std::env::temp_dir().join(format!("cgw-cache-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&file, b"not a directory").expect("write");
        let cache = Cache::new(file.join("embeddings"), Shared::Memory, 3);
        assert!(cache.dir().is_none());
        let key = Key::of("m", "t");
        cache.put(&[(key.clone(), vector(0.5))]).await;
        assert!(cache.get(&[key]).await.0[0].is_some());
        let _ = std::fs::remove_file(&file);
    }
}
