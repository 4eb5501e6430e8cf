//! The command line: parses flags into the requests of [`concrisk::study`], calls it with
//! progress bars as the observer, and prints what it returns. Binary-only: nothing here is part
//! of the library's API. Only `main` prints errors.

mod annual;
mod bench;
mod describe;
mod policy;
mod progress;
mod sensitivity;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use concrisk::scenario;
use concrisk::study::{self, RunRequest, Source, StudyError};

#[derive(Debug, Parser)]
#[command(
    name = "concrisk",
    version,
    about = "Concentration-risk simulator: what happens to society when the platform everyone depends on goes down"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write the output folder.
    Run(RunArgs),
    /// Validate a scenario and print what its world holds.
    Check {
        /// The scenario file (TOML).
        file: PathBuf,
    },
    /// Print the dependency graph as Graphviz DOT.
    Graph {
        /// The scenario file (TOML).
        file: PathBuf,
    },
    /// Compare the baseline with its [[variants]] on common random numbers.
    Compare(policy::CompareArgs),
    /// One run per value of scenario paths (a grid or a Latin hypercube).
    Sweep(policy::SweepArgs),
    /// Fail each node alone and rank nodes by expected damage; concentration per service.
    Rank(policy::StudyArgs),
    /// Sobol' indices of the [[uncertain]] inputs: which input matters, on common random numbers.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Annual risk: rated events in simulated years (AAL, AEP/OEP, TVaR); --variants weighs
    /// measures' costs against averted losses.
    Annual(annual::AnnualArgs),
    /// Time the world build and the replications, and measure peak memory, at several agent counts.
    Bench(bench::BenchArgs),
    /// One row of `bench`, in its own process.
    #[command(hide = true)]
    BenchRow(bench::RowArgs),
    /// Re-draw the figures and report.html of a saved output folder.
    Report {
        /// An output folder holding summary.json, replications.csv and timeseries.csv.
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    study: policy::StudyArgs,
    /// Policy variant of the scenario to run.
    #[arg(long)]
    variant: Option<String>,
    /// Ignore [[uncertain]]: every input at the value written at its path.
    #[arg(long)]
    central: bool,
}

/// Runs the parsed command line.
///
/// # Errors
/// A [`StudyError`] saying whether the input was at fault.
pub fn execute(cli: Cli) -> Result<(), StudyError> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => policy::compare(&args),
        Command::Sweep(args) => policy::sweep(&args),
        Command::Rank(args) => policy::rank(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Annual(args) => annual::annual(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::BenchRow(args) => bench::row(&args),
        Command::Check { file } => {
            let checked = study::check(&Source::File(file))?;
            let variants: Vec<&scenario::Variant> = checked.variants.iter().collect();
            print!("{}", describe::check_report(&checked.world, &variants));
            Ok(())
        }
        Command::Graph { file } => {
            let scenario = scenario::load(&file).map_err(|e| StudyError::Input(e.into()))?;
            print!("{}", describe::dot(&scenario));
            Ok(())
        }
        Command::Report { dir } => {
            let rendered = study::report(&dir)?;
            println!(
                "wrote {} files: {}/report.html and {}/plots/",
                rendered.files.len(),
                dir.display(),
                dir.display()
            );
            Ok(())
        }
    }
}

fn run(args: &RunArgs) -> Result<(), StudyError> {
    let request = RunRequest {
        study: policy::study(&args.study),
        variant: args.variant.clone(),
        central: args.central,
    };
    let ran = study::run(&request, &progress::Bars::default())?;
    print!("{}", describe::run_report(&ran.summary, &ran.out));
    Ok(())
}

/// `output/<file stem>/`.
fn default_out(file: &Path) -> PathBuf {
    concrisk::output::default_folder(file)
}
