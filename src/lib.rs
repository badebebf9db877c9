//! `stance`: stance classification and extractive summaries of news about Afghanistan–Pakistan relations.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! document  (load files/dirs/JSONL/stdin, clean clutter, sentences with byte offsets)
//!   → encoder  (tokenizer + candle BERT or MPNet, picked by encoder::load → pooled, normalised f32 rows; tensors stay inside)
//!   → stance   (label spec, zero-shot exemplar classifier, trained head, bag-of-words baseline, training, artefacts)
//!   → summarize (embedding-centrality extractive summary, lead-k baseline)
//!   → report   (one `Report` value rendered as table, JSONL, JSON, CSV or one self-contained HTML page)
//! ```
//!
//! Modules sit on floors and use only what is below them, never above:
//!
//! ```text
//! eval, bench, report   compare's metrics, stance bench, every renderer      (use the pipeline like any caller)
//! pipeline              one batch of articles through encoder, stance and summary
//! stance, summarize     classifiers and their training; summarizers
//! encoder               the Encoder trait and encoder::load, the one place that names an architecture
//! document, hub         articles in; model files found and verified
//! numeric               vectors, seeded RNG, confusion + macro-F1, cross-validation folds
//! ```
//!
//! The `stance` binary's commands sit on top of all of them.
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
