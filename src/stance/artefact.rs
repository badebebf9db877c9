//! Trained artefacts on disk: one type owns the naming scheme (`<dir>/<spec>.<component>.json` for
//! the card and settings, `<dir>/<spec>.<component>.safetensors` for the weights) and the reading
//! and writing of both, for every trained component (head, baseline, sentence probe, summary scorer).

use super::card::ModelCard;
use super::linear::LinearHead;
use super::Spec;
use crate::{Error, Result};
use candle_core::Device;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The trained components of a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// The stance head (card pretty-printed: people read it).
    Head,
    /// The bag-of-words baseline (card and vectorizer in compact JSON: the vocabulary is large).
    Baseline,
    /// The sentence probe the head stacks (weights only).
    Probe,
    /// The learned summarizer's sentence scorer (card pretty-printed).
    Summary,
}

impl Component {
    fn name(self) -> &'static str {
        match self {
            Component::Head => "head",
            Component::Baseline => "baseline",
            Component::Probe => "probe",
            Component::Summary => "summary",
        }
    }
}

/// One trained component of one spec in one folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artefact {
    component: Component,
    json: PathBuf,
    weights: PathBuf,
}

impl Artefact {
    /// The `component` of `spec` in `dir`.
    pub fn new(dir: &Path, spec: &Spec, component: Component) -> Self {
        let stem = format!("{}.{}", spec.name, component.name());
        Artefact { component, json: dir.join(format!("{stem}.json")), weights: dir.join(format!("{stem}.safetensors")) }
    }

    /// The `component` of `spec` trained on the features of the encoder `model_name`
    /// ([`crate::encoder::Encoder::model_name`]): in that encoder's folder of `dir`,
    /// `dir/<model_name>/`. The head, the probe and the summary scorer read encoder features, so each
    /// encoder has its own; the bag-of-words baseline reads none and stays in `dir` ([`Artefact::new`]).
    pub fn of_encoder(dir: &Path, spec: &Spec, component: Component, model_name: &str) -> Self {
        Self::new(&dir.join(model_name), spec, component)
    }

    /// The card-and-settings file (absent for the probe).
    pub fn json_path(&self) -> &Path {
        &self.json
    }

    /// The weights file.
    pub fn weights_path(&self) -> &Path {
        &self.weights
    }

    /// True when every file of the component is there.
    pub fn exists(&self) -> bool {
        self.weights.is_file() && (self.component == Component::Probe || self.json.is_file())
    }

    /// Reads the JSON file as `T`.
    pub fn read_json<T: DeserializeOwned>(&self) -> Result<T> {
        let text = std::fs::read_to_string(&self.json).map_err(|e| Error::io(&self.json, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Config { path: self.json.clone(), message: e.to_string() })
    }

    /// Reads only the card of the JSON file.
    pub fn read_card(&self) -> Result<ModelCard> {
        #[derive(Deserialize)]
        struct CardOnly {
            card: ModelCard,
        }
        Ok(self.read_json::<CardOnly>()?.card)
    }

    /// Reads the JSON file as `T` and checks that its `card` was trained for `spec`'s labels.
    pub fn read_checked<T: DeserializeOwned>(&self, spec: &Spec, card: impl FnOnce(&T) -> &ModelCard) -> Result<T> {
        let file: T = self.read_json()?;
        card(&file).check_labels(&spec.label_names(), &self.json)?;
        Ok(file)
    }

    /// Writes `value` as the JSON file (pretty with a final newline for the head, compact otherwise).
    pub fn write_json<T: Serialize>(&self, value: &T) -> Result<()> {
        let text = match self.component {
            Component::Head | Component::Summary => serde_json::to_string_pretty(value).map(|t| t + "\n"),
            Component::Baseline | Component::Probe => serde_json::to_string(value),
        }
        .map_err(|e| Error::Other(e.to_string()))?;
        create_parent(&self.json)?;
        std::fs::write(&self.json, text).map_err(|e| Error::io(&self.json, e))
    }

    /// Loads the weights.
    pub fn load_weights(&self) -> Result<LinearHead> {
        LinearHead::load_file(&self.weights, &Device::Cpu)
    }

    /// Saves the weights.
    pub fn save_weights(&self, head: &LinearHead) -> Result<()> {
        create_parent(&self.weights)?;
        head.save(&self.weights)
    }
}

/// Creates the folder `path` goes in (an encoder's folder the first time it is trained).
fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(folder) => std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_spec_and_component() {
        let spec = Spec::load(None).unwrap();
        let head = Artefact::new(Path::new("m"), &spec, Component::Head);
        assert_eq!(head.json_path(), Path::new("m").join(format!("{}.head.json", spec.name)));
        let probe = Artefact::new(Path::new("m"), &spec, Component::Probe);
        assert_eq!(probe.weights_path(), Path::new("m").join(format!("{}.probe.safetensors", spec.name)));
        assert!(!probe.exists());
        let mpnet = Artefact::of_encoder(Path::new("m"), &spec, Component::Head, "all-mpnet-base-v2");
        assert_eq!(mpnet.json_path(), Path::new("m/all-mpnet-base-v2").join(format!("{}.head.json", spec.name)));
    }
}
