//! Property tests of the document stages: any text — arbitrary Unicode, quotations, right-to-left
//! marks, control characters, enormous tokens — loads without a panic, and every sentence's offsets
//! slice the cleaned text exactly. `PROPTEST_CASES` raises the number of cases for a long run.

use super::load::{articles_within, LoadLimits};
use super::sentences::split_sentences_within;
use super::{document_from_text, split_sentences};
use proptest::prelude::*;

/// Pieces that stress segmentation and cleaning: sentence ends of several scripts, quotes of every
/// kind, bidi controls, emoji, combining marks, clutter words and very long unbroken runs.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "The",
            "border",
            "said",
            "Mujahid",
            "ISPR",
            "U.S.",
            "Dr.",
            "Oct.",
            "No.",
            "3.5",
            "e.g.",
            "khawarij",
            "ترجمان",
            "کہا۔",
            "خبرې",
            "؟",
            "巴基斯坦",
            "。",
            "！",
            "？",
            ".",
            "!",
            "?",
            "…",
            "...",
            "\"",
            "“",
            "”",
            "‘",
            "’",
            "«",
            "»",
            "(",
            ")",
            "—",
            "–",
            "-",
            "•",
            "1.",
            "#",
            "\n",
            "\n\n",
            " ",
            "\t",
            "\r\n",
            "\u{200F}",
            "\u{202E}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{0301}",
            "😀",
            "👨‍👩‍👧",
            "\u{7}",
            "\u{1b}",
            "Advertisement",
            "Read more:",
            "Share this",
            "© 2025",
            "PESHAWAR:",
            "By Staff Reporter",
        ])
        .prop_map(str::to_string),
        "\\PC{0,40}",
        "[a-zA-Z\u{0600}-\u{06FF}]{200,900}",
        any::<String>(),
    ]
}

fn article_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..120).prop_map(|parts| parts.join(" "))
}

fn assert_offsets(text: &str, sentences: &[super::Sentence]) {
    for s in sentences {
        assert_eq!(text.get(s.start..s.end), Some(s.text.as_str()), "offsets must slice the text");
        assert!(!s.text.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn splitting_never_panics_and_offsets_slice_the_text(text in article_text(), max in 20usize..3000) {
        assert_offsets(&text, &split_sentences(&text));
        let cut = split_sentences_within(&text, max);
        assert_offsets(&text, &cut);
        for s in &cut {
            prop_assert!(s.text.chars().count() <= max);
        }
    }

    #[test]
    fn documents_load_or_fail_cleanly(text in article_text()) {
        if let Ok(doc) = document_from_text("p", "p.txt", &text) {
            assert_offsets(&doc.text, &doc.sentences);
            prop_assert!(!doc.sentences.is_empty());
        }
    }

    #[test]
    fn files_and_jsonl_lines_each_give_one_item(texts in prop::collection::vec(article_text(), 1..6)) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut jsonl = String::new();
        for (i, text) in texts.iter().enumerate() {
            std::fs::write(dir.path().join(format!("a{i}.txt")), text).unwrap_or_else(|e| panic!("{e}"));
            jsonl.push_str(&serde_json::json!({"id": format!("j{i}"), "text": text}).to_string());
            jsonl.push('\n');
        }
        std::fs::write(dir.path().join("all.jsonl"), jsonl).unwrap_or_else(|e| panic!("{e}"));
        let limits = LoadLimits { max_article_bytes: 4096, max_sentence_chars: 300 };
        let items: Vec<_> = articles_within(&[dir.path().display().to_string()], limits).collect();
        prop_assert_eq!(items.len(), 2 * texts.len());
        for doc in items.into_iter().flatten() {
            assert_offsets(&doc.text, &doc.sentences);
        }
    }
}
