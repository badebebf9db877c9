//! Confusion matrices and macro-F1 over label indices.
//!
//! Conventions follow scikit-learn: precision (recall) of a class that is never predicted (never
//! occurs) is 0, and macro-F1 averages the classes that occur in the gold or the predicted labels.

use crate::{Error, Result};

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
pub(crate) fn class_prf(m: &[Vec<usize>], c: usize) -> (f64, f64, f64, usize) {
    let tp = m[c][c] as f64;
    let support: usize = m[c].iter().sum();
    let predicted: usize = m.iter().map(|row| row[c]).sum();
    let precision = if predicted == 0 { 0.0 } else { tp / predicted as f64 };
    let recall = if support == 0 { 0.0 } else { tp / support as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    (precision, recall, f1, support)
}

/// Mean F1 over classes that occur in gold or predictions; 0 for an empty matrix.
pub(crate) fn macro_from_confusion(m: &[Vec<usize>]) -> f64 {
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

/// Macro-F1 of the examples at `indices` (repeats count again); indices must be valid.
pub(crate) fn macro_f1_of(gold: &[usize], pred: &[usize], indices: &[usize], n_classes: usize) -> f64 {
    let mut m = vec![vec![0usize; n_classes]; n_classes];
    indices.iter().for_each(|&i| m[gold[i]][pred[i]] += 1);
    macro_from_confusion(&m)
}
