//! Small inline SVG charts for the HTML pages, built as strings: horizontal bars, stacked columns,
//! a heat map, intervals around a reference line and a reliability diagram. Every piece of text is
//! escaped here, so the templates insert the finished SVG as it is.

use std::fmt::Write;

/// Colour-blind-safe colours (Okabe–Ito) for the polar sides, in spec order; neutral is grey.
const SIDE_COLOURS: [&str; 5] = ["#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00"];
/// The colour of a neutral label and of anything without a side.
pub const NEUTRAL_COLOUR: &str = "#8C8C8C";

/// Colour of label `index` among `labels` (spec order): grey for `neutral`, else the next
/// Okabe–Ito colour.
pub fn label_colour(labels: &[String], index: usize) -> &'static str {
    if labels.get(index).is_some_and(|l| l == "neutral") {
        return NEUTRAL_COLOUR;
    }
    let polar = labels.iter().take(index).filter(|l| *l != "neutral").count();
    SIDE_COLOURS[polar % SIDE_COLOURS.len()]
}

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(width: f64, height: f64, title: &str) -> String {
    let title = escape(title);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12"><title>{title}</title>"#
    )
}

fn text(svg: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = write!(svg, r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#, escape(content));
}

/// One horizontal bar: label, value, colour, and the text written after the bar.
pub struct Bar<'a> {
    /// Label left of the bar.
    pub label: String,
    /// Length of the bar, in the chart's units.
    pub value: f64,
    /// Fill colour.
    pub colour: &'a str,
    /// Written right of the bar (the value, formatted).
    pub note: String,
}

/// Horizontal bars scaled so `max` fills the plot width.
pub fn bars(title: &str, bars: &[Bar<'_>], max: f64) -> String {
    let label_width = 12.0 + 7.0 * bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4) as f64;
    let (plot, row) = (300.0, 24.0);
    let height = 28.0 + row * bars.len() as f64;
    let mut svg = open(label_width + plot + 90.0, height, title);
    text(&mut svg, 4.0, 14.0, "start", title);
    for (i, b) in bars.iter().enumerate() {
        let y = 22.0 + row * i as f64;
        let w = if max > 0.0 { (b.value / max).clamp(0.0, 1.0) * plot } else { 0.0 };
        text(&mut svg, label_width - 6.0, y + 15.0, "end", &b.label);
        let _ = write!(
            svg,
            r#"<rect x="{label_width:.1}" y="{y:.1}" width="{w:.1}" height="{}" fill="{}"/>"#,
            row - 6.0,
            b.colour
        );
        text(&mut svg, label_width + w + 4.0, y + 15.0, "start", &b.note);
    }
    svg.push_str("</svg>");
    svg
}

/// One column of a stacked column chart: its label under it and its segments, bottom first.
pub struct Column<'a> {
    /// Label under the column.
    pub label: String,
    /// (count, colour) from the bottom up.
    pub segments: Vec<(f64, &'a str)>,
}

