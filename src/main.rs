//! The `sahelsim` command: parse the arguments, run the command, print errors.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sahelsim::cli::Cli::parse();
    match sahelsim::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
