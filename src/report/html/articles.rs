//! The article report page: an overview (stance counts, confidence histogram, stance by folder,
//! warnings, failed inputs) and one card per article, built from classify's records.

use super::svg::{self, Bar, Column};
use crate::report::{ArticleRecord, ErrorRecord, Record};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Width of a confidence histogram bin.
const CONFIDENCE_BIN: f64 = 0.05;

/// Everything the `articles.html` template shows.
#[derive(Debug, Serialize)]
pub struct ArticlesPage {
    /// Page heading.
    title: String,
    /// Labels in spec order (as first seen), with their colours and counts.
    labels: Vec<LabelView>,
    /// Articles analysed.
    total: usize,
    /// Bars: articles per stance.
    stance_chart: String,
    /// Stacked columns: articles per confidence bin, by stance.
    confidence_chart: String,
    /// Stance counts per folder of the input paths.
    folders: Vec<FolderView>,
    /// Every article warning, with the anchor of its card.
    warnings: Vec<WarningView>,
    /// Inputs that could not be analysed.
    errors: Vec<ErrorRecord>,
    /// One card per article, in input order.
    cards: Vec<Card>,
}

#[derive(Debug, Serialize)]
struct LabelView {
    name: String,
    /// CSS class `side-N` carrying the label's colours.
    class: String,
    colour: &'static str,
    tint: String,
    count: usize,
}

#[derive(Debug, Serialize)]
struct FolderView {
    folder: String,
    counts: Vec<usize>,
    total: usize,
}

#[derive(Debug, Serialize)]
struct WarningView {
    anchor: String,
    id: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct Card {
    anchor: String,
    id: String,
    title: Option<String>,
    path: String,
    stance: String,
    class: String,
    confidence: String,
    probabilities: Vec<ProbabilityView>,
    summary: String,
    evidence: Vec<EvidenceView>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ProbabilityView {
    label: String,
    class: String,
    value: String,
    percent: String,
}

#[derive(Debug, Serialize)]
struct EvidenceView {
    side: String,
    class: String,
    sentence: String,
    score: String,
}

/// The anchor of an article's card: `article-` and the id with every character outside
/// `[A-Za-z0-9_.-]` replaced by `-` (a repeated anchor gets `-2`, `-3`, … in input order).
pub fn anchor_of(id: &str) -> String {
    let slug: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || "_.-".contains(c) { c } else { '-' }).collect();
    format!("article-{slug}")
}

/// A colour mixed 80% towards white: the background of highlighted evidence.
fn tint(colour: &str) -> String {
    let channel = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("88"), 16).unwrap_or(0x88);
    let mix = |c: u8| 255 - (255 - u16::from(c)) / 5;
    format!("#{:02X}{:02X}{:02X}", mix(channel(1)), mix(channel(3)), mix(channel(5)))
}

impl ArticlesPage {
    /// Builds the page for `records` (in input order).
    pub fn new(title: &str, records: &[Record]) -> Self {
        let articles: Vec<&ArticleRecord> = records
            .iter()
            .filter_map(|r| match r {
                Record::Article(a) => Some(a.as_ref()),
                Record::Error(_) => None,
            })
            .collect();
        let errors =
            records.iter().filter_map(|r| if let Record::Error(e) = r { Some(e.clone()) } else { None }).collect();
        let names = label_names(&articles);
        let index = |label: &str| names.iter().position(|n| n == label).unwrap_or(0);
        let class = |label: &str| format!("side-{}", index(label));
        let mut labels: Vec<LabelView> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let colour = svg::label_colour(&names, i);
                LabelView { name: name.clone(), class: format!("side-{i}"), colour, tint: tint(colour), count: 0 }
            })
            .collect();
        let mut folders: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut anchors = HashSet::new();
        let mut warnings = Vec::new();
        let mut cards = Vec::new();
        for a in &articles {
            let i = index(&a.stance);
            labels[i].count += 1;
            folders.entry(folder_of(&a.path)).or_insert_with(|| vec![0; names.len()])[i] += 1;
            let mut anchor = anchor_of(&a.id);
            let base = anchor.clone();
            for n in 2.. {
                if anchors.insert(anchor.clone()) {
                    break;
                }
                anchor = format!("{base}-{n}");
            }
            warnings.extend(a.warnings.iter().map(|w| WarningView {
                anchor: anchor.clone(),
                id: a.id.clone(),
                text: w.clone(),
            }));
            cards.push(Card {
                anchor,
                id: a.id.clone(),
                title: a.title.clone(),
                path: a.path.clone(),
                stance: a.stance.clone(),
                class: class(&a.stance),
                confidence: format!("{:.2}", a.confidence()),
                probabilities: a
                    .probabilities
                    .0
                    .iter()
                    .map(|(label, p)| ProbabilityView {
                        label: label.clone(),
                        class: class(label),
                        value: format!("{p:.2}"),
                        percent: format!("{:.1}", p * 100.0),
                    })
                    .collect(),
                summary: a.summary.clone(),
                evidence: a
                    .evidence
                    .iter()
                    .map(|e| EvidenceView {
                        side: e.side.clone(),
                        class: class(&e.side),
                        sentence: e.sentence.clone(),
                        score: format!("{:.3}", e.score),
                    })
                    .collect(),
                warnings: a.warnings.clone(),
            });
        }
        ArticlesPage {
            title: title.to_string(),
            stance_chart: stance_chart(&labels),
            confidence_chart: confidence_chart(&articles, &labels, &index),
            total: articles.len(),
            labels,
            folders: folders
                .into_iter()
                .map(|(folder, counts)| FolderView { total: counts.iter().sum(), folder, counts })
                .collect(),
            warnings,
            errors,
            cards,
        }
    }
}

