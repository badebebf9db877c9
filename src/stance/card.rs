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

    /// Fails when the card names another encoder model than `encoder_id` (`id@revision`, maybe
    /// `+int8`): a head reads features of the encoder it was trained on. The int8 encoder of the
    /// same model counts as the same; a local folder (`DIR@local`) cannot be told apart and passes.
    pub fn check_encoder(&self, encoder_id: &str, path: &Path) -> Result<()> {
        let model = |id: &str| id.split(['@', '+']).next().unwrap_or(id).to_string();
        match &self.encoder {
            Some(trained) if !encoder_id.ends_with("@local") && model(trained) != model(encoder_id) => {
                Err(Error::Config {
                    path: path.to_path_buf(),
                    message: format!(
                        "trained on encoder {trained}, but the encoder in use is {encoder_id}; pass --model {}, \
                         use --classifier zero-shot, or retrain with `stance --model {} train`",
                        model(trained),
                        model(encoder_id)
                    ),
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: a head trained on one encoder is refused with another.
    #[test]
    fn a_card_refuses_another_encoder_model() {
        let card = ModelCard {
            system: "head".into(),
            spec: "s".into(),
            labels: vec![],
            encoder: Some("org/mini@abc".into()),
            features: vec![],
            data: "d".into(),
            class_counts: vec![],
            seed: 0,
            epochs: 1,
            cv_folds: 5,
            cv_repeats: 1,
            cv_macro_f1: vec![],
            cv_mean_macro_f1: 0.0,
        };
        let path = Path::new("s.head.json");
        assert!(card.check_encoder("org/mini@abc", path).is_ok());
        assert!(card.check_encoder("org/mini@abc+int8", path).is_ok());
        assert!(card.check_encoder("/tmp/model@local", path).is_ok());
        let err = card.check_encoder("org/mpnet@def", path).unwrap_err().to_string();
        assert!(err.contains("trained on encoder org/mini@abc") && err.contains("org/mpnet@def"), "{err}");
    }
}
