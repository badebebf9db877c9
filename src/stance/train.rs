//! Training: the bag-of-words baseline, and the head on encoder features stacked with it and with
//! the sentence probe. What the stacked models say of a training article is out-of-fold, so the
//! head learns how far to trust them on articles they have not seen.

use super::baseline::BagOfWords;
use super::card::ModelCard;
use super::decision::{DecisionRule, ThresholdScore};
use super::head::{features, FeatureGroup, Stacked, TrainedHead};
use super::linear::{cross_validate, train, LinearHead, TrainConfig};
use super::probe;
use super::tfidf::TfidfVectorizer;
use super::zero_shot::{ExemplarScorer, ZeroShotParams};
use super::{Article, Spec};
use crate::encoder::Encoder;
use crate::numeric::folds::{cross_fit, held_out_macro_f1, CrossFit, CvScores};
use crate::Result;
use std::path::Path;

/// One labelled training example as the trainers see it.
pub struct Example<'a> {
    /// The article with its vectors (empty vectors when training the baseline only).
    pub article: Article<'a>,
    /// Title and body, for the word model.
    pub text: String,
    /// Gold label index in spec order.
    pub label: usize,
}

/// Settings shared by both trainers.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Cross-validation folds, rounds and seed (also for the stacked models' out-of-fold outputs).
    pub cross_fit: CrossFit,
    /// Optimiser settings of the head.
    pub head: TrainConfig,
    /// Optimiser settings of the baseline.
    pub baseline: TrainConfig,
    /// Optimiser settings of the sentence probe.
    pub probe: TrainConfig,
    /// Feature groups of the head.
    pub groups: Vec<FeatureGroup>,
}

/// A trained system with its cross-validation scores.
pub struct Trained<T> {
    /// The system.
    pub model: T,
    /// Its k-fold scores on the training data.
    pub cv: CvScores,
}

fn fit_words(
    texts: &[&String],
    labels: &[usize],
    n_classes: usize,
    cfg: &TrainConfig,
) -> Result<(TfidfVectorizer, LinearHead)> {
    let vectorizer = TfidfVectorizer::fit(texts)?;
    let x = vectorizer.transform_many(texts);
    let head = train(&x, labels, n_classes, cfg)?;
    Ok((vectorizer, head))
}

/// Trains the bag-of-words baseline on all examples and reports its k-fold scores, with the
/// out-of-fold probabilities of every example (for stacking).
pub fn train_baseline(spec: &Spec, examples: &[Example<'_>], options: &TrainOptions) -> Result<Trained<BagOfWords>> {
    let n_classes = spec.labels.len();
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    let texts = |idx: &[usize]| idx.iter().map(|&i| &examples[i].text).collect::<Vec<_>>();
    let (oof, held_out) = cross_fit(&labels, options.cross_fit, |train_idx, test_idx| {
        let ys: Vec<usize> = train_idx.iter().map(|&i| labels[i]).collect();
        let (vectorizer, head) = fit_words(&texts(train_idx), &ys, n_classes, &options.baseline)?;
        head.predict_proba(&vectorizer.transform_many(&texts(test_idx)))
    })?;
    let fold_scores = held_out_macro_f1(&held_out, &labels, n_classes)?;
    let all: Vec<usize> = (0..examples.len()).collect();
    let (vectorizer, head) = fit_words(&texts(&all), &labels, n_classes, &options.baseline)?;
    let model = BagOfWords::new(spec.clone(), vectorizer, head);
    Ok(Trained { model, cv: CvScores::new(fold_scores, oof) })
}

/// Trains the head on encoder features (plus out-of-fold word probabilities when `groups` has words,
/// and the sentence probe, fit here, when it has sentences) and fits its decision rule on the
/// out-of-fold probabilities; also returns each threshold's score.
pub fn train_head(
    scorer: ExemplarScorer,
    examples: &[Example<'_>],
    word_oof: Option<&[Vec<f32>]>,
    words: Option<BagOfWords>,
    options: &TrainOptions,
) -> Result<(Trained<TrainedHead>, Vec<ThresholdScore>)> {
    let n_classes = scorer.spec().labels.len();
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    let scores: Vec<_> = examples.iter().map(|e| scorer.score_article(&e.article)).collect();
    let (probe, probe_oof) = if options.groups.contains(&FeatureGroup::Sentences) {
        let articles: Vec<Article<'_>> = examples.iter().map(|e| e.article).collect();
        let (probe, oof) =
            probe::fit_out_of_fold(scorer.spec(), &articles, &scores, &labels, options.cross_fit, &options.probe)?;
        (Some(probe), Some(oof))
    } else {
        (None, None)
    };
    let x = examples
        .iter()
        .zip(&scores)
        .enumerate()
        .map(|(i, (e, scores))| {
            let stacked = Stacked {
                words: word_oof.map(|w| w[i].as_slice()),
                sentences: probe_oof.as_ref().map(|p| p[i].as_slice()),
            };
            features(&options.groups, &scorer, scores, &e.article, stacked)
        })
        .collect::<Result<Vec<_>>>()?;
    let cv = cross_validate(&x, &labels, n_classes, options.cross_fit, &options.head)?;
    let (rule, thresholds) = DecisionRule::fit(scorer.spec(), &cv.oof_proba, &labels)?;
    let head = train(&x, &labels, n_classes, &options.head)?;
    let model = TrainedHead::new(scorer, head, words, probe, options.groups.clone(), rule);
    Ok((Trained { model, cv }, thresholds))
}

/// Training articles per label, in spec order (for model cards).
pub fn class_counts(spec: &Spec, examples: &[Example<'_>]) -> Vec<usize> {
    let mut counts = vec![0; spec.labels.len()];
    examples.iter().for_each(|e| counts[e.label] += 1);
    counts
}

/// The recipe of `stance train`: cross-validation and the head's optimiser settings (the
/// baseline's and the probe's are fixed by [`Recipe::options`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// Cross-validation folds.
    pub folds: usize,
    /// Cross-validation rounds, each with its own folds.
    pub repeats: usize,
    /// Seed for folds and optimisers.
    pub seed: u64,
    /// Head epochs.
    pub epochs: usize,
    /// Head AdamW weight decay.
    pub weight_decay: f64,
    /// Head AdamW learning rate.
    pub learning_rate: f64,
    /// Feature groups of the head.
    pub features: Vec<FeatureGroup>,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            folds: 5,
            repeats: 5,
            seed: 42,
            epochs: 300,
            weight_decay: 0.1,
            learning_rate: 0.05,
            features: vec![FeatureGroup::Evidence, FeatureGroup::Words, FeatureGroup::Sentences],
        }
    }
}

