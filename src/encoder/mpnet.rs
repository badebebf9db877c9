//! MPNet's forward pass over packed sequences (all-mpnet-base-v2), laid out like
//! candle-transformers' `models/bert.rs` and read side by side with Hugging Face transformers'
//! `modeling_mpnet.py`.
//!
//! Where MPNet differs from BERT: no token type embeddings; positions start at
//! `padding_idx + 1` (2); the projections are named `attention.attn.{q,k,v,o}`; and every layer's
//! attention scores get a bias by the relative position of key and query, bucketed
//! (`MPNetEncoder.relative_position_bucket`: 32 buckets, bidirectional, exact up to 8 tokens,
//! logarithmic up to 128) and looked up in one `encoder.relative_attention_bias` table that all
//! layers share. The fused kernels (`ops`), packed sequences and int8 are BERT's.

use super::model::{check_heads, open_weights, Embeddings, Layer, Linear};
use super::ops::{Norm, RelativeBias};
use super::{Backbone, Precision};
use candle_core::{bail, Result, Tensor};
use candle_nn::VarBuilder;
use serde::Deserialize;
use std::path::Path;

/// A Hugging Face MPNet `config.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Width of every token vector.
    pub hidden_size: usize,
    /// Encoder layers.
    pub num_hidden_layers: usize,
    /// Attention heads per layer.
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer.
    pub intermediate_size: usize,
    /// Activation of the feed-forward layer (only `gelu` is implemented).
    pub hidden_act: String,
    /// Rows of the position embedding table (`padding_idx + 1` of them are never used).
    pub max_position_embeddings: usize,
    /// Layer norm epsilon.
    pub layer_norm_eps: f64,
    /// Padding token id, which is also the position embeddings' padding index.
    #[serde(default = "default_pad")]
    pub pad_token_id: usize,
    /// Buckets of the relative position bias.
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: usize,
}

fn default_pad() -> usize {
    1
}

fn default_buckets() -> usize {
    32
}

/// Farthest distance with its own buckets; beyond it, everything shares the last bucket.
const MAX_DISTANCE: usize = 128;

/// The bucket of a key `relative` tokens after its query (`MPNetEncoder.relative_position_bucket`,
/// bidirectional): half the buckets for keys before the query, half for keys after; within each
/// half, exact distances below a quarter of the buckets, then logarithmic up to [`MAX_DISTANCE`].
pub fn relative_position_bucket(relative: i64, buckets: usize) -> usize {
    let half = buckets / 2;
    let n = -relative;
    let side = if n < 0 { half } else { 0 };
    let n = n.unsigned_abs() as usize;
    let exact = half / 2;
    if n < exact {
        return side + n;
    }
    // As PyTorch computes it, in f32, truncated.
    let log =
        (n as f32 / exact as f32).ln() / ((MAX_DISTANCE as f64 / exact as f64).ln() as f32) * (half - exact) as f32;
    side + (exact + log as usize).min(half - 1)
}

/// Loads MPNet's names for one layer: `attention.attn.{q,k,v,o}`, `attention.LayerNorm`,
/// `intermediate`, `output`.
fn load_layer(vb: VarBuilder, cfg: &Config, precision: Precision) -> Result<Layer> {
    let (hidden, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
    let attention = vb.pp("attention");
    let attn = attention.pp("attn");
    let ffn_out = vb.pp("output");
    Ok(Layer {
        qkv: Linear::fused_qkv(attn.clone(), ["q", "k", "v"], hidden, cfg.num_attention_heads, precision)?,
        attention_output: Linear::load(attn.pp("o"), hidden, hidden, precision)?,
        attention_norm: Norm::load(attention.pp("LayerNorm"), hidden, eps)?,
        intermediate: Linear::load(vb.pp("intermediate").pp("dense"), hidden, cfg.intermediate_size, precision)?,
        output: Linear::load(ffn_out.pp("dense"), cfg.intermediate_size, hidden, precision)?,
        output_norm: Norm::load(ffn_out.pp("LayerNorm"), hidden, eps)?,
    })
}

/// An MPNet encoder without pooling: token ids in, final hidden states out.
pub struct MpnetModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    /// `encoder.relative_attention_bias`, expanded to every distance a window can hold.
    bias: RelativeBias,
    heads: usize,
    hidden: usize,
    max_positions: usize,
}

