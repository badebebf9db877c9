//! Text encoders: text in, plain `f32` rows out. Tensors never leave this module.
//!
//! [`Encoder`] is the seam; [`bert::BertEncoder`] is the candle transformer behind it, running our
//! own BERT forward (`model`) on fused CPU kernels (`ops`, `int8`).

pub mod bert;
pub mod cache;
mod int8;
mod model;
mod ops;
pub mod windows;

pub use bert::{BertEncoder, EncoderOptions, Precision};

use crate::Result;

/// One text's embedding and how it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// The pooled (and, for normalising models, unit-length) vector.
    pub vector: Vec<f32>,
    /// Number of token windows the text was split into (1 unless longer than the model's limit).
    pub windows: usize,
    /// Number of content tokens (special tokens excluded).
    pub tokens: usize,
}

/// Turns texts into fixed-size vectors. Results come back in input order.
pub trait Encoder: Send + Sync {
    /// `model-id@revision`, written into reports so results can be traced to the model.
    fn id(&self) -> String;
    /// Length of every vector.
    fn dim(&self) -> usize;
    /// Embeds `texts`; output `i` belongs to input `i`.
    fn encode(&self, texts: &[&str]) -> Result<Vec<Embedding>>;
}
