//! Labelled folders: `labels.jsonl` ({id, label, genre?, topic?, split?}), one `<id>.txt` per article
//! (title on the first line), and optionally `summaries.jsonl` ({id, summary}).

use crate::document::load::document_from_text;
use crate::document::Document;
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One labelled article.
#[derive(Debug, Clone)]
pub struct LabelledArticle {
    /// The cleaned, split article.
    pub doc: Document,
    /// Gold label.
    pub label: String,
    /// `train`, `dev`, … when the folder records a split.
    pub split: Option<String>,
    /// Reference summary, when `summaries.jsonl` has one.
    pub reference_summary: Option<String>,
}

/// A labelled folder, loaded.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    /// The folder.
    pub dir: PathBuf,
    /// Its articles, in `labels.jsonl` order.
    pub items: Vec<LabelledArticle>,
}

#[derive(Deserialize)]
struct LabelLine {
    id: String,
    label: String,
    #[serde(default)]
    split: Option<String>,
}

#[derive(Deserialize)]
struct SummaryLine {
    id: String,
    summary: String,
}

impl LabelledSet {
    /// Loads `dir`; every label line must have its `<id>.txt`, and every error names the file.
    pub fn load(dir: &Path) -> Result<Self> {
        let labels_path = dir.join("labels.jsonl");
        let labels = read_jsonl::<LabelLine>(&labels_path)?;
        if labels.is_empty() {
            return Err(Error::Config { path: labels_path, message: "no labelled articles".into() });
        }
        let summaries_path = dir.join("summaries.jsonl");
        let summaries: HashMap<String, String> = if summaries_path.exists() {
            read_jsonl::<SummaryLine>(&summaries_path)?.into_iter().map(|s| (s.id, s.summary)).collect()
        } else {
            HashMap::new()
        };
        let items = labels
            .into_iter()
            .map(|line| {
                let path = dir.join(format!("{}.txt", line.id));
                let raw = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                let doc = document_from_text(&line.id, &path.display().to_string(), &raw)?;
                Ok(LabelledArticle {
                    doc,
                    reference_summary: summaries.get(&line.id).cloned(),
                    label: line.label,
                    split: line.split,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(LabelledSet { dir: dir.to_path_buf(), items })
    }

    /// The articles of one split (all of them when `split` is `None`).
    pub fn split(&self, split: Option<&str>) -> Vec<&LabelledArticle> {
        self.items.iter().filter(|a| split.is_none() || a.split.as_deref() == split).collect()
    }
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::Input { input: format!("{}:{}", path.display(), n + 1), message: e.to_string() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_labels_texts_splits_and_summaries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("labels.jsonl"),
            "{\"id\":\"a\",\"label\":\"neutral\",\"split\":\"dev\"}\n{\"id\":\"b\",\"label\":\"pro-Kabul\"}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("summaries.jsonl"), "{\"id\":\"a\",\"summary\":\"S.\"}\n").unwrap();
        std::fs::write(dir.path().join("a.txt"), "Title A\n\nBody of a. Second sentence here.\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), "Title B\n\nBody of b.\n").unwrap();
        let set = LabelledSet::load(dir.path()).unwrap();
        assert_eq!(set.items.len(), 2);
        assert_eq!(set.items[0].doc.title.as_deref(), Some("Title A"));
        assert_eq!(set.items[0].reference_summary.as_deref(), Some("S."));
        assert_eq!(set.split(Some("dev")).len(), 1);
        assert_eq!(set.split(None).len(), 2);
    }

    #[test]
    fn missing_article_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("labels.jsonl"), "{\"id\":\"zz\",\"label\":\"neutral\"}\n").unwrap();
        let err = LabelledSet::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("zz.txt"), "{err}");
    }
}
