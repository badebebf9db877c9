//! Choosing a stance system by name: what `classify --classifier`, `compare --systems` and `bench` use.

use super::baseline::{BagOfWords, Majority};
use super::head::TrainedHead;
use super::zero_shot::{ExemplarScorer, ZeroShotClassifier, ZeroShotParams};
use super::{Spec, StanceClassifier};
use crate::encoder::Encoder;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The stance systems the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SystemKind {
    /// The trained head when one exists for the spec, else zero-shot.
    Auto,
    /// Softmax regression on exemplar evidence, a sentence probe and word probabilities (trained).
    Head,
    /// Exemplar similarity with attribution, no training.
    ZeroShot,
    /// TF-IDF word n-grams + softmax regression, no transformer (trained).
    Baseline,
    /// The most frequent training label.
    Majority,
}

impl SystemKind {
    /// Name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SystemKind::Auto => "auto",
            SystemKind::Head => "head",
            SystemKind::ZeroShot => "zero-shot",
            SystemKind::Baseline => "baseline",
            SystemKind::Majority => "majority",
        }
    }

    /// Whether the system runs the encoder (so its throughput includes embedding time).
    pub fn needs_encoder(self) -> bool {
        !matches!(self, SystemKind::Baseline | SystemKind::Majority)
    }
}

/// Where trained artefacts for a spec are looked up: `$STANCE_MODELS_DIR`, else the folder of a
/// `--spec` file, else the project's `models/stance`.
pub fn artifacts_dir(spec_path: Option<&Path>) -> PathBuf {
    if let Some(dir) = std::env::var_os("STANCE_MODELS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match spec_path.and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join("stance"),
    }
}

/// Builds a classifier for `spec` with trained artefacts from `dir`. `encoder` is needed by every
/// system but the baseline and majority.
pub fn build_classifier(
    kind: SystemKind,
    spec: &Spec,
    dir: &Path,
    encoder: Option<&dyn Encoder>,
) -> Result<Box<dyn StanceClassifier>> {
    let scorer = || {
        let encoder =
            encoder.ok_or_else(|| Error::Other(format!("the {} classifier needs the encoder", kind.name())))?;
        ExemplarScorer::new(spec.clone(), encoder, ZeroShotParams::default())
    };
    let untrained = |what: &str| Error::Model {
        model: format!("{}/{}", spec.name, what),
        message: format!("no trained {what} in {}; run `stance train --data data/corpus` first", dir.display()),
    };
    Ok(match kind {
        SystemKind::Auto if TrainedHead::exists(dir, spec) => Box::new(TrainedHead::load(dir, scorer()?)?),
        SystemKind::Auto | SystemKind::ZeroShot => Box::new(ZeroShotClassifier::new(scorer()?)),
        SystemKind::Head if !TrainedHead::exists(dir, spec) => return Err(untrained("head")),
        SystemKind::Head => Box::new(TrainedHead::load(dir, scorer()?)?),
        SystemKind::Baseline if !BagOfWords::paths(dir, spec).0.is_file() => return Err(untrained("baseline")),
        SystemKind::Baseline => Box::new(BagOfWords::load(dir, spec)?),
        SystemKind::Majority => {
            let card = BagOfWords::card(dir, spec).map_err(|_| untrained("baseline"))?;
            Box::new(Majority::from_counts(spec, &card.class_counts))
        }
    })
}
