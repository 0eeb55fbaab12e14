//! Dense sentence embeddings from a BERT-family model on the CPU: the semantic signal of
//! tool selection, which finds "show me what's inside the src folder" in `list_directory`
//! where words alone do not.
//!
//! [`Embedder::load`] reads a model directory as sentence-transformers lays it out —
//! `config.json`, `tokenizer.json`, `model.safetensors` and, when present,
//! `sentence_bert_config.json` for the maximum sequence length — and never reaches the
//! network. [`Embedder::embed`] computes what sentence-transformers computes for
//! all-MiniLM-L6-v2: WordPiece tokens truncated at the model's maximum length, the
//! encoder's last hidden states, their mean over the attention mask, then L2
//! normalisation; [`cosine`] compares two vectors.
//!
//! [`Embedder`] and its errors need the cargo feature `embeddings` (on by default); the
//! comparisons ([`cosine`], [`dot`]) are always there.
//!
//! The repository's model is all-MiniLM-L6-v2 (Apache-2.0, 384 dimensions), unpacked by
//! `gateway/eval/fetch-model.sh` into `target/models/all-minilm-l6-v2/`.
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use connectors_gateway::embedding::{Embedder, cosine};
//! let embedder = Embedder::load("target/models/all-minilm-l6-v2".as_ref())?;
//! let vectors = embedder.embed(&["add 17 and 25", "get sum: adds two numbers"])?;
//! println!("{:.3}", cosine(&vectors[0], &vectors[1]));
//! # Ok(()) }
//! ```

#[cfg(feature = "embeddings")]
mod encoder;
#[cfg(feature = "embeddings")]
mod error;
#[cfg(feature = "embeddings")]
mod gelu;
#[cfg(feature = "embeddings")]
mod model;
mod similarity;

#[cfg(feature = "embeddings")]
pub use error::{EmbedError, LoadError};
#[cfg(feature = "embeddings")]
pub use model::{
    CONFIG_FILE, DEFAULT_BATCH_SIZE, Embedder, Precision, SENTENCE_CONFIG_FILE, TOKENIZER_FILE,
    WEIGHTS_FILE,
};
pub use similarity::{cosine, dot};
