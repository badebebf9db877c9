//! Measuring speed and memory: what `stance bench` and the criterion benches run.
//!
//! ```text
//! workload (real text → token windows of exact lengths, grouped into explicit batches)
//!   → run      (one configuration in this process: load, token throughput, classify path)
//!   → threads  (one child process per configuration, so thread counts are exact)
//!   → report   (one `Report`, written as a table or JSON) → plot (SVG bar chart)
//! ```
//!
//! Every timing is the median of `runs` timed runs after `warmup` untimed ones; tokens are real
//! tokens (the model's start and end tokens included, padding excluded).

pub mod measure;
pub mod plot;
pub mod report;
pub mod run;
pub mod threads;
pub mod workload;

pub use report::{Report, Row};
pub use run::run_config;
pub use threads::run_isolated;
pub use workload::{TokenSource, TokenWorkload, WorkloadDump};

use crate::encoder::Precision;
use crate::stance::systems::SystemKind;
use crate::{Error, Result};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// The stance systems benchmarked by default: the transformer (`auto`: the head, else zero-shot)
/// and, next to it, the bag-of-words baseline that needs no encoder.
pub const SYSTEMS: &[SystemKind] = &[SystemKind::Auto, SystemKind::Baseline];

/// Which token workloads to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkloadKind {
    /// The sentences of the `--data` articles at each batch size, then the whole classify path.
    Classify,
    /// The reference script's rows: 256-token chunks at batch 32 and 1, sentences at batch 32.
    Standard,
}

/// What to measure; the same for every configuration.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Articles for the classify path and the `article-sentences` workload.
    pub data: PathBuf,
    /// Text the `standard` workload is cut from.
    pub text: PathBuf,
    /// Workloads to run.
    pub workloads: Vec<WorkloadKind>,
    /// Batch sizes of the `article-sentences` workload.
    pub batches: Vec<usize>,
    /// Stance systems for the classify path.
    pub systems: Vec<SystemKind>,
    /// Timed runs per measurement.
    pub runs: usize,
    /// Untimed warm-up runs before them.
    pub warmup: usize,
    /// Articles per pipeline call on the classify path.
    pub article_batch: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            data: PathBuf::from("data/samples"),
            text: PathBuf::from("data/corpus"),
            workloads: vec![WorkloadKind::Classify],
            batches: vec![1, 8, 32],
            systems: SYSTEMS.to_vec(),
            runs: 5,
            warmup: 1,
            article_batch: 16,
        }
    }
}

/// One configuration: a thread count, and an encoder precision (`None`: only the systems that
/// need no encoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Worker threads.
    pub threads: usize,
    /// Encoder precision.
    pub precision: Option<Precision>,
}

/// Every configuration of a plan, thread count by thread count: each precision, then (when the
/// plan has systems without an encoder and runs the classify path) one encoder-free one.
pub fn configs(plan: &Plan, threads: &[usize], precisions: &[Precision]) -> Vec<Config> {
    let encoderless =
        plan.workloads.contains(&WorkloadKind::Classify) && plan.systems.iter().any(|s| !s.needs_encoder());
    let mut out = Vec::new();
    for &t in threads {
        out.extend(precisions.iter().map(|&p| Config { threads: t.max(1), precision: Some(p) }));
        if encoderless {
            out.push(Config { threads: t.max(1), precision: None });
        }
    }
    out
}

/// Writes `bytes` to `path` atomically: to `PATH.tmp` beside it, then renamed into place, so a
/// reader never sees half a file (and the file gets the usual permissions).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, bytes).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::io(path, e)
    })
}

/// A precision's command-line name (`f32`, `int8`, …).
pub fn precision_name(precision: Precision) -> String {
    precision.to_possible_value().map_or_else(|| format!("{precision:?}").to_lowercase(), |v| v.get_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_go_thread_count_by_thread_count() {
        let plan = Plan::default();
        let all = Precision::value_variants();
        let configs = configs(&plan, &[1, 2], all);
        assert_eq!(configs.len(), 2 * all.len() + 2 * usize::from(SYSTEMS.iter().any(|s| !s.needs_encoder())));
        assert_eq!(configs[0], Config { threads: 1, precision: Some(all[0]) });
        assert!(configs.iter().skip_while(|c| c.threads == 1).all(|c| c.threads == 2));
    }

    #[test]
    fn write_atomic_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.svg");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(&dir.path().join("missing/x.svg"), b"x").is_err());
    }

    #[test]
    fn precision_names_are_the_command_line_names() {
        assert_eq!(precision_name(Precision::F32), "f32");
        for &p in Precision::value_variants() {
            assert_eq!(Precision::from_str(&precision_name(p), false), Ok(p));
        }
    }
}
