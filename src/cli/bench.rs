//! `stance bench`: speed and memory of the encoder and of the whole classify path.

use super::GlobalArgs;
use anyhow::{Context, Result};
use clap::ValueEnum;
use stance::bench::run::{encoder_options, token_workloads};
use stance::bench::{
    configs, plot, precision_name, run_config, run_isolated, write_atomic, Config, Plan, WorkloadDump, WorkloadKind,
    SYSTEMS,
};
use stance::encoder::{self, Precision};
use stance::hub::ModelFiles;
use stance::report::bench::{write_json, write_table};
use stance::stance::systems::SystemKind;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const JSON_HELP: &str = "\
Threads: each thread count × precision runs in a fresh child process of this binary, started with
RAYON_NUM_THREADS and CANDLE_NUM_THREADS set to the thread count: candle sizes its elementwise and
quantized-matmul pool once per process from them, so a rayon pool per count in one process would
not be exact. The `busy` column counts the threads that really worked.

--format json writes one object (schema \"stance-bench/1\"; fields are only ever added):
  schema, model (\"id@revision\"), runs, warmup, host {cpus, os, arch},
  notes [strings: caveats, e.g. a thread count that did not hold],
  rows [{
    kind            \"tokens\" (encoder on ready-made windows) or \"classify\" (whole path)
    threads         worker threads
    precision       \"f32\", \"int8\", … or null for a system without an encoder
    workload        \"chunks-256\", \"sentences\", \"article-sentences\" or \"classify\"
    system          stance system of a classify row, else null
    batch           windows per encoder call (tokens) or articles per pipeline call (classify)
    windows, tokens windows and real tokens (padding excluded) of a token workload
    fingerprint     sha256 of the workload's ids (as in --dump-workload)
    tokens_per_s    median tokens per second
    busy_threads    threads busy while measuring (null off Linux)
    articles        articles on the classify path
    articles_per_s  median articles per second, loading and cleaning the files included
    latency_ms_p50, latency_ms_p95   one article at a time through encode, classify, summarise
    load_ms         median encoder load time
    peak_rss_mib    peak resident memory (VmHWM) of the process that ran the configuration;
                    null where unknown (not Linux)
  }]
Fields that do not apply to a row are null.

--dump-workload FILE writes {schema \"stance-bench-workload/1\", model, workloads: [{name, batch,
tokens, fingerprint, batches: [[[token ids with [CLS]/[SEP]], …], …]}]}: each inner list is one
encoder call, which the reference scripts run as one forward pass padded to its longest window and
stance splits into passes of the model's token budget. The fingerprint is the sha256 of the ids written with
\",\" between ids, \";\" between windows and \"|\" between batches.";

/// Arguments of `stance bench`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = JSON_HELP)]
pub struct BenchArgs {
    /// Articles for the classify path and the `article-sentences` workload.
    #[arg(long, default_value = "data/samples")]
    data: PathBuf,
    /// Text the `standard` workload's windows are cut from.
    #[arg(long, default_value = "data/corpus")]
    text: PathBuf,
    /// Workloads: `classify` runs the sentences of --data at each --batch, then the whole classify
    /// path; `standard` runs the reference rows (256-token chunks at batch 32 and 1, sentences at 32).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "classify")]
    workload: Vec<WorkloadKind>,
    /// Encoder precisions, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    precision: Vec<Precision>,
    /// Thread counts, comma-separated, each measured in its own process (default: 1 and all cores).
    #[arg(long, value_delimiter = ',')]
    threads: Vec<usize>,
    /// Batch sizes (windows per encoder call) of the `article-sentences` workload.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    batch: Vec<usize>,
    /// Stance systems on the classify path (default: the transformer and the baselines).
    #[arg(long, value_enum, value_delimiter = ',')]
    systems: Vec<SystemKind>,
    /// Timed runs per measurement; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Untimed warm-up runs before them.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Articles per pipeline call on the classify path (as `classify --batch`).
    #[arg(long, default_value_t = 16)]
    article_batch: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BenchFormat::Table)]
    format: BenchFormat,
    /// Also draw tokens/s per configuration as an SVG bar chart.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Write the token ids of the selected workloads to FILE (JSON) and exit without measuring.
    #[arg(long, value_name = "FILE")]
    dump_workload: Option<PathBuf>,
    /// Measure one configuration in this process and print its JSON report (what the parent
    /// process starts for each configuration).
    #[arg(long, hide = true)]
    worker: bool,
}

/// Output formats of `stance bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchFormat {
    /// An aligned table.
    Table,
    /// One JSON object (see `stance bench --help`).
    Json,
    /// One self-contained HTML page: charts per configuration and the table.
    Html,
}

