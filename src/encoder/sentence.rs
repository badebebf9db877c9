//! The sentence encoder around any architecture: tokenizer → token windows → length-sorted batches
//! → the transformer ([`Backbone`]) over the batch's windows packed without padding → mean pooling
//! → L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2 and all-mpnet-base-v2.

use super::ops::on_this_thread;
use super::windows::{plan_batches, split_windows};
use super::{Backbone, Embedding, Encoder};
use crate::hub::{ModelFiles, ModelSpec, Pooling};
use crate::numeric::vector::normalize;
use crate::{Error, Result};
use rayon::prelude::*;
use std::path::Path;
use tokenizers::Tokenizer;

/// Below this many tokens per thread, batches are not worth running side by side.
const MIN_TOKENS_PER_THREAD: usize = 256;

/// Tokens × hidden size of one forward pass when the caller sets no budget: 1,024 tokens for a
/// 384-wide model (MiniLM), 512 for a 768-wide one (MPNet), so that a pass's activations (the
/// feed-forward layer's are four times the hidden size) stay in cache. Measured with `stance bench
/// --workload standard` (2 threads, 256-token chunks at batch 32, where the earlier budget of 8,192
/// meant passes of 4,096 tokens, one per thread): MiniLM 6,113 / 6,146 tokens/s with 4,096 tokens per
/// pass, 6,230 / 6,130 with 2,048, 6,609 / 6,464 with 1,024 (two interleaved rounds); MPNet 845 with
/// 4,096, 932 with 512 (one run each).
const CACHED_TOKEN_WIDTHS: usize = 1024 * 384;

/// Numeric precision of the encoder's matrix multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Precision {
    /// 32-bit floats throughout: matches the reference implementation.
    #[default]
    F32,
    /// Encoder-layer weights quantised to int8 per output row, activations per token at run time;
    /// attention, norms and activations stay f32. Faster; cosine ≥ 0.99 to the f32 embeddings.
    Int8,
}

/// Batching and precision knobs for the encoder.
#[derive(Debug, Clone, Copy)]
pub struct EncoderOptions {
    /// Most windows in one forward pass.
    pub max_batch: usize,
    /// Most tokens, counted as batch × longest window, in one forward pass; `None` for the model's
    /// own (1,024 tokens for a 384-wide model, 512 for a 768-wide one). Windows are packed without
    /// padding, so this only bounds memory and cache footprint.
    pub token_budget: Option<usize>,
    /// Precision of the weights' matrix multiplies.
    pub precision: Precision,
}

impl Default for EncoderOptions {
    fn default() -> Self {
        EncoderOptions { max_batch: 32, token_budget: None, precision: Precision::F32 }
    }
}

/// A transformer checkpoint (BERT, MPNet) with its tokenizer and pooling, on candle's CPU backend.
pub(super) struct SentenceEncoder {
    model: Box<dyn Backbone>,
    tokenizer: Tokenizer,
    spec: ModelSpec,
    hidden: usize,
    cls: u32,
    sep: u32,
    options: EncoderOptions,
}

impl SentenceEncoder {
    /// Loads the tokenizer (with its shipped padding and truncation switched off: we window and
    /// pad ourselves) while `load_model` loads the weights, side by side: the tokenizer's JSON
    /// parse and the weights' load take about as long.
    pub(super) fn load(
        files: &ModelFiles,
        options: EncoderOptions,
        load_model: impl FnOnce() -> Result<Box<dyn Backbone>>,
    ) -> Result<Self> {
        let tokenizer_path = files.path("tokenizer.json");
        let (tokenizer, model) = std::thread::scope(|s| {
            let tokenizer = s.spawn(|| load_tokenizer(&tokenizer_path));
            let model = load_model();
            (tokenizer.join().expect("the tokenizer loader does not panic"), model)
        });
        let (tokenizer, model) = (tokenizer?, model?);
        let [start, end] = model.special_tokens();
        let special = |name: &str| {
            tokenizer.token_to_id(name).ok_or_else(|| Error::Config {
                path: tokenizer_path.clone(),
                message: format!("tokenizer has no {name} token"),
            })
        };
        let (cls, sep) = (special(start)?, special(end)?);
        let mut spec = files.spec.clone();
        spec.max_tokens = spec.max_tokens.min(model.max_tokens());
        let hidden = model.hidden_size();
        Ok(SentenceEncoder { model, tokenizer, spec, hidden, cls, sep, options })
    }

