//! The default summarizer: sentences ranked by the learned [`SentenceScorer`], taken best first
//! until the summary reaches its word target, within a sentence limit that grows with the article
//! (a short report gets two sentences, a long analysis up to four) and a word ceiling that only the
//! first sentence may break. Sentences are whole and in article order; headings, fragments and
//! clutter never qualify (see [`summary_candidates`]).
//!
//! Artefacts (through [`Artefact`], component `summary`): `<spec>.summary.safetensors` (the scorer)
//! and `<spec>.summary.json` (its card: features, weights, word target and ceiling, data, seed,
//! cross-validated ROUGE), in the trained-artefacts folder.

use super::features::{sentence_features, FEATURE_NAMES};
use super::scorer::{FitConfig, SentenceScorer};
use super::{summary_candidates, word_count, CentralitySummarizer, Selection, Summarizer, Summary, SummaryOptions};
use crate::stance::artefact::{Artefact, Component};
use crate::stance::{Article, Spec};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Cross-validated ROUGE of one length setting (means over held-out training articles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthScore {
    /// Words the summary aims for.
    pub target_words: usize,
    /// Words it may not exceed (after its first sentence).
    pub max_words: usize,
    /// ROUGE-1 F1.
    pub rouge1: f64,
    /// ROUGE-2 F1.
    pub rouge2: f64,
    /// ROUGE-L F1.
    pub rouge_l: f64,
    /// Mean summary length in words.
    pub words: f64,
}

/// What a trained scorer records about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryCard {
    /// Feature names, in the order of the scorer's weights.
    pub features: Vec<String>,
    /// What each sentence was trained to predict.
    pub target: String,
    /// Chosen word target (the best cross-validated ROUGE-1 of `cv`).
    pub target_words: usize,
    /// Chosen word ceiling.
    pub max_words: usize,
    /// Training data folder and split.
    pub data: String,
    /// Training articles (with a reference summary).
    pub articles: usize,
    /// Seed of the cross-validation folds.
    pub seed: u64,
    /// Optimiser settings.
    pub fit: FitConfig,
    /// Folds of the cross-validation.
    pub cv_folds: usize,
    /// Cross-validated ROUGE of every length setting tried.
    pub cv: Vec<LengthScore>,
    /// Lead-3 on the same held-out articles, for reference.
    pub cv_lead3: LengthScore,
    /// The fitted weight of each standardised feature (also in the safetensors file), for reading.
    pub weights: Vec<f32>,
}

/// At most this many sentences for an article of `words` words: two for a short report (under
/// 100 words), three under 300, four for a long analysis.
pub fn sentence_limit(words: usize) -> usize {
    match words {
        0..100 => 2,
        100..300 => 3,
        _ => 4,
    }
}

/// The learned extractive summarizer.
#[derive(Debug, Clone)]
pub struct LearnedSummarizer {
    /// The sentence scorer.
    pub scorer: SentenceScorer,
    /// Words to aim for: sentences are added, best first, until the summary has at least this many.
    pub target_words: usize,
    /// Words not to exceed once the first sentence is in.
    pub max_words: usize,
}

impl LearnedSummarizer {
    /// The scorer's artefact for `spec` in `dir`.
    pub fn artefact(dir: &Path, spec: &Spec) -> Artefact {
        Artefact::new(dir, spec, Component::Summary)
    }

    /// Loads the scorer and its length settings from `dir`.
    pub fn load(dir: &Path, spec: &Spec) -> Result<Self> {
        let artefact = Self::artefact(dir, spec);
        let card: SummaryCard = artefact.read_json()?;
        if card.features != FEATURE_NAMES {
            return Err(Error::Config {
                path: artefact.json_path().to_path_buf(),
                message: format!(
                    "trained on features {:?}, but this build computes {FEATURE_NAMES:?}; retrain with `stance train-summarizer`",
                    card.features
                ),
            });
        }
        Ok(LearnedSummarizer {
            scorer: SentenceScorer::from_head(artefact.load_weights()?)?,
            target_words: card.target_words,
            max_words: card.max_words,
        })
    }

    /// Writes the scorer and its card into `dir`; returns the artefact written.
    pub fn save(&self, dir: &Path, spec: &Spec, card: &SummaryCard) -> Result<Artefact> {
        let artefact = Self::artefact(dir, spec);
        artefact.save_weights(self.scorer.head())?;
        artefact.write_json(card)?;
        Ok(artefact)
    }
}

/// The summarizer `classify` uses with the trained artefacts in `dir`: the learned one when a scorer
/// is there, else (with a warning) the untrained centrality summarizer.
pub fn default_summarizer(dir: &Path, spec: &Spec) -> Result<Box<dyn Summarizer>> {
    if LearnedSummarizer::artefact(dir, spec).exists() {
        return Ok(Box::new(LearnedSummarizer::load(dir, spec)?));
    }
    tracing::warn!(
        "no trained summary scorer in {}; using centrality summaries (train one with `stance train-summarizer`)",
        dir.display()
    );
    Ok(Box::new(CentralitySummarizer::default()))
}

impl Summarizer for LearnedSummarizer {
    fn name(&self) -> &str {
        "learned"
    }

