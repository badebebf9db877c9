//! Datelines and date stamps at the head of an article (`PESHAWAR: `, `KABUL (BNA) `, `date
//! 2025-10-15 `, `(MENAFN- …) DOHA, Oct 19 (KUNA) -- `): found in the lead and the short lines before
//! it, and removed so that summaries and evidence start with the story.

use super::clean::{is_one_of, words, MONTHS};
use super::sentences::{bullet_len, ends_sentence};

/// Removes the dateline (with a syndication tag before it) from the first paragraph that has one,
/// looking through the lead and a standfirst before it, and past the short lines a page may put
/// first (outlet name, "Key points", bullets, a repeated headline); at most [`DATELINE_SCAN`]
/// paragraphs. Machine date stamps on the paragraphs it passes are removed on the way, and so are
/// the paragraphs above the first prose one that are a short sentence (fewer than [`PROSE_WORDS`]
/// words, not a bullet: an outlet's motto, "The Example Times, the nation's trusted voice."), which
/// the story cannot open with.
pub fn strip_lead_dateline(paragraphs: &mut Vec<String>) {
    let mut prose = 0;
    let mut first_prose = None;
    for i in 0..paragraphs.len().min(DATELINE_SCAN) {
        let p = &mut paragraphs[i];
        let unstamped = strip_date_stamp(p);
        let rest = strip_dateline(strip_syndication_tag(unstamped));
        if rest.len() != unstamped.len() {
            *p = rest.to_string();
            let above = first_prose.unwrap_or(i);
            let mut index = 0;
            paragraphs.retain(|p| {
                let motto = index < above && ends_sentence(p) && words(p) < PROSE_WORDS && bullet_len(p) == 0;
                index += 1;
                !motto
            });
            return;
        }
        // A date stamp on a standfirst: the lead's dateline may still follow.
        if unstamped.len() != p.len() {
            *p = unstamped.to_string();
        }
        if words(p) >= PROSE_WORDS && ends_sentence(p) {
            first_prose.get_or_insert(i);
            prose += 1;
            if prose == 2 {
                return;
            }
        }
    }
}

/// Strips a machine date stamp glued to the start of a paragraph (`date 2025-10-15 `,
/// `Published: 2025-10-15 `, a bare `2025-10-15 `), as scraped pages' metadata leaves it; returns
/// the paragraph when it has none or when fewer than three words would be left.
fn strip_date_stamp(paragraph: &str) -> &str {
    match after_date_stamp(paragraph) {
        Some(after) if words(after) >= 3 => after,
        _ => paragraph,
    }
}

/// What follows a machine date stamp opening `paragraph` (see [`strip_date_stamp`]), or `None`
/// when it opens with none.
pub(crate) fn after_date_stamp(paragraph: &str) -> Option<&str> {
    let mut rest = paragraph.trim_start();
    if let Some((first, after)) = rest.split_once(' ') {
        if is_one_of(first.trim_end_matches(':').to_lowercase().as_str(), "date|dated|published|updated|posted") {
            rest = after.trim_start();
        }
    }
    let (stamp, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let iso = stamp.len() == 10
        && stamp.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    iso.then(|| after.trim_start())
}

/// Strips a syndication tag that names the feed before the dateline (`(MENAFN- Kuwait News Agency
/// (KUNA)) `): a parenthesis opening the paragraph whose first word is an all-caps feed name with a
/// hyphen; returns the paragraph when it has none.
fn strip_syndication_tag(paragraph: &str) -> &str {
    let Some(inner) = paragraph.strip_prefix('(') else {
        return paragraph;
    };
    let feed = inner.split_whitespace().next().unwrap_or_default();
    if !(feed.len() > 2 && feed.ends_with('-') && !feed.chars().any(char::is_lowercase)) {
        return paragraph;
    }
    let mut depth = 1;
    for (i, c) in inner.char_indices() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth == 0 {
            let rest = inner[i + 1..].trim_start();
            let starts = rest.starts_with(|c: char| !c.is_lowercase() && !",;:.".contains(c));
            let fits = words(&inner[..i]) <= 8 && words(rest) >= 3 && starts;
            return if fits { rest } else { paragraph };
        }
    }
    paragraph
}

