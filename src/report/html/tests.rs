use super::*;
use crate::report::{ArticleRecord, ErrorRecord, EvidenceRecord, LabelProbabilities};

fn article(id: &str, stance: &str, confidence: f32, text: &str) -> Record {
    let others = (1.0 - confidence) / 2.0;
    let p = |label: &str| if label == stance { confidence } else { others };
    Record::Article(Box::new(ArticleRecord {
        schema_version: crate::report::RECORD_SCHEMA_VERSION,
        id: id.into(),
        path: format!("news/{id}.txt"),
        title: Some(format!("Title {text}")),
        stance: stance.into(),
        probabilities: LabelProbabilities(
            ["pro-Islamabad", "pro-Kabul", "neutral"].iter().map(|l| (l.to_string(), p(l))).collect(),
        ),
        evidence: vec![
            EvidenceRecord { side: "pro-Kabul".into(), sentence: format!("Kabul says {text}."), index: 1, score: 0.4 },
            EvidenceRecord {
                side: "pro-Islamabad".into(),
                sentence: "Islamabad says no.".into(),
                index: 2,
                score: 0.2,
            },
        ],
        summary: format!("Summary {text}"),
        summary_sentences: vec![0],
        sentences: 4,
        windows: 4,
        model: "m@r".into(),
        spec: "afpak/head".into(),
        warnings: if id == "short" { vec!["short text (3 words): take care".into()] } else { vec![] },
    }))
}

