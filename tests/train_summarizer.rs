//! `stance train-summarizer` end to end (issue 16): the real binary trains on a small labelled folder
//! with reference summaries and writes a scorer that loads, with a card that says what it did.

use crate::util::{repo_path, stance_cmd};
use serde_json::Value;
use stance::document::document_from_text;
use stance::stance::{Article, Spec};
use stance::summarize::features::FEATURE_NAMES;
use stance::summarize::learned::{LearnedSummarizer, SummaryCard};
use stance::summarize::{Summarizer, SummaryOptions};
use std::collections::HashMap;

/// The `id` of a JSON line.
fn id(line: &str) -> String {
    serde_json::from_str::<Value>(line).unwrap()["id"].as_str().unwrap().to_string()
}

/// A labelled folder holding the first `n` training articles of `data/corpus` that have a reference
/// summary: their label lines, summary lines and text files, as written there.
fn small_folder(n: usize) -> tempfile::TempDir {
    let corpus = repo_path("data/corpus");
    let read = |name: &str| std::fs::read_to_string(corpus.join(name)).unwrap();
    let summaries: HashMap<String, String> =
        read("summaries.jsonl").lines().filter(|l| !l.trim().is_empty()).map(|l| (id(l), l.to_string())).collect();
    let labels: Vec<String> = read("labels.jsonl")
        .lines()
        .filter(|l| l.contains("\"split\": \"train\"") && summaries.contains_key(&id(l)))
        .take(n)
        .map(str::to_string)
        .collect();
    assert_eq!(labels.len(), n, "data/corpus has {n} training articles with summaries");
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = labels.iter().map(|l| id(l)).collect();
    let lines = |list: Vec<&String>| list.iter().map(|l| format!("{l}\n")).collect::<String>();
    std::fs::write(dir.path().join("labels.jsonl"), lines(labels.iter().collect())).unwrap();
    std::fs::write(dir.path().join("summaries.jsonl"), lines(ids.iter().map(|i| &summaries[i]).collect())).unwrap();
    for i in &ids {
        std::fs::copy(corpus.join(format!("{i}.txt")), dir.path().join(format!("{i}.txt"))).unwrap();
    }
    dir
}

#[test]
fn train_summarizer_writes_a_loadable_scorer_and_a_card_that_says_what_it_did() {
    let data = small_folder(12);
    let (out, cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let stdout = stance_cmd()
        .env("STANCE_CACHE_DIR", cache.path())
        .args(["train-summarizer", "--folds", "3", "--epochs", "100", "--data"])
        .arg(data.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(stdout.contains("12 articles, 3-fold") && stdout.contains("(chosen)"), "{stdout}");
    assert!(stdout.contains("lead-3") && stdout.contains("saved"), "{stdout}");

    let spec = Spec::builtin();
    // The scorer reads the encoder's cosines, so it is kept in that encoder's folder (the suite's MiniLM).
    let encoder = "all-MiniLM-L6-v2";
    let card: SummaryCard = LearnedSummarizer::artefact(out.path(), &spec, encoder).read_json().unwrap();
    assert_eq!((card.articles, card.cv_folds, card.seed), (12, 3, 42));
    assert_eq!(card.fit.epochs, 100);
    assert_eq!(card.features, FEATURE_NAMES);
    assert!(card.data.ends_with("(split train)"), "{}", card.data);
    assert!(!card.cv.is_empty());
    let chosen =
        card.cv.iter().find(|s| s.selection == Some(card.selection) && s.direction_ridge == Some(card.direction_ridge));
    let chosen = chosen.expect("the chosen selection setting and ridge penalty are among those cross-validated");
    assert!(card.cv.iter().all(|s| s.rouge1 <= chosen.rouge1), "the best ROUGE-1 is chosen: {card:?}");
    assert!(card.cv_lead3.selection.is_none());
    for s in card.cv.iter().chain([&card.cv_lead3]) {
        assert!(s.rouge1 > 0.1 && s.rouge1 < 1.0 && s.rouge2 < s.rouge1 && s.words > 10.0, "{s:?}");
    }
    assert!(card.weights.len() == FEATURE_NAMES.len() && card.weights.iter().all(|w| w.is_finite()));

    let summarizer = LearnedSummarizer::load(out.path(), &spec, encoder).unwrap();
    assert_eq!(summarizer.scorer.weights(), card.weights.as_slice());
    assert_eq!(summarizer.selection, card.selection);
    assert_eq!(summarizer.scorer.direction().len(), 384, "a direction in MiniLM's space, learned from its vectors");
    let path = repo_path("data/samples/sample-neutral-1.txt");
    let raw = std::fs::read_to_string(&path).unwrap();
    let doc = document_from_text("s", &path.display().to_string(), &raw).unwrap();
    let article = Article { doc: &doc, sentence_vectors: &[], doc_vector: &[] };
    let summary = summarizer.summarize(&article, &SummaryOptions::default(), &[]);
    assert!(!summary.sentences.is_empty() && summary.sentences.windows(2).all(|w| w[0] < w[1]), "{summary:?}");
    assert!(summary.sentences.iter().all(|&i| summary.text.contains(&doc.sentences[i].text)), "{summary:?}");
}
