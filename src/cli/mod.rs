//! Argument parsing and dispatch; one file per subcommand.

mod bench;
mod classify;
mod compare;
mod embed;
mod models;
mod report;
mod shell;
mod sink;
mod train;
mod train_summarizer;
mod training_set;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use stance::encoder::{EncoderOptions, Precision};
use stance::hub::Resolver;
use std::process::ExitCode;

/// Stance and summaries of Afghanistan–Pakistan news, with a local transformer.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about)]
pub(crate) struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand understands.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Encoder: a registry id (default: sentence-transformers/all-mpnet-base-v2, the most accurate;
    /// sentence-transformers/all-MiniLM-L6-v2 is 5–8× faster) or a local folder holding config.json,
    /// tokenizer.json and model.safetensors.
    #[arg(long, global = true, env = "STANCE_MODEL")]
    pub model: Option<String>,
    /// Folder of trained artefacts (head, baseline) to use instead of those built into the binary.
    #[arg(long, global = true, env = "STANCE_MODELS_DIR")]
    pub models_dir: Option<std::path::PathBuf>,
    /// Never use the network: only a local folder or the Hugging Face cache.
    #[arg(long, global = true, env = "STANCE_OFFLINE")]
    pub offline: bool,
    /// Worker threads for inference (default: all cores).
    #[arg(long, global = true, env = "STANCE_THREADS")]
    pub threads: Option<usize>,
    /// Precision of the encoder's matrix multiplies (default: f32; `stance bench` takes a list).
    #[arg(long, global = true, value_enum, env = "STANCE_PRECISION")]
    pub precision: Option<Precision>,
}

impl GlobalArgs {
    /// Resolver from the environment and these flags.
    pub fn resolver(&self) -> Resolver {
        Resolver::from_env().with_offline(self.offline)
    }

    /// The models of `--model A,B`, in order (a folder's name may not hold a comma); else the one
    /// model named, or `None` for the default.
    pub fn models(&self) -> Vec<Option<&str>> {
        match self.model.as_deref() {
            Some(list) if list.contains(',') && !std::path::Path::new(list).is_dir() => {
                list.split(',').map(str::trim).filter(|m| !m.is_empty()).map(Some).collect()
            }
            one => vec![one],
        }
    }

    /// Encoder options from these flags.
    pub fn encoder_options(&self) -> EncoderOptions {
        EncoderOptions { precision: self.precision.unwrap_or_default(), ..EncoderOptions::default() }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Stance, evidence and a short summary for every article.
    Classify(classify::ClassifyArgs),
    /// Embed texts: one JSON line per file, or per line of stdin.
    Embed(embed::EmbedArgs),
    /// Compare stance systems and summarizers on labelled data.
    Compare(compare::CompareArgs),
    /// Train the stance head and the bag-of-words baseline on a labelled folder.
    Train(train::TrainArgs),
    /// Train the summarizer's sentence scorer on reference summaries of a labelled folder.
    TrainSummarizer(train_summarizer::TrainSummarizerArgs),
    /// Speed and memory: tokens/s, articles/s, latency, load time, peak RSS per configuration.
    Bench(bench::BenchArgs),
    /// One self-contained HTML page from classify's JSON lines.
    Report(report::ReportArgs),
    /// List, fetch or verify models.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// Print the JSON Schema of a classify record.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `stance man > stance.1`.
    Man,
}

/// `--version` in full: the default model, its pinned revision, the built-in spec and the digest of
/// the trained artefacts built into this binary, the record schema.
fn long_version() -> String {
    let registry = stance::hub::Registry::builtin();
    let model = registry.models.first().map_or_else(|| "none".to_string(), |m| m.versioned_id());
    format!(
        "{}\ndefault model: {model}\nspec: {} (built in), trained artefacts {}\nrecord schema_version: {}",
        env!("CARGO_PKG_VERSION"),
        stance::stance::Spec::builtin().name,
        stance::stance::builtin::digest(),
        stance::report::RECORD_SCHEMA_VERSION
    )
}

/// Parses arguments, runs the subcommand, prints the whole error chain, returns the exit code.
pub fn run() -> ExitCode {
    let matches = Cli::command().long_version(long_version()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STANCE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .without_time()
        .with_target(false)
        .init();
    if let Some(threads) = cli.global.threads {
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build_global() {
            eprintln!("stance: warning: --threads {threads}: {e}");
        }
    }
    let outcome = match cli.command {
        Command::Classify(args) => classify::run(&cli.global, args),
        Command::Embed(args) => embed::run(&cli.global, args),
        Command::Compare(args) => compare::run(&cli.global, args),
        Command::Train(args) => train::run(&cli.global, args),
        Command::TrainSummarizer(args) => train_summarizer::run(&cli.global, args),
        Command::Bench(args) => bench::run(&cli.global, args),
        Command::Report(args) => report::run(args),
        Command::Models(cmd) => models::run(&cli.global, cmd),
        Command::Schema => shell::schema(),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
    };
    match outcome {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stance: error: {}", error_message(&err));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes joined with `: `, leaving out a cause whose text the message already
/// ends with (the library's I/O errors name their path and repeat their source's text).
fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.is_empty() {
            message = text;
        } else if !message.ends_with(&text) {
            message = format!("{message}: {text}");
        }
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_message_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let err = anyhow::Error::new(stance::Error::Io { path: "x/labels.jsonl".into(), source: io });
        assert_eq!(error_message(&err.context("loading x")), "loading x: x/labels.jsonl: No such file");
    }

    #[test]
    fn a_comma_list_of_models_is_several_models() {
        let global = |model: Option<&str>| GlobalArgs {
            model: model.map(String::from),
            models_dir: None,
            offline: false,
            threads: None,
            precision: None,
        };
        assert_eq!(global(None).models(), [None]);
        assert_eq!(global(Some("all-MiniLM-L6-v2")).models(), [Some("all-MiniLM-L6-v2")]);
        assert_eq!(global(Some("a, b,")).models(), [Some("a"), Some("b")]);
    }
}
