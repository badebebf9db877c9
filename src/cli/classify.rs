//! `stance classify`: stance, evidence and a summary for every article in a batch.

use super::GlobalArgs;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use stance::document::load::articles;
use stance::document::Document;
use stance::encoder::BertEncoder;
use stance::pipeline::Pipeline;
use stance::report::{renderer, ArticleRecord, ErrorRecord, Format, Record};
use stance::stance::systems::{artifacts_dir, build_classifier, SystemKind};
use stance::stance::Spec;
use stance::summarize::{CentralitySummarizer, SummaryMode, SummaryOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `stance classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// Files or folders (recursive: .txt .md .html .htm .json .jsonl); `-` reads stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Label spec TOML (default: the built-in Afghanistan–Pakistan spec).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Stance classifier: `auto` uses the trained head when one exists for the spec.
    #[arg(long, value_enum, default_value_t = SystemKind::Auto)]
    classifier: SystemKind,
    /// Output format (default: table on a terminal, JSON lines otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE (atomically: a temporary file renamed into place at the end).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Summary kind.
    #[arg(long, value_enum, default_value_t = SummaryMode::Central)]
    summary: SummaryMode,
    /// Most sentences in a summary.
    #[arg(long, default_value_t = 3)]
    summary_sentences: usize,
    /// Most words in a summary.
    #[arg(long, default_value_t = 75)]
    summary_words: usize,
    /// Articles embedded together in one encoder call.
    #[arg(long, default_value_t = 16)]
    batch: usize,
}

/// Runs the batch; exit code 0 if all inputs succeeded, 2 if some failed.
pub fn run(global: &GlobalArgs, args: ClassifyArgs) -> Result<ExitCode> {
    let spec = Spec::load(args.spec.as_deref())?;
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder = BertEncoder::load(&files, global.encoder_options())
        .with_context(|| format!("loading {}", files.dir.display()))?;
    let artifacts = artifacts_dir(args.spec.as_deref());
    let classifier = build_classifier(args.classifier, &spec, &artifacts, Some(&encoder))?;
    let summarizer = CentralitySummarizer::default();
    let pipeline = Pipeline {
        encoder: Some(&encoder),
        classifier: classifier.as_ref(),
        summarizer: &summarizer,
        summary: SummaryOptions {
            max_sentences: args.summary_sentences.max(1),
            max_words: args.summary_words.max(1),
            mode: args.summary,
        },
    };
    let model = files.spec.versioned_id();
    let spec_name = format!("{}/{}", spec.name, classifier.name());

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal { Format::Table } else { Format::Jsonl });
    let mut out = Output {
        sink: Sink::open(args.output.as_deref())?,
        render: renderer(format, terminal_width()),
        progress: progress_bar(),
        ok: 0,
        failed: 0,
    };

    let mut pending: Vec<Document> = Vec::new();
    let analyze = |pending: &mut Vec<Document>, out: &mut Output| -> Result<()> {
        let docs = std::mem::take(pending);
        let names: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.path.clone())).collect();
        match pipeline.analyze(docs) {
            Ok(results) => results
                .iter()
                .try_for_each(|r| out.emit(Record::Article(Box::new(ArticleRecord::new(r, &model, &spec_name))))),
            Err(e) => names.into_iter().try_for_each(|(id, path)| {
                out.emit(Record::Error(ErrorRecord { error: format!("{path}: {e}"), id, path }))
            }),
        }
    };
    for item in articles(&args.inputs) {
        match item {
            Ok(doc) => {
                pending.push(doc);
                if pending.len() >= args.batch.max(1) {
                    analyze(&mut pending, &mut out)?;
                }
            }
            Err(e) => {
                out.emit(Record::Error(ErrorRecord { id: e.id.clone(), path: e.path.clone(), error: e.to_string() }))?
            }
        }
    }
    if !pending.is_empty() {
        analyze(&mut pending, &mut out)?;
    }
    out.finish(&args.inputs)
}

/// The report being written, with counts for the exit code.
struct Output {
    sink: Sink,
    render: Box<dyn stance::report::Renderer>,
    progress: ProgressBar,
    ok: usize,
    failed: usize,
}

impl Output {
    /// Writes one record; an error record is also reported on stderr.
    fn emit(&mut self, record: Record) -> Result<()> {
        match &record {
            Record::Article(_) => self.ok += 1,
            Record::Error(e) => {
                self.failed += 1;
                self.progress.suspend(|| eprintln!("stance: error: {}", e.error));
            }
        }
        self.render.record(self.sink.writer(), &record)?;
        self.progress.inc(1);
        Ok(())
    }

    /// Closes the report; exit code 0 if every input succeeded, 2 if some failed.
    fn finish(mut self, inputs: &[String]) -> Result<ExitCode> {
        self.render.finish(self.sink.writer())?;
        self.progress.finish_and_clear();
        if self.ok + self.failed == 0 {
            anyhow::bail!("no articles found in {} (looked for .txt .md .html .htm .json .jsonl)", inputs.join(", "));
        }
        self.sink.commit()?;
        Ok(if self.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
    }
}

/// Where the report goes: stdout, or a temporary file renamed onto `--output` when complete.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File { temp: tempfile::NamedTempFile, path: PathBuf },
}

impl Sink {
    fn open(path: Option<&std::path::Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())));
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file beside it", path.display()))?;
        Ok(Sink::File { temp, path: path.to_path_buf() })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { temp, .. } => temp.as_file_mut(),
        }
    }

    fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => Ok(w.flush()?),
            Sink::File { temp, path } => {
                temp.persist(&path)
                    .with_context(|| format!("{}: cannot move the finished report into place", path.display()))?;
                Ok(())
            }
        }
    }
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} articles  {per_sec}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(120)
}
