//! `stance compare`'s report rendered as tables or pretty JSON (the HTML page is [`super::html::compare_page`]).

use crate::eval::compare::CompareReport;
use crate::eval::oracle::{ORACLE_NAME, ORACLE_NOTE};
use crate::eval::summaries::Interval;
use std::io::{self, Write};

/// Writes the comparison as pretty-printed JSON.
pub fn write_json(report: &CompareReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Writes the comparison as human-readable tables: systems, per-class scores with confusion and
/// reliability, paired differences, summarizers.
pub fn write_table(report: &CompareReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}: {} articles (embedding took {:.1}s)\n", report.data, report.n, report.embed_seconds)?;
    // Names across models (`head (all-mpnet-base-v2)`) are longer than one model's.
    let width = |names: &mut dyn Iterator<Item = &String>| names.map(|n| n.chars().count()).max().unwrap_or(0).max(11);
    let systems = width(&mut report.systems.iter().map(|s| &s.name));
    writeln!(
        out,
        "{:<systems$} {:>6} {:>9} {:>15} {:>7} {:>6} {:>10}",
        "system", "acc", "macro-F1", "95% CI", "F_avg", "ECE", "articles/s"
    )?;
    for s in &report.systems {
        let r = &s.report;
        writeln!(
            out,
            "{:<systems$} {:>6.3} {:>9.3} {:>15} {:>7.3} {:>6.3} {:>10.1}",
            s.name,
            r.accuracy,
            r.macro_f1,
            format!("[{:.3}, {:.3}]", s.macro_f1_ci95.0, s.macro_f1_ci95.1),
            r.f_avg,
            s.calibration.ece,
            s.articles_per_second
        )?;
    }
    for s in &report.systems {
        writeln!(
            out,
            "\n{} — per class (precision / recall / F1, support) and confusion (rows gold, columns predicted)",
            s.name
        )?;
        for (c, m) in s.report.per_class.iter().enumerate() {
            let row: Vec<String> = s.report.confusion[c].iter().map(|n| format!("{n:>4}")).collect();
            writeln!(
                out,
                "  {:<14} {:.3} / {:.3} / {:.3}  ({:>3})   {}",
                m.label,
                m.precision,
                m.recall,
                m.f1,
                m.support,
                row.join("")
            )?;
        }
        let bins: Vec<String> = s
            .calibration
            .bins
            .iter()
            .map(|b| {
                format!(
                    "{:.1}–{:.1}: {:.2} right of {} (said {:.2})",
                    b.lower, b.upper, b.accuracy, b.count, b.confidence
                )
            })
            .collect();
        writeln!(out, "  reliability (confidence bin: share right of count, mean confidence): {}", bins.join("; "))?;
    }
    if !report.paired.is_empty() {
        writeln!(out, "\npaired on the same articles (95% bootstrap interval of the difference; exact McNemar test)")?;
    }
    for p in &report.paired {
        writeln!(
            out,
            "  {} − {}: macro-F1 {:+.3} [{:+.3}, {:+.3}]; only {} right: {}, only {} right: {} (p {})",
            p.system,
            p.against,
            p.delta_macro_f1,
            p.delta_ci95.0,
            p.delta_ci95.1,
            p.system,
            p.only_system_right,
            p.against,
            p.only_against_right,
            if p.mcnemar_p < 0.001 { "< 0.001".to_string() } else { format!("= {:.3}", p.mcnemar_p) }
        )?;
    }
    let summarizers = width(&mut report.summaries.iter().map(|s| &s.name));
    writeln!(
        out,
        "\n{:<summarizers$} {:>22} {:>22} {:>22} {:>6} {:>9} {:>11} {:>12}",
        "summarizer",
        "ROUGE-1 [95% CI]",
        "ROUGE-2 [95% CI]",
        "ROUGE-L [95% CI]",
        "words",
        "coverage",
        "redundancy",
        "compression"
    )?;
    let interval = |v: Option<Interval>, sign: bool| {
        v.map_or_else(
            || "-".to_string(),
            |v| match sign {
                true => format!("{:+.3} [{:+.3}, {:+.3}]", v.mean, v.ci95.0, v.ci95.1),
                false => format!("{:.3} [{:.3}, {:.3}]", v.mean, v.ci95.0, v.ci95.1),
            },
        )
    };
    for s in &report.summaries {
        writeln!(
            out,
            "{:<summarizers$} {:>22} {:>22} {:>22} {:>6.1} {:>9.3} {:>11.3} {:>12.3}",
            s.name,
            interval(s.rouge1, false),
            interval(s.rouge2, false),
            interval(s.rouge_l, false),
            s.words,
            s.coverage,
            s.redundancy,
            s.compression
        )?;
    }
    if report.summaries.iter().any(|s| s.name == ORACLE_NAME) {
        writeln!(out, "{ORACLE_NOTE}")?;
    }
    let paired: Vec<_> = report.summaries.iter().filter_map(|s| s.versus_lead3.as_ref().map(|d| (s, d))).collect();
    if let Some((first, _)) = paired.first() {
        writeln!(
            out,
            "\npaired on the same {} articles (95% bootstrap interval of the difference)",
            first.with_reference
        )?;
    }
    for (s, d) in paired {
        writeln!(
            out,
            "{:<22} {:>22} {:>22} {:>22}",
            format!("{} − {}", s.name, d.against),
            interval(Some(d.rouge1), true),
            interval(Some(d.rouge2), true),
            interval(Some(d.rouge_l), true)
        )?;
    }
    Ok(())
}
