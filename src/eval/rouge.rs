//! ROUGE-1, ROUGE-2 and ROUGE-L F1, computed as Google's `rouge-score` package does with
//! `use_stemmer=True`.
//!
//! Tokenisation: lowercase, every character outside `[a-z0-9]` separates tokens, and tokens longer
//! than three characters are stemmed. `rouge-score` uses NLTK's Porter stemmer; we use the Snowball
//! English stemmer ("Porter2") from `rust-stemmers`, which agrees on common inflections (`jumps`,
//! `jumped`, `jumping` → `jump`) but differs on some derivational suffixes (`generously`), so
//! scores can differ from the Python package in the third decimal on rare words.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

/// F1 scores of a candidate summary against one reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RougeScores {
    /// Unigram-overlap F1.
    pub rouge1: f64,
    /// Bigram-overlap F1.
    pub rouge2: f64,
    /// Longest-common-subsequence F1.
    pub rouge_l: f64,
}

/// ROUGE-1/2/L F1 of `candidate` against `reference`; all zero when either has no tokens.
pub fn rouge(candidate: &str, reference: &str) -> RougeScores {
    let stemmer = Stemmer::create(Algorithm::English);
    let cand = tokenize(candidate, &stemmer);
    let refr = tokenize(reference, &stemmer);
    RougeScores { rouge1: ngram_f1(&cand, &refr, 1), rouge2: ngram_f1(&cand, &refr, 2), rouge_l: lcs_f1(&cand, &refr) }
}

/// ROUGE-1 recall of `candidate` against `reference`: the share of the reference's unigrams (counts
/// clipped) that the candidate has; zero when the reference has no tokens.
pub fn rouge1_recall(candidate: &str, reference: &str) -> f64 {
    let stemmer = Stemmer::create(Algorithm::English);
    let (cand, refr) = (tokenize(candidate, &stemmer), tokenize(reference, &stemmer));
    let (c, r) = (ngrams(&cand, 1), ngrams(&refr, 1));
    let overlap: usize = r.iter().map(|(g, &k)| k.min(c.get(g).copied().unwrap_or(0))).sum();
    overlap as f64 / refr.len().max(1) as f64
}

/// ROUGE-1 F1 of many candidates against one reference, tokenised once (the oracle's search scores
/// a hundred or so candidate summaries per article).
pub struct Rouge1Against {
    stemmer: Stemmer,
    reference: Vec<String>,
}

impl Rouge1Against {
    /// Reads `reference`.
    pub fn new(reference: &str) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let reference = tokenize(reference, &stemmer);
        Rouge1Against { stemmer, reference }
    }

    /// ROUGE-1 F1 of `candidate`: the same value as `rouge(candidate, reference).rouge1`.
    pub fn f1(&self, candidate: &str) -> f64 {
        ngram_f1(&tokenize(candidate, &self.stemmer), &self.reference, 1)
    }
}

/// Lowercased `[a-z0-9]+` runs, stemmed when longer than three characters.
fn tokenize(text: &str, stemmer: &Stemmer) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|t| !t.is_empty())
        .map(|t| if t.len() > 3 { stemmer.stem(t).into_owned() } else { t.to_owned() })
        .collect()
}

