//! Model cards: the small JSON written beside every trained artefact, saying what it was trained
//! on, how, and how well it cross-validated.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a trained system records about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// System name (`head`, `baseline`).
    pub system: String,
    /// Label spec name.
    pub spec: String,
    /// Labels in the order of the model's outputs.
    pub labels: Vec<String>,
    /// Encoder `id@revision` whose features were used, if any.
    pub encoder: Option<String>,
    /// Feature groups, e.g. `["embedding", "evidence", "words"]`.
    pub features: Vec<String>,
    /// Training data folder and split.
    pub data: String,
    /// Training articles per label, in label order.
    pub class_counts: Vec<usize>,
    /// Optimiser seed.
    pub seed: u64,
    /// Training epochs.
    pub epochs: usize,
    /// Folds of the cross-validation.
    pub cv_folds: usize,
    /// Rounds of the cross-validation, each with its own folds (1 in cards that predate rounds).
    #[serde(default = "one")]
    pub cv_repeats: usize,
    /// Cross-validated macro-F1 per held-out fold, round after round.
    pub cv_macro_f1: Vec<f64>,
    /// Their mean.
    pub cv_mean_macro_f1: f64,
}

fn one() -> usize {
    1
}

impl ModelCard {
    /// Fails unless the card's labels are the spec's, in the same order.
    pub fn check_labels(&self, labels: &[String], path: &Path) -> Result<()> {
        if self.labels != labels {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: format!(
                    "trained for labels {:?}, but the spec has {:?}; retrain with `stance train`",
                    self.labels, labels
                ),
            });
        }
        Ok(())
    }
}
