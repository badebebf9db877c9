//! Cleaning: HTML to text, whitespace normalisation, and removal of web-page clutter.
//!
//! [`clean_paragraphs`] normalises line endings and unicode whitespace, runs every line through the
//! ordered [`CLUTTER_RULES`] (the first rule with a verdict wins), and re-joins hard-wrapped lines.
//! [`clean_text`] adds [`strip_lead_dateline`] and joins paragraphs with blank lines. A line is clutter
//! only when the whole (short) line matches; the same words inside a long paragraph are content.

use scraper::{ElementRef, Html, Node, Selector};

use super::dateline::strip_lead_dateline;
use super::navigation::drop_navigation;
use super::sentences::{bullet_len, ends_sentence};

/// What a clutter rule decides about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Not this rule's business; the next rule looks at the line.
    Keep,
    /// The whole line is clutter.
    Drop,
    /// Clutter glued to content ("SEE ALSO: …HeadlineThe text…", "… in Kabul. Photo: Example"): keep this part.
    KeepPart(&'a str),
}

/// One named clutter rule, given a trimmed, whitespace-normalised line.
#[derive(Clone, Copy)]
pub struct ClutterRule {
    /// Short name, reported by [`clutter_rule`] (tests, debugging).
    pub name: &'static str,
    /// The check itself.
    pub check: fn(&str) -> Verdict<'_>,
}

const fn rule(name: &'static str, check: fn(&str) -> Verdict<'_>) -> ClutterRule {
    ClutterRule { name, check }
}

/// The clutter rules, in the order they are tried. General patterns only, never site-specific text.
pub const CLUTTER_RULES: &[ClutterRule] = &[
    rule("symbols", symbols),
    rule("label", label),
    rule("link", link),
    rule("social", social),
    rule("newsletter", newsletter),
    rule("call-to-action", call_to_action),
    rule("ticker", ticker),
    rule("cookies", cookies),
    rule("copyright", copyright),
    rule("notice", notice),
    rule("click-here", click_here),
    rule("byline", byline),
    rule("date", date),
    rule("credit", credit),
    rule("fragment", fragment),
    rule("kicker", kicker),
];

/// The first rule with a verdict on `line`, and that verdict; `None` when the line is content.
pub fn clutter_verdict(line: &str) -> Option<(&'static str, Verdict<'_>)> {
    let line = line.trim();
    CLUTTER_RULES.iter().find_map(|r| match (r.check)(line) {
        Verdict::Keep => None,
        verdict => Some((r.name, verdict)),
    })
}

/// Name of the rule that drops or trims `line`, if any.
pub fn clutter_rule(line: &str) -> Option<&'static str> {
    clutter_verdict(line).map(|(name, _)| name)
}

/// Cleans raw article text: normalised whitespace, no clutter lines, no dateline on the lead, and
/// paragraphs separated by one blank line.
pub fn clean_text(raw: &str) -> String {
    let mut paragraphs = clean_paragraphs(raw);
    strip_lead_dateline(&mut paragraphs);
    paragraphs.join("\n\n")
}

/// Cleaned paragraphs in order: whitespace normalised, navigation runs and clutter dropped, Markdown heading markers
/// removed, hard-wrapped lines re-joined (a line continues the previous one when that one has no
/// final punctuation and the line continues a sentence (see `continues_sentence`), or the whole block is wrapped).
pub fn clean_paragraphs(raw: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    for block in drop_navigation(&normalize(raw)).split("\n\n") {
        let lines: Vec<&str> = block.lines().filter_map(clean_line).collect();
        let wrapped = looks_wrapped(&lines);
        let mut current = String::new();
        for line in lines {
            let joins = !current.is_empty()
                && bullet_len(line) == 0
                && !ends_sentence(&current)
                && (wrapped || continues_sentence(line));
            if joins {
                current.push(' ');
            } else if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            current.push_str(line);
        }
        if !current.is_empty() {
            paragraphs.push(current);
        }
    }
    paragraphs
}

