//! Bag-of-words TF-IDF features for the baseline classifier.
//!
//! Tokens are lowercased runs of letters and digits of at least two characters, so `Pakistan's`
//! gives `pakistan` (the lone `s` is dropped, as with scikit-learn's default token pattern). Terms
//! are word unigrams and bigrams. The vocabulary keeps terms found in at least `min_df` training
//! texts, the `max_features` most frequent by document frequency (ties broken alphabetically),
//! then sorted alphabetically so the feature order is deterministic. A text becomes
//! `(1 + ln tf) · idf` per term, with smooth `idf = ln((1 + n) / (1 + df)) + 1`, L2-normalised —
//! scikit-learn's `TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)`.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::numeric::vector::normalize;
use crate::{Error, Result};

/// Vocabulary settings for [`TfidfVectorizer::fit_with`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TfidfConfig {
    /// A term must occur in at least this many training texts.
    pub min_df: usize,
    /// Keep at most this many terms (the highest document frequencies).
    pub max_features: usize,
    /// Longest n-gram, in words (1 = unigrams only, 2 = unigrams and bigrams).
    pub ngram_max: usize,
}

impl Default for TfidfConfig {
    fn default() -> Self {
        Self { min_df: 2, max_features: 20_000, ngram_max: 2 }
    }
}

/// A fitted TF-IDF vocabulary; serialises to JSON as its n-gram length, terms and idf weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TfidfData", into = "TfidfData")]
pub struct TfidfVectorizer {
    ngram_max: usize,
    terms: Vec<String>,
    idf: Vec<f32>,
    index: HashMap<String, usize>,
}

/// The serialised form: everything but the term → column index, which is rebuilt on load.
#[derive(Serialize, Deserialize)]
struct TfidfData {
    ngram_max: usize,
    terms: Vec<String>,
    idf: Vec<f32>,
}

impl TryFrom<TfidfData> for TfidfVectorizer {
    type Error = String;

    fn try_from(d: TfidfData) -> std::result::Result<Self, String> {
        if d.terms.len() != d.idf.len() {
            return Err(format!("{} terms but {} idf weights", d.terms.len(), d.idf.len()));
        }
        if d.ngram_max == 0 {
            return Err("ngram_max must be at least 1".into());
        }
        let index: HashMap<String, usize> = d.terms.iter().enumerate().map(|(i, t)| (t.clone(), i)).collect();
        if index.len() != d.terms.len() {
            return Err("duplicate terms in vocabulary".into());
        }
        Ok(Self { ngram_max: d.ngram_max, terms: d.terms, idf: d.idf, index })
    }
}

impl From<TfidfVectorizer> for TfidfData {
    fn from(v: TfidfVectorizer) -> Self {
        Self { ngram_max: v.ngram_max, terms: v.terms, idf: v.idf }
    }
}

impl TfidfVectorizer {
    /// Fits the vocabulary and idf weights on `texts` with [`TfidfConfig::default`].
    pub fn fit<S: AsRef<str>>(texts: &[S]) -> Result<Self> {
        Self::fit_with(texts, &TfidfConfig::default())
    }

