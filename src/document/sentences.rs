//! Sentence segmentation for news text, with byte offsets into the text.
//!
//! Lines are grouped into units first: a blank line always ends a unit, a bullet line is its own
//! unit, and a line without final punctuation (a heading) ends its unit unless the next line
//! continues it in lowercase. Inside a unit, `.`, `?`, `!`, `…` (and Urdu `۔`, Arabic `؟`) end a
//! sentence when followed by space and a sentence start; closing quotes and brackets stay with the
//! sentence. The full-width ends of Chinese and Japanese (`。！？`) end a sentence with or without a
//! space after them. Abbreviations, initials, dotted acronyms and numbers do not end sentences. A
//! run-on "sentence" longer than the limit is cut into pieces at spaces, so no summary or evidence
//! line is ever megabytes long.

use super::Sentence;

/// Titles that always precede a name, so a full stop after them never ends a sentence.
const TITLES: &[&str] = &[
    "gen", "lt", "col", "maj", "dr", "mr", "mrs", "ms", "prof", "sen", "rep", "st", "capt", "sgt", "brig", "gov",
    "adm", "cpl", "pvt", "hon", "rev", "supt", "insp", "cmdr", "mt", "ft", "messrs",
];
/// Abbreviations that never end a sentence (they introduce what follows).
const NEVER_FINAL: &[&str] = &["vs", "approx", "e.g", "i.e", "cf", "al", "ca", "viz", "incl", "esp"];
/// Abbreviations that do not end a sentence when a number follows ("No. 5", "Oct. 14").
const BEFORE_NUMBER: &[&str] = &[
    "no", "nos", "art", "fig", "vol", "p", "pp", "para", "sec", "ch", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
];
/// Capitalised words that start a sentence after an initial or a dotted acronym ("U.S. The …").
const STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "But",
    "And",
    "In",
    "On",
    "At",
    "For",
    "However",
    "Meanwhile",
    "His",
    "Her",
    "Their",
    "Our",
    "After",
    "While",
    "When",
    "As",
    "If",
    "Since",
    "Some",
    "Many",
    "Both",
    "According",
    "Earlier",
    "Later",
    "Last",
    "Officials",
    "Yet",
    "So",
    "Still",
    "Now",
    "Then",
    "Such",
];

/// Longest sentence kept whole, in characters (`--max-sentence-chars`); longer ones are cut.
pub const DEFAULT_MAX_SENTENCE_CHARS: usize = 2000;

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '۔' | '؟' | '。' | '！' | '？' | '‼' | '⁇')
}

/// Sentence ends of scripts written without spaces: they end a sentence even when text follows at once.
fn is_unspaced_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '}')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '«' | '(' | '[' | '{')
}

