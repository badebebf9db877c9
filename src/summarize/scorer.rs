//! The learned sentence scorer: standardised [features](super::features) and one linear layer,
//! fitted with candle-nn (AdamW, mean squared error, zero initial weights, full batches, so the same
//! data always gives the same weights) to predict how much of a reference summary a sentence covers.
//!
//! Tensors in its safetensors file:
//!
//! ```text
//! scaler.mean    [features]   subtracted from each feature row
//! scaler.std     [features]   then divided by (never zero)
//! linear.weight  [1, features]
//! linear.bias    [1]
//! ```
//!
//! Scoring needs no tensors: nine multiply-adds per sentence.

use super::features::N_FEATURES;
use crate::{Error, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::{Linear, Module, Optimizer, VarBuilder, VarMap};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// How [`SentenceScorer::fit`] trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitConfig {
    /// Full-batch AdamW steps.
    pub epochs: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay.
    pub weight_decay: f64,
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig { epochs: 300, learning_rate: 0.05, weight_decay: 0.01 }
    }
}

/// A linear score over standardised sentence features; higher means more summary-worthy.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceScorer {
    mean: Vec<f32>,
    std: Vec<f32>,
    weights: Vec<f32>,
    bias: f32,
}

impl SentenceScorer {
    /// The score of one feature row.
    pub fn score(&self, row: &[f32; N_FEATURES]) -> f32 {
        row.iter()
            .zip(&self.mean)
            .zip(&self.std)
            .zip(&self.weights)
            .map(|(((x, m), s), w)| (x - m) / s * w)
            .sum::<f32>()
            + self.bias
    }

    /// The weight of each standardised feature, in [`FEATURE_NAMES`](super::features::FEATURE_NAMES) order.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }

    /// Fits the scorer to `targets`, one per row, each row counting with its `weights` entry (e.g.
    /// `1 / sentences` so that every article counts once).
    pub fn fit(rows: &[[f32; N_FEATURES]], targets: &[f32], weights: &[f32], cfg: &FitConfig) -> Result<Self> {
        let n = rows.len();
        if n == 0 || targets.len() != n || weights.len() != n || weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
            return Err(Error::Other("summary scorer: need rows with one target and one positive weight each".into()));
        }
        if cfg.epochs == 0 || !(cfg.learning_rate.is_finite() && cfg.learning_rate > 0.0) {
            return Err(Error::Other("summary scorer: epochs and learning rate must be positive".into()));
        }
        let (mean, std) = mean_std(rows);
        let dev = Device::Cpu;
        let standardised: Vec<f32> =
            rows.iter().flat_map(|r| r.iter().zip(&mean).zip(&std).map(|((x, m), s)| (x - m) / s)).collect();
        let xs = Tensor::from_vec(standardised, (n, N_FEATURES), &dev)?;
        let ys = Tensor::from_vec(targets.to_vec(), (n, 1), &dev)?;
        let total: f32 = weights.iter().sum();
        let ws = Tensor::from_vec(weights.iter().map(|w| w / total).collect::<Vec<f32>>(), (n, 1), &dev)?;
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
        let zeros = candle_nn::Init::Const(0.0);
        let weight = vb.get_with_hints((1, N_FEATURES), "weight", zeros)?;
        let bias = vb.get_with_hints(1, "bias", zeros)?;
        let model = Linear::new(weight, Some(bias));
        let params =
            candle_nn::ParamsAdamW { lr: cfg.learning_rate, weight_decay: cfg.weight_decay, ..Default::default() };
        let mut opt = candle_nn::AdamW::new(varmap.all_vars(), params)?;
        for _ in 0..cfg.epochs {
            let residual = (model.forward(&xs)? - &ys)?;
            let loss = (residual.sqr()? * &ws)?.sum_all()?;
            opt.backward_step(&loss)?;
        }
        let weights = model.weight().flatten_all()?.to_vec1::<f32>()?;
        let bias =
            model.bias().map(|b| b.to_vec1::<f32>()).transpose()?.and_then(|b| b.first().copied()).unwrap_or(0.0);
        Ok(SentenceScorer { mean, std, weights, bias })
    }

    /// Writes the scorer's four tensors to a safetensors file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let dev = Device::Cpu;
        let tensors = HashMap::from([
            ("scaler.mean", Tensor::new(self.mean.as_slice(), &dev)?),
            ("scaler.std", Tensor::new(self.std.as_slice(), &dev)?),
            ("linear.weight", Tensor::new(self.weights.as_slice(), &dev)?.reshape((1, N_FEATURES))?),
            ("linear.bias", Tensor::new(&[self.bias], &dev)?),
        ]);
        candle_core::safetensors::save(&tensors, path)
            .map_err(|e| Error::Other(format!("{}: writing the summary scorer: {e}", path.display())))
    }

    /// Reads a scorer written by [`save`](SentenceScorer::save) (read into memory: it is tiny).
    pub fn load(path: &Path) -> Result<Self> {
        let bad = |message: String| Error::Config { path: path.to_path_buf(), message };
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let tensors = candle_core::safetensors::load_buffer(&data, &Device::Cpu)
            .map_err(|e| bad(format!("not a safetensors file: {e}")))?;
        let vector = |name: &str, len: usize| -> Result<Vec<f32>> {
            let values = tensors
                .get(name)
                .ok_or_else(|| bad(format!("no {name} tensor")))?
                .flatten_all()
                .and_then(|t| t.to_dtype(DType::F32))
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(|e| bad(format!("{name}: {e}")))?;
            if values.len() != len || values.iter().any(|v| !v.is_finite()) {
                return Err(bad(format!("{name} must hold {len} finite numbers")));
            }
            Ok(values)
        };
        let std = vector("scaler.std", N_FEATURES)?;
        if std.iter().any(|&s| s <= 0.0) {
            return Err(bad("scaler.std must be positive".into()));
        }
        Ok(SentenceScorer {
            mean: vector("scaler.mean", N_FEATURES)?,
            std,
            weights: vector("linear.weight", N_FEATURES)?,
            bias: vector("linear.bias", 1)?[0],
        })
    }
}

