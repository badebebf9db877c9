//! Self-contained HTML pages: the article report (`stance report`, `classify --format html`), the
//! comparison (`compare --format html`) and the benchmark (`bench --format html`). One file each:
//! inline CSS, inline SVG charts and, on the article page, a little inline script for sorting and
//! filtering. Templates are minijinja `.html` templates, so every value is HTML-escaped unless it
//! is one of our own SVG charts; a Content-Security-Policy allows no network access and no script
//! but ours (by its hash), so even a mistake in escaping could not run an article's script.

mod articles;
mod evaluation;
pub mod svg;

pub use articles::{anchor_of, ArticlesPage};
pub use evaluation::{bench_page, compare_page};

use super::{Record, Renderer};
use crate::Result;
use minijinja::{context, Environment, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{self, Write};

const CSS: &str = include_str!("templates/report.css");
const SCRIPT: &str = include_str!("templates/report.js");

/// The article report page for `records`, in input order.
pub fn articles_page(title: &str, records: &[Record]) -> Result<String> {
    render("articles.html", title, &ArticlesPage::new(title, records))
}

/// Renders template `name` with `page` as its data.
fn render(name: &str, title: &str, page: &impl Serialize) -> Result<String> {
    let mut env = Environment::new();
    env.add_template("base.html", include_str!("templates/base.html"))?;
    env.add_template("articles.html", include_str!("templates/articles.html"))?;
    env.add_template("compare.html", include_str!("templates/compare.html"))?;
    env.add_template("bench.html", include_str!("templates/bench.html"))?;
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{}'",
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    );
    let html = env.get_template(name)?.render(context! {
        title,
        page,
        csp,
        css => Value::from_safe_string(CSS.to_string()),
        script => Value::from_safe_string(SCRIPT.to_string()),
    })?;
    Ok(html)
}

/// Standard base64 with padding (for the script hash in the Content-Security-Policy).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The HTML renderer of `classify --format html`: the page needs every record (counts, charts),
/// so records are kept and the page is written by `finish`.
pub struct Html {
    title: String,
    records: Vec<Record>,
}

impl Html {
    /// A renderer for a page headed `title`.
    pub fn new(title: &str) -> Self {
        Html { title: title.to_string(), records: Vec::new() }
    }
}

impl Renderer for Html {
    fn record(&mut self, _out: &mut dyn Write, record: &Record) -> io::Result<()> {
        self.records.push(record.clone());
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let page = articles_page(&self.title, &self.records).map_err(io::Error::other)?;
        out.write_all(page.as_bytes())?;
        out.flush()
    }
}

#[cfg(test)]
mod tests;
