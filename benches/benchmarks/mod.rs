//! Shared fixture and settings for the benchmark modules.

pub mod classify;
pub mod encode;
pub mod pipeline;
pub mod summarize;
pub mod tokenize;

use criterion::Criterion;
use stance::bench::run::load_documents;
use stance::bench::TokenSource;
use stance::document::Document;
use stance::encoder::articles::{embed_articles, ArticleVectors};
use stance::encoder::{self, Encoder, EncoderOptions};
use stance::hub::{resolve_model, ModelFiles, Resolver};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// Everything the benches share, loaded once per process.
pub struct Fixture {
    /// The files of the model `STANCE_MODEL` names, else of the default model.
    pub files: ModelFiles,
    /// The f32 encoder with the `classify` defaults.
    pub encoder: Box<dyn Encoder>,
    /// The articles of `data/samples`.
    pub docs: Vec<Document>,
    /// Their encoder vectors.
    pub vectors: Vec<ArticleVectors>,
    /// Token ids of `data/corpus`, for windows of exact lengths.
    pub source: TokenSource,
}

/// The shared fixture.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // `STANCE_MODEL=all-MiniLM-L6-v2 cargo bench` measures the fast encoder, as the CLI would run it.
        let model = std::env::var("STANCE_MODEL").ok().filter(|m| !m.is_empty());
        let files = resolve_model(model.as_deref(), &Resolver::from_env())
            .expect("the model resolves (cache, hub or PyPI mirror)");
        let encoder = encoder::load(&files, EncoderOptions::default()).expect("the model loads");
        let (docs, _) = load_documents(&samples()).expect("data/samples has articles");
        let refs: Vec<&Document> = docs.iter().collect();
        let vectors = embed_articles(&encoder, &refs).expect("the samples embed");
        let (corpus, _) = load_documents(&repo("data/corpus")).expect("data/corpus has articles");
        let source = TokenSource::new(&encoder, &corpus).expect("data/corpus tokenises");
        Fixture { files, encoder, docs, vectors, source }
    })
}

/// A path in the repository.
pub fn repo(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The sample articles: the classify path's workload.
pub fn samples() -> PathBuf {
    repo("data/samples")
}

/// Device part of bench names: `cpu-Nt`, N being the threads candle's matmuls use.
pub fn device() -> String {
    format!("cpu-{}t", candle_core::utils::get_num_threads())
}

/// Small samples and short measurements, so a full `cargo bench` takes minutes on two cores.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}
