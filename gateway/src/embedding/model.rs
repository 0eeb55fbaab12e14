//! The embedder: a BERT encoder (candle-transformers), its WordPiece tokenizer
//! (tokenizers), mean pooling and L2 normalisation.

use std::fmt;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use tokenizers::{Encoding, PostProcessor, Tokenizer, TruncationParams};

use super::encoder::Encoder;
use super::error::{EmbedError, LoadError};

/// The model's configuration (Hugging Face's `BertConfig` as JSON).
pub const CONFIG_FILE: &str = "config.json";
/// The tokenizer, as the `tokenizers` library saves it.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// The weights, in f32 or any dtype candle converts from.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// sentence-transformers' settings of the encoder (optional): its `max_seq_length` is the
/// truncation length the model was trained with (256 for all-MiniLM-L6-v2, where
/// `tokenizer.json` says 128 and `config.json` allows 512).
pub const SENTENCE_CONFIG_FILE: &str = "sentence_bert_config.json";

/// Texts run through the model together by [`Embedder::embed`] at [`Precision::F32`]
/// unless [`Embedder::with_batch_size`] says otherwise (one at a time at
/// [`Precision::Int8`]).
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// How the encoder's linear layers compute: the two give the same ranking, not the same
/// bits (cosine similarity of their vectors of one text about 0.998 for all-MiniLM-L6-v2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// f32 weights and f32 products (candle-transformers' `BertModel`): the reference.
    F32,
    /// Weights quantized to 8 bits per weight in blocks of 32 (ggml's Q8_0) when the model
    /// loads; products of those with the activations quantized the same way. Three times
    /// faster than [`Precision::F32`] for a short request on a CPU with VNNI, where candle
    /// has a kernel for them; slower than it without.
    Int8,
}

impl Precision {
    /// The faster of the two on this CPU: [`Precision::Int8`] where candle's int8 kernels
    /// have VNNI (x86-64 with AVX512-VNNI or AVX-VNNI), [`Precision::F32`] elsewhere.
    pub fn fastest() -> Precision {
        #[cfg(target_arch = "x86_64")]
        {
            let vnni = (std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vnni"))
                || (std::arch::is_x86_feature_detected!("avxvnni")
                    && std::arch::is_x86_feature_detected!("avx2"));
            if vnni {
                return Precision::Int8;
            }
        }
        Precision::F32
    }

    /// Its name: `f32` or `int8`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Int8 => "int8",
        }
    }
}

/// The model's tensors as loaded, with what builds a network of them.
#[derive(Clone)]
struct Weights {
    tensors: VarBuilder<'static>,
    config: Config,
    path: std::path::PathBuf,
}

impl Weights {
    fn network(&self, precision: Precision) -> Result<Network, LoadError> {
        match precision {
            Precision::F32 => BertModel::load(self.tensors.clone(), &self.config).map(Network::F32),
            Precision::Int8 => Encoder::load(self.tensors.clone(), &self.config).map(Network::Int8),
        }
        .map_err(|e| LoadError::invalid(&self.path, e))
    }
}

/// The encoder of one [`Precision`].
enum Network {
    F32(BertModel),
    Int8(Encoder),
}

/// A loaded sentence-embedding model: immutable after [`Embedder::load`], so one instance
/// serves every thread (`Send + Sync`; its work is CPU-bound, so async callers run it
/// under `spawn_blocking`).
pub struct Embedder {
    network: Network,
    precision: Precision,
    /// The loaded tensors (shared with `network`, not a copy), for
    /// [`Embedder::at_precision`].
    weights: Weights,
    tokenizer: Tokenizer,
    device: Device,
    dimensions: usize,
    max_tokens: usize,
    pad_id: u32,
    batch_size: usize,
}

impl fmt::Debug for Embedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Embedder")
            .field("dimensions", &self.dimensions)
            .field("precision", &self.precision)
            .field("max_tokens", &self.max_tokens)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

/// The part of `sentence_bert_config.json` the embedder reads.
#[derive(serde::Deserialize)]
struct SentenceConfig {
    max_seq_length: usize,
}

