//! Integration tests: the real model (fetched on first use through the normal resolution) and the
//! real `stance` binary on real files.

mod util;

mod classify;
mod compare;
mod encoder;
mod hub;
mod report;
mod robustness;
mod scale;
mod summaries;
mod train_summarizer;