fn page() -> String {
    let records = vec![
        article("a1", "pro-Kabul", 0.8, "<script>document.title='pwned'</script> & <b>bold</b>"),
        article("short", "neutral", 0.5, "plain"),
        Record::Error(ErrorRecord::new("bad".into(), "news/bad.txt".into(), "news/bad.txt: <empty>".into())),
        article("a 3", "pro-Islamabad", 0.9, "plain"),
    ];
    let mut out = Vec::new();
    let mut html = crate::report::renderer(crate::report::Format::Html, 80);
    for r in &records {
        html.record(&mut out, r).unwrap();
    }
    assert!(out.is_empty(), "the page is written at the end");
    html.finish(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn article_text_is_escaped() {
    let html = page();
    assert!(!html.contains("<script>document"), "article script must not survive as markup");
    assert!(html.contains("&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;&#x2f;script&gt;"), "{html}");
    assert!(!html.contains("<b>bold</b>") && html.contains("&lt;b&gt;bold&lt;&#x2f;b&gt;"));
    assert!(html.contains("news&#x2f;bad.txt: &lt;empty&gt;"), "error reasons are escaped too");
    // Our own script is the only one, and the policy allows only it.
    assert_eq!(html.matches("<script>").count(), 1);
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    assert!(
        html.contains(&format!("script-src &#x27;sha256-{hash}&#x27;")) || html.contains(&format!("'sha256-{hash}'"))
    );
}

#[test]
fn one_card_and_anchor_per_article_with_marked_evidence() {
    let html = page();
    for anchor in ["article-a1", "article-short", "article-a-3"] {
        assert_eq!(html.matches(&format!("id=\"{anchor}\"")).count(), 1, "{anchor}");
    }
    assert_eq!(html.matches("<article class=\"card").count(), 3);
    assert_eq!(html.matches("[pro-Kabul evidence]").count(), 3);
    assert_eq!(html.matches("[pro-Islamabad evidence]").count(), 3);
    assert!(html.contains("<a href=\"#article-short\">short</a>: short text (3 words)"), "warnings link to the card");
    assert!(html.contains("1 input failed"));
}

#[test]
fn overview_counts_stances_and_folders() {
    let page = ArticlesPage::new("t", &[article("x", "pro-Kabul", 0.7, "a"), article("y", "pro-Kabul", 0.95, "b")]);
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["total"], 2);
    let counts: Vec<u64> = json["labels"].as_array().unwrap().iter().map(|l| l["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, vec![0, 2, 0]);
    assert_eq!(json["folders"][0]["folder"], "news");
    assert_eq!(json["folders"][0]["counts"], serde_json::json!([0, 2, 0]));
    let svg = json["confidence_chart"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(">0.70</text>") && svg.contains(">0.95</text>"));
}

#[test]
fn repeated_ids_get_distinct_anchors() {
    let page = ArticlesPage::new("t", &[article("x", "neutral", 0.5, "a"), article("x", "neutral", 0.5, "b")]);
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["cards"][0]["anchor"], "article-x");
    assert_eq!(json["cards"][1]["anchor"], "article-x-2");
}

#[test]
fn base64_matches_the_standard() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn compare_page_draws_every_system() {
    use crate::eval::calibration::Calibration;
    use crate::eval::compare::{CompareReport, SystemResult};
    use crate::eval::metrics::ClassificationReport;
    use crate::eval::paired::paired_comparison;
    use crate::eval::summaries::{Interval, RougeDelta, SummaryResult};
    let labels: Vec<String> = ["pro-Islamabad", "pro-Kabul", "neutral"].map(String::from).to_vec();
    let gold = [0, 1, 2, 0, 1, 2];
    let system = |name: &str, pred: &[usize]| SystemResult {
        name: name.into(),
        model: None,
        uses_encoder: true,
        report: ClassificationReport::compute(&labels, &gold, pred).unwrap(),
        macro_f1_ci95: (0.5, 0.9),
        calibration: Calibration::compute(&[0.9, 0.8, 0.7, 0.6, 0.95, 0.5], &[true, true, true, false, true, false]),
        articles_per_second: 10.0,
        predictions: vec![],
    };
    let (a, b) = ([0, 1, 2, 1, 1, 0], [0, 0, 2, 0, 1, 2]);
    let report = CompareReport {
        data: "<data>".into(),
        n: 6,
        labels: labels.clone(),
        embed_seconds: 1.0,
        systems: vec![system("head", &a), system("baseline", &b)],
        paired: vec![paired_comparison(("head", "baseline"), &gold, (&a, &b), 3, 100, 7).unwrap()],
        summaries: vec![SummaryResult {
            name: "central".into(),
            with_reference: 6,
            rouge1: Some(Interval { mean: 0.4, ci95: (0.35, 0.45) }),
            rouge2: None,
            rouge_l: Some(Interval { mean: 0.3, ci95: (0.25, 0.35) }),
            versus_lead3: Some(RougeDelta {
                against: "lead-3".into(),
                rouge1: Interval { mean: 0.02, ci95: (0.01, 0.03) },
                rouge2: Interval { mean: 0.0, ci95: (-0.01, 0.01) },
                rouge_l: Interval { mean: 0.01, ci95: (0.0, 0.02) },
            }),
            words: 60.0,
            coverage: 0.9,
            redundancy: 0.2,
            compression: 0.1,
        }],
    };
    let html = compare_page(&report).unwrap();
    assert!(html.contains("&lt;data&gt;") && !html.contains("<data>"));
    assert!(html.contains("head: confusion") && html.contains("baseline: reliability (ECE"));
    assert!(html.contains("head − baseline"));
    assert!(html.contains("0.400 [0.350, 0.450]") && html.contains("+0.020 [+0.010, +0.030]"));
    // A title, an intervals chart for F1, one for the paired difference, three per system.
    assert_eq!(html.matches("<svg").count(), 2 + 3 * 2);
    assert!(!html.contains("a ceiling for extractive summaries"), "no oracle row, no note on it");
    let mut with_oracle = report;
    let oracle = SummaryResult { name: crate::eval::oracle::ORACLE_NAME.into(), ..with_oracle.summaries[0].clone() };
    with_oracle.summaries.push(oracle);
    let html = compare_page(&with_oracle).unwrap();
    assert!(html.contains("<td>oracle</td>") && html.contains("a ceiling for extractive summaries"));
}

#[test]
fn bench_page_charts_what_was_measured() {
    use crate::bench::{Report, Row};
    let row = |precision: &str, tps| Row {
        kind: "tokens".into(),
        threads: 2,
        precision: Some(precision.into()),
        workload: "chunks-256".into(),
        batch: Some(32),
        tokens_per_s: Some(tps),
        load_ms: Some(40.0),
        peak_rss_mib: Some(150.0),
        ..Row::default()
    };
    let report = Report {
        model: "m@r".into(),
        runs: 5,
        rows: vec![row("f32", 4000.0), row("int8", 6000.0)],
        ..Report::default()
    };
    let html = bench_page(&report).unwrap();
    assert!(html.contains("tokens per second") && html.contains("peak resident memory"));
    assert!(!html.contains("articles per second"), "no classify rows, no articles/s chart");
    assert!(html.contains("2t int8 chunks-256 b32"));
}