impl Recipe {
    /// The settings of every trainer under this recipe.
    pub fn options(&self) -> TrainOptions {
        let head = TrainConfig {
            epochs: self.epochs,
            learning_rate: self.learning_rate,
            weight_decay: self.weight_decay,
            seed: self.seed,
            ..TrainConfig::default()
        };
        let baseline = TrainConfig {
            epochs: 200,
            learning_rate: 0.05,
            weight_decay: 0.01,
            seed: self.seed,
            standardize: false,
            ..TrainConfig::default()
        };
        // Sentence embeddings are unit vectors already: no standardising.
        let probe = TrainConfig { seed: self.seed, standardize: false, ..TrainConfig::default() };
        TrainOptions {
            cross_fit: CrossFit { folds: self.folds, repeats: self.repeats, seed: self.seed },
            head,
            baseline,
            probe,
            groups: self.features.clone(),
        }
    }
}

/// The encoder the head is trained on: it embeds the spec's exemplars, and its id goes on the card.
pub struct HeadEncoder<'a> {
    /// The encoder.
    pub encoder: &'a dyn Encoder,
    /// Its `id@revision`, for the card.
    pub id: String,
}

/// How the head trained: its cross-validation, its decision rule and the scores it was chosen by.
pub struct HeadReport {
    /// k-fold scores of the head.
    pub cv: CvScores,
    /// The chosen decision rule.
    pub rule: DecisionRule,
    /// Out-of-fold macro-F1 of every candidate threshold.
    pub thresholds: Vec<ThresholdScore>,
}

/// What [`train_and_save`] trained and how each system cross-validated.
pub struct TrainingReport {
    /// k-fold scores of the baseline.
    pub baseline: CvScores,
    /// The head's report, when an encoder was given.
    pub head: Option<HeadReport>,
}