/// F1 from an overlap count and the two totals, as `rouge-score` computes it.
fn f1(overlap: usize, cand_total: usize, ref_total: usize) -> f64 {
    let p = overlap as f64 / cand_total.max(1) as f64;
    let r = overlap as f64 / ref_total.max(1) as f64;
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// Multiset counts of the `n`-grams of `tokens`.
fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut counts = HashMap::new();
    for gram in tokens.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// ROUGE-N F1: clipped n-gram overlap.
fn ngram_f1(cand: &[String], refr: &[String], n: usize) -> f64 {
    let (c, r) = (ngrams(cand, n), ngrams(refr, n));
    let overlap = c.iter().map(|(g, &k)| k.min(r.get(g).copied().unwrap_or(0))).sum();
    f1(overlap, c.values().sum(), r.values().sum())
}

/// ROUGE-L F1: longest common subsequence over the token sequences.
fn lcs_f1(cand: &[String], refr: &[String]) -> f64 {
    if cand.is_empty() || refr.is_empty() {
        return 0.0;
    }
    // One rolling row of the LCS table, indexed by reference position.
    let mut prev = vec![0usize; refr.len() + 1];
    let mut cur = vec![0usize; refr.len() + 1];
    for c in cand {
        for (j, r) in refr.iter().enumerate() {
            cur[j + 1] = if c == r { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    f1(prev[refr.len()], cand.len(), refr.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn rouge_score_readme_example() {
        // rouge-score README: target "The quick brown fox jumps over the lazy dog",
        // prediction "The quick brown dog jumps on the log." → rouge1 F 0.7058824,
        // rougeL P 0.625 R 0.5555556 F 0.5882353.
        let s = rouge("The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog");
        assert!(close(s.rouge1, 0.705_882_4), "{s:?}");
        // bigrams: 2 shared (the quick, quick brown) of 7 candidate and 8 reference → 4/15.
        assert!(close(s.rouge2, 4.0 / 15.0), "{s:?}");
        assert!(close(s.rouge_l, 0.588_235_3), "{s:?}");
    }

    #[test]
    fn identical_and_disjoint() {
        let s = rouge("Pakistan and Afghanistan talk", "pakistan AND afghanistan talk!");
        assert_eq!(s, RougeScores { rouge1: 1.0, rouge2: 1.0, rouge_l: 1.0 });
        let s = rouge("alpha beta", "gamma delta");
        assert_eq!(s, RougeScores { rouge1: 0.0, rouge2: 0.0, rouge_l: 0.0 });
        let s = rouge("", "anything at all");
        assert_eq!(s, RougeScores { rouge1: 0.0, rouge2: 0.0, rouge_l: 0.0 });
    }

    #[test]
    fn stemming_and_clipping() {
        // "talks" and "talking" both stem to "talk".
        assert!(close(rouge("talks resumed", "talking resumed").rouge1, 1.0));
        // Short tokens are not stemmed: "was" stays "was".
        assert_eq!(tokenize("was borders", &Stemmer::create(Algorithm::English)), vec!["was", "border"]);
        // Candidate "the the the" vs reference "the cat": overlap clipped to 1 → P 1/3, R 1/2, F 0.4.
        assert!(close(rouge("the the the", "the cat").rouge1, 0.4));
    }

    #[test]
    fn recall_counts_the_reference_unigrams_covered() {
        // Reference "the cat sat" (3 tokens); candidate covers "the" and "sat" once each.
        assert!(close(rouge1_recall("the dog sat sat", "the cat sat"), 2.0 / 3.0));
        assert_eq!(rouge1_recall("anything", ""), 0.0);
    }

    #[test]
    fn rouge1_against_one_reference_agrees_with_rouge() {
        let reference = "The quick brown fox jumps over the lazy dog";
        let against = Rouge1Against::new(reference);
        for candidate in ["The quick brown dog jumps on the log.", "the the the", "", "Foxes jumped; dogs were lazy."] {
            assert!(close(against.f1(candidate), rouge(candidate, reference).rouge1), "{candidate}");
        }
        assert_eq!(Rouge1Against::new("").f1("anything"), 0.0);
    }

    #[test]
    fn lcs_is_not_contiguous() {
        // LCS of "a b c d" and "a x c y d" is "a c d" (3): P 3/4, R 3/5 → F 2/3.
        assert!(close(rouge("a b c d", "a x c y d").rouge_l, 2.0 / 3.0));
        // Non-ASCII letters separate tokens, as in rouge-score.
        assert!(close(rouge("café", "caf").rouge1, 1.0));
    }
}
