//! The comparison page (`stance compare --format html`) and the benchmark page
//! (`stance bench --format html`), built from the same values their JSON output prints.

use super::render;
use super::svg::{self, Bar, Interval, Reliability};
use crate::bench::Report as BenchReport;
use crate::eval::compare::CompareReport;
use crate::eval::oracle::{ORACLE_NAME, ORACLE_NOTE};
use crate::eval::summaries::Interval as RougeInterval;
use crate::Result;
use serde::Serialize;

/// Colours of precision, recall and F1 bars (Okabe–Ito).
const METRIC_COLOURS: [&str; 3] = ["#0072B2", "#E69F00", "#009E73"];
/// Colours of a benchmark's precisions, in order of first appearance.
const PRECISION_COLOURS: [&str; 3] = ["#0072B2", "#E69F00", "#8C8C8C"];

fn num(v: f64) -> String {
    format!("{v:.3}")
}

#[derive(Serialize)]
struct ComparePage {
    data: String,
    n: usize,
    embed_seconds: String,
    systems: Vec<SystemView>,
    f1_chart: String,
    paired_chart: Option<String>,
    paired: Vec<PairedView>,
    summaries: Vec<[String; 8]>,
    /// What the oracle row is, when the summaries end with it.
    oracle_note: Option<&'static str>,
}

#[derive(Serialize)]
struct SystemView {
    name: String,
    accuracy: String,
    macro_f1: String,
    ci: String,
    f_avg: String,
    ece: String,
    articles_per_second: String,
    per_class: Vec<[String; 5]>,
    confusion_chart: String,
    prf_chart: String,
    reliability_chart: String,
}

#[derive(Serialize)]
struct PairedView {
    system: String,
    against: String,
    delta: String,
    ci: String,
    only_system_right: usize,
    only_against_right: usize,
    p: String,
}

/// The comparison page: per system a confusion heat map, per-class P/R/F1 bars and a reliability
/// diagram; macro-F1 with intervals, paired differences, and the summarizer table.
pub fn compare_page(report: &CompareReport) -> Result<String> {
    let systems = report
        .systems
        .iter()
        .map(|s| {
            let r = &s.report;
            let bars: Vec<Bar<'_>> = r
                .per_class
                .iter()
                .flat_map(|m| {
                    [("precision", m.precision), ("recall", m.recall), ("F1", m.f1)]
                        .into_iter()
                        .zip(METRIC_COLOURS)
                        .map(|((metric, value), colour)| Bar {
                            label: format!("{} {metric}", m.label),
                            value,
                            colour,
                            note: num(value),
                        })
                })
                .collect();
            let bins: Vec<Reliability> = s
                .calibration
                .bins
                .iter()
                .map(|b| Reliability {
                    lower: b.lower,
                    upper: b.upper,
                    confidence: b.confidence,
                    accuracy: b.accuracy,
                    count: b.count,
                })
                .collect();
            SystemView {
                name: s.name.clone(),
                accuracy: num(r.accuracy),
                macro_f1: num(r.macro_f1),
                ci: format!("[{}, {}]", num(s.macro_f1_ci95.0), num(s.macro_f1_ci95.1)),
                f_avg: num(r.f_avg),
                ece: num(s.calibration.ece),
                articles_per_second: format!("{:.1}", s.articles_per_second),
                per_class: r
                    .per_class
                    .iter()
                    .map(|m| [m.label.clone(), num(m.precision), num(m.recall), num(m.f1), m.support.to_string()])
                    .collect(),
                confusion_chart: svg::heatmap(&format!("{}: confusion", s.name), &report.labels, &r.confusion),
                prf_chart: svg::bars(&format!("{}: precision, recall, F1 per class", s.name), &bars, 1.0),
                reliability_chart: svg::reliability(
                    &format!("{}: reliability (ECE {})", s.name, num(s.calibration.ece)),
                    &bins,
                ),
            }
        })
        .collect();
    let f1_rows: Vec<Interval> = report
        .systems
        .iter()
        .map(|s| Interval {
            label: s.name.clone(),
            point: s.report.macro_f1,
            lower: s.macro_f1_ci95.0,
            upper: s.macro_f1_ci95.1,
        })
        .collect();
    let paired_rows: Vec<Interval> = report
        .paired
        .iter()
        .map(|p| Interval {
            label: format!("{} − {}", p.system, p.against),
            point: p.delta_macro_f1,
            lower: p.delta_ci95.0,
            upper: p.delta_ci95.1,
        })
        .collect();
    let reach = paired_rows.iter().map(|r| r.lower.abs().max(r.upper.abs())).fold(0.1, f64::max);
    let page = ComparePage {
        data: report.data.clone(),
        n: report.n,
        embed_seconds: format!("{:.1}", report.embed_seconds),
        systems,
        f1_chart: svg::intervals("macro-F1 with 95% bootstrap interval", &f1_rows, (0.0, 1.0), None),
        paired_chart: (!paired_rows.is_empty()).then(|| {
            svg::intervals("macro-F1 difference, paired 95% interval", &paired_rows, (-reach, reach), Some(0.0))
        }),
        paired: report
            .paired
            .iter()
            .map(|p| PairedView {
                system: p.system.clone(),
                against: p.against.clone(),
                delta: format!("{:+.3}", p.delta_macro_f1),
                ci: format!("[{:+.3}, {:+.3}]", p.delta_ci95.0, p.delta_ci95.1),
                only_system_right: p.only_system_right,
                only_against_right: p.only_against_right,
                p: if p.mcnemar_p < 0.001 { "< 0.001".into() } else { format!("{:.3}", p.mcnemar_p) },
            })
            .collect(),
        oracle_note: report.summaries.iter().any(|s| s.name == ORACLE_NAME).then_some(ORACLE_NOTE),
        summaries: report
            .summaries
            .iter()
            .map(|s| {
                let interval = |v: Option<RougeInterval>| {
                    v.map_or_else(|| "–".to_string(), |v| format!("{:.3} [{:.3}, {:.3}]", v.mean, v.ci95.0, v.ci95.1))
                };
                let delta = s.versus_lead3.as_ref().map_or_else(
                    || "–".to_string(),
                    |d| format!("{:+.3} [{:+.3}, {:+.3}]", d.rouge1.mean, d.rouge1.ci95.0, d.rouge1.ci95.1),
                );
                [
                    s.name.clone(),
                    interval(s.rouge1),
                    interval(s.rouge2),
                    interval(s.rouge_l),
                    delta,
                    num(s.coverage),
                    num(s.redundancy),
                    num(s.compression),
                ]
            })
            .collect(),
    };
    render("compare.html", &format!("stance compare: {}", report.data), &page)
}

