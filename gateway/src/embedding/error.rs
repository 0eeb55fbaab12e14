//! What can go wrong when a model directory is loaded, or when texts are embedded.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why [`Embedder::load`](super::Embedder::load) could not load a model directory. Each
/// variant names the directory or the file at fault, so that a start-up error tells the
/// operator what to fix.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The model directory does not exist, or is not a directory.
    MissingDirectory {
        /// The directory that was given.
        dir: PathBuf,
    },
    /// A file the model needs is not in the directory.
    MissingFile {
        /// The file that was looked for.
        path: PathBuf,
    },
    /// A file is there but could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file was read but its content is not what the model needs: malformed JSON, a
    /// configuration of another model family, a truncated or inconsistent weights file, a
    /// tokenizer the library cannot build.
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl LoadError {
    pub(super) fn invalid(path: &Path, reason: impl fmt::Display) -> LoadError {
        LoadError::Invalid {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::MissingDirectory { dir } => {
                write!(
                    f,
                    "embedding model directory {} does not exist",
                    dir.display()
                )
            }
            LoadError::MissingFile { path } => {
                write!(f, "embedding model file {} is missing", path.display())
            }
            LoadError::Read { path, source } => {
                write!(
                    f,
                    "embedding model file {} cannot be read: {source}",
                    path.display()
                )
            }
            LoadError::Invalid { path, reason } => {
                write!(
                    f,
                    "embedding model file {} is invalid: {reason}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why [`Embedder::embed`](super::Embedder::embed) failed. Neither case is expected with a
/// model that loaded; the message is the library's own.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmbedError {
    /// The tokenizer rejected a text.
    Tokenize(String),
    /// The model's forward pass or the pooling failed.
    Model(String),
}

impl fmt::Display for EmbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmbedError::Tokenize(message) => {
                write!(f, "tokenizing for the embedding model: {message}")
            }
            EmbedError::Model(message) => write!(f, "running the embedding model: {message}"),
        }
    }
}

impl std::error::Error for EmbedError {}

impl From<candle_core::Error> for EmbedError {
    fn from(error: candle_core::Error) -> EmbedError {
        EmbedError::Model(error.to_string())
    }
}
