//! The BERT encoder with its linear layers' weights in 8-bit blocks (ggml's Q8_0: 32
//! weights and one scale per block), run with candle's quantized matrix products: the
//! [`Precision::Int8`](super::Precision::Int8) network.
//!
//! Why not candle-transformers' `BertModel` alone: its linear layers hold f32 weights, and
//! a request of a dozen word pieces is bound by reading them. Every product streams a whole
//! weight matrix for a few rows of activations, 44 MB per request for all-MiniLM-L6-v2;
//! measured with `perf` on this machine, most of its 11 ms went to the f32 products and to
//! packing their weights. Q8_0 holds the same matrices in 11.7 MB, and on a CPU with VNNI
//! candle multiplies them with `vpdpbusd` over weights it repacks once. That kernel wants
//! the inner dimension in whole blocks of 256, so the weights of a layer whose input is
//! narrower (384 here) are padded with zero columns and its input with zeros: a third more
//! work that still runs the request faster than f32: three times as such, about five times
//! with the query/key/value products stacked and the GELU of `gelu.rs` (see
//! `cargo bench -p connectors-gateway --bench embedding`).
//!
//! Everything else (embeddings, layer norms, softmax, the exact GELU: `gelu.rs`) stays f32, as in the
//! model it replaces; the layer structure follows Hugging Face's `BertModel` (post-norm,
//! absolute positions, one token type).

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{D, DType, Module, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, VarBuilder};
use candle_transformers::models::bert::{Config, HiddenAct};

/// The encoder: embeddings, then `num_hidden_layers` transformer layers.
pub(super) struct Encoder {
    words: Embedding,
    positions: Embedding,
    token_types: Embedding,
    embeddings_norm: LayerNorm,
    layers: Vec<Layer>,
}

struct Layer {
    /// The query, key and value projections as one product (their weights stacked), so a
    /// layer quantizes and pads its input once for the three.
    query_key_value: Linear,
    heads: usize,
    head_size: usize,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    activation: HiddenAct,
    out: Linear,
    out_norm: LayerNorm,
}

impl Encoder {
    /// Loads the weights under `vb` (Hugging Face's names, with or without the `bert.`
    /// prefix of a model saved with a head) and quantizes the linear layers.
    pub(super) fn load(vb: VarBuilder, config: &Config) -> Result<Encoder> {
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb
        } else {
            vb.pp("bert")
        };
        let hidden = config.hidden_size;
        let embeddings = vb.pp("embeddings");
        let words = embedding(config.vocab_size, hidden, embeddings.pp("word_embeddings"))?;
        let positions = embedding(
            config.max_position_embeddings,
            hidden,
            embeddings.pp("position_embeddings"),
        )?;
        let token_types = embedding(
            config.type_vocab_size,
            hidden,
            embeddings.pp("token_type_embeddings"),
        )?;
        let embeddings_norm = layer_norm(hidden, config, embeddings.pp("LayerNorm"))?;
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(vb.pp(format!("encoder.layer.{i}")), config))
            .collect::<Result<Vec<_>>>()?;
        Ok(Encoder {
            words,
            positions,
            token_types,
            embeddings_norm,
            layers,
        })
    }

    /// The last hidden states `(batch, width, hidden)` of `ids` `(batch, width)`, attending
    /// only where `mask` (u32, the same shape) is 1.
    pub(super) fn forward(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (_, width) = ids.dims2()?;
        let positions = Tensor::arange(0u32, width as u32, ids.device())?;
        // One token type (0) for every piece: sentence embeddings encode one text.
        let token_type = self.token_types.embeddings().get(0)?;
        let embedded = self
            .words
            .forward(ids)?
            .broadcast_add(&self.positions.forward(&positions)?)?
            .broadcast_add(&token_type)?;
        let mut hidden = self.embeddings_norm.forward(&embedded)?;
        // (batch, 1, 1, width): 0 where a piece is attended to, f32::MIN where it is padding.
        let ignored = (1.0 - mask.to_dtype(DType::F32)?)?
            .affine(f64::from(f32::MIN), 0.0)?
            .unsqueeze(1)?
            .unsqueeze(1)?;
        for layer in &self.layers {
            hidden = layer.forward(&hidden, &ignored)?;
        }
        Ok(hidden)
    }
}

