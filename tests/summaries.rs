//! Summaries through the real binary: faithful (every summary sentence is a sentence of the article,
//! verbatim, in article order, never clutter), sized to the article, and both sides kept on request.

use crate::util::{records, repo_path, stance_cmd};
use serde_json::Value;
use stance::document::{document_from_text, Document};
use std::collections::HashMap;

/// Every article of a folder, as `classify` loads it, by id.
fn articles(folder: &str) -> HashMap<String, (Document, String)> {
    std::fs::read_dir(repo_path(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let raw = std::fs::read_to_string(&p).unwrap();
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            (id.clone(), (document_from_text(&id, &p.display().to_string(), &raw).unwrap(), raw))
        })
        .collect()
}

fn classify(folder: &str, extra: &[&str]) -> Vec<Value> {
    let out = stance_cmd()
        .args(["classify", "--format", "jsonl", "--quiet"])
        .args(extra)
        .arg(repo_path(folder))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    records(&out)
}

fn indices(record: &Value) -> Vec<usize> {
    record["summary_sentences"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_summary_sentence_is_a_sentence_of_the_article_verbatim() {
    for folder in ["data/samples", "data/corpus"] {
        let docs = articles(folder);
        // The folder's guide (`LABELING.md`) is a document too, but not one of the articles.
        let records: Vec<Value> =
            classify(folder, &[]).into_iter().filter(|r| docs.contains_key(r["id"].as_str().unwrap())).collect();
        assert_eq!(records.len(), docs.len(), "{folder}: one record per article");
        for r in &records {
            let (doc, raw) = &docs[r["id"].as_str().unwrap()];
            let chosen = indices(r);
            assert!(!chosen.is_empty() && chosen.len() <= 4, "{}: {chosen:?}", doc.id);
            assert!(chosen.windows(2).all(|w| w[0] < w[1]), "{}: out of article order", doc.id);
            let sentences: Vec<&str> = chosen.iter().map(|&i| doc.sentences[i].text.as_str()).collect();
            assert_eq!(r["summary"].as_str().unwrap(), sentences.join(" "), "{}", doc.id);
            let raw = squeeze(raw);
            for s in &sentences {
                assert!(raw.contains(&squeeze(s)), "{}: not verbatim in the file: {s}", doc.id);
                assert!(doc.title.as_deref() != Some(*s), "{}: the title", doc.id);
                let lower = s.to_lowercase();
                for clutter in ["advertisement", "read more", "continue reading", "see also", "also read", "copyright"]
                {
                    assert!(!lower.starts_with(clutter), "{}: clutter in the summary: {s}", doc.id);
                }
            }
            let words = r["summary"].as_str().unwrap().split_whitespace().count();
            let limit = if doc.word_count() < 100 { 2 } else { 4 };
            assert!(chosen.len() <= limit, "{}: {} sentences for {} words", doc.id, chosen.len(), doc.word_count());
            let first = doc.sentences[chosen[0]].text.split_whitespace().count();
            assert!(words <= 100 || chosen.len() == 1, "{}: {words} words", doc.id);
            assert!(words >= 20 || first == words, "{}: only {words} words", doc.id);
        }
    }
}

#[test]
fn both_sides_summaries_keep_each_sides_strongest_sentence() {
    let mut checked = 0;
    for r in classify("data/samples", &["--summary", "both-sides", "--classifier", "zero-shot"]) {
        let chosen = indices(&r);
        let mut sides: Vec<&str> = Vec::new();
        for e in r["evidence"].as_array().unwrap() {
            let side = e["side"].as_str().unwrap();
            if !sides.contains(&side) {
                sides.push(side);
                let index = e["index"].as_u64().unwrap() as usize;
                assert!(chosen.contains(&index), "{}: {side}'s strongest sentence {index} not in {chosen:?}", r["id"]);
            }
        }
        checked += usize::from(sides.len() == 2);
    }
    assert!(checked >= 1, "at least one sample gives both sides");
}
