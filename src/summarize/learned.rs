//! The default summarizer: sentences scored by the learned [`SentenceScorer`], and the summary chosen
//! as a whole: of the sets of sentences within a sentence limit that grows with the article (a short
//! report gets two sentences, a long analysis up to four) and a word ceiling that only a lone sentence
//! may break, the one with the best predicted ROUGE-1 F1 (see [`subset`](super::subset)). Sentences
//! are whole and in article order; headings, fragments and clutter never qualify (see
//! [`summary_candidates`]).
//!
//! Artefacts (through [`Artefact`], component `summary`): `<spec>.summary.safetensors` (the scorer
//! and its learned direction)
//! and `<spec>.summary.json` (its card: features, weights, selection settings, data, seed,
//! cross-validated ROUGE, the encoder), in the encoder's folder of the trained-artefacts folder.

use super::features::{sentence_features, FEATURE_NAMES};
use super::scorer::{FitConfig, SentenceScorer};
use super::subset::{best_set, Candidate, SetSearch};
use super::{summary_candidates, word_count, CentralitySummarizer, Summarizer, Summary, SummaryOptions};
use crate::document::Document;
use crate::stance::artefact::{Artefact, Component};
use crate::stance::{Article, Spec};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How summaries are chosen from the scores: the settings cross-validation picks among.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// Reference length in words that the predicted F1 assumes (larger favours longer summaries).
    pub reference_words: usize,
    /// Weight of the redundancy penalty (summed cosine between chosen sentences).
    pub redundancy: f32,
    /// Words a summary of several sentences may not exceed.
    pub max_words: usize,
}

/// Cross-validated ROUGE of one selection setting (means over held-out training articles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingScore {
    /// The setting (absent for lead-3).
    pub selection: Option<Selection>,
    /// Ridge penalty of the scorer's learned direction (absent for lead-3).
    #[serde(default)]
    pub direction_ridge: Option<f64>,
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
    /// Chosen selection setting (the best cross-validated ROUGE-1 of `cv`).
    pub selection: Selection,
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
    /// Cross-validated ROUGE of every selection setting tried.
    pub cv: Vec<SettingScore>,
    /// Lead-3 on the same held-out articles, for reference.
    pub cv_lead3: SettingScore,
    /// The fitted weight of each standardised feature (also in the safetensors file), for reading.
    pub weights: Vec<f32>,
    /// Ridge penalty of the learned direction (the best cross-validated ROUGE-1 of those tried).
    /// Defaults when absent so that a card from before the direction is refused for its features,
    /// with the message that says to retrain.
    #[serde(default)]
    pub direction_ridge: f64,
    /// The encoder whose sentence vectors the scorer was trained on (id@revision).
    #[serde(default)]
    pub encoder: Option<String>,
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

/// The most sentences the default summarizer gives `doc`: the fewer of `options`' limit and the
/// article's ([`sentence_limit`]), at least one.
pub fn max_sentences(doc: &Document, options: &SummaryOptions) -> usize {
    options.max_sentences.min(sentence_limit(doc.word_count())).max(1)
}

/// The learned extractive summarizer.
#[derive(Debug, Clone)]
pub struct LearnedSummarizer {
    /// The sentence scorer.
    pub scorer: SentenceScorer,
    /// How summaries are chosen from its scores.
    pub selection: Selection,
}

impl LearnedSummarizer {
    /// The scorer's artefact for `spec` in `dir`, trained on the features of the encoder
    /// `model_name`: two of its features are cosines in that encoder's space, so each encoder has its
    /// own scorer, beside its head.
    pub fn artefact(dir: &Path, spec: &Spec, model_name: &str) -> Artefact {
        Artefact::of_encoder(dir, spec, Component::Summary, model_name)
    }

