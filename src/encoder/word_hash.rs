//! A deterministic stand-in encoder for unit tests: no download, no model, microseconds a text.
//! Every lower-cased word is hashed (FNV-1a) to a token id and to one of [`DIM`] buckets; a text's
//! vector is its normalised bucket counts, so texts sharing words are close, as with a real model.

use super::{Embedding, Encoder};
use crate::numeric::vector::normalize;
use crate::Result;

/// Width of every vector.
pub(crate) const DIM: usize = 64;
/// The ids that open and close every window.
const START: u32 = 1;
const END: u32 = 2;

/// The test encoder (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordHashEncoder;

fn word_id(word: &str) -> u32 {
    let hash = word.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash.max(END + 1)
}

fn embed(ids: &[u32]) -> Vec<f32> {
    let mut vector = vec![0.0; DIM];
    ids.iter().filter(|&&id| id > END).for_each(|&id| vector[id as usize % DIM] += 1.0);
    normalize(&mut vector);
    vector
}

impl Encoder for WordHashEncoder {
    fn id(&self) -> String {
        "test/word-hash@0".into()
    }

    fn dim(&self) -> usize {
        DIM
    }

    fn encode(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        let ids = self.tokenize(texts)?;
        Ok(ids.iter().map(|ids| Embedding { vector: embed(ids), windows: 1, tokens: ids.len() }).collect())
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let words = |text: &str| -> Vec<u32> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| word_id(&w.to_lowercase()))
                .collect()
        };
        Ok(texts.iter().map(|t| words(t)).collect())
    }

    fn windows(&self, content: &[u32]) -> Vec<Vec<u32>> {
        vec![[&[START], content, &[END]].concat()]
    }

    fn encode_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        Ok(windows.iter().map(|w| embed(w)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::vector::dot;

    #[test]
    fn shared_words_make_close_vectors_and_runs_repeat() {
        let e = WordHashEncoder;
        let rows = e.encode(&["Kabul border talks", "kabul BORDER talks!", "cricket scores"]).unwrap();
        assert_eq!(rows, e.encode(&["Kabul border talks", "kabul BORDER talks!", "cricket scores"]).unwrap());
        assert!((dot(&rows[0].vector, &rows[1].vector) - 1.0).abs() < 1e-6);
        assert!(dot(&rows[0].vector, &rows[2].vector) < 0.5);
        assert_eq!(rows[0].tokens, 3);
        let windows = e.windows(&e.tokenize(&["a b"]).unwrap()[0]);
        assert_eq!((windows[0].len(), windows[0][0]), (4, START));
    }
}
