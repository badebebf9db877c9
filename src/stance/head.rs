//! The trained head: softmax regression over what the encoder and the words each know — the
//! document embedding, the exemplar evidence (with attribution), the sentence probe's reading and
//! the bag-of-words model's probabilities (both stacked: out-of-fold during training).

use super::artefact::{Artefact, Component};
use super::baseline::{article_text, BagOfWords};
use super::card::ModelCard;
use super::decision::{DecisionRule, ThresholdScore};
use super::linear::LinearHead;
use super::probe::SentenceProbe;
use super::zero_shot::{ArticleScores, ExemplarScorer, SideEvidence};
use super::{Article, Spec, StanceClassifier, StancePrediction};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Groups of features the head can be trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FeatureGroup {
    /// The article's mean sentence embedding.
    Embedding,
    /// Exemplar scores, side strengths and shares, balance, own-voice share.
    Evidence,
    /// Probabilities of the bag-of-words baseline.
    Words,
    /// How the sentences lean, by a probe trained on the corpus's sentence embeddings.
    Sentences,
}

/// What the stacked models say of one article (out-of-fold while training).
#[derive(Debug, Clone, Copy, Default)]
pub struct Stacked<'a> {
    /// The bag-of-words baseline's probabilities, for [`FeatureGroup::Words`].
    pub words: Option<&'a [f32]>,
    /// The sentence probe's features, for [`FeatureGroup::Sentences`].
    pub sentences: Option<&'a [f32]>,
}

/// Features of one article, given the groups wanted, its exemplar scores, and what the stacked
/// models say of it.
pub fn features(
    groups: &[FeatureGroup],
    scorer: &ExemplarScorer,
    scores: &ArticleScores,
    article: &Article<'_>,
    stacked: Stacked<'_>,
) -> Result<Vec<f32>> {
    let mut out = Vec::new();
    for group in groups {
        match group {
            FeatureGroup::Embedding => out.extend_from_slice(article.doc_vector),
            FeatureGroup::Evidence => out.extend(scorer.evidence_features(scores)),
            FeatureGroup::Words => {
                let probs = stacked
                    .words
                    .ok_or_else(|| Error::Other("the words feature needs the bag-of-words baseline".into()))?;
                // Log-probabilities: a linear layer combines them like logits.
                out.extend(probs.iter().map(|p| p.max(1e-6).ln()));
            }
            FeatureGroup::Sentences => out.extend_from_slice(
                stacked
                    .sentences
                    .ok_or_else(|| Error::Other("the sentences feature needs the sentence probe".into()))?,
            ),
        }
    }
    Ok(out)
}

#[derive(Serialize, Deserialize)]
struct HeadFile {
    card: ModelCard,
    groups: Vec<FeatureGroup>,
    /// Absent in heads trained before the rule existed: plain argmax.
    #[serde(default)]
    decision: DecisionRule,
    /// Out-of-fold macro-F1 of every candidate threshold, the record of how `decision` was chosen.
    #[serde(default)]
    decision_scores: Vec<ThresholdScore>,
}

/// What the head reads from one article: its own probabilities and what it stacks.
#[derive(Debug, Clone)]
pub struct HeadReading {
    /// The head's probabilities in spec order (before its decision rule).
    pub probabilities: Vec<f32>,
    /// The stacked bag-of-words model's probabilities, when the head stacks it.
    pub words: Option<Vec<f32>>,
    /// The exemplar evidence for each polar side.
    pub sides: Vec<SideEvidence>,
}

/// The classifier trained on encoder features: the default system (and a member of the ensemble).
pub struct TrainedHead {
    scorer: ExemplarScorer,
    head: LinearHead,
    words: Option<BagOfWords>,
    probe: Option<SentenceProbe>,
    groups: Vec<FeatureGroup>,
    rule: DecisionRule,
}

