//! Summary quality for `stance compare`: ROUGE-1/2/L against reference summaries with 95% bootstrap
//! intervals, each summarizer's paired difference to lead-3 (both scored on the same bootstrap
//! resamples of articles), and the reference-free coverage, redundancy and compression. Where there
//! are references, a last row gives the extractive ceiling, the greedy [`oracle`](super::oracle).

use super::dataset::LabelledArticle;
use super::metrics::{bootstrap_interval, compression_ratio, coverage, redundancy};
use super::oracle::{oracle_summary, ORACLE_NAME};
use super::rouge::rouge;
use crate::numeric::vector::{mean_rows, normalize};
use crate::stance::Article;
use crate::summarize::{Summarizer, Summary, SummaryOptions};
use crate::Result;
use serde::Serialize;

/// One ROUGE variant's mean F1 with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The mean over articles.
    pub mean: f64,
    /// 95% bootstrap interval of the mean.
    pub ci95: (f64, f64),
}

/// A summarizer's ROUGE minus another's on the same articles, with paired bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RougeDelta {
    /// The summarizer measured against.
    pub against: String,
    /// ROUGE-1 difference.
    pub rouge1: Interval,
    /// ROUGE-2 difference.
    pub rouge2: Interval,
    /// ROUGE-L difference.
    pub rouge_l: Interval,
}

/// One summarizer's results.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryResult {
    /// Summarizer name.
    pub name: String,
    /// Articles with a reference summary (ROUGE is over these).
    pub with_reference: usize,
    /// Mean ROUGE-1 F1 against the references, with its interval (absent without references).
    pub rouge1: Option<Interval>,
    /// Mean ROUGE-2 F1.
    pub rouge2: Option<Interval>,
    /// Mean ROUGE-L F1.
    pub rouge_l: Option<Interval>,
    /// Difference to lead-3 (absent for lead-3 itself and without references).
    pub versus_lead3: Option<RougeDelta>,
    /// Mean summary length in words.
    pub words: f64,
    /// Mean cosine of the summary's vector (mean of its sentence vectors) to the article's.
    pub coverage: f64,
    /// Mean of the largest pairwise cosine between a summary's sentences.
    pub redundancy: f64,
    /// Mean summary words / article words.
    pub compression: f64,
}

/// Per-article ROUGE-1, ROUGE-2, ROUGE-L of one summarizer (articles with references only).
type Scores = [Vec<f64>; 3];

/// Scores every summarizer on `items` (whose encoder view is `articles`), and the oracle after them
/// when any item has a reference; intervals from `iterations` resamples seeded with `seed`.
pub fn summary_results(
    summarizers: &[&dyn Summarizer],
    items: &[&LabelledArticle],
    articles: &[Article<'_>],
    iterations: usize,
    seed: u64,
) -> Result<Vec<SummaryResult>> {
    let options = SummaryOptions::default();
    let mut measured = summarizers
        .iter()
        .map(|s| measure(s.name(), items, articles, |_, article| s.summarize(article, &options, &[])))
        .collect::<Result<Vec<_>>>()?;
    // The oracle exists only where there is a reference: its words, coverage and compression are
    // those of the articles that have one.
    let (referenced, referenced_articles): (Vec<&LabelledArticle>, Vec<Article<'_>>) =
        items.iter().zip(articles).filter(|(item, _)| item.reference_summary.is_some()).map(|(i, a)| (*i, *a)).unzip();
    if !referenced.is_empty() {
        measured.push(measure(ORACLE_NAME, &referenced, &referenced_articles, |item, article| {
            let reference = item.reference_summary.as_deref().unwrap_or_default();
            oracle_summary(article.doc, reference, &options)
        })?);
    }
    let lead = measured.iter().find(|(r, _)| r.name == "lead-3").map(|(_, s)| s.clone());
    measured
        .into_iter()
        .map(|(mut result, scores)| {
            if result.with_reference > 0 {
                let interval = |xs: &[f64]| -> Result<Interval> {
                    let ci95 = bootstrap_interval(xs.len(), iterations, seed, |sample| mean_of(xs, sample))?;
                    Ok(Interval { mean: mean_of(xs, &(0..xs.len()).collect::<Vec<_>>()), ci95 })
                };
                [result.rouge1, result.rouge2, result.rouge_l] =
                    [interval(&scores[0])?, interval(&scores[1])?, interval(&scores[2])?].map(Some);
                if let Some(lead) = lead.as_ref().filter(|_| result.name != "lead-3") {
                    debug_assert_eq!(scores[0].len(), lead[0].len(), "paired on the same articles");
                    let delta = |k: usize| -> Vec<f64> { scores[k].iter().zip(&lead[k]).map(|(a, b)| a - b).collect() };
                    result.versus_lead3 = Some(RougeDelta {
                        against: "lead-3".into(),
                        rouge1: interval(&delta(0))?,
                        rouge2: interval(&delta(1))?,
                        rouge_l: interval(&delta(2))?,
                    });
                }
            }
            Ok(result)
        })
        .collect()
}

fn mean_of(xs: &[f64], sample: &[usize]) -> f64 {
    sample.iter().map(|&i| xs[i]).sum::<f64>() / sample.len().max(1) as f64
}

/// Scores the summaries `summarize` writes for each item, under `name`.
fn measure(
    name: &str,
    items: &[&LabelledArticle],
    articles: &[Article<'_>],
    summarize: impl Fn(&LabelledArticle, &Article<'_>) -> Summary,
) -> Result<(SummaryResult, Scores)> {
    let mut scores: Scores = Default::default();
    let (mut cov, mut red, mut comp, mut words) = (0.0, 0.0, 0.0, 0.0);
    for (item, article) in items.iter().zip(articles) {
        let summary = summarize(item, article);
        if let Some(reference) = &item.reference_summary {
            let r = rouge(&summary.text, reference);
            for (list, value) in scores.iter_mut().zip([r.rouge1, r.rouge2, r.rouge_l]) {
                list.push(value);
            }
        }
        let rows: Vec<&[f32]> =
            summary.sentences.iter().filter_map(|&i| article.sentence_vectors.get(i).map(Vec::as_slice)).collect();
        if !rows.is_empty() {
            let mut centroid = mean_rows(&rows, None)?;
            normalize(&mut centroid);
            cov += coverage(&centroid, article.doc_vector) as f64;
            red += redundancy(&rows) as f64;
        }
        let length = summary.text.split_whitespace().count();
        words += length as f64;
        comp += compression_ratio(length, article.doc.word_count()) as f64;
    }
    let n = items.len().max(1) as f64;
    let result = SummaryResult {
        name: name.to_string(),
        with_reference: scores[0].len(),
        rouge1: None,
        rouge2: None,
        rouge_l: None,
        versus_lead3: None,
        words: words / n,
        coverage: cov / n,
        redundancy: red / n,
        compression: comp / n,
    };
    Ok((result, scores))
}
