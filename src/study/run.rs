//! `run`: one scenario (or one of its variants) simulated, its run files written
//! (`summary.json`, `replications.csv`, `timeseries.csv`, `run.json`) and its report drawn.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::error::{StudyError, input, other};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::engine;
use crate::results::{RunInfo, RunResults, Summary, write_run};
use crate::scenario::{Document, Scenario};
use crate::simulation::{Progress, Simulated, simulate};

/// A run: the study's scenario, or one of its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    /// The scenario, the command line's edits, threads and output folder.
    pub study: Study,
    /// The `[[variants]]` entry to run instead of the file as written.
    pub variant: Option<String>,
}

/// What a finished run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// The run's `summary.json`, as written.
    pub summary: Summary,
    /// The output folder.
    pub out: PathBuf,
}

/// Simulates the scenario of `request` and writes its output folder.
///
/// # Errors
/// [`StudyError::Input`] for a bad file, variant or value, a run that does not fit in memory or
/// a contact graph that cannot be drawn; [`StudyError::Other`] when the folder cannot be
/// written or the threads cannot start.
pub fn run(request: &RunRequest, progress: &dyn Progress) -> Result<RunResult, StudyError> {
    let study = &request.study;
    let text = setup::text(&study.source)?;
    let variant = request.variant.as_deref();
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let scenario = document.variant(variant, &study.edits).map_err(input)?;
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    memory::ensure_fits(&document, &study.edits, &[&scenario], threads)?;
    let started = Instant::now();
    let command = reproduce_command(&text.file, &scenario, variant);
    progress.begin(u64::from(scenario.run.replications), scenario.run.agents);
    let simulated = pool.install(|| simulate(scenario, progress));
    progress.end();
    let simulated = simulated.map_err(input)?;
    let info = RunInfo {
        variant: request.variant.clone(),
        command,
        threads,
        run_seconds: started.elapsed().as_secs_f64(),
    };
    let summary = folder::write(out, Page::Run, |dir| run_files(dir, &simulated, info))?;
    Ok(RunResult {
        summary,
        out: study.out.clone(),
    })
}

/// Collects the outcomes of `simulated` and writes its run files into `dir`; returns the
/// summary written.
///
/// # Errors
/// [`StudyError::Other`] when a file cannot be written.
pub(super) fn run_files(
    dir: &Path,
    simulated: &Simulated,
    info: RunInfo,
) -> Result<Summary, StudyError> {
    let hours = engine::step_starts(&simulated.world.scenario);
    let results = RunResults::collect(&simulated.world, &simulated.outcomes, hours, info);
    write_run(dir, &results).map_err(other)?;
    Ok(Summary::of(&results))
}

/// The command that reproduces a run exactly, whatever the defaults of the file.
pub(super) fn reproduce_command(file: &str, scenario: &Scenario, variant: Option<&str>) -> String {
    let mut command = format!(
        "concrisk run {file} --seed {} --replications {} --agents {}",
        scenario.run.seed, scenario.run.replications, scenario.run.agents
    );
    if let Some(variant) = variant {
        command.push_str(&format!(" --variant {variant}"));
    }
    command
}
