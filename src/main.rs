//! The `vigie` command: parse the command line, set up logging, run, map errors to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // A command line that cannot be read is an error (1), as the README says; clap's own 2
    // would read as "some files failed" to a script running the indexer.
    let cli = match vigie::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let shown = error.print();
            return match (error.use_stderr(), shown) {
                (false, Ok(())) => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            };
        }
    };
    let filter = EnvFilter::try_from_env("VIGIE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal, and never when NO_COLOR is set
    // (https://no-color.org): in a pipe or a log file they are noise.
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .init();
    match vigie::cli::run(cli) {
        Ok(code) => code,
        // A reader that stopped reading (`vigie search … | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
