//! The learned sentence scorer: standardised [features](super::features) and one linear layer,
//! fitted with candle-nn (AdamW, mean squared error, zero initial weights, full batches, so the same
//! data always gives the same weights) to predict how much of a reference summary a sentence covers.
//! It is a [`LinearHead`] with one output read as a score (no softmax), so it is saved and loaded as
//! every trained component is, through [`Artefact`](crate::stance::artefact::Artefact), with the
//! learned direction in the encoder's space that the `summary_direction` feature projects on saved
//! beside it (tensor `direction`).

use super::features::N_FEATURES;
use crate::stance::linear::{read_tensors, LinearHead};
use crate::{Error, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::{Linear, Module, Optimizer, VarBuilder, VarMap};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Name of the direction's tensor in the scorer's safetensors file.
const DIRECTION: &str = "direction";

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
#[derive(Debug, Clone)]
pub struct SentenceScorer {
    head: LinearHead,
    weights: Vec<f32>,
    direction: Vec<f32>,
}

impl SentenceScorer {
    /// Wraps a one-output head and the direction its `summary_direction` feature projects on.
    pub fn from_head(head: LinearHead, direction: Vec<f32>) -> Result<Self> {
        if head.in_dim() != N_FEATURES || head.n_classes() != 1 {
            return Err(Error::Other(format!(
                "a summary scorer reads {N_FEATURES} features into one score, not {} into {}",
                head.in_dim(),
                head.n_classes()
            )));
        }
        let weights = head.weight_row()?;
        Ok(SentenceScorer { head, weights, direction })
    }

    /// Writes the head and the direction to one safetensors file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let direction = Tensor::new(self.direction.as_slice(), &Device::Cpu)?;
        self.head.save_with(path, HashMap::from([(DIRECTION, direction)]))
    }

    /// Reads a scorer written by [`save`](SentenceScorer::save).
    pub fn load_file(path: &Path) -> Result<Self> {
        let mut tensors = read_tensors(path, &Device::Cpu)?;
        let direction = match tensors.remove(DIRECTION).map(|t| t.to_vec1::<f32>()) {
            Some(Ok(direction)) => direction,
            _ => {
                return Err(Error::Config {
                    path: path.into(),
                    message: "no summary direction; retrain with `stance train-summarizer`".into(),
                })
            }
        };
        Self::from_head(LinearHead::from_tensors(tensors, path)?, direction)
    }

    /// The direction in the encoder's space that the `summary_direction` feature projects on.
    pub fn direction(&self) -> &[f32] {
        &self.direction
    }

    /// The score of each feature row.
    pub fn scores(&self, rows: &[[f32; N_FEATURES]]) -> Result<Vec<f32>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let xs = Tensor::from_vec(rows.concat(), (rows.len(), N_FEATURES), &Device::Cpu)?;
        Ok(self.head.forward(&xs)?.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The weight of each standardised feature, in [`FEATURE_NAMES`](super::features::FEATURE_NAMES) order.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }

    /// Fits the scorer to `targets`, one per row, each row counting with its `weights` entry (e.g.
    /// `1 / sentences` so that every article counts once). The rows' `summary_direction` features
    /// are projections on `direction` (out of fold while training), which the scorer keeps.
    pub fn fit(
        rows: &[[f32; N_FEATURES]],
        targets: &[f32],
        weights: &[f32],
        direction: Vec<f32>,
        cfg: &FitConfig,
    ) -> Result<Self> {
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
        let tensors = HashMap::from([
            ("scaler.mean".to_string(), Tensor::new(mean, &dev)?),
            ("scaler.std".to_string(), Tensor::new(std, &dev)?),
            ("classifier.weight".to_string(), model.weight().copy()?),
            (
                "classifier.bias".to_string(),
                model.bias().map_or_else(|| Tensor::zeros(1, DType::F32, &dev), Tensor::copy)?,
            ),
        ]);
        Self::from_head(
            LinearHead::load(VarBuilder::from_tensors(tensors, DType::F32, &dev), N_FEATURES, 1)?,
            direction,
        )
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
        let scorer = SentenceScorer::fit(&rows, &targets, &weights, vec![0.25, -1.0], &cfg).unwrap();
        assert!(scorer.weights()[0] > 0.0 && scorer.weights()[1] < 0.0, "{scorer:?}");
        let scores = scorer.scores(&[row(3.0, 0.0), row(0.0, 10.0)]).unwrap();
        assert!(scores[0] > scores[1], "{scores:?}");
        let again = SentenceScorer::fit(&rows, &targets, &weights, vec![0.25, -1.0], &cfg).unwrap();
        assert_eq!(again.weights(), scorer.weights(), "same data, same weights");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.safetensors");
        scorer.save(&path).unwrap();
        let loaded = SentenceScorer::load_file(&path).unwrap();
        assert_eq!(loaded.scores(&rows).unwrap(), scorer.scores(&rows).unwrap());
        assert_eq!(loaded.direction(), &[0.25, -1.0]);
        LinearHead::load_file(&path, &Device::Cpu).unwrap().save(&path).unwrap();
        assert!(SentenceScorer::load_file(&path).is_err(), "a head without a direction is not a scorer");
    }

    #[test]
    fn bad_input_is_refused() {
        let cfg = FitConfig::default();
        assert!(SentenceScorer::fit(&[], &[], &[], Vec::new(), &cfg).is_err());
        assert!(SentenceScorer::fit(&[row(1.0, 0.0)], &[1.0], &[0.0], Vec::new(), &cfg).is_err());
        let rows = vec![vec![0.0; N_FEATURES]; 3];
        let three_classes = crate::stance::linear::train(&rows, &[0, 1, 2], 3, &Default::default());
        assert!(SentenceScorer::from_head(three_classes.unwrap(), Vec::new()).is_err(), "a classifier is not a scorer");
    }
}
