//! Measuring one configuration (a thread count and a precision) in this process.

use super::measure::{count_busy, median_secs, peak_rss_bytes, percentile_secs, time_runs};
use super::report::{Host, Report, Row, SCHEMA};
use super::threads::{pool, thread_notes};
use super::workload::{standard, TokenSource, TokenWorkload};
use super::{precision_name, Config, Plan, WorkloadKind};
use crate::document::{load::articles, Document};
use crate::encoder::{self, Encoder, EncoderOptions};
use crate::hub::ModelFiles;
use crate::pipeline::Pipeline;
use crate::stance::systems::{artifacts_dir, build_classifier, SystemKind};
use crate::stance::Spec;
use crate::summarize::learned::default_summarizer;
use crate::summarize::{LeadSummarizer, Summarizer, SummaryOptions};
use crate::{Error, Result};
use std::path::Path;
use std::time::{Duration, Instant};

/// Loads every article under `dir`; inputs that fail to load are counted, not fatal.
pub fn load_documents(dir: &Path) -> Result<(Vec<Document>, usize)> {
    let (mut docs, mut failed) = (Vec::new(), 0);
    for item in articles(&[dir.display().to_string()]) {
        match item {
            Ok(doc) => docs.push(doc),
            Err(_) => failed += 1,
        }
    }
    if docs.is_empty() {
        return Err(Error::Other(format!("{}: no articles to benchmark", dir.display())));
    }
    Ok((docs, failed))
}

/// Encoder options for a plan: the `classify` defaults, with `max_batch` widened to the plan's
/// largest batch. A batch is split into forward passes by the model's own token budget, as
/// `classify` splits its batches, so the figures are those of the tool in use.
pub fn encoder_options(plan: &Plan, precision: crate::encoder::Precision) -> EncoderOptions {
    let defaults = EncoderOptions::default();
    let max_batch = plan.batches.iter().copied().chain([defaults.max_batch]).max().unwrap_or(defaults.max_batch);
    EncoderOptions { max_batch, precision, ..defaults }
}

/// The token workloads `plan` asks for, built with `encoder`'s tokenizer.
pub fn token_workloads(encoder: &dyn Encoder, plan: &Plan) -> Result<Vec<TokenWorkload>> {
    let mut out = Vec::new();
    for kind in &plan.workloads {
        match kind {
            WorkloadKind::Classify => {
                let (docs, _) = load_documents(&plan.data)?;
                let windows = TokenSource::new(encoder, &docs)?.sentences(encoder, None);
                out.extend(plan.batches.iter().map(|&b| TokenWorkload::new("article-sentences", b, windows.clone())));
            }
            WorkloadKind::Standard => {
                let (docs, _) = load_documents(&plan.text)?;
                out.extend(standard(encoder, &TokenSource::new(encoder, &docs)?)?);
            }
        }
    }
    Ok(out)
}

/// Runs one configuration here, inside a rayon pool of `config.threads` threads, and reports it.
/// For thread counts to be exact candle's own settings must agree (see [`super::threads`]);
/// where they do not, the report's notes say so.
pub fn run_config(files: &ModelFiles, plan: &Plan, config: &Config) -> Result<Report> {
    pool(config.threads)?.install(|| {
        let mut report = measure(files, plan, config)?;
        report.notes.extend(thread_notes(config.threads));
        Ok(report)
    })
}

