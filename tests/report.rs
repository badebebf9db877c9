//! Issue 19: `stance report` and `--format html` opened in a real browser (headless Chromium).
//! Skips, with a message, where no Chromium is installed (`scripts/install-chromium.sh`).

use crate::util::{repo_path, stance_cmd};
use stance::report::html::anchor_of;
use stance::report::Record;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EVIL: &str = "Border <b>bold</b> & <i>talks</i>\n\
Kabul officials said <script>document.title='pwned'</script> the closure of Torkham hurt Afghan traders. \
Afghan traders said their trucks were stuck for weeks and fruit rotted at the border <img src=x onerror=\"document.title='pwned'\">. \
Pakistan said the crossing would reopen when security allowed, and Islamabad blamed militants sheltering in Afghanistan \
for the attacks on its posts. Officials from both sides met on Monday to discuss trade and security at the crossing.\n";

/// A Chromium binary: `$CHROMIUM`, else the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.map(|n| dir.join(n))).find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`, within two minutes; returns its stdout.
fn browse(chromium: &Path, profile: &Path, page: &Path, args: &[&str]) -> String {
    let mut child = Command::new(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().expect("chromium runs").is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn records(path: &Path) -> Vec<Record> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).expect("a record")).collect()
}

#[test]
fn report_page_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping report_page_in_a_real_browser: no chromium found (run scripts/install-chromium.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(extra.join("evil.txt"), EVIL).unwrap();
    std::fs::write(extra.join("empty.txt"), "  \n").unwrap();
    // Two part files, as from a sharded run.
    let (part1, part2) = (dir.path().join("part-1.jsonl"), dir.path().join("part-2.jsonl"));
    stance_cmd()
        .args(["classify", "--format", "jsonl", "-o"])
        .arg(&part1)
        .arg(repo_path("data/samples"))
        .assert()
        .success();
    stance_cmd().args(["classify", "--format", "jsonl", "-o"]).arg(&part2).arg(&extra).assert().code(2);
    let page = dir.path().join("report.html");
    stance_cmd().arg("report").arg(&part1).arg(&part2).arg("-o").arg(&page).assert().success();

    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing is fetched from the network");
    let dom = browse(&chromium, &dir.path().join("profile"), &page, &["--dump-dom"]);

    let all: Vec<Record> = records(&part1).into_iter().chain(records(&part2)).collect();
    let articles: Vec<_> = all.iter().filter_map(|r| if let Record::Article(a) = r { Some(a) } else { None }).collect();
    assert_eq!(articles.len(), 7, "six samples and the article with markup");
    for a in &articles {
        assert_eq!(dom.matches(&format!("id=\"{}\"", anchor_of(&a.id))).count(), 1, "one card for {}", a.id);
        for e in &a.evidence {
            assert!(dom.contains(&format!("[{} evidence]", e.side)), "{} evidence of {} unmarked", e.side, a.id);
        }
    }
    let evidence: usize = articles.iter().map(|a| a.evidence.len()).sum();
    assert_eq!(dom.matches("<span class=\"marker\">").count(), evidence, "every evidence sentence carries its marker");
    assert!(dom.matches("<svg").count() >= 2, "the overview charts are inline SVG");
    assert!(dom.contains("contains only whitespace"), "the failed input is listed with its reason");
    // No script from the article ran: the title is ours, the markup shows as text, and our own
    // script (allowed by its hash) did run.
    assert!(dom.contains("<title>stance report</title>") && !dom.contains("pwned</title>"));
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the script shows as text");
    assert!(dom.contains("&lt;b&gt;bold&lt;/b&gt;") && !dom.contains("<b>bold</b>"));
    assert!(dom.contains("7 of 7 shown"), "the page's own sort/filter script ran");

    let screenshot = repo_path("target/report.png");
    let arg = format!("--screenshot={}", screenshot.display());
    browse(&chromium, &dir.path().join("profile"), &page, &[&arg, "--window-size=1280,2000", "--hide-scrollbars"]);
    let png = std::fs::read(&screenshot).expect("the screenshot is written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG at {}", screenshot.display());
}

#[test]
fn classify_writes_the_same_page_directly() {
    let out = stance_cmd().args(["classify", "--format", "html"]).arg(repo_path("data/samples")).assert().success();
    let html = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<article class=\"card").count(), 6);
}

#[test]
fn a_line_that_is_not_a_record_is_listed_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("part.jsonl");
    std::fs::write(&part, "{\"id\":\"x\",\"path\":\"x.txt\",\"error\":\"x.txt: empty\"}\n\nnot json <b>\n").unwrap();
    let out = stance_cmd().arg("report").arg(&part).assert().code(2);
    let html = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(html.contains("x.txt: empty"), "the error record is listed");
    assert!(html.contains("part.jsonl:3") && html.contains("not a classify record"), "so is the bad line");
    assert!(!html.contains("<b>"));
}

#[test]
fn compare_page_has_the_charts_of_every_system() {
    let out = stance_cmd()
        .args(["compare", "--systems", "baseline,majority", "--format", "html", "--data"])
        .arg(repo_path("data/samples"))
        .assert()
        .success();
    let html = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for title in ["baseline: confusion", "majority: reliability", "baseline − majority", "ROUGE-1"] {
        assert!(html.contains(title), "{title}");
    }
    // macro-F1 intervals, the paired difference, and three charts per system.
    assert_eq!(html.matches("<svg").count(), 2 + 2 * 3);
}
