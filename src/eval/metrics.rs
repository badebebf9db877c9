//! Classification metrics (accuracy, per-class P/R/F1, macro-F1, polar F-average, confusion
//! matrix, bootstrap interval) and reference-free summary metrics (coverage, redundancy,
//! compression).
//!
//! Conventions follow scikit-learn: precision (recall) of a class that is never predicted (never
//! occurs) is 0, and macro-F1 averages the classes that occur in the gold or the predicted labels.

use serde::Serialize;

use super::vector::{argmax, cosine};
use crate::{Error, Result};

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// Class name.
    pub label: String,
    /// Correct predictions of this class over all predictions of it.
    pub precision: f64,
    /// Correct predictions of this class over its gold occurrences.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Gold occurrences of this class.
    pub support: usize,
}

/// Everything `stance compare` reports about one classifier on one labelled set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassificationReport {
    /// Number of examples scored.
    pub n: usize,
    /// Fraction of exact matches.
    pub accuracy: f64,
    /// Unweighted mean F1 over the classes present in gold or predictions.
    pub macro_f1: f64,
    /// Mean F1 over the polar classes (`polar`), the usual stance-detection score; equals
    /// `macro_f1` when no class is polar.
    pub f_avg: f64,
    /// Indices of the classes averaged into `f_avg`.
    pub polar: Vec<usize>,
    /// One entry per label, in label order.
    pub per_class: Vec<ClassMetrics>,
    /// `confusion[gold][pred]` counts.
    pub confusion: Vec<Vec<usize>>,
}

impl ClassificationReport {
    /// Scores `pred` against `gold` (both indices into `labels`).
    ///
    /// The polar classes for `f_avg` are every label other than `neutral` (any case); use
    /// [`ClassificationReport::with_polar`] to choose them explicitly. Fails when the two slices
    /// differ in length or hold an index outside `labels`.
    pub fn compute(labels: &[String], gold: &[usize], pred: &[usize]) -> Result<Self> {
        let confusion = confusion_matrix(gold, pred, labels.len())?;
        let n = gold.len();
        let correct: usize = (0..labels.len()).map(|c| confusion[c][c]).sum();
        let per_class: Vec<ClassMetrics> = labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let (precision, recall, f1, support) = class_prf(&confusion, c);
                ClassMetrics { label: label.clone(), precision, recall, f1, support }
            })
            .collect();
        let polar =
            labels.iter().enumerate().filter(|(_, l)| !l.eq_ignore_ascii_case("neutral")).map(|(i, _)| i).collect();
        let report = Self {
            n,
            accuracy: if n == 0 { 0.0 } else { correct as f64 / n as f64 },
            macro_f1: macro_from_confusion(&confusion),
            f_avg: 0.0,
            polar: Vec::new(),
            per_class,
            confusion,
        };
        report.with_polar(polar)
    }

    /// Sets the polar classes (indices into the labels) and recomputes `f_avg` over them.
    pub fn with_polar(mut self, polar: Vec<usize>) -> Result<Self> {
        if let Some(&bad) = polar.iter().find(|&&c| c >= self.per_class.len()) {
            return Err(Error::Other(format!("polar class {bad} out of range for {} labels", self.per_class.len())));
        }
        self.f_avg = if polar.is_empty() {
            self.macro_f1
        } else {
            polar.iter().map(|&c| self.per_class[c].f1).sum::<f64>() / polar.len() as f64
        };
        self.polar = polar;
        Ok(self)
    }
}

/// `confusion[gold][pred]` counts over `n_classes` classes; fails on length mismatch or an
/// out-of-range index.
pub fn confusion_matrix(gold: &[usize], pred: &[usize], n_classes: usize) -> Result<Vec<Vec<usize>>> {
    if gold.len() != pred.len() {
        return Err(Error::Other(format!("{} gold labels but {} predictions", gold.len(), pred.len())));
    }
    let mut m = vec![vec![0usize; n_classes]; n_classes];
    for (i, (&g, &p)) in gold.iter().zip(pred).enumerate() {
        if g >= n_classes || p >= n_classes {
            return Err(Error::Other(format!(
                "example {i}: label index (gold {g}, predicted {p}) out of range for {n_classes} classes"
            )));
        }
        m[g][p] += 1;
    }
    Ok(m)
}

/// Macro-F1 of `pred` against `gold` over `n_classes` classes (see the module conventions).
pub fn macro_f1(gold: &[usize], pred: &[usize], n_classes: usize) -> Result<f64> {
    Ok(macro_from_confusion(&confusion_matrix(gold, pred, n_classes)?))
}

