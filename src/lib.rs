//! `stance`: stance classification and extractive summaries of news about Afghanistan–Pakistan relations.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! document  (load files/dirs/JSONL/stdin, clean clutter, sentences with byte offsets)
//!   → encoder  (tokenizer + candle BERT or MPNet, picked by encoder::load → pooled, normalised f32 rows; tensors stay inside)
//!   → stance   (label spec, zero-shot exemplar classifier, trained head, bag-of-words baseline)
//!   → summarize (embedding-centrality extractive summary, lead-k baseline)
//!   → report   (one `Report` value rendered as table, JSONL, JSON, CSV or one self-contained HTML page)
//! ```
//!
//! `hub` finds and verifies model files (local dir → HF cache → hub → PyPI mirror); `eval` holds the
//! metrics behind `stance compare`; `pipeline` ties the stages together for one article at a time.
#![deny(missing_docs)]

pub mod bench;
pub mod document;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod hub;
pub mod numeric;
pub mod pipeline;
pub mod report;
pub mod stance;
pub mod summarize;

pub use error::{Error, Result};
