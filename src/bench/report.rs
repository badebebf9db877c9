//! The benchmark report: one value (JSON schema [`SCHEMA`]), rendered by [`crate::report::bench`].

use serde::{Deserialize, Serialize};

/// `schema` of the JSON report. Bumped only when a field changes meaning or goes away; new
/// fields may be added without a bump.
pub const SCHEMA: &str = "stance-bench/1";

/// Everything one `stance bench` invocation measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// `model-id@revision` of the encoder.
    pub model: String,
    /// Timed runs behind each median.
    pub runs: usize,
    /// Untimed warm-up runs before them.
    pub warmup: usize,
    /// The machine.
    pub host: Host,
    /// One row per measured workload and configuration.
    pub rows: Vec<Row>,
    /// Caveats found while measuring (e.g. a thread pool that did not have the requested size).
    pub notes: Vec<String>,
}

/// The machine the report was measured on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Host {
    /// Logical CPUs available to the process.
    pub cpus: usize,
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
}

impl Host {
    /// This machine.
    pub fn current() -> Self {
        Host {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
        }
    }
}

/// One measurement. Token rows (`kind = "tokens"`) fill the token fields, classify rows
/// (`kind = "classify"`) the article fields; fields that do not apply are `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// `tokens` (encoder throughput on ready-made windows) or `classify` (the whole path).
    pub kind: String,
    /// Worker threads.
    pub threads: usize,
    /// Encoder precision; `null` for a system without an encoder.
    pub precision: Option<String>,
    /// `model-id@revision` of the row's encoder when a run measured several models
    /// (`--model A,B`); `null` otherwise and for a system without an encoder.
    #[serde(default)]
    pub model: Option<String>,
    /// Workload name: `chunks-256`, `sentences`, `article-sentences`, or `classify`.
    pub workload: String,
    /// Stance system of a classify row.
    pub system: Option<String>,
    /// Windows per encoder call of a token row; articles per pipeline call of a classify row.
    pub batch: Option<usize>,
    /// Windows in a token workload.
    pub windows: Option<usize>,
    /// Real tokens (padding excluded) in a token workload.
    pub tokens: Option<usize>,
    /// sha256 of a token workload's ids (see `stance bench --dump-workload`).
    pub fingerprint: Option<String>,
    /// Median tokens per second.
    pub tokens_per_s: Option<f64>,
    /// Articles in a classify row.
    pub articles: Option<usize>,
    /// Median articles per second, loading and cleaning the files included.
    pub articles_per_s: Option<f64>,
    /// Median latency of one article through encode, classify and summarise, in milliseconds.
    pub latency_ms_p50: Option<f64>,
    /// 95th percentile of the same.
    pub latency_ms_p95: Option<f64>,
    /// Threads that were busy (on a CPU at least a tenth of the time) while the row was
    /// measured: checks that `threads` held (`null` where unknown: not Linux).
    pub busy_threads: Option<usize>,
    /// Median time to load the encoder, in milliseconds.
    pub load_ms: Option<f64>,
    /// Peak resident memory of the process that measured this configuration, in MiB
    /// (`null` where unknown: not Linux).
    pub peak_rss_mib: Option<f64>,
}

impl Row {
    /// Label of the configuration: `2t f32 chunks-256 b32`.
    pub fn label(&self) -> String {
        let mut label = format!("{}t {}", self.threads, self.precision.as_deref().unwrap_or("-"));
        label.push(' ');
        label.push_str(self.system.as_deref().unwrap_or(&self.workload));
        if let Some(b) = self.batch {
            label.push_str(&format!(" b{b}"));
        }
        label
    }
}
