//! `stance compare`: stance systems and summarizers side by side on a labelled folder.

use super::GlobalArgs;
use anyhow::Result;
use stance::encoder;
use stance::eval::compare::{compare, CompareReport, Contender};
use stance::eval::dataset::LabelledSet;
use stance::eval::summaries::Interval;
use stance::pipeline::embed_articles;
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
    /// rouge_l} (paired differences, each {mean, ci95}) or null, words, coverage, redundancy, compression}]}.
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
    /// Systems to run, in order; the first is measured against each of the others (paired).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [SystemKind::Head, SystemKind::ZeroShot, SystemKind::Baseline, SystemKind::Majority])]
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
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder = encoder::load(&files, global.encoder_options())?;
    let start = Instant::now();
    let vectors = embed_articles(&encoder, &items.iter().map(|a| &a.doc).collect::<Vec<_>>())?;
    let embed_seconds = start.elapsed().as_secs_f64();
    let dir = artifacts_dir(global.models_dir.as_deref(), args.spec.as_deref())?;
    let contenders = args
        .systems
        .iter()
        .map(|&kind| {
            Ok(Contender {
                classifier: build_classifier(kind, &spec, &dir, Some(&encoder))?,
                uses_encoder: kind.needs_encoder(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (learned, centrality) = (default_summarizer(&dir)?, CentralitySummarizer::default());
    // Without a trained scorer the default is centrality itself: list it once.
    let mut summarizers: Vec<&dyn Summarizer> = vec![learned.as_ref(), &centrality, &LeadSummarizer];
    summarizers.dedup_by_key(|s| s.name().to_string());
    let data = match &args.split {
        Some(split) => format!("{} (split {split})", args.data.display()),
        None => args.data.display().to_string(),
    };
    let report = compare(data, &spec, &items, &vectors, embed_seconds, &contenders, &summarizers)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        CompareFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        CompareFormat::Table => print_tables(&mut out, &report)?,
        CompareFormat::Html => out.write_all(stance::report::html::compare_page(&report)?.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_tables(out: &mut impl Write, report: &CompareReport) -> std::io::Result<()> {
    writeln!(out, "{}: {} articles (embedding took {:.1}s)\n", report.data, report.n, report.embed_seconds)?;
    writeln!(
        out,
        "{:<11} {:>6} {:>9} {:>15} {:>7} {:>6} {:>10}",
        "system", "acc", "macro-F1", "95% CI", "F_avg", "ECE", "articles/s"
    )?;
    for s in &report.systems {
        let r = &s.report;
        writeln!(
            out,
            "{:<11} {:>6.3} {:>9.3} {:>15} {:>7.3} {:>6.3} {:>10.1}",
            s.name,
            r.accuracy,
            r.macro_f1,
            format!("[{:.3}, {:.3}]", s.macro_f1_ci95.0, s.macro_f1_ci95.1),
            r.f_avg,
            s.calibration.ece,
            s.articles_per_second
        )?;
    }
    for s in &report.systems {
        writeln!(
            out,
            "\n{} — per class (precision / recall / F1, support) and confusion (rows gold, columns predicted)",
            s.name
        )?;
        for (c, m) in s.report.per_class.iter().enumerate() {
            let row: Vec<String> = s.report.confusion[c].iter().map(|n| format!("{n:>4}")).collect();
            writeln!(
                out,
                "  {:<14} {:.3} / {:.3} / {:.3}  ({:>3})   {}",
                m.label,
                m.precision,
                m.recall,
                m.f1,
                m.support,
                row.join("")
            )?;
        }
        let bins: Vec<String> = s
            .calibration
            .bins
            .iter()
            .map(|b| {
                format!(
                    "{:.1}–{:.1}: {:.2} right of {} (said {:.2})",
                    b.lower, b.upper, b.accuracy, b.count, b.confidence
                )
            })
            .collect();
        writeln!(out, "  reliability (confidence bin: share right of count, mean confidence): {}", bins.join("; "))?;
    }
    if !report.paired.is_empty() {
        writeln!(out, "\npaired on the same articles (95% bootstrap interval of the difference; exact McNemar test)")?;
    }
    for p in &report.paired {
        writeln!(
            out,
            "  {} − {}: macro-F1 {:+.3} [{:+.3}, {:+.3}]; only {} right: {}, only {} right: {} (p {})",
            p.system,
            p.against,
            p.delta_macro_f1,
            p.delta_ci95.0,
            p.delta_ci95.1,
            p.system,
            p.only_system_right,
            p.against,
            p.only_against_right,
            if p.mcnemar_p < 0.001 { "< 0.001".to_string() } else { format!("= {:.3}", p.mcnemar_p) }
        )?;
    }
    writeln!(
        out,
        "\n{:<11} {:>22} {:>22} {:>22} {:>6} {:>9} {:>11} {:>12}",
        "summarizer",
        "ROUGE-1 [95% CI]",
        "ROUGE-2 [95% CI]",
        "ROUGE-L [95% CI]",
        "words",
        "coverage",
        "redundancy",
        "compression"
    )?;
    let interval = |v: Option<Interval>, sign: bool| {
        v.map_or_else(
            || "-".to_string(),
            |v| match sign {
                true => format!("{:+.3} [{:+.3}, {:+.3}]", v.mean, v.ci95.0, v.ci95.1),
                false => format!("{:.3} [{:.3}, {:.3}]", v.mean, v.ci95.0, v.ci95.1),
            },
        )
    };
    for s in &report.summaries {
        writeln!(
            out,
            "{:<11} {:>22} {:>22} {:>22} {:>6.1} {:>9.3} {:>11.3} {:>12.3}",
            s.name,
            interval(s.rouge1, false),
            interval(s.rouge2, false),
            interval(s.rouge_l, false),
            s.words,
            s.coverage,
            s.redundancy,
            s.compression
        )?;
    }
    for s in &report.summaries {
        if let Some(d) = &s.versus_lead3 {
            writeln!(out, "{}", s.name)?;
            writeln!(
                out,
                "{:<11} {:>22} {:>22} {:>22}   (paired difference on the same {} articles)",
                format!("− {}", d.against),
                interval(Some(d.rouge1), true),
                interval(Some(d.rouge2), true),
                interval(Some(d.rouge_l), true),
                s.with_reference
            )?;
        }
    }
    Ok(())
}