impl TrainedHead {
    /// Assembles a head from its parts.
    pub fn new(
        scorer: ExemplarScorer,
        head: LinearHead,
        words: Option<BagOfWords>,
        probe: Option<SentenceProbe>,
        groups: Vec<FeatureGroup>,
        rule: DecisionRule,
    ) -> Self {
        TrainedHead { scorer, head, words, probe, groups, rule }
    }

    /// How the head turns probabilities into a label.
    pub fn rule(&self) -> DecisionRule {
        self.rule
    }

    /// Whether the head stacks the bag-of-words baseline (so [`Self::read`] gives its probabilities).
    pub fn stacks_words(&self) -> bool {
        self.words.is_some()
    }

    /// The exemplar scorer the head reads evidence with.
    pub fn scorer(&self) -> &ExemplarScorer {
        &self.scorer
    }

    /// Reads one article: the head's probabilities, the stacked word model's and the side evidence.
    pub fn read(&self, article: &Article<'_>) -> Result<HeadReading> {
        let words = match &self.words {
            Some(words) => Some(words.predict_texts(&[article_text(article)])?.remove(0)),
            None => None,
        };
        let scores = self.scorer.score_article(article);
        let sentences = self.probe.as_ref().map(|p| p.features(article, &scores)).transpose()?;
        let stacked = Stacked { words: words.as_deref(), sentences: sentences.as_deref() };
        let x = features(&self.groups, &self.scorer, &scores, article, stacked)?;
        let probabilities = self.head.predict_proba(&[x])?.remove(0);
        Ok(HeadReading { probabilities, words, sides: scores.sides })
    }

    /// The trained head of `spec` for the encoder `model_name`
    /// ([`crate::encoder::Encoder::model_name`]) in `dir`: in that encoder's folder, `dir/<model_name>/`.
    pub fn artefact(dir: &Path, spec: &Spec, model_name: &str) -> Artefact {
        Artefact::of_encoder(dir, spec, Component::Head, model_name)
    }

    /// Loads the head trained on the scorer's encoder (and the baseline and probe it stacks, if it
    /// uses them) from `dir`; a head whose card names another encoder is refused.
    pub fn load(dir: &Path, scorer: ExemplarScorer) -> Result<Self> {
        let spec = scorer.spec().clone();
        let artefact = Self::artefact(dir, &spec, scorer.encoder_name());
        let file: HeadFile = artefact.read_checked(&spec, |f: &HeadFile| &f.card)?;
        file.card.check_encoder(scorer.encoder_id(), artefact.json_path())?;
        let words = if file.groups.contains(&FeatureGroup::Words) { Some(BagOfWords::load(dir, &spec)?) } else { None };
        let probe = if file.groups.contains(&FeatureGroup::Sentences) {
            Some(SentenceProbe::load(dir, &spec, scorer.encoder_name())?)
        } else {
            None
        };
        let head = artefact.load_weights()?;
        Ok(TrainedHead { scorer, head, words, probe, groups: file.groups, rule: file.decision })
    }

    /// Saves the head with its probe, its card and the scores its decision rule was chosen by into
    /// its encoder's folder of `dir` (the stacked baseline is saved by its own `save`).
    pub fn save(&self, dir: &Path, card: ModelCard, decision_scores: Vec<ThresholdScore>) -> Result<()> {
        let (spec, model_name) = (self.scorer.spec(), self.scorer.encoder_name());
        let artefact = Self::artefact(dir, spec, model_name);
        if let Some(probe) = &self.probe {
            probe.save(dir, spec, model_name)?;
        }
        artefact.write_json(&HeadFile { card, groups: self.groups.clone(), decision: self.rule, decision_scores })?;
        artefact.save_weights(&self.head)
    }
}

impl StanceClassifier for TrainedHead {
    fn name(&self) -> &str {
        "head"
    }

    fn classify(&self, article: &Article<'_>) -> Result<StancePrediction> {
        let reading = self.read(article)?;
        let evidence = self.scorer.evidence(article, &reading.sides, 3);
        Ok(StancePrediction::decided(self.scorer.spec(), &reading.probabilities, &self.rule, evidence))
    }
}