/// Precision, recall, F1 and support of class `c`.
fn class_prf(m: &[Vec<usize>], c: usize) -> (f64, f64, f64, usize) {
    let tp = m[c][c] as f64;
    let support: usize = m[c].iter().sum();
    let predicted: usize = m.iter().map(|row| row[c]).sum();
    let precision = if predicted == 0 { 0.0 } else { tp / predicted as f64 };
    let recall = if support == 0 { 0.0 } else { tp / support as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    (precision, recall, f1, support)
}

/// Mean F1 over classes that occur in gold or predictions; 0 for an empty matrix.
fn macro_from_confusion(m: &[Vec<usize>]) -> f64 {
    let present: Vec<f64> = (0..m.len())
        .filter(|&c| m[c].iter().sum::<usize>() + m.iter().map(|row| row[c]).sum::<usize>() > 0)
        .map(|c| class_prf(m, c).2)
        .collect();
    if present.is_empty() {
        0.0
    } else {
        present.iter().sum::<f64>() / present.len() as f64
    }
}

/// 95% percentile bootstrap interval `(lo, hi)` for macro-F1 (see [`bootstrap_interval`]). Fails on
/// empty or mismatched input, an out-of-range index, or zero iterations.
pub fn bootstrap_macro_f1(
    gold: &[usize],
    pred: &[usize],
    n_classes: usize,
    iterations: usize,
    seed: u64,
) -> Result<(f64, f64)> {
    confusion_matrix(gold, pred, n_classes)?;
    bootstrap_interval(gold.len(), iterations, seed, |sample| macro_f1_of(gold, pred, sample, n_classes))
}

/// Macro-F1 of the examples at `indices` (repeats count again); indices must be valid.
pub(crate) fn macro_f1_of(gold: &[usize], pred: &[usize], indices: &[usize], n_classes: usize) -> f64 {
    let mut m = vec![vec![0usize; n_classes]; n_classes];
    indices.iter().for_each(|&i| m[gold[i]][pred[i]] += 1);
    macro_from_confusion(&m)
}

/// 95% percentile bootstrap interval of `statistic` over `n` examples: the example indices are
/// resampled with replacement `iterations` times by a SplitMix64 generator seeded with `seed`, so
/// equal inputs give equal intervals. Fails when `n` or `iterations` is zero.
pub(crate) fn bootstrap_interval(
    n: usize,
    iterations: usize,
    seed: u64,
    mut statistic: impl FnMut(&[usize]) -> f64,
) -> Result<(f64, f64)> {
    if n == 0 || iterations == 0 {
        return Err(Error::Other("bootstrap needs at least one example and one iteration".into()));
    }
    let mut rng = SplitMix64::new(seed);
    let mut sample = vec![0; n];
    let mut values: Vec<f64> = (0..iterations)
        .map(|_| {
            sample.iter_mut().for_each(|i| *i = rng.below(n));
            statistic(&sample)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    Ok((percentile(&values, 0.025), percentile(&values, 0.975)))
}

/// Linearly interpolated quantile `q` of sorted, non-empty `xs` (NumPy's default method).
fn percentile(xs: &[f64], q: f64) -> f64 {
    let pos = q * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64)
}

/// How much of the document a summary covers: cosine of the summary and document embeddings.
pub fn coverage(summary_emb: &[f32], doc_emb: &[f32]) -> f32 {
    cosine(summary_emb, doc_emb)
}

/// How repetitive a summary is: the largest cosine between two of its sentence embeddings
/// (0 for fewer than two sentences).
pub fn redundancy(sentence_embs: &[&[f32]]) -> f32 {
    let mut max: Option<f32> = None;
    for (i, a) in sentence_embs.iter().enumerate() {
        for b in &sentence_embs[i + 1..] {
            let c = cosine(a, b);
            max = Some(max.map_or(c, |m| m.max(c)));
        }
    }
    max.unwrap_or(0.0)
}

/// Summary length over document length, in words (0 for an empty document).
pub fn compression_ratio(summary_words: usize, doc_words: usize) -> f32 {
    if doc_words == 0 {
        0.0
    } else {
        summary_words as f32 / doc_words as f32
    }
}

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

/// SplitMix64: a tiny, fast, seedable generator, good enough for resampling and shuffling.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (`n > 0`), by multiply-shift.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Fisher–Yates shuffle in place.
    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["pro-islamabad", "pro-kabul", "neutral"].map(String::from).to_vec()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn report_matches_hand_computation() {
        // gold: 0 0 0 1 1 2 2 2 ; pred: 0 0 1 1 2 2 2 0
        let gold = [0, 0, 0, 1, 1, 2, 2, 2];
        let pred = [0, 0, 1, 1, 2, 2, 2, 0];
        let r = ClassificationReport::compute(&labels(), &gold, &pred).unwrap();
        assert_eq!(r.n, 8);
        assert!(close(r.accuracy, 5.0 / 8.0));
        assert_eq!(r.confusion, vec![vec![2, 1, 0], vec![0, 1, 1], vec![1, 0, 2]]);
        // class 0: P 2/3 R 2/3 F 2/3; class 1: P 1/2 R 1/2 F 1/2; class 2: P 2/3 R 2/3 F 2/3.
        assert!(close(r.per_class[0].f1, 2.0 / 3.0));
        assert!(close(r.per_class[1].precision, 0.5));
        assert_eq!(r.per_class[2].support, 3);
        assert!(close(r.macro_f1, (2.0 / 3.0 + 0.5 + 2.0 / 3.0) / 3.0));
        assert_eq!(r.polar, vec![0, 1]);
        assert!(close(r.f_avg, (2.0 / 3.0 + 0.5) / 2.0));
        let r = r.with_polar(vec![2]).unwrap();
        assert!(close(r.f_avg, 2.0 / 3.0));
        assert!(r.with_polar(vec![3]).is_err());
    }

    #[test]
    fn absent_classes_are_left_out_of_macro_f1() {
        let r = ClassificationReport::compute(&labels(), &[0, 0, 1], &[0, 0, 1]).unwrap();
        assert!(close(r.macro_f1, 1.0));
        assert!(close(r.per_class[2].f1, 0.0));
        assert!(close(macro_f1(&[0, 1], &[1, 0], 3).unwrap(), 0.0));
    }

    #[test]
    fn report_rejects_bad_input() {
        assert!(ClassificationReport::compute(&labels(), &[0, 1], &[0]).is_err());
        assert!(ClassificationReport::compute(&labels(), &[0, 3], &[0, 1]).is_err());
        let empty = ClassificationReport::compute(&labels(), &[], &[]).unwrap();
        assert_eq!(empty.accuracy, 0.0);
        assert!(serde_json::to_string(&empty).is_ok());
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_score() {
        let gold: Vec<usize> = (0..60).map(|i| i % 3).collect();
        let pred: Vec<usize> =
            gold.iter().enumerate().map(|(i, &g)| if i % 5 == 0 { (g + 1) % 3 } else { g }).collect();
        let point = macro_f1(&gold, &pred, 3).unwrap();
        let a = bootstrap_macro_f1(&gold, &pred, 3, 500, 7).unwrap();
        let b = bootstrap_macro_f1(&gold, &pred, 3, 500, 7).unwrap();
        assert_eq!(a, b);
        assert!(a.0 <= point && point <= a.1 && a.0 < a.1, "{a:?} vs {point}");
        assert_ne!(a, bootstrap_macro_f1(&gold, &pred, 3, 500, 8).unwrap());
        assert!(bootstrap_macro_f1(&[], &[], 3, 10, 0).is_err());
        assert!(bootstrap_macro_f1(&gold, &pred, 3, 0, 0).is_err());
        assert!(close(percentile(&[0.0, 1.0, 2.0, 3.0, 4.0], 0.025), 0.1));
        assert!(close(percentile(&[5.0], 0.975), 5.0));
    }

    #[test]
    fn summary_metrics() {
        assert!((coverage(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
        let (a, b, c) = ([1.0f32, 0.0], [0.0f32, 1.0], [1.0f32, 1.0]);
        assert!((redundancy(&[&a, &b, &c]) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert_eq!(redundancy(&[&a]), 0.0);
        assert_eq!(redundancy(&[]), 0.0);
        assert_eq!(compression_ratio(25, 100), 0.25);
        assert_eq!(compression_ratio(5, 0), 0.0);
    }

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
        assert!(close(cv.mean_macro_f1, 0.75) && close(cv.std_macro_f1, 0.25));
    }

    #[test]
    fn rng_is_seeded_and_in_range() {
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        assert_eq!(a.next_u64(), b.next_u64());
        assert!((0..1000).all(|_| a.below(7) < 7));
        let mut v: Vec<usize> = (0..20).collect();
        a.shuffle(&mut v);
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(v, sorted);
    }
}
