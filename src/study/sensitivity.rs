//! `sensitivity`: Sobol' indices of every metric for every `[[uncertain]]` input, on a Saltelli
//! design whose points share their replications' random numbers; the folder holds
//! `sensitivity.csv`, `design.csv`, `sensitivity.json` and the figure.

use std::path::PathBuf;

use super::error::{StudyError, input};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::policy::PolicyError;
use crate::policy::sensitivity::files::{self, MetricIndices};
use crate::policy::sensitivity::{self, Cost, Plan};
use crate::results::metrics;
use crate::scenario::Document;
use crate::simulation::Progress;

/// The default rows of each design matrix (`--samples`).
pub const DEFAULT_SAMPLES: usize = 256;

/// A sensitivity study.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRequest {
    /// The scenario, the command line's edits, threads and output folder.
    pub study: Study,
    /// The design's rows and whether its points share random numbers.
    pub plan: Plan,
    /// The one metric to analyse (and draw); `None` for every metric, the headline one drawn.
    pub metric: Option<String>,
}

/// What a finished sensitivity study wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityResult {
    /// The uncertain inputs' paths, in file order.
    pub paths: Vec<String>,
    /// The metric of the figure.
    pub metric: String,
    /// Each analysed metric's indices.
    pub indices: Vec<MetricIndices>,
    /// Worlds, simulations and points.
    pub cost: Cost,
    /// The output folder.
    pub out: PathBuf,
}

/// Runs the Saltelli design over the `[[uncertain]]` inputs of the scenario of `request`,
/// estimates the indices and writes the folder.
///
/// # Errors
/// [`StudyError::Input`] for a bad file or value, a scenario without `[[uncertain]]`, an unknown
/// metric or a study that does not fit in memory; [`StudyError::Other`] when the folder cannot be
/// written.
pub fn sensitivity(
    request: &SensitivityRequest,
    progress: &dyn Progress,
) -> Result<SensitivityResult, StudyError> {
    let study = &request.study;
    let text = setup::text(&study.source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let baseline = document.scenario(&study.edits).map_err(input)?;
    let metric = match &request.metric {
        Some(metric) => {
            metrics::find(&baseline, metric).map_err(|why| {
                StudyError::from(PolicyError::Choice {
                    file: text.file.clone(),
                    flag: format!("--metric {metric}"),
                    message: "the scenario has no such metric".to_string(),
                    hint: format!("use one of the columns of replications.csv: {why}"),
                })
            })?;
            metric.clone()
        }
        None => metrics::headline(&baseline),
    };
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    // One world at a time; checked on the file as written (an input that raises the agents or
    // the mean degree can need more, as a sweep's point can).
    memory::ensure_fits(&document, &study.edits, &[&baseline], threads)?;
    let evaluated = pool.install(|| {
        sensitivity::evaluate(&document, &study.edits, &baseline, request.plan, progress)
    });
    progress.end();
    let evaluated = evaluated?;
    let analysed = match &request.metric {
        Some(metric) => vec![metric.clone()],
        None => evaluated.metrics.clone(),
    };
    let indices = pool.install(|| files::indices(&evaluated, &analysed, baseline.run.seed));
    folder::write(out, Page::Analyses, |dir| {
        Ok(files::write(
            dir,
            &baseline,
            &text.file,
            &evaluated,
            &indices,
            &metric,
            request.plan.streams,
        )?)
    })?;
    Ok(SensitivityResult {
        paths: evaluated.paths,
        metric,
        indices,
        cost: evaluated.cost,
        out: study.out.clone(),
    })
}