/// Trains the bag-of-words baseline and, given an encoder, the head stacked on it, and saves both
/// with their cards to `out`. `data` names the training data on the cards.
pub fn train_and_save(
    spec: &Spec,
    examples: &[Example<'_>],
    encoder: Option<HeadEncoder<'_>>,
    recipe: &Recipe,
    data: &str,
    out: &Path,
) -> Result<TrainingReport> {
    let options = recipe.options();
    let card =
        |system: &str, encoder: Option<String>, features: Vec<String>, cfg: &TrainConfig, cv: &CvScores| ModelCard {
            system: system.to_string(),
            spec: spec.name.clone(),
            labels: spec.label_names(),
            encoder,
            features,
            data: data.to_string(),
            class_counts: class_counts(spec, examples),
            seed: recipe.seed,
            epochs: cfg.epochs,
            cv_folds: recipe.folds,
            cv_repeats: recipe.repeats,
            cv_macro_f1: cv.fold_macro_f1.clone(),
            cv_mean_macro_f1: cv.mean_macro_f1,
        };
    let baseline = train_baseline(spec, examples, &options)?;
    baseline.model.save(out, card("baseline", None, vec!["words".into()], &options.baseline, &baseline.cv))?;
    let Some(HeadEncoder { encoder, id }) = encoder else {
        return Ok(TrainingReport { baseline: baseline.cv, head: None });
    };
    let scorer = ExemplarScorer::new(spec.clone(), encoder, ZeroShotParams::default())?;
    let uses_words = recipe.features.contains(&FeatureGroup::Words);
    let word_oof = uses_words.then_some(baseline.cv.oof_proba.as_slice());
    let (head, thresholds) = train_head(scorer, examples, word_oof, uses_words.then_some(baseline.model), &options)?;
    let features = recipe.features.iter().map(|g| format!("{g:?}").to_lowercase()).collect();
    let head_card = card("head", Some(id), features, &options.head, &head.cv);
    head.model.save(out, head_card, thresholds.clone())?;
    let head = HeadReport { cv: head.cv, rule: head.model.rule(), thresholds };
    Ok(TrainingReport { baseline: baseline.cv, head: Some(head) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::articles::{embed_articles, ArticleVectors};
    use crate::encoder::word_hash::WordHashEncoder;
    use crate::stance::artefact::{Artefact, Component};
    use crate::stance::baseline::article_text;
    use crate::stance::fixtures::labelled_corpus;
    use crate::stance::systems::{build_classifier, SystemKind};

    fn quick() -> Recipe {
        Recipe { folds: 2, repeats: 1, epochs: 40, ..Recipe::default() }
    }

    fn train_into(dir: &Path, spec: &Spec, corpus: &[(crate::document::Document, usize)]) -> TrainingReport {
        let docs: Vec<_> = corpus.iter().map(|(d, _)| d).collect();
        let vectors: Vec<ArticleVectors> = embed_articles(&WordHashEncoder, &docs).unwrap();
        let examples: Vec<Example<'_>> = corpus
            .iter()
            .zip(&vectors)
            .map(|((doc, label), v)| {
                let article = Article::new(doc, v);
                Example { text: article_text(&article), article, label: *label }
            })
            .collect();
        let encoder = HeadEncoder { encoder: &WordHashEncoder, id: WordHashEncoder.id() };
        train_and_save(spec, &examples, Some(encoder), &quick(), "fixture", dir).unwrap()
    }

    /// Training runs offline, saves every artefact, repeats byte for byte, and every classifier
    /// loads back from what it saved and reads the corpus it was trained on.
    #[test]
    fn training_saves_every_artefact_and_each_classifier_classifies() {
        let spec = Spec::builtin();
        let corpus = labelled_corpus(&spec, 6);
        let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let report = train_into(first.path(), &spec, &corpus);
        assert_eq!(report.baseline.fold_macro_f1.len(), 2);
        let head = report.head.expect("an encoder was given");
        assert!(head.cv.mean_macro_f1 > 0.5, "{}", head.cv.mean_macro_f1);
        train_into(second.path(), &spec, &corpus);
        // The head and probe in the encoder's folder, the baseline beside it.
        let artefact = |dir: &Path, component| match component {
            Component::Baseline => Artefact::new(dir, &spec, component),
            _ => Artefact::of_encoder(dir, &spec, component, &WordHashEncoder.model_name()),
        };
        for component in [Component::Head, Component::Baseline, Component::Probe] {
            let (a, b) = (artefact(first.path(), component), artefact(second.path(), component));
            assert!(a.exists(), "{component:?}");
            assert_eq!(std::fs::read(a.weights_path()).unwrap(), std::fs::read(b.weights_path()).unwrap());
        }

        let vectors = embed_articles(&WordHashEncoder, &corpus.iter().map(|(d, _)| d).collect::<Vec<_>>()).unwrap();
        let kinds = [
            SystemKind::Auto,
            SystemKind::Ensemble,
            SystemKind::Head,
            SystemKind::ZeroShot,
            SystemKind::Baseline,
            SystemKind::Majority,
        ];
        for kind in kinds {
            let classifier = build_classifier(kind, &spec, first.path(), Some(&WordHashEncoder)).unwrap();
            let mut correct = 0;
            for ((doc, label), v) in corpus.iter().zip(&vectors) {
                let p = classifier.classify(&Article::new(doc, v)).unwrap();
                assert_eq!(p.label, spec.labels[p.index].name, "{kind:?}");
                assert!((p.probabilities.iter().map(|(_, q)| q).sum::<f32>() - 1.0).abs() < 1e-4, "{kind:?}");
                correct += usize::from(p.index == *label);
            }
            let floor = if kind == SystemKind::Majority { corpus.len() / 3 } else { corpus.len() * 2 / 3 };
            assert!(correct >= floor, "{kind:?}: {correct} of {}", corpus.len());
        }
    }
}
