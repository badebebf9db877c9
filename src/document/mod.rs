//! Articles: loading from files, folders, JSONL and stdin; cleaning web clutter; sentences with offsets.
//!
//! Stages, in order: [`load`] finds inputs and decodes them into raw text → [`clean`] turns HTML into
//! text and drops page clutter → [`sentences`] splits the cleaned body into sentences with byte offsets.

pub mod clean;
pub mod load;
pub mod sentences;

pub use load::{articles, document_from_text, input_id, Articles, LoadError};
pub use sentences::split_sentences;

use serde::{Deserialize, Serialize};

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
