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
