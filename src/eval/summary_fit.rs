//! Training the learned summarizer (`stance train-summarizer`): every candidate sentence of a
//! training article is an example whose target is its ROUGE-1 recall against the article's reference
//! summary (how much of the reference it covers; of the targets tried, recall, precision, F1 and
//! greedy-oracle membership, recall cross-validated best). The `summary_direction` feature is each
//! sentence's projection on a ridge regression of those targets on the sentence vectors, computed out
//! of fold (inner folds) for the rows the scorer is fitted on, so the scorer weighs it as it will
//! behave on unseen articles. The ridge penalty and how summaries are chosen from the scores (the
//! reference length the predicted F1 assumes and the redundancy penalty) are chosen by k-fold
//! cross-validation over articles on the ROUGE-1 F1 of whole summaries.

use super::dataset::LabelledArticle;
use super::rouge::{rouge, rouge1_recall};
use crate::encoder::articles::ArticleVectors;
use crate::numeric::folds::stratified_folds;
use crate::numeric::ridge::ridge;
use crate::stance::Article;
use crate::summarize::features::{projection, sentence_features, DIRECTION_FEATURE, FEATURE_NAMES, N_FEATURES};
use crate::summarize::learned::{Selection, SettingScore, SummaryCard};
use crate::summarize::scorer::{FitConfig, SentenceScorer};
use crate::summarize::{summary_candidates, LeadSummarizer, LearnedSummarizer, Summarizer, SummaryOptions};
use crate::{Error, Result};

/// How to train.
#[derive(Debug, Clone)]
pub struct SummaryTrainOptions {
    /// Cross-validation folds (over articles).
    pub folds: usize,
    /// Seed of the folds.
    pub seed: u64,
    /// Optimiser settings.
    pub fit: FitConfig,
    /// Selection settings to choose from.
    pub settings: Vec<Selection>,
    /// Ridge penalties of the learned direction to choose from.
    pub direction_ridges: Vec<f64>,
}

impl Default for SummaryTrainOptions {
    fn default() -> Self {
        SummaryTrainOptions {
            folds: 5,
            seed: 42,
            fit: FitConfig::default(),
            settings: [80, 100, 150]
                .into_iter()
                .flat_map(|reference_words| {
                    [0.01, 0.02, 0.03].map(|redundancy| Selection { reference_words, redundancy, max_words: 100 })
                })
                .collect(),
            direction_ridges: vec![0.3, 1.0, 3.0, 10.0],
        }
    }
}

/// A trained summarizer and its card.
#[derive(Debug, Clone)]
pub struct SummaryTraining {
    /// The summarizer with the chosen selection setting.
    pub summarizer: LearnedSummarizer,
    /// What it was trained on and how well it cross-validated.
    pub card: SummaryCard,
}

/// One training article, ready for fitting and for scoring summaries.
struct Prepared<'a> {
    article: Article<'a>,
    reference: &'a str,
    rows: Vec<[f32; N_FEATURES]>,
    targets: Vec<f32>,
    /// Each candidate sentence's vector (empty without an encoder).
    vectors: Vec<&'a [f32]>,
}

