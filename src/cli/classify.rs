//! `stance classify`: stance, evidence and a summary for every article in a batch.

use super::GlobalArgs;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use stance::document::load::{articles_within, LoadLimits, DEFAULT_MAX_ARTICLE_BYTES};
use stance::document::sentences::DEFAULT_MAX_SENTENCE_CHARS;
use stance::document::{Document, LoadError};
use stance::encoder;
use stance::pipeline::Pipeline;
use stance::report::{renderer, ArticleRecord, ErrorRecord, Format, Record};
use stance::stance::systems::{artifacts_dir, build_classifier, SystemKind};
use stance::stance::Spec;
use stance::summarize::{CentralitySummarizer, SummaryMode, SummaryOptions};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

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
    /// Largest article in bytes (a file, a JSONL line, stdin text); a larger one is an error record.
    #[arg(long, env = "STANCE_MAX_ARTICLE_BYTES", default_value_t = DEFAULT_MAX_ARTICLE_BYTES)]
    max_article_bytes: u64,
    /// Longest sentence in characters; a run-on "sentence" is cut into pieces of at most this many.
    #[arg(long, env = "STANCE_MAX_SENTENCE_CHARS", default_value_t = DEFAULT_MAX_SENTENCE_CHARS as u64,
          value_parser = clap::value_parser!(u64).range(20..))]
    max_sentence_chars: u64,
}

/// One input in the order it came: an article waiting for its batch, or a failure to report.
type Queued = Result<Document, ErrorRecord>;

/// Runs the batch; exit code 0 if all inputs succeeded, 2 if some failed.
pub fn run(global: &GlobalArgs, args: ClassifyArgs) -> Result<ExitCode> {
    // The destination is checked (and its temporary file created) before any work is done.
    let sink = Sink::open(args.output.as_deref())?;
    let spec = Spec::load(args.spec.as_deref())?;
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder =
        encoder::load(&files, global.encoder_options()).with_context(|| format!("loading {}", files.dir.display()))?;
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
        sink,
        render: renderer(format, terminal_width()),
        progress: progress_bar(),
        seen: HashSet::new(),
        ok: 0,
        failed: 0,
    };

    // Inputs wait in arrival order until a batch of articles is full, so records come out in input
    // order even when an error arrives between articles.
    let batch = args.batch.max(1);
    let mut queue: Vec<Queued> = Vec::new();
    let flush = |queue: &mut Vec<Queued>, out: &mut Output| -> Result<()> {
        let mut docs = Vec::new();
        let slots: Vec<Option<ErrorRecord>> =
            std::mem::take(queue).into_iter().map(|item| item.map(|doc| docs.push(doc)).err()).collect();
        let mut results = pipeline.analyze_isolated(docs).into_iter();
        for slot in slots {
            let record = match slot.map(Err).or_else(|| results.next().map(|r| r.map_err(failure_record))) {
                Some(Ok(result)) => Record::Article(Box::new(ArticleRecord::new(&result, &model, &spec_name))),
                Some(Err(error)) => Record::Error(error),
                None => continue,
            };
            out.emit(record)?;
        }
        Ok(())
    };
    let max_sentence_chars = usize::try_from(args.max_sentence_chars).unwrap_or(usize::MAX);
    let limits = LoadLimits { max_article_bytes: args.max_article_bytes, max_sentence_chars };
    for item in articles_within(&args.inputs, limits) {
        queue.push(item.map_err(load_error_record));
        if queue.iter().filter(|q| q.is_ok()).count() >= batch {
            flush(&mut queue, &mut out)?;
        }
    }
    flush(&mut queue, &mut out)?;
    out.finish(&args.inputs)
}

fn load_error_record(e: LoadError) -> ErrorRecord {
    ErrorRecord { id: e.id.clone(), path: e.path.clone(), error: e.to_string() }
}

fn failure_record(f: stance::pipeline::ArticleFailure) -> ErrorRecord {
    ErrorRecord { error: format!("{}: {}", f.path, f.message), id: f.id, path: f.path }
}

/// The report being written, with counts for the exit code.
struct Output {
    sink: Sink,
    render: Box<dyn stance::report::Renderer>,
    progress: ProgressBar,
    /// Ids of the articles written so far, to flag a repeated id.
    seen: HashSet<String>,
    ok: usize,
    failed: usize,
}

impl Output {
    /// Writes one record; an error record, or an article whose id was already used, is also
    /// reported on stderr (and the repeat flagged in the record's warnings).
    fn emit(&mut self, mut record: Record) -> Result<()> {
        match &mut record {
            Record::Article(article) => {
                self.ok += 1;
                if !self.seen.insert(article.id.clone()) {
                    let warning =
                        format!("duplicate id {:?}: an earlier article in this run has the same id", article.id);
                    self.progress.suspend(|| eprintln!("stance: warning: {}: {warning}", article.path));
                    article.warnings.push(warning);
                }
            }
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

/// The temporary report file in progress, removed if the run is interrupted (Ctrl-C, SIGTERM).
static IN_PROGRESS: Mutex<Option<PathBuf>> = Mutex::new(None);

impl Sink {
    fn open(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())));
        };
        if path.is_dir() {
            anyhow::bail!("{}: is a folder; --output takes the path of a file to write", path.display());
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        // Created with mode 0666 less the umask, like any file a shell redirection makes.
        let temp = tempfile::Builder::new()
            .prefix(".stance-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file beside it", path.display()))?;
        remove_on_interrupt(temp.path());
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
                *IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Ok(())
            }
        }
    }
}

/// Registers `temp` for removal if the process is interrupted before the report is complete.
fn remove_on_interrupt(temp: &Path) {
    *IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = Some(temp.to_path_buf());
    let installed = ctrlc::set_handler(|| {
        if let Some(temp) = IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = std::fs::remove_file(temp);
        }
        std::process::exit(130);
    });
    if let Err(e) = installed {
        tracing::warn!("cannot watch for Ctrl-C ({e}); an interrupted run may leave {} behind", temp.display());
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