/// Whether a line reads as the rest of a sentence broken before it: it opens in lowercase, or with a
/// parenthesis in lowercase (`(late) and …`) that is not a list marker (`(a) `, `(iv) `).
pub(crate) fn continues_sentence(line: &str) -> bool {
    match line.strip_prefix('(') {
        Some(inner) => {
            let marker =
                inner.split_once(')').is_some_and(|(m, _)| m.len() <= 2 || m.chars().all(|c| "ivx".contains(c)));
            !marker && inner.starts_with(char::is_lowercase)
        }
        None => line.starts_with(char::is_lowercase),
    }
}

/// The kept part of one line (heading marker removed, glued clutter cut off), or `None` when the
/// line is empty or clutter. Bullet markers are ignored when judging.
pub fn clean_line(line: &str) -> Option<&str> {
    let mut line = line.trim();
    let hashes = line.len() - line.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        line = line[hashes..].trim_start();
    }
    let kept = match clutter_verdict(&line[bullet_len(line)..]) {
        None => line,
        Some((_, Verdict::KeepPart(rest))) => rest.trim(),
        Some(_) => return None,
    };
    Some(kept).filter(|l| !l.is_empty())
}

/// Three or more lines, most without final punctuation, none wider than a typewriter: hard-wrapped.
fn looks_wrapped(lines: &[&str]) -> bool {
    let head = &lines[..lines.len().saturating_sub(1)];
    let open = head.iter().filter(|l| !ends_sentence(l)).count();
    head.len() >= 2 && open * 3 >= head.len() * 2 && head.iter().all(|l| l.chars().count() <= 100)
}

/// Normalises line endings and unicode whitespace (NBSP, thin spaces → space; zero-width space,
/// BOM, soft hyphen removed; ZWNJ kept for Persian/Pashto script), collapses runs of spaces, trims
/// lines and squeezes runs of blank lines to one.
pub fn normalize(raw: &str) -> String {
    let mut flat = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' => flat.push('\n'),
            '\u{2029}' => flat.push_str("\n\n"),
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => {}
            c if c.is_whitespace() => flat.push(' '),
            c if c.is_control() => {}
            c => flat.push(c),
        }
    }
    let mut out = String::with_capacity(flat.len());
    let mut gap = false;
    for line in flat.split('\n') {
        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            gap = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if gap { "\n\n" } else { "\n" });
        }
        gap = false;
        out.push_str(&words.join(" "));
    }
    out
}

/// `line` lowercased, with surrounding punctuation and symbols removed: what phrase rules compare.
fn key(line: &str) -> String {
    line.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

pub(super) fn words(line: &str) -> usize {
    line.split_whitespace().count()
}

/// Whether `key` is, starts with, or contains one of the `|`-separated phrases.
pub(super) fn is_one_of(key: &str, phrases: &str) -> bool {
    phrases.split('|').any(|p| p == key)
}
fn has_prefix(key: &str, phrases: &str) -> bool {
    let whole_word = |p: &str| key.get(p.len()..).is_some_and(|r| !r.starts_with(char::is_alphanumeric));
    phrases.split('|').any(|p| key.starts_with(p) && whole_word(p))
}
fn has_any(key: &str, phrases: &str) -> bool {
    phrases.split('|').any(|p| key.contains(p))
}

fn drop_if(cond: bool) -> Verdict<'static> {
    if cond {
        Verdict::Drop
    } else {
        Verdict::Keep
    }
}

fn symbols(line: &str) -> Verdict<'_> {
    drop_if(!line.chars().any(char::is_alphanumeric))
}

/// Navigation and widget labels that make up a whole line.
const LABELS: &str = "advertisement|advertisements|ad|sponsored|sponsored content|continue reading|\
    read more|read full article|read the full article|read full story|full story|top stories|top story|\
    trending|trending now|most read|most popular|latest news|breaking news|related|related stories|\
    related articles|related news|more stories|you may also like|you might also like|recommended|\
    recommended for you|also read|see also|share|share this|share this article|share this story|\
    share this post|connect with us|follow us|tags|topics|comments|leave a comment|print|email|listen|\
    listen to this article|skip to content|skip to main content|skip advertisement|menu|home|back to top|editorial|\
    opinion|watch|video|gallery|photos";

/// `text` after `label` when it opens with it, in any case.
fn after_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.get(..label.len()).filter(|head| head.eq_ignore_ascii_case(label)).map(|_| &text[label.len()..])
}

