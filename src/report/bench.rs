//! `stance bench`'s report rendered: an aligned table with notes, or pretty JSON.

use crate::bench::report::Report;
use std::io::{self, Write};

/// Writes the report as pretty-printed JSON.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Writes the report as an aligned table, with the notes below it.
pub fn write_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "threads",
        "busy",
        "precision",
        "workload",
        "batch",
        "tokens",
        "tokens/s",
        "articles/s",
        "p50 ms",
        "p95 ms",
        "load ms",
        "peak RSS",
    ];
    // With several models, each row names its model (short name) in a first column.
    let several = report.rows.iter().any(|r| r.model.is_some());
    let header: Vec<&str> = several.then_some("model").into_iter().chain(header).collect();
    let dash = || "-".to_string();
    let num = |v: Option<f64>, digits: usize| v.map_or_else(dash, |v| format!("{v:.digits$}"));
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            let model = r
                .model
                .as_deref()
                .map_or_else(dash, |m| m.split('@').next().unwrap_or(m).rsplit('/').next().unwrap_or(m).to_string());
            several
                .then_some(model)
                .into_iter()
                .chain([
                    r.threads.to_string(),
                    r.busy_threads.map_or_else(dash, |b| b.to_string()),
                    r.precision.clone().unwrap_or_else(dash),
                    match &r.system {
                        Some(s) => format!("{} ({s})", r.workload),
                        None => r.workload.clone(),
                    },
                    r.batch.map_or_else(dash, |b| b.to_string()),
                    r.tokens.map_or_else(dash, |t| t.to_string()),
                    num(r.tokens_per_s, 0),
                    num(r.articles_per_s, 2),
                    num(r.latency_ms_p50, 1),
                    num(r.latency_ms_p95, 1),
                    num(r.load_ms, 0),
                    r.peak_rss_mib.map_or_else(|| "n/a".into(), |m| format!("{m:.0} MiB")),
                ])
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    writeln!(
        out,
        "model {}, median of {} runs after {} warm-up, {} CPUs",
        report.model, report.runs, report.warmup, report.host.cpus
    )?;
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| {
                // Text columns (model, precision, workload) to the left, numbers to the right.
                let i = if several { i } else { i + 1 };
                if matches!(i, 0 | 3 | 4) {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(header.iter().map(|h| h.to_string()).collect()))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    for note in &report.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::report::{Host, Row, SCHEMA};

    fn sample() -> Report {
        Report {
            schema: SCHEMA.into(),
            model: "m@r".into(),
            runs: 5,
            warmup: 1,
            host: Host { cpus: 2, os: "linux".into(), arch: "x86_64".into() },
            rows: vec![
                Row {
                    kind: "tokens".into(),
                    threads: 2,
                    precision: Some("f32".into()),
                    workload: "chunks-256".into(),
                    batch: Some(32),
                    windows: Some(64),
                    tokens: Some(16384),
                    tokens_per_s: Some(4321.4),
                    busy_threads: Some(2),
                    load_ms: Some(80.2),
                    peak_rss_mib: Some(312.0),
                    ..Row::default()
                },
                Row {
                    kind: "classify".into(),
                    threads: 1,
                    workload: "classify".into(),
                    system: Some("baseline".into()),
                    batch: Some(16),
                    articles: Some(6),
                    articles_per_s: Some(150.0),
                    latency_ms_p50: Some(6.25),
                    latency_ms_p95: Some(9.0),
                    ..Row::default()
                },
            ],
            notes: vec!["a caveat".into()],
        }
    }

    #[test]
    fn json_has_every_documented_field_and_round_trips() {
        let report = sample();
        let mut out = Vec::new();
        write_json(&report, &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let keys: Vec<&str> = value["rows"][0].as_object().unwrap().keys().map(String::as_str).collect();
        for field in [
            "kind",
            "threads",
            "precision",
            "workload",
            "system",
            "batch",
            "windows",
            "tokens",
            "fingerprint",
            "tokens_per_s",
            "busy_threads",
            "articles",
            "articles_per_s",
            "latency_ms_p50",
            "latency_ms_p95",
            "load_ms",
            "peak_rss_mib",
        ] {
            assert!(keys.contains(&field), "row field {field} is missing");
        }
        assert_eq!(value["rows"][1]["precision"], serde_json::Value::Null);
        let back: Report = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn table_shows_dashes_and_na_for_what_does_not_apply() {
        let mut out = Vec::new();
        write_table(&sample(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("threads  busy  precision  workload"));
        assert!(lines[2].contains("chunks-256") && lines[2].contains("4321") && lines[2].contains("312 MiB"));
        assert!(lines[3].contains("classify (baseline)") && lines[3].contains("150.00") && lines[3].ends_with("n/a"));
        assert_eq!(lines[4], "note: a caveat");
        assert_eq!(sample().rows[1].label(), "1t - baseline b16");
    }

    /// Issue 15: rows of several models (`--model A,B`) share one table, each naming its model.
    #[test]
    fn several_models_get_a_model_column() {
        let mut report = sample();
        report.rows[0].model = Some("org/mini@abc".into());
        let mut other = report.rows[0].clone();
        other.model = Some("org/mpnet@def".into());
        report.rows.push(other);
        let mut out = Vec::new();
        write_table(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("model  threads  busy  precision  workload"), "{text}");
        assert!(
            lines[2].starts_with("mini ") && lines[3].starts_with("-    ") && lines[4].starts_with("mpnet"),
            "{text}"
        );
    }
}
