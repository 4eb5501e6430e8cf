//! `sweep`: one run per point of a design over scenario paths, all on the file's seed; the folder
//! holds `sweep.csv` (streamed point by point while the study runs), `sweep.json` and the figure.

use std::path::PathBuf;

use super::error::{StudyError, input};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::policy::sweep::{self, Design};
use crate::scenario::Document;
use crate::simulation::Progress;

/// A sweep: a design over paths of the study's scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRequest {
    /// The scenario, the command line's edits (applied after each point's), threads and output
    /// folder.
    pub study: Study,
    /// The points to run.
    pub design: Design,
    /// The metric of the figure; `None` for the scenario's headline metric.
    pub metric: Option<String>,
}

/// What a finished sweep wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    /// The points run.
    pub points: usize,
    /// The swept paths, in the column order of `sweep.csv`.
    pub paths: Vec<String>,
    /// The metric of the figure.
    pub metric: String,
    /// The output folder.
    pub out: PathBuf,
}

/// Runs every point of the design of `request` and writes the folder. Every point is checked
/// before the first runs, so a bad value writes nothing.
///
/// # Errors
/// [`StudyError::Input`] for a bad file, path, value or metric, or a study that does not fit in
/// memory; [`StudyError::Other`] when the folder cannot be written.
pub fn sweep(request: &SweepRequest, progress: &dyn Progress) -> Result<SweepResult, StudyError> {
    let study = &request.study;
    let text = setup::text(&study.source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let design = &request.design;
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    let edits = &study.edits;
    // Points run one after another; checked on the file as written (a point that raises the
    // agents or the mean degree can need more).
    let baseline = document.scenario(edits).map_err(input)?;
    memory::ensure_fits(&document, edits, &[&baseline], threads)?;
    let points = design.points(0).len() as u64;
    progress.begin(
        u64::from(baseline.run.replications) * points,
        baseline.run.agents,
    );
    let done = folder::write(out, Page::Analyses, |dir| {
        let done = pool.install(|| {
            sweep::run(
                &document,
                design,
                edits,
                request.metric.as_deref(),
                dir,
                progress,
            )
        });
        progress.end();
        Ok(done?)
    })?;
    Ok(SweepResult {
        points: done.points,
        paths: design.paths(),
        metric: done.metric,
        out: study.out.clone(),
    })
}
