//! `stance compare` on labelled data: the default system (all-mpnet-base-v2's head) against the
//! bag-of-words baseline — ahead on the articles written by others, and never reliably behind on our
//! own — in f32 and in int8.

use crate::util::{default_cmd, repo_path, shared_dir, stance_stdout};
use serde_json::Value;

/// The default system, the bag of words and the majority class, as a user runs `compare`.
fn compare(data: &std::path::Path, split: Option<&str>) -> Value {
    compare_at(data, split, "f32")
}

fn compare_at(data: &std::path::Path, split: Option<&str>, precision: &str) -> Value {
    let mut cmd = default_cmd();
    let systems = "head,baseline,majority";
    cmd.args(["compare", "--format", "json", "--precision", precision, "--systems", systems, "--data"]).arg(data);
    if let Some(split) = split {
        cmd.args(["--split", split]);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("compare --format json prints JSON")
}

/// The paired comparison of the first system with `against`, checked against the two macro-F1s.
fn paired<'a>(report: &'a Value, against: &str) -> &'a Value {
    let p = report["paired"].as_array().unwrap().iter().find(|p| p["against"] == against).unwrap();
    let (system, delta) = (p["system"].as_str().unwrap(), p["delta_macro_f1"].as_f64().unwrap());
    assert!((delta - (macro_f1(report, system) - macro_f1(report, against))).abs() < 1e-9);
    p
}

fn macro_f1(report: &Value, system: &str) -> f64 {
    report["systems"].as_array().unwrap().iter().find(|s| s["name"] == system).unwrap()["macro_f1"].as_f64().unwrap()
}

/// The int8 fast path may not move the default system's macro-F1 by more than ±0.01 (checked on our
/// dev split and `data/heldout`; on the 36 shared articles, where one verdict is worth about 0.03, at most
/// one verdict may change).
fn assert_int8_within_a_hundredth(f32_report: &Value, data: &std::path::Path, split: Option<&str>) {
    let (full, int8) = (macro_f1(f32_report, "head"), macro_f1(&compare_at(data, split, "int8"), "head"));
    assert!((full - int8).abs() <= 0.01, "{}: head macro-F1 {full:.3} in f32, {int8:.3} in int8", data.display());
}

/// On our own held-out split (98 articles written like the training set) the word model is near its
/// ceiling and the default system barely ahead of it (measured: 0.980 and 0.959, int8 0.980); the bar
/// here is a high absolute score, well above the majority class, with the interval around it, and no reliable lead
/// for the words (the paired interval of head − bag-of-words reaches above zero).
#[test]
fn default_system_scores_high_on_our_dev_split_in_f32_and_int8() {
    let data = repo_path("data/corpus");
    let report = compare(&data, Some("dev"));
    assert!(report["n"].as_u64().unwrap() >= 90, "our held-out dev split");
    let (default, words, majority) =
        (macro_f1(&report, "head"), macro_f1(&report, "baseline"), macro_f1(&report, "majority"));
    assert!(default >= 0.92, "head macro-F1 {default:.3} on data/corpus dev");
    assert!(words > majority + 0.5 && default > majority + 0.5);
    let ci = report["systems"][0]["macro_f1_ci95"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= default && default <= ci[1].as_f64().unwrap());
    let delta_hi = paired(&report, "baseline")["delta_ci95"][1].as_f64().unwrap();
    assert!(delta_hi > 0.0, "bag-of-words reliably ahead: head − words at most {delta_hi:.3}");
    assert_int8_within_a_hundredth(&report, &data, Some("dev"));
}

/// 270 more articles of our own writing, never trained on (`data/heldout/README.md`): the default
/// system and the bag of words are level there (measured: 0.956 and 0.937; int8 0.959), so the bar is a high
/// score and no reliable lead for the words.
/// Their reference summaries were written apart from the training ones, and the learned summarizer
/// beats lead-3 on them (measured: ROUGE-1 +0.027 [+0.020, +0.034], ROUGE-2 +0.017, ROUGE-L +0.023),
/// well short of the greedy oracle's ceiling.
#[test]
fn default_system_and_words_are_level_and_summaries_beat_lead3_on_our_heldout_articles() {
    let data = repo_path("data/heldout");
    let report = compare(&data, None);
    assert_eq!(report["n"].as_u64(), Some(270));
    let default = macro_f1(&report, "head");
    assert!(default >= 0.92, "head macro-F1 {default:.3} on data/heldout");
    let delta_hi = paired(&report, "baseline")["delta_ci95"][1].as_f64().unwrap();
    assert!(delta_hi > 0.0, "bag-of-words reliably ahead: head − words at most {delta_hi:.3}");
    assert_int8_within_a_hundredth(&report, &data, None);
    let learned = summarizer(&report, "learned");
    assert_eq!(learned["with_reference"].as_u64(), Some(270));
    let versus = &learned["versus_lead3"];
    let (r1, r1_low) = (versus["rouge1"]["mean"].as_f64().unwrap(), versus["rouge1"]["ci95"][0].as_f64().unwrap());
    assert!(r1 >= 0.015 && r1_low > 0.005, "ROUGE-1 − lead-3: {r1:+.3}, interval from {r1_low:+.3}");
    for variant in ["rouge2", "rouge_l"] {
        let d = versus[variant]["mean"].as_f64().unwrap();
        assert!(d > 0.0, "{variant} − lead-3: {d:+.3}");
    }
    // The extractive ceiling, on the same references and limits (measured: 0.580 against 0.471).
    assert_ceiling_above_learned(&report, 270);
}

