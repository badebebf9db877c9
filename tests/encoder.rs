//! The candle encoder against reference embeddings from sentence-transformers
//! (`scripts/reference-embeddings.sh` wrote `tests/fixtures/reference_embeddings.json`).

use crate::util::{cosine, encoder, model_files, repo_path};
use serde::Deserialize;
use stance::encoder::{self, Encoder, EncoderOptions, Precision};
use stance::hub::{resolve_model, Resolver};
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Fixture {
    max_seq_length: usize,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    name: String,
    text: String,
    tokens: usize,
    truncated: bool,
    embedding: Vec<f32>,
}

fn fixture() -> Fixture {
    fixture_file("tests/fixtures/reference_embeddings.json")
}

fn fixture_file(relative: &str) -> Fixture {
    let path = repo_path(relative);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists")).expect("fixture parses")
}

/// The lowest cosine to the reference over the fixture's single-window items, each embedded
/// alone and checked against the reference's token count; and the item it was on.
fn worst_single_window(enc: &dyn Encoder, fixture: &Fixture, dim: usize) -> (f32, String) {
    let mut worst = (1.0f32, String::new());
    let mut checked = 0;
    for item in fixture.items.iter().filter(|i| !i.truncated) {
        let e = &enc.encode(&[item.text.as_str()]).unwrap()[0];
        assert_eq!(e.vector.len(), dim);
        assert_eq!(e.windows, 1, "{}", item.name);
        assert_eq!(e.tokens + 2, item.tokens, "{}: token count differs from the reference tokenizer", item.name);
        let c = cosine(&e.vector, &item.embedding);
        if c < worst.0 {
            worst = (c, item.name.clone());
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} single-window items in the fixture");
    worst
}

#[test]
fn single_window_texts_match_sentence_transformers() {
    let fixture = fixture();
    assert_eq!(fixture.max_seq_length, 256);
    let worst = worst_single_window(encoder(), &fixture, 384);
    assert!(worst.0 >= 0.9999, "lowest cosine {} on {:?}", worst.0, worst.1);
}

#[test]
fn batch_equals_single() {
    let fixture = fixture();
    let enc = encoder();
    let texts: Vec<&str> = fixture.items.iter().map(|i| i.text.as_str()).collect();
    let batched = enc.encode(&texts).unwrap();
    for (text, b) in texts.iter().zip(&batched) {
        let single = &enc.encode(&[text]).unwrap()[0];
        let max_diff = single.vector.iter().zip(&b.vector).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(max_diff <= 1e-5, "batch vs single differ by {max_diff} on {text:?}");
        assert_eq!(single.windows, b.windows);
    }
}

#[test]
fn long_text_is_windowed_not_truncated() {
    let fixture = fixture();
    let enc = encoder();
    let long = fixture.items.iter().find(|i| i.name == "long_truncated").expect("a long item");
    let e = &enc.encode(&[long.text.as_str()]).unwrap()[0];
    assert!(e.windows >= 2, "a {}-token text used {} window(s)", long.tokens, e.windows);
    assert_eq!(e.tokens + 2, long.tokens);
    let norm: f32 = e.vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
    // The reference truncates at 256 tokens; our windows also see the rest, so the two agree
    // closely but not exactly.
    let c = cosine(&e.vector, &long.embedding);
    assert!(c > 0.9 && c < 0.99999, "cosine to the truncated reference: {c}");
}

fn int8_encoder() -> &'static dyn Encoder {
    static ENCODER: OnceLock<Box<dyn Encoder>> = OnceLock::new();
    ENCODER.get_or_init(|| {
        let options = EncoderOptions { precision: Precision::Int8, ..EncoderOptions::default() };
        encoder::load(model_files(), options).expect("the model loads with int8 weights")
    })
}

#[test]
fn int8_stays_close_to_sentence_transformers() {
    let fixture = fixture();
    let items: Vec<&Item> = fixture.items.iter().filter(|i| !i.truncated).collect();
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    let enc = int8_encoder();
    let batched = enc.encode(&texts).unwrap();
    let mut worst = (1.0f32, String::new());
    for ((item, b), text) in items.iter().zip(&batched).zip(&texts) {
        let single = &enc.encode(&[text]).unwrap()[0];
        let max_diff = single.vector.iter().zip(&b.vector).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(max_diff <= 1e-5, "int8 batch vs single differ by {max_diff} on {}", item.name);
        let c = cosine(&single.vector, &item.embedding);
        if c < worst.0 {
            worst = (c, item.name.clone());
        }
    }
    eprintln!("int8: lowest cosine to the reference {} on {:?}", worst.0, worst.1);
    // The bar is 0.99; with 12-bit activations the path measures 0.9992, so guard 0.998.
    assert!(worst.0 >= 0.998, "int8: lowest cosine {} on {:?}", worst.0, worst.1);
}

/// Issue 15: all-mpnet-base-v2 through the same factory, against sentence-transformers
/// (`scripts/reference-embeddings.sh --model mpnet`). Fetches its 440 MB mirror once into the cache.
#[test]
fn mpnet_matches_sentence_transformers_in_f32_and_int8() {
    let fixture = fixture_file("tests/fixtures/reference_embeddings_mpnet.json");
    assert_eq!(fixture.max_seq_length, 384);
    let files = resolve_model(Some("sentence-transformers/all-mpnet-base-v2"), &Resolver::from_env())
        .expect("all-mpnet-base-v2 resolves (cache, hub or its PyPI mirror)");
    let f32 = encoder::load(&files, EncoderOptions::default()).expect("MPNet loads");
    assert!(f32.id().starts_with("sentence-transformers/all-mpnet-base-v2@"));
    let worst = worst_single_window(f32.as_ref(), &fixture, 768);
    eprintln!("mpnet f32: lowest cosine to the reference {} on {:?}", worst.0, worst.1);
    assert!(worst.0 >= 0.9999, "mpnet f32: lowest cosine {} on {:?}", worst.0, worst.1);
    let texts: Vec<&str> = fixture.items.iter().map(|i| i.text.as_str()).collect();
    let batched = f32.encode(&texts).unwrap();
    for (item, b) in fixture.items.iter().zip(&batched) {
        let single = &f32.encode(&[item.text.as_str()]).unwrap()[0];
        let max_diff = single.vector.iter().zip(&b.vector).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(max_diff <= 1e-5, "mpnet batch vs single differ by {max_diff} on {}", item.name);
    }
    drop(f32);
    let options = EncoderOptions { precision: Precision::Int8, ..EncoderOptions::default() };
    let int8 = encoder::load(&files, options).expect("MPNet loads with int8 weights");
    let worst = worst_single_window(int8.as_ref(), &fixture, 768);
    eprintln!("mpnet int8: lowest cosine to the reference {} on {:?}", worst.0, worst.1);
    assert!(worst.0 >= 0.998, "mpnet int8: lowest cosine {} on {:?}", worst.0, worst.1);
}
