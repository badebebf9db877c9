//! The extractive ceiling for `stance compare`: for each article, about the best summary a
//! summarizer could have written against its reference — sentences added one at a time, each the one
//! that raises ROUGE-1 F1 the most, within the default summarizer's limits, until none raises it
//! (the greedy oracle of Nallapati et al. 2017, used to label and bound extractive summarizers). It
//! reads the reference, so it is a yardstick for how much room is left, never a system.

use super::rouge::Rouge1Against;
use crate::document::Document;
use crate::summarize::learned::max_sentences;
use crate::summarize::{summary_candidates, Pick, Summary, SummaryOptions};

/// The summarizer name the oracle's row carries.
pub const ORACLE_NAME: &str = "oracle";

/// What the oracle's row is, for every rendering of the comparison.
pub const ORACLE_NOTE: &str = "oracle: for each reference, the summary of the article's own sentences that a greedy \
     search finds best by ROUGE-1, within the default summarizer's limits (2 to 4 sentences by the article's length, \
     100 words), over the articles that have a reference: a ceiling for extractive summaries, not a system";

/// The greedy ROUGE-1 oracle summary of `doc` against `reference`, from the summarizers' candidate
/// sentences and within the limits the default summarizer keeps to: `options`' word limit (a lone
/// sentence may be longer) and [`max_sentences`]. Of sentences that raise the score equally, the earlier one is taken.
pub fn oracle_summary(doc: &Document, reference: &str, options: &SummaryOptions) -> Summary {
    let against = Rouge1Against::new(reference);
    let limits = SummaryOptions { max_sentences: max_sentences(doc, options), ..*options };
    let candidates = summary_candidates(doc, doc.sentences.len());
    let mut pick = Pick::new(doc, &limits);
    let mut best = 0.0;
    for _ in 0..limits.max_sentences {
        let mut next: Option<(usize, f64)> = None;
        for &i in candidates.iter().filter(|&&i| pick.fits(i)) {
            let mut trial = pick.chosen.clone();
            trial.push(i);
            let score = against.f1(&Summary::from_indices(doc, trial).text);
            if next.is_none_or(|(_, top)| score > top) {
                next = Some((i, score));
            }
        }
        match next {
            Some((i, score)) if score > best => {
                pick.add(i);
                best = score;
            }
            _ => break,
        }
    }
    Summary::from_indices(doc, pick.chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::rouge::rouge;

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
        // Each sentence covers a third of the reference, so without limits all three would be taken.
        let d = doc(&[
            "Pakistan reopened the Torkham crossing on Monday morning.",
            "Kabul released the detained traders after long talks.",
            "China offered to mediate a lasting ceasefire agreement.",
        ]);
        let reference = "Pakistan reopened Torkham crossing Monday; Kabul released detained traders; China offered to mediate ceasefire.";
        let unlimited = SummaryOptions { max_sentences: 4, max_words: 100, ..SummaryOptions::default() };
        assert!(d.word_count() < 100, "a short article: the default summarizer keeps it to two sentences");
        assert_eq!(oracle_summary(&d, reference, &unlimited).sentences.len(), 2);
        let one = SummaryOptions { max_sentences: 1, ..unlimited };
        assert_eq!(oracle_summary(&d, reference, &one).sentences.len(), 1);
        let twelve_words = SummaryOptions { max_words: 12, ..unlimited };
        assert_eq!(oracle_summary(&d, reference, &twelve_words).sentences.len(), 1, "two would be 16 words");
        let three_words = SummaryOptions { max_words: 3, ..unlimited };
        assert_eq!(oracle_summary(&d, reference, &three_words).sentences.len(), 1, "a lone sentence may be longer");
    }

    #[test]
    fn a_reference_that_shares_nothing_gives_an_empty_summary() {
        let d = doc(&["Pakistan and Afghanistan held talks in Istanbul on the border crossings."]);
        assert!(oracle_summary(&d, "Unrelated words entirely here.", &SummaryOptions::default()).sentences.is_empty());
    }
}
