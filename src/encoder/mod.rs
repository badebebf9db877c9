//! Text encoders: text in, plain `f32` rows out. Tensors never leave this module.
//!
//! [`Encoder`] is the seam and [`load`] the one place that picks an architecture: it reads
//! `config.json`'s `model_type` and builds that transformer (`model`: BERT, `mpnet`: MPNet),
//! wrapped in the tokenizer, windows and pooling they share (`sentence`). Both run on fused CPU
//! kernels (`ops`, `int8`). Adding an architecture is one model file, one match arm in [`load`]
//! and one registry entry.

pub mod articles;
pub mod cache;
mod dispatch;
mod int8;
mod model;
mod mpnet;
mod ops;
mod sentence;
pub mod windows;
#[cfg(test)]
pub(crate) mod word_hash;

pub use sentence::{EncoderOptions, Precision};

use crate::hub::{Architecture, ModelFiles, Source};
use crate::{Error, Result};

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
    /// Content token ids of each text (no special tokens, no truncation).
    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>>;
    /// Splits content ids into model windows (with the model's own start and end tokens, at most
    /// its `max_tokens` each).
    fn windows(&self, content: &[u32]) -> Vec<Vec<u32>>;
    /// Embeds ready-made windows (with special tokens); one pooled, normalised row per window.
    fn encode_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>>;
}

/// A transformer without pooling: token ids of sequences packed end to end in, final hidden
/// states `(tokens, hidden)` out. One implementation per architecture file.
trait Backbone: Send + Sync {
    /// Hidden states of the sequences of `lengths` tokens laid end to end in `ids`.
    fn forward(&self, ids: &[u32], lengths: &[usize]) -> candle_core::Result<candle_core::Tensor>;
    /// Width of a token vector.
    fn hidden_size(&self) -> usize;
    /// Longest sequence the position embeddings allow.
    fn max_tokens(&self) -> usize;
    /// The tokens that open and close every window (`[CLS]`/`[SEP]`, `<s>`/`</s>`).
    fn special_tokens(&self) -> [&'static str; 2];
}

/// Loads the encoder for resolved model files: the architecture named by `config.json`'s
/// `model_type` (which must agree with the registry entry), its tokenizer and mmapped weights.
pub fn load(files: &ModelFiles, options: EncoderOptions) -> Result<Box<dyn Encoder>> {
    #[derive(serde::Deserialize)]
    struct ModelType {
        model_type: String,
    }
    let config_path = files.path("config.json");
    let config_error = |message: String| Error::Config { path: config_path.clone(), message };
    let text = std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
    let model_type =
        serde_json::from_str::<ModelType>(&text).map_err(|e| config_error(format!("no model_type: {e}")))?.model_type;
    if files.source != Source::LocalDir && model_type != files.spec.architecture.to_string() {
        return Err(config_error(format!(
            "model_type is {model_type:?} but the registry entry for {} says {}",
            files.spec.id, files.spec.architecture
        )));
    }
    let weights = files.path("model.safetensors");
    let weights_error =
        |e: candle_core::Error| Error::Config { path: weights.clone(), message: format!("cannot load weights: {e}") };
    let parse_error = |e: serde_json::Error| config_error(format!("not a {model_type} config: {e}"));
    let precision = options.precision;
    let encoder = sentence::SentenceEncoder::load(files, options, || -> Result<Box<dyn Backbone>> {
        Ok(match model_type.as_str() {
            "bert" => Box::new(
                model::BertModel::load(&weights, &serde_json::from_str(&text).map_err(parse_error)?, precision)
                    .map_err(weights_error)?,
            ),
            "mpnet" => Box::new(
                mpnet::MpnetModel::load(&weights, &serde_json::from_str(&text).map_err(parse_error)?, precision)
                    .map_err(weights_error)?,
            ),
            other => {
                return Err(config_error(format!(
                    "unsupported model_type {other:?}; known: {}",
                    [Architecture::Bert, Architecture::Mpnet].map(|a| a.to_string()).join(", ")
                )))
            }
        })
    })?;
    Ok(Box::new(encoder))
}

/// A boxed encoder (what [`load`] returns) is an encoder, so `&Box<dyn Encoder>` passes where
/// `&dyn Encoder` is wanted.
impl<E: Encoder + ?Sized> Encoder for Box<E> {
    fn id(&self) -> String {
        (**self).id()
    }

    fn dim(&self) -> usize {
        (**self).dim()
    }

    fn encode(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        (**self).encode(texts)
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        (**self).tokenize(texts)
    }

    fn windows(&self, content: &[u32]) -> Vec<Vec<u32>> {
        (**self).windows(content)
    }

    fn encode_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        (**self).encode_windows(windows)
    }
}