/// The most paragraphs [`strip_lead_dateline`] looks through.
const DATELINE_SCAN: usize = 8;

/// Words a paragraph needs to count as prose: two prose paragraphs end the search for the dateline.
pub(super) const PROSE_WORDS: usize = 8;

/// Strips a leading dateline (`PESHAWAR: `, `Kabul, Nov 12: `, `ISLAMABAD (Reuters) — `,
/// `Kabul, Afghanistan – `, `(AP) - `) from a paragraph and returns the rest; returns the paragraph
/// when it has none.
pub fn strip_dateline(paragraph: &str) -> &str {
    if let Some(rest) = place_and_agency(paragraph) {
        return rest;
    }
    let seps = [": ", " — ", " – ", " - ", " -- ", "—", "–", "- "];
    let found = seps.iter().filter_map(|s| paragraph.find(s).map(|i| (i, *s))).min();
    let Some((at, sep)) = found.filter(|(at, _)| *at <= 80) else {
        return paragraph;
    };
    let rest = paragraph[at + sep.len()..].trim_start();
    let mut prefix = paragraph[..at].trim();
    let mut agency = false;
    if let Some(open) = prefix.rfind('(').filter(|_| prefix.ends_with(')')) {
        agency = words(&prefix[open..]) <= 3;
        prefix = prefix[..open].trim_end();
    }
    // `ISLAMABAD -UNS: ` names its agency after a hyphen.
    let parts: Vec<&str> =
        prefix.split([' ', ',', '/']).map(|w| w.trim_start_matches('-')).filter(|w| !w.is_empty()).collect();
    let upper = |w: &&str| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
    let caps = |w: &&str| !w.chars().any(char::is_lowercase);
    let place_caps = parts.first().is_some_and(caps)
        && parts.iter().take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit())).all(caps);
    // `Kabul, Nov 12: ` — a place and a date — is a dateline even in title case.
    let month = |w: &&str| is_one_of(&w.trim_end_matches('.').to_lowercase(), MONTHS);
    let dated = prefix.contains(',') && parts.iter().any(month) && parts.iter().any(|w| w.parse::<u16>().is_ok());
    // `Kabul – ` names a known dateline city in title case, set off by a spaced dash that is not one of
    // a pair (`Doha – Qatar's capital – hosted …`) and not a route (`Kabul – Islamabad relations …`).
    let city = sep.starts_with(' ')
        && is_city(&parts.join(" "))
        && !rest.split(['.', '!', '?']).next().unwrap_or_default().contains(sep.trim())
        && !rest.split_whitespace().next().is_some_and(|w| is_city(w.trim_end_matches(|c: char| !c.is_alphanumeric())));
    // `RASC News Agency: `, `Web Desk: ` name an outlet.
    let outlet = parts.len() <= 5 && is_outlet(&parts.join(" "));
    let kind_ok =
        if sep == ": " { place_caps || dated || outlet } else { place_caps || agency || city || prefix.contains(',') };
    let starts = rest.starts_with(|c: char| !c.is_lowercase() && !",;:.".contains(c));
    let valid = parts.iter().all(upper) && parts.len() <= 6 && (!parts.is_empty() || agency);
    if valid && kind_ok && starts && words(rest) >= 3 {
        rest
    } else {
        paragraph
    }
}

/// `KABUL (BNA) The ministry said …`: an all-caps place and an agency in parentheses with no
/// separator after them; the text after them, or `None`. The agency is one word, an outlet's name
/// (`(Pajhwok News Agency)`) or follows a known city, so that an acronym spelled out before a title
/// (`ISPR (Inter-Services Public Relations) Director General …`) stays.
fn place_and_agency(paragraph: &str) -> Option<&str> {
    let open = paragraph.find(" (")?;
    let close = open + paragraph[open..].find(") ")?;
    let (place, agency) = (&paragraph[..open], &paragraph[open + 2..close]);
    let rest = paragraph[close + 2..].trim_start();
    let caps = place
        .split([' ', ',', '/'])
        .filter(|w| !w.is_empty())
        .all(|w| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase));
    let named = words(agency) == 1 || (words(agency) <= 3 && (is_outlet(agency) || is_city(place)));
    let fits = caps && words(place) <= 3 && named && words(rest) >= 3;
    (fits && rest.starts_with(char::is_uppercase)).then_some(rest)
}

