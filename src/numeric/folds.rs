//! Stratified cross-validation folds and cross-fitting, for training's out-of-fold scores.

use serde::Serialize;

use super::confusion::macro_f1;
use super::rng::SplitMix64;
use super::vector::argmax;
use crate::{Error, Result};

/// Per-fold macro-F1 and out-of-fold probabilities from a cross-validation run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvScores {
    /// Macro-F1 on each held-out fold.
    pub fold_macro_f1: Vec<f64>,
    /// Mean of `fold_macro_f1`.
    pub mean_macro_f1: f64,
    /// Population standard deviation of `fold_macro_f1`.
    pub std_macro_f1: f64,
    /// Out-of-fold class probabilities of every example, in input order.
    pub oof_proba: Vec<Vec<f32>>,
}

impl CvScores {
    /// Summarises per-fold scores (mean and standard deviation; 0 for no folds).
    pub fn new(fold_macro_f1: Vec<f64>, oof_proba: Vec<Vec<f32>>) -> Self {
        let k = fold_macro_f1.len().max(1) as f64;
        let mean = fold_macro_f1.iter().sum::<f64>() / k;
        let var = fold_macro_f1.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / k;
        Self { fold_macro_f1, mean_macro_f1: mean, std_macro_f1: var.sqrt(), oof_proba }
    }
}

/// How to cross-fit: `folds` stratified folds, dealt `repeats` times (seeds `seed`, `seed + 1`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossFit {
    /// Folds per round.
    pub folds: usize,
    /// Rounds, each with its own fold assignment; out-of-fold rows are averaged over them.
    pub repeats: usize,
    /// Seed of the first round's folds.
    pub seed: u64,
}

/// One held-out fold of a [`cross_fit`] round: its examples and the rows predicted for them.
pub struct HeldOut {
    /// Indices of the held-out examples.
    pub test: Vec<usize>,
    /// One row per held-out example, from a model fit without them.
    pub rows: Vec<Vec<f32>>,
}

/// Repeated stratified cross-fitting: for every round and fold, `fit_predict(train, test)` fits on
/// the `train` indices and returns a row per `test` index. Returns each example's rows averaged
/// over rounds (out-of-fold, for stacking and threshold fitting) and every held-out fold.
pub fn cross_fit<F>(labels: &[usize], plan: CrossFit, mut fit_predict: F) -> Result<(Vec<Vec<f32>>, Vec<HeldOut>)>
where
    F: FnMut(&[usize], &[usize]) -> Result<Vec<Vec<f32>>>,
{
    let repeats = plan.repeats;
    if repeats == 0 {
        return Err(Error::Other("cross-fitting needs at least one round".into()));
    }
    let mut sums: Vec<Vec<f32>> = vec![Vec::new(); labels.len()];
    let mut held_out = Vec::with_capacity(repeats * plan.folds);
    for round in 0..repeats as u64 {
        let fold_of = stratified_folds(labels, plan.folds, plan.seed.wrapping_add(round))?;
        for fold in 0..plan.folds {
            let (test, train): (Vec<usize>, Vec<usize>) = (0..labels.len()).partition(|&i| fold_of[i] == fold);
            let rows = fit_predict(&train, &test)?;
            for (&i, row) in test.iter().zip(&rows) {
                if sums[i].is_empty() {
                    sums[i] = vec![0.0; row.len()];
                }
                sums[i].iter_mut().zip(row).for_each(|(s, x)| *s += x / repeats as f32);
            }
            held_out.push(HeldOut { test, rows });
        }
    }
    Ok((sums, held_out))
}

/// Per-fold macro-F1 of held-out probability rows (argmax) against `labels`.
pub fn held_out_macro_f1(held_out: &[HeldOut], labels: &[usize], n_classes: usize) -> Result<Vec<f64>> {
    held_out
        .iter()
        .map(|h| {
            let gold: Vec<usize> = h.test.iter().map(|&i| labels[i]).collect();
            let pred: Vec<usize> = h.rows.iter().map(|p| argmax(p)).collect();
            macro_f1(&gold, &pred, n_classes)
        })
        .collect()
}

/// The fold (`0..k`) of each example for stratified `k`-fold cross-validation: each class's
/// examples are shuffled with `seed` and dealt round-robin, continuing from class to class, so
/// fold sizes differ by at most one and every fold gets its share of each class. Fails unless
/// `2 ≤ k ≤ labels.len()`.
pub fn stratified_folds(labels: &[usize], k: usize, seed: u64) -> Result<Vec<usize>> {
    if k < 2 || k > labels.len() {
        let msg = format!("cross-validation: {k} folds for {} examples", labels.len());
        return Err(Error::Other(msg));
    }
    let mut classes: Vec<usize> = labels.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let mut fold_of = vec![0usize; labels.len()];
    let mut rng = SplitMix64::new(seed);
    let mut next = 0;
    for class in classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut members);
        for i in members {
            fold_of[i] = next % k;
            next += 1;
        }
    }
    Ok(fold_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_fit_holds_each_example_out_once_per_round_and_averages() {
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
        let plan = CrossFit { folds: 2, repeats: 3, seed: 3 };
        let mut fits = 0;
        let (oof, held_out) = cross_fit(&labels, plan, |train, test| {
            fits += 1;
            assert!(test.iter().all(|i| !train.contains(i)) && train.len() + test.len() == labels.len());
            Ok(test.iter().map(|&i| vec![i as f32, fits as f32]).collect())
        })
        .unwrap();
        assert_eq!((fits, held_out.len()), (6, 6));
        let no_rounds = CrossFit { repeats: 0, ..plan };
        assert!(cross_fit(&labels, no_rounds, |_, test| Ok(vec![vec![0.0]; test.len()])).is_err());
        // Every example is held out once per round: its first column averages back to its index.
        assert!(oof.iter().enumerate().all(|(i, row)| (row[0] - i as f32).abs() < 1e-5));
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
        let folds = stratified_folds(&labels, 2, 3).unwrap();
        assert_eq!(folds, stratified_folds(&labels, 2, 3).unwrap());
        for class in 0..3 {
            let in0 = (0..10).filter(|&i| labels[i] == class && folds[i] == 0).count();
            assert_eq!(in0 * 2, labels.iter().filter(|&&y| y == class).count());
        }
        assert!(stratified_folds(&labels, 1, 0).is_err());
        assert!(stratified_folds(&labels, 11, 0).is_err());
        let cv = CvScores::new(vec![0.5, 1.0], vec![]);
        assert!((cv.mean_macro_f1 - 0.75).abs() < 1e-9 && (cv.std_macro_f1 - 0.25).abs() < 1e-9);
    }
}
