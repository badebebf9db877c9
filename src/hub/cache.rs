//! The Hugging Face cache layout: `models--ORG--NAME/{refs/REV, snapshots/SHA/FILE, blobs/DIGEST}`.

use super::registry::ModelSpec;
use super::verify::{hex, Verifier};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where the hub cache lives: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HF_HUB_CACHE").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(home) = std::env::var_os("HF_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join("hub");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("huggingface").join("hub")
}

/// One model revision's entry in the cache.
#[derive(Debug, Clone)]
pub struct HubCache {
    repo_dir: PathBuf,
    revision: String,
}

impl HubCache {
    /// The cache entry for `spec` under the cache root `root`.
    pub fn new(root: &Path, spec: &ModelSpec) -> Self {
        let folder = format!("models--{}", spec.id.replace('/', "--"));
        HubCache { repo_dir: root.join(folder), revision: spec.revision.clone() }
    }

    /// `models--ORG--NAME` folder.
    pub fn repo_dir(&self) -> &Path {
        &self.repo_dir
    }

    /// `snapshots/REV`, where the files of the pinned revision appear.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.repo_dir.join("snapshots").join(&self.revision)
    }

    /// A verifier whose stamps live beside the cache entry.
    pub fn verifier(&self) -> Verifier {
        Verifier::open(self.repo_dir.join(format!(".stance-verified-{}.json", self.revision)))
    }

    /// Returns the snapshot folder if every file of `spec` is present and matches its sha256.
    /// `Ok(None)` means something is missing; a present file with a wrong digest is an error.
    pub fn lookup(&self, spec: &ModelSpec) -> Result<Option<PathBuf>> {
        let snapshot = self.snapshot_dir();
        if spec.files.iter().any(|f| !snapshot.join(&f.name).is_file()) {
            return Ok(None);
        }
        let mut verifier = self.verifier();
        let outcome = spec.files.iter().try_for_each(|f| verifier.verify(&snapshot.join(&f.name), &f.sha256));
        verifier.save();
        outcome.map(|()| Some(snapshot))
    }

    /// Removes a damaged snapshot file and the blob it points to, so it can be fetched again.
    pub fn discard(&self, pointer: &Path) -> Result<()> {
        let root = std::fs::canonicalize(&self.repo_dir).unwrap_or_else(|_| self.repo_dir.clone());
        if let Ok(target) = std::fs::canonicalize(pointer) {
            if target != pointer && target.starts_with(&root) {
                std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
            }
        }
        std::fs::remove_file(pointer).map_err(|e| Error::io(pointer, e))
    }

    /// Takes an exclusive lock on this cache entry (released when the file is dropped).
    pub fn lock(&self) -> Result<std::fs::File> {
        std::fs::create_dir_all(&self.repo_dir).map_err(|e| Error::io(&self.repo_dir, e))?;
        let path = self.repo_dir.join(".stance.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(file)
    }

    /// Streams `reader` into `blobs/SHA256`, hashing as it goes, and points `snapshots/REV/NAME`
    /// at it, replacing what was there. A digest other than `sha256` is a
    /// [`Error::Checksum`] naming `origin`, and nothing reaches the cache.
    pub fn install_verified(&self, name: &str, sha256: &str, reader: &mut dyn Read, origin: &str) -> Result<()> {
        let blobs = self.repo_dir.join("blobs");
        let snapshot = self.snapshot_dir();
        let pointer = snapshot.join(name);
        let folder = pointer.parent().unwrap_or(&snapshot).to_path_buf();
        for dir in [&blobs, &folder] {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let digest = sha256.to_ascii_lowercase();
        let blob = blobs.join(&digest);
        let partial = blobs.join(format!("{digest}.partial"));
        let found = (|| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 1 << 20];
            loop {
                let n = reader.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
                out.write_all(&buffer[..n])?;
            }
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(hex(&hasher.finalize()))
        })()
        .map_err(|e: std::io::Error| Error::io(&partial, e));
        let found = match found {
            Ok(found) if found == digest => found,
            other => {
                let _ = std::fs::remove_file(&partial);
                return Err(match other {
                    Ok(found) => Error::Checksum { path: PathBuf::from(origin), expected: digest, found },
                    Err(e) => e,
                });
            }
        };
        std::fs::rename(&partial, &blob).map_err(|e| Error::io(&blob, e))?;
        if pointer.symlink_metadata().is_ok() {
            std::fs::remove_file(&pointer).map_err(|e| Error::io(&pointer, e))?;
        }
        let up = "../".repeat(name.matches('/').count() + 2);
        link_or_copy(&blob, &pointer, &format!("{up}blobs/{found}"))
    }

    /// Writes `refs/REV` (and `refs/main` if absent) so hf-hub's own cache lookup finds the snapshot.
    pub fn write_refs(&self) -> Result<()> {
        let refs = self.repo_dir.join("refs");
        std::fs::create_dir_all(&refs).map_err(|e| Error::io(&refs, e))?;
        let own = refs.join(&self.revision);
        std::fs::write(&own, &self.revision).map_err(|e| Error::io(&own, e))?;
        let main = refs.join("main");
        if !main.exists() {
            std::fs::write(&main, &self.revision).map_err(|e| Error::io(&main, e))?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn link_or_copy(blob: &Path, pointer: &Path, relative: &str) -> Result<()> {
    std::os::unix::fs::symlink(relative, pointer)
        .or_else(|_| std::fs::copy(blob, pointer).map(|_| ()))
        .map_err(|e| Error::io(pointer, e))
}

#[cfg(not(unix))]
fn link_or_copy(blob: &Path, pointer: &Path, _relative: &str) -> Result<()> {
    std::fs::copy(blob, pointer).map(|_| ()).map_err(|e| Error::io(pointer, e))
}
