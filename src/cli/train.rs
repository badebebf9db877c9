//! `stance train`: fit the bag-of-words baseline and the stance head on a labelled folder.

use super::training_set::TrainingSetArgs;
use super::GlobalArgs;
use anyhow::Result;
use stance::encoder::articles::{embed_articles, ArticleVectors};
use stance::encoder::cache::{default_cache_dir, CachedEncoder};
use stance::encoder::{self, Encoder};
use stance::stance::baseline::article_text;
use stance::stance::decision::{DecisionRule, ThresholdScore};
use stance::stance::head::FeatureGroup;
use stance::stance::train::{train_and_save, Example, HeadEncoder, Recipe};
use stance::stance::Article;
use std::io::Write;
use std::process::ExitCode;

/// Which system to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrainTarget {
    /// The head on transformer features (and the baseline it stacks).
    Transformer,
    /// Only the bag-of-words baseline (no model needed).
    Baseline,
}

/// Arguments of `stance train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    #[command(flatten)]
    training: TrainingSetArgs,
    /// What to train.
    #[arg(long, value_enum, default_value_t = TrainTarget::Transformer)]
    encoder: TrainTarget,
    /// Feature groups of the head, comma-separated (e.g. `evidence,words`).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Recipe::default().features)]
    features: Vec<FeatureGroup>,
    /// Cross-validation folds.
    #[arg(long, default_value_t = Recipe::default().folds)]
    folds: usize,
    /// Cross-validation rounds, each with its own folds: the stacked models' out-of-fold outputs
    /// are averaged over them, so the head does not hang on one way of dealing the folds.
    #[arg(long, default_value_t = Recipe::default().repeats, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    repeats: usize,
    /// Seed for folds and optimiser.
    #[arg(long, default_value_t = Recipe::default().seed)]
    seed: u64,
    /// Head epochs.
    #[arg(long, default_value_t = Recipe::default().epochs)]
    epochs: usize,
    /// Head AdamW weight decay.
    #[arg(long, default_value_t = Recipe::default().weight_decay)]
    weight_decay: f64,
    /// Head AdamW learning rate.
    #[arg(long, default_value_t = Recipe::default().learning_rate)]
    learning_rate: f64,
}

impl TrainArgs {
    fn recipe(&self) -> Recipe {
        Recipe {
            folds: self.folds,
            repeats: self.repeats,
            seed: self.seed,
            epochs: self.epochs,
            weight_decay: self.weight_decay,
            learning_rate: self.learning_rate,
            features: self.features.clone(),
        }
    }
}

/// Trains, prints cross-validated macro-F1, and saves artefacts with their cards.
pub fn run(global: &GlobalArgs, args: TrainArgs) -> Result<ExitCode> {
    let training = args.training.load(global)?;
    let (spec, out) = (&training.spec, &training.out);
    let items = training.items();
    anyhow::ensure!(
        items.len() >= args.folds * 2,
        "{}: only {} articles in split {:?}",
        args.training.data.display(),
        items.len(),
        args.training.split
    );
    let labels = items.iter().map(|a| spec.gold_index(&a.label, &a.doc.path)).collect::<stance::Result<Vec<_>>>()?;

    let needs_encoder = args.encoder == TrainTarget::Transformer;
    let (encoder, files) = if needs_encoder {
        let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
        (Some(encoder::load(&files, global.encoder_options())?), Some(files))
    } else {
        (None, None)
    };
    let cached = encoder.as_ref().map(|e| CachedEncoder::open(e, &default_cache_dir())).transpose()?;
    let vectors: Vec<ArticleVectors> = match &cached {
        Some(c) => embed_articles(c, &items.iter().map(|a| &a.doc).collect::<Vec<_>>())?,
        None => vec![ArticleVectors::default(); items.len()],
    };
    let examples: Vec<Example<'_>> = items
        .iter()
        .zip(&vectors)
        .zip(&labels)
        .map(|((a, v), &label)| {
            let article = Article::new(&a.doc, v);
            Example { text: article_text(&article), article, label }
        })
        .collect();
    let recipe = args.recipe();
    let head_encoder = match (&encoder, &files) {
        (Some(encoder), Some(files)) => {
            Some(HeadEncoder { encoder: encoder as &dyn Encoder, id: files.spec.versioned_id() })
        }
        _ => None,
    };
    let report = train_and_save(spec, &examples, head_encoder, &recipe, &training.description, out)?;

    let cv = format!("{}-fold ×{}", args.folds, args.repeats);
    let mut stdout = std::io::stdout().lock();
    let baseline = &report.baseline;
    writeln!(stdout, "baseline  {cv} macro-F1 {:.3} ± {:.3}", baseline.mean_macro_f1, baseline.std_macro_f1)?;
    if let Some(head) = &report.head {
        writeln!(
            stdout,
            "head      {cv} macro-F1 {:.3} ± {:.3}  (features: {:?})",
            head.cv.mean_macro_f1, head.cv.std_macro_f1, args.features
        )?;
        print_decision(&mut stdout, head.rule, &head.thresholds)?;
    }
    if let Some(encoder) = &encoder {
        // Heads are kept per encoder (the baseline reads none).
        let name = encoder.model_name();
        let head = stance::stance::head::TrainedHead::artefact(out, spec, &name);
        let folder = head.json_path().parent().unwrap_or(out);
        writeln!(stdout, "head and sentence probe of {name} saved to {}", folder.display())?;
    }
    writeln!(stdout, "saved to {}", out.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the chosen decision rule and the out-of-fold macro-F1 it was chosen by.
fn print_decision(out: &mut impl Write, rule: DecisionRule, scores: &[ThresholdScore]) -> std::io::Result<()> {
    let curve: Vec<String> =
        scores.iter().map(|s| format!("{:.2}:{:.3}", s.min_side_probability, s.macro_f1)).collect();
    writeln!(
        out,
        "decision  call a side at p ≥ {:.2}, else neutral (out-of-fold macro-F1 by threshold: {})",
        rule.min_side_probability,
        curve.join(" ")
    )
}
