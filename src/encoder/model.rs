//! BERT's forward pass over packed sequences: the batch's token rows laid end to end with no
//! padding, so every linear layer is one matrix multiply over real tokens only and attention
//! (the only step that mixes tokens) works sequence by sequence.
//!
//! Tensor names follow the checkpoint (`embeddings.word_embeddings`,
//! `encoder.layer.N.attention.self.query`, …), as in candle-transformers' `models/bert.rs`. At
//! load the query, key and value projections are concatenated into one, with the attention scale
//! `1/√head_dim` folded into the query rows; with [`Precision::Int8`] every encoder-layer linear
//! is quantised per output row.

use super::ops::{math::layer_norm_rows, Attention, Epilogue, LinearOp, Norm, RelativeBias, Weights};
use super::Backbone;
use super::{int8::QuantMatrix, Precision};
use candle_core::safetensors::MmapedSafetensors;
use candle_core::{bail, DType, Device, Result, Tensor};
use candle_nn::VarBuilder;
use std::path::Path;

/// A Hugging Face BERT `config.json`, parsed by candle-transformers' own `Config` so both
/// implementations read checkpoints the same way.
pub use candle_transformers::models::bert::Config;

impl Norm {
    pub(super) fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Self> {
        Ok(Norm { gamma: vb.get(size, "weight")?.to_vec1()?, beta: vb.get(size, "bias")?.to_vec1()?, eps: eps as f32 })
    }
}

pub(super) struct Linear {
    weights: Weights,
    bias: Vec<f32>,
}

impl Linear {
    pub(super) fn load(vb: VarBuilder, inputs: usize, outputs: usize, precision: Precision) -> Result<Self> {
        let weight = vb.get((outputs, inputs), "weight")?;
        Linear::new(weight, vb.get(outputs, "bias")?.to_vec1()?, precision)
    }

    fn new(weight: Tensor, bias: Vec<f32>, precision: Precision) -> Result<Self> {
        let weights = match precision {
            Precision::F32 => Weights::F32(weight),
            Precision::Int8 => {
                let (rows, cols) = weight.dims2()?;
                Weights::Int8(QuantMatrix::new(&weight.flatten_all()?.to_vec1()?, rows, cols)?)
            }
        };
        Ok(Linear { weights, bias })
    }

    /// The query, key and value projections (`names` under `vb`) as one, queries scaled by
    /// `1/√head_dim` so attention need not scale its scores.
    pub(super) fn fused_qkv(
        vb: VarBuilder,
        names: [&str; 3],
        hidden: usize,
        heads: usize,
        precision: Precision,
    ) -> Result<Self> {
        let scale = 1.0 / ((hidden / heads) as f64).sqrt();
        let (mut weights, mut biases) = (Vec::new(), Vec::new());
        for (name, factor) in names.into_iter().zip([scale, 1.0, 1.0]) {
            let vb = vb.pp(name);
            weights.push((vb.get((hidden, hidden), "weight")? * factor)?);
            biases.push((vb.get(hidden, "bias")? * factor)?);
        }
        Linear::new(Tensor::cat(&weights, 0)?, Tensor::cat(&biases, 0)?.to_vec1()?, precision)
    }

    pub(super) fn forward(&self, xs: &Tensor, epilogue: Epilogue) -> Result<Tensor> {
        xs.apply_op1_no_bwd(&LinearOp { weights: &self.weights, bias: &self.bias, epilogue })
    }
}

/// Word embeddings gathered from the mmapped checkpoint, plus one position row per token, then
/// layer norm: the embedding layer of BERT and MPNet alike.
pub(super) struct Embeddings {
    /// The checkpoint, mmapped: word rows are gathered from it, the table is never copied whole.
    file: MmapedSafetensors,
    words: String,
    vocab: usize,
    /// The row added at each position: for BERT the position embeddings with the (single, type 0)
    /// token type embedding added; for MPNet its position embeddings from `padding_idx + 1` on.
    positions: Vec<f32>,
    norm: Norm,
}

