//! Library errors. Each variant names the thing that failed and, where it helps, what to do about it.

use std::path::PathBuf;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model could not be found, fetched or verified.
    #[error("model {model}: {message}")]
    Model {
        /// Model id, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
        model: String,
        /// What was tried and what the user can do.
        message: String,
    },
    /// A file's sha256 did not match the registry; the file is never used.
    #[error("{path}: sha256 mismatch (expected {expected}, found {found}); the file was not used; delete it, or run `stance models fetch` with network access to replace it")]
    Checksum {
        /// The file that failed verification.
        path: PathBuf,
        /// Digest from the registry.
        expected: String,
        /// Digest of the file on disk.
        found: String,
    },
    /// An input article could not be read or parsed.
    #[error("{input}: {message}")]
    Input {
        /// Path (or `<stdin>`, or `path:line`) naming the input.
        input: String,
        /// What was wrong with it.
        message: String,
    },
    /// A configuration file (registry, label spec, head card) is invalid.
    #[error("{path}: {message}")]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Tensor computation failed inside candle.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// An I/O error with the path it concerns.
    #[error("{path}: {source}")]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An HTML page could not be rendered from its template.
    #[error("HTML template: {0:#}")]
    Template(#[from] minijinja::Error),
    /// Anything else, described in words.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The message of a caught panic (`panic!` payloads are a `&str` or a `String`), for the error
/// record of the one article it happened on.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