    /// Loads the scorer trained on `model_name`'s features and its selection setting from `dir`.
    pub fn load(dir: &Path, spec: &Spec, model_name: &str) -> Result<Self> {
        let artefact = Self::artefact(dir, spec, model_name);
        let card: SummaryCard = artefact.read_json()?;
        // A local `--model DIR` counts as its architecture's registry model, as for heads.
        let trained_on =
            card.encoder.as_deref().filter(|id| !id.ends_with("@local")).map(|id| id.split('@').next().unwrap_or(id));
        if let Some(trained_on) = trained_on.filter(|id| crate::hub::registry::short_name(id) != model_name) {
            return Err(Error::Config {
                path: artefact.json_path().to_path_buf(),
                message: format!(
                    "trained on encoder {trained_on}, but it sits in the folder of {model_name}; retrain with \
                     `stance --model {model_name} train-summarizer`"
                ),
            });
        }
        if card.features != FEATURE_NAMES {
            return Err(Error::Config {
                path: artefact.json_path().to_path_buf(),
                message: format!(
                    "trained on features {:?}, but this build computes {FEATURE_NAMES:?}; retrain with `stance train-summarizer`",
                    card.features
                ),
            });
        }
        Ok(LearnedSummarizer { scorer: SentenceScorer::load_file(artefact.weights_path())?, selection: card.selection })
    }

    /// Writes the scorer and its card into `model_name`'s folder of `dir`; returns the artefact written.
    pub fn save(&self, dir: &Path, spec: &Spec, model_name: &str, card: &SummaryCard) -> Result<Artefact> {
        let artefact = Self::artefact(dir, spec, model_name);
        artefact.write_json(card)?;
        self.scorer.save(artefact.weights_path())?;
        Ok(artefact)
    }
}

