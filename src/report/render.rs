//! Renderers: each writes records as they arrive, so a long batch streams to its output (HTML,
//! whose page summarises every record, writes at the end).

use super::Record;
use std::io::{self, Write};

/// Output formats of `stance classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table: id, stance, confidence, summary cut to the width.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// One self-contained HTML page: overview charts and a card per article (written at the end).
    Html,
}

/// Writes records in one format.
pub trait Renderer {
    /// Writes one record.
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()>;
    /// Closes the output (array brackets, flush).
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer for `format`; `width` is the table's line width.
pub fn renderer(format: Format, width: usize) -> Box<dyn Renderer> {
    match format {
        Format::Table => Box::new(Table { width: width.max(60), header: false }),
        Format::Jsonl => Box::new(JsonLines),
        Format::Json => Box::new(JsonArray { count: 0 }),
        Format::Csv => Box::new(Csv { header: false }),
        Format::Html => Box::new(super::html::Html::new("stance report")),
    }
}

struct JsonLines;

impl Renderer for JsonLines {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.flush()
    }
}

struct JsonArray {
    count: usize,
}

impl Renderer for JsonArray {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        self.count += 1;
        serde_json::to_writer_pretty(&mut *out, record).map_err(io::Error::from)
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        out.flush()
    }
}

struct Csv {
    header: bool,
}

impl Renderer for Csv {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *out);
        if !self.header {
            w.write_record(["id", "path", "stance", "confidence", "probabilities", "summary", "error", "warnings"])?;
            self.header = true;
        }
        match record {
            Record::Article(a) => {
                let confidence = a.confidence();
                let probabilities =
                    a.probabilities.0.iter().map(|(l, p)| format!("{l}={p:.4}")).collect::<Vec<_>>().join(";");
                w.write_record([
                    &a.id,
                    &a.path,
                    &a.stance,
                    &format!("{confidence:.4}"),
                    &probabilities,
                    &a.summary,
                    "",
                    &a.warnings.join("; "),
                ])?;
            }
            Record::Error(e) => w.write_record([&e.id, &e.path, "", "", "", "", &e.error, ""])?,
        }
        w.flush()
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.flush()
    }
}

struct Table {
    width: usize,
    header: bool,
}

const ID_WIDTH: usize = 22;
const STANCE_WIDTH: usize = 14;

impl Renderer for Table {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        let rest = self.width.saturating_sub(ID_WIDTH + STANCE_WIDTH + 6 + 3).max(20);
        if !self.header {
            writeln!(out, "{:<ID_WIDTH$} {:<STANCE_WIDTH$} {:>5}  summary", "id", "stance", "conf")?;
            writeln!(out, "{}", "─".repeat(self.width.min(ID_WIDTH + STANCE_WIDTH + 8 + rest)))?;
            self.header = true;
        }
        match record {
            Record::Article(a) => {
                let confidence = a.confidence();
                writeln!(
                    out,
                    "{:<ID_WIDTH$} {:<STANCE_WIDTH$} {:>5.2}  {}",
                    cut(&a.id, ID_WIDTH),
                    a.stance,
                    confidence,
                    cut(&a.summary, rest)
                )?;
                // Caveats go on their own lines under the row, where they cannot be missed.
                let indent = ID_WIDTH + 1;
                a.warnings.iter().try_for_each(|w| {
                    writeln!(out, "{:indent$}! {}", "", cut(w, self.width.saturating_sub(indent + 2).max(20)))
                })
            }
            Record::Error(e) => writeln!(
                out,
                "{:<ID_WIDTH$} {:<STANCE_WIDTH$} {:>5}  {}",
                cut(&e.id, ID_WIDTH),
                "ERROR",
                "",
                cut(&e.error, rest)
            ),
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.flush()
    }
}

/// Cuts `text` to at most `width` characters, marking the cut with an ellipsis.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ArticleRecord, ErrorRecord, LabelProbabilities};

    fn records() -> Vec<Record> {
        vec![
            Record::Article(Box::new(ArticleRecord {
                schema_version: crate::report::RECORD_SCHEMA_VERSION,
                id: "a1".into(),
                path: "a1.txt".into(),
                title: Some("T".into()),
                stance: "neutral".into(),
                probabilities: LabelProbabilities(vec![
                    ("pro-Islamabad".into(), 0.2),
                    ("pro-Kabul".into(), 0.1),
                    ("neutral".into(), 0.7),
                ]),
                evidence: vec![],
                summary: "A summary, with a comma.".into(),
                summary_sentences: vec![0],
                sentences: 3,
                windows: 3,
                model: "m@r".into(),
                spec: "afpak/zero-shot".into(),
                warnings: vec!["short text (3 words): take care".into()],
            })),
            Record::Error(ErrorRecord::new("bad".into(), "bad.txt".into(), "bad.txt: empty".into())),
        ]
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        let mut r = renderer(format, 100);
        for rec in records() {
            r.record(&mut out, &rec).unwrap();
        }
        r.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn jsonl_and_json_hold_every_record() {
        let jsonl = render(Format::Jsonl);
        let lines: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["probabilities"]["neutral"], 0.7);
        assert_eq!(lines[0]["warnings"][0], "short text (3 words): take care");
        assert_eq!(lines[1]["error"], "bad.txt: empty");
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
    }

    #[test]
    fn csv_quotes_and_table_marks_errors() {
        let csv = render(Format::Csv);
        assert!(csv.starts_with("id,path,stance"));
        assert!(csv.contains("\"A summary, with a comma.\""));
        assert!(csv.lines().next().unwrap().ends_with(",error,warnings"));
        assert!(csv.contains(",short text (3 words): take care"));
        let table = render(Format::Table);
        assert!(table.contains("ERROR") && table.contains("neutral"));
        assert!(table.contains("! short text (3 words): take care"));
    }
}
