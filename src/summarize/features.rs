//! What the learned summarizer knows about a sentence: a few robust signals, each cheap to compute
//! from the article and the sentence vectors the encoder already produced for stance.
//!
//! Position (news puts the event first), centrality in the encoder's space (closeness to the article
//! and to the other sentences), overlap with the title, whether it is attributed or quoted, whether it
//! carries numbers, its length, and how much it reads like the sentences reference summaries draw on:
//! its vector's projection on a direction learned from the training articles (ridge regression of
//! each sentence's ROUGE-1 recall on its vector; see [`scorer`](super::scorer)), which sees what the
//! hand-made signals cannot, such as a news lead against a context sentence or a quote. Lexical centrality (the article's frequent words), a flag for
//! sentences opening with a pronoun or connective and the cosine to the lead sentence were tried and
//! added nothing in cross-validation; relative position (index / sentences) was dropped: with
//! summaries chosen as a whole (see [`subset`](super::subset)), cross-validated ROUGE-1 is higher
//! without it (its positive weight favoured an article's closing sentences).

use crate::document::Document;
use crate::numeric::vector::dot;
use crate::stance::attribution::quoted_share;
use std::collections::HashSet;

/// Names of the features, in the order of [`sentence_features`]' rows.
pub const FEATURE_NAMES: [&str; 9] = [
    "lead",
    "doc_cosine",
    "mean_cosine",
    "title_overlap",
    "attributed",
    "quoted",
    "numbers",
    "log_words",
    "summary_direction",
];

/// Position of the learned direction's projection in a feature row.
pub const DIRECTION_FEATURE: usize = 8;

/// Number of features per sentence.
pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Words that carry no content: left out of the title overlap.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "being", "between", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "his", "if", "in", "into", "is", "it", "its", "more", "most", "no", "not", "of", "on", "one", "or", "other",
    "our", "over", "said", "says", "she", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "two", "under", "up", "was", "we", "were", "what", "when",
    "which", "while", "who", "will", "with", "would", "you",
];

/// Attribution cues: the sentence reports what someone said.
const ATTRIBUTION: &[&str] =
    &["said", "says", "told", "according", "stated", "added", "claimed", "denied", "accused", "warned", "insisted"];

/// Lowercased alphanumeric words of `text`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn content_words(text: &str) -> Vec<String> {
    words(text).into_iter().filter(|w| w.chars().count() > 2 && !STOPWORDS.contains(&w.as_str())).collect()
}

/// The `summary_direction` feature of a sentence vector: its projection on `direction`, zero when
/// their lengths differ (no vector, or no direction learned).
pub fn projection(vector: &[f32], direction: &[f32]) -> f32 {
    if vector.len() == direction.len() {
        dot(vector, direction)
    } else {
        0.0
    }
}

/// One feature row per sentence index in `candidates` (indices into `doc.sentences`), from the
/// article, its unit sentence vectors, its unit document vector and the scorer's learned
/// `direction` in the encoder's space. Vectors may be empty (no encoder): the cosine and direction
/// features are then zero, as the direction feature is when `direction` is empty.
pub fn sentence_features(
    doc: &Document,
    candidates: &[usize],
    sentence_vectors: &[Vec<f32>],
    doc_vector: &[f32],
    direction: &[f32],
) -> Vec<[f32; N_FEATURES]> {
    let title: HashSet<String> = doc.title.as_deref().map(content_words).unwrap_or_default().into_iter().collect();
    let vector = |i: usize| sentence_vectors.get(i).filter(|v| v.len() == doc_vector.len() && !v.is_empty());
    candidates
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let text = doc.sentences[i].text.as_str();
            let all = words(text);
            let content = content_words(text);
            let projection = vector(i).map_or(0.0, |v| projection(v, direction));
            let (doc_cosine, mean_cosine) = match vector(i) {
                Some(v) => {
                    let others: Vec<f32> =
                        candidates.iter().filter(|&&j| j != i).filter_map(|&j| vector(j).map(|u| dot(u, v))).collect();
                    let mean = if others.is_empty() { 0.0 } else { others.iter().sum::<f32>() / others.len() as f32 };
                    (dot(v, doc_vector), mean)
                }
                None => (0.0, 0.0),
            };
            let title_overlap = if title.is_empty() {
                0.0
            } else {
                content.iter().collect::<HashSet<_>>().iter().filter(|w| title.contains(w.as_str())).count() as f32
                    / title.len() as f32
            };
            [
                1.0 / (1.0 + rank as f32),
                doc_cosine,
                mean_cosine,
                title_overlap,
                f32::from(all.iter().any(|w| ATTRIBUTION.contains(&w.as_str()))),
                quoted_share(text),
                f32::from(all.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))),
                (all.len().max(1) as f32).ln(),
                projection,
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, sentences: &[&str]) -> Document {
        Document { title: Some(title.into()), ..crate::summarize::tests::doc(sentences) }
    }

    fn feature(row: &[f32; N_FEATURES], name: &str) -> f32 {
        row[FEATURE_NAMES.iter().position(|n| *n == name).unwrap()]
    }

    #[test]
    fn features_read_rank_title_attribution_and_openings() {
        let d = doc(
            "Torkham crossing closed",
            &[
                "Pakistan closed the Torkham crossing on Monday after a clash that killed 3 guards.",
                "He said the crossing would stay shut.",
                "“We will not accept this,” a trader told reporters.",
            ],
        );
        let rows = sentence_features(&d, &[0, 1, 2], &[], &[], &[]);
        assert_eq!(rows.len(), 3);
        assert_eq!(feature(&rows[0], "lead"), 1.0);
        assert!((feature(&rows[2], "lead") - 1.0 / 3.0).abs() < 1e-6);
        assert!(feature(&rows[0], "title_overlap") > 0.6, "{rows:?}");
        assert_eq!(feature(&rows[0], "numbers"), 1.0);
        assert_eq!(feature(&rows[1], "attributed"), 1.0);
        assert!(feature(&rows[2], "quoted") > 0.3);
        assert_eq!(feature(&rows[0], "doc_cosine"), 0.0, "no vectors, no cosine");
        assert_eq!(feature(&rows[0], "summary_direction"), 0.0, "no vectors, no projection");
    }

    #[test]
    fn the_direction_feature_sits_where_its_index_says() {
        assert_eq!(FEATURE_NAMES[DIRECTION_FEATURE], "summary_direction");
        assert_eq!(projection(&[1.0, 2.0], &[]), 0.0, "no direction, no projection");
    }

    #[test]
    fn cosine_features_use_the_vectors() {
        let d = doc("t", &["One sentence here today.", "Another sentence here today.", "A third one here."]);
        let vectors = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.6, 0.8]];
        let rows = sentence_features(&d, &[0, 2], &vectors, &[1.0, 0.0], &[0.5, 2.0]);
        assert_eq!(feature(&rows[0], "doc_cosine"), 1.0);
        assert!((feature(&rows[1], "summary_direction") - 1.9).abs() < 1e-6, "0.6·0.5 + 0.8·2");
        assert!((feature(&rows[1], "mean_cosine") - 0.6).abs() < 1e-6);
        assert!((feature(&rows[1], "lead") - 0.5).abs() < 1e-6);
    }
}