    /// Fits on `texts` with explicit settings. Fails when the settings are zero or no term
    /// survives `min_df` (e.g. fewer training texts than `min_df`).
    pub fn fit_with<S: AsRef<str>>(texts: &[S], cfg: &TfidfConfig) -> Result<Self> {
        if cfg.ngram_max == 0 || cfg.max_features == 0 {
            return Err(Error::Other("tfidf: ngram_max and max_features must be at least 1".into()));
        }
        let mut df: HashMap<String, usize> = HashMap::new();
        for text in texts {
            let distinct: HashSet<String> = terms_of(text.as_ref(), cfg.ngram_max).collect();
            for term in distinct {
                *df.entry(term).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(String, usize)> = df.into_iter().filter(|&(_, d)| d >= cfg.min_df.max(1)).collect();
        if kept.is_empty() {
            return Err(Error::Other(format!(
                "tfidf: no term occurs in at least {} of the {} training texts",
                cfg.min_df,
                texts.len()
            )));
        }
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(cfg.max_features);
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        let n = texts.len() as f64;
        let idf = kept.iter().map(|&(_, d)| (((1.0 + n) / (1.0 + d as f64)).ln() + 1.0) as f32).collect();
        let terms: Vec<String> = kept.into_iter().map(|(t, _)| t).collect();
        let index = terms.iter().enumerate().map(|(i, t)| (t.clone(), i)).collect();
        Ok(Self { ngram_max: cfg.ngram_max, terms, idf, index })
    }

    /// The L2-normalised TF-IDF row of `text` (length [`dim`](Self::dim)); all zeros when no
    /// vocabulary term occurs.
    pub fn transform(&self, text: &str) -> Vec<f32> {
        let mut counts: HashMap<usize, u32> = HashMap::new();
        for term in terms_of(text, self.ngram_max) {
            if let Some(&i) = self.index.get(&term) {
                *counts.entry(i).or_insert(0) += 1;
            }
        }
        let mut row = vec![0f32; self.terms.len()];
        for (i, tf) in counts {
            row[i] = (1.0 + (tf as f32).ln()) * self.idf[i];
        }
        normalize(&mut row);
        row
    }

    /// [`transform`](Self::transform) of each text, in order.
    pub fn transform_many<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Vec<f32>> {
        texts.iter().map(|t| self.transform(t.as_ref())).collect()
    }

    /// Number of features (vocabulary size).
    pub fn dim(&self) -> usize {
        self.terms.len()
    }

    /// The vocabulary, in feature order.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// Lowercased alphanumeric tokens of at least two characters.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.chars().nth(1).is_some())
        .map(|t| t.chars().flat_map(char::to_lowercase).collect())
        .collect()
}

/// All 1..=`ngram_max`-grams of `text`, words joined by a space.
fn terms_of(text: &str, ngram_max: usize) -> impl Iterator<Item = String> {
    let toks = tokens(text);
    (1..=ngram_max).flat_map(move |n| toks.windows(n).map(|w| w.join(" ")).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: [&str; 4] = [
        "Pakistan closes the Torkham border.",
        "Kabul says the Torkham border closure hurts traders.",
        "Islamabad and Kabul hold talks on the border.",
        "Traders wait as Pakistan's border stays shut.",
    ];

    #[test]
    fn tokenizer_drops_short_and_apostrophe_pieces() {
        assert_eq!(tokens("Pakistan's TTP, 2024 a"), vec!["pakistan", "ttp", "2024"]);
        let t: Vec<String> = terms_of("Torkham border shut", 2).collect();
        assert_eq!(t, vec!["torkham", "border", "shut", "torkham border", "border shut"]);
    }

    #[test]
    fn fit_keeps_min_df_terms_sorted() {
        let v = TfidfVectorizer::fit(&DOCS).unwrap();
        // df ≥ 2: border(4) the(3) pakistan(2) torkham(2) kabul(2) traders(2) the torkham(2) torkham border(2)
        assert_eq!(
            v.terms(),
            ["border", "kabul", "pakistan", "the", "the torkham", "torkham", "torkham border", "traders"]
        );
        let cfg = TfidfConfig { max_features: 2, ..TfidfConfig::default() };
        // Highest df: border (4), the (3).
        assert_eq!(TfidfVectorizer::fit_with(&DOCS, &cfg).unwrap().terms(), ["border", "the"]);
    }

    #[test]
    fn transform_matches_hand_computation() {
        let v = TfidfVectorizer::fit(&DOCS).unwrap();
        let row = v.transform("border border kabul zzz");
        let idf = |df: f64| ((5.0f64 / (1.0 + df)).ln() + 1.0) as f32;
        let (b, k) = ((1.0 + 2f32.ln()) * idf(4.0), idf(2.0));
        let n = (b * b + k * k).sqrt();
        assert!((row[0] - b / n).abs() < 1e-6 && (row[1] - k / n).abs() < 1e-6, "{row:?}");
        assert!(row[2..].iter().all(|&x| x == 0.0));
        assert_eq!(row.len(), v.dim());
        assert!(v.transform("nothing known").iter().all(|&x| x == 0.0));
    }

    #[test]
    fn json_round_trip_and_validation() {
        let v = TfidfVectorizer::fit(&DOCS).unwrap();
        let json = serde_json::to_string(&v).unwrap();
        let back: TfidfVectorizer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        assert_eq!(back.transform(DOCS[1]), v.transform(DOCS[1]));
        let bad = r#"{"ngram_max":2,"terms":["a","b"],"idf":[1.0]}"#;
        assert!(serde_json::from_str::<TfidfVectorizer>(bad).is_err());
    }

    #[test]
    fn fit_fails_without_vocabulary() {
        assert!(TfidfVectorizer::fit(&["only one text"]).is_err());
        assert!(TfidfVectorizer::fit::<&str>(&[]).is_err());
    }

    #[test]
    fn fit_is_deterministic() {
        let a = TfidfVectorizer::fit(&DOCS).unwrap();
        let b = TfidfVectorizer::fit(&DOCS).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }
}
