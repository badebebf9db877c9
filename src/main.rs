//! The `stance` command line: parses arguments and hands each subcommand to the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
