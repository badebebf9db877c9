//! Runs anywhere, at any scale (issue 18): an installed binary, shards, resume after `kill -9`,
//! empty partitions and pipeline exit codes, driven through the real binary.

use crate::util::{default_cmd, records, repo_path, stance_cmd, SUITE_MODEL};
use serde_json::Value;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// `n` JSON lines made from the samples, each a different article (a numbered closing line).
fn corpus_jsonl(n: usize, with_ids: bool) -> String {
    let samples: Vec<String> = std::fs::read_dir(repo_path("data/samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            let text = format!("{}\n\nReport number {i} ends here.", samples[i % samples.len()]);
            let record = if with_ids {
                serde_json::json!({"id": format!("a{i:05}"), "text": text})
            } else {
                serde_json::json!({"text": text})
            };
            record.to_string() + "\n"
        })
        .collect()
}

#[test]
fn shards_cover_every_article_once_with_stable_content_ids() {
    let input = corpus_jsonl(40, false);
    let mut all = Vec::new();
    for shard in 0..3 {
        let out = stance_cmd()
            .args(["classify", "-", "--format", "jsonl", "--shard", &format!("{shard}/3")])
            .write_stdin(input.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        all.extend(records(&out).into_iter().map(|r| r["id"].as_str().unwrap().to_string()));
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (40, 40), "each article in exactly one shard, ids unique");
    assert!(all.iter().all(|id| id.starts_with("sha256-")), "{all:?}");
}

#[test]
fn empty_partition_is_no_error_and_errors_can_be_records() {
    let out = stance_cmd().args(["classify", "-", "--format", "jsonl"]).write_stdin("").assert().success();
    assert!(out.get_output().stdout.is_empty());
    let input =
        "{\"id\": \"ok\", \"text\": \"Pakistan and Afghanistan reopened Torkham on Monday after talks.\"}\nnot json\n";
    let out = stance_cmd()
        .args(["classify", "-", "--format", "jsonl", "--errors-as-records", "--quiet"])
        .write_stdin(input)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let records = records(&out);
    assert_eq!(records.len(), 2);
    assert!(records[1]["error"].as_str().unwrap().contains("malformed JSON"));
    stance_cmd().args(["classify", "-", "--format", "jsonl"]).write_stdin(input).assert().code(2);
}

#[test]
fn resume_after_kill_loses_and_repeats_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    std::fs::write(&input, corpus_jsonl(300, true)).unwrap();
    let out = tmp.path().join("out.jsonl");
    let _ = stance_cmd();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env("STANCE_MODEL", SUITE_MODEL)
        .args(["classify", "--batch", "8", "--resume", "-o"])
        .arg(&out)
        .arg(&input)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some batches are written, mid-run.
    let mut waited = 0;
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 20_000 && waited < 1200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = records(&std::fs::read(&out).unwrap()[..]).len();
    assert!(partial > 0 && partial < 300, "killed mid-run: {partial} records");
    // A torn last line, as a crash in the middle of a write leaves it.
    std::fs::OpenOptions::new().append(true).open(&out).unwrap().write_all(b"{\"id\": \"a00").unwrap();
    stance_cmd().args(["classify", "--batch", "8", "--resume", "-o"]).arg(&out).arg(&input).assert().success();
    let ids: Vec<String> =
        records(&std::fs::read(&out).unwrap()).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (300, 300), "0 lost, 0 duplicated, every line JSON");
}

#[test]
fn installed_binary_elsewhere_gives_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let installed = tmp.path().join("bin").join("stance");
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("stance"), &installed).unwrap();
    let samples = repo_path("data/samples");
    let in_repo = default_cmd().args(["classify", "--format", "jsonl"]).arg(&samples).output().unwrap();
    let elsewhere = std::process::Command::new(&installed)
        .args(["classify", "--format", "jsonl"])
        .arg(&samples)
        .current_dir(tmp.path())
        .env("STANCE_CACHE_DIR", tmp.path().join("cache"))
        .env_remove("STANCE_MODELS_DIR")
        .env_remove("STANCE_MODEL")
        .output()
        .unwrap();
    assert!(elsewhere.status.success(), "{}", String::from_utf8_lossy(&elsewhere.stderr));
    assert_eq!(elsewhere.stdout, in_repo.stdout, "byte-identical records from the installed copy");
    assert!(records(&elsewhere.stdout).iter().all(|r| r["spec"] == "afpak/head"));
    assert!(Path::new(&tmp.path().join("cache").join("artifacts")).is_dir());
}

#[test]
fn schema_completions_man_and_long_version() {
    let out = stance_cmd().arg("schema").assert().success().get_output().stdout.clone();
    let schema: Value = serde_json::from_slice(&out).unwrap();
    let article = &schema["$defs"]["ArticleRecord"]["properties"];
    let record = stance_cmd()
        .args(["classify", "--format", "jsonl"])
        .arg(repo_path("data/samples/sample-pro-kabul-2.txt"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let record = &records(&record)[0];
    assert_eq!(record["schema_version"], 1);
    for field in record.as_object().unwrap().keys() {
        assert!(article.get(field).is_some(), "the schema describes {field}");
    }
    let bash = stance_cmd().args(["completions", "bash"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&bash).contains("classify"));
    let man = stance_cmd().arg("man").assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&man).contains(".TH stance 1"));
    let version = stance_cmd().arg("--version").assert().success().get_output().stdout.clone();
    let version = String::from_utf8_lossy(&version);
    assert!(version.contains("default model: sentence-transformers/all-mpnet-base-v2@"), "{version}");
    assert!(version.contains("spec: afpak"), "{version}");
}