impl Embedder {
    /// Loads the model in `dir` ([`CONFIG_FILE`], [`TOKENIZER_FILE`], [`WEIGHTS_FILE`], and
    /// [`SENTENCE_CONFIG_FILE`] when present) onto the CPU. Reads the files whole (no
    /// memory map, which would be unsound if the file changed underneath), so the weights'
    /// size is held twice while they load and once after. Computes at
    /// [`Precision::F32`], the reference; [`Embedder::load_with_precision`] with
    /// [`Precision::fastest`] trades a little of it for speed.
    pub fn load(dir: &Path) -> Result<Embedder, LoadError> {
        Embedder::load_with_precision(dir, Precision::F32)
    }

    /// [`Embedder::load`] at the given precision.
    pub fn load_with_precision(dir: &Path, precision: Precision) -> Result<Embedder, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::MissingDirectory {
                dir: dir.to_path_buf(),
            });
        }

        let config_path = dir.join(CONFIG_FILE);
        let config: Config = serde_json::from_slice(&read(&config_path)?)
            .map_err(|e| LoadError::invalid(&config_path, e))?;
        if config.hidden_size == 0
            || config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(LoadError::invalid(
                &config_path,
                format!(
                    "hidden_size {} is not a positive multiple of num_attention_heads {}",
                    config.hidden_size, config.num_attention_heads
                ),
            ));
        }

        // Truncation: sentence-transformers' length when it is given, never past the
        // positions the model has.
        let sentence_path = dir.join(SENTENCE_CONFIG_FILE);
        let max_tokens = if sentence_path.exists() {
            let sentence: SentenceConfig = serde_json::from_slice(&read(&sentence_path)?)
                .map_err(|e| LoadError::invalid(&sentence_path, e))?;
            sentence.max_seq_length.min(config.max_position_embeddings)
        } else {
            config.max_position_embeddings
        };

        let tokenizer_path = dir.join(TOKENIZER_FILE);
        let mut tokenizer = Tokenizer::from_bytes(read(&tokenizer_path)?)
            .map_err(|e| LoadError::invalid(&tokenizer_path, e))?;
        // An id past the embedding table would fail every text that contains it.
        let vocab = tokenizer.get_vocab_size(true);
        if vocab > config.vocab_size {
            return Err(LoadError::invalid(
                &tokenizer_path,
                format!(
                    "{vocab} tokens, more than the {} of {CONFIG_FILE}",
                    config.vocab_size
                ),
            ));
        }
        // The library subtracts the special tokens from the length unchecked.
        let special = tokenizer
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(false));
        if max_tokens <= special {
            return Err(LoadError::invalid(
                &config_path,
                format!("a maximum of {max_tokens} tokens leaves no room for text"),
            ));
        }
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| LoadError::invalid(&tokenizer_path, e))?;
        // Each batch is padded to its own longest text below, not to the file's fixed 128.
        tokenizer.with_padding(None);

        let weights_path = dir.join(WEIGHTS_FILE);
        let device = Device::Cpu;
        let tensors = {
            let bytes = read(&weights_path)?;
            candle_core::safetensors::load_buffer(&bytes, &device)
                .map_err(|e| LoadError::invalid(&weights_path, e))?
        };
        let weights = Weights {
            tensors: VarBuilder::from_tensors(tensors, DTYPE, &device),
            config: config.clone(),
            path: weights_path,
        };
        let network = weights.network(precision)?;

        Ok(Embedder {
            network,
            precision,
            weights,
            tokenizer,
            device,
            dimensions: config.hidden_size,
            max_tokens,
            // The id is never attended to; any id in the table would do.
            pad_id: u32::try_from(config.pad_token_id).unwrap_or(0),
            batch_size: default_batch_size(precision),
        })
    }

    /// The same model at `precision`, built from the tensors this one holds: no file is
    /// read again, and the tensors both networks use are shared (an int8 copy of an f32
    /// embedder adds only its quantized layers). Truncation as this one's; the batch size
    /// the precision's default.
    pub fn at_precision(&self, precision: Precision) -> Result<Embedder, LoadError> {
        Ok(Embedder {
            network: self.weights.network(precision)?,
            precision,
            weights: self.weights.clone(),
            tokenizer: self.tokenizer.clone(),
            device: self.device.clone(),
            dimensions: self.dimensions,
            max_tokens: self.max_tokens,
            pad_id: self.pad_id,
            batch_size: default_batch_size(precision),
        })
    }

    /// The same embedder, running `size` texts (at least 1) through the model at a time.
    /// At f32 larger batches amortise the model's fixed costs and pad more. At int8 a batch
    /// of several texts is barely faster (128 tool texts: 1.29 s by 8, 1.53 s one by one,
    /// 1.63 s by 32) and its texts share candle's kernel tiles, so a text's vector is not
    /// exactly the one it has alone (cosine 0.9995): one by one is the default there.
    pub fn with_batch_size(mut self, size: usize) -> Embedder {
        self.batch_size = size.max(1);
        self
    }

    /// The same embedder, truncating texts at `tokens` word pieces (`[CLS]` and `[SEP]`
    /// included): at least 3, at most the model's own maximum ([`Embedder::max_tokens`]
    /// before the call). The model's cost grows faster than the length of a text, so a
    /// caller embedding long texts in bulk may trade their tails for time.
    pub fn with_max_tokens(mut self, tokens: usize) -> Embedder {
        let tokens = tokens.clamp(3, self.max_tokens);
        let truncation = TruncationParams {
            max_length: tokens,
            ..TruncationParams::default()
        };
        // Cannot fail: the stride (0) is below any length of at least 3.
        if self.tokenizer.with_truncation(Some(truncation)).is_ok() {
            self.max_tokens = tokens;
        }
        self
    }

    /// How the encoder computes.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The length of every vector [`Embedder::embed`] returns (384 for all-MiniLM-L6-v2).
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// The word pieces a text is truncated to, `[CLS]` and `[SEP]` included.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// One unit-length vector of [`Embedder::dimensions`] components per text, in the
    /// order of `texts`. Texts are run in batches of similar length, so the result of a
    /// text does not depend on the others beyond floating-point rounding (well under
    /// 1e-5); the same texts always give the same vectors.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        // Sorted by length (a stable sort: deterministic), so that a batch pads little.
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());
        let mut vectors = vec![Vec::new(); encodings.len()];
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            for (&i, vector) in chunk.iter().zip(self.forward(&batch)?) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    /// The pooled, normalised vectors of one batch.
    fn forward(&self, batch: &[&Encoding]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let width = batch.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(batch.len() * width);
        let mut mask = Vec::with_capacity(batch.len() * width);
        for encoding in batch {
            let padding = width - encoding.len();
            ids.extend_from_slice(encoding.get_ids());
            ids.extend(std::iter::repeat_n(self.pad_id, padding));
            mask.extend_from_slice(encoding.get_attention_mask());
            mask.extend(std::iter::repeat_n(0u32, padding));
        }
        let shape = (batch.len(), width);
        let ids = Tensor::from_vec(ids, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        // (batch, width, hidden)
        let hidden = match &self.network {
            Network::F32(model) => model.forward(&ids, &ids.zeros_like()?, Some(&mask))?,
            Network::Int8(encoder) => encoder.forward(&ids, &mask)?,
        };

        // Mean over the tokens the mask keeps (sentence-transformers' Pooling, mean mode).
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let sums = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
        let means = sums.broadcast_div(&counts)?;
        // Then unit length (its Normalize module; torch's normalize clamps at 1e-12).
        let norms = means
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        Ok(means.broadcast_div(&norms)?.to_vec2::<f32>()?)
    }
}

/// Texts per batch unless [`Embedder::with_batch_size`] says otherwise.
fn default_batch_size(precision: Precision) -> usize {
    match precision {
        Precision::F32 => DEFAULT_BATCH_SIZE,
        Precision::Int8 => 1,
    }
}

/// Reads a whole model file, telling a missing file from an unreadable one.
fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            LoadError::MissingFile {
                path: path.to_path_buf(),
            }
        } else {
            LoadError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedder_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Embedder>();
    }
}