/// The summarizer `classify` uses with the trained artefacts in `dir` and the encoder `model_name`:
/// the learned one when a scorer trained on that encoder is there, else (with a warning) the
/// untrained centrality summarizer. A scorer trained on another encoder is never used.
pub fn default_summarizer(dir: &Path, spec: &Spec, model_name: &str) -> Result<Box<dyn Summarizer>> {
    if LearnedSummarizer::artefact(dir, spec, model_name).exists() {
        return Ok(Box::new(LearnedSummarizer::load(dir, spec, model_name)?));
    }
    tracing::warn!(
        "no summary scorer trained on encoder {model_name} in {}; using centrality summaries (train one with \
         `stance --model {model_name} train-summarizer --data data/corpus`)",
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
        let rows =
            sentence_features(doc, &candidates, article.sentence_vectors, article.doc_vector, self.scorer.direction());
        // Should the scorer fail (it cannot on well-formed rows), no sentence is worth more than the first.
        let scores = self.scorer.scores(&rows).unwrap_or_else(|_| vec![0.0; rows.len()]);
        let vector = |i: usize| article.sentence_vectors.get(i).map_or(&[][..], Vec::as_slice);
        let scored: Vec<Candidate<'_>> = candidates
            .iter()
            .zip(&scores)
            .map(|(&i, &score)| Candidate { words: word_count(&doc.sentences[i].text), score, vector: vector(i) })
            .collect();
        let search = SetSearch {
            max_sentences: max_sentences(doc, options),
            max_words: options.max_words.min(self.selection.max_words),
            reference_words: self.selection.reference_words as f32,
            redundancy: self.selection.redundancy,
        };
        // Each side's strongest sentence (`--summary both-sides`) goes in whatever the limits say; the
        // search adds to them while the sentence limit allows.
        let outside: Vec<usize> =
            preferred.iter().copied().filter(|&i| i < doc.sentences.len() && !candidates.contains(&i)).collect();
        let mut given: Vec<usize> = preferred.iter().filter_map(|i| candidates.iter().position(|c| c == i)).collect();
        given.dedup();
        let chosen = best_set(&scored, &given, &search).into_iter().map(|k| candidates[k]);
        Summary::from_indices(doc, chosen.chain(outside).collect())
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
        SentenceScorer::fit(&rows, &targets, &[1.0; 10], Vec::new(), &FitConfig::default()).unwrap()
    }

    fn sentences(n: usize, words: usize) -> Vec<String> {
        (0..n).map(|i| format!("Sentence {i} {}.", vec!["word"; words - 2].join(" "))).collect()
    }

    fn one_sentence() -> SummaryOptions {
        SummaryOptions { max_sentences: 1, ..SummaryOptions::default() }
    }

    fn summarizer(reference_words: usize, max_words: usize) -> LearnedSummarizer {
        LearnedSummarizer {
            scorer: lead_loving(),
            selection: Selection { reference_words, redundancy: 0.0, max_words },
        }
    }

    #[test]
    fn chooses_the_set_with_the_best_predicted_f1_within_the_limits_and_keeps_order() {
        let texts = sentences(12, 20);
        let d = doc(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let article = Article { doc: &d, sentence_vectors: &[], doc_vector: &[] };
        let options = SummaryOptions::default();
        // 240 words: at most three sentences, and a 60-word reference is worth all three leads.
        assert_eq!(summarizer(60, 100).summarize(&article, &options, &[]).sentences, vec![0, 1, 2]);
        // A shorter reference makes the third sentence cost more than it covers.
        let short = summarizer(30, 100);
        assert_eq!(short.summarize(&article, &options, &[]).sentences, vec![0, 1]);
        // Preferred sentences (both sides' evidence) go in whatever the limits, and count towards them.
        assert_eq!(short.summarize(&article, &options, &[9]).sentences, vec![0, 1, 9]);
        assert_eq!(short.summarize(&article, &one_sentence(), &[9, 11]).sentences, vec![9, 11]);
        assert_eq!(short.summarize(&article, &one_sentence(), &[]).sentences, vec![0]);
    }

    #[test]
    fn a_short_report_gets_at_most_two_sentences_and_a_long_first_sentence_stands_alone() {
        let texts = sentences(4, 20);
        let d = doc(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let article = Article { doc: &d, sentence_vectors: &[], doc_vector: &[] };
        assert_eq!(summarizer(200, 300).summarize(&article, &SummaryOptions::default(), &[]).sentences, vec![0, 1]);
        assert_eq!(summarizer(200, 10).summarize(&article, &SummaryOptions::default(), &[]).sentences, vec![0]);
        assert_eq!((sentence_limit(99), sentence_limit(100), sentence_limit(299), sentence_limit(300)), (2, 3, 3, 4));
    }

    #[test]
    fn save_and_load_round_trip_and_a_card_for_other_features_is_refused() {
        let summarizer = summarizer(80, 90);
        let score = SettingScore {
            selection: Some(summarizer.selection),
            direction_ridge: Some(1.0),
            rouge1: 0.5,
            rouge2: 0.2,
            rouge_l: 0.3,
            words: 61.0,
        };
        let mut card = SummaryCard {
            features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            target: "rouge1-recall".into(),
            selection: summarizer.selection,
            data: "d".into(),
            articles: 10,
            seed: 1,
            fit: FitConfig::default(),
            cv_folds: 5,
            cv: vec![score.clone()],
            cv_lead3: score,
            weights: summarizer.scorer.weights().to_vec(),
            direction_ridge: 1.0,
            encoder: Some("org/enc-a@abc".into()),
        };
        let (dir, spec) = (tempfile::tempdir().unwrap(), Spec::builtin());
        assert!(!LearnedSummarizer::artefact(dir.path(), &spec, "enc-a").exists());
        let artefact = summarizer.save(dir.path(), &spec, "enc-a", &card).unwrap();
        assert!(artefact.exists() && artefact.json_path().ends_with(format!("enc-a/{}.summary.json", spec.name)));
        let loaded = LearnedSummarizer::load(dir.path(), &spec, "enc-a").unwrap();
        assert_eq!(loaded.selection, summarizer.selection);
        assert_eq!(loaded.scorer.weights(), summarizer.scorer.weights());
        // Another encoder's cosines are on another scale: its summaries fall back, never borrow the scorer.
        assert_eq!(default_summarizer(dir.path(), &spec, "enc-b").unwrap().name(), "centrality");
        assert_eq!(default_summarizer(dir.path(), &spec, "enc-a").unwrap().name(), "learned");
        // A card naming another encoder than its folder's is refused, as a head's is.
        card.encoder = Some("org/enc-b@def".into());
        summarizer.save(dir.path(), &spec, "enc-a", &card).unwrap();
        let err = LearnedSummarizer::load(dir.path(), &spec, "enc-a").unwrap_err().to_string();
        assert!(err.contains("trained on encoder org/enc-b") && err.contains("enc-a"), "{err}");
        card.encoder = Some("org/enc-a@abc".into());
        card.features.pop();
        summarizer.save(dir.path(), &spec, "enc-a", &card).unwrap();
        let err = LearnedSummarizer::load(dir.path(), &spec, "enc-a").unwrap_err().to_string();
        assert!(err.contains("summary.json") && err.contains("retrain"), "{err}");
    }
}