/// Stacked columns with a legend of (name, colour).
pub fn columns(title: &str, columns: &[Column<'_>], legend: &[(String, &str)]) -> String {
    let (left, col, plot_h) = (36.0, 44.0, 160.0);
    let width = left + col * columns.len() as f64 + 20.0;
    let top = 30.0 + 16.0 * legend.len() as f64;
    let mut svg = open(width.max(300.0), top + plot_h + 30.0, title);
    text(&mut svg, 4.0, 14.0, "start", title);
    for (i, (name, colour)) in legend.iter().enumerate() {
        let y = 22.0 + 16.0 * i as f64;
        let _ = write!(svg, r#"<rect x="{left}" y="{y}" width="10" height="10" fill="{colour}"/>"#);
        text(&mut svg, left + 14.0, y + 9.0, "start", name);
    }
    let max = columns.iter().map(|c| c.segments.iter().map(|s| s.0).sum::<f64>()).fold(0.0, f64::max).max(1.0);
    let base = top + plot_h;
    let _ = write!(svg, r##"<line x1="{left}" y1="{base}" x2="{:.1}" y2="{base}" stroke="#444"/>"##, width - 10.0);
    text(&mut svg, left - 4.0, top + 10.0, "end", &format!("{max:.0}"));
    text(&mut svg, left - 4.0, base, "end", "0");
    for (i, c) in columns.iter().enumerate() {
        let x = left + col * i as f64 + 4.0;
        let mut y = base;
        for &(count, colour) in &c.segments {
            let h = count / max * plot_h;
            y -= h;
            if h > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"/>"#,
                    col - 8.0
                );
            }
        }
        let total: f64 = c.segments.iter().map(|s| s.0).sum();
        if total > 0.0 {
            text(&mut svg, x + (col - 8.0) / 2.0, y - 3.0, "middle", &format!("{total:.0}"));
        }
        text(&mut svg, x + (col - 8.0) / 2.0, base + 16.0, "middle", &c.label);
    }
    svg.push_str("</svg>");
    svg
}

/// A confusion matrix as a heat map: rows gold, columns predicted, shade by the row's share.
pub fn heatmap(title: &str, labels: &[String], matrix: &[Vec<usize>]) -> String {
    let label_width = 12.0 + 7.0 * labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as f64;
    let cell = 100.0;
    let n = labels.len() as f64;
    let top = 50.0;
    let mut svg = open(label_width + cell * n + 20.0, top + cell * n + 34.0, title);
    text(&mut svg, 4.0, 14.0, "start", title);
    text(&mut svg, label_width + cell * n / 2.0, 32.0, "middle", "predicted");
    for (j, label) in labels.iter().enumerate() {
        text(&mut svg, label_width + cell * (j as f64 + 0.5), top - 4.0, "middle", label);
    }
    for (i, row) in matrix.iter().enumerate() {
        let total = row.iter().sum::<usize>().max(1) as f64;
        let y = top + cell * i as f64;
        text(&mut svg, label_width - 6.0, y + cell / 2.0 + 4.0, "end", labels.get(i).map_or("", String::as_str));
        for (j, &count) in row.iter().enumerate() {
            let share = count as f64 / total;
            let x = label_width + cell * j as f64;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cell}" height="{cell}" fill="#0072B2" fill-opacity="{:.3}" stroke="#fff"/>"##,
                0.08 + 0.92 * share
            );
            let colour = if share > 0.5 { "#fff" } else { "#000" };
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{colour}">{count}</text>"#,
                x + cell / 2.0,
                y + cell / 2.0 + 4.0
            );
        }
    }
    text(&mut svg, 4.0, top + cell * n + 24.0, "start", "rows: gold label; shade: share of the row");
    svg.push_str("</svg>");
    svg
}

/// A point estimate with its interval.
pub struct Interval {
    /// Row label.
    pub label: String,
    /// The estimate.
    pub point: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// Points with interval whiskers on the axis `domain`, with a dashed reference line at `reference`.
pub fn intervals(title: &str, rows: &[Interval], domain: (f64, f64), reference: Option<f64>) -> String {
    let label_width = 12.0 + 7.0 * rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4) as f64;
    let (plot, row) = (360.0, 26.0);
    let top = 24.0;
    let height = top + row * rows.len() as f64 + 24.0;
    let span = (domain.1 - domain.0).max(1e-9);
    let x_of = |v: f64| label_width + (v.clamp(domain.0, domain.1) - domain.0) / span * plot;
    let mut svg = open(label_width + plot + 150.0, height, title);
    text(&mut svg, 4.0, 14.0, "start", title);
    let axis = top + row * rows.len() as f64;
    let _ = write!(
        svg,
        r##"<line x1="{label_width}" y1="{axis}" x2="{:.1}" y2="{axis}" stroke="#444"/>"##,
        label_width + plot
    );
    for v in [domain.0, (domain.0 + domain.1) / 2.0, domain.1] {
        text(&mut svg, x_of(v), axis + 14.0, "middle", &format!("{v:.2}"));
    }
    if let Some(r) = reference {
        let x = x_of(r);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{axis}" stroke="#888" stroke-dasharray="4 3"/>"##
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + row * i as f64 + row / 2.0;
        text(&mut svg, label_width - 6.0, y + 4.0, "end", &r.label);
        let _ = write!(
            svg,
            r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#0072B2" stroke-width="2"/><circle cx="{:.1}" cy="{y:.1}" r="4" fill="#0072B2"/>"##,
            x_of(r.lower),
            x_of(r.upper),
            x_of(r.point)
        );
        let note = format!("{:.3} [{:.3}, {:.3}]", r.point, r.lower, r.upper);
        text(&mut svg, label_width + plot + 8.0, y + 4.0, "start", &note);
    }
    svg.push_str("</svg>");
    svg
}