impl Embeddings {
    fn load(vb: VarBuilder, file: MmapedSafetensors, cfg: &Config) -> Result<Self> {
        let hidden = cfg.hidden_size;
        let positions = vb.pp("position_embeddings").get((cfg.max_position_embeddings, hidden), "weight")?;
        let types = vb.pp("token_type_embeddings").get((cfg.type_vocab_size, hidden), "weight")?;
        let positions = positions.broadcast_add(&types.narrow(0, 0, 1)?)?.flatten_all()?.to_vec1()?;
        Embeddings::new(vb, file, cfg.vocab_size, positions, cfg.layer_norm_eps)
    }

    /// Word table `word_embeddings` and norm `LayerNorm` under `vb`, with the given position rows.
    pub(super) fn new(
        vb: VarBuilder,
        file: MmapedSafetensors,
        vocab: usize,
        positions: Vec<f32>,
        eps: f64,
    ) -> Result<Self> {
        let words = format!("{}.word_embeddings.weight", vb.prefix());
        let table = file.get(&words)?;
        let hidden = table.shape().get(1).copied().unwrap_or(0);
        if DType::try_from(table.dtype()).ok() != Some(DType::F32) || table.shape() != [vocab, hidden] || hidden == 0 {
            bail!("{words}: expected f32 {vocab}×hidden, found {:?} {:?}", table.dtype(), table.shape());
        }
        if !positions.len().is_multiple_of(hidden) {
            bail!("{words}: position rows do not have {hidden} values");
        }
        let norm = Norm::load(vb.pp("LayerNorm"), hidden, eps)?;
        Ok(Embeddings { file, words, vocab, positions, norm })
    }

    pub(super) fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Tensor> {
        let hidden = self.norm.gamma.len();
        let table = self.file.get(&self.words)?.data();
        let mut xs = Vec::with_capacity(ids.len() * hidden);
        let positions = lengths.iter().flat_map(|&l| 0..l);
        for (&id, position) in ids.iter().zip(positions) {
            let id = id as usize;
            if id >= self.vocab {
                bail!("token id {id} is outside the vocabulary of {}", self.vocab);
            }
            let word = table[id * hidden * 4..(id + 1) * hidden * 4].chunks_exact(4);
            let position = &self.positions[position * hidden..(position + 1) * hidden];
            xs.extend(word.zip(position).map(|(w, p)| f32::from_le_bytes([w[0], w[1], w[2], w[3]]) + p));
        }
        layer_norm_rows(&mut xs, &self.norm);
        Tensor::from_vec(xs, (ids.len(), hidden), &Device::Cpu)
    }
}

/// One transformer layer as BERT and MPNet both have it (post-norm attention, then a GELU feed-forward);
/// each model file loads it from its own tensor names.
pub(super) struct Layer {
    pub(super) qkv: Linear,
    pub(super) attention_output: Linear,
    pub(super) attention_norm: Norm,
    pub(super) intermediate: Linear,
    pub(super) output: Linear,
    pub(super) output_norm: Norm,
}

impl Layer {
    /// Packed sequences through the layer; `bias` is MPNet's relative position bias (none for BERT).
    pub(super) fn forward(
        &self,
        xs: &Tensor,
        lengths: &[usize],
        heads: usize,
        bias: Option<&RelativeBias>,
    ) -> Result<Tensor> {
        let qkv = self.qkv.forward(xs, Epilogue::None)?;
        let context = qkv.apply_op1_no_bwd(&Attention { lengths, heads, bias })?;
        let xs = self.attention_output.forward(&context, Epilogue::ResidualNorm(xs, &self.attention_norm))?;
        let inner = self.intermediate.forward(&xs, Epilogue::Gelu)?;
        self.output.forward(&inner, Epilogue::ResidualNorm(&xs, &self.output_norm))
    }

