//! Site navigation in scraped pages: menus, tag lists and footer link blocks come through as runs of
//! short lines ("• Assam", "• Bihar", "Careers", "Contact Us", …). A line alone can be a heading, so
//! only a run of [`MIN_RUN`] or more such lines is dropped; blank lines inside a run don't end it.

use super::sentences::{bullet_len, ends_sentence};

/// Most words a menu item has.
const MAX_ITEM_WORDS: usize = 4;

/// Fewest short lines in a row that make a menu: a letterhead of four lines ("GOVERNMENT OF
/// PAKISTAN", "MINISTRY OF INTERIOR", "PRESS RELEASE", "Islamabad, 2 September") stays.
const MIN_RUN: usize = 5;

/// Whether one trimmed line looks like a menu item: a few words, bullet ignored, and no sentence end.
fn is_menu_item(line: &str) -> bool {
    let item = &line[bullet_len(line)..];
    let words = item.split_whitespace().count();
    words <= MAX_ITEM_WORDS && !ends_sentence(item) && !item.ends_with(':')
}

/// `text` (normalised: trimmed lines, blank lines between paragraphs) without its navigation runs.
pub fn drop_navigation(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut keep = vec![true; lines.len()];
    // Indices of the non-blank lines of the current run of menu items.
    let mut run: Vec<usize> = Vec::new();
    let close = |run: &mut Vec<usize>, keep: &mut [bool]| {
        if run.len() >= MIN_RUN {
            run.iter().for_each(|&i| keep[i] = false);
        }
        run.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        if is_menu_item(line) {
            run.push(i);
        } else {
            close(&mut run, &mut keep);
        }
    }
    close(&mut run, &mut keep);
    // Blank lines that now stand together (or first) become one (or none).
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (line, _) in lines.iter().zip(&keep).filter(|(_, &k)| k) {
        if !line.is_empty() || out.last().is_some_and(|l| !l.is_empty()) {
            out.push(line);
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_menu_is_dropped_and_the_story_kept() {
        let text = "Envoys met in Doha on Monday.\n\n• Home\n• World\n  • Asia\n• Opinion\n\n• Sports\nContact Us\n\nThe talks resumed on Monday after a week of clashes.\nMore lines follow here.";
        let kept = drop_navigation(&super::super::clean::normalize(text));
        assert_eq!(kept, "Envoys met in Doha on Monday.\n\nThe talks resumed on Monday after a week of clashes.\nMore lines follow here.");
    }

    #[test]
    fn headings_and_short_runs_stay() {
        let text = "GOVERNMENT OF PAKISTAN\nMINISTRY OF INTERIOR\nPRESS RELEASE\nIslamabad, 2 September\n\nThe ministry said returns would continue.\n\nKey points:\nOne\nTwo\nThree\n\nThe end came quickly.";
        assert_eq!(drop_navigation(text), text);
    }
}
