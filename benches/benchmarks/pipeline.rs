//! The whole classify path on `data/samples` — load, clean, split, encode, classify, summarise —
//! as `stance classify` runs it (articles/s), for every benchmarked system.

use super::{config, device, fixture, samples};
use criterion::{criterion_group, Criterion, SamplingMode, Throughput};
use stance::bench::run::{classify_folder, classify_parts};
use stance::bench::SYSTEMS;
use stance::encoder::Encoder;
use stance::pipeline::Pipeline;
use stance::summarize::SummaryOptions;

fn pipeline(c: &mut Criterion) {
    let f = fixture();
    let dir = samples();
    let mut group = c.benchmark_group(format!("classify-path/{}", device()));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(f.docs.len() as u64));
    for &kind in SYSTEMS {
        let encoder = kind.needs_encoder().then_some(&f.encoder as &dyn Encoder);
        let (classifier, summarizer) = classify_parts(kind, encoder).expect("the system builds");
        let pipeline = Pipeline {
            encoder,
            classifier: classifier.as_ref(),
            summarizer: summarizer.as_ref(),
            summary: SummaryOptions::default(),
        };
        group.bench_function(kind.name(), |b| {
            b.iter(|| classify_folder(&pipeline, &dir, 16).expect("the samples classify"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = pipeline
}
