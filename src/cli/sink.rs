//! Where a report goes: stdout, or a file written atomically (a temporary file beside it, renamed
//! into place when complete and removed if the run is interrupted), or (`classify --resume`) a file
//! appended to batch by batch.

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where the report goes: stdout, a temporary file renamed onto `--output` when complete, or
/// (`--resume`) the output file itself, appended to.
pub enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File { temp: tempfile::NamedTempFile, path: PathBuf },
    Append(std::io::BufWriter<std::fs::File>),
}

/// The temporary report file in progress, removed if the run is interrupted (Ctrl-C, SIGTERM).
static IN_PROGRESS: Mutex<Option<PathBuf>> = Mutex::new(None);

impl Sink {
    /// Opens stdout, or a temporary file beside `path`.
    pub fn open(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())));
        };
        if path.is_dir() {
            anyhow::bail!("{}: is a folder; --output takes the path of a file to write", path.display());
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        // Created with mode 0666 less the umask, like any file a shell redirection makes.
        let temp = tempfile::Builder::new()
            .prefix(".stance-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file beside it", path.display()))?;
        remove_on_interrupt(temp.path());
        Ok(Sink::File { temp, path: path.to_path_buf() })
    }

    /// Opens `path` to resume: keeps its complete JSON lines, cuts off a line torn by a crash, and
    /// returns the ids already done with a sink appending after them.
    pub fn resume(path: &Path) -> Result<(Self, HashSet<String>)> {
        if path.is_dir() {
            anyhow::bail!("{}: is a folder; --output takes the path of a file to write", path.display());
        }
        let existing = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read it to resume", path.display())),
        };
        let mut done = HashSet::new();
        let mut kept = 0;
        for line in existing.split_inclusive(|&b| b == b'\n') {
            let complete = line.ends_with(b"\n");
            let id = serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string));
            match id {
                Some(id) if complete => {
                    done.insert(id);
                    kept += line.len();
                }
                _ => break,
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("{}: cannot open it to append", path.display()))?;
        if kept < existing.len() {
            tracing::warn!(
                "{}: dropping {} bytes after the last complete record",
                path.display(),
                existing.len() - kept
            );
            file.set_len(kept as u64).with_context(|| format!("{}: cannot repair its torn end", path.display()))?;
        }
        Ok((Sink::Append(std::io::BufWriter::new(file)), done))
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { temp, .. } => temp.as_file_mut(),
            Sink::Append(w) => w,
        }
    }

    /// Flushes stdout, or moves the finished file into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => Ok(w.flush()?),
            Sink::Append(mut w) => Ok(w.flush()?),
            Sink::File { temp, path } => {
                temp.persist(&path)
                    .with_context(|| format!("{}: cannot move the finished report into place", path.display()))?;
                *IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Ok(())
            }
        }
    }
}

/// Registers `temp` for removal if the process is interrupted before the report is complete.
fn remove_on_interrupt(temp: &Path) {
    *IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = Some(temp.to_path_buf());
    let installed = ctrlc::set_handler(|| {
        if let Some(temp) = IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = std::fs::remove_file(temp);
        }
        std::process::exit(130);
    });
    if let Err(e) = installed {
        tracing::warn!("cannot watch for Ctrl-C ({e}); an interrupted run may leave {} behind", temp.display());
    }
}
