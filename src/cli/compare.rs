//! `stance compare`: stance systems and summarizers side by side on a labelled folder.

use super::GlobalArgs;
use anyhow::Result;
use stance::encoder;
use stance::encoder::articles::embed_articles;
use stance::encoder::Encoder;
use stance::eval::compare::{compare, merge_models, Contender, ModelRun};
use stance::eval::dataset::LabelledSet;
use stance::report::compare::{write_json, write_table};
use stance::stance::systems::{artifacts_dir, build_classifier, SystemKind};
use stance::stance::Spec;
use stance::summarize::learned::default_summarizer;
use stance::summarize::{CentralitySummarizer, LeadSummarizer, Summarizer};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Output of `stance compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// Human-readable tables.
    Table,
    /// The `CompareReport` as JSON: {data, n, labels, embed_seconds, systems: [{name, n, accuracy,
    /// macro_f1, macro_f1_ci95, f_avg, polar, per_class: [{label, precision, recall, f1, support}],
    /// confusion, calibration: {ece, bins: [{lower, upper, count, confidence, accuracy}]},
    /// articles_per_second, predictions}], paired: [{system, against, delta_macro_f1,
    /// delta_ci95, only_system_right, only_against_right, mcnemar_p}], summaries: [{name, with_reference,
    /// rouge1, rouge2, rouge_l (each {mean, ci95} or null), versus_lead3: {against, rouge1, rouge2,
    /// rouge_l} (paired differences, each {mean, ci95}) or null, words, coverage, redundancy, compression}],
    /// the last named `oracle` where there are references: the extractive ceiling, not a system}.
    Json,
    /// One self-contained HTML page: confusion heat maps, per-class bars, macro-F1 intervals,
    /// paired differences, reliability diagrams and the summarizer table.
    Html,
}

/// Arguments of `stance compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Labelled folder: labels.jsonl + <id>.txt (+ summaries.jsonl for ROUGE).
    #[arg(long)]
    data: PathBuf,
    /// Only this split of the folder (default: every article).
    #[arg(long)]
    split: Option<String>,
    /// Systems to run, in order; the first is measured against each of the others (paired). With
    /// `--model A,B` each model runs the encoder systems, and each is measured against the first
    /// model's system of the same name (`head (B) − head (A)`).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [SystemKind::Head, SystemKind::Ensemble, SystemKind::ZeroShot, SystemKind::Baseline, SystemKind::Majority])]
    systems: Vec<SystemKind>,
    /// Label spec TOML (default: the built-in spec).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    format: CompareFormat,
}

/// Runs the comparison and prints it.
pub fn run(global: &GlobalArgs, args: CompareArgs) -> Result<ExitCode> {
    let spec = Spec::load(args.spec.as_deref())?;
    let set = LabelledSet::load(&args.data)?;
    let items = set.split(args.split.as_deref());
    anyhow::ensure!(!items.is_empty(), "{}: no articles in split {:?}", args.data.display(), args.split);
    let dir = artifacts_dir(global.models_dir.as_deref(), args.spec.as_deref())?;
    let data = match &args.split {
        Some(split) => format!("{} (split {split})", args.data.display()),
        None => args.data.display().to_string(),
    };
    // `--model A,B`: each model's systems on the same articles, the encoder-free ones once (with the first).
    let mut runs = Vec::new();
    for (i, model) in global.models().into_iter().enumerate() {
        let files = stance::hub::resolve_model(model, &global.resolver())?;
        let encoder = encoder::load(&files, global.encoder_options())?;
        let start = Instant::now();
        let vectors = embed_articles(&encoder, &items.iter().map(|a| &a.doc).collect::<Vec<_>>())?;
        let embed_seconds = start.elapsed().as_secs_f64();
        let contenders = args
            .systems
            .iter()
            .filter(|kind| i == 0 || kind.needs_encoder())
            .map(|&kind| {
                Ok(Contender {
                    classifier: build_classifier(kind, &spec, &dir, Some(&encoder))?,
                    uses_encoder: kind.needs_encoder(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let (learned, centrality) =
            (default_summarizer(&dir, &spec, &encoder.model_name())?, CentralitySummarizer::default());
        // Without a trained scorer the default is centrality itself: list it once.
        let mut summarizers: Vec<&dyn Summarizer> = vec![learned.as_ref(), &centrality, &LeadSummarizer];
        summarizers.dedup_by_key(|s| s.name().to_string());
        let report = compare(data.clone(), &spec, &items, &vectors, embed_seconds, &contenders, &summarizers)?;
        runs.push(ModelRun { name: encoder.model_name(), model: encoder.id(), report });
    }
    let report = match runs.len() {
        1 => runs.remove(0).report,
        _ => merge_models(&spec, &items, runs)?,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        CompareFormat::Json => write_json(&report, &mut out)?,
        CompareFormat::Table => write_table(&report, &mut out)?,
        CompareFormat::Html => out.write_all(stance::report::html::compare_page(&report)?.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
