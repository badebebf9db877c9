//! Extractive summaries: sentences of the article, in article order, never its title; headings and
//! fragments only when an article has nothing else (a one-line brief).
//!
//! [`LearnedSummarizer`] (the default) ranks sentences with a scorer trained on reference summaries;
//! [`CentralitySummarizer`] ranks them by closeness to the article's centroid, with a lead bonus and a
//! redundancy penalty (centroid + MMR), and serves where no scorer is trained; [`LeadSummarizer`] is
//! the lead-k baseline.

pub mod features;
pub mod learned;
pub mod scorer;
pub mod subset;

pub use learned::LearnedSummarizer;

use crate::document::Document;
use crate::numeric::vector::dot;
use crate::stance::Article;
use serde::Serialize;

/// How long a summary may be, and which kind to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryOptions {
    /// Most sentences.
    pub max_sentences: usize,
    /// Most words; the first chosen sentence is kept even if longer.
    pub max_words: usize,
    /// Plain summary, or central sentence plus each side's strongest.
    pub mode: SummaryMode,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions { max_sentences: 4, max_words: 100, mode: SummaryMode::Central }
    }
}

/// What the summary should cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryMode {
    /// The most central, least redundant sentences.
    Central,
    /// The central sentence plus the strongest evidence sentence of each side present.
    BothSides,
}

/// An extractive summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The chosen sentences joined with spaces.
    pub text: String,
    /// Their indices in the article, ascending.
    pub sentences: Vec<usize>,
}

impl Summary {
    /// Joins the given sentences (sorted into article order).
    pub fn from_indices(doc: &Document, mut indices: Vec<usize>) -> Self {
        indices.sort_unstable();
        indices.dedup();
        let text = indices.iter().map(|&i| doc.sentences[i].text.as_str()).collect::<Vec<_>>().join(" ");
        Summary { text, sentences: indices }
    }
}

/// The summarizer seam.
pub trait Summarizer: Send + Sync {
    /// Short system name, e.g. `centrality` or `lead-3`.
    fn name(&self) -> &str;
    /// Picks sentences; `preferred` are sentences the caller wants included (both-sides evidence).
    fn summarize(&self, article: &Article<'_>, options: &SummaryOptions, preferred: &[usize]) -> Summary;
}

/// True for sentences fit to stand in a summary: real prose, not headings or fragments.
pub fn is_summary_worthy(text: &str) -> bool {
    (6..=80).contains(&word_count(text)) && ends_like_prose(text)
}

fn ends_like_prose(text: &str) -> bool {
    text.trim_end().ends_with(['.', '!', '?', '"', '”', '’', '\'', ')'])
}

/// Indices, below `limit`, of the sentences that may stand in a summary: the summary-worthy ones;
/// failing those (a one-line brief), the ones that end like prose; failing those, all of them, so
/// that no article with text gets an empty summary.
pub fn summary_candidates(doc: &Document, limit: usize) -> Vec<usize> {
    let limit = limit.min(doc.sentences.len());
    let text = |i: usize| doc.sentences[i].text.as_str();
    let tiers: [&dyn Fn(&str) -> bool; 2] = [&is_summary_worthy, &ends_like_prose];
    tiers
        .iter()
        .map(|keep| (0..limit).filter(|&i| keep(text(i))).collect::<Vec<_>>())
        .find(|kept| !kept.is_empty())
        .unwrap_or_else(|| (0..limit).collect())
}

pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Centroid + MMR with a position prior, over the encoder's sentence vectors.
#[derive(Debug, Clone, Copy)]
pub struct CentralitySummarizer {
    /// Weight of the lead bonus `1 / (1 + index)` relative to centrality.
    pub position_weight: f32,
    /// Weight of the redundancy penalty (max similarity to already chosen sentences).
    pub redundancy_weight: f32,
}

impl Default for CentralitySummarizer {
    fn default() -> Self {
        // Chosen on ../shared/corpus/dev: ROUGE-1 0.418 → 0.425 and ROUGE-L 0.265 → 0.272 over
        // (0.15, 0.5), against lead-3's 0.417 / 0.251.
        CentralitySummarizer { position_weight: 0.3, redundancy_weight: 0.8 }
    }
}

impl Summarizer for CentralitySummarizer {
    fn name(&self) -> &str {
        "centrality"
    }

    fn summarize(&self, article: &Article<'_>, options: &SummaryOptions, preferred: &[usize]) -> Summary {
        let doc = article.doc;
        let vectors = article.sentence_vectors;
        let candidates = summary_candidates(doc, vectors.len());
        let relevance = |i: usize| dot(&vectors[i], article.doc_vector) + self.position_weight / (1.0 + i as f32);
        let mut pick = Pick::new(doc, options);
        if let Some(&first) = candidates.iter().max_by(|&&a, &&b| relevance(a).total_cmp(&relevance(b))) {
            pick.add(first);
        }
        for &i in preferred.iter().filter(|&&i| i < vectors.len()) {
            pick.add(i);
        }
        loop {
            let best = candidates
                .iter()
                .filter(|&&i| pick.fits(i))
                .map(|&i| {
                    let redundancy = pick.chosen.iter().map(|&j| dot(&vectors[i], &vectors[j])).fold(0.0f32, f32::max);
                    (i, relevance(i) - self.redundancy_weight * redundancy)
                })
                .max_by(|a, b| a.1.total_cmp(&b.1));
            match best {
                Some((i, _)) => pick.add(i),
                None => break,
            }
        }
        Summary::from_indices(doc, pick.chosen)
    }
}

/// Sentences chosen so far, within the sentence and word limits.
pub(crate) struct Pick<'a> {
    doc: &'a Document,
    options: &'a SummaryOptions,
    /// The chosen sentences' indices, in the order they were added.
    pub(crate) chosen: Vec<usize>,
    words: usize,
}