    /// Loads BERT's names: `attention.self.{query,key,value}`, `attention.output`, `intermediate`, `output`.
    fn load_bert(vb: VarBuilder, cfg: &Config, precision: Precision) -> Result<Self> {
        let (hidden, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
        let attention = vb.pp("attention");
        let names = ["query", "key", "value"];
        let qkv = Linear::fused_qkv(attention.pp("self"), names, hidden, cfg.num_attention_heads, precision)?;
        let output = attention.pp("output");
        let ffn_in = vb.pp("intermediate").pp("dense");
        let ffn_out = vb.pp("output");
        Ok(Layer {
            qkv,
            attention_output: Linear::load(output.pp("dense"), hidden, hidden, precision)?,
            attention_norm: Norm::load(output.pp("LayerNorm"), hidden, eps)?,
            intermediate: Linear::load(ffn_in, hidden, cfg.intermediate_size, precision)?,
            output: Linear::load(ffn_out.pp("dense"), cfg.intermediate_size, hidden, precision)?,
            output_norm: Norm::load(ffn_out.pp("LayerNorm"), hidden, eps)?,
        })
    }
}

/// Fails unless `hidden` splits evenly into `heads` attention heads.
pub(super) fn check_heads(hidden: usize, heads: usize) -> Result<()> {
    if heads == 0 || !hidden.is_multiple_of(heads) {
        bail!("hidden size {hidden} does not split into {heads} heads");
    }
    Ok(())
}

/// The weights file, mmapped: a `VarBuilder` over it and the raw tensors (for the int8 embedding rows).
pub(super) fn open_weights(weights: &Path) -> Result<(VarBuilder<'static>, MmapedSafetensors)> {
    // SAFETY: the file is mmapped read-only; it was verified and is not modified while in use.
    unsafe {
        Ok((
            VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &Device::Cpu)?,
            MmapedSafetensors::new(weights)?,
        ))
    }
}

/// A BERT encoder without pooling: token ids in, final hidden states out.
pub struct BertModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    max_positions: usize,
}

impl BertModel {
    /// Loads the weights under `embeddings.` and `encoder.layer.N.` from an f32 safetensors file,
    /// mmapped.
    pub fn load(weights: &Path, cfg: &Config, precision: Precision) -> Result<Self> {
        if !matches!(cfg.hidden_act, candle_transformers::models::bert::HiddenAct::Gelu) {
            bail!("unsupported activation {:?} (only the exact `gelu` is implemented)", cfg.hidden_act);
        }
        check_heads(cfg.hidden_size, cfg.num_attention_heads)?;
        let (vb, file) = open_weights(weights)?;
        let embeddings = Embeddings::load(vb.pp("embeddings"), file, cfg)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::load_bert(vb.pp(format!("encoder.layer.{i}")), cfg, precision))
            .collect::<Result<_>>()?;
        Ok(BertModel {
            embeddings,
            layers,
            heads: cfg.num_attention_heads,
            hidden: cfg.hidden_size,
            max_positions: cfg.max_position_embeddings,
        })
    }

    /// Final hidden states, `(tokens, hidden)`, of sequences packed end to end: `ids` holds all
    /// their token ids, `lengths` how many belong to each.
    pub fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Tensor> {
        if lengths.iter().sum::<usize>() != ids.len() || lengths.iter().any(|&l| l > self.max_positions) {
            bail!("{} ids do not pack into sequences of {lengths:?} (at most {})", ids.len(), self.max_positions);
        }
        let mut xs = self.embeddings.forward(ids, lengths)?;
        for layer in &self.layers {
            xs = layer.forward(&xs, lengths, self.heads, None)?;
        }
        Ok(xs)
    }
}

impl Backbone for BertModel {
    fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Tensor> {
        BertModel::forward(self, ids, lengths)
    }

    fn hidden_size(&self) -> usize {
        self.hidden
    }

    fn max_tokens(&self) -> usize {
        self.max_positions
    }

    fn special_tokens(&self) -> [&'static str; 2] {
        ["[CLS]", "[SEP]"]
    }
}
