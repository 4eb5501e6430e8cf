//! The `concrisk` binary: parse flags, call the library, print the error chain, pick the exit
//! status (0 done, 2 bad input, 1 anything else).
#![deny(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let flags = cli::Cli::parse();
    match cli::execute(flags) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error());
            ExitCode::from(if failure.is_input() { 2 } else { 1 })
        }
    }
}