    fn tokenize_texts(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let encodings =
            self.tokenizer.encode_batch(texts.to_vec(), false).map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encodings.into_iter().map(|e| e.get_ids().to_vec()).collect())
    }

    fn split(&self, content: &[u32]) -> Vec<Vec<u32>> {
        split_windows(content, self.spec.max_tokens, self.spec.window_overlap, self.cls, self.sep)
    }

    /// With several threads and enough tokens, the batches run side by side, each on one thread
    /// with no synchronisation inside the forward pass; a single small batch instead splits each
    /// matrix multiply across the threads.
    fn encode_token_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let lengths: Vec<usize> = windows.iter().map(Vec::len).collect();
        let threads = rayon::current_num_threads();
        let total: usize = lengths.iter().sum();
        let side_by_side = threads > 1 && total >= threads * MIN_TOKENS_PER_THREAD;
        let budget = self.options.token_budget.unwrap_or(CACHED_TOKEN_WIDTHS / self.hidden.max(1));
        let budget = if side_by_side { budget.min(total.div_ceil(threads)) } else { budget };
        let batches = plan_batches(&lengths, self.options.max_batch, budget);
        let run = |batch: &Vec<usize>| {
            let rows: Vec<&[u32]> = batch.iter().map(|&i| windows[i].as_slice()).collect();
            self.forward_batch(&rows)
        };
        let results: Vec<Result<Vec<Vec<f32>>>> = if side_by_side && batches.len() > 1 {
            batches.par_iter().map(|b| on_this_thread(|| run(b))).collect()
        } else {
            batches.iter().map(run).collect()
        };
        let mut out = vec![Vec::new(); windows.len()];
        for (batch, rows) in batches.iter().zip(results) {
            for (row, &i) in rows?.into_iter().zip(batch) {
                out[i] = row;
            }
        }
        Ok(out)
    }

    /// One pooled (and, for normalising models, unit-length) row per window of the batch.
    fn forward_batch(&self, rows: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let lengths: Vec<usize> = rows.iter().map(|r| r.len()).collect();
        let hidden = self.model.forward(&rows.concat(), &lengths)?.flatten_all()?.to_vec1::<f32>()?;
        let width = self.hidden;
        let mut start = 0;
        let mut pooled = Vec::with_capacity(rows.len());
        for len in lengths {
            let tokens = &hidden[start * width..(start + len) * width];
            start += len;
            let mut row = match self.spec.pooling {
                Pooling::Mean => {
                    let mut sum = vec![0.0f32; width];
                    for token in tokens.chunks_exact(width) {
                        sum.iter_mut().zip(token).for_each(|(s, v)| *s += v);
                    }
                    sum.iter_mut().for_each(|s| *s /= len.max(1) as f32);
                    sum
                }
                Pooling::Cls => tokens[..width].to_vec(),
            };
            if self.spec.normalize {
                normalize(&mut row);
            }
            pooled.push(row);
        }
        Ok(pooled)
    }
}

/// The tokenizer with its shipped padding and truncation switched off.
fn load_tokenizer(path: &Path) -> Result<Tokenizer> {
    let config_error = |message: String| Error::Config { path: path.to_path_buf(), message };
    let mut tokenizer = Tokenizer::from_file(path).map_err(|e| config_error(format!("cannot load tokenizer: {e}")))?;
    tokenizer.with_padding(None);
    tokenizer.with_truncation(None).map_err(|e| config_error(e.to_string()))?;
    Ok(tokenizer)
}

impl Encoder for SentenceEncoder {
    fn id(&self) -> String {
        match self.options.precision {
            Precision::F32 => self.spec.versioned_id(),
            Precision::Int8 => format!("{}+int8", self.spec.versioned_id()),
        }
    }

    fn model_name(&self) -> String {
        self.spec.artefact_name()
    }

    fn dim(&self) -> usize {
        self.hidden
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        self.tokenize_texts(texts)
    }

    fn windows(&self, content: &[u32]) -> Vec<Vec<u32>> {
        self.split(content)
    }

    fn encode_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        self.encode_token_windows(windows)
    }

    /// A text longer than the model's window is split into overlapping windows; its embedding is
    /// the token-weighted mean of the window embeddings, renormalised.
    fn encode(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        let contents = self.tokenize_texts(texts)?;
        let mut windows = Vec::new();
        let mut owner = Vec::new();
        for (text, content) in contents.iter().enumerate() {
            for w in self.split(content) {
                owner.push(text);
                windows.push(w);
            }
        }
        let rows = self.encode_token_windows(&windows)?;
        let mut out: Vec<Embedding> = contents
            .iter()
            .map(|c| Embedding { vector: vec![0.0; self.hidden], windows: 0, tokens: c.len() })
            .collect();
        let mut weights = vec![0.0f32; texts.len()];
        for ((row, window), &text) in rows.iter().zip(&windows).zip(&owner) {
            let weight = (window.len() - 2).max(1) as f32;
            weights[text] += weight;
            let e = &mut out[text];
            e.windows += 1;
            e.vector.iter_mut().zip(row).for_each(|(acc, v)| *acc += weight * v);
        }
        for (e, total) in out.iter_mut().zip(weights) {
            e.vector.iter_mut().for_each(|v| *v /= total);
            if self.spec.normalize {
                normalize(&mut e.vector);
            }
        }
        Ok(out)
    }
}