/// One bin of a reliability diagram: its confidence range, mean confidence, accuracy and count.
pub struct Reliability {
    /// Lower edge of the bin.
    pub lower: f64,
    /// Upper edge of the bin.
    pub upper: f64,
    /// Mean confidence of its articles.
    pub confidence: f64,
    /// Share of them right.
    pub accuracy: f64,
    /// How many articles.
    pub count: usize,
}

/// A reliability diagram: accuracy per confidence bin as bars against the diagonal of perfect
/// calibration, each bin's mean confidence as a dot, its count over the bar.
pub fn reliability(title: &str, bins: &[Reliability]) -> String {
    let (left, top, size) = (40.0, 26.0, 220.0);
    let mut svg = open(left + size + 20.0, top + size + 40.0, title);
    text(&mut svg, 4.0, 14.0, "start", title);
    let x_of = |v: f64| left + v.clamp(0.0, 1.0) * size;
    let y_of = |v: f64| top + size - v.clamp(0.0, 1.0) * size;
    let _ = write!(
        svg,
        r##"<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#444"/><line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{top}" stroke="#888" stroke-dasharray="4 3"/>"##,
        top + size,
        left + size
    );
    for b in bins {
        let (x0, x1) = (x_of(b.lower), x_of(b.upper));
        let y = y_of(b.accuracy);
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#0072B2" fill-opacity="0.75" stroke="#fff"/><circle cx="{:.1}" cy="{:.1}" r="3" fill="#D55E00"/>"##,
            x0,
            x1 - x0,
            top + size - y,
            x_of(b.confidence),
            y_of(b.confidence)
        );
        text(&mut svg, (x0 + x1) / 2.0, y - 3.0, "middle", &b.count.to_string());
    }
    for v in [0.0, 0.5, 1.0] {
        text(&mut svg, x_of(v), top + size + 14.0, "middle", &format!("{v:.1}"));
        text(&mut svg, left - 4.0, y_of(v) + 4.0, "end", &format!("{v:.1}"));
    }
    text(&mut svg, left + size / 2.0, top + size + 30.0, "middle", "confidence (bars: share right; dots: mean)");
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_charts_are_closed() {
        let chart = bars(
            "<b>",
            &[Bar { label: "<script>x</script>".into(), value: 2.0, colour: "#000", note: "2".into() }],
            2.0,
        );
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
        assert!(!chart.contains("<script>") && chart.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!chart.contains("<b>"));
    }

    #[test]
    fn heat_map_has_a_cell_per_entry_and_neutral_is_grey() {
        let labels: Vec<String> = ["pro-a", "pro-b", "neutral"].map(String::from).to_vec();
        let m = vec![vec![3, 1, 0], vec![0, 4, 0], vec![1, 0, 2]];
        let svg = heatmap("confusion", &labels, &m);
        assert_eq!(svg.matches("<rect").count(), 9);
        assert_eq!(label_colour(&labels, 2), NEUTRAL_COLOUR);
        assert_ne!(label_colour(&labels, 0), label_colour(&labels, 1));
    }

    #[test]
    fn intervals_and_reliability_draw_every_row() {
        let rows = [Interval { label: "head".into(), point: 0.9, lower: 0.8, upper: 0.95 }];
        assert_eq!(intervals("F1", &rows, (0.0, 1.0), Some(0.0)).matches("<circle").count(), 1);
        let bins = [Reliability { lower: 0.9, upper: 1.0, confidence: 0.95, accuracy: 0.9, count: 10 }];
        let svg = reliability("rel", &bins);
        assert!(svg.contains(">10</text>"));
        let cols = [Column { label: "0.9".into(), segments: vec![(2.0, "#000"), (1.0, "#fff")] }];
        assert!(columns("hist", &cols, &[]).contains(">3</text>"));
    }
}
