//! `stance compare`: every system on the same labelled articles in one run, with the metrics,
//! bootstrap intervals, paired differences, throughput and summary quality that go into the report.

use super::calibration::Calibration;
use super::dataset::LabelledArticle;
use super::metrics::{bootstrap_macro_f1, ClassificationReport};
use super::oracle::ORACLE_NAME;
use super::paired::{paired_comparison, PairedComparison};
use super::summaries::{summary_results, SummaryResult};
use crate::encoder::articles::ArticleVectors;
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
    /// System name (with its encoder's model name, `head (all-mpnet-base-v2)`, across models).
    pub name: String,
    /// The encoder (`id@revision`) of an encoder system compared across models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Whether the system runs the encoder (its results depend on the model).
    #[serde(skip)]
    pub uses_encoder: bool,
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
    let gold = items.iter().map(|a| spec.gold_index(&a.label, &a.doc.path)).collect::<Result<Vec<_>>>()?;
    let articles: Vec<Article<'_>> = items.iter().zip(vectors).map(|(a, v)| Article::new(&a.doc, v)).collect();
    let mut systems = Vec::new();
    let mut predicted = Vec::new();
    for c in contenders {
        let start = Instant::now();
        let predictions = articles.iter().map(|a| c.classifier.classify(a)).collect::<Result<Vec<_>>>()?;
        let seconds = start.elapsed().as_secs_f64() + if c.uses_encoder { embed_seconds } else { 0.0 };
        let pred: Vec<usize> = predictions.iter().map(|p| p.index).collect();
        let report = ClassificationReport::compute(&labels, &gold, &pred)?.with_polar(spec.polar_indices())?;
        let confidence: Vec<f64> = predictions
            .iter()
            .map(|p| p.probabilities.iter().find(|(l, _)| *l == p.label).map_or(0.0, |(_, q)| f64::from(*q)))
            .collect();
        let correct: Vec<bool> = gold.iter().zip(&pred).map(|(g, p)| g == p).collect();
        systems.push(SystemResult {
            model: None,
            uses_encoder: c.uses_encoder,
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

/// One model's comparison, to be merged with others by [`merge_models`].
pub struct ModelRun {
    /// The encoder's model name (`all-mpnet-base-v2`), added to the names of its systems.
    pub name: String,
    /// The encoder, `id@revision`.
    pub model: String,
    /// Its systems on the articles.
    pub report: CompareReport,
}

/// `stance compare --model A,B`: several models' reports on the same `items` as one report. Each
/// encoder system and summarizer is named with its model (`head (all-mpnet-base-v2)`); each
/// model's own paired differences are kept; and every system of a later model is measured against
/// the first model's system of the same name (paired on the same articles), so `head (B) − head (A)`
/// is the difference the encoder makes. The summary oracle, which reads no encoder, appears once.
pub fn merge_models(spec: &Spec, items: &[&LabelledArticle], runs: Vec<ModelRun>) -> Result<CompareReport> {
    let first = runs.first().ok_or_else(|| Error::Other("no model to compare".into()))?;
    let (data, n, labels) = (first.report.data.clone(), first.report.n, first.report.labels.clone());
    let gold = items.iter().map(|a| spec.gold_index(&a.label, &a.doc.path)).collect::<Result<Vec<_>>>()?;
    let indices =
        |s: &SystemResult| s.predictions.iter().map(|l| spec.gold_index(l, &s.name)).collect::<Result<Vec<_>>>();
    let named = |system: &str, model_name: &str| format!("{system} ({model_name})");
    let mut across = Vec::new();
    for run in &runs[1..] {
        for system in &run.report.systems {
            if let Some(base) = first.report.systems.iter().find(|s| s.name == system.name) {
                let names = (named(&system.name, &run.name), named(&base.name, &first.name));
                let (ours, theirs) = (indices(system)?, indices(base)?);
                let preds = (ours.as_slice(), theirs.as_slice());
                across.push(paired_comparison(
                    (&names.0, &names.1),
                    &gold,
                    preds,
                    labels.len(),
                    BOOTSTRAP_ITERATIONS,
                    7,
                )?);
            }
        }
    }
    let mut merged =
        CompareReport { data, n, labels, embed_seconds: 0.0, systems: vec![], paired: vec![], summaries: vec![] };
    let mut oracle = None;
    for ModelRun { name: model_name, model, report } in runs {
        merged.embed_seconds += report.embed_seconds;
        let encoder_systems: Vec<String> =
            report.systems.iter().filter(|s| s.uses_encoder).map(|s| s.name.clone()).collect();
        let tag = |name: String| if encoder_systems.contains(&name) { named(&name, &model_name) } else { name };
        merged.systems.extend(report.systems.into_iter().map(|s| SystemResult {
            model: s.uses_encoder.then(|| model.clone()),
            name: tag(s.name.clone()),
            ..s
        }));
        merged.paired.extend(report.paired.into_iter().map(|p| PairedComparison {
            system: tag(p.system.clone()),
            against: tag(p.against.clone()),
            ..p
        }));
        for summary in report.summaries {
            if summary.name == ORACLE_NAME {
                // The oracle reads the reference, not the encoder: one row, the first model's
                // (whose vectors give its coverage and redundancy).
                oracle.get_or_insert(summary);
            } else {
                merged.summaries.push(SummaryResult { name: named(&summary.name, &model_name), ..summary });
            }
        }
    }
    merged.summaries.extend(oracle);
    merged.paired.extend(across);
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::articles::embed_articles;
    use crate::encoder::word_hash::WordHashEncoder;
    use crate::stance::baseline::Majority;
    use crate::stance::fixtures::labelled_corpus;
    use crate::stance::zero_shot::{ExemplarScorer, ZeroShotClassifier, ZeroShotParams};
    use crate::summarize::{CentralitySummarizer, LeadSummarizer};

    fn items(spec: &Spec) -> Vec<LabelledArticle> {
        labelled_corpus(spec, 4)
            .into_iter()
            .map(|(doc, label)| LabelledArticle {
                reference_summary: Some(doc.sentences[0].text.clone()),
                label: spec.labels[label].name.clone(),
                split: None,
                doc,
            })
            .collect()
    }

    fn contenders(spec: &Spec) -> Vec<Contender> {
        let scorer = ExemplarScorer::new(spec.clone(), &WordHashEncoder, ZeroShotParams::default()).unwrap();
        vec![
            Contender { classifier: Box::new(ZeroShotClassifier::new(scorer)), uses_encoder: true },
            Contender { classifier: Box::new(Majority::from_counts(spec, &[1, 1, 2])), uses_encoder: false },
        ]
    }

    /// Every figure offline, the same on a second run (timings aside); an unknown gold label is an
    /// error, not a neutral.
    #[test]
    fn compares_systems_and_summarizers_offline() {
        let spec = Spec::builtin();
        let owned = items(&spec);
        let items: Vec<&LabelledArticle> = owned.iter().collect();
        let vectors = embed_articles(&WordHashEncoder, &items.iter().map(|a| &a.doc).collect::<Vec<_>>()).unwrap();
        let summarizers: [&dyn Summarizer; 2] = [&CentralitySummarizer::default(), &LeadSummarizer];
        let run = |items: &[&LabelledArticle]| {
            let mut report = compare("fixture".into(), &spec, items, &vectors, 0.0, &contenders(&spec), &summarizers)?;
            report.systems.iter_mut().for_each(|s| s.articles_per_second = 0.0);
            Ok::<_, crate::Error>(serde_json::to_string(&report).unwrap())
        };
        let json = run(&items).unwrap();
        assert_eq!(json, run(&items).unwrap());
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(report["n"], 12);
        assert_eq!(report["systems"][0]["macro_f1"], 1.0, "the exemplars themselves are easy");
        assert_eq!(report["systems"][1]["predictions"][0], "neutral");
        assert_eq!(report["paired"].as_array().unwrap().len(), 1);
        let rouge1 = |k: usize| report["summaries"][k]["rouge1"]["mean"].as_f64().unwrap();
        assert!(rouge1(0) > 0.3 && rouge1(1) > 0.3, "both summaries hold the reference sentence's words");
        assert_eq!(report["summaries"][2]["name"], ORACLE_NAME);
        assert!(rouge1(2) > 0.99, "the reference is the first sentence, so the oracle finds it: {}", rouge1(2));

        let mut unknown = owned[0].clone();
        unknown.label = "pro-Delhi".into();
        let err = run(&[&unknown]).unwrap_err().to_string();
        assert!(err.contains("pro-Delhi"), "{err}");
    }

    /// Where only some articles have a reference, every ROUGE row and the oracle are over those
    /// same articles, and the oracle's paired difference is to lead-3 on them.
    #[test]
    fn summary_rows_are_over_the_articles_with_a_reference() {
        let spec = Spec::builtin();
        let mut owned = items(&spec);
        owned.iter_mut().step_by(2).for_each(|item| item.reference_summary = None);
        let items: Vec<&LabelledArticle> = owned.iter().collect();
        let vectors = embed_articles(&WordHashEncoder, &items.iter().map(|a| &a.doc).collect::<Vec<_>>()).unwrap();
        let summarizers: [&dyn Summarizer; 2] = [&CentralitySummarizer::default(), &LeadSummarizer];
        let report = compare("fixture".into(), &spec, &items, &vectors, 0.0, &contenders(&spec), &summarizers).unwrap();
        let names: Vec<&str> = report.summaries.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["centrality", "lead-3", ORACLE_NAME]);
        assert!(report.summaries.iter().all(|s| s.with_reference == owned.len() / 2), "{:?}", report.summaries);
        let (lead, oracle) = (&report.summaries[1], &report.summaries[2]);
        let mean = |s: &SummaryResult| s.rouge1.unwrap().mean;
        let delta = oracle.versus_lead3.as_ref().unwrap().rouge1.mean;
        assert!((delta - (mean(oracle) - mean(lead))).abs() < 1e-9, "paired article by article: {delta}");
        assert!(mean(oracle) >= mean(lead));
    }

    /// `compare --model A,B`: encoder systems and summarizers named with their model, the
    /// encoder-free ones once, and B's systems paired against A's of the same name.
    #[test]
    fn merges_models_and_pairs_their_systems() {
        let spec = Spec::builtin();
        let owned = items(&spec);
        let items: Vec<&LabelledArticle> = owned.iter().collect();
        let vectors = embed_articles(&WordHashEncoder, &items.iter().map(|a| &a.doc).collect::<Vec<_>>()).unwrap();
        let run = |name: &str, contenders: &[Contender]| ModelRun {
            name: name.into(),
            model: format!("org/{name}@r"),
            report: compare("fixture".into(), &spec, &items, &vectors, 1.0, contenders, &[&LeadSummarizer]).unwrap(),
        };
        let both = contenders(&spec);
        let runs = vec![run("a", &both), run("b", &both[..1])];
        let merged = merge_models(&spec, &items, runs).unwrap();
        let names: Vec<&str> = merged.systems.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["zero-shot (a)", "majority", "zero-shot (b)"]);
        assert_eq!(merged.systems[2].model.as_deref(), Some("org/b@r"));
        assert_eq!(merged.systems[1].model, None);
        assert_eq!(merged.embed_seconds, 2.0);
        let pairs: Vec<(&str, &str)> = merged.paired.iter().map(|p| (p.system.as_str(), p.against.as_str())).collect();
        assert_eq!(pairs, [("zero-shot (a)", "majority"), ("zero-shot (b)", "zero-shot (a)")]);
        assert_eq!(merged.paired[1].delta_macro_f1, 0.0, "the same encoder twice");
        let summaries: Vec<&str> = merged.summaries.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(summaries, ["lead-3 (a)", "lead-3 (b)", ORACLE_NAME], "one oracle, after every model's summaries");
    }
}
