//! `stance train-summarizer`: fit the learned summarizer's sentence scorer on reference summaries.

use super::training_set::TrainingSetArgs;
use super::GlobalArgs;
use anyhow::Result;
use stance::encoder;
use stance::encoder::articles::embed_articles;
use stance::encoder::cache::{default_cache_dir, CachedEncoder};
use stance::eval::summary_fit::{train_summarizer, SummaryTrainOptions};
use stance::summarize::scorer::FitConfig;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `stance train-summarizer`.
#[derive(Debug, clap::Args)]
pub struct TrainSummarizerArgs {
    #[command(flatten)]
    training: TrainingSetArgs,
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
    let training = args.training.load(global)?;
    let items = training.items();
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
    let mut trained = train_summarizer(&items, &vectors, training.description.clone(), &options)?;
    trained.card.encoder = Some(encoder.id());
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
            Some(sel) => {
                let ridge = s.direction_ridge.unwrap_or_default();
                let chosen = sel == card.selection && ridge == card.direction_ridge;
                format!(
                    "ridge {ridge}, reference {} words, redundancy {}{}",
                    sel.reference_words,
                    sel.redundancy,
                    if chosen { " (chosen)" } else { "" }
                )
            }
        };
        writeln!(stdout, "  {setting:<44} {:.3} / {:.3} / {:.3}  {:.0} words", s.rouge1, s.rouge2, s.rouge_l, s.words)?;
    }
    let weights: Vec<String> =
        card.features.iter().zip(&card.weights).map(|(name, w)| format!("{name} {w:+.3}")).collect();
    writeln!(stdout, "weights (standardised features): {}", weights.join(", "))?;
    let artefact = trained.summarizer.save(&training.out, &training.spec, &encoder.model_name(), card)?;
    writeln!(stdout, "saved {} and {}", artefact.weights_path().display(), artefact.json_path().display())?;
    Ok(ExitCode::SUCCESS)
}
