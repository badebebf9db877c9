//! A small labelled corpus for offline unit tests, written from the spec's own exemplars: article
//! `k` of a label strings together three of that label's exemplar sentences.

use super::Spec;
use crate::document::load::document_from_text;
use crate::document::Document;

/// `per_label` articles of every label in spec order, each with its gold label index.
pub(crate) fn labelled_corpus(spec: &Spec, per_label: usize) -> Vec<(Document, usize)> {
    let mut corpus = Vec::new();
    for k in 0..per_label {
        for (label, l) in spec.labels.iter().enumerate() {
            let sentence = |j: usize| l.exemplars[(3 * k + j) % l.exemplars.len()].trim_end_matches('.').to_string();
            let text = format!("{}.\n\n{}. {}.\n", sentence(0), sentence(1), sentence(2));
            let id = format!("{}-{k}", l.name);
            corpus.push((document_from_text(&id, &format!("{id}.txt"), &text).expect("a fixture article"), label));
        }
    }
    corpus
}
