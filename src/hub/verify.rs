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

/// What we knew about a file when its digest last matched: if it is still the same file (inode)
/// with the same size, mtime and ctime, it still does. A write in place changes the ctime even when
/// a tool restores the mtime, and no user tool can set the ctime back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    identity: Identity,
    sha256: String,
}

/// The file facts a stamp is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Identity {
    size: u64,
    mtime_ns: u128,
    ctime_ns: i128,
    inode: u64,
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
            (Some(stamp), Some(identity)) => stamp.sha256 == expected && stamp.identity == identity,
            _ => false,
        }
    }

    /// Checks `path` against `expected`, hashing only when the file changed since its last check.
    pub fn verify(&mut self, path: &Path, expected: &str) -> Result<()> {
        if self.is_stamped(path, expected) {
            return Ok(());
        }
        self.rehash(path, expected)
    }

    /// Hashes `path` whatever its stamp says (`stance models verify`), and records the outcome.
    pub fn rehash(&mut self, path: &Path, expected: &str) -> Result<()> {
        let found = sha256_file(path)?;
        if !found.eq_ignore_ascii_case(expected) {
            self.stamps.remove(&key(path));
            self.dirty = true;
            return Err(Error::Checksum { path: path.to_path_buf(), expected: expected.to_string(), found });
        }
        if let Some(identity) = file_identity(path) {
            self.stamps.insert(key(path), Stamp { identity, sha256: found });
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

fn file_identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let mtime_ns = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    let ctime_ns = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
    Some(Identity { size: meta.len(), mtime_ns, ctime_ns, inode: meta.ino() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), ABC);
    }

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /// A file holding `abc`, verified and stamped in `dir/stamps.json`.
    fn stamped_file(dir: &Path) -> PathBuf {
        let p = dir.join("abc");
        std::fs::write(&p, b"abc").unwrap();
        let mut v = Verifier::open(dir.join("stamps.json"));
        v.verify(&p, ABC).unwrap();
        v.save();
        p
    }

    #[test]
    fn stamp_skips_rehash_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let p = stamped_file(dir.path());
        let good = ABC;
        let v2 = Verifier::open(dir.path().join("stamps.json"));
        assert!(v2.is_stamped(&p, good));
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(&p, b"abd").unwrap();
        assert!(!v2.is_stamped(&p, good));
        let mut v3 = Verifier::open(dir.path().join("stamps.json"));
        assert!(matches!(v3.verify(&p, good), Err(Error::Checksum { .. })));
    }

    #[test]
    fn damage_in_place_with_the_mtime_restored_is_caught() {
        // Regression (issue 17): bit rot, or a tool that keeps the mtime, must not pass as verified.
        let dir = tempfile::tempdir().unwrap();
        let p = stamped_file(dir.path());
        let good = ABC;
        let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let file = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        std::io::Write::write_all(&mut &file, b"abd").unwrap();
        file.set_modified(mtime).unwrap();
        drop(file);
        assert_eq!(std::fs::metadata(&p).unwrap().modified().unwrap(), mtime);
        let mut again = Verifier::open(dir.path().join("stamps.json"));
        assert!(!again.is_stamped(&p, good));
        assert!(matches!(again.verify(&p, good), Err(Error::Checksum { .. })));
    }
}
