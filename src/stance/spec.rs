//! Label specs (`models/stance/*.toml`): the labels, their descriptions, framing exemplars and the
//! cues that mark a reported claim. Everything label-specific lives in the spec, none in code.

use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The spec shipped with the binary: Afghanistan–Pakistan relations.
const BUILTIN: &str = include_str!("../../models/stance/afpak.toml");

/// One label of a spec.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelSpec {
    /// Label name as written in reports, e.g. `pro-Kabul`.
    pub name: String,
    /// What the label means, in a sentence.
    pub description: String,
    /// Sentences in the label's framing, written for the spec.
    pub exemplars: Vec<String>,
}

/// A complete label spec.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    /// Short name, used to find trained artefacts (`models/stance/<model>/<name>.head.*`).
    pub name: String,
    /// What the spec classifies.
    pub description: String,
    /// Name of the balanced/neutral label; all other labels are polar sides.
    pub neutral: String,
    /// Words and phrases that mark a sentence as attributed rather than the outlet's own voice.
    #[serde(default)]
    pub attribution_cues: Vec<String>,
    /// The labels, in a fixed order used by every classifier and report.
    #[serde(rename = "label")]
    pub labels: Vec<LabelSpec>,
}

impl Spec {
    /// The built-in Afghanistan–Pakistan spec.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN, Path::new("models/stance/afpak.toml"))
            .expect("the built-in spec is valid (checked by tests)")
    }

    /// The spec in `path`, or the built-in one when no path is given (`--spec` in every command).
    pub fn load(path: Option<&Path>) -> Result<Self> {
        path.map_or_else(|| Ok(Self::builtin()), Self::from_file)
    }

    /// Reads a spec from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses and validates spec TOML; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let bad = |message: String| Error::Config { path: PathBuf::from(origin), message };
        let spec: Spec = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if spec.labels.len() < 2 {
            return Err(bad("a spec needs at least two [[label]] entries".into()));
        }
        if !spec.labels.iter().any(|l| l.name == spec.neutral) {
            return Err(bad(format!("neutral = {:?} names no [[label]]", spec.neutral)));
        }
        if let Some(l) = spec.labels.iter().find(|l| l.exemplars.is_empty()) {
            return Err(bad(format!("label {:?} has no exemplars", l.name)));
        }
        Ok(spec)
    }

    /// Label names in spec order.
    pub fn label_names(&self) -> Vec<String> {
        self.labels.iter().map(|l| l.name.clone()).collect()
    }

    /// Index of the neutral label.
    pub fn neutral_index(&self) -> usize {
        self.labels.iter().position(|l| l.name == self.neutral).unwrap_or(0)
    }

    /// Indices of the polar labels (all but neutral).
    pub fn polar_indices(&self) -> Vec<usize> {
        let neutral = self.neutral_index();
        (0..self.labels.len()).filter(|&i| i != neutral).collect()
    }

    /// Index of a label by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.name.eq_ignore_ascii_case(name))
    }

    /// Index of the gold label `name` of `input`; a label the spec does not define is an error.
    pub fn gold_index(&self, name: &str, input: &str) -> Result<usize> {
        self.index_of(name).ok_or_else(|| Error::Input {
            input: input.to_string(),
            message: format!("label {name:?} is not in spec {}", self.name),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_spec_has_enough_exemplars() {
        let spec = Spec::builtin();
        assert_eq!(spec.label_names(), vec!["pro-Islamabad", "pro-Kabul", "neutral"]);
        assert_eq!(spec.neutral_index(), 2);
        assert_eq!(spec.polar_indices(), vec![0, 1]);
        for l in &spec.labels {
            let needed = if l.name == spec.neutral { 15 } else { 25 };
            assert!(l.exemplars.len() >= needed, "{} has {}", l.name, l.exemplars.len());
        }
    }

    #[test]
    fn an_unknown_gold_label_is_an_error_naming_the_input() {
        let spec = Spec::builtin();
        assert_eq!(spec.gold_index("PRO-KABUL", "a.txt").unwrap(), 1);
        let err = spec.gold_index("pro-Delhi", "a.txt").unwrap_err().to_string();
        assert!(err.starts_with("a.txt: ") && err.contains("pro-Delhi"), "{err}");
    }

    #[test]
    fn invalid_spec_names_the_problem() {
        let err = Spec::parse("name='x'\ndescription='d'\nneutral='n'\n[[label]]\nname='a'\ndescription='d'\nexemplars=['e']\n[[label]]\nname='b'\ndescription='d'\nexemplars=['e']\n", Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.toml") && err.contains("neutral"), "{err}");
    }
}
