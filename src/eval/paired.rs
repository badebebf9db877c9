//! Paired comparison of two systems on the same articles: how much better one is than the other,
//! with an interval and a test that use the pairing (both systems scored on the same bootstrap
//! resamples; McNemar's exact test on the articles only one of them gets right). Separate intervals
//! per system overlap even when one system is reliably better, so they understate a real gap.

use super::metrics::bootstrap_interval;
use crate::numeric::confusion::{confusion_matrix, macro_f1, macro_f1_of};
use crate::Result;
use serde::Serialize;

/// One system measured against another on the same articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedComparison {
    /// The system measured.
    pub system: String,
    /// The system it is measured against.
    pub against: String,
    /// Macro-F1 of `system` minus macro-F1 of `against`.
    pub delta_macro_f1: f64,
    /// 95% paired bootstrap interval of that difference.
    pub delta_ci95: (f64, f64),
    /// Articles `system` labels correctly and `against` does not.
    pub only_system_right: usize,
    /// Articles `against` labels correctly and `system` does not.
    pub only_against_right: usize,
    /// Two-sided exact McNemar p-value on the two counts above (1 when they are both zero).
    pub mcnemar_p: f64,
}

/// Compares predictions `system` with `against` (label indices, one per article of `gold`),
/// resampling the articles `iterations` times from `seed` so equal inputs give equal intervals.
pub fn paired_comparison(
    names: (&str, &str),
    gold: &[usize],
    (system, against): (&[usize], &[usize]),
    n_classes: usize,
    iterations: usize,
    seed: u64,
) -> Result<PairedComparison> {
    // Validates lengths and indices of both prediction lists.
    confusion_matrix(gold, system, n_classes)?;
    confusion_matrix(gold, against, n_classes)?;
    let delta =
        |sample: &[usize]| macro_f1_of(gold, system, sample, n_classes) - macro_f1_of(gold, against, sample, n_classes);
    // Both systems are scored on the same resamples: the interval is of the difference itself.
    let delta_ci95 = bootstrap_interval(gold.len(), iterations, seed, delta)?;
    let only = |x: &[usize], y: &[usize]| (0..gold.len()).filter(|&i| x[i] == gold[i] && y[i] != gold[i]).count();
    let (only_system_right, only_against_right) = (only(system, against), only(against, system));
    Ok(PairedComparison {
        system: names.0.to_string(),
        against: names.1.to_string(),
        delta_macro_f1: macro_f1(gold, system, n_classes)? - macro_f1(gold, against, n_classes)?,
        delta_ci95,
        only_system_right,
        only_against_right,
        mcnemar_p: mcnemar_exact(only_system_right, only_against_right),
    })
}

/// Two-sided exact McNemar test: twice the binomial(b + c, ½) probability of a split at least as
/// uneven as `b` against `c`, capped at 1. Summed in log space so large counts do not underflow.
fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    let mut log_term = n as f64 * 0.5f64.ln(); // ln[C(n, 0) / 2ⁿ]
    let mut tail = log_term.exp();
    for k in 1..=b.min(c) {
        log_term += ((n - k + 1) as f64).ln() - (k as f64).ln();
        tail += log_term.exp();
    }
    (2.0 * tail).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_the_binomial_tail() {
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert!((mcnemar_exact(0, 6) - 2.0 / 64.0).abs() < 1e-12);
        assert!((mcnemar_exact(9, 1) - 22.0 / 1024.0).abs() < 1e-12);
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        // Large counts: no underflow to zero, and still symmetric.
        let p = mcnemar_exact(1000, 1100);
        assert!(p > 0.0 && p < 0.05 && p == mcnemar_exact(1100, 1000), "{p}");
    }

    #[test]
    fn identical_systems_differ_by_nothing() {
        let gold = [0, 1, 2, 0, 1, 2];
        let pred = [0, 1, 1, 0, 2, 2];
        let r = paired_comparison(("a", "b"), &gold, (&pred, &pred), 3, 200, 1).unwrap();
        assert_eq!((r.delta_macro_f1, r.delta_ci95), (0.0, (0.0, 0.0)));
        assert_eq!((r.only_system_right, r.only_against_right, r.mcnemar_p), (0, 0, 1.0));
    }

    #[test]
    fn a_better_system_has_a_positive_difference_and_counts() {
        let gold: Vec<usize> = (0..30).map(|i| i % 3).collect();
        let mut worse = gold.clone();
        for i in [0, 4, 8, 12, 16, 20, 24] {
            worse[i] = (gold[i] + 1) % 3;
        }
        let r = paired_comparison(("good", "worse"), &gold, (&gold, &worse), 3, 500, 7).unwrap();
        assert_eq!((r.system.as_str(), r.against.as_str()), ("good", "worse"));
        assert_eq!((r.only_system_right, r.only_against_right), (7, 0));
        assert!((r.mcnemar_p - 2.0 / 128.0).abs() < 1e-12);
        assert!(r.delta_macro_f1 > 0.2 && r.delta_ci95.0 > 0.0 && r.delta_ci95.1 >= r.delta_macro_f1);
        let again = paired_comparison(("good", "worse"), &gold, (&gold, &worse), 3, 500, 7).unwrap();
        assert_eq!(r, again, "same seed, same interval");
        let swapped = paired_comparison(("worse", "good"), &gold, (&worse, &gold), 3, 500, 7).unwrap();
        assert_eq!(swapped.delta_macro_f1, -r.delta_macro_f1);
    }

    #[test]
    fn rejects_bad_input() {
        let gold = [0, 1];
        assert!(paired_comparison(("a", "b"), &gold, (&[0], &[0, 1]), 2, 10, 0).is_err());
        assert!(paired_comparison(("a", "b"), &gold, (&[0, 5], &[0, 1]), 2, 10, 0).is_err());
        assert!(paired_comparison(("a", "b"), &gold, (&[0, 1], &[0, 1]), 2, 0, 0).is_err());
        assert!(paired_comparison(("a", "b"), &[], (&[], &[]), 2, 10, 0).is_err());
    }
}
