//! Token workloads: ready-made windows of real text, cut to exact lengths and grouped into explicit
//! batches, so every system that runs one (candle, PyTorch, ONNX Runtime) sees identical ids.

use crate::document::Document;
use crate::encoder::Encoder;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `schema` of a workload dump written by `stance bench --dump-workload`.
pub const DUMP_SCHEMA: &str = "stance-bench-workload/1";

/// Windows of token ids (with the model's start and end tokens), grouped into the batches one encoder call each sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenWorkload {
    /// Short name, e.g. `chunks-256` or `sentences`; (`name`, `batch`) identifies a workload.
    pub name: String,
    /// Most windows in a batch.
    pub batch: usize,
    /// The batches, in the order they are run; each is padded to its longest window.
    pub batches: Vec<Vec<Vec<u32>>>,
}

impl TokenWorkload {
    /// Groups `windows` into batches of `batch` the way the encoder does: longest first (stable),
    /// so padding is as small as the encoder's own batching makes it.
    pub fn new(name: impl Into<String>, batch: usize, mut windows: Vec<Vec<u32>>) -> Self {
        let batch = batch.max(1);
        windows.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let batches = windows.chunks(batch).map(<[_]>::to_vec).collect();
        TokenWorkload { name: name.into(), batch, batches }
    }

    /// Number of windows.
    pub fn windows(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }

    /// Real tokens (special tokens included, padding excluded): the numerator of tokens/s.
    pub fn tokens(&self) -> usize {
        self.batches.iter().flatten().map(Vec::len).sum()
    }

    /// Longest window.
    pub fn longest(&self) -> usize {
        self.batches.iter().flatten().map(Vec::len).max().unwrap_or(0)
    }

