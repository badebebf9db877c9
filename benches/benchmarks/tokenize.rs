//! Tokenisation of the sample articles' sentences (tokens/s).

use super::{config, fixture};
use criterion::{criterion_group, Criterion, Throughput};
use std::hint::black_box;

fn tokenize(c: &mut Criterion) {
    let f = fixture();
    let sentences: Vec<&str> = f.docs.iter().flat_map(|d| d.sentences.iter().map(|s| s.text.as_str())).collect();
    let tokens: usize = f.encoder.tokenize(&sentences).expect("the samples tokenise").iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("tokenize");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("samples-sentences", |b| {
        b.iter(|| f.encoder.tokenize(black_box(&sentences)).expect("tokenises"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = tokenize
}