impl MpnetModel {
    /// Loads the weights under `embeddings.` and `encoder.` from an f32 safetensors file, mmapped.
    pub fn load(weights: &Path, cfg: &Config, precision: Precision) -> Result<Self> {
        if cfg.hidden_act != "gelu" {
            bail!("unsupported activation {:?} (only the exact `gelu` is implemented)", cfg.hidden_act);
        }
        check_heads(cfg.hidden_size, cfg.num_attention_heads)?;
        let (hidden, heads) = (cfg.hidden_size, cfg.num_attention_heads);
        // Position ids run from padding_idx + 1; the rows before are never used.
        let first = cfg.pad_token_id + 1;
        let max_positions = cfg.max_position_embeddings.saturating_sub(first);
        if max_positions == 0 {
            bail!(
                "{} position embeddings leave none after padding index {}",
                cfg.max_position_embeddings,
                cfg.pad_token_id
            );
        }
        let (vb, file) = open_weights(weights)?;
        let embeddings_vb = vb.pp("embeddings");
        let positions = embeddings_vb.pp("position_embeddings").get((cfg.max_position_embeddings, hidden), "weight")?;
        let positions = positions.narrow(0, first, max_positions)?.flatten_all()?.to_vec1()?;
        let embeddings = Embeddings::new(embeddings_vb, file, cfg.vocab_size, positions, cfg.layer_norm_eps)?;
        let encoder = vb.pp("encoder");
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| load_layer(encoder.pp(format!("layer.{i}")), cfg, precision))
            .collect::<Result<_>>()?;
        let buckets = cfg.relative_attention_num_buckets;
        let table: Vec<Vec<f32>> = encoder.pp("relative_attention_bias").get((buckets, heads), "weight")?.to_vec2()?;
        let span = max_positions - 1;
        let bias = (0..heads)
            .flat_map(|h| {
                let table = &table;
                (-(span as i64)..=span as i64).map(move |r| table[relative_position_bucket(r, buckets)][h])
            })
            .collect();
        Ok(MpnetModel { embeddings, layers, bias: RelativeBias { table: bias, span }, heads, hidden, max_positions })
    }

    /// Final hidden states, `(tokens, hidden)`, of sequences packed end to end: `ids` holds all
    /// their token ids, `lengths` how many belong to each.
    pub fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Tensor> {
        if lengths.iter().sum::<usize>() != ids.len() || lengths.iter().any(|&l| l > self.max_positions) {
            bail!("{} ids do not pack into sequences of {lengths:?} (at most {})", ids.len(), self.max_positions);
        }
        let mut xs = self.embeddings.forward(ids, lengths)?;
        for layer in &self.layers {
            xs = layer.forward(&xs, lengths, self.heads, Some(&self.bias))?;
        }
        Ok(xs)
    }
}

impl Backbone for MpnetModel {
    fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Tensor> {
        MpnetModel::forward(self, ids, lengths)
    }

    fn hidden_size(&self) -> usize {
        self.hidden
    }

    fn max_tokens(&self) -> usize {
        self.max_positions
    }

    fn special_tokens(&self) -> [&'static str; 2] {
        ["<s>", "</s>"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_match_transformers() {
        // (relative position j - i, bucket) where the bucket changes, from transformers 5.25's
        // MPNetEncoder.relative_position_bucket over -600..=600.
        let changes = [
            (-600, 15),
            (-90, 14),
            (-63, 13),
            (-45, 12),
            (-31, 11),
            (-22, 10),
            (-15, 9),
            (-11, 8),
            (-7, 7),
            (-6, 6),
            (-5, 5),
            (-4, 4),
            (-3, 3),
            (-2, 2),
            (-1, 1),
            (0, 0),
            (1, 17),
            (2, 18),
            (3, 19),
            (4, 20),
            (5, 21),
            (6, 22),
            (7, 23),
            (8, 24),
            (12, 25),
            (16, 26),
            (23, 27),
            (32, 28),
            (46, 29),
            (64, 30),
            (91, 31),
        ];
        let mut expected = changes[0].1;
        let mut next = changes.iter().peekable();
        for r in -600..=600 {
            if let Some(&&(at, bucket)) = next.peek() {
                if at == r {
                    expected = bucket;
                    next.next();
                }
            }
            assert_eq!(relative_position_bucket(r, 32), expected, "relative position {r}");
        }
    }
}
