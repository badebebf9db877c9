//! The report: one [`Record`] per input (an analysed article or an error), written by a
//! [`Renderer`] as a table, JSON lines, a JSON array, CSV or one self-contained HTML page. The
//! pipeline never branches on format. [`compare`], [`bench`](mod@bench) and [`html`] render `stance compare` and `stance bench`.

pub mod bench;
pub mod compare;
pub mod html;
mod render;

pub use render::{renderer, Format, Renderer};

use crate::document::Document;
use crate::pipeline::ArticleResult;
use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// Version of the record layout, in every record (`schema_version`); `stance schema` prints the
/// JSON Schema. Raised when a field changes meaning or goes away (additions keep it).
pub const RECORD_SCHEMA_VERSION: u32 = 1;

/// Records written before `schema_version` existed had the first layout.
fn first_schema() -> u32 {
    1
}

/// Articles shorter than this many words are flagged: the stance systems learn from articles of
/// 80–700 words, and on a headline or a one-line brief their confidence means little.
pub const SHORT_ARTICLE_WORDS: usize = 50;

/// Caveats a reader should see next to an article's verdict (empty for an ordinary article).
pub fn article_warnings(doc: &Document) -> Vec<String> {
    let words = doc.word_count();
    if words < SHORT_ARTICLE_WORDS {
        vec![format!(
            "short text ({words} words): the systems learned from articles of 80–700 words; treat the label and confidence with care"
        )]
    } else {
        Vec::new()
    }
}

/// Probabilities keyed by label, serialised as a JSON object in spec order.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelProbabilities(pub Vec<(String, f32)>);

impl JsonSchema for LabelProbabilities {
    fn schema_name() -> Cow<'static, str> {
        "LabelProbabilities".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Probability of every label of the spec, in spec order (rounded to 4 decimals).",
            "type": "object",
            "additionalProperties": { "type": "number", "minimum": 0.0, "maximum": 1.0 }
        })
    }
}

impl Serialize for LabelProbabilities {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (label, p) in &self.0 {
            map.serialize_entry(label, &((p * 10_000.0).round() / 10_000.0))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for LabelProbabilities {
    /// Reads the JSON object back in its written order (spec order).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = LabelProbabilities;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of label probabilities")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, f32>()? {
                    pairs.push(pair);
                }
                Ok(LabelProbabilities(pairs))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// One evidence sentence in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceRecord {
    /// The side it supports.
    pub side: String,
    /// The sentence.
    pub sentence: String,
    /// Its index among the article's sentences.
    pub index: usize,
    /// Strength of support.
    pub score: f32,
}

/// A successfully analysed article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ArticleRecord {
    /// [`RECORD_SCHEMA_VERSION`].
    #[serde(default = "first_schema")]
    pub schema_version: u32,
    /// Article id.
    pub id: String,
    /// Where it was read from.
    pub path: String,
    /// Its title, if any.
    pub title: Option<String>,
    /// Most probable label.
    pub stance: String,
    /// Probability per label.
    pub probabilities: LabelProbabilities,
    /// Evidence sentences per side.
    pub evidence: Vec<EvidenceRecord>,
    /// The extractive summary.
    pub summary: String,
    /// Indices of the summary's sentences.
    pub summary_sentences: Vec<usize>,
    /// Number of sentences in the article.
    pub sentences: usize,
    /// Encoder windows used for the article.
    pub windows: usize,
    /// Encoder `id@revision` (or `none` for systems without an encoder).
    pub model: String,
    /// Label spec name and classifier, `spec/classifier`.
    pub spec: String,
    /// Caveats about the verdict, from [`article_warnings`]; left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An input that could not be analysed; the batch goes on without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorRecord {
    /// [`RECORD_SCHEMA_VERSION`].
    #[serde(default = "first_schema")]
    pub schema_version: u32,
    /// Best available id of the input.
    pub id: String,
    /// The input as found.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// One line of a report; a JSONL report reads back with `serde_json::from_str::<Record>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Record {
    /// An analysed article.
    Article(Box<ArticleRecord>),
    /// A failed input.
    Error(ErrorRecord),
}

impl ErrorRecord {
    /// The record of a failed input.
    pub fn new(id: String, path: String, error: String) -> Self {
        ErrorRecord { schema_version: RECORD_SCHEMA_VERSION, id, path, error }
    }
}

/// The JSON Schema of one report record (an article or an error), as `stance schema` prints it.
pub fn record_schema() -> schemars::Schema {
    schemars::schema_for!(Record)
}

impl ArticleRecord {
    /// The probability of the chosen label's strongest reading: the largest probability.
    pub fn confidence(&self) -> f32 {
        self.probabilities.0.iter().map(|(_, p)| *p).fold(0.0f32, f32::max)
    }

    /// Builds the record for an analysed article.
    pub fn new(result: &ArticleResult, model: &str, spec: &str) -> Self {
        let doc = &result.doc;
        ArticleRecord {
            schema_version: RECORD_SCHEMA_VERSION,
            id: doc.id.clone(),
            path: doc.path.clone(),
            title: doc.title.clone(),
            stance: result.stance.label.clone(),
            probabilities: LabelProbabilities(result.stance.probabilities.clone()),
            evidence: result
                .stance
                .evidence
                .iter()
                .map(|e| EvidenceRecord {
                    side: e.side.clone(),
                    sentence: e.sentence.clone(),
                    index: e.index,
                    score: (e.score * 10_000.0).round() / 10_000.0,
                })
                .collect(),
            summary: result.summary.text.clone(),
            summary_sentences: result.summary.sentences.clone(),
            sentences: doc.sentences.len(),
            windows: result.windows,
            model: model.to_string(),
            spec: spec.to_string(),
            warnings: article_warnings(doc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_of(text: &str) -> Document {
        Document { id: "t".into(), path: "t.txt".into(), title: None, text: text.into(), sentences: Vec::new() }
    }

    #[test]
    fn only_short_articles_are_flagged() {
        let short = article_warnings(&doc_of("Pakistan closed Torkham."));
        assert_eq!(short.len(), 1);
        assert!(short[0].starts_with("short text (3 words)"), "{short:?}");
        assert!(article_warnings(&doc_of(&"word ".repeat(SHORT_ARTICLE_WORDS))).is_empty());
    }
}
