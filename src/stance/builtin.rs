//! The trained artefacts of the built-in spec, embedded in the binary when it is built, so an
//! installed or copied `stance` classifies exactly as it does in the repository. The loaders read
//! folders, so the embedded files are written once into a folder named by their digest under the
//! cache (`~/.cache/stance/artifacts/<digest>/`) and read from there.

use crate::hub::verify::hex;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The built-in spec's trained artefacts, as they were in `models/stance/` at build time: one head
/// (with its probe) and one summary scorer per encoder, in a folder named after it, and the
/// encoder-free baseline.
const FILES: &[(&str, &[u8])] = &[
    ("all-MiniLM-L6-v2/afpak.head.json", include_bytes!("../../models/stance/all-MiniLM-L6-v2/afpak.head.json")),
    (
        "all-MiniLM-L6-v2/afpak.head.safetensors",
        include_bytes!("../../models/stance/all-MiniLM-L6-v2/afpak.head.safetensors"),
    ),
    (
        "all-MiniLM-L6-v2/afpak.probe.safetensors",
        include_bytes!("../../models/stance/all-MiniLM-L6-v2/afpak.probe.safetensors"),
    ),
    ("all-mpnet-base-v2/afpak.head.json", include_bytes!("../../models/stance/all-mpnet-base-v2/afpak.head.json")),
    (
        "all-mpnet-base-v2/afpak.head.safetensors",
        include_bytes!("../../models/stance/all-mpnet-base-v2/afpak.head.safetensors"),
    ),
    (
        "all-mpnet-base-v2/afpak.probe.safetensors",
        include_bytes!("../../models/stance/all-mpnet-base-v2/afpak.probe.safetensors"),
    ),
    ("afpak.baseline.json", include_bytes!("../../models/stance/afpak.baseline.json")),
    ("afpak.baseline.safetensors", include_bytes!("../../models/stance/afpak.baseline.safetensors")),
    ("all-MiniLM-L6-v2/afpak.summary.json", include_bytes!("../../models/stance/all-MiniLM-L6-v2/afpak.summary.json")),
    (
        "all-MiniLM-L6-v2/afpak.summary.safetensors",
        include_bytes!("../../models/stance/all-MiniLM-L6-v2/afpak.summary.safetensors"),
    ),
    (
        "all-mpnet-base-v2/afpak.summary.json",
        include_bytes!("../../models/stance/all-mpnet-base-v2/afpak.summary.json"),
    ),
    (
        "all-mpnet-base-v2/afpak.summary.safetensors",
        include_bytes!("../../models/stance/all-mpnet-base-v2/afpak.summary.safetensors"),
    ),
];

/// Short digest of the embedded artefacts (names and contents), naming their folder.
pub fn digest() -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in FILES {
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hex(&hasher.finalize())[..16].to_string()
}

/// The folder holding the embedded artefacts under `cache_root`, written on first use (atomically:
/// a finished folder is renamed into place, so concurrent first runs never see half a folder).
pub fn materialize(cache_root: &Path) -> Result<PathBuf> {
    let dir = cache_root.join("artifacts").join(digest());
    if FILES.iter().all(|(name, bytes)| std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() == bytes.len() as u64))
    {
        return Ok(dir);
    }
    let parent = cache_root.join("artifacts");
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging =
        tempfile::Builder::new().prefix(".staging-").tempdir_in(&parent).map_err(|e| Error::io(&parent, e))?;
    for (name, bytes) in FILES {
        let path = staging.path().join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    let staged = staging.keep();
    if std::fs::rename(&staged, &dir).is_err() {
        // Another process put the same folder in place first; ours is not needed.
        let _ = std::fs::remove_dir_all(&staged);
        if !dir.is_dir() {
            return Err(Error::Other(format!("cannot write the built-in artefacts to {}", dir.display())));
        }
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_artefacts_are_written_once_and_match_the_repository() {
        let cache = tempfile::tempdir().unwrap();
        let dir = materialize(cache.path()).unwrap();
        assert_eq!(materialize(cache.path()).unwrap(), dir);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance");
        for (name, _) in FILES {
            assert_eq!(std::fs::read(dir.join(name)).unwrap(), std::fs::read(repo.join(name)).unwrap(), "{name}");
        }
        let leftovers = std::fs::read_dir(cache.path().join("artifacts")).unwrap().count();
        assert_eq!(leftovers, 1, "no staging folder left behind");
    }
}
