//! An on-disk embedding cache around any [`Encoder`], keyed by encoder id (model and revision) and
//! the text's sha256, so training and evaluation runs never embed the same text twice.

use super::{Embedding, Encoder};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where caches live: `$STANCE_CACHE_DIR`, else `~/.cache/stance`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STANCE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("stance")
}

type Key = [u8; 32];

/// Wraps an encoder; hits are served from memory, misses are encoded together and appended to disk.
/// File format: records of `key (32 bytes) | windows u32 | tokens u32 | dim × f32`, little-endian.
pub struct CachedEncoder<'a> {
    inner: &'a dyn Encoder,
    path: PathBuf,
    entries: Mutex<HashMap<Key, Embedding>>,
}

impl<'a> CachedEncoder<'a> {
    /// Opens (or starts) the cache file for `inner` under `dir`; a truncated tail is ignored.
    pub fn open(inner: &'a dyn Encoder, dir: &Path) -> Result<Self> {
        let name: String = inner
            .id()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '@' || c == '.' { c } else { '_' })
            .collect();
        let path = dir.join("embeddings").join(format!("{name}.bin"));
        let mut entries = HashMap::new();
        if let Ok(mut file) = std::fs::File::open(&path) {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(|e| Error::io(&path, e))?;
            let record = 32 + 8 + 4 * inner.dim();
            for chunk in bytes.chunks_exact(record) {
                let key: Key = chunk[..32].try_into().unwrap_or([0; 32]);
                let word = |i: usize| u32::from_le_bytes([chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]]);
                let vector =
                    chunk[40..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
                entries.insert(key, Embedding { vector, windows: word(32) as usize, tokens: word(36) as usize });
            }
        }
        Ok(CachedEncoder { inner, path, entries: Mutex::new(entries) })
    }

    fn append(&self, new: &[(Key, &Embedding)]) -> Result<()> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut bytes = Vec::new();
        for (key, e) in new {
            bytes.extend_from_slice(key);
            bytes.extend_from_slice(&(e.windows as u32).to_le_bytes());
            bytes.extend_from_slice(&(e.tokens as u32).to_le_bytes());
            e.vector.iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io(&self.path, e))?;
        file.write_all(&bytes).map_err(|e| Error::io(&self.path, e))
    }
}

impl Encoder for CachedEncoder<'_> {
    fn id(&self) -> String {
        self.inner.id()
    }

    fn model_name(&self) -> String {
        self.inner.model_name()
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        self.inner.tokenize(texts)
    }

    fn windows(&self, content: &[u32]) -> Vec<Vec<u32>> {
        self.inner.windows(content)
    }

    /// Windows are not cached: only whole texts are.
    fn encode_windows(&self, windows: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        self.inner.encode_windows(windows)
    }

    fn encode(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        let keys: Vec<Key> = texts.iter().map(|t| Sha256::digest(t.as_bytes()).into()).collect();
        let mut entries = self.entries.lock().map_err(|_| Error::Other("embedding cache lock poisoned".into()))?;
        let mut seen = std::collections::HashSet::new();
        let missing: Vec<usize> =
            (0..texts.len()).filter(|&i| !entries.contains_key(&keys[i]) && seen.insert(keys[i])).collect();
        if !missing.is_empty() {
            let fresh = self.inner.encode(&missing.iter().map(|&i| texts[i]).collect::<Vec<_>>())?;
            let new: Vec<(Key, &Embedding)> = missing.iter().map(|&i| keys[i]).zip(&fresh).collect();
            // A cache that cannot be written only costs time; the embeddings are still returned.
            if let Err(e) = self.append(&new) {
                tracing::warn!("embedding cache not written: {e}");
            }
            for (key, e) in missing.iter().map(|&i| keys[i]).zip(fresh) {
                entries.insert(key, e);
            }
        }
        Ok(keys.iter().map(|k| entries[k].clone()).collect())
    }
}
