//! Criterion benchmarks, one entry point fanning out to modules: tokenisation, encoding (batch ×
//! window length × precision), stance classification, summarisation, and the whole classify path.
//!
//! `cargo bench` runs them all in a few minutes on two cores; `cargo bench -- encode/` runs one
//! group. The thread count (in each bench name, `cpu-Nt`) is candle's: `RAYON_NUM_THREADS`, else
//! the physical cores; set both `RAYON_NUM_THREADS` and `CANDLE_NUM_THREADS` to change it.

mod benchmarks;

criterion::criterion_main!(
    benchmarks::tokenize::benches,
    benchmarks::encode::benches,
    benchmarks::classify::benches,
    benchmarks::summarize::benches,
    benchmarks::pipeline::benches,
);
