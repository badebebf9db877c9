//! Choosing a stance system by name: what `classify --classifier`, `compare --systems` and `bench` use.

use super::baseline::{BagOfWords, Majority};
use super::ensemble::Ensemble;
use super::head::TrainedHead;
use super::zero_shot::{ExemplarScorer, ZeroShotClassifier, ZeroShotParams};
use super::{Spec, StanceClassifier};
use crate::encoder::Encoder;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The stance systems the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SystemKind {
    /// The head when one is trained for the spec and encoder (the default), else zero-shot.
    Auto,
    /// Mean of the head's, zero-shot's and the baseline's probabilities (trained).
    Ensemble,
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
            SystemKind::Ensemble => "ensemble",
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

/// Where trained artefacts for a spec are looked up: `models_dir` (`--models-dir`), else
/// `$STANCE_MODELS_DIR`, else the folder of a `--spec` file, else the built-in spec's artefacts
/// embedded in the binary (see [`super::builtin`]), so an installed binary behaves as in the repo.
pub fn artifacts_dir(models_dir: Option<&Path>, spec_path: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = models_dir {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("STANCE_MODELS_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    match spec_path.and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => Ok(parent.to_path_buf()),
        Some(_) => Ok(PathBuf::from(".")),
        None => super::builtin::materialize(&crate::encoder::cache::default_cache_dir()),
    }
}

/// Where `stance train` writes artefacts unless told (`--out`): `models_dir`, `$STANCE_MODELS_DIR`
/// or the `--spec` file's folder as for reading, else `models/stance` of the source tree this binary
/// was built from (rebuild to embed what was trained there).
pub fn training_output_dir(models_dir: Option<&Path>, spec_path: Option<&Path>) -> PathBuf {
    let env = std::env::var_os("STANCE_MODELS_DIR").filter(|d| !d.is_empty()).map(PathBuf::from);
    models_dir
        .map(Path::to_path_buf)
        .or(env)
        .or_else(|| {
            spec_path.and_then(Path::parent).map(|p| if p.as_os_str().is_empty() { ".".into() } else { p.into() })
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join("stance"))
}

/// The encoders that have a head for `spec` in `dir` (names of its folders that hold one), sorted.
pub fn trained_encoders(dir: &Path, spec: &Spec) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| TrainedHead::artefact(dir, spec, name).exists())
        .collect();
    names.sort();
    names
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
    let model_name = encoder.map(|e| e.model_name()).unwrap_or_default();
    let has_head = TrainedHead::artefact(dir, spec, &model_name).exists();
    let no_head = || Error::Model {
        model: format!("{}/head", spec.name),
        message: format!(
            "no head trained on encoder {model_name} in {} (heads are kept per encoder, in a folder named after \
             it; trained ones: {}); use --classifier zero-shot, or train one with `stance --model {model_name} train \
             --data data/corpus`",
            dir.display(),
            trained_encoders(dir, spec).join(", ")
        ),
    };
    Ok(match kind {
        SystemKind::Ensemble if has_head => Box::new(Ensemble::load(dir, TrainedHead::load(dir, scorer()?)?)?),
        SystemKind::Ensemble => return Err(no_head()),
        SystemKind::Auto if !has_head => {
            tracing::warn!(
                "no head for spec {} trained on encoder {model_name} in {}; using the zero-shot classifier (train one \
                 with `stance --model {model_name} train`)",
                spec.name,
                dir.display()
            );
            Box::new(ZeroShotClassifier::new(scorer()?))
        }
        SystemKind::ZeroShot => Box::new(ZeroShotClassifier::new(scorer()?)),
        SystemKind::Head if !has_head => return Err(no_head()),
        SystemKind::Auto | SystemKind::Head => Box::new(TrainedHead::load(dir, scorer()?)?),
        SystemKind::Baseline if !BagOfWords::artefact(dir, spec).json_path().is_file() => {
            return Err(untrained("baseline"))
        }
        SystemKind::Baseline => Box::new(BagOfWords::load(dir, spec)?),
        SystemKind::Majority => {
            let card = BagOfWords::artefact(dir, spec).read_card().map_err(|_| untrained("baseline"))?;
            Box::new(Majority::from_counts(spec, &card.class_counts))
        }
    })
}
