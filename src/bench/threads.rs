//! Thread control: how `stance bench` gets an exact thread count for each configuration.
//!
//! Three settings decide how many threads the CPU encoder uses; only the first is the rayon pool:
//!
//! - **The current rayon pool** (`pool.install(..)`): the encoder's own kernels in
//!   `encoder::ops` and `encoder::int8` (they ask `rayon::current_num_threads()` and pass it to
//!   `gemm` as `Parallelism::Rayon(n)`, or use `par_chunks`), candle-nn's fused layer norm, and
//!   the tokenizer's batch encoding.
//! - **`candle_core::utils::get_num_threads()`**, read from `RAYON_NUM_THREADS`, else the
//!   physical cores, and *not* from the current pool: the number of jobs candle's own
//!   `Tensor::matmul` cuts a product into. The jobs run on the current pool (so never on more
//!   threads than it has), but a 1-thread pool still gets a 2-way split on a 2-core machine.
//! - **candle's `barrier_pool()`** (threads `candle-bp-N`): created once per process, at first
//!   use, with `CANDLE_NUM_THREADS` (else `RAYON_NUM_THREADS`, else the physical cores) threads;
//!   it ignores `pool.install` and is never resized. Every candle elementwise op on ≥ 64 Ki
//!   elements runs there (the embedding sums here; with candle-transformers' BERT also GELU, the
//!   generic softmax and the residual adds), and so do candle's quantized matmuls.
//!
//! So a rayon pool per thread count in one process is exact only for code that asks rayon. To be
//! exact whatever the encoder does, `stance bench` measures each configuration in a fresh child
//! process of itself ([`run_isolated`]) started with `RAYON_NUM_THREADS` and `CANDLE_NUM_THREADS`
//! set to the thread count ([`THREAD_ENV`]); the child also runs inside an `n`-thread pool
//! ([`pool`]), checks all three settings ([`thread_notes`], reported as notes), and counts the
//! threads that really worked (`busy_threads`). One invocation still runs every configuration
//! and prints one report; each child has its own peak RSS, and none inherits another's memory.

use super::report::{Host, Report, SCHEMA};
use super::{precision_name, Config};
use crate::{Error, Result};
use std::process::{Command, Stdio};

/// Environment variables that fix candle's thread counts; set to `n` for an `n`-thread child.
pub const THREAD_ENV: [&str; 2] = ["RAYON_NUM_THREADS", "CANDLE_NUM_THREADS"];

/// A rayon pool of exactly `threads` threads.
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("stance-bench-{i}"))
        .build()
        .map_err(|e| Error::Other(format!("cannot start {threads} threads: {e}")))
}

/// What differs from `threads` in candle's own settings in this process (empty when exact).
/// Call it inside the pool the work runs in.
pub fn thread_notes(threads: usize) -> Vec<String> {
    let mut notes = Vec::new();
    let rayon = rayon::current_num_threads();
    if rayon != threads {
        notes.push(format!("threads={threads}: the rayon pool has {rayon} threads"));
    }
    let jobs = candle_core::utils::get_num_threads();
    if jobs != threads {
        notes.push(format!(
            "threads={threads}: candle cuts each matmul into {jobs} jobs (RAYON_NUM_THREADS or the physical cores), not {threads}"
        ));
    }
    let barrier = candle_core::utils::barrier_pool().n_workers() + 1;
    if barrier != threads {
        notes.push(format!(
            "threads={threads}: candle's elementwise/quantized pool has {barrier} threads, fixed for the whole process by CANDLE_NUM_THREADS"
        ));
    }
    notes
}

/// Runs each configuration in a child process: `command(config)` builds the command line (a
/// worker that prints one JSON [`Report`] on stdout); this sets [`THREAD_ENV`], runs it to the
/// end with stderr passed through, and merges the children's reports in order.
pub fn run_isolated(configs: &[Config], mut command: impl FnMut(&Config) -> Command) -> Result<Report> {
    let mut merged = Report { schema: SCHEMA.into(), host: Host::current(), ..Report::default() };
    for config in configs {
        let name = describe(config);
        let mut cmd = command(config);
        for var in THREAD_ENV {
            cmd.env(var, config.threads.to_string());
        }
        let output = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| Error::Other(format!("cannot start the worker for {name}: {e}")))?;
        if !output.status.success() {
            return Err(Error::Other(format!("the worker for {name} failed ({})", output.status)));
        }
        let report: Report = serde_json::from_slice(&output.stdout)
            .map_err(|e| Error::Other(format!("the worker for {name} wrote no report: {e}")))?;
        merge(&mut merged, report);
    }
    Ok(merged)
}

/// Appends `part`'s rows to `into`, keeping the first model and run counts and each note once.
pub fn merge(into: &mut Report, part: Report) {
    if into.model.is_empty() {
        into.model = part.model;
        into.runs = part.runs;
        into.warmup = part.warmup;
    }
    into.rows.extend(part.rows);
    for note in part.notes {
        if !into.notes.contains(&note) {
            into.notes.push(note);
        }
    }
}

fn describe(config: &Config) -> String {
    match config.precision {
        Some(p) => format!("{} threads, {}", config.threads, precision_name(p)),
        None => format!("{} threads, systems without an encoder", config.threads),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::report::Row;

    #[test]
    fn merge_keeps_rows_in_order_and_notes_once() {
        let part = |threads, note: &str| Report {
            model: "m@r".into(),
            runs: 5,
            rows: vec![Row { threads, ..Row::default() }],
            notes: vec![note.into()],
            ..Report::default()
        };
        let mut all = Report::default();
        merge(&mut all, part(1, "same"));
        merge(&mut all, part(2, "same"));
        assert_eq!(all.rows.iter().map(|r| r.threads).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!((all.model.as_str(), all.runs, all.notes.len()), ("m@r", 5, 1));
    }

    #[test]
    fn a_pool_has_the_requested_size() {
        assert_eq!(pool(3).unwrap().install(rayon::current_num_threads), 3);
    }
}
