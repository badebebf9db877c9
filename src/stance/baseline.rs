//! Baselines without a transformer: TF-IDF word n-grams with softmax regression, and the majority class.

use super::artefact::{Artefact, Component};
use super::card::ModelCard;
use super::linear::LinearHead;
use super::tfidf::TfidfVectorizer;
use super::{Article, Spec, StanceClassifier, StancePrediction};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The text a word model sees: title and body.
pub fn article_text(article: &Article<'_>) -> String {
    match &article.doc.title {
        Some(title) => format!("{title}\n{}", article.doc.text),
        None => article.doc.text.clone(),
    }
}

/// TF-IDF + softmax regression: the strong, cheap baseline (word choice carries much stance).
pub struct BagOfWords {
    spec: Spec,
    vectorizer: TfidfVectorizer,
    head: LinearHead,
}

#[derive(Serialize, Deserialize)]
struct BagOfWordsFile {
    card: ModelCard,
    vectorizer: TfidfVectorizer,
}

impl BagOfWords {
    /// Wraps a fitted vectorizer and head.
    pub fn new(spec: Spec, vectorizer: TfidfVectorizer, head: LinearHead) -> Self {
        BagOfWords { spec, vectorizer, head }
    }

    /// The trained baseline of `spec` in `dir`.
    pub fn artefact(dir: &Path, spec: &Spec) -> Artefact {
        Artefact::new(dir, spec, Component::Baseline)
    }

    /// Loads the trained baseline for `spec` from `dir`.
    pub fn load(dir: &Path, spec: &Spec) -> Result<Self> {
        let artefact = Self::artefact(dir, spec);
        let file: BagOfWordsFile = artefact.read_checked(spec, |f: &BagOfWordsFile| &f.card)?;
        let head = artefact.load_weights()?;
        Ok(BagOfWords { spec: spec.clone(), vectorizer: file.vectorizer, head })
    }

    /// Saves vectorizer + card as JSON and the head as safetensors.
    pub fn save(&self, dir: &Path, card: ModelCard) -> Result<()> {
        let artefact = Self::artefact(dir, &self.spec);
        artefact.write_json(&BagOfWordsFile { card, vectorizer: self.vectorizer.clone() })?;
        artefact.save_weights(&self.head)
    }

    /// Class probabilities for raw texts, in spec order.
    pub fn predict_texts(&self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        self.head.predict_proba(&self.vectorizer.transform_many(texts))
    }
}

impl StanceClassifier for BagOfWords {
    fn name(&self) -> &str {
        "baseline"
    }

    fn classify(&self, article: &Article<'_>) -> Result<StancePrediction> {
        let probabilities = self.predict_texts(&[article_text(article)])?.remove(0);
        Ok(StancePrediction::from_probabilities(&self.spec, &probabilities, Vec::new()))
    }
}

/// Always predicts the most frequent training label (ties go to neutral).
pub struct Majority {
    spec: Spec,
    probabilities: Vec<f32>,
}

impl Majority {
    /// From the class counts of a training set, in spec order.
    pub fn from_counts(spec: &Spec, counts: &[usize]) -> Self {
        let total = counts.iter().sum::<usize>().max(1) as f32;
        let mut probabilities: Vec<f32> = counts.iter().map(|&c| c as f32 / total).collect();
        // Break ties toward neutral, the most common stance of real coverage.
        let neutral = spec.neutral_index();
        let top = probabilities.iter().copied().fold(0.0f32, f32::max);
        if probabilities.get(neutral) == Some(&top) {
            probabilities[neutral] += 1e-6;
        }
        Majority { spec: spec.clone(), probabilities }
    }
}

impl StanceClassifier for Majority {
    fn name(&self) -> &str {
        "majority"
    }

    fn classify(&self, _article: &Article<'_>) -> Result<StancePrediction> {
        Ok(StancePrediction::from_probabilities(&self.spec, &self.probabilities, Vec::new()))
    }
}
