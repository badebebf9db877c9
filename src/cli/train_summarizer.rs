//! `stance train-summarizer`: fit the learned summarizer's sentence scorer on reference summaries.

use super::GlobalArgs;
use anyhow::{Context, Result};
use stance::encoder;
use stance::encoder::articles::embed_articles;
use stance::encoder::cache::{default_cache_dir, CachedEncoder};
use stance::eval::dataset::LabelledSet;
use stance::eval::summary_fit::{train_summarizer, SummaryTrainOptions};
use stance::stance::systems::training_output_dir;
use stance::stance::Spec;
use stance::summarize::scorer::FitConfig;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `stance train-summarizer`.
#[derive(Debug, clap::Args)]
pub struct TrainSummarizerArgs {
    /// Labelled folder with summaries.jsonl ({id, summary}) beside labels.jsonl.
    #[arg(long)]
    data: PathBuf,
    /// Train on this split of the folder (`all` for every article).
    #[arg(long, default_value = "train")]
    split: String,
    /// Label spec TOML whose artefacts these are (default: the built-in spec).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Where to write the artefacts (default: where `classify` looks for them).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Cross-validation folds (over articles).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Seed of the folds.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Full-batch AdamW steps.
    #[arg(long, default_value_t = 300)]
    epochs: usize,
}

/// Trains, prints the cross-validated ROUGE of each selection setting, saves the scorer and its card.
pub fn run(global: &GlobalArgs, args: TrainSummarizerArgs) -> Result<ExitCode> {
    let spec = Spec::load(args.spec.as_deref())?;
    let out =
        args.out.clone().unwrap_or_else(|| training_output_dir(global.models_dir.as_deref(), args.spec.as_deref()));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let set = LabelledSet::load(&args.data)?;
    let items = set.split((args.split != "all").then_some(args.split.as_str()));
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder = encoder::load(&files, global.encoder_options())?;
    let cached = CachedEncoder::open(&encoder, &default_cache_dir())?;
    let vectors = embed_articles(&cached, &items.iter().map(|a| &a.doc).collect::<Vec<_>>())?;
    let options = SummaryTrainOptions {
        folds: args.folds,
        seed: args.seed,
        fit: FitConfig { epochs: args.epochs, ..FitConfig::default() },
        ..SummaryTrainOptions::default()
    };
    let data = format!("{} (split {})", args.data.display(), args.split);
    let trained = train_summarizer(&items, &vectors, data, &options)?;
    let card = &trained.card;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{} articles, {}-fold cross-validated ROUGE-1 / 2 / L (F1) and words:",
        card.articles, card.cv_folds
    )?;
    for s in card.cv.iter().chain([&card.cv_lead3]) {
        let setting = match s.selection {
            None => "lead-3".to_string(),
            Some(sel) => format!(
                "reference {} words, redundancy {}{}",
                sel.reference_words,
                sel.redundancy,
                if sel == card.selection { " (chosen)" } else { "" }
            ),
        };
        writeln!(stdout, "  {setting:<44} {:.3} / {:.3} / {:.3}  {:.0} words", s.rouge1, s.rouge2, s.rouge_l, s.words)?;
    }
    let weights: Vec<String> =
        card.features.iter().zip(&card.weights).map(|(name, w)| format!("{name} {w:+.3}")).collect();
    writeln!(stdout, "weights (standardised features): {}", weights.join(", "))?;
    let artefact = trained.summarizer.save(&out, &spec, card)?;
    writeln!(stdout, "saved {} and {}", artefact.weights_path().display(), artefact.json_path().display())?;
    Ok(ExitCode::SUCCESS)
}
