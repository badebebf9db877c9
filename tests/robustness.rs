//! Nothing lost, nothing hangs (issue 17): odd files, bad articles and interruptions, each driven
//! through the real binary. A bad input costs only its own record, never the batch.

use crate::util::{records, repo_path, stance_cmd, SUITE_MODEL};
use predicates::str::contains;
use std::path::Path;
use std::time::Duration;

fn sample(name: &str) -> String {
    std::fs::read_to_string(repo_path("data/samples").join(name)).unwrap()
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn fifos_are_error_records_not_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), sample("sample-neutral-1.txt")).unwrap();
    mkfifo(&folder.join("b.txt"));
    let named = tmp.path().join("named.txt");
    mkfifo(&named);
    let out = stance_cmd()
        .args(["classify", "--format", "jsonl"])
        .arg(&folder)
        .arg(&named)
        .timeout(Duration::from_secs(120))
        .assert()
        .code(2)
        .stderr(contains("named pipe (FIFO)"))
        .get_output()
        .stdout
        .clone();
    let ids: Vec<_> = records(&out).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["a", "b", "named"]);
}

#[test]
fn records_keep_input_order_and_repeated_ids_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let urdu = format!(
        "سرحد پر کشیدگی\n\nترجمان نے کہا: “ہم نے سرحد بند کر دی۔ {} اب کچھ نہیں۔” پھر وہ چلے گئے۔",
        "یہ ایک لمبا جملہ ہے۔ ".repeat(40)
    );
    std::fs::write(tmp.path().join("a.txt"), sample("sample-pro-kabul-1.txt")).unwrap();
    std::fs::write(tmp.path().join("b.txt"), "").unwrap();
    std::fs::write(tmp.path().join("c-urdu.txt"), urdu).unwrap();
    let jsonl = [
        serde_json::json!({"id": "same", "text": sample("sample-neutral-2.txt")}).to_string(),
        "{broken".to_string(),
        serde_json::json!({"id": "same", "text": sample("sample-pro-islamabad-1.txt")}).to_string(),
    ];
    std::fs::write(tmp.path().join("d.jsonl"), jsonl.join("\n")).unwrap();
    let out = stance_cmd()
        .args(["classify", "--format", "jsonl", "--batch", "16"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(contains("duplicate id \"same\""))
        .get_output()
        .stdout
        .clone();
    let records = records(&out);
    let ids: Vec<_> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c-urdu", "same", "d-2", "same"], "records in input order");
    assert!(records[1]["error"].as_str().unwrap().contains("is empty"));
    assert!(records[2]["stance"].is_string(), "the Urdu quotation article is analysed: {}", records[2]);
    assert!(records[3].get("warnings").is_none());
    assert!(records[5]["warnings"][0].as_str().unwrap().starts_with("duplicate id"));
}

#[test]
fn limits_bound_huge_articles_and_run_on_sentences() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("big.txt"), "word ".repeat(300_000)).unwrap();
    let run_on = format!("A run-on page\n\n{}", "Pakistan and Afghanistan trade words ".repeat(400));
    std::fs::write(tmp.path().join("run-on.txt"), run_on).unwrap();
    let out = stance_cmd()
        .args(["classify", "--format", "jsonl", "--max-article-bytes", "1000000", "--max-sentence-chars", "300"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let records = records(&out);
    assert_eq!(records.len(), 2);
    let error = records[0]["error"].as_str().unwrap();
    assert!(error.contains("1.5 MB") && error.contains("--max-article-bytes"), "{error}");
    let article = &records[1];
    assert!(article["sentences"].as_u64().unwrap() >= 40, "{article}");
    for e in article["evidence"].as_array().unwrap() {
        assert!(e["sentence"].as_str().unwrap().chars().count() <= 300);
    }
    assert!(article["summary"].as_str().unwrap().chars().count() <= 3 * 300 + 2);
}

#[test]
fn output_onto_a_folder_fails_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    // The model is never loaded: the destination is checked first.
    stance_cmd()
        .args(["classify", "--model", "/nonexistent/model", "-o"])
        .arg(tmp.path())
        .arg(repo_path("data/samples"))
        .assert()
        .code(1)
        .stderr(contains("is a folder"));
}

#[test]
fn report_file_follows_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.jsonl");
    let binary = assert_cmd::cargo::cargo_bin("stance");
    let _ = stance_cmd(); // the suite's model is resolved before the shell runs the binary
    let status = std::process::Command::new("sh")
        .env("STANCE_MODEL", SUITE_MODEL)
        .arg("-c")
        .arg(format!(
            "umask 027 && exec '{}' classify -o '{}' '{}'",
            binary.display(),
            report.display(),
            repo_path("data/samples/sample-neutral-1.txt").display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::metadata(&report).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn interrupted_run_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.jsonl");
    let _ = stance_cmd();
    // stdin stays open, so the run is certainly still going when the signal comes.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env("STANCE_MODEL", SUITE_MODEL)
        .args(["classify", "-", "-o"])
        .arg(&report)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temp_files = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".stance-"))
            .count()
    };
    let mut waited = 0;
    while temp_files() == 0 && waited < 600 {
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }
    assert_eq!(temp_files(), 1, "the report's temporary file exists while the run goes on");
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(temp_files(), 0, "SIGTERM removed the temporary file");
    assert!(!report.exists());
}