/// Trains on the `items` that have a reference summary (`vectors` are theirs, in order).
pub fn train_summarizer(
    items: &[&LabelledArticle],
    vectors: &[ArticleVectors],
    data: String,
    options: &SummaryTrainOptions,
) -> Result<SummaryTraining> {
    let prepared: Vec<Prepared<'_>> = items
        .iter()
        .zip(vectors)
        .filter_map(|(item, v)| item.reference_summary.as_deref().map(|r| (item, v, r)))
        .filter_map(|(item, v, reference)| {
            let article = Article::new(&item.doc, v);
            let candidates = summary_candidates(&item.doc, item.doc.sentences.len());
            let rows = sentence_features(&item.doc, &candidates, &v.sentences, &v.document, &[]);
            let targets =
                candidates.iter().map(|&i| rouge1_recall(&item.doc.sentences[i].text, reference) as f32).collect();
            let vectors = candidates.iter().map(|&i| v.sentences.get(i).map_or(&[][..], Vec::as_slice)).collect();
            (!candidates.is_empty()).then_some(Prepared { article, reference, rows, targets, vectors })
        })
        .collect();
    if prepared.len() < 2 * options.folds.max(2) || options.settings.is_empty() || options.direction_ridges.is_empty() {
        return Err(Error::Other(format!(
            "training the summarizer needs at least {} articles with reference summaries, a selection setting and a ridge penalty; got {} articles",
            2 * options.folds.max(2),
            prepared.len()
        )));
    }
    let fold_of = stratified_folds(&vec![0; prepared.len()], options.folds, options.seed)?;
    let grid: Vec<(f64, Selection)> = options
        .direction_ridges
        .iter()
        .flat_map(|&ridge| options.settings.iter().map(move |&selection| (ridge, selection)))
        .collect();
    let mut totals = vec![[0.0f64; 4]; grid.len()];
    let mut lead = [0.0f64; 4];
    for fold in 0..options.folds {
        let train: Vec<&Prepared<'_>> =
            prepared.iter().zip(&fold_of).filter(|(_, &f)| f != fold).map(|(p, _)| p).collect();
        let scorers: Vec<SentenceScorer> =
            options.direction_ridges.iter().map(|&r| fit(&train, options, r)).collect::<Result<_>>()?;
        // One summarizer per point of `grid`, which runs penalty by penalty.
        let summarizers: Vec<LearnedSummarizer> = scorers
            .iter()
            .flat_map(|scorer| {
                options.settings.iter().map(|&selection| LearnedSummarizer { scorer: scorer.clone(), selection })
            })
            .collect();
        for (p, _) in prepared.iter().zip(&fold_of).filter(|(_, &f)| f == fold) {
            for (total, summarizer) in totals.iter_mut().zip(&summarizers) {
                add(total, summarizer, p);
            }
            add(&mut lead, &LeadSummarizer, p);
        }
    }
    let n = prepared.len() as f64;
    let score = |t: &[f64; 4], selection, direction_ridge| SettingScore {
        selection,
        direction_ridge,
        rouge1: t[0] / n,
        rouge2: t[1] / n,
        rouge_l: t[2] / n,
        words: t[3] / n,
    };
    let cv: Vec<SettingScore> =
        totals.iter().zip(&grid).map(|(t, &(ridge, s))| score(t, Some(s), Some(ridge))).collect();
    // The first of equal scores wins, so the choice does not depend on float noise in the order.
    let best = cv.iter().fold(&cv[0], |best, s| if s.rouge1 > best.rouge1 { s } else { best });
    let selection = best.selection.unwrap_or(options.settings[0]);
    let direction_ridge = best.direction_ridge.unwrap_or(options.direction_ridges[0]);
    let scorer = fit(&prepared.iter().collect::<Vec<_>>(), options, direction_ridge)?;
    let card = SummaryCard {
        features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        target: "rouge1-recall".into(),
        selection,
        data,
        articles: prepared.len(),
        seed: options.seed,
        fit: options.fit.clone(),
        cv_folds: options.folds,
        cv,
        cv_lead3: score(&lead, None, None),
        weights: scorer.weights().to_vec(),
        direction_ridge,
        encoder: None,
    };
    let summarizer = LearnedSummarizer { scorer, selection };
    Ok(SummaryTraining { summarizer, card })
}

