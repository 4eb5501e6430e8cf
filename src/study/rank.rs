//! `rank`: every node failed alone, nodes ranked by expected damage, and the concentration of
//! each service; the folder holds `rank.csv`, `rank.json`, `concentration.csv` and the figure.

use std::path::PathBuf;

use super::error::{StudyError, input};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::policy::rank::{self, Ranking};
use crate::scenario::Document;
use crate::simulation::Progress;

/// What a finished ranking wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RankResult {
    /// The nodes, most damaging first, and the concentration per service.
    pub ranking: Ranking,
    /// The output folder.
    pub out: PathBuf,
}

/// Fails each node of the scenario of `study` alone, ranks them and writes the folder.
///
/// # Errors
/// [`StudyError::Input`] for a bad file or value, a scenario without an event to time the
/// failures by, or a study that does not fit in memory; [`StudyError::Other`] when the folder
/// cannot be written.
pub fn rank(study: &Study, progress: &dyn Progress) -> Result<RankResult, StudyError> {
    let text = setup::text(&study.source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let scenario = document.scenario(&study.edits).map_err(input)?;
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    memory::ensure_fits(&document, &study.edits, &[&scenario], threads)?;
    let runs = scenario.nodes.len() as u64;
    progress.begin(
        u64::from(scenario.run.replications) * runs,
        scenario.run.agents,
    );
    let ranking = pool.install(|| rank::rank(&scenario, progress));
    progress.end();
    let ranking = ranking?;
    folder::write(out, Page::Analyses, |dir| Ok(ranking.write(dir)?))?;
    Ok(RankResult {
        ranking,
        out: study.out.clone(),
    })
}
