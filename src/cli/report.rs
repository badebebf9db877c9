//! `stance report`: one self-contained HTML page from the JSON lines of `stance classify`.

use super::sink::Sink;
use anyhow::{Context, Result};
use stance::report::html::articles_page;
use stance::report::{ErrorRecord, Record};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `stance report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// JSONL files written by `stance classify --format jsonl` (several: e.g. the parts of a
    /// sharded run, read in the order given).
    #[arg(required = true, value_name = "FILE.jsonl")]
    inputs: Vec<PathBuf>,
    /// Write the page to FILE (atomically); default stdout.
    #[arg(long, short, value_name = "FILE.html")]
    output: Option<PathBuf>,
    /// Heading and title of the page.
    #[arg(long, default_value = "stance report")]
    title: String,
}

/// Reads every record and writes the page; exit code 2 if a line was not a classify record
/// (it is listed on the page as a failed input, and on stderr).
pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let mut sink = Sink::open(args.output.as_deref())?;
    let mut records = Vec::new();
    let mut unreadable = 0usize;
    for path in &args.inputs {
        let file = std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("{}: cannot read line {}", path.display(), n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(&line) {
                Ok(record) => records.push(record),
                Err(e) => {
                    let at = format!("{}:{}", path.display(), n + 1);
                    eprintln!("stance: error: {at}: not a classify record ({e})");
                    unreadable += 1;
                    records.push(Record::Error(ErrorRecord::new(
                        at.clone(),
                        at,
                        format!("not a classify record: {e}"),
                    )));
                }
            }
        }
    }
    anyhow::ensure!(!records.is_empty(), "no records in {}", list(&args.inputs));
    sink.writer().write_all(articles_page(&args.title, &records)?.as_bytes())?;
    sink.commit()?;
    Ok(if unreadable == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}
