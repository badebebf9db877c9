//! Articles through the encoder: every sentence embedded (several articles per encoder call), and
//! the article's own vector as their token-weighted mean. Classifiers, summarizers, training and
//! evaluation all read these vectors through `stance::Article`, one floor up.

use super::Encoder;
use crate::document::Document;
use crate::numeric::vector::{mean_rows, normalize};
use crate::Result;

/// An article's encoder output.
#[derive(Debug, Clone, Default)]
pub struct ArticleVectors {
    /// One unit vector per sentence.
    pub sentences: Vec<Vec<f32>>,
    /// Token-weighted mean of the sentence vectors, renormalised.
    pub document: Vec<f32>,
    /// Encoder windows used.
    pub windows: usize,
}

/// Embeds several articles' sentences in one encoder call (better batches than one article at a time).
pub fn embed_articles(encoder: &dyn Encoder, docs: &[&Document]) -> Result<Vec<ArticleVectors>> {
    let texts: Vec<&str> = docs.iter().flat_map(|d| d.sentences.iter().map(|s| s.text.as_str())).collect();
    let mut embeddings = encoder.encode(&texts)?.into_iter();
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let own: Vec<_> = embeddings.by_ref().take(doc.sentences.len()).collect();
        let weights: Vec<f32> = own.iter().map(|e| e.tokens.max(1) as f32).collect();
        let sentences: Vec<Vec<f32>> = own.iter().map(|e| e.vector.clone()).collect();
        let mut document =
            if sentences.is_empty() { vec![0.0; encoder.dim()] } else { mean_rows(&sentences, Some(&weights))? };
        normalize(&mut document);
        out.push(ArticleVectors { windows: own.iter().map(|e| e.windows).sum(), sentences, document });
    }
    Ok(out)
}
