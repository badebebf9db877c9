//! The encoder on ready-made windows of real text: batch 1/8/32 × 32/128/256 tokens, for every
//! precision (tokens/s; one encoder call per iteration, split into passes by the model's token budget).

use super::{config, device, fixture};
use clap::ValueEnum;
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};
use stance::bench::precision_name;
use stance::encoder::{self, Encoder, EncoderOptions, Precision};
use std::hint::black_box;

const BATCHES: [usize; 3] = [1, 8, 32];
const LENGTHS: [usize; 3] = [32, 128, 256];

fn encode(c: &mut Criterion) {
    let f = fixture();
    for &precision in Precision::value_variants() {
        let encoder = encoder::load(&f.files, EncoderOptions { precision, ..EncoderOptions::default() })
            .expect("the model loads");
        let mut group = c.benchmark_group(format!("encode/{}/{}", device(), precision_name(precision)));
        group.sampling_mode(SamplingMode::Flat);
        for len in LENGTHS {
            for batch in BATCHES {
                let windows = f.source.chunks(&encoder, len, batch).expect("windows of this length fit the model");
                group.throughput(Throughput::Elements((len * batch) as u64));
                group.bench_with_input(BenchmarkId::new(format!("b{batch}"), format!("{len}tok")), &windows, |b, w| {
                    b.iter(|| encoder.encode_windows(black_box(w)).expect("encodes"))
                });
            }
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = encode
}