/// Fits a scorer on the sentences of `articles`, each article weighing as much as any other, its
/// direction by ridge regression with penalty `ridge`: on all of `articles` for the scorer to keep,
/// and out of fold for the rows it is fitted on.
fn fit(articles: &[&Prepared<'_>], options: &SummaryTrainOptions, ridge: f64) -> Result<SentenceScorer> {
    let inner_folds = options.folds.min(articles.len());
    let fold_of = stratified_folds(&vec![0; articles.len()], inner_folds, options.seed + 1)?;
    let mut rows: Vec<Vec<[f32; N_FEATURES]>> = articles.iter().map(|p| p.rows.clone()).collect();
    for fold in 0..inner_folds {
        let others: Vec<&Prepared<'_>> =
            articles.iter().zip(&fold_of).filter(|(_, &f)| f != fold).map(|(p, _)| *p).collect();
        let direction = direction(&others, ridge)?;
        for ((own, p), _) in rows.iter_mut().zip(articles).zip(&fold_of).filter(|(_, &f)| f == fold) {
            project(own, &p.vectors, &direction);
        }
    }
    let rows: Vec<[f32; N_FEATURES]> = rows.into_iter().flatten().collect();
    let targets: Vec<f32> = articles.iter().flat_map(|p| p.targets.iter().copied()).collect();
    let weights: Vec<f32> =
        articles.iter().flat_map(|p| std::iter::repeat_n(1.0 / p.rows.len() as f32, p.rows.len())).collect();
    SentenceScorer::fit(&rows, &targets, &weights, direction(articles, ridge)?, &options.fit)
}

/// The ridge regression of the sentences' targets on their vectors; empty when the articles have no
/// vectors (no encoder), so the feature is zero.
fn direction(articles: &[&Prepared<'_>], ridge_penalty: f64) -> Result<Vec<f32>> {
    let (vectors, targets): (Vec<&[f32]>, Vec<f32>) = articles
        .iter()
        .flat_map(|p| p.vectors.iter().copied().zip(p.targets.iter().copied()))
        .filter(|(v, _)| !v.is_empty())
        .unzip();
    if vectors.is_empty() {
        return Ok(Vec::new());
    }
    ridge(&vectors, &targets, ridge_penalty)
}

/// Sets each row's `summary_direction` feature to its sentence vector's projection on `direction`.
fn project(rows: &mut [[f32; N_FEATURES]], vectors: &[&[f32]], direction: &[f32]) {
    for (row, v) in rows.iter_mut().zip(vectors) {
        row[DIRECTION_FEATURE] = projection(v, direction);
    }
}

/// Adds one summary's ROUGE-1/2/L and length to `total`.
fn add(total: &mut [f64; 4], summarizer: &dyn Summarizer, p: &Prepared<'_>) {
    let summary = summarizer.summarize(&p.article, &SummaryOptions::default(), &[]);
    let r = rouge(&summary.text, p.reference);
    for (t, v) in total.iter_mut().zip([r.rouge1, r.rouge2, r.rouge_l, summary.text.split_whitespace().count() as f64])
    {
        *t += v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::document_from_text;

    /// An article whose reference summary is what its one sentence with figures says.
    fn article(k: usize) -> LabelledArticle {
        let mut body: Vec<String> = (0..6)
            .map(|i| format!("Officials in district {k} spoke about matter number {i} at length today."))
            .collect();
        let key = 1 + k % 5;
        body[key] = format!("Border guards reported {k} trucks and 40 traders stranded at Torkham after the closure.");
        let raw = format!("Title {k}\n\n{}\n", body.join(" "));
        LabelledArticle {
            doc: document_from_text(&format!("a{k}"), "a.txt", &raw).unwrap(),
            label: "neutral".into(),
            split: Some("train".into()),
            reference_summary: Some(format!(
                "At Torkham {k} trucks and 40 traders were stranded, border guards reported."
            )),
        }
    }

    #[test]
    fn learns_which_sentences_carry_the_reference_and_records_its_cross_validation() {
        let items: Vec<LabelledArticle> = (0..20).map(article).collect();
        let refs: Vec<&LabelledArticle> = items.iter().collect();
        let vectors = vec![ArticleVectors::default(); items.len()];
        let setting = |reference_words| Selection { reference_words, redundancy: 0.0, max_words: 100 };
        let options = SummaryTrainOptions {
            settings: vec![setting(200), setting(15)],
            direction_ridges: vec![1.0],
            ..SummaryTrainOptions::default()
        };
        let trained = train_summarizer(&refs, &vectors, "synthetic".into(), &options).unwrap();
        let card = &trained.card;
        assert_eq!((card.articles, card.cv.len(), card.cv_folds), (20, 2, 5));
        // One sentence is the whole reference: the shorter setting wins, and beats lead-3.
        assert_eq!(card.selection, setting(15));
        assert!(card.cv[0].rouge1 > card.cv_lead3.rouge1 + 0.2, "{card:?}");
        assert!(trained.summarizer.scorer.direction().is_empty(), "no vectors, no direction");
        let fresh = article(99);
        let view = Article { doc: &fresh.doc, sentence_vectors: &[], doc_vector: &[] };
        let summary = trained.summarizer.summarize(&view, &SummaryOptions::default(), &[]);
        assert_eq!(summary.sentences, vec![1 + 99 % 5]);

        let too_few = SummaryTrainOptions { folds: 11, ..options.clone() };
        assert!(train_summarizer(&refs, &vectors, "synthetic".into(), &too_few).is_err());
    }

    /// Sentence vectors that say which sentence carries the reference: the key sentence points one
    /// way, the others another, with a little spread.
    fn vectors_of(item: &LabelledArticle) -> ArticleVectors {
        let k: usize = item.doc.id[1..].parse().unwrap();
        let sentences: Vec<Vec<f32>> = (0..item.doc.sentences.len())
            .map(|i| {
                let spread = ((i + k) % 3) as f32 * 0.1;
                if item.doc.sentences[i].text.contains("Torkham") {
                    vec![1.0, spread, 0.0]
                } else {
                    vec![0.0, spread, 1.0]
                }
            })
            .collect();
        ArticleVectors { document: vec![0.0, 0.0, 1.0], sentences, windows: 1 }
    }

    #[test]
    fn learns_a_direction_from_the_vectors_and_chooses_its_penalty_by_cross_validation() {
        let items: Vec<LabelledArticle> = (0..20).map(article).collect();
        let refs: Vec<&LabelledArticle> = items.iter().collect();
        let vectors: Vec<ArticleVectors> = items.iter().map(vectors_of).collect();
        let options = SummaryTrainOptions {
            settings: vec![Selection { reference_words: 15, redundancy: 0.0, max_words: 100 }],
            direction_ridges: vec![0.5, 2.0],
            ..SummaryTrainOptions::default()
        };
        let trained = train_summarizer(&refs, &vectors, "synthetic".into(), &options).unwrap();
        let card = &trained.card;
        assert_eq!(card.cv.len(), 2, "one row per penalty and setting");
        assert!(options.direction_ridges.contains(&card.direction_ridge));
        let direction = trained.summarizer.scorer.direction();
        assert_eq!(direction.len(), 3);
        assert!(direction[0] > direction[2], "the key sentences' side scores higher: {direction:?}");
        let weight = card.weights[DIRECTION_FEATURE];
        assert!(weight > 0.0, "the scorer uses the projection: {card:?}");
    }
}
