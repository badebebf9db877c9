//! sha256 verification of model files, with a stamp so a verified file is not re-hashed on every load.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Lowercase hex sha256 of a file's contents.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What we knew about a file when its digest last matched: if size and mtime are unchanged, it still does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime_ns: u128,
    sha256: String,
}

/// Remembers verified files in a small JSON file (one per model revision) beside the cache entry.
#[derive(Debug)]
pub struct Verifier {
    stamp_path: PathBuf,
    stamps: BTreeMap<String, Stamp>,
    dirty: bool,
}

impl Verifier {
    /// Opens (or starts) the stamp file at `stamp_path`; a damaged stamp file is simply ignored.
    pub fn open(stamp_path: PathBuf) -> Self {
        let stamps =
            std::fs::read_to_string(&stamp_path).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        Verifier { stamp_path, stamps, dirty: false }
    }

    /// True if `path` was verified against `expected` and has not changed since.
    pub fn is_stamped(&self, path: &Path, expected: &str) -> bool {
        match (self.stamps.get(&key(path)), file_identity(path)) {
            (Some(stamp), Some((size, mtime_ns))) => {
                stamp.sha256 == expected && stamp.size == size && stamp.mtime_ns == mtime_ns
            }
            _ => false,
        }
    }

    /// Checks `path` against `expected`, hashing only when the file changed since its last check.
    pub fn verify(&mut self, path: &Path, expected: &str) -> Result<()> {
        if self.is_stamped(path, expected) {
            return Ok(());
        }
        let found = sha256_file(path)?;
        if !found.eq_ignore_ascii_case(expected) {
            self.stamps.remove(&key(path));
            self.dirty = true;
            return Err(Error::Checksum { path: path.to_path_buf(), expected: expected.to_string(), found });
        }
        if let Some((size, mtime_ns)) = file_identity(path) {
            self.stamps.insert(key(path), Stamp { size, mtime_ns, sha256: found });
            self.dirty = true;
        }
        Ok(())
    }

    /// Writes the stamps back if anything changed; failure to write only costs a re-hash next time.
    pub fn save(&mut self) {
        if !self.dirty {
            return;
        }
        if let Ok(json) = serde_json::to_string_pretty(&self.stamps) {
            if let Some(parent) = self.stamp_path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if std::fs::write(&self.stamp_path, json).is_ok() {
                self.dirty = false;
            }
        }
    }
}

fn key(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn file_identity(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((meta.len(), mtime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn stamp_skips_rehash_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        let good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let mut v = Verifier::open(dir.path().join("stamps.json"));
        v.verify(&p, good).unwrap();
        v.save();
        let v2 = Verifier::open(dir.path().join("stamps.json"));
        assert!(v2.is_stamped(&p, good));
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(&p, b"abd").unwrap();
        assert!(!v2.is_stamped(&p, good));
        let mut v3 = Verifier::open(dir.path().join("stamps.json"));
        assert!(matches!(v3.verify(&p, good), Err(Error::Checksum { .. })));
    }
}