impl<'a> Pick<'a> {
    /// Nothing chosen yet from `doc`, within `options`' limits.
    pub(crate) fn new(doc: &'a Document, options: &'a SummaryOptions) -> Self {
        Pick { doc, options, chosen: Vec::new(), words: 0 }
    }

    /// Whether sentence `i` can still be added (the first sentence always can).
    pub(crate) fn fits(&self, i: usize) -> bool {
        !self.chosen.contains(&i)
            && self.chosen.len() < self.options.max_sentences
            && (self.chosen.is_empty()
                || self.words + word_count(&self.doc.sentences[i].text) <= self.options.max_words)
    }

    /// Adds sentence `i` if it [fits](Self::fits).
    pub(crate) fn add(&mut self, i: usize) {
        if self.fits(i) {
            self.words += word_count(&self.doc.sentences[i].text);
            self.chosen.push(i);
        }
    }
}

/// The first three summary-worthy sentences (fewer if `max_sentences` says so): the classic news baseline.
#[derive(Debug, Clone, Copy)]
pub struct LeadSummarizer;

impl Summarizer for LeadSummarizer {
    fn name(&self) -> &str {
        "lead-3"
    }

    fn summarize(&self, article: &Article<'_>, options: &SummaryOptions, _preferred: &[usize]) -> Summary {
        let doc = article.doc;
        let chosen =
            summary_candidates(doc, doc.sentences.len()).into_iter().take(options.max_sentences.min(3)).collect();
        Summary::from_indices(doc, chosen)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::Sentence;

    pub(crate) fn doc(sentences: &[&str]) -> Document {
        let mut text = String::new();
        let mut out = Vec::new();
        for s in sentences {
            let start = text.len();
            text.push_str(s);
            out.push(Sentence { text: s.to_string(), start, end: text.len() });
            text.push(' ');
        }
        Document { id: "t".into(), path: "t.txt".into(), title: None, text, sentences: out }
    }

    #[test]
    fn lead_skips_headings_and_keeps_order() {
        let d = doc(&[
            "Border Tensions Rise",
            "The crossing at Torkham was closed on Monday morning.",
            "Traders said hundreds of trucks were stranded.",
            "Officials gave no date for reopening it.",
            "More later.",
        ]);
        let article = Article { doc: &d, sentence_vectors: &[], doc_vector: &[] };
        let s = LeadSummarizer.summarize(&article, &SummaryOptions::default(), &[]);
        assert_eq!(s.sentences, vec![1, 2, 3]);
        assert!(s.text.starts_with("The crossing"));
    }

    #[test]
    fn an_article_without_summary_worthy_sentences_still_gets_a_summary() {
        let d = doc(&["Talks Update", "Kabul said talks would resume."]);
        let vectors = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let article = Article { doc: &d, sentence_vectors: &vectors, doc_vector: &[1.0, 0.0] };
        let central = CentralitySummarizer::default().summarize(&article, &SummaryOptions::default(), &[]);
        assert_eq!(central.text, "Kabul said talks would resume.");
        let lead = LeadSummarizer.summarize(&article, &SummaryOptions::default(), &[]);
        assert_eq!(lead.sentences, vec![1]);

        let fragments = doc(&["Talks Update", "Border News"]);
        let article = Article { doc: &fragments, sentence_vectors: &vectors, doc_vector: &[1.0, 0.0] };
        let options = SummaryOptions { max_sentences: 1, ..SummaryOptions::default() };
        assert_eq!(LeadSummarizer.summarize(&article, &options, &[]).sentences, vec![0]);
    }

    #[test]
    fn centrality_prefers_central_and_avoids_duplicates() {
        let d = doc(&[
            "Pakistan and Afghanistan agreed to reopen the border crossing today.",
            "Pakistan and Afghanistan agreed to reopen the border crossing on Monday.",
            "The weather in the region was unusually warm this week for everyone.",
            "Traders welcomed the decision to reopen the crossing for all trucks.",
        ]);
        let v = |x: f32, y: f32| {
            let n = (x * x + y * y).sqrt();
            vec![x / n, y / n]
        };
        let vectors = vec![v(1.0, 0.1), v(1.0, 0.12), v(0.0, 1.0), v(0.8, 0.5)];
        let centroid = v(1.0, 0.3);
        let article = Article { doc: &d, sentence_vectors: &vectors, doc_vector: &centroid };
        let options = SummaryOptions { max_sentences: 2, max_words: 75, mode: SummaryMode::Central };
        let summarizer = CentralitySummarizer { position_weight: 0.0, redundancy_weight: 0.8 };
        let s = summarizer.summarize(&article, &options, &[]);
        assert_eq!(s.sentences.len(), 2);
        assert!(
            !(s.sentences.contains(&0) && s.sentences.contains(&1)),
            "near-duplicates both chosen: {:?}",
            s.sentences
        );
        assert!(!s.sentences.contains(&2));
    }
}