/// Labels in the order the records give them (spec order of the probabilities), then any other
/// stance or evidence side seen.
fn label_names(articles: &[&ArticleRecord]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let seen = articles.iter().flat_map(|a| {
        a.probabilities
            .0
            .iter()
            .map(|(l, _)| l.as_str())
            .chain([a.stance.as_str()])
            .chain(a.evidence.iter().map(|e| e.side.as_str()))
    });
    for label in seen {
        if !names.iter().any(|n| n == label) {
            names.push(label.to_string());
        }
    }
    names
}

/// The folder an article was read from: its path's parent (`.` for a bare name).
fn folder_of(path: &str) -> String {
    match Path::new(path).parent().map(|p| p.display().to_string()) {
        Some(p) if !p.is_empty() => p,
        _ => ".".to_string(),
    }
}

fn stance_chart(labels: &[LabelView]) -> String {
    let max = labels.iter().map(|l| l.count).max().unwrap_or(0) as f64;
    let bars: Vec<Bar<'_>> = labels
        .iter()
        .map(|l| Bar { label: l.name.clone(), value: l.count as f64, colour: l.colour, note: l.count.to_string() })
        .collect();
    svg::bars("Articles per stance", &bars, max)
}

fn confidence_chart(articles: &[&ArticleRecord], labels: &[LabelView], index: &dyn Fn(&str) -> usize) -> String {
    // Confidence is at least 1 / (number of labels), so the axis starts at the bin below that.
    let floor = (1.0 / labels.len().max(1) as f64 / CONFIDENCE_BIN).floor() as usize;
    let bins = (1.0 / CONFIDENCE_BIN).round() as usize - floor;
    let mut counts = vec![vec![0.0; labels.len()]; bins.max(1)];
    for a in articles {
        let b = ((f64::from(a.confidence()) / CONFIDENCE_BIN) as usize).saturating_sub(floor).min(counts.len() - 1);
        counts[b][index(&a.stance)] += 1.0;
    }
    let columns: Vec<Column<'_>> = counts
        .into_iter()
        .enumerate()
        .map(|(b, row)| Column {
            label: format!("{:.2}", (floor + b) as f64 * CONFIDENCE_BIN),
            segments: row.into_iter().zip(labels).map(|(n, l)| (n, l.colour)).collect(),
        })
        .collect();
    let legend: Vec<(String, &str)> = labels.iter().map(|l| (l.name.clone(), l.colour)).collect();
    svg::columns("Confidence (probability of the chosen label; bins start at the value shown)", &columns, &legend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_safe_characters_only() {
        assert_eq!(anchor_of("sample-pro-kabul-1"), "article-sample-pro-kabul-1");
        assert_eq!(anchor_of("a b\"<c>.txt"), "article-a-b--c-.txt");
    }

    #[test]
    fn tints_are_light() {
        assert_eq!(tint("#000000"), "#CCCCCC");
        assert_eq!(tint("#FFFFFF"), "#FFFFFF");
    }

    #[test]
    fn folders_come_from_paths() {
        assert_eq!(folder_of("data/samples/a.txt"), "data/samples");
        assert_eq!(folder_of("a.txt"), ".");
        assert_eq!(folder_of("-"), ".");
    }
}
