//! Telling the outlet's own voice from reported claims: "X said", "according to", quotes.

/// Whose voice a sentence is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// The outlet asserts it.
    Own,
    /// It reports someone else's claim (attribution cue or a substantial quotation).
    Reported,
}

/// Finds attribution cues (whole words or phrases, case-insensitive) from a spec's list.
#[derive(Debug, Clone)]
pub struct AttributionDetector {
    cues: Vec<Vec<String>>,
}

impl AttributionDetector {
    /// Builds a detector from cue phrases such as `said` or `according to`.
    pub fn new(cues: &[String]) -> Self {
        AttributionDetector { cues: cues.iter().map(|c| words(c)).filter(|w| !w.is_empty()).collect() }
    }

    /// Classifies a sentence's voice.
    pub fn voice(&self, sentence: &str) -> Voice {
        let tokens = words(sentence);
        let cued = self.cues.iter().any(|cue| tokens.windows(cue.len()).any(|w| w == cue.as_slice()));
        if cued || quoted_share(sentence) > 0.3 {
            Voice::Reported
        } else {
            Voice::Own
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Share of the sentence's characters inside double quotation marks (straight or curly).
pub(crate) fn quoted_share(sentence: &str) -> f32 {
    let total = sentence.chars().count().max(1);
    let mut inside = false;
    let mut quoted = 0usize;
    for c in sentence.chars() {
        match c {
            '"' => inside = !inside,
            '“' => inside = true,
            '”' => inside = false,
            _ if inside => quoted += 1,
            _ => {}
        }
    }
    quoted as f32 / total as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> AttributionDetector {
        AttributionDetector::new(&["said".into(), "according to".into(), "claimed".into()])
    }

    #[test]
    fn cues_and_quotes_mark_reported_claims() {
        let d = detector();
        assert_eq!(d.voice("The spokesman said the strikes hit civilians."), Voice::Reported);
        assert_eq!(d.voice("According to officials, 12 people died."), Voice::Reported);
        assert_eq!(d.voice("“We will respond to any aggression with full force,” he warned."), Voice::Reported);
        assert_eq!(d.voice("The strikes were a flagrant violation of sovereignty."), Voice::Own);
    }

    #[test]
    fn cue_must_be_a_whole_word_or_phrase() {
        let d = detector();
        assert_eq!(d.voice("The saidabad market reopened."), Voice::Own);
        assert_eq!(d.voice("The accord was signed in Doha."), Voice::Own);
    }
}
