//! Stance: the label spec, and classifiers behind one trait — the trained head on encoder features
//! (the default), the ensemble, the zero-shot exemplar classifier, and the bag-of-words and majority
//! baselines.

pub mod artefact;
pub mod attribution;
pub mod baseline;
pub mod builtin;
pub mod card;
pub mod decision;
pub mod ensemble;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod head;
pub mod linear;
pub mod probe;
pub mod spec;
pub mod systems;
pub mod tfidf;
pub mod train;
pub mod zero_shot;

pub use spec::Spec;

use self::decision::DecisionRule;
use crate::document::Document;
use crate::encoder::articles::ArticleVectors;
use crate::Result;
use serde::Serialize;

/// A sentence that shows a side's framing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The polar label this sentence supports.
    pub side: String,
    /// The sentence text.
    pub sentence: String,
    /// Index of the sentence in the article.
    pub index: usize,
    /// Strength of the support (classifier-specific scale, higher is stronger).
    pub score: f32,
}

/// A classifier's verdict on one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StancePrediction {
    /// The most probable label.
    pub label: String,
    /// Its index in the spec: what metrics count, so a label never goes from name back to index.
    #[serde(skip)]
    pub index: usize,
    /// Probability of every label, in spec order.
    pub probabilities: Vec<(String, f32)>,
    /// Supporting sentences for each polar side, strongest first.
    pub evidence: Vec<Evidence>,
}

impl StancePrediction {
    /// Builds a prediction from probabilities in spec order, choosing the most probable label.
    pub fn from_probabilities(spec: &Spec, probabilities: &[f32], evidence: Vec<Evidence>) -> Self {
        Self::decided(spec, probabilities, &DecisionRule::ARGMAX, evidence)
    }

    /// Builds a prediction from probabilities in spec order, choosing the label with `rule`. A side
    /// verdict keeps only that side's evidence (in a partisan piece the other side's "evidence" is
    /// mostly its framing of that side); a neutral verdict keeps both sides'.
    pub fn decided(spec: &Spec, probabilities: &[f32], rule: &DecisionRule, mut evidence: Vec<Evidence>) -> Self {
        let best = rule.choose(spec, probabilities);
        let label = &spec.labels[best].name;
        if best != spec.neutral_index() {
            evidence.retain(|e| e.side == *label);
        }
        StancePrediction {
            label: label.clone(),
            index: best,
            probabilities: spec.labels.iter().map(|l| l.name.clone()).zip(probabilities.iter().copied()).collect(),
            evidence,
        }
    }
}

/// What a classifier sees: the article and, for systems that use the encoder, its vectors.
#[derive(Debug, Clone, Copy)]
pub struct Article<'a> {
    /// The cleaned, split article.
    pub doc: &'a Document,
    /// One unit vector per sentence (empty for systems that need no encoder).
    pub sentence_vectors: &'a [Vec<f32>],
    /// The article's unit vector (empty for systems that need no encoder).
    pub doc_vector: &'a [f32],
}

impl<'a> Article<'a> {
    /// The article `doc` with the vectors the encoder gave it (empty ones for systems without an
    /// encoder).
    pub fn new(doc: &'a Document, vectors: &'a ArticleVectors) -> Self {
        Article { doc, sentence_vectors: &vectors.sentences, doc_vector: &vectors.document }
    }
}

/// The stance seam: every system `compare` and `bench` can swap in.
pub trait StanceClassifier: Send + Sync {
    /// Short system name, e.g. `zero-shot`, `head`, `baseline`, `majority`.
    fn name(&self) -> &str;
    /// Classifies one article.
    fn classify(&self, article: &Article<'_>) -> Result<StancePrediction>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_side_verdict_keeps_its_own_evidence_a_neutral_one_both() {
        let spec = Spec::load(None).unwrap();
        let evidence = |side: &str, index| Evidence { side: side.into(), sentence: String::new(), index, score: 0.1 };
        let all = vec![evidence("pro-Islamabad", 0), evidence("pro-Islamabad", 1), evidence("pro-Kabul", 2)];
        let kabul = StancePrediction::from_probabilities(&spec, &[0.2, 0.7, 0.1], all.clone());
        assert_eq!(kabul.evidence.iter().map(|e| e.index).collect::<Vec<_>>(), [2]);
        let neutral = StancePrediction::from_probabilities(&spec, &[0.2, 0.1, 0.7], all);
        assert_eq!(neutral.evidence.iter().map(|e| e.index).collect::<Vec<_>>(), [0, 1, 2]);
    }
}
