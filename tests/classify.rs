//! `stance classify` driven through the real binary on real files.

use crate::util::{default_cmd, records, repo_path, shared_dir, stance_cmd, stance_stdout};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

#[test]
fn samples_get_stance_evidence_and_summary() {
    let out = default_cmd()
        .args(["classify", "--format", "jsonl"])
        .arg(repo_path("data/samples"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let records = records(&out);
    assert_eq!(records.len(), 6, "one record per sample article (labels.jsonl is not an article)");
    let labels: Value = std::fs::read_to_string(repo_path("data/samples/labels.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["label"].clone()))
        .collect::<serde_json::Map<String, Value>>()
        .into();
    let mut correct = 0;
    for r in &records {
        for field in [
            "id",
            "path",
            "title",
            "stance",
            "probabilities",
            "evidence",
            "summary",
            "summary_sentences",
            "sentences",
            "windows",
            "model",
            "spec",
        ] {
            assert!(r.get(field).is_some(), "record lacks {field}: {r}");
        }
        let p = r["probabilities"].as_object().unwrap();
        assert_eq!(p.len(), 3);
        let sum: f64 = p.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-3, "probabilities sum to {sum}");
        let summary = r["summary"].as_str().unwrap();
        assert!(!summary.is_empty() && summary.split_whitespace().count() <= 75 + 40);
        assert!(!summary.contains("Advertisement") && !summary.contains("Read more"), "clutter in summary: {summary}");
        let title = r["title"].as_str().unwrap_or("");
        assert!(title.is_empty() || !summary.starts_with(title), "summary starts with the title");
        let indices: Vec<u64> =
            r["summary_sentences"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert!(indices.windows(2).all(|w| w[0] < w[1]), "summary sentences out of article order");
        assert!(r["model"].as_str().unwrap().starts_with("sentence-transformers/all-mpnet-base-v2@"));
        assert_eq!(r["spec"], "afpak/head", "the default system is the head");
        if labels[r["id"].as_str().unwrap()] == r["stance"] {
            correct += 1;
        }
    }
    assert!(correct >= 5, "only {correct}/6 samples classified as labelled");
}

#[test]
fn bad_inputs_become_error_records_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo_path("data/samples/sample-neutral-1.txt"), d.join("good.txt")).unwrap();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    std::fs::write(d.join("latin1.txt"), b"Caf\xe9 talks in Doha ended without agreement on Monday.\n").unwrap();
    std::fs::write(
        d.join("batch.jsonl"),
        "{\"id\": \"j1\", \"title\": \"T\", \"text\": \"Pakistan and Afghanistan agreed to reopen the Torkham crossing on Monday after talks.\"}\n{not json\n{\"id\": \"j3\", \"body\": \"The United Nations urged both sides to show restraint after clashes near Chaman.\"}\n",
    )
    .unwrap();
    let assert = stance_cmd().args(["classify", "--format", "jsonl"]).arg(d).assert().code(2);
    let output = assert.get_output();
    let records = records(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let by_id =
        |id: &str| records.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no record for {id}: {records:?}"));
    for ok in ["good", "j1", "j3"] {
        assert!(by_id(ok).get("stance").is_some(), "{ok} should be classified");
        assert!(!by_id(ok)["summary"].as_str().unwrap().is_empty(), "{ok} has an empty summary");
    }
    assert!(by_id("good").get("warnings").is_none(), "a full article needs no caveat");
    for short in ["j1", "j3"] {
        let warning = by_id(short)["warnings"][0].as_str().unwrap_or_default();
        assert!(warning.starts_with("short text ("), "{short} (one sentence) is not flagged: {warning:?}");
    }
    for (bad, why) in [("empty", "empty"), ("binary", "binary"), ("latin1", "UTF-8")] {
        let r = by_id(bad);
        let error = r["error"].as_str().unwrap();
        assert!(error.contains(why) && error.contains(&format!("{bad}.txt")), "{bad}: {error}");
        assert!(r["path"].as_str().unwrap().ends_with(&format!("{bad}.txt")));
        assert!(stderr.contains(&format!("{bad}.txt")), "stderr does not name {bad}.txt");
    }
    let malformed = records
        .iter()
        .find(|r| r["path"].as_str().is_some_and(|p| p.ends_with("batch.jsonl:2")))
        .expect("an error record for the malformed line");
    assert!(malformed["error"].as_str().is_some());
    assert_eq!(records.len(), 7);
}

#[test]
fn output_file_is_written_whole_and_formats_render() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    stance_cmd()
        .args(["classify", "--format", "csv", "--output"])
        .arg(&out)
        .arg(repo_path("data/samples/sample-pro-kabul-1.txt"))
        .assert()
        .success()
        .stdout("");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("id,path,stance,confidence"));
    assert_eq!(csv.lines().count(), 2);
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).filter(|e| e.path() != out).collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
    stance_cmd()
        .args(["classify", "--format", "table", "-"])
        .write_stdin("Pakistani jets struck homes in Paktika, killing women and children, Afghan officials said, calling it a violation of sovereignty.")
        .assert()
        .success()
        .stdout(contains("stdin").and(contains("stance")));
}

