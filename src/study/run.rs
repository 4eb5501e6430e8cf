//! `run`: one scenario (or one of its variants) simulated, its run files written
//! (`summary.json`, `replications.csv`, `timeseries.csv`, `run.json`) and its report drawn. With
//! `[[uncertain]]` inputs (and without `--central`) each group of replications runs on its own
//! input sample (`uncertainty::samples`), and the summary says which share of each metric's
//! variance the inputs explain.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::error::{StudyError, input, other};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::engine;
use crate::results::{InputSamples, RunInfo, RunResults, Summary, write_run};
use crate::scenario::{Acts, Document, Scenario};
use crate::simulation::{Progress, Simulated, replications, simulate};
use crate::uncertainty::samples;
use crate::uncertainty::simulate::simulate_samples;

/// A run: the study's scenario, or one of its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    /// The scenario, the command line's edits, threads and output folder.
    pub study: Study,
    /// The `[[variants]]` entry to run instead of the file as written.
    pub variant: Option<String>,
    /// Ignore `[[uncertain]]` (`run --central`): every input at the value written at its path,
    /// the run exactly as without the entries.
    pub central: bool,
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
    let mut scenario = document.variant(variant, &study.edits).map_err(input)?;
    if request.central {
        scenario.uncertain.clear();
    }
    let mut sampled =
        samples::scenarios(&document, variant, &study.edits, &scenario).map_err(input)?;
    let groups = samples::groups(scenario.run.replications, scenario.run.input_samples);
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    memory::ensure_fits(&document, &study.edits, &[&scenario], threads)?;
    let started = Instant::now();
    let command = reproduce_command(&text.file, &scenario, variant, request.central);
    // Over inputs, the central replications run too (on the central world, the same streams),
    // for the central band beside the bands with inputs: twice the replications.
    let over_inputs = !scenario.uncertain.is_empty();
    // Inputs that only price the counts leave them as the central run's (bit for bit): the
    // central run is then the same replications, not simulated again.
    let simulates = scenario.uncertain.iter().any(|u| u.acts != Acts::Valuation);
    let runs = if simulates { 2 } else { 1 };
    progress.begin(
        runs * u64::from(scenario.run.replications),
        scenario.run.agents,
    );
    let simulated = pool.install(|| {
        if over_inputs {
            let simulated = simulate_samples(scenario, &mut sampled, &groups, progress)?;
            let central = if simulates {
                replications(&simulated.world, progress)
            } else {
                simulated.outcomes.clone()
            };
            Ok((simulated, central))
        } else {
            simulate(scenario, progress).map(|simulated| (simulated, Vec::new()))
        }
    });
    progress.end();
    let (simulated, central) = simulated.map_err(input)?;
    let inputs = over_inputs.then_some(InputSamples {
        scenarios: &sampled,
        groups: &groups,
        central: &central,
    });
    let info = RunInfo {
        variant: request.variant.clone(),
        command,
        threads,
        run_seconds: started.elapsed().as_secs_f64(),
    };
    let summary = folder::write(out, Page::Run, |dir| {
        run_files(dir, &simulated, inputs, info)
    })?;
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
    inputs: Option<InputSamples<'_>>,
    info: RunInfo,
) -> Result<Summary, StudyError> {
    let hours = engine::step_starts(&simulated.world.scenario);
    let results =
        RunResults::collect_samples(&simulated.world, &simulated.outcomes, inputs, hours, info);
    write_run(dir, &results).map_err(other)?;
    Ok(Summary::of(&results))
}

/// The command that reproduces a run exactly, whatever the defaults of the file.
pub(super) fn reproduce_command(
    file: &str,
    scenario: &Scenario,
    variant: Option<&str>,
    central: bool,
) -> String {
    let mut command = format!(
        "concrisk run {file} --seed {} --replications {} --agents {}",
        scenario.run.seed, scenario.run.replications, scenario.run.agents
    );
    if let Some(variant) = variant {
        command.push_str(&format!(" --variant {variant}"));
    }
    if central {
        command.push_str(" --central");
    }
    command
}
