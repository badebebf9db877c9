//! `stance classify`: stance, evidence and a summary for every article in a batch.

use super::sink::Sink;
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
use stance::summarize::learned::default_summarizer;
use stance::summarize::{SummaryMode, SummaryOptions};
use std::collections::HashSet;
use std::io::IsTerminal;
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
    /// Stance classifier: `auto` uses the head trained for the spec and encoder, else zero-shot (with a
    /// warning).
    #[arg(long, value_enum, env = "STANCE_CLASSIFIER", default_value_t = SystemKind::Auto)]
    classifier: SystemKind,
    /// Output format (default: table on a terminal, JSON lines otherwise).
    #[arg(long, value_enum, env = "STANCE_FORMAT")]
    format: Option<Format>,
    /// Write the report to FILE (atomically: a temporary file renamed into place at the end;
    /// with --resume, appended to batch by batch instead).
    #[arg(long, short, env = "STANCE_OUTPUT")]
    output: Option<PathBuf>,
    /// With -o FILE (JSON lines): skip the articles whose records FILE already holds, repair a line
    /// torn by a crash, and append the rest, flushed batch by batch, so a killed run loses at most
    /// the batch in flight.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Process only shard I of N (`I/N`, I from 0), chosen by a hash of each article's id: N
    /// processes with shards 0/N … N-1/N together cover every article exactly once.
    #[arg(long, env = "STANCE_SHARD", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Exit 0 even when some inputs failed (their error records are still written): for pipelines
    /// that treat any non-zero exit as a failed task. Default: exit 2 when some inputs failed.
    #[arg(long, env = "STANCE_ERRORS_AS_RECORDS")]
    errors_as_records: bool,
    /// No progress bar and no per-input messages on stderr (the records still say everything).
    #[arg(long, short, env = "STANCE_QUIET")]
    quiet: bool,
    /// Summary kind.
    #[arg(long, value_enum, env = "STANCE_SUMMARY", default_value_t = SummaryMode::Central)]
    summary: SummaryMode,
    /// Most sentences in a summary (the default summarizer also goes by the article's length: two
    /// for a short report, three under 300 words, four for a long analysis).
    #[arg(long, env = "STANCE_SUMMARY_SENTENCES", default_value_t = 4)]
    summary_sentences: usize,
    /// Most words in a summary (a lone sentence is kept even if longer; the trained summarizer
    /// chooses fewer when its scores say a shorter summary covers the story better).
    #[arg(long, env = "STANCE_SUMMARY_WORDS", default_value_t = 100)]
    summary_words: usize,
    /// Articles embedded together in one encoder call (and written together).
    #[arg(long, env = "STANCE_BATCH", default_value_t = 16)]
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

/// `--shard I/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Whether the article `id` belongs to this shard (a stable hash, the same on every machine).
    fn owns(&self, id: &str) -> bool {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(id.as_bytes());
        let head = u64::from_le_bytes(digest[..8].try_into().unwrap_or_default());
        head % self.count == self.index
    }
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (i, n) = text.split_once('/').ok_or("expected I/N, e.g. 0/4")?;
    let (index, count): (u64, u64) =
        (i.trim().parse().map_err(|_| "I must be a number")?, n.trim().parse().map_err(|_| "N must be a number")?);
    if count == 0 || index >= count {
        return Err(format!("shard {index}/{count}: need 0 ≤ I < N"));
    }
    Ok(Shard { index, count })
}

/// Runs the batch; exit code 0 if all inputs succeeded, 2 if some failed.
pub fn run(global: &GlobalArgs, args: ClassifyArgs) -> Result<ExitCode> {
    // The destination is checked (and its temporary file created) before any work is done.
    let (sink, done) = match (&args.output, args.resume) {
        (Some(path), true) => Sink::resume(path)?,
        (path, _) => (Sink::open(path.as_deref())?, HashSet::new()),
    };
    let spec = Spec::load(args.spec.as_deref())?;
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder =
        encoder::load(&files, global.encoder_options()).with_context(|| format!("loading {}", files.dir.display()))?;
    let artifacts = artifacts_dir(global.models_dir.as_deref(), args.spec.as_deref())?;
    let classifier = build_classifier(args.classifier, &spec, &artifacts, Some(&encoder))?;
    let summarizer = default_summarizer(&artifacts, &spec, &encoder.model_name())?;
    let pipeline = Pipeline {
        encoder: Some(&encoder),
        classifier: classifier.as_ref(),
        summarizer: summarizer.as_ref(),
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
    if args.resume && format != Format::Jsonl {
        anyhow::bail!("--resume appends JSON lines; drop --format {format:?} or use --format jsonl");
    }
    let mut out = Output {
        sink,
        render: renderer(format, terminal_width()),
        progress: if args.quiet { ProgressBar::hidden() } else { progress_bar() },
        quiet: args.quiet,
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
        out.sink.writer().flush()?;
        Ok(())
    };
    let max_sentence_chars = usize::try_from(args.max_sentence_chars).unwrap_or(usize::MAX);
    let limits = LoadLimits { max_article_bytes: args.max_article_bytes, max_sentence_chars };
    let wanted = |id: &str| args.shard.is_none_or(|s| s.owns(id)) && !done.contains(id);
    for item in articles_within(&args.inputs, limits) {
        let item = item.map_err(load_error_record);
        if !wanted(match &item {
            Ok(doc) => &doc.id,
            Err(error) => &error.id,
        }) {
            continue;
        }
        queue.push(item);
        if queue.iter().filter(|q| q.is_ok()).count() >= batch {
            flush(&mut queue, &mut out)?;
        }
    }
    flush(&mut queue, &mut out)?;
    let quiet_empty = args.shard.is_some() || !done.is_empty() || args.inputs.iter().any(|i| i == "-");
    out.finish(&args.inputs, quiet_empty, args.errors_as_records)
}

fn load_error_record(e: LoadError) -> ErrorRecord {
    ErrorRecord::new(e.id.clone(), e.path.clone(), e.to_string())
}

fn failure_record(f: stance::pipeline::ArticleFailure) -> ErrorRecord {
    ErrorRecord::new(f.id, f.path.clone(), format!("{}: {}", f.path, f.message))
}

/// The report being written, with counts for the exit code.
struct Output {
    sink: Sink,
    render: Box<dyn stance::report::Renderer>,
    progress: ProgressBar,
    quiet: bool,
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
                if !self.quiet {
                    self.progress.suspend(|| eprintln!("stance: error: {}", e.error));
                }
            }
        }
        self.render.record(self.sink.writer(), &record)?;
        self.progress.inc(1);
        Ok(())
    }

    /// Closes the report; exit code 0 if every input succeeded (or `errors_as_records`), 2 if some
    /// failed. No article at all is an error, unless it can be right (`empty_ok`: stdin, a shard or
    /// a resumed run may well have nothing to do).
    fn finish(mut self, inputs: &[String], empty_ok: bool, errors_as_records: bool) -> Result<ExitCode> {
        self.render.finish(self.sink.writer())?;
        self.progress.finish_and_clear();
        if self.ok + self.failed == 0 && !empty_ok {
            anyhow::bail!("no articles found in {} (looked for .txt .md .html .htm .json .jsonl)", inputs.join(", "));
        }
        self.sink.commit()?;
        Ok(if self.failed == 0 || errors_as_records { ExitCode::SUCCESS } else { ExitCode::from(2) })
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