/// Whole-line widget labels; ad labels glued to the text ("AdvertisementSKIP ADVERTISEMENTThe
/// minister said …") are cut off and the text kept.
fn label(line: &str) -> Verdict<'_> {
    if is_one_of(&key(line), LABELS) {
        return Verdict::Drop;
    }
    let Some(mut rest) =
        after_label(line, "advertisement").filter(|r| !r.starts_with(|c: char| c == ' ' || c.is_lowercase()))
    else {
        return Verdict::Keep;
    };
    while let Some(r) = after_label(rest, "skip advertisement").or_else(|| after_label(rest, "advertisement")) {
        rest = r;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        Verdict::Drop
    } else if rest.starts_with(char::is_uppercase) && words(rest) >= 3 {
        Verdict::KeepPart(rest)
    } else {
        Verdict::Keep
    }
}

/// "See also: …", "Read more: …" link lines. When a headline is glued to the body with no space
/// ("…Governance ModelThe Taliban said…"), the body is kept.
fn link(line: &str) -> Verdict<'_> {
    let lower = line.to_lowercase();
    let colon = "see also|also read|read also|read more|related|more|recommended|watch|listen|must read"
        .split('|')
        .any(|p| lower.strip_prefix(p).is_some_and(|r| r.trim_start().starts_with(':')));
    let loose = has_prefix(&lower, "read more|continue reading") && words(line) <= 12;
    if !colon && !loose {
        return Verdict::Keep;
    }
    let b = line.as_bytes();
    let glued =
        (1..b.len()).find(|&i| b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase() && words(&line[..i]) >= 3);
    match glued.filter(|&i| colon && words(&line[i..]) >= 5) {
        Some(i) => Verdict::KeepPart(&line[i..]),
        None => drop_if(words(line) <= 25),
    }
}

fn social(line: &str) -> Verdict<'_> {
    let k = key(line);
    let prefixed = has_prefix(
        &k,
        "share on|share via|share this|follow us|connect with us|join our|join us on|like us on|find us on",
    );
    let networks = " on facebook| on twitter| on x| on instagram| on whatsapp| on telegram| on youtube";
    let follow = k.starts_with("follow ") && has_any(&k, networks);
    drop_if((prefixed || follow) && words(line) <= 15)
}

fn newsletter(line: &str) -> Verdict<'_> {
    let k = key(line);
    let hit =
        has_any(&k, "newsletter|to your inbox|in your inbox|have an account|create an account|create a free account")
            || has_prefix(&k, "subscribe|sign up|sign in|log in|register|get the latest");
    drop_if(hit && words(line) <= 30)
}

/// A sign-off asking the reader to act: "Please like this clip and subscribe to our channel". Quoted
/// speech ("“Please watch the video …,” he said") is the story's, and is kept.
fn call_to_action(line: &str) -> Verdict<'_> {
    let k = key(line);
    let asks = has_any(&k, "watch the video|subscribe to the channel|subscribe to our|subscribe to my|and subscribe");
    // `key` trims a leading quote mark, so the line itself must open with the word.
    let opens = line.starts_with(char::is_alphabetic) && has_prefix(&k, "please");
    let quoted = line.contains(['"', '“', '”']);
    drop_if(opens && asks && !quoted && words(line) <= 20)
}

/// Market-data strips: prices with ▲/▼ arrows and percentage changes.
fn ticker(line: &str) -> Verdict<'_> {
    drop_if(line.contains(['▲', '▼', '△', '▽']) && line.contains('%') && words(line) <= 30)
}

fn cookies(line: &str) -> Verdict<'_> {
    drop_if(key(line).contains("cookie") && words(line) <= 50)
}

/// "© 2025 …", "Copyright (c) …", "Copyright © All rights reserved. …" (any length), and short
/// lines with "all rights reserved".
fn copyright(line: &str) -> Verdict<'_> {
    let lower = line.to_lowercase();
    let after = lower.strip_prefix("copyright").map(str::trim_start);
    let marked = line.starts_with('©')
        || after.is_some_and(|a| {
            a.starts_with(['©', '(']) || a.starts_with(|c: char| c.is_ascii_digit()) || a.starts_with("all rights")
        });
    drop_if(marked || (lower.contains("all rights reserved") && words(line) <= 40))
}