/// Per-feature mean and standard deviation (1 where a feature is constant).
fn mean_std(rows: &[[f32; N_FEATURES]]) -> (Vec<f32>, Vec<f32>) {
    let n = rows.len().max(1) as f32;
    let mean: Vec<f32> = (0..N_FEATURES).map(|j| rows.iter().map(|r| r[j]).sum::<f32>() / n).collect();
    let std = (0..N_FEATURES)
        .map(|j| {
            let var = rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f32>() / n;
            if var > 1e-12 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    (mean, std)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(a: f32, b: f32) -> [f32; N_FEATURES] {
        let mut r = [0.0; N_FEATURES];
        r[0] = a;
        r[1] = b;
        r
    }

    #[test]
    fn fit_learns_a_linear_target_deterministically_and_round_trips() {
        let rows: Vec<_> = (0..40).map(|i| row(i as f32 / 10.0, ((i * 7) % 11) as f32)).collect();
        let targets: Vec<f32> = rows.iter().map(|r| 0.5 * r[0] - 0.1 * r[1]).collect();
        let weights = vec![1.0; rows.len()];
        let cfg = FitConfig { epochs: 500, learning_rate: 0.05, weight_decay: 0.0 };
        let scorer = SentenceScorer::fit(&rows, &targets, &weights, &cfg).unwrap();
        assert!(scorer.weights()[0] > 0.0 && scorer.weights()[1] < 0.0, "{scorer:?}");
        let (hi, lo) = (scorer.score(&row(3.0, 0.0)), scorer.score(&row(0.0, 10.0)));
        assert!(hi > lo, "{hi} vs {lo}");
        assert_eq!(SentenceScorer::fit(&rows, &targets, &weights, &cfg).unwrap(), scorer, "same data, same weights");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.safetensors");
        scorer.save(&path).unwrap();
        assert_eq!(SentenceScorer::load(&path).unwrap(), scorer);
    }

    #[test]
    fn bad_input_is_refused() {
        let cfg = FitConfig::default();
        assert!(SentenceScorer::fit(&[], &[], &[], &cfg).is_err());
        assert!(SentenceScorer::fit(&[row(1.0, 0.0)], &[1.0], &[0.0], &cfg).is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.safetensors");
        std::fs::write(&path, b"not tensors").unwrap();
        assert!(SentenceScorer::load(&path).unwrap_err().to_string().contains("junk.safetensors"));
    }
}
