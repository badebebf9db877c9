//! `stance embed`: one JSON line per input with its embedding.

use super::GlobalArgs;
use anyhow::{Context, Result};
use serde::Serialize;
use stance::encoder::{self, Encoder};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

/// Arguments of `stance embed`.
#[derive(Debug, clap::Args)]
pub struct EmbedArgs {
    /// Files to embed (one embedding each); `-` or nothing reads stdin, one text per line.
    inputs: Vec<String>,
    /// Texts per encoder call.
    #[arg(long, default_value_t = 64)]
    chunk: usize,
}

#[derive(Serialize)]
struct EmbeddingLine<'a> {
    id: &'a str,
    dim: usize,
    windows: usize,
    tokens: usize,
    embedding: &'a [f32],
}

/// Reads the inputs, embeds them in chunks, and writes JSON lines to stdout.
pub fn run(global: &GlobalArgs, args: EmbedArgs) -> Result<ExitCode> {
    let files = stance::hub::resolve_model(global.model.as_deref(), &global.resolver())?;
    let encoder = encoder::load(&files, global.encoder_options())?;
    let inputs = if args.inputs.is_empty() { vec!["-".to_string()] } else { args.inputs };
    let mut items: Vec<(String, String)> = Vec::new();
    for input in &inputs {
        if input == "-" {
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.context("reading stdin")?;
                if !line.trim().is_empty() {
                    items.push((format!("stdin:{}", n + 1), line));
                }
            }
        } else {
            let text = std::fs::read_to_string(input).with_context(|| format!("{input}: cannot read as UTF-8 text"))?;
            let id = Path::new(input).file_stem().map_or_else(|| input.clone(), |s| s.to_string_lossy().into_owned());
            items.push((id, text));
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for chunk in items.chunks(args.chunk.max(1)) {
        let texts: Vec<&str> = chunk.iter().map(|(_, t)| t.as_str()).collect();
        let embeddings = encoder.encode(&texts)?;
        for ((id, _), e) in chunk.iter().zip(&embeddings) {
            let line =
                EmbeddingLine { id, dim: encoder.dim(), windows: e.windows, tokens: e.tokens, embedding: &e.vector };
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