/// 90 articles of our own writing in the forms scraped pages take (`data/forms/README.md`): buried
/// leads, clutter, excerpts cut off mid-story; never trained on. Stance holds up on them (measured:
/// head 1.000), so form alone is not what costs us on real pages; summaries do not (measured:
/// learned − lead-3 ROUGE-1 −0.000 [−0.010, +0.010]), and the extractive ceiling shows the room
/// (0.516 against 0.432).
#[test]
fn stance_holds_on_scraped_page_forms_and_the_ceiling_shows_room_for_summaries() {
    let report = compare(&repo_path("data/forms"), None);
    assert_eq!(report["n"].as_u64(), Some(90));
    let default = macro_f1(&report, "head");
    assert!(default >= 0.90, "head macro-F1 {default:.3} on data/forms");
    assert_ceiling_above_learned(&report, 90);
}

/// The extractive ceiling (`oracle`) and the learned summarizer are both measured on all `articles`,
/// and the ceiling sits more than five ROUGE-1 points above the learned summaries.
fn assert_ceiling_above_learned(report: &Value, articles: u64) {
    let (learned, oracle) = (summarizer(report, "learned"), summarizer(report, "oracle"));
    assert_eq!(
        (learned["with_reference"].as_u64(), oracle["with_reference"].as_u64()),
        (Some(articles), Some(articles))
    );
    let rouge1 = |s: &Value| s["rouge1"]["mean"].as_f64().unwrap();
    assert!(rouge1(oracle) > rouge1(learned) + 0.05, "oracle {:.3}, learned {:.3}", rouge1(oracle), rouge1(learned));
}

/// A summarizer's entry in the report.
fn summarizer<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["summaries"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()
}

/// The shared dev set (36 articles written from real items' framing): the default system clears 0.90
/// and beats the words, in f32 and with at most one verdict changed in int8.
#[test]
fn default_system_beats_baselines_and_summaries_beat_lead3_on_the_shared_dev_set() {
    let Some(dev) = shared_dir("corpus/dev") else { return };
    let report = compare(&dev, None);
    let (default, words) = (macro_f1(&report, "head"), macro_f1(&report, "baseline"));
    assert!(default >= 0.90 && default > words, "head {default:.3}, bag-of-words {words:.3} on the shared dev set");
    let vs_words = paired(&report, "baseline");
    assert!(vs_words["only_system_right"].as_u64() > vs_words["only_against_right"].as_u64());
    let versus = &summarizer(&report, "learned")["versus_lead3"];
    let delta = |variant: &str| versus[variant]["mean"].as_f64().unwrap();
    assert!(delta("rouge1") > 0.0 && delta("rouge_l") > 0.0, "learned − lead-3 on the shared dev set: {versus}");
    let int8 = compare_at(&dev, None, "int8");
    let verdicts = |report: &Value| report["systems"][0]["predictions"].as_array().unwrap().clone();
    let changed = verdicts(&report).iter().zip(&verdicts(&int8)).filter(|(a, b)| a != b).count();
    assert!(changed <= 1, "{changed} verdicts change between f32 and int8 on the shared set");
}

/// Issue 15: `compare --model A,B` runs each model's encoder systems on the same articles (the
/// encoder-free ones once) and measures B's head against A's, paired. The same model twice keeps
/// the test on MiniLM: every difference is zero.
#[test]
fn compare_across_models_pairs_the_heads() {
    let samples = repo_path("data/samples");
    let out = stance_stdout([
        "--model",
        "all-MiniLM-L6-v2,all-MiniLM-L6-v2",
        "compare",
        "--format=json",
        "--systems=head,baseline",
        "--data",
        samples.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    let names: Vec<&str> = report["systems"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["head (all-MiniLM-L6-v2)", "baseline", "head (all-MiniLM-L6-v2)"]);
    assert!(report["systems"][0]["model"].as_str().unwrap().starts_with("sentence-transformers/all-MiniLM-L6-v2@"));
    assert!(report["systems"][1].get("model").is_none(), "the baseline reads no encoder");
    let across = report["paired"].as_array().unwrap().last().unwrap();
    assert_eq!((across["system"].as_str(), across["against"].as_str()), (Some(names[0]), Some(names[0])));
    assert_eq!(across["delta_macro_f1"].as_f64(), Some(0.0));
    assert_eq!((across["only_system_right"].as_u64(), across["only_against_right"].as_u64()), (Some(0), Some(0)));
}