#[derive(Serialize)]
struct BenchPage {
    model: String,
    runs: usize,
    warmup: usize,
    host: String,
    notes: Vec<String>,
    rows: Vec<[String; 9]>,
    charts: Vec<String>,
}

/// The benchmark page: tokens/s, articles/s, latency, load time and peak RSS per configuration,
/// as bar charts and one table.
pub fn bench_page(report: &BenchReport) -> Result<String> {
    let mut precisions: Vec<Option<&str>> = Vec::new();
    for row in &report.rows {
        if !precisions.contains(&row.precision.as_deref()) {
            precisions.push(row.precision.as_deref());
        }
    }
    let colour = |p: Option<&str>| {
        PRECISION_COLOURS[precisions.iter().position(|x| *x == p).unwrap_or(0) % PRECISION_COLOURS.len()]
    };
    let chart = |title: &str, value: &dyn Fn(&crate::bench::Row) -> Option<f64>, unit: &str| {
        let bars: Vec<Bar<'_>> = report
            .rows
            .iter()
            .filter_map(|r| {
                let v = value(r)?;
                Some(Bar {
                    label: r.label(),
                    value: v,
                    colour: colour(r.precision.as_deref()),
                    note: format!("{v:.1} {unit}"),
                })
            })
            .collect();
        let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
        (!bars.is_empty()).then(|| svg::bars(title, &bars, max))
    };
    let charts = [
        chart("tokens per second (encoder)", &|r| r.tokens_per_s, "tok/s"),
        chart("articles per second (whole classify path)", &|r| r.articles_per_s, "art/s"),
        chart("latency per article, p50", &|r| r.latency_ms_p50, "ms"),
        chart("latency per article, p95", &|r| r.latency_ms_p95, "ms"),
        chart("encoder load time", &|r| r.load_ms, "ms"),
        chart("peak resident memory", &|r| r.peak_rss_mib, "MiB"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let cell = |v: Option<f64>, digits: usize| v.map_or_else(|| "–".to_string(), |v| format!("{v:.digits$}"));
    let page = BenchPage {
        model: report.model.clone(),
        runs: report.runs,
        warmup: report.warmup,
        host: format!("{} CPUs, {} {}", report.host.cpus, report.host.os, report.host.arch),
        notes: report.notes.clone(),
        rows: report
            .rows
            .iter()
            .map(|r| {
                [
                    r.label(),
                    r.kind.clone(),
                    cell(r.tokens_per_s, 0),
                    cell(r.articles_per_s, 1),
                    cell(r.latency_ms_p50, 1),
                    cell(r.latency_ms_p95, 1),
                    cell(r.load_ms, 0),
                    cell(r.peak_rss_mib, 0),
                    r.busy_threads.map_or_else(|| "–".to_string(), |b| b.to_string()),
                ]
            })
            .collect(),
        charts,
    };
    render("bench.html", &format!("stance bench: {}", report.model), &page)
}