/// Whether `name` is a city that opens datelines in this coverage, in any case (`Kabul`, `KABUL`).
fn is_city(name: &str) -> bool {
    is_one_of(&name.to_lowercase(), DATELINE_CITIES)
}

const DATELINE_CITIES: &str = "kabul|islamabad|peshawar|quetta|kandahar|jalalabad|herat|khost|karachi|lahore|\
    rawalpindi|chaman|torkham|doha|istanbul|ankara|tehran|beijing|moscow|new delhi|delhi|washington|geneva|\
    dubai|riyadh|tashkent|london|new york|united nations";

/// Whether `name` ends like an outlet's name used as a dateline (`RASC News Agency`, `Web Desk`,
/// `Staff Correspondent`); a bare `… News` or `… Network` is too often a headline's subject.
fn is_outlet(name: &str) -> bool {
    let lower = name.to_lowercase();
    let last = lower.split_whitespace().last().unwrap_or_default();
    ["news agency", "news network", "news service"].iter().any(|e| lower.ends_with(e))
        || is_one_of(last, "desk|bureau|correspondent|reporter")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        let cases = "PESHAWAR: Gunmen attacked a checkpoint. => Gunmen attacked a checkpoint.
            ISLAMABAD (Reuters) — Pakistan said it would talk. => Pakistan said it would talk.
            Kabul, Afghanistan – When the envoy arrived, talks began. => When the envoy arrived, talks began.
            KABUL, Oct 14 (AP) - The Taliban said all was calm. => The Taliban said all was calm.
            (Reuters) - Pakistan's army said five soldiers died. => Pakistan's army said five soldiers died.
            Kabul, Nov 12: Deputy Prime Minister Baradar met traders. => Deputy Prime Minister Baradar met traders.
            KABUL- Returnees described the journey. => Returnees described the journey.
            ISLAMABAD -APP: The cabinet met on Friday. => The cabinet met on Friday.
            Kabul – Hours after the strikes, forces fired back. => Hours after the strikes, forces fired back.
            ISTANBUL / ISLAMABAD (Web Desk): The talks ended. => The talks ended.
            KABUL (BNA) The ministry rejected the claims. => The ministry rejected the claims.
            Border News Agency: The envoy met officials. => The envoy met officials.
            Pakistan (the country) said little about it. => Pakistan (the country) said little about it.
            Ambassador – The title he held – was dropped. => Ambassador – The title he held – was dropped.
            Kabul–Islamabad talks collapsed on Friday. => Kabul–Islamabad talks collapsed on Friday.
            Kabul – Islamabad relations have soured again. => Kabul – Islamabad relations have soured again.
            Doha – Qatar's capital – hosted the talks. => Doha – Qatar's capital – hosted the talks.
            ISPR (Inter-Services Public Relations) Director General spoke. => ISPR (Inter-Services Public Relations) Director General spoke.
            KP (Khyber Pakhtunkhwa) Chief Minister Gandapur said so. => KP (Khyber Pakhtunkhwa) Chief Minister Gandapur said so.
            PESHAWAR (Frontier News Agency) The jirga met. => The jirga met.
            Haqqani Network: A Taliban-linked group claimed it. => Haqqani Network: A Taliban-linked group claimed it.
            Breaking News: Pakistan Closes Torkham Border Again => Breaking News: Pakistan Closes Torkham Border Again
            Pakistan-Afghanistan trade fell again. => Pakistan-Afghanistan trade fell again.
            Cross- border trade fell again this year. => Cross- border trade fell again this year.
            Pakistan: the view from the border is grim. => Pakistan: the view from the border is grim.
            Pakistan, Afghanistan: Two Neighbours At Odds. => Pakistan, Afghanistan: Two Neighbours At Odds.
            Pakistan – especially its northwest – was hit. => Pakistan – especially its northwest – was hit.
            The minister said: \"We will respond.\" => The minister said: \"We will respond.\"";
        for case in cases.lines() {
            let (input, want) = case.trim().split_once(" => ").unwrap_or_default();
            assert_eq!(strip_dateline(input), want, "{input}");
        }
    }

    #[test]
    fn date_stamps_glued_to_the_lead_are_removed() {
        let cases = "date 2025-10-15 ISLAMABAD: The cabinet met on Friday. => The cabinet met on Friday.
            Published: 2024-03-19 Traders said the crossing reopened. => Traders said the crossing reopened.
            2023-08-04 Refuting the claims, Kabul said talks would go on. => Refuting the claims, Kabul said talks would go on.
            date 2025-10-15 => date 2025-10-15
            2025 was a hard year for traders at the crossing. => 2025 was a hard year for traders at the crossing.
            Updated ministers met in Doha on Friday. => Updated ministers met in Doha on Friday.
            date 2026-03-03 KABUL – The mission counted the dead. => The mission counted the dead.
            (MENAFN- Gulf Wire (GW)) DOHA, Oct 19 (GW) -- The ministry spoke. => The ministry spoke.
            (MENAFN- Border Wire) The minister spoke on Monday. => The minister spoke on Monday.
            (MENAFN- Border Wire) “We will not accept this,” he said. => “We will not accept this,” he said.
            (Left to right) The ministers met. => (Left to right) The ministers met.";
        for case in cases.lines() {
            let (input, want) = case.trim().split_once(" => ").unwrap_or_default();
            let mut paragraphs = vec![input.to_string()];
            strip_lead_dateline(&mut paragraphs);
            assert_eq!(paragraphs[0], want, "{input}");
        }
    }

    #[test]
    fn a_date_stamp_on_a_standfirst_does_not_end_the_search_for_the_dateline() {
        let mut page = vec![
            "date 2025-10-17 Islamabad worried over cross-border provocations".to_string(),
            "ISLAMABAD (Border News) – The Foreign Office rejected the statement.".to_string(),
        ];
        strip_lead_dateline(&mut page);
        assert_eq!(
            page,
            ["Islamabad worried over cross-border provocations", "The Foreign Office rejected the statement."]
        );
    }

    #[test]
    fn lead_dateline_found_past_short_lines_but_not_deep_in_the_body() {
        let para = |s: &str| s.to_string();
        let mut page = vec![
            para("Border News Desk"),
            para("Key points"),
            para("- Crossing shut for a third day"),
            para("- Traders count losses"),
            para("PESHAWAR: The Torkham crossing stayed shut on Monday as talks stalled."),
        ];
        strip_lead_dateline(&mut page);
        assert_eq!(page[4], "The Torkham crossing stayed shut on Monday as talks stalled.");
        let body = "Officials on both sides said the talks would resume next week in Kabul.";
        let mut later =
            vec![para(body), para(body), para("KABUL: A second meeting was held later that day in the city.")];
        strip_lead_dateline(&mut later);
        assert!(later[2].starts_with("KABUL: "), "a dateline after two prose paragraphs is not the lead's");
    }

    #[test]
    fn short_sentences_above_the_dateline_go_with_it() {
        let standfirst = "Traders say the closure has cost them more than any season before it.";
        let mut page = vec![
            "The Example Herald, the valley's own voice.".to_string(),
            "- Crossing shut for a third day.".to_string(),
            standfirst.to_string(),
            "Traders count the cost.".to_string(),
            "PESHAWAR: The Torkham crossing stayed shut on Monday.".to_string(),
        ];
        strip_lead_dateline(&mut page);
        let kept = ["- Crossing shut for a third day.", standfirst, "Traders count the cost."];
        assert_eq!(page, [&kept[..], &["The Torkham crossing stayed shut on Monday."]].concat());
    }
}
