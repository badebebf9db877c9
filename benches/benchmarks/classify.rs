//! Stance classification of the sample articles, their vectors already computed (articles/s),
//! for every benchmarked system.

use super::{config, fixture};
use criterion::{criterion_group, Criterion, Throughput};
use stance::bench::{run::classify_parts, SYSTEMS};
use stance::encoder::articles::ArticleVectors;
use stance::encoder::Encoder;
use stance::stance::Article;
use std::hint::black_box;

fn classify(c: &mut Criterion) {
    let f = fixture();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(f.docs.len() as u64));
    for &kind in SYSTEMS {
        let encoder = kind.needs_encoder().then_some(&f.encoder as &dyn Encoder);
        let (classifier, _) = classify_parts(kind, encoder).expect("the system builds");
        let none = ArticleVectors::default();
        let articles: Vec<Article<'_>> = f
            .docs
            .iter()
            .zip(&f.vectors)
            .map(|(doc, v)| Article::new(doc, if encoder.is_some() { v } else { &none }))
            .collect();
        group.bench_function(kind.name(), |b| {
            b.iter(|| {
                articles.iter().map(|a| classifier.classify(black_box(a)).expect("classifies")).collect::<Vec<_>>()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = classify
}
