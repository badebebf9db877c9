//! Where a report goes: stdout, or a file written atomically (a temporary file beside it, renamed
//! into place when complete and removed if the run is interrupted).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where the report goes: stdout, or a temporary file renamed onto `--output` when complete.
pub enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File { temp: tempfile::NamedTempFile, path: PathBuf },
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

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { temp, .. } => temp.as_file_mut(),
        }
    }

    /// Flushes stdout, or moves the finished file into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => Ok(w.flush()?),
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
