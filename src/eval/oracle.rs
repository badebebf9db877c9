//! The extractive ceiling for `stance compare`: for each article, the summary a summarizer could
//! at best have written against its reference — sentences added one at a time, each the one that
//! raises ROUGE-1 F1 the most, within the summarizers' limits, until none raises it (the greedy
//! oracle of Nallapati et al. 2017, used to label and bound extractive summarizers). It reads the
//! reference, so it is a yardstick for how much room is left, never a system.

use super::rouge::rouge;
use crate::document::Document;
use crate::summarize::{summary_candidates, Summary, SummaryOptions};

/// The summarizer name the oracle's row carries.
pub const ORACLE_NAME: &str = "oracle";

/// The greedy ROUGE-1 oracle summary of `doc` against `reference`, from the same candidate
/// sentences and within the same sentence and word limits as the summarizers (a lone sentence may
/// be longer than the word limit).
pub fn oracle_summary(doc: &Document, reference: &str, options: &SummaryOptions) -> Summary {
    let candidates = summary_candidates(doc, doc.sentences.len());
    let words = |i: usize| doc.sentences[i].text.split_whitespace().count();
    let mut chosen: Vec<usize> = Vec::new();
    let mut best = 0.0;
    while chosen.len() < options.max_sentences {
        let used: usize = chosen.iter().map(|&i| words(i)).sum();
        let next = candidates
            .iter()
            .filter(|i| !chosen.contains(i))
            .filter(|&&i| chosen.is_empty() || used + words(i) <= options.max_words)
            .map(|&i| {
                let mut trial = chosen.clone();
                trial.push(i);
                (i, rouge(&Summary::from_indices(doc, trial).text, reference).rouge1)
            })
            .fold(None, |top: Option<(usize, f64)>, (i, score)| match top {
                Some((_, s)) if s >= score => top,
                _ => Some((i, score)),
            });
        match next {
            Some((i, score)) if score > best => {
                chosen.push(i);
                best = score;
            }
            _ => break,
        }
    }
    Summary::from_indices(doc, chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(sentences: &[&str]) -> Document {
        crate::summarize::tests::doc(sentences)
    }

    #[test]
    fn picks_the_sentences_that_cover_the_reference_and_stops_when_none_adds() {
        let d = doc(&[
            "Officials met in Doha on Monday to discuss the border crossings and trade.",
            "The weather in the capital was mild for the season and markets were busy.",
            "Pakistan agreed to reopen the Torkham crossing for trucks carrying fruit.",
            "Kabul promised to act against militant groups operating near the frontier.",
        ]);
        let reference =
            "Pakistan agreed to reopen Torkham for fruit trucks, and Kabul promised to act against militant groups.";
        let summary = oracle_summary(&d, reference, &SummaryOptions::default());
        assert_eq!(summary.sentences, [2, 3], "{summary:?}");
        let both = rouge(&summary.text, reference).rouge1;
        for alone in [2, 3] {
            assert!(both > rouge(&d.sentences[alone].text, reference).rouge1);
        }
    }

    #[test]
    fn keeps_to_the_summarizers_limits() {
        let d = doc(&[
            "Pakistan and Afghanistan held talks in Istanbul on the border crossings.",
            "The talks in Istanbul covered trade, refugees and the border crossings.",
            "Refugees returning from Pakistan crowded the Torkham crossing on Sunday.",
        ]);
        let reference =
            "Pakistan and Afghanistan held talks in Istanbul on trade, refugees and border crossings at Torkham.";
        let one = SummaryOptions { max_sentences: 1, ..SummaryOptions::default() };
        assert_eq!(oracle_summary(&d, reference, &one).sentences.len(), 1);
        let short = SummaryOptions { max_words: 15, ..SummaryOptions::default() };
        let summary = oracle_summary(&d, reference, &short);
        assert_eq!(summary.sentences.len(), 1, "a second sentence would pass 15 words: {summary:?}");
    }

    #[test]
    fn a_reference_that_shares_nothing_gives_an_empty_summary() {
        let d = doc(&["Pakistan and Afghanistan held talks in Istanbul on the border crossings."]);
        assert!(oracle_summary(&d, "Unrelated words entirely here.", &SummaryOptions::default()).sentences.is_empty());
    }
}
