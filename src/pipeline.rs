//! The classify pipeline: articles through the encoder (one pass per article: its sentence vectors
//! serve stance, summary and the document vector), the stance classifier and the summarizer.

use crate::document::Document;
use crate::encoder::articles::{embed_articles, ArticleVectors};
use crate::encoder::Encoder;
use crate::error::panic_message;
use crate::stance::{Article, StanceClassifier, StancePrediction};
use crate::summarize::{Summarizer, Summary, SummaryMode, SummaryOptions};
use crate::Result;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The result of analysing one article.
#[derive(Debug, Clone)]
pub struct ArticleResult {
    /// The article.
    pub doc: Document,
    /// Stance verdict and evidence.
    pub stance: StancePrediction,
    /// The extractive summary.
    pub summary: Summary,
    /// Encoder windows used (0 for systems without an encoder).
    pub windows: usize,
}

/// An article that could not be analysed, named for its error record.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFailure {
    /// The article's id.
    pub id: String,
    /// Where it was read from.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Encoder + classifier + summarizer, configured once and applied to many articles.
pub struct Pipeline<'a> {
    /// The encoder, if any stage needs it.
    pub encoder: Option<&'a dyn Encoder>,
    /// The stance classifier.
    pub classifier: &'a dyn StanceClassifier,
    /// The summarizer.
    pub summarizer: &'a dyn Summarizer,
    /// Summary length and kind.
    pub summary: SummaryOptions,
}

impl Pipeline<'_> {
    /// Analyses a batch of articles; one encoder call for all their sentences.
    pub fn analyze(&self, docs: Vec<Document>) -> Result<Vec<ArticleResult>> {
        let refs: Vec<&Document> = docs.iter().collect();
        let vectors = match self.encoder {
            Some(encoder) => embed_articles(encoder, &refs)?,
            None => vec![ArticleVectors::default(); docs.len()],
        };
        docs.into_iter().zip(vectors).map(|(doc, v)| self.analyze_embedded(doc, &v)).collect()
    }

    /// Analyses a batch so that no article can cost another its result: when the batch fails or
    /// panics, each article is analysed alone, and a failure (even a panic, a bug) becomes that
    /// article's [`ArticleFailure`]. Results come back in input order.
    pub fn analyze_isolated(&self, docs: Vec<Document>) -> Vec<Result<ArticleResult, ArticleFailure>> {
        if let Ok(Ok(results)) = catch_unwind(AssertUnwindSafe(|| self.analyze(docs.clone()))) {
            return results.into_iter().map(Ok).collect();
        }
        docs.into_iter()
            .map(|doc| {
                let (id, path) = (doc.id.clone(), doc.path.clone());
                let message = match catch_unwind(AssertUnwindSafe(|| self.analyze(vec![doc]))) {
                    Ok(Ok(mut one)) if one.len() == 1 => return Ok(one.remove(0)),
                    Ok(Ok(_)) => "the pipeline returned no result".to_string(),
                    Ok(Err(e)) => e.to_string(),
                    Err(payload) => format!("internal error (please report this): {}", panic_message(&*payload)),
                };
                Err(ArticleFailure { id, path, message })
            })
            .collect()
    }

    /// Classifies and summarises an article whose vectors are already computed.
    pub fn analyze_embedded(&self, doc: Document, vectors: &ArticleVectors) -> Result<ArticleResult> {
        let article = Article::new(&doc, vectors);
        let stance = self.classifier.classify(&article)?;
        let preferred: Vec<usize> = match self.summary.mode {
            SummaryMode::Central => Vec::new(),
            SummaryMode::BothSides => {
                let mut seen = Vec::new();
                stance
                    .evidence
                    .iter()
                    .filter(|e| {
                        !seen.contains(&e.side) && {
                            seen.push(e.side.clone());
                            true
                        }
                    })
                    .map(|e| e.index)
                    .collect()
            }
        };
        let summary = self.summarizer.summarize(&article, &self.summary, &preferred);
        Ok(ArticleResult { stance, summary, windows: vectors.windows, doc })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::word_hash::WordHashEncoder;
    use crate::stance::baseline::Majority;
    use crate::stance::fixtures::labelled_corpus;
    use crate::stance::zero_shot::{ExemplarScorer, ZeroShotClassifier, ZeroShotParams};
    use crate::stance::Spec;
    use crate::summarize::{CentralitySummarizer, LeadSummarizer};

    /// The whole pipeline offline: one encoder call per batch, stance and summary per article, the
    /// same result batched or alone.
    #[test]
    fn analyses_a_batch_with_the_test_encoder() {
        let spec = Spec::builtin();
        let corpus = labelled_corpus(&spec, 2);
        let docs: Vec<Document> = corpus.iter().map(|(d, _)| d.clone()).collect();
        let scorer = ExemplarScorer::new(spec.clone(), &WordHashEncoder, ZeroShotParams::default()).unwrap();
        let classifier = ZeroShotClassifier::new(scorer);
        let summarizer = CentralitySummarizer::default();
        let options = SummaryOptions { mode: SummaryMode::BothSides, ..SummaryOptions::default() };
        let pipeline = Pipeline {
            encoder: Some(&WordHashEncoder),
            classifier: &classifier,
            summarizer: &summarizer,
            summary: options,
        };
        let results = pipeline.analyze(docs.clone()).unwrap();
        assert_eq!(results.len(), corpus.len());
        for (result, (doc, label)) in results.iter().zip(&corpus) {
            assert_eq!((result.doc.id.as_str(), result.stance.index), (doc.id.as_str(), *label));
            assert!(!result.summary.text.is_empty() && result.windows == doc.sentences.len());
        }
        let alone = pipeline.analyze_isolated(vec![docs[1].clone()]).remove(0).unwrap();
        assert_eq!((alone.stance, alone.summary), (results[1].stance.clone(), results[1].summary.clone()));
    }

    /// Systems without an encoder run with empty vectors.
    #[test]
    fn runs_without_an_encoder() {
        let spec = Spec::builtin();
        let docs: Vec<Document> = labelled_corpus(&spec, 1).into_iter().map(|(d, _)| d).collect();
        let classifier = Majority::from_counts(&spec, &[1, 3, 2]);
        let pipeline = Pipeline {
            encoder: None,
            classifier: &classifier,
            summarizer: &LeadSummarizer,
            summary: SummaryOptions::default(),
        };
        let results = pipeline.analyze(docs).unwrap();
        assert!(results.iter().all(|r| r.stance.index == 1 && r.windows == 0 && !r.summary.text.is_empty()));
    }
}
