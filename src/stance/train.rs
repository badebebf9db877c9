//! Training: the bag-of-words baseline, and the head on encoder features stacked with it and with
//! the sentence probe. What the stacked models say of a training article is out-of-fold, so the
//! head learns how far to trust them on articles they have not seen.

use super::baseline::BagOfWords;
use super::decision::{DecisionRule, ThresholdScore};
use super::head::{features, FeatureGroup, Stacked, TrainedHead};
use super::linear::{cross_validate, train, LinearHead, TrainConfig};
use super::probe;
use super::tfidf::TfidfVectorizer;
use super::zero_shot::ExemplarScorer;
use super::{Article, Spec};
use crate::numeric::folds::{cross_fit, held_out_macro_f1, CrossFit, CvScores};
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