/// Aggregator and syndication notices about the article rather than from it.
fn notice(line: &str) -> Verdict<'_> {
    let phrases = "read the full story|read the full article|read full article|full article on|\
        originally published|originally appeared|this preview shows";
    drop_if(has_any(&key(line), phrases) && words(line) <= 40)
}

fn click_here(line: &str) -> Verdict<'_> {
    let k = key(line);
    drop_if(
        (has_prefix(&k, "click here|tap here") && words(line) <= 25) || (k.contains("click here") && words(line) <= 12),
    )
}

/// "By Staff Reporter", "By JANE DOE and John Roe | Reuters", "Reporting by …; Editing by …".
fn byline(line: &str) -> Verdict<'_> {
    let k = key(line);
    let credits =
        "reporting by|additional reporting by|writing by|editing by|edited by|compiled by|written by|posted by";
    if has_prefix(&k, credits) || (k.starts_with("author") && line.contains(':')) {
        return drop_if(words(line) <= 30);
    }
    let Some(names) = ["By ", "by ", "BY "].iter().find_map(|p| line.strip_prefix(p)) else {
        return Verdict::Keep;
    };
    let name_like = names.split_whitespace().all(|w| {
        is_one_of(w, "and|in|for|from|with|at")
            || !w.chars().any(char::is_alphanumeric)
            || w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '@')
    });
    drop_if(name_like && words(names) <= 10 && !line.ends_with(['!', '?']))
}

pub(super) const MONTHS: &str = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|\
    april|june|july|august|september|october|november|december";
const WEEKDAYS: &str = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|\
    friday|saturday|sunday";
const TIME_WORDS: &str = "am|pm|a.m|p.m|ago|hour|hours|hr|hrs|minute|minutes|min|mins|day|days|week|\
    weeks|read|just|now|today|yesterday|at|on|of|the";

/// Whether a token may appear in a date line, and whether it is a date/time on its own.
fn date_token(token: &str) -> (bool, bool) {
    let w = token.trim_end_matches('.').to_lowercase();
    let digits = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    let number = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    let core = number || is_one_of(&w, MONTHS) || is_one_of(&w, WEEKDAYS);
    let zone = (2..=4).contains(&token.len()) && token.chars().all(|c| c.is_ascii_uppercase());
    (core || zone || is_one_of(&w, TIME_WORDS), core)
}

/// Bare dates and times, optionally labelled, with any widget labels beside them: "October 14, 2025",
/// "Updated: 14 Oct 2025, 10:32 PM", "date 2024-03-19 Advertisement",
/// "Published", "5 min read"; also any short "Updated: …" / "Published: …" line.
fn date(line: &str) -> Verdict<'_> {
    let mut rest = line;
    let mut labelled = false;
    let labels = "last updated|first published|updated|published|posted|date|on|at";
    let starts = |rest: &str, l: &str| {
        rest.get(..l.len()).is_some_and(|h| h.eq_ignore_ascii_case(l))
            && !rest[l.len()..].starts_with(char::is_alphanumeric)
    };
    while let Some(label) = labels.split('|').find(|l| starts(rest, l)) {
        rest = rest[label.len()..].trim_start();
        if let Some(r) = rest.strip_prefix(':') {
            (labelled, rest) = (true, r.trim_start());
        }
    }
    if rest.is_empty() {
        return Verdict::Drop;
    }
    let tokens: Vec<(bool, bool)> = rest
        .split(|c: char| c.is_whitespace() || ",|/–—-·•()".contains(c))
        .filter(|t| !t.is_empty())
        .map(|t| if is_one_of(&t.to_lowercase(), LABELS) { (true, false) } else { date_token(t) })
        .collect();
    let bare = tokens.len() <= 12 && tokens.iter().all(|t| t.0) && tokens.iter().any(|t| t.1);
    drop_if(bare || (labelled && words(line) <= 10))
}

