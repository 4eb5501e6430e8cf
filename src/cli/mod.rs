//! The command line: parses flags, calls the library, and sorts failures into bad input (exit 2)
//! and everything else (exit 1). Only `main` prints errors.

mod bench;
mod describe;
mod memory;
mod policy;
mod progress;

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::engine::{self, RunConfig};
use crate::report;
use crate::results::{RunInfo, RunResults, write_run};
use crate::scenario::{self, Document, Scenario};
use crate::world::World;

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
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The user's file, value or flag is wrong: exit status 2.
    Input(anyhow::Error),
    /// Anything else: exit status 1.
    Other(anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Other(_) => 1,
        }
    }

    pub fn error(&self) -> &anyhow::Error {
        match self {
            Failure::Input(e) | Failure::Other(e) => e,
        }
    }
}

fn input(error: impl Into<anyhow::Error>) -> Failure {
    Failure::Input(error.into())
}

/// Runs the parsed command line.
///
/// # Errors
/// A [`Failure`] saying whether the input was at fault.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => policy::compare(&args),
        Command::Sweep(args) => policy::sweep(&args),
        Command::Rank(args) => policy::rank(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::BenchRow(args) => bench::row(&args),
        Command::Check { file } => {
            let text = scenario::read(&file).map_err(input)?;
            let document = Document::parse(&text, &file.display().to_string()).map_err(input)?;
            let scenario = document.scenario(&[]).map_err(input)?;
            document.check_variants(&[]).map_err(input)?;
            memory::ensure_fits(&file, &[&scenario], rayon::current_num_threads())?;
            let world = World::build(scenario).map_err(input)?;
            let variants: Vec<&scenario::Variant> = document.variants().collect();
            print!("{}", describe::check_report(&world, &variants));
            Ok(())
        }
        Command::Graph { file } => {
            let scenario = scenario::load(&file).map_err(input)?;
            print!("{}", describe::dot(&scenario));
            Ok(())
        }
        Command::Report { dir } => {
            let rendered = report::render(&dir).map_err(|e| match e {
                report::ReportError::Missing { .. }
                | report::ReportError::Json { .. }
                | report::ReportError::Summary { .. }
                | report::ReportError::Csv { .. } => input(e),
                other => Failure::Other(other.into()),
            })?;
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

fn run(args: &RunArgs) -> Result<(), Failure> {
    let study = &args.study;
    let text = scenario::read(&study.file).map_err(input)?;
    let scenario = Document::parse(&text, &study.file.display().to_string())
        .and_then(|document| document.variant(args.variant.as_deref(), &policy::overrides(study)))
        .map_err(input)?;
    let out = policy::out_dir(study);
    let (pool, threads) = policy::pool(study)?;
    memory::ensure_fits(&study.file, &[&scenario], threads)?;
    let started = Instant::now();
    let command = reproduce_command(&study.file, &scenario, args.variant.as_deref());
    let replications = scenario.run.replications;
    let (world, outcomes) = pool.install(|| {
        let world = progress::building_world(scenario.run.agents, |observer| {
            World::build_observed(scenario, observer)
        })
        .map_err(input)?;
        let plan = progress::planning(|| engine::Plan::new(&world));
        let observer = progress::Replications::new(u64::from(replications));
        let outcomes = engine::run_planned(
            &plan,
            &RunConfig {
                first_replication: 0,
                replications,
            },
            &observer,
        );
        observer.finish();
        drop(plan);
        Ok((world, outcomes))
    })?;
    let hours = engine::step_starts(&world.scenario);
    let info = RunInfo {
        variant: args.variant.clone(),
        command,
        threads,
        run_seconds: started.elapsed().as_secs_f64(),
    };
    let results = RunResults::collect(&world, &outcomes, hours, info);
    write_run(&out, &results).map_err(|e| Failure::Other(e.into()))?;
    report::render(&out).map_err(|e| Failure::Other(e.into()))?;
    print!("{}", describe::run_report(&results, &out));
    Ok(())
}

/// `output/<file stem>/`.
fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("output").join(stem)
}

/// The command that reproduces a run exactly, whatever the defaults of the file.
fn reproduce_command(file: &Path, scenario: &Scenario, variant: Option<&str>) -> String {
    let mut command = format!(
        "concrisk run {} --seed {} --replications {} --agents {}",
        file.display(),
        scenario.run.seed,
        scenario.run.replications,
        scenario.run.agents
    );
    if let Some(variant) = variant {
        command.push_str(&format!(" --variant {variant}"));
    }
    command
}