impl Layer {
    fn load(vb: VarBuilder, config: &Config) -> Result<Layer> {
        let hidden = config.hidden_size;
        let heads = config.num_attention_heads;
        let attention = vb.pp("attention");
        let own = attention.pp("self");
        Ok(Layer {
            query_key_value: stacked_linear(
                hidden,
                hidden,
                &[own.pp("query"), own.pp("key"), own.pp("value")],
            )?,
            heads,
            head_size: hidden / heads,
            attention_out: linear(hidden, hidden, attention.pp("output.dense"))?,
            attention_norm: layer_norm(hidden, config, attention.pp("output.LayerNorm"))?,
            intermediate: linear(
                hidden,
                config.intermediate_size,
                vb.pp("intermediate.dense"),
            )?,
            activation: config.hidden_act,
            out: linear(config.intermediate_size, hidden, vb.pp("output.dense"))?,
            out_norm: layer_norm(hidden, config, vb.pp("output.LayerNorm"))?,
        })
    }

    fn forward(&self, hidden: &Tensor, ignored: &Tensor) -> Result<Tensor> {
        let (batch, width, size) = hidden.dims3()?;
        // (batch, heads, width, head_size)
        let split = |t: Tensor| {
            t.reshape((batch, width, self.heads, self.head_size))?
                .transpose(1, 2)?
                .contiguous()
        };
        let projected = self.query_key_value.forward(hidden)?;
        let query = split(projected.narrow(D::Minus1, 0, size)?)?;
        let key = split(projected.narrow(D::Minus1, size, size)?)?;
        let value = split(projected.narrow(D::Minus1, 2 * size, size)?)?;
        let scores =
            (query.matmul(&key.t()?)? / (self.head_size as f64).sqrt())?.broadcast_add(ignored)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = weights
            .matmul(&value)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((batch, width, size))?;
        let attended = self
            .attention_norm
            .forward(&(self.attention_out.forward(&context)? + hidden)?)?;

        let inner = self.intermediate.forward(&attended)?;
        let inner = match self.activation {
            HiddenAct::Gelu => super::gelu::gelu(&inner)?,
            HiddenAct::GeluApproximate => inner.gelu()?,
            HiddenAct::Relu => inner.relu()?,
        };
        self.out_norm
            .forward(&(self.out.forward(&inner)? + attended)?)
    }
}

/// The inner dimension candle's repacked int8 kernels work in whole multiples of.
const KERNEL_BLOCK: usize = 256;

/// A linear layer with a bias, its weight quantized to Q8_0 and padded to whole
/// [`KERNEL_BLOCK`]s of input.
struct Linear {
    weight: QMatMul,
    bias: Tensor,
    /// The zero columns after the real input.
    padding: usize,
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let product = if self.padding == 0 {
            self.weight.forward(x)?
        } else {
            self.weight
                .forward(&x.pad_with_zeros(D::Minus1, 0, self.padding)?)?
        };
        product.broadcast_add(&self.bias)
    }
}

/// The linear layer `in_size -> out_size` under `vb` (`weight` and `bias`).
fn linear(in_size: usize, out_size: usize, vb: VarBuilder) -> Result<Linear> {
    stacked_linear(in_size, out_size, &[vb])
}

/// The linear layers `in_size -> out_size` under each of `parts` as one of
/// `in_size -> out_size * parts.len()`: its output is theirs side by side.
fn stacked_linear(in_size: usize, out_size: usize, parts: &[VarBuilder]) -> Result<Linear> {
    let weights = parts
        .iter()
        .map(|vb| vb.get((out_size, in_size), "weight"))
        .collect::<Result<Vec<_>>>()?;
    let biases = parts
        .iter()
        .map(|vb| vb.get(out_size, "bias"))
        .collect::<Result<Vec<_>>>()?;
    let weight = Tensor::cat(&weights, 0)?;
    let bias = Tensor::cat(&biases, 0)?;
    let padding = in_size.next_multiple_of(KERNEL_BLOCK) - in_size;
    let weight = weight.pad_with_zeros(1, 0, padding)?;
    Ok(Linear {
        weight: QMatMul::from_qtensor(QTensor::quantize(&weight, GgmlDType::Q8_0)?)?,
        bias,
        padding,
    })
}

fn embedding(rows: usize, size: usize, vb: VarBuilder) -> Result<Embedding> {
    Ok(Embedding::new(vb.get((rows, size), "weight")?, size))
}

fn layer_norm(size: usize, config: &Config, vb: VarBuilder) -> Result<LayerNorm> {
    Ok(LayerNorm::new(
        vb.get(size, "weight")?,
        vb.get(size, "bias")?,
        config.layer_norm_eps,
    ))
}