    /// `sha256` (hex) of the ids written as text: ids joined by `,`, windows by `;`, batches by `|`.
    /// Lets a reference script check that it ran exactly these ids.
    pub fn fingerprint(&self) -> String {
        let text = self
            .batches
            .iter()
            .map(|b| {
                b.iter()
                    .map(|w| w.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect::<Vec<_>>()
            .join("|");
        Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Content token ids of real text: one stream of whole articles, and one row per sentence.
#[derive(Debug, Clone)]
pub struct TokenSource {
    stream: Vec<u32>,
    sentences: Vec<Vec<u32>>,
}

impl TokenSource {
    /// Tokenises the documents' cleaned bodies (the stream) and their sentences.
    pub fn new(encoder: &dyn Encoder, docs: &[Document]) -> Result<Self> {
        let bodies: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        let stream = encoder.tokenize(&bodies)?.concat();
        let texts: Vec<&str> = docs.iter().flat_map(|d| d.sentences.iter().map(|s| s.text.as_str())).collect();
        let sentences = encoder.tokenize(&texts)?;
        if stream.is_empty() || sentences.is_empty() {
            return Err(Error::Other("no text to build a token workload from".into()));
        }
        Ok(TokenSource { stream, sentences })
    }

    /// Content tokens in the stream.
    pub fn stream_len(&self) -> usize {
        self.stream.len()
    }

    /// `count` windows of exactly `len` tokens (the model's start token, `len - 2` consecutive
    /// stream tokens and its end token, as [`Encoder::windows`] makes them), taken one after another from the start of the stream, wrapping around at its end.
    pub fn chunks(&self, encoder: &dyn Encoder, len: usize, count: usize) -> Result<Vec<Vec<u32>>> {
        let span = len
            .checked_sub(2)
            .filter(|&s| s > 0)
            .ok_or_else(|| Error::Other(format!("a window of {len} tokens is too short")))?;
        let mut cycle = self.stream.iter().copied().cycle();
        (0..count)
            .map(|_| {
                let content: Vec<u32> = cycle.by_ref().take(span).collect();
                match encoder.windows(&content).as_slice() {
                    [one] if one.len() == len => Ok(one.clone()),
                    _ => Err(Error::Other(format!("the model cannot take a window of {len} tokens"))),
                }
            })
            .collect()
    }

    /// The first `count` sentences (in document order) that fit one window, each as its window;
    /// `count = None` takes them all.
    pub fn sentences(&self, encoder: &dyn Encoder, count: Option<usize>) -> Vec<Vec<u32>> {
        self.sentences
            .iter()
            .filter_map(|content| match encoder.windows(content).as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            })
            .take(count.unwrap_or(usize::MAX))
            .collect()
    }
}

/// The standard workload the reference script runs too: 64 × 256-token chunks at batch 32,
/// 16 × 256-token chunks at batch 1, and 256 sentences (about 30 tokens each) at batch 32.
pub fn standard(encoder: &dyn Encoder, source: &TokenSource) -> Result<Vec<TokenWorkload>> {
    Ok(vec![
        TokenWorkload::new("chunks-256", 32, source.chunks(encoder, 256, 64)?),
        TokenWorkload::new("chunks-256", 1, source.chunks(encoder, 256, 16)?),
        TokenWorkload::new("sentences", 32, source.sentences(encoder, Some(256))),
    ])
}

/// A workload file: what `--dump-workload` writes and `scripts/bench_reference.py` reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkloadDump {
    /// Always [`DUMP_SCHEMA`].
    pub schema: String,
    /// `model-id@revision` whose tokenizer made the ids.
    pub model: String,
    /// The workloads, each with its [`TokenWorkload::fingerprint`].
    pub workloads: Vec<DumpedWorkload>,
}

/// One workload in a [`WorkloadDump`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DumpedWorkload {
    /// [`TokenWorkload::tokens`].
    pub tokens: usize,
    /// [`TokenWorkload::fingerprint`].
    pub fingerprint: String,
    /// The workload itself.
    #[serde(flatten)]
    pub workload: TokenWorkload,
}

impl WorkloadDump {
    /// Wraps workloads for writing.
    pub fn new(model: &str, workloads: &[TokenWorkload]) -> Self {
        let workloads = workloads
            .iter()
            .map(|w| DumpedWorkload { tokens: w.tokens(), fingerprint: w.fingerprint(), workload: w.clone() })
            .collect();
        WorkloadDump { schema: DUMP_SCHEMA.into(), model: model.into(), workloads }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_longest_first_and_cover_every_window() {
        let windows = vec![vec![1, 5, 2], vec![1, 5, 6, 7, 2], vec![1, 2], vec![1, 8, 9, 2]];
        let w = TokenWorkload::new("s", 2, windows);
        assert_eq!(w.batches, vec![vec![vec![1, 5, 6, 7, 2], vec![1, 8, 9, 2]], vec![vec![1, 5, 2], vec![1, 2]]]);
        assert_eq!((w.windows(), w.tokens(), w.longest()), (4, 14, 5));
    }

    #[test]
    fn fingerprint_is_sha256_of_the_documented_text() {
        let w = TokenWorkload { name: "x".into(), batch: 2, batches: vec![vec![vec![1, 2], vec![3]], vec![vec![4]]] };
        let expected: String = Sha256::digest(b"1,2;3|4").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(w.fingerprint(), expected);
        let other = TokenWorkload { batches: vec![vec![vec![1, 2]], vec![vec![3], vec![4]]], ..w.clone() };
        assert_ne!(w.fingerprint(), other.fingerprint(), "the batch boundaries are part of the fingerprint");
    }

    #[test]
    fn dump_flattens_the_workload_and_round_trips() {
        let w = TokenWorkload::new("chunks-4", 1, vec![vec![1, 7, 8, 2]]);
        let dump = WorkloadDump::new("m@r", std::slice::from_ref(&w));
        let json = serde_json::to_value(&dump).unwrap();
        assert_eq!(json["schema"], DUMP_SCHEMA);
        assert_eq!(json["workloads"][0]["name"], "chunks-4");
        assert_eq!(json["workloads"][0]["tokens"], 4);
        assert_eq!(json["workloads"][0]["batches"][0][0][1], 7);
        let back: WorkloadDump = serde_json::from_value(json).unwrap();
        assert_eq!(back.workloads[0].workload, w);
    }
}