    fn summarize(&self, article: &Article<'_>, options: &SummaryOptions, preferred: &[usize]) -> Summary {
        let doc = article.doc;
        let candidates = summary_candidates(doc, doc.sentences.len());
        let rows = sentence_features(doc, &candidates, article.sentence_vectors, article.doc_vector);
        // Should the scorer fail (it cannot on well-formed rows), the lead order stands in.
        let scores = self.scorer.scores(&rows).unwrap_or_else(|_| (0..rows.len()).map(|k| -(k as f32)).collect());
        let mut ranked: Vec<(usize, f32)> = candidates.iter().copied().zip(scores).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let limit = options.max_sentences.min(sentence_limit(doc.word_count())).max(1);
        let max_words = options.max_words.min(self.max_words);
        let target = self.target_words.min(max_words);
        let bounds = SummaryOptions { max_sentences: limit, max_words, ..*options };
        let mut pick = Selection { doc, options: &bounds, chosen: Vec::new(), words: 0 };
        // Each side's strongest sentence (`--summary both-sides`) goes in whatever the limits say.
        for &i in preferred.iter().filter(|&&i| i < doc.sentences.len()) {
            if !pick.chosen.contains(&i) {
                pick.words += word_count(&doc.sentences[i].text);
                pick.chosen.push(i);
            }
        }
        if let Some(&(best, _)) = ranked.first() {
            pick.add(best);
        }
        for &(i, _) in &ranked {
            if pick.words >= target || pick.chosen.len() >= limit {
                break;
            }
            pick.add(i);
        }
        Summary::from_indices(doc, pick.chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summarize::features::N_FEATURES;
    use crate::summarize::tests::doc;

    /// A scorer that prefers early sentences: trained on the lead feature alone.
    fn lead_loving() -> SentenceScorer {
        let rows: Vec<[f32; N_FEATURES]> = (0..10)
            .map(|i| {
                let mut r = [0.0; N_FEATURES];
                r[0] = 1.0 / (1.0 + i as f32);
                r
            })
            .collect();
        let targets: Vec<f32> = rows.iter().map(|r| r[0]).collect();
        SentenceScorer::fit(&rows, &targets, &[1.0; 10], &FitConfig::default()).unwrap()
    }

    fn sentences(n: usize, words: usize) -> Vec<String> {
        (0..n).map(|i| format!("Sentence {i} {}.", vec!["word"; words - 2].join(" "))).collect()
    }

    fn one_sentence() -> SummaryOptions {
        SummaryOptions { max_sentences: 1, ..SummaryOptions::default() }
    }

    #[test]
    fn fills_to_the_target_within_the_limits_and_keeps_order() {
        let texts = sentences(12, 20);
        let d = doc(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let article = Article { doc: &d, sentence_vectors: &[], doc_vector: &[] };
        let summarizer = LearnedSummarizer { scorer: lead_loving(), target_words: 55, max_words: 90 };
        let options = SummaryOptions::default();
        // 240 words: at most three sentences; 20-word sentences reach 55 words with three.
        assert_eq!(summarizer.summarize(&article, &options, &[]).sentences, vec![0, 1, 2]);
        let short = LearnedSummarizer { target_words: 30, ..summarizer.clone() };
        assert_eq!(short.summarize(&article, &options, &[]).sentences, vec![0, 1]);
        // Preferred sentences (both sides' evidence) go in whatever the limits, with the best one.
        assert_eq!(short.summarize(&article, &options, &[9]).sentences, vec![0, 9]);
        assert_eq!(short.summarize(&article, &one_sentence(), &[9, 11]).sentences, vec![9, 11]);
        assert_eq!(summarizer.summarize(&article, &one_sentence(), &[]).sentences, vec![0]);
    }

    #[test]
    fn a_short_report_gets_at_most_two_sentences_and_a_long_first_sentence_stands_alone() {
        let texts = sentences(4, 20);
        let d = doc(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let article = Article { doc: &d, sentence_vectors: &[], doc_vector: &[] };
        let summarizer = LearnedSummarizer { scorer: lead_loving(), target_words: 200, max_words: 300 };
        assert_eq!(summarizer.summarize(&article, &SummaryOptions::default(), &[]).sentences, vec![0, 1]);
        let tight = LearnedSummarizer { max_words: 10, ..summarizer };
        assert_eq!(tight.summarize(&article, &SummaryOptions::default(), &[]).sentences, vec![0]);
        assert_eq!((sentence_limit(99), sentence_limit(100), sentence_limit(299), sentence_limit(300)), (2, 3, 3, 4));
    }

    #[test]
    fn save_and_load_round_trip_and_a_card_for_other_features_is_refused() {
        let summarizer = LearnedSummarizer { scorer: lead_loving(), target_words: 60, max_words: 90 };
        let score =
            LengthScore { target_words: 60, max_words: 90, rouge1: 0.5, rouge2: 0.2, rouge_l: 0.3, words: 61.0 };
        let mut card = SummaryCard {
            features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            target: "rouge1-recall".into(),
            target_words: 60,
            max_words: 90,
            data: "d".into(),
            articles: 10,
            seed: 1,
            fit: FitConfig::default(),
            cv_folds: 5,
            cv: vec![score.clone()],
            cv_lead3: score,
            weights: summarizer.scorer.weights().to_vec(),
        };
        let (dir, spec) = (tempfile::tempdir().unwrap(), Spec::builtin());
        assert!(!LearnedSummarizer::artefact(dir.path(), &spec).exists());
        let artefact = summarizer.save(dir.path(), &spec, &card).unwrap();
        assert!(artefact.exists() && artefact.json_path().ends_with(format!("{}.summary.json", spec.name)));
        let loaded = LearnedSummarizer::load(dir.path(), &spec).unwrap();
        assert_eq!((loaded.target_words, loaded.max_words), (60, 90));
        assert_eq!(loaded.scorer.weights(), summarizer.scorer.weights());
        card.features.pop();
        summarizer.save(dir.path(), &spec, &card).unwrap();
        let err = LearnedSummarizer::load(dir.path(), &spec).unwrap_err().to_string();
        assert!(err.contains("summary.json") && err.contains("retrain"), "{err}");
    }
}
