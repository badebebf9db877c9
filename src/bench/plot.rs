//! A bar chart of tokens/s per configuration, as SVG (plotters, SVG backend only).

use super::report::Report;
use crate::{Error, Result};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One colour per precision, in order of first appearance.
const COLOURS: [RGBColor; 4] =
    [RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(148, 103, 189)];

/// Draws the token rows of `report` as horizontal bars, one per configuration (first row on top,
/// coloured by precision), into an SVG string.
pub fn svg(report: &Report) -> Result<String> {
    let bars: Vec<(String, f64, Option<&str>)> =
        report.rows.iter().filter_map(|r| Some((r.label(), r.tokens_per_s?, r.precision.as_deref()))).collect();
    if bars.is_empty() {
        return Err(Error::Other("nothing to plot: the report has no tokens/s".into()));
    }
    let mut precisions: Vec<Option<&str>> = Vec::new();
    for (_, _, p) in &bars {
        if !precisions.contains(p) {
            precisions.push(*p);
        }
    }
    let colour = |p: Option<&str>| COLOURS[precisions.iter().position(|x| *x == p).unwrap_or(0) % COLOURS.len()];
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
    let longest = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(10);
    let height = 90 + 28 * bars.len() as u32;
    let mut out = String::new();
    {
        let draw = |e: &dyn std::fmt::Display| Error::Other(format!("cannot draw the chart: {e}"));
        let root = SVGBackend::with_string(&mut out, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw(&e))?;
        let caption = format!("tokens/s — {} (median of {} runs)", report.model, report.runs);
        let n = bars.len() as i32;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size((longest as u32 * 7 + 12).min(420))
            .build_cartesian_2d(0.0..max * 1.15, (0..n).into_segmented())
            .map_err(|e| draw(&e))?;
        let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(bars.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get((n - 1 - i) as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("tokens/s")
            .draw()
            .map_err(|e| draw(&e))?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v, p))| {
                let i = n - 1 - i as i32;
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(i)), (*v, SegmentValue::Exact(i + 1))],
                    colour(*p).filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(|e| draw(&e))?;
        let value_style = TextStyle::from(("sans-serif", 12)).pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v, _))| {
                Text::new(format!(" {v:.0}"), (*v, SegmentValue::CenterOf(n - 1 - i as i32)), value_style.clone())
            }))
            .map_err(|e| draw(&e))?;
        root.present().map_err(|e| draw(&e))?;
    }
    Ok(out)
}

/// Writes [`svg`] to `path`, atomically (`PATH.tmp` beside it, renamed into place).
pub fn write_svg(report: &Report, path: &Path) -> Result<()> {
    super::write_atomic(path, svg(report)?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::report::Row;

    #[test]
    fn one_bar_and_label_per_token_row() {
        let row = |precision: &str, tps| Row {
            threads: 2,
            precision: Some(precision.into()),
            workload: "chunks-256".into(),
            batch: Some(32),
            tokens_per_s: Some(tps),
            ..Row::default()
        };
        let classify = Row { workload: "classify".into(), articles_per_s: Some(3.0), ..Row::default() };
        let report = Report {
            model: "m@r".into(),
            runs: 5,
            rows: vec![row("f32", 4000.0), row("int8", 9000.0), classify],
            ..Report::default()
        };
        let svg = svg(&report).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("2t f32 chunks-256 b32") && svg.contains("2t int8 chunks-256 b32"));
        assert!(svg.contains(" 9000"));
        assert!(svg.contains("#1F77B4") || svg.contains("#1f77b4"), "f32 bars in the first colour");
        assert!(super::svg(&Report::default()).is_err());
    }
}