/// Runs the benchmark: one child process per configuration (and model), then one report.
pub fn run(global: &GlobalArgs, args: BenchArgs) -> Result<ExitCode> {
    // `--model A,B` measures each model in turn into one report.
    let models: Vec<&str> = global.models().into_iter().flatten().collect();
    if !args.worker && models.len() > 1 {
        return run_models(global, &args, &models);
    }
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let plan = Plan {
        data: args.data.clone(),
        text: args.text.clone(),
        workloads: args.workload.clone(),
        batches: args.batch.iter().map(|&b| b.max(1)).collect(),
        systems: if args.systems.is_empty() { SYSTEMS.to_vec() } else { args.systems.clone() },
        runs: args.runs.max(1),
        warmup: args.warmup,
        article_batch: args.article_batch.max(1),
    };
    if let Some(path) = &args.dump_workload {
        return dump_workload(&files, &plan, path);
    }
    let threads = if args.threads.is_empty() { default_threads() } else { args.threads.clone() };
    if args.worker {
        let config = Config { threads: threads[0].max(1), precision: args.precision.first().copied() };
        write_json(&run_config(&files, &plan, &config)?, &mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    let precisions =
        if args.precision.is_empty() { Precision::value_variants().to_vec() } else { args.precision.clone() };
    let exe = std::env::current_exe().context("cannot find this program to start the workers")?;
    let report = run_isolated(&configs(&plan, &threads, &precisions), |config| {
        let what = config.precision.map_or_else(|| "no encoder".into(), precision_name);
        eprintln!("stance bench: {} threads, {what}", config.threads);
        worker(&exe, global.model.as_deref(), &args, config)
    })?;
    write_report(&report, &args)
}

/// `--model A,B`: every configuration of each model, its rows labelled with the model; the
/// systems without an encoder once, with the first model's run.
fn run_models(global: &GlobalArgs, args: &BenchArgs, models: &[&str]) -> Result<ExitCode> {
    let threads = if args.threads.is_empty() { default_threads() } else { args.threads.clone() };
    let precisions =
        if args.precision.is_empty() { Precision::value_variants().to_vec() } else { args.precision.clone() };
    // Only what picks the configurations; each worker gets the whole plan from `args`.
    let selection = Plan {
        workloads: args.workload.clone(),
        systems: if args.systems.is_empty() { SYSTEMS.to_vec() } else { args.systems.clone() },
        ..Plan::default()
    };
    let exe = std::env::current_exe().context("cannot find this program to start the workers")?;
    let mut report = stance::bench::Report::default();
    let mut ids = Vec::new();
    for (i, model) in models.iter().enumerate() {
        let files = stance::hub::resolve_model(Some(model), &global.resolver())?;
        let id = files.spec.versioned_id();
        let configs: Vec<Config> = configs(&selection, &threads, &precisions)
            .into_iter()
            .filter(|c| i == 0 || c.precision.is_some())
            .collect();
        let mut part = run_isolated(&configs, |config| {
            let what = config.precision.map_or_else(|| "no encoder".into(), precision_name);
            eprintln!("stance bench: {model}, {} threads, {what}", config.threads);
            worker(&exe, Some(model), args, config)
        })?;
        for row in &mut part.rows {
            row.model = row.precision.is_some().then(|| id.clone());
        }
        if i == 0 {
            (report.schema, report.host) = (part.schema.clone(), part.host.clone());
        }
        stance::bench::threads::merge(&mut report, part);
        ids.push(id);
    }
    report.model = ids.join(", ");
    write_report(&report, args)
}

fn write_report(report: &stance::bench::Report, args: &BenchArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match args.format {
        BenchFormat::Table => write_table(report, &mut out)?,
        BenchFormat::Json => write_json(report, &mut out)?,
        BenchFormat::Html => out.write_all(stance::report::html::bench_page(report)?.as_bytes())?,
    }
    out.flush()?;
    if let Some(path) = &args.plot {
        plot::write_svg(report, path).with_context(|| format!("--plot {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The worker command for one configuration: this program, the same plan, one model, one thread
/// count and one precision (none for the encoder-free systems), offline (the model is resolved
/// already).
fn worker(exe: &Path, model: Option<&str>, args: &BenchArgs, config: &Config) -> Command {
    let precision = config.precision.map(precision_name);
    let list = |values: Vec<String>| values.join(",");
    let names = |v: &[SystemKind]| list(v.iter().map(|s| s.name().to_string()).collect());
    let workloads =
        list(args.workload.iter().filter_map(|w| w.to_possible_value()).map(|v| v.get_name().to_string()).collect());
    let mut cmd = Command::new(exe);
    cmd.arg("bench").arg("--worker").arg("--offline");
    cmd.args(["--threads", &config.threads.to_string()]);
    cmd.arg("--data").arg(&args.data).arg("--text").arg(&args.text);
    cmd.args(["--workload", &workloads]);
    cmd.args(["--batch", &list(args.batch.iter().map(|b| b.to_string()).collect())]);
    if !args.systems.is_empty() {
        cmd.args(["--systems", &names(&args.systems)]);
    }
    cmd.args(["--runs", &args.runs.to_string(), "--warmup", &args.warmup.to_string()]);
    cmd.args(["--article-batch", &args.article_batch.to_string()]);
    if let Some(p) = precision {
        cmd.args(["--precision", &p]);
    }
    if let Some(model) = model {
        cmd.args(["--model", model]);
    }
    cmd
}

fn default_threads() -> Vec<usize> {
    let all = std::thread::available_parallelism().map_or(1, usize::from);
    if all > 1 {
        vec![1, all]
    } else {
        vec![1]
    }
}

/// Writes the plan's token workloads (ids made by the model's tokenizer) to `path`, atomically.
fn dump_workload(files: &ModelFiles, plan: &Plan, path: &Path) -> Result<ExitCode> {
    let encoder = encoder::load(files, encoder_options(plan, Precision::default()))
        .with_context(|| format!("loading {}", files.dir.display()))?;
    let workloads = token_workloads(&encoder, plan)?;
    let dump = WorkloadDump::new(&files.spec.versioned_id(), &workloads);
    write_atomic(path, &serde_json::to_vec(&dump)?).context("--dump-workload")?;
    for w in &workloads {
        eprintln!("{}: {} b{}: {} windows, {} tokens", path.display(), w.name, w.batch, w.windows(), w.tokens());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command as Sub};
    use super::*;
    use clap::{CommandFactory, Parser};

    fn bench_args(argv: &[&str]) -> (GlobalArgs, BenchArgs) {
        let cli = Cli::try_parse_from(argv).expect("parses");
        match cli.command {
            Sub::Bench(args) => (cli.global, args),
            other => panic!("not bench: {other:?}"),
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn lists_are_comma_separated_and_threads_is_the_bench_list() {
        let (_, args) = bench_args(&[
            "stance",
            "bench",
            "--threads",
            "1,2",
            "--precision",
            "f32",
            "--batch",
            "1,8",
            "--workload",
            "classify,standard",
        ]);
        assert_eq!(args.threads, vec![1, 2]);
        assert_eq!(args.precision, vec![Precision::F32]);
        assert_eq!(args.batch, vec![1, 8]);
        assert_eq!(args.workload, vec![WorkloadKind::Classify, WorkloadKind::Standard]);
        let (_, args) = bench_args(&["stance", "--threads", "3", "bench"]);
        assert_eq!(args.threads, vec![3], "the global --threads before the subcommand counts too");
        let (_, args) = bench_args(&["stance", "bench"]);
        assert!(args.threads.is_empty() && args.precision.is_empty() && args.systems.is_empty());
    }

    #[test]
    fn the_worker_command_repeats_the_plan_for_one_configuration() {
        let (global, args) = bench_args(&[
            "stance",
            "--model",
            "m",
            "bench",
            "--data",
            "d",
            "--text",
            "t",
            "--workload",
            "standard",
            "--batch",
            "4",
            "--systems",
            "zero-shot",
            "--runs",
            "3",
            "--warmup",
            "2",
            "--article-batch",
            "5",
        ]);
        let cmd = worker(
            Path::new("stance"),
            global.model.as_deref(),
            &args,
            &Config { threads: 2, precision: Some(Precision::F32) },
        );
        let argv: Vec<String> = std::iter::once("stance".to_string())
            .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
            .collect();
        let (global2, args2) = bench_args(&argv.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(args2.worker && global2.offline);
        assert_eq!(global2.model.as_deref(), Some("m"));
        assert_eq!((args2.threads, args2.precision), (vec![2], vec![Precision::F32]));
        assert_eq!(
            (args2.data, args2.text, args2.workload),
            (args.data.clone(), args.text.clone(), args.workload.clone())
        );
        assert_eq!(
            (args2.batch, args2.systems, args2.runs, args2.warmup, args2.article_batch),
            (vec![4], vec![SystemKind::ZeroShot], 3, 2, 5)
        );
        let encoderless = worker(Path::new("stance"), None, &args, &Config { threads: 1, precision: None });
        assert!(!encoderless.get_args().any(|a| a == "--precision"));
    }
}
