//! Summarisation of the sample articles, their vectors already computed (articles/s).

use super::{config, fixture};
use criterion::{criterion_group, Criterion, Throughput};
use stance::stance::systems::artifacts_dir;
use stance::stance::Article;
use stance::stance::Spec;
use stance::summarize::learned::default_summarizer;
use stance::summarize::{CentralitySummarizer, LeadSummarizer, Summarizer, SummaryOptions};
use std::hint::black_box;

fn summarize(c: &mut Criterion) {
    let f = fixture();
    let articles: Vec<Article<'_>> = f.docs.iter().zip(&f.vectors).map(|(doc, v)| Article::new(doc, v)).collect();
    let options = SummaryOptions::default();
    let mut group = c.benchmark_group("summarize");
    group.throughput(Throughput::Elements(articles.len() as u64));
    let dir = artifacts_dir(None, None).expect("built-in artefacts");
    let learned = default_summarizer(&dir, &Spec::builtin(), &f.encoder.model_name()).expect("summarizer");
    let systems: [&dyn Summarizer; 3] = [learned.as_ref(), &CentralitySummarizer::default(), &LeadSummarizer];
    for summarizer in systems {
        group.bench_function(summarizer.name(), |b| {
            b.iter(|| articles.iter().map(|a| summarizer.summarize(black_box(a), &options, &[])).collect::<Vec<_>>())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = summarize
}
