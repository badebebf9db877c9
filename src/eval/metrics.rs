//! Classification metrics (accuracy, per-class P/R/F1, polar F-average, bootstrap interval) and
//! reference-free summary metrics (coverage, redundancy, compression). Confusion matrices and
//! macro-F1 sit lower, in [`crate::numeric::confusion`], since training scores its folds with them.

use serde::Serialize;

use crate::numeric::confusion::{class_prf, confusion_matrix, macro_f1_of, macro_from_confusion};
use crate::numeric::rng::SplitMix64;
use crate::numeric::vector::cosine;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::confusion::macro_f1;

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
}