/// Byte length of a leading bullet marker (`- `, `• `, `1. `, `2) `), or 0 when there is none.
pub(crate) fn bullet_len(line: &str) -> usize {
    let mut chars = line.char_indices();
    match chars.next() {
        Some((_, '-' | '*' | '•' | '·' | '‣' | '▪' | '◦' | '–' | '—')) => match chars.next() {
            Some((i, ' ')) => i + 1,
            _ => 0,
        },
        Some((_, c)) if c.is_ascii_digit() => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            match line.as_bytes().get(digits..digits + 2) {
                Some([b'.' | b')', b' ']) if digits <= 2 => digits + 2,
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Whether `s` ends with sentence-final punctuation, possibly followed by closing quotes/brackets.
pub(crate) fn ends_sentence(s: &str) -> bool {
    s.trim_end().trim_end_matches(is_closer).ends_with(is_terminal)
}

/// Splits cleaned text into sentences; offsets are byte offsets into `text` and each sentence's
/// `text` is the trimmed slice `&text[start..end]`. Never panics; empty input gives no sentences.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    split_sentences_within(text, DEFAULT_MAX_SENTENCE_CHARS)
}

/// [`split_sentences`], cutting any sentence longer than `max_chars` characters into pieces.
pub fn split_sentences_within(text: &str, max_chars: usize) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (start, end) in units(text) {
        let unit = &text[start..end];
        let skip = bullet_len(unit);
        split_unit(text, start + skip, end, &mut out);
    }
    if out.iter().any(|s| s.text.len() > max_chars) {
        out = out.into_iter().flat_map(|s| cut_run_on(text, s, max_chars.max(1))).collect();
    }
    out
}

/// Cuts a sentence of more than `max_chars` characters into pieces of at most that many, each
/// ending at the last space that leaves it at least half full (else at a character boundary).
fn cut_run_on(text: &str, sentence: Sentence, max_chars: usize) -> Vec<Sentence> {
    if sentence.text.chars().count() <= max_chars {
        return vec![sentence];
    }
    let mut pieces = Vec::new();
    let mut from = sentence.start;
    while from < sentence.end {
        let rest = &text[from..sentence.end];
        let limit = rest.char_indices().nth(max_chars).map_or(rest.len(), |(i, _)| i);
        let cut = if limit == rest.len() {
            limit
        } else {
            let half = rest.char_indices().nth(max_chars / 2).map_or(0, |(i, _)| i);
            rest[..limit].rfind(char::is_whitespace).filter(|&i| i > half).unwrap_or(limit)
        };
        push(text, from, from + cut, &mut pieces);
        from += cut;
    }
    pieces
}

/// Byte ranges of units: runs of lines joined only by lowercase continuations.
fn units(text: &str) -> Vec<(usize, usize)> {
    let mut units: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    let mut open = false; // the last unit may continue on the next line
    for raw in text.split('\n') {
        let line_start = offset;
        offset += raw.len() + 1;
        let lead = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        let (s, e) = (line_start + lead, line_start + lead + line.len());
        let continues = open && bullet_len(line) == 0 && line.starts_with(char::is_lowercase);
        match units.last_mut() {
            Some(last) if continues => last.1 = e,
            _ => units.push((s, e)),
        }
        open = units.last().is_some_and(|&(us, ue)| !ends_sentence(&text[us..ue]));
    }
    units
}

/// A quotation longer than this (in bytes) is split into its sentences after all.
const MAX_HELD_QUOTE: usize = 300;

/// For each char of `chars`, whether a double quotation is open after it (`“…”`, or `"…"` by
/// parity).
fn open_quotes(chars: &[(usize, char)]) -> Vec<bool> {
    let mut open = false;
    chars
        .iter()
        .map(|&(_, c)| {
            match c {
                '“' => open = true,
                '”' => open = false,
                '"' => open = !open,
                _ => {}
            }
            open
        })
        .collect()
}

/// Whether a boundary at `chars[j]` falls inside a quotation that closes soon after in the unit:
/// `"We lost everything. Now we dig graves," he said.` is one sentence, not a fragment and a half.
/// An unclosed or long quotation is split as usual.
fn inside_short_quote(unit: &str, chars: &[(usize, char)], open: &[bool], j: usize) -> bool {
    if j == 0 || !open[j - 1] {
        return false;
    }
    let at = chars[j].0;
    let mut end = unit.len().min(at + MAX_HELD_QUOTE);
    while !unit.is_char_boundary(end) {
        end -= 1;
    }
    unit[at..end].contains(['"', '”'])
}

/// Splits one unit `text[start..end]` at sentence boundaries, pushing trimmed sentences.
fn split_unit(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let unit = &text[start..end];
    let chars: Vec<(usize, char)> = unit.char_indices().collect();
    let open = open_quotes(&chars);
    let mut from = 0;
    let mut i = 0;
    while i < chars.len() {
        if !is_terminal(chars[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && is_terminal(chars[j].1) {
            j += 1;
        }
        while j < chars.len() && is_closer(chars[j].1) {
            j += 1;
        }
        let spaced = j < chars.len() && chars[j].1.is_whitespace();
        let unspaced = j < chars.len() && chars[i..j].iter().any(|&(_, c)| is_unspaced_terminal(c));
        if (spaced || unspaced) && is_boundary(unit, &chars, i, j) && !inside_short_quote(unit, &chars, &open, j) {
            push(text, start + from, start + chars[j].0, out);
            from = chars[j].0;
        }
        i = j.max(i + 1);
    }
    push(text, start + from, end, out);
}

fn push(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let slice = &text[start..end];
    let trimmed = slice.trim();
    if !trimmed.chars().any(char::is_alphanumeric) {
        return;
    }
    let s = start + (slice.len() - slice.trim_start().len());
    out.push(Sentence { text: trimmed.to_string(), start: s, end: s + trimmed.len() });
}

/// Whether the terminal run at `chars[i..]`, followed by closers up to `chars[j]` (a space),
/// ends a sentence, judged by the word before it and the word after.
fn is_boundary(unit: &str, chars: &[(usize, char)], i: usize, j: usize) -> bool {
    let rest = unit[chars[j].0..].trim_start();
    let next_word = rest.split_whitespace().next().unwrap_or("");
    let Some(next) = next_word.chars().next() else {
        return true;
    };
    if next.is_lowercase() {
        return false;
    }
    let run: String = chars[i..j].iter().map(|&(_, c)| c).filter(|&c| is_terminal(c)).collect();
    if run != "." {
        return true;
    }
    let before = &unit[..chars[i].0];
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("").trim_start_matches(is_opener);
    let lower = word.to_lowercase();
    let digit_next = next.is_ascii_digit();
    if TITLES.contains(&lower.as_str()) && word.starts_with(char::is_uppercase) {
        return false;
    }
    if NEVER_FINAL.contains(&lower.as_str()) || (digit_next && BEFORE_NUMBER.contains(&lower.as_str())) {
        return false;
    }
    if is_initial_or_acronym(word) {
        let bare = next_word.trim_matches(|c: char| !c.is_alphanumeric());
        return STARTERS.contains(&bare) || next_word.starts_with(is_opener);
    }
    true
}

/// "A" (an initial) or "U.S", "a.m", "U.A.E", "Ph.D": letters in groups of one or two between dots.
fn is_initial_or_acronym(word: &str) -> bool {
    let single = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let dotted = word.contains('.')
        && word.split('.').all(|p| (1..=2).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic));
    single || dotted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let sentences = split_sentences(text);
        for s in &sentences {
            assert_eq!(&text[s.start..s.end], s.text, "offsets must match text");
            assert_eq!(s.text.trim(), s.text);
        }
        sentences.into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn plain_sentences_and_offsets() {
        let t = "  The border opened. Trucks crossed!  Why now? ";
        assert_eq!(texts(t), ["The border opened.", "Trucks crossed!", "Why now?"]);
        let s = split_sentences(t);
        assert_eq!((s[0].start, s[0].end), (2, 20));
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\n ... — \n").is_empty());
    }

    #[test]
    fn a_short_quotation_stays_one_sentence() {
        let t = "\"We lost everything. Now we are digging graves,\" said Gul Khan. The strike hit at dawn.";
        assert_eq!(
            texts(t),
            ["\"We lost everything. Now we are digging graves,\" said Gul Khan.", "The strike hit at dawn."]
        );
        let curly = "He said: “Enough. We go home.” Then he left.";
        assert_eq!(texts(curly), ["He said: “Enough. We go home.”", "Then he left."]);
        // A quotation that never closes, or runs long, is split as usual.
        let unclosed = "He said: \"This is the end. Nothing more will come. We go home.";
        assert_eq!(texts(unclosed).len(), 3);
        let long = format!("\"{} Second part.\" said he.", "Word after word. ".repeat(30));
        assert!(texts(&long).len() > 2);
    }

    #[test]
    fn titles_and_abbreviations() {
        let t = "Lt. Gen. Asim Malik met Dr. Rahimi and Mrs. Zai at St. Mary's. Prof. Noor spoke, e.g. on trade, i.e. tariffs. Talks vs. threats.";
        assert_eq!(
            texts(t),
            [
                "Lt. Gen. Asim Malik met Dr. Rahimi and Mrs. Zai at St. Mary's.",
                "Prof. Noor spoke, e.g. on trade, i.e. tariffs.",
                "Talks vs. threats."
            ]
        );
        assert_eq!(
            texts("It had approx. 40 trucks, grain, fuel etc. The rest waited."),
            ["It had approx. 40 trucks, grain, fuel etc.", "The rest waited."]
        );
        assert_eq!(texts("Sen. Baloch and Rep. Orakzai agreed."), ["Sen. Baloch and Rep. Orakzai agreed."]);
    }

    #[test]
    fn months_and_numbered_references() {
        assert_eq!(
            texts("On Oct. 14 and Jan. 3 the gate closed. Resolution No. 2711 passed."),
            ["On Oct. 14 and Jan. 3 the gate closed.", "Resolution No. 2711 passed."]
        );
        assert_eq!(texts("They met in Dec. Nothing changed."), ["They met in Dec.", "Nothing changed."]);
    }

    #[test]
    fn acronyms_and_initials() {
        assert_eq!(
            texts("The U.S. envoy and U.N. staff met A. Khan and J. K. Durrani."),
            ["The U.S. envoy and U.N. staff met A. Khan and J. K. Durrani."]
        );
        assert_eq!(
            texts("Aid came from the U.K. The U.S. President called at 10 a.m. It ended."),
            ["Aid came from the U.K.", "The U.S. President called at 10 a.m.", "It ended."]
        );
    }

    #[test]
    fn numbers_never_split() {
        let t = "Some 2,400 people and $1.2 billion in trade, up 3.5 percent. Another 1.75m fled in 2023. 50 returned.";
        assert_eq!(
            texts(t),
            [
                "Some 2,400 people and $1.2 billion in trade, up 3.5 percent.",
                "Another 1.75m fled in 2023.",
                "50 returned."
            ]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            texts("He paused... and went on. Then silence… Nobody spoke."),
            ["He paused... and went on.", "Then silence…", "Nobody spoke."]
        );
    }

    #[test]
    fn quotes_and_brackets_after_full_stop() {
        let t = "He said, \"We will respond.\" Next day, fighting began. (See the map below.) It spread. “Why?” he asked. ‘Enough.’ She left.";
        assert_eq!(
            texts(t),
            [
                "He said, \"We will respond.\"",
                "Next day, fighting began.",
                "(See the map below.)",
                "It spread.",
                "“Why?” he asked.",
                "‘Enough.’",
                "She left."
            ]
        );
    }

    #[test]
    fn headings_paragraphs_and_bullets() {
        let t = "Border Talks Resume\nDelegations met in Doha. They agreed\nto meet again\n\nKey points\n- Trade resumes Monday\n• Refugees get 30 days.\n1. A joint committee\n\nNext paragraph without stop\n\nLast one.";
        assert_eq!(
            texts(t),
            [
                "Border Talks Resume",
                "Delegations met in Doha.",
                "They agreed\nto meet again",
                "Key points",
                "Trade resumes Monday",
                "Refugees get 30 days.",
                "A joint committee",
                "Next paragraph without stop",
                "Last one."
            ]
        );
    }

    #[test]
    fn unicode_text() {
        let t = "Mawlawi Abdul Kabir’s office—in Kabul—said: “The crossing is open.” Officials agreed.\n\nد پاکستان او افغانستان خبرې پیل شوې۔ پاکستان نے کہا؟ ٹھیک ہے۔";
        assert_eq!(
            texts(t),
            [
                "Mawlawi Abdul Kabir’s office—in Kabul—said: “The crossing is open.”",
                "Officials agreed.",
                "د پاکستان او افغانستان خبرې پیل شوې۔",
                "پاکستان نے کہا؟",
                "ٹھیک ہے۔"
            ]
        );
    }

    #[test]
    fn quotation_near_a_multibyte_character_does_not_panic() {
        // Regression (issue 17): the look-ahead for a closing quote cut 300 bytes into an Urdu word.
        let urdu = format!(
            "ترجمان نے کہا: “ہم نے سرحد بند کر دی۔ {} اب کچھ نہیں۔” پھر وہ چلے گئے۔",
            "یہ ایک لمبا جملہ ہے۔ ".repeat(40)
        );
        for shift in 0..4 {
            let text = format!("{}{urdu}", "x".repeat(shift));
            assert!(!texts(&text).is_empty());
        }
    }

    #[test]
    fn chinese_sentence_ends_need_no_space() {
        assert_eq!(
            texts("巴基斯坦关闭了边境。阿富汗表示抗议！会谈何时恢复？"),
            ["巴基斯坦关闭了边境。", "阿富汗表示抗议！", "会谈何时恢复？"]
        );
    }

    #[test]
    fn run_on_sentences_are_cut_at_spaces() {
        let text = "word ".repeat(1000);
        let pieces = split_sentences_within(&text, 100);
        assert!(pieces.len() >= 50, "{}", pieces.len());
        for p in &pieces {
            assert!(p.text.chars().count() <= 100 && p.text.starts_with("word"), "{:?}", p.text);
            assert_eq!(&text[p.start..p.end], p.text);
        }
        let unbroken = "ب".repeat(250);
        let pieces = split_sentences_within(&unbroken, 100);
        assert_eq!(pieces.iter().map(|p| p.text.chars().count()).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(split_sentences_within("Short one. Another.", 100).len(), 2);
    }

    #[test]
    fn windows_line_endings_and_odd_input() {
        assert_eq!(texts("One.\r\nTwo.\r\n\r\nThree"), ["One.", "Two.", "Three"]);
        assert_eq!(texts("...\n?!\n.a.b.c. \u{00A0}Z."), [".a.b.c.", "Z."]);
        assert!(ends_sentence("It ended.”) "));
        assert!(!ends_sentence("A heading"));
    }
}
