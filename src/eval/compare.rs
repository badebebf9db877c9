//! `stance compare`: every system on the same labelled articles in one run, with the metrics,
//! bootstrap intervals, paired differences, throughput and summary quality that go into the report.

use super::calibration::Calibration;
use super::dataset::LabelledArticle;
use super::metrics::{bootstrap_macro_f1, ClassificationReport};
use super::paired::{paired_comparison, PairedComparison};
use super::summaries::{summary_results, SummaryResult};
use crate::pipeline::ArticleVectors;
use crate::stance::{Article, Spec, StanceClassifier};
use crate::summarize::Summarizer;
use crate::{Error, Result};
use serde::Serialize;
use std::time::Instant;

/// Bootstrap resamples behind each interval.
const BOOTSTRAP_ITERATIONS: usize = 2000;

/// One stance system's results.
#[derive(Debug, Clone, Serialize)]
pub struct SystemResult {
    /// System name.
    pub name: String,
    /// Accuracy, macro-F1, per-class P/R/F1, F_avg over the polar classes, confusion matrix.
    #[serde(flatten)]
    pub report: ClassificationReport,
    /// 95% bootstrap interval of macro-F1.
    pub macro_f1_ci95: (f64, f64),
    /// Expected calibration error and reliability table of the chosen label's probability.
    pub calibration: Calibration,
    /// Articles per second, embedding time included for systems that use the encoder.
    pub articles_per_second: f64,
    /// Predicted label of every article, in input order.
    pub predictions: Vec<String>,
}

/// The whole comparison; `--format json` prints exactly this.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// The labelled folder and split.
    pub data: String,
    /// Number of articles.
    pub n: usize,
    /// Labels in spec order.
    pub labels: Vec<String>,
    /// Seconds spent embedding all articles once (shared by encoder systems).
    pub embed_seconds: f64,
    /// Per stance system.
    pub systems: Vec<SystemResult>,
    /// The first system measured against each of the others, on the same articles.
    pub paired: Vec<PairedComparison>,
    /// Per summarizer, with ROUGE intervals and the paired difference to lead-3.
    pub summaries: Vec<SummaryResult>,
}

/// A stance system under comparison.
pub struct Contender {
    /// The classifier.
    pub classifier: Box<dyn StanceClassifier>,
    /// Whether its throughput should include embedding time.
    pub uses_encoder: bool,
}

/// Runs every contender and summarizer on `items` whose vectors are `vectors` (computed in `embed_seconds`).
pub fn compare(
    data: String,
    spec: &Spec,
    items: &[&LabelledArticle],
    vectors: &[ArticleVectors],
    embed_seconds: f64,
    contenders: &[Contender],
    summarizers: &[&dyn Summarizer],
) -> Result<CompareReport> {
    let labels = spec.label_names();
    let gold = items
        .iter()
        .map(|a| {
            spec.index_of(&a.label).ok_or_else(|| Error::Input {
                input: a.doc.path.clone(),
                message: format!("label {:?} is not in spec {}", a.label, spec.name),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let articles: Vec<Article<'_>> = items
        .iter()
        .zip(vectors)
        .map(|(a, v)| Article { doc: &a.doc, sentence_vectors: &v.sentences, doc_vector: &v.document })
        .collect();
    let mut systems = Vec::new();
    let mut predicted = Vec::new();
    for c in contenders {
        let start = Instant::now();
        let predictions = articles.iter().map(|a| c.classifier.classify(a)).collect::<Result<Vec<_>>>()?;
        let seconds = start.elapsed().as_secs_f64() + if c.uses_encoder { embed_seconds } else { 0.0 };
        let pred: Vec<usize> =
            predictions.iter().map(|p| spec.index_of(&p.label).unwrap_or(spec.neutral_index())).collect();
        let report = ClassificationReport::compute(&labels, &gold, &pred)?.with_polar(spec.polar_indices())?;
        let confidence: Vec<f64> = predictions
            .iter()
            .map(|p| p.probabilities.iter().find(|(l, _)| *l == p.label).map_or(0.0, |(_, q)| f64::from(*q)))
            .collect();
        let correct: Vec<bool> = gold.iter().zip(&pred).map(|(g, p)| g == p).collect();
        systems.push(SystemResult {
            calibration: Calibration::compute(&confidence, &correct),
            name: c.classifier.name().to_string(),
            macro_f1_ci95: bootstrap_macro_f1(&gold, &pred, labels.len(), BOOTSTRAP_ITERATIONS, 7)?,
            report,
            articles_per_second: items.len() as f64 / seconds.max(1e-9),
            predictions: predictions.into_iter().map(|p| p.label).collect(),
        });
        predicted.push(pred);
    }
    let paired = (1..systems.len())
        .map(|k| {
            let names = (systems[0].name.as_str(), systems[k].name.as_str());
            let preds = (predicted[0].as_slice(), predicted[k].as_slice());
            paired_comparison(names, &gold, preds, labels.len(), BOOTSTRAP_ITERATIONS, 7)
        })
        .collect::<Result<Vec<_>>>()?;
    let summaries = summary_results(summarizers, items, &articles, BOOTSTRAP_ITERATIONS, 7)?;
    Ok(CompareReport { data, n: items.len(), labels, embed_seconds, systems, paired, summaries })
}
