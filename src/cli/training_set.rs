//! What both trainers (`train`, `train-summarizer`) read: a labelled folder and its split, the spec
//! whose artefacts they write, and where those go.

use super::GlobalArgs;
use anyhow::{Context, Result};
use stance::eval::dataset::{LabelledArticle, LabelledSet};
use stance::stance::systems::training_output_dir;
use stance::stance::Spec;
use std::path::PathBuf;

/// The training-data arguments shared by the trainers.
#[derive(Debug, clap::Args)]
pub struct TrainingSetArgs {
    /// Labelled folder: labels.jsonl + <id>.txt (and summaries.jsonl for `train-summarizer`).
    #[arg(long)]
    pub data: PathBuf,
    /// Train on this split of the folder (`all` for every article).
    #[arg(long, default_value = "train")]
    pub split: String,
    /// Label spec TOML whose artefacts these are (default: the built-in spec).
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Where to write the artefacts (default: where `classify` looks for them).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A loaded training folder, with the spec and an output folder that exists.
pub struct TrainingSet {
    /// The label spec.
    pub spec: Spec,
    /// Where the artefacts go (created).
    pub out: PathBuf,
    /// The whole labelled folder.
    pub set: LabelledSet,
    /// `DIR (split S)`, as the artefacts' cards record it.
    pub description: String,
    split: String,
}

impl TrainingSetArgs {
    /// Loads the spec and the folder and creates the output folder.
    pub fn load(&self, global: &GlobalArgs) -> Result<TrainingSet> {
        let spec = Spec::load(self.spec.as_deref())?;
        let out =
            self.out.clone().unwrap_or_else(|| training_output_dir(global.models_dir.as_deref(), self.spec.as_deref()));
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        let set = LabelledSet::load(&self.data)?;
        let description = format!("{} (split {})", self.data.display(), self.split);
        Ok(TrainingSet { spec, out, set, description, split: self.split.clone() })
    }
}

impl TrainingSet {
    /// The articles of the chosen split (every article for `all`).
    pub fn items(&self) -> Vec<&LabelledArticle> {
        self.set.split((self.split != "all").then_some(self.split.as_str()))
    }
}