fn measure(files: &ModelFiles, plan: &Plan, config: &Config) -> Result<Report> {
    let (runs, warmup) = (plan.runs.max(1), plan.warmup);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let precision = config.precision.map(precision_name);
    let base = Row { threads: config.threads, precision: precision.clone(), ..Row::default() };

    let mut encoder = None;
    let mut load_ms = None;
    if let Some(p) = config.precision {
        let options = encoder_options(plan, p);
        let mut times = Vec::new();
        for i in 0..warmup + runs {
            drop(encoder.take());
            let start = Instant::now();
            encoder = Some(encoder::load(files, options)?);
            if i >= warmup {
                times.push(start.elapsed());
            }
        }
        load_ms = Some(median_secs(&times) * 1e3);
    }

    if let Some(enc) = &encoder {
        for w in token_workloads(enc.as_ref(), plan)? {
            let (times, busy) = count_busy(|| {
                time_runs(warmup, runs, || w.batches.iter().try_for_each(|b| enc.encode_windows(b).map(drop)))
            });
            let times = times?;
            rows.push(Row {
                kind: "tokens".into(),
                workload: w.name.clone(),
                batch: Some(w.batch),
                windows: Some(w.windows()),
                tokens: Some(w.tokens()),
                fingerprint: Some(w.fingerprint()),
                tokens_per_s: Some(w.tokens() as f64 / median_secs(&times)),
                busy_threads: busy,
                load_ms,
                ..base.clone()
            });
        }
    }

    let systems: Vec<SystemKind> =
        plan.systems.iter().copied().filter(|s| s.needs_encoder() == encoder.is_some()).collect();
    if plan.workloads.contains(&WorkloadKind::Classify) {
        let (docs, failed) = load_documents(&plan.data)?;
        if failed > 0 {
            notes.push(format!("{}: {failed} inputs are not articles and were skipped", plan.data.display()));
        }
        let encoder: Option<&dyn Encoder> = encoder.as_deref();
        for kind in systems {
            let ClassifyTiming { articles_per_s, latencies, busy } = classify_path(plan, &docs, kind, encoder)?;
            rows.push(Row {
                kind: "classify".into(),
                workload: "classify".into(),
                system: Some(kind.name().into()),
                batch: Some(plan.article_batch.max(1)),
                articles: Some(docs.len()),
                articles_per_s: Some(articles_per_s),
                busy_threads: busy,
                latency_ms_p50: Some(percentile_secs(&latencies, 50.0) * 1e3),
                latency_ms_p95: Some(percentile_secs(&latencies, 95.0) * 1e3),
                load_ms,
                ..base.clone()
            });
        }
    }

    let peak = peak_rss_bytes().map(|b| b as f64 / (1024.0 * 1024.0));
    rows.iter_mut().for_each(|r| r.peak_rss_mib = peak);
    Ok(Report {
        schema: SCHEMA.into(),
        model: files.spec.versioned_id(),
        runs,
        warmup,
        host: Host::current(),
        rows,
        notes,
    })
}

/// The classifier and summarizer `classify` uses for `kind`: the built-in trained summarizer over
/// the encoder's sentence vectors, or lead-3 for a system without an encoder.
pub fn classify_parts(
    kind: SystemKind,
    encoder: Option<&dyn Encoder>,
) -> Result<(Box<dyn crate::stance::StanceClassifier>, Box<dyn Summarizer>)> {
    let (dir, spec) = (artifacts_dir(None, None)?, Spec::builtin());
    let classifier = build_classifier(kind, &spec, &dir, encoder)?;
    let summarizer: Box<dyn Summarizer> = match encoder {
        Some(encoder) => default_summarizer(&dir, &spec, &encoder.model_name())?,
        None => Box::new(LeadSummarizer),
    };
    Ok((classifier, summarizer))
}

/// The classify path over a folder, as `stance classify` runs it: load and clean every article,
/// analyse them `batch` at a time. Returns the number of articles analysed.
pub fn classify_folder(pipeline: &Pipeline<'_>, dir: &Path, batch: usize) -> Result<usize> {
    let (docs, _) = load_documents(dir)?;
    let count = docs.len();
    let mut docs = docs.into_iter().peekable();
    while docs.peek().is_some() {
        pipeline.analyze(docs.by_ref().take(batch.max(1)).collect())?;
    }
    Ok(count)
}

/// What [`classify_path`] measured.
struct ClassifyTiming {
    /// Median articles per second, loading and cleaning included.
    articles_per_s: f64,
    /// Every timed per-article latency sample.
    latencies: Vec<Duration>,
    /// Threads busy during the throughput runs.
    busy: Option<usize>,
}

/// The classify path over `plan.data`: throughput (`article_batch` articles per pipeline call,
/// as `classify` does) and the latency of each article alone.
fn classify_path(
    plan: &Plan,
    docs: &[Document],
    kind: SystemKind,
    encoder: Option<&dyn Encoder>,
) -> Result<ClassifyTiming> {
    let (classifier, summarizer) = classify_parts(kind, encoder)?;
    let pipeline = Pipeline {
        encoder: if kind.needs_encoder() { encoder } else { None },
        classifier: classifier.as_ref(),
        summarizer: summarizer.as_ref(),
        summary: SummaryOptions::default(),
    };
    let (times, busy) = count_busy(|| {
        time_runs(plan.warmup, plan.runs, || classify_folder(&pipeline, &plan.data, plan.article_batch).map(drop))
    });
    let times = times?;
    let articles_per_s = docs.len() as f64 / median_secs(&times);
    let mut latencies = Vec::new();
    for run in 0..plan.warmup + plan.runs.max(1) {
        for doc in docs {
            let doc = doc.clone();
            let start = Instant::now();
            pipeline.analyze(vec![doc])?;
            if run >= plan.warmup {
                latencies.push(start.elapsed());
            }
        }
    }
    Ok(ClassifyTiming { articles_per_s, latencies, busy })
}
