//! Articles: loading from files, folders, JSONL and stdin; cleaning web clutter; sentences with offsets.
//!
//! Stages, in order: [`load`] finds inputs and decodes them into raw text → [`clean`] turns HTML into
//! text and drops page clutter (line by line, and [`navigation`] runs of menu items) → [`sentences`] splits the cleaned body into sentences with byte offsets.

pub mod clean;
pub mod dateline;
pub mod load;
pub mod navigation;
pub mod sentences;

#[cfg(test)]
mod proptests;

pub use load::{articles, document_from_text, Articles};
pub use sentences::split_sentences;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;

/// A sentence of an article's cleaned body, with its byte span in [`Document::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// The sentence text, exactly `&document.text[start..end]`.
    pub text: String,
    /// Byte offset of the first byte in the cleaned text.
    pub start: usize,
    /// Byte offset one past the last byte in the cleaned text.
    pub end: usize,
}

/// One article, cleaned and split, ready for the encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Identifier: file stem, or the `id` field of a JSONL/JSON record.
    pub id: String,
    /// Where it came from, as given by the user (`<stdin>` for standard input); `path:line` for JSONL.
    pub path: String,
    /// Title (first non-empty line of a text file, or the record's `title`), if any.
    pub title: Option<String>,
    /// The cleaned body, without the title and without clutter.
    pub text: String,
    /// Sentences of `text`, in order.
    pub sentences: Vec<Sentence>,
}

impl Document {
    /// Words in the cleaned body, the length readers and limits go by: whitespace-separated words,
    /// except that in scripts written without spaces (Chinese, Japanese) each character counts as one.
    pub fn word_count(&self) -> usize {
        self.text
            .split_whitespace()
            .map(|word| match word.chars().filter(|&c| is_unspaced_script(c)).count() {
                0 => 1,
                n => n + usize::from(word.chars().any(|c| c.is_alphanumeric() && !is_unspaced_script(c))),
            })
            .sum()
    }
}

/// Han ideographs and Japanese kana: scripts whose words are not separated by spaces.
fn is_unspaced_script(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// One input that could not be loaded, with the `id` and `path` an error record needs.
#[derive(Debug)]
pub struct LoadError {
    /// Best available identifier: the record's `id`, else `<stem>-<line>`, else the file stem.
    pub id: String,
    /// The input as found (`<stdin>`, `file.jsonl:LINE`, `file.json#N`).
    pub path: String,
    /// What went wrong, as an [`Error::Input`] naming `path` (boxed to keep results small).
    pub error: Box<Error>,
}

impl LoadError {
    pub(crate) fn new(id: String, path: &str, message: impl Into<String>) -> Self {
        let error = Error::Input { input: path.to_string(), message: message.into() };
        LoadError { id, path: path.to_string(), error: Box::new(error) }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        *e.error
    }
}

/// Identifier for an input path: its file stem (`stdin` for `-` or `<stdin>`), so callers can name
/// error records for inputs that never became documents.
pub fn input_id(path: &str) -> String {
    if path == "-" || path == "<stdin>" {
        return "stdin".to_string();
    }
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document { id: "t".into(), path: "t".into(), title: None, text: text.into(), sentences: Vec::new() }
    }

    #[test]
    fn words_are_counted_in_any_script() {
        assert_eq!(doc("Pakistan closed Torkham.").word_count(), 3);
        assert_eq!(doc("巴基斯坦关闭了边境。").word_count(), 9);
        assert_eq!(doc("Xinhua: 巴基斯坦 said").word_count(), 6);
        assert_eq!(doc("د پاکستان او افغانستان").word_count(), 4);
    }
}
