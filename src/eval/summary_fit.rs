//! Training the learned summarizer (`stance train-summarizer`): every candidate sentence of a
//! training article is an example whose target is its ROUGE-1 recall against the article's reference
//! summary (how much of the reference it covers; of the targets tried, recall, precision, F1 and
//! greedy-oracle membership, recall cross-validated best). How summaries are chosen from the scores
//! (the reference length the predicted F1 assumes and the redundancy penalty) is chosen by k-fold
//! cross-validation over articles on the ROUGE-1 F1 of whole summaries.

use super::dataset::LabelledArticle;
use super::rouge::{rouge, rouge1_recall};
use crate::encoder::articles::ArticleVectors;
use crate::numeric::folds::stratified_folds;
use crate::stance::Article;
use crate::summarize::features::{sentence_features, FEATURE_NAMES, N_FEATURES};
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
            let rows = sentence_features(&item.doc, &candidates, &v.sentences, &v.document);
            let targets =
                candidates.iter().map(|&i| rouge1_recall(&item.doc.sentences[i].text, reference) as f32).collect();
            (!candidates.is_empty()).then_some(Prepared { article, reference, rows, targets })
        })
        .collect();
    if prepared.len() < 2 * options.folds.max(2) || options.settings.is_empty() {
        return Err(Error::Other(format!(
            "training the summarizer needs at least {} articles with reference summaries and a selection setting; got {}",
            2 * options.folds.max(2),
            prepared.len()
        )));
    }
    let fold_of = stratified_folds(&vec![0; prepared.len()], options.folds, options.seed)?;
    let mut totals = vec![[0.0f64; 4]; options.settings.len()];
    let mut lead = [0.0f64; 4];
    for fold in 0..options.folds {
        let train: Vec<&Prepared<'_>> =
            prepared.iter().zip(&fold_of).filter(|(_, &f)| f != fold).map(|(p, _)| p).collect();
        let scorer = fit(&train, &options.fit)?;
        for (p, _) in prepared.iter().zip(&fold_of).filter(|(_, &f)| f == fold) {
            for (total, &selection) in totals.iter_mut().zip(&options.settings) {
                add(total, &LearnedSummarizer { scorer: scorer.clone(), selection }, p);
            }
            add(&mut lead, &LeadSummarizer, p);
        }
    }
    let n = prepared.len() as f64;
    let score = |t: &[f64; 4], selection| SettingScore {
        selection,
        rouge1: t[0] / n,
        rouge2: t[1] / n,
        rouge_l: t[2] / n,
        words: t[3] / n,
    };
    let cv: Vec<SettingScore> = totals.iter().zip(&options.settings).map(|(t, &s)| score(t, Some(s))).collect();
    // The first of equal scores wins, so the choice does not depend on float noise in the order.
    let best = cv.iter().fold(&cv[0], |best, s| if s.rouge1 > best.rouge1 { s } else { best });
    let selection = best.selection.unwrap_or(options.settings[0]);
    let scorer = fit(&prepared.iter().collect::<Vec<_>>(), &options.fit)?;
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
        cv_lead3: score(&lead, None),
        weights: scorer.weights().to_vec(),
        encoder: None,
    };
    let summarizer = LearnedSummarizer { scorer, selection };
    Ok(SummaryTraining { summarizer, card })
}

/// Fits a scorer on the sentences of `articles`, each article weighing as much as any other.
fn fit(articles: &[&Prepared<'_>], cfg: &FitConfig) -> Result<SentenceScorer> {
    let rows: Vec<[f32; N_FEATURES]> = articles.iter().flat_map(|p| p.rows.iter().copied()).collect();
    let targets: Vec<f32> = articles.iter().flat_map(|p| p.targets.iter().copied()).collect();
    let weights: Vec<f32> =
        articles.iter().flat_map(|p| std::iter::repeat_n(1.0 / p.rows.len() as f32, p.rows.len())).collect();
    SentenceScorer::fit(&rows, &targets, &weights, cfg)
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
        let options =
            SummaryTrainOptions { settings: vec![setting(200), setting(15)], ..SummaryTrainOptions::default() };
        let trained = train_summarizer(&refs, &vectors, "synthetic".into(), &options).unwrap();
        let card = &trained.card;
        assert_eq!((card.articles, card.cv.len(), card.cv_folds), (20, 2, 5));
        // One sentence is the whole reference: the shorter setting wins, and beats lead-3.
        assert_eq!(card.selection, setting(15));
        assert!(card.cv[0].rouge1 > card.cv_lead3.rouge1 + 0.2, "{card:?}");
        let fresh = article(99);
        let view = Article { doc: &fresh.doc, sentence_vectors: &[], doc_vector: &[] };
        let summary = trained.summarizer.summarize(&view, &SummaryOptions::default(), &[]);
        assert_eq!(summary.sentences, vec![1 + 99 % 5]);

        let too_few = SummaryTrainOptions { folds: 11, ..options };
        assert!(train_summarizer(&refs, &vectors, "synthetic".into(), &too_few).is_err());
    }
}
