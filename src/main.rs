//! The `concrisk` binary: parse flags, call the library, print the error chain, pick the exit
//! status (0 done, 2 bad input, 1 anything else).

use std::process::ExitCode;

use clap::Parser;
use concrisk::cli::{Cli, execute};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error());
            ExitCode::from(failure.exit_code())
        }
    }
}