/// Image credits ("Photo: …", "File photo"), a lone parenthesised source such as "(Reuters)" and a
/// caption in brackets; a credit glued after a caption's last sentence is cut off.
fn credit(line: &str) -> Verdict<'_> {
    let lower = line.to_lowercase();
    let prefixes = "photo:|photo by|photo credit|photograph:|image:|image credit|image by|picture:|\
        file photo|credit:|courtesy|illustration:";
    let prefixed = prefixes.split('|').any(|p| lower.starts_with(p)) && words(line) <= 25;
    // A caption in brackets, whatever its length: "[Photo caption: … Photo: Example Agency]".
    let captioned = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')).is_some_and(|inner| {
        let inner = inner.to_lowercase();
        "caption|photo caption|image caption".split('|').chain(prefixes.split('|')).any(|p| inner.starts_with(p))
    });
    if prefixed || captioned || (line.starts_with('(') && line.ends_with(')') && words(line) <= 4) {
        return Verdict::Drop;
    }
    // A credit after the caption's last sentence: "… talks in Kabul. Image Credit: Example Agency"
    // (labels with a colon only: "Courtesy of the hosts, …" may open a sentence wrapped onto the next line).
    let glued = "photo:|photo credit:|photograph:|image:|image credit:|picture:|credit:|illustration:";
    let credited = |end: usize| {
        let after = &line[end + 2..];
        glued.split('|').any(|p| after_label(after, p).is_some()) && words(after) <= 8 && !ends_sentence(after)
    };
    match line.match_indices(". ").map(|(i, _)| i).find(|&i| credited(i)) {
        Some(end) => Verdict::KeepPart(&line[..=end]),
        None => Verdict::Keep,
    }
}

/// Stray one- or two-word lowercase fragments left by page templates ("on", "editorial").
fn fragment(line: &str) -> Verdict<'_> {
    drop_if(words(line) <= 2 && line.starts_with(char::is_lowercase) && !ends_sentence(line))
}

/// Shouted kickers ("BREAKING:", "EXCLUSIVE:") before the real sentence; the sentence is kept.
fn kicker(line: &str) -> Verdict<'_> {
    let kickers = "BREAKING NEWS:|BREAKING:|EXCLUSIVE:|JUST IN:|UPDATE:|WATCH:|DEVELOPING:";
    match kickers.split('|').find_map(|k| line.strip_prefix(k)) {
        Some(rest) if words(rest) >= 4 => Verdict::KeepPart(rest.trim_start()),
        Some(_) => Verdict::Drop,
        None => Verdict::Keep,
    }
}

/// Elements whose whole subtree is page furniture, never article text.
const SKIP: &str = "script|style|noscript|nav|header|footer|aside|form|figcaption|figure|iframe|svg|\
    button|template|select|textarea|head|title|menu|dialog";
/// Fragments of class names or ids that mark clutter containers.
const SKIP_MARKS: &str = "advert|cookie|newsletter|share|social|related|promo|sidebar|breadcrumb|comments|subscribe";
/// Elements that start and end a paragraph.
const BLOCKS: &str = "p|div|section|article|main|h1|h2|h3|h4|h5|h6|blockquote|ul|ol|table|tr|pre|dl|dt|dd|\
    hr|address|body|html|li";

/// Article text of an HTML page, via `scraper`: scripts, styles, navigation, headers, footers,
/// asides, forms, figure captions and clutter containers dropped; paragraphs, headings and list
/// items become blank-line-separated paragraphs (list items as `- ` bullets).
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut stack = vec![(*article_root(&doc), false)]; // explicit stack: deep pages cannot overflow
    while let Some((node, leaving)) = stack.pop() {
        let el = match node.value() {
            Node::Text(text) => {
                for c in text.chars() {
                    if !c.is_whitespace() {
                        out.push(c);
                    } else if !out.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
                continue;
            }
            Node::Element(el) => el,
            _ => continue,
        };
        let name = el.name();
        let block = is_one_of(name, BLOCKS);
        if leaving {
            out.push_str(match name {
                _ if block => "\n\n",
                "td" | "th" => " ",
                _ => "",
            });
            continue;
        }
        let marked = el.id().into_iter().chain(el.classes()).any(|c| has_any(&c.to_lowercase(), SKIP_MARKS));
        if is_one_of(name, SKIP) || marked || el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
            continue;
        }
        out.push_str(match name {
            "br" => "\n",
            "li" => "\n\n- ",
            _ if block => "\n\n",
            _ => "",
        });
        stack.push((node, true));
        stack.extend(node.children().rev().map(|c| (c, false)));
    }
    normalize(&out)
}

