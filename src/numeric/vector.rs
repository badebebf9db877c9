//! Small dense-vector helpers shared by the metrics, the summariser and the classifiers.
//!
//! Plain `&[f32]` in, plain `f32` or `Vec<f32>` out: nothing here knows about tensors. Sums are
//! accumulated in `f64` so long rows (20k TF-IDF features) lose no precision.

use crate::{Error, Result};

/// Dot product of `a` and `b`.
///
/// Both should have the same length; if they do not, only the common prefix is used.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum::<f64>() as f32
}

/// Euclidean (L2) norm of `a`.
pub fn norm(a: &[f32]) -> f32 {
    a.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>().sqrt() as f32
}

/// Cosine similarity of `a` and `b`, in `[-1, 1]`; `0.0` when either vector is all zeros.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot(a, b) / (na * nb)).clamp(-1.0, 1.0)
}

/// Scales `a` in place to unit L2 norm; an all-zero vector is left as it is.
pub fn normalize(a: &mut [f32]) {
    let n = norm(a);
    if n > 0.0 {
        a.iter_mut().for_each(|x| *x /= n);
    }
}

/// Index of the largest value (the first on ties; `0` for an empty slice; NaN never wins).
pub fn argmax(xs: &[f32]) -> usize {
    let mut best: Option<(usize, f32)> = None;
    for (i, &x) in xs.iter().enumerate() {
        if !x.is_nan() && best.is_none_or(|(_, b)| x > b) {
            best = Some((i, x));
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// Mean of `rows`, weighted by `weights` when given (`Σ wᵢ·rowᵢ / Σ wᵢ`).
///
/// Returns an empty vector when `rows` is empty. Fails when the rows differ in length, when
/// `weights` and `rows` differ in length, or when the weights are negative or sum to zero.
pub fn mean_rows<R: AsRef<[f32]>>(rows: &[R], weights: Option<&[f32]>) -> Result<Vec<f32>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let dim = first.as_ref().len();
    if let Some(w) = weights {
        if w.len() != rows.len() {
            return Err(Error::Other(format!("mean_rows: {} weights for {} rows", w.len(), rows.len())));
        }
        if w.iter().any(|&x| x.is_nan() || x < 0.0) {
            return Err(Error::Other("mean_rows: weights must be non-negative numbers".into()));
        }
    }
    let mut acc = vec![0f64; dim];
    let mut total = 0f64;
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != dim {
            return Err(Error::Other(format!("mean_rows: row {i} has {} values, row 0 has {dim}", row.len())));
        }
        let w = weights.map_or(1.0, |w| f64::from(w[i]));
        total += w;
        for (a, &x) in acc.iter_mut().zip(row) {
            *a += w * f64::from(x);
        }
    }
    if total <= 0.0 {
        return Err(Error::Other("mean_rows: weights sum to zero".into()));
    }
    Ok(acc.into_iter().map(|a| (a / total) as f32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_cosine() {
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
        assert!((cosine(&[1.0, 0.0], &[1.0, 1.0]) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert_eq!(cosine(&[1.0, 2.0], &[-1.0, -2.0]), -1.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        assert_eq!(cosine(&[], &[]), 0.0);
    }

    #[test]
    fn argmax_first_of_ties() {
        assert_eq!(argmax(&[0.1, 0.7, 0.7, 0.2]), 1);
        assert_eq!(argmax(&[f32::NAN, 0.5]), 1);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn normalize_unit_and_zero() {
        let mut v = vec![3.0, 4.0];
        normalize(&mut v);
        assert_eq!(v, vec![0.6, 0.8]);
        let mut z = vec![0.0; 3];
        normalize(&mut z);
        assert_eq!(z, vec![0.0; 3]);
    }

    #[test]
    fn mean_rows_plain_and_weighted() {
        let rows = vec![vec![1.0, 2.0], vec![3.0, 6.0]];
        assert_eq!(mean_rows(&rows, None).unwrap(), vec![2.0, 4.0]);
        assert_eq!(mean_rows(&rows, Some(&[3.0, 1.0])).unwrap(), vec![1.5, 3.0]);
        let slices: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        assert_eq!(mean_rows(&slices, None).unwrap(), vec![2.0, 4.0]);
        assert!(mean_rows::<Vec<f32>>(&[], None).unwrap().is_empty());
    }

    #[test]
    fn mean_rows_rejects_bad_input() {
        let ragged = vec![vec![1.0, 2.0], vec![3.0]];
        assert!(mean_rows(&ragged, None).is_err());
        let rows = vec![vec![1.0], vec![2.0]];
        assert!(mean_rows(&rows, Some(&[1.0])).is_err());
        assert!(mean_rows(&rows, Some(&[0.0, 0.0])).is_err());
        assert!(mean_rows(&rows, Some(&[f32::NAN, 1.0])).is_err());
    }
}
