//! Choosing a stance system by name: what `classify --classifier`, `compare --systems` and `bench` use.

use super::zero_shot::{ExemplarScorer, ZeroShotClassifier, ZeroShotParams};
use super::{Spec, StanceClassifier};
use crate::encoder::Encoder;
use crate::{Error, Result};
use std::path::Path;

/// The stance systems the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SystemKind {
    /// The trained head when one exists for the spec, else zero-shot.
    Auto,
    /// Exemplar similarity, no training.
    ZeroShot,
}

impl SystemKind {
    /// Name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SystemKind::Auto => "auto",
            SystemKind::ZeroShot => "zero-shot",
        }
    }

    /// Whether the system needs the encoder.
    pub fn needs_encoder(self) -> bool {
        true
    }
}

/// Builds a classifier for `spec` (read from `spec_path` when not built in).
pub fn build_classifier(kind: SystemKind, spec: &Spec, _spec_path: Option<&Path>, encoder: Option<&dyn Encoder>) -> Result<Box<dyn StanceClassifier>> {
    let encoder = || encoder.ok_or_else(|| Error::Other(format!("the {} classifier needs the encoder", kind.name())));
    match kind {
        SystemKind::Auto | SystemKind::ZeroShot => {
            let scorer = ExemplarScorer::new(spec.clone(), encoder()?, ZeroShotParams::default())?;
            Ok(Box::new(ZeroShotClassifier::new(scorer)))
        }
    }
}