/// The element holding the article: the `<article>` with the most text, else `<main>`, else `<body>`.
fn article_root(doc: &Html) -> ElementRef<'_> {
    let size = |e: &ElementRef<'_>| e.text().map(str::len).sum::<usize>();
    let biggest = |css: &str| Selector::parse(css).ok().and_then(|s| doc.select(&s).max_by_key(size));
    biggest("article")
        .filter(|a| size(a) > 0)
        .or_else(|| biggest("main"))
        .or_else(|| biggest("body"))
        .unwrap_or_else(|| doc.root_element())
}

/// Title of an HTML page: the first `<h1>`, else `<title>`, whitespace collapsed.
pub fn html_title(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    ["h1", "title"].iter().find_map(|css| {
        let el = doc.select(&Selector::parse(css).ok()?).next()?;
        let title = el.text().flat_map(str::split_whitespace).collect::<Vec<_>>().join(" ");
        Some(title).filter(|t| !t.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clutter_lines_are_dropped() {
        let clutter = [
            "Advertisement",
            "ADVERTISEMENT",
            "Continue Reading",
            "Continue reading on The Daily Example",
            "Read More »",
            "Read more: Border trade slumps as crossings stay shut",
            "SEE ALSO: Ten things to know about the frontier",
            "ALSO READ: Envoys meet in Tehran",
            "Related: Refugee returns surge",
            "Share this article",
            "Share on WhatsApp",
            "Share on X",
            "Follow us on Google News",
            "Follow Jane Doe on Twitter",
            "Connect with us",
            "Sign up for our daily newsletter",
            "Subscribe to get the morning briefing",
            "Please like this clip and subscribe to our YouTube channel.",
            "[Photo caption: Traders wait at the crossing on Monday, as talks stall in the capital. Photo: Example Agency]",
            "Please, see the full interview and subscribe to the channel of Example TV.",
            "Don't have an account with Example News? Create one free",
            "KSE100 81,040 Increased By ▲ 312 (0.39%) USD/PKR 281.2 Decreased By ▼ -0.10 (-0.04%)",
            "We use cookies to improve your experience. Accept",
            "© 2025 The Example Times. All rights reserved.",
            "Copyright © All rights reserved. This site is for general information and nothing here is advice of any kind, and we are not responsible for any loss.",
            "Click here to download our app",
            "By Staff Reporter",
            "By JANE DOE and Omar Rahimi | Example Wire",
            "Reporting by Jane Doe; Editing by John Roe",
            "October 14, 2025",
            "14 Oct 2025, 10:32 PM",
            "Updated: 14 Oct 2025 10:32 PKT",
            "Published",
            "Published on Tuesday",
            "5 min read",
            "Photo: Example Wire/File",
            "(Reuters)",
            "* * *",
            "📰",
            "→",
            "on",
            "editorial",
            "Top Stories",
            "Read Full Article →",
            "This preview shows approximately 15% of the article. Read the full story on the publisher's website.",
        ];
        for line in clutter {
            assert!(clutter_rule(line).is_some(), "should be clutter: {line}");
        }
    }

    #[test]
    fn content_lines_are_kept() {
        let content = [
            "Read more about the talks below, where the minister explained at length why the trade corridor had stayed closed for three weeks despite repeated appeals.",
            "By the end of the week, both delegations had agreed to meet again.",
            "By 2030, Pakistan plans to fence the whole frontier.",
            "On Thursday, officials said 23 soldiers had been killed.",
            "Related talks in Doha broke down on Sunday.",
            "Share prices in Karachi fell 3% after the clashes.",
            "Officials said the account of the clash given by the army was accurate.",
            "The ministry said copyright rules did not apply to the leaked memo.",
            "Photographs of the crossing circulated widely on social media after the closure.",
            "Diplomatic Efforts Amid Tensions",
            "Islamabad",
            "The 14th round of talks opened on October 14, 2025 in Doha.",
            "Please note that the ministry asked traders to subscribe to the new customs portal before March.",
            "Viewers were urged to subscribe to the broadcaster's Pashto service.",
            "The envoys met in Kabul. Courtesy calls on the governor followed.",
            "“Please watch the video and tell me this is not a crime,” a trader said.",
        ];
        for line in content {
            assert_eq!(clutter_rule(line), None, "should be content: {line}");
        }
    }

    #[test]
    fn glued_clutter_keeps_the_content() {
        let line = "SEE ALSO: Envoys Trade Barbs Over Frontier FenceThe Taliban government says it will not negotiate under pressure.";
        assert_eq!(clean_line(line), Some("The Taliban government says it will not negotiate under pressure."));
        assert_eq!(
            clean_line("BREAKING: Pakistan closed the Torkham crossing on Sunday."),
            Some("Pakistan closed the Torkham crossing on Sunday.")
        );
        assert_eq!(clean_line("## Border trade"), Some("Border trade"));
        assert_eq!(
            clean_line("The envoys met in Kabul on Sunday. Image Credit: Example Agency"),
            Some("The envoys met in Kabul on Sunday.")
        );
        let wrapped = "The delegations met in Kabul on Sunday. Courtesy of the Qatari";
        assert_eq!(clean_line(wrapped), Some(wrapped));
        assert_eq!(clean_line("- Share on Facebook"), None);
        assert_eq!(
            clean_line("AdvertisementSKIP ADVERTISEMENTThe envoy arrived in Kabul on Sunday."),
            Some("The envoy arrived in Kabul on Sunday.")
        );
        let kept = ["Advertisements are banned near the border.", "Advertisement Boards Removed From Kabul Streets"];
        for line in kept {
            assert_eq!(clean_line(line), Some(line));
        }
        for line in ["AdvertisementSKIP ADVERTISEMENT", "SKIP ADVERTISEMENT", "date 2024-03-19 Advertisement"] {
            assert_eq!(clean_line(line), None, "{line}");
        }
    }

    #[test]
    fn normalize_whitespace() {
        let raw = "A\u{00A0}line\u{200B} with\t\tgaps \r\nnext\u{2003}line\r\r\n\n\n\nLast\u{200C}word\u{FEFF}";
        assert_eq!(normalize(raw), "A line with gaps\nnext line\n\nLast\u{200C}word");
        assert_eq!(normalize(" \n\t\n"), "");
    }

    #[test]
    fn clean_text_keeps_paragraphs_and_unwraps() {
        let raw = "Connect with us\n\nPESHAWAR: Security forces said on Monday that\nthe crossing would reopen soon.\n\nAdvertisement\n\nTraders welcomed the news.\nOthers were sceptical.\n\n© 2025 Example News";
        let want = "Security forces said on Monday that the crossing would reopen soon.\n\nTraders welcomed the news.\n\nOthers were sceptical.";
        assert_eq!(clean_text(raw), want);
        let wrapped = "The talks, held over two days in the Qatari capital,\nended without a joint statement, but both sides\nagreed to keep the ceasefire in place for now.";
        assert_eq!(clean_paragraphs(wrapped).len(), 1);
        let broken = "Officials named the founders as Abdul Rauf\n(late) and two others from the same district.";
        assert_eq!(clean_paragraphs(broken).len(), 1, "a line opening with a lowercase parenthesis continues");
        let listed = "The ministry demanded:\n(a) the release of all prisoners held at the border.";
        assert_eq!(clean_paragraphs(listed).len(), 2, "a list marker starts its own line");
    }

    #[test]
    fn html_drops_furniture() {
        let html = r#"<html><head><title>Talks resume | Example</title><style>p{}</style></head><body>
            <nav><a href="/">Home</a></nav><header>Site header</header>
            <article><h1>Talks   resume</h1><p>Delegations met&nbsp;in Doha.<script>track()</script></p>
            <figure><img src="x.jpg"><figcaption>Photo caption</figcaption></figure>
            <div class="share-buttons">Share on X</div><ul><li>Trade reopens</li><li>Refugees return</li></ul>
            <p>Both sides<br>agreed.</p></article><footer>Footer text</footer></body></html>"#;
        let text = html_to_text(html);
        assert_eq!(
            text,
            "Talks resume\n\nDelegations met in Doha.\n\n- Trade reopens\n\n- Refugees return\n\nBoth sides\nagreed."
        );
        assert_eq!(html_title(html).as_deref(), Some("Talks resume"));
        assert_eq!(html_title("<p>no title</p>"), None);
        assert_eq!(html_to_text(""), "");
        let deep = "<div>".repeat(3_000) + "deep text";
        assert_eq!(html_to_text(&deep), "deep text");
    }
}
