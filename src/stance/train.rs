//! Training: the bag-of-words baseline, and the head on encoder features stacked with it.
//! Word probabilities fed to the head during training are out-of-fold, so the head learns how far
//! to trust the words on articles the word model has not seen.

use super::baseline::BagOfWords;
use super::decision::{DecisionRule, ThresholdScore};
use super::head::{features, FeatureGroup, TrainedHead};
use super::linear::{cross_validate, train, LinearHead, TrainConfig};
use super::tfidf::TfidfVectorizer;
use super::zero_shot::ExemplarScorer;
use super::{Article, Spec};
use crate::eval::metrics::{macro_f1, stratified_folds, CvScores};
use crate::eval::vector::argmax;
use crate::Result;

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
    /// Cross-validation folds (also used for out-of-fold word probabilities).
    pub folds: usize,
    /// Seed of folds and optimiser.
    pub seed: u64,
    /// Optimiser settings of the head.
    pub head: TrainConfig,
    /// Optimiser settings of the baseline.
    pub baseline: TrainConfig,
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
    let fold_of = stratified_folds(&labels, options.folds, options.seed)?;
    let mut oof = vec![Vec::new(); examples.len()];
    let mut fold_scores = Vec::new();
    for fold in 0..options.folds {
        let (train_idx, test_idx): (Vec<usize>, Vec<usize>) = (0..examples.len()).partition(|&i| fold_of[i] != fold);
        let texts: Vec<&String> = train_idx.iter().map(|&i| &examples[i].text).collect();
        let ys: Vec<usize> = train_idx.iter().map(|&i| labels[i]).collect();
        let (vectorizer, head) = fit_words(&texts, &ys, n_classes, &options.baseline)?;
        let test_texts: Vec<&String> = test_idx.iter().map(|&i| &examples[i].text).collect();
        let probs = head.predict_proba(&vectorizer.transform_many(&test_texts))?;
        let gold: Vec<usize> = test_idx.iter().map(|&i| labels[i]).collect();
        let pred: Vec<usize> = probs.iter().map(|p| argmax(p)).collect();
        for (&i, p) in test_idx.iter().zip(probs) {
            oof[i] = p;
        }
        fold_scores.push(macro_f1(&gold, &pred, n_classes)?);
    }
    let texts: Vec<&String> = examples.iter().map(|e| &e.text).collect();
    let (vectorizer, head) = fit_words(&texts, &labels, n_classes, &options.baseline)?;
    let model = BagOfWords::new(spec.clone(), vectorizer, head);
    Ok(Trained { model, cv: CvScores::new(fold_scores, oof) })
}

/// Trains the head on encoder features (plus out-of-fold word probabilities when `groups` has words)
/// and fits its decision rule on the out-of-fold probabilities; also returns each threshold's score.
pub fn train_head(
    scorer: ExemplarScorer,
    examples: &[Example<'_>],
    word_oof: Option<&[Vec<f32>]>,
    words: Option<BagOfWords>,
    options: &TrainOptions,
) -> Result<(Trained<TrainedHead>, Vec<ThresholdScore>)> {
    let n_classes = scorer.spec().labels.len();
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    let x = examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let scores = scorer.score_article(&e.article);
            features(&options.groups, &scorer, &scores, &e.article, word_oof.map(|w| w[i].as_slice()))
        })
        .collect::<Result<Vec<_>>>()?;
    let cv = cross_validate(&x, &labels, n_classes, options.folds, &options.head, options.seed)?;
    let (rule, thresholds) = DecisionRule::fit(scorer.spec(), &cv.oof_proba, &labels)?;
    let head = train(&x, &labels, n_classes, &options.head)?;
    let model = TrainedHead::new(scorer, head, words, options.groups.clone(), rule);
    Ok((Trained { model, cv }, thresholds))
}

/// Training articles per label, in spec order (for model cards).
pub fn class_counts(spec: &Spec, examples: &[Example<'_>]) -> Vec<usize> {
    let mut counts = vec![0; spec.labels.len()];
    examples.iter().for_each(|e| counts[e.label] += 1);
    counts
}
