//! `stance schema`, `stance completions SHELL` and `stance man`: what other programs and shells need
//! to know about `stance`, printed on stdout.

use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

/// Prints the JSON Schema of one classify record (an article or an error).
pub fn schema() -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&stance::report::record_schema())?)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut command = super::Cli::command();
    // Generated into memory first: writing straight to a closed pipe would panic inside the generator.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "stance", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page (roff).
pub fn man() -> Result<ExitCode> {
    clap_mangen::Man::new(super::Cli::command()).render(&mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