#[test]
fn real_seed_articles_are_neutral() {
    let Some(seeds) = shared_dir("seeds") else { return };
    let out =
        default_cmd().args(["classify", "--format", "jsonl"]).arg(seeds).assert().success().get_output().stdout.clone();
    let records = records(&out);
    assert_eq!(records.len(), 5);
    let neutral = records.iter().filter(|r| r["stance"] == "neutral").count();
    assert!(neutral >= 4, "only {neutral}/5 balanced real articles classified neutral");
}

/// Issue 15: heads are kept per encoder. A head in MiniLM's folder that was trained on MPNet is
/// refused by name, and an encoder with no head of its own gets a clear error, never another's head.
#[test]
fn a_head_trained_on_another_encoder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = repo_path("models/stance");
    for name in ["afpak.baseline.json", "afpak.baseline.safetensors"] {
        std::fs::copy(shipped.join(name), dir.path().join(name)).unwrap();
    }
    let classify_head = || {
        let mut cmd = stance_cmd();
        cmd.args(["classify", "--classifier", "head", "--models-dir"]).arg(dir.path()).arg(repo_path("data/samples"));
        cmd
    };
    classify_head().assert().code(1).stderr(
        contains("no head trained on encoder all-MiniLM-L6-v2").and(contains("stance --model all-MiniLM-L6-v2 train")),
    );
    let minilm = dir.path().join("all-MiniLM-L6-v2");
    std::fs::create_dir(&minilm).unwrap();
    for name in ["afpak.head.json", "afpak.head.safetensors", "afpak.probe.safetensors"] {
        std::fs::copy(shipped.join("all-mpnet-base-v2").join(name), minilm.join(name)).unwrap();
    }
    classify_head().assert().code(1).stderr(
        contains("trained on encoder sentence-transformers/all-mpnet-base-v2")
            .and(contains("sentence-transformers/all-MiniLM-L6-v2")),
    );
}

/// Issue 15: `--model all-mpnet-base-v2` classifies with the head trained on MPNet's features, built
/// into the binary beside MiniLM's.
#[test]
fn mpnet_classifies_with_its_own_head() {
    let samples = repo_path("data/samples");
    let args = ["--model", "all-mpnet-base-v2", "classify", "--classifier", "head", "--format", "jsonl"];
    let records = records(&stance_stdout(args.into_iter().chain([samples.to_str().unwrap()])));
    assert_eq!(records.len(), 6);
    for r in &records {
        assert!(r["model"].as_str().unwrap().starts_with("sentence-transformers/all-mpnet-base-v2@"), "{r}");
        assert_eq!(r["spec"], "afpak/head");
    }
}
