//! `compare`: the baseline and its variants on common random numbers. The folder holds the
//! baseline's run files (so that the report page has a run to stand on), `compare.json` and
//! `compare.csv`, and the report with its comparison section.

use std::path::PathBuf;
use std::time::Instant;

use super::error::{StudyError, input};
use super::folder::{self, Page};
use super::run::{reproduce_command, run_files};
use super::{Study, memory, setup};
use crate::policy::compare::{self, Compared, Comparison};
use crate::policy::{PolicyError, Sample};
use crate::results::{RunInfo, Summary, metrics};
use crate::scenario::{Document, FORMAT_DOC, Scenario, Variant};
use crate::simulation::{Progress, simulate};

/// A comparison: the study's scenario as written, against some or all of its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    /// The scenario, the command line's edits (applied alike to the baseline and every
    /// variant), threads and output folder.
    pub study: Study,
    /// The variants to compare, by name, in this order; empty for all, in file order.
    pub variants: Vec<String>,
}

/// What a finished comparison wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareResult {
    /// Every metric of every variant against the baseline, as in `compare.json`.
    pub comparison: Comparison,
    /// The baseline's `summary.json`, as written.
    pub summary: Summary,
    /// The output folder.
    pub out: PathBuf,
}

/// Runs the baseline and each variant of `request` on the same seed and writes the folder.
///
/// # Errors
/// [`StudyError::Input`] for a bad file or value, a file without `[[variants]]`, an unknown
/// variant, fewer than 2 replications, or a study that does not fit in memory;
/// [`StudyError::Other`] when the folder cannot be written.
pub fn compare(
    request: &CompareRequest,
    progress: &dyn Progress,
) -> Result<CompareResult, StudyError> {
    let study = &request.study;
    let text = setup::text(&study.source)?;
    let file = &text.file;
    let document = Document::parse(&text.text, file).map_err(input)?;
    let edits = &study.edits;
    let baseline = document.scenario(edits).map_err(input)?;
    let declared: Vec<&Variant> = document.variants().collect();
    let known: Vec<&str> = declared.iter().map(|v| v.name.as_str()).collect();
    if declared.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{file}: compare: the file declares no [[variants]]\n  help: add a [[variants]] table with name and set ({FORMAT_DOC})"
        )));
    }
    let selected: Vec<&str> = if request.variants.is_empty() {
        known.clone()
    } else {
        request.variants.iter().map(String::as_str).collect()
    };
    if let Some(unknown) = selected.iter().find(|name| !known.contains(name)) {
        return Err(input(anyhow::anyhow!(
            "{file}: --variants: no variant named \"{unknown}\"\n  help: use one of: {}",
            known.join(", ")
        )));
    }
    if baseline.run.replications < 2 {
        return Err(input(anyhow::anyhow!(
            "{file}: replications: compare needs at least 2 replications for a confidence interval\n  help: pass --replications 100 or more"
        )));
    }
    let variants = selected
        .iter()
        .map(|name| document.variant(Some(name), edits).map_err(input))
        .collect::<Result<Vec<_>, _>>()?;
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    // The baseline's world stays while each variant's is built and run.
    let largest_variant = variants
        .iter()
        .max_by_key(|variant| crate::world::memory::estimate(variant, threads).bytes);
    let held: Vec<&Scenario> = std::iter::once(&baseline).chain(largest_variant).collect();
    memory::ensure_fits(&document, edits, &held, threads)?;
    let started = Instant::now();
    let command = format!(
        "{} && concrisk compare {file} --seed {} --replications {} --agents {}{}",
        reproduce_command(file, &baseline, None, !baseline.uncertain.is_empty()),
        baseline.run.seed,
        baseline.run.replications,
        baseline.run.agents,
        if request.variants.is_empty() {
            String::new()
        } else {
            format!(" --variants {}", selected.join(","))
        }
    );
    let replications = baseline.run.replications;
    let mut comparison = Comparison {
        scenario: baseline.meta.name.clone(),
        file: file.clone(),
        seed: baseline.run.seed,
        replications,
        agents: baseline.run.agents,
        currency: baseline.meta.currency.clone(),
        headline_metric: metrics::headline(&baseline).to_string(),
        baseline: Compared {
            name: "baseline".to_string(),
            description: "The file as written".to_string(),
            rows: Vec::new(),
        },
        variants: Vec::new(),
    };
    let runs = 1 + variants.len() as u64;
    progress.begin(u64::from(replications) * runs, baseline.run.agents);
    let simulated = pool.install(|| {
        let simulated =
            simulate(baseline, progress).map_err(|e| StudyError::from(PolicyError::from(e)))?;
        let base = Sample::of(&simulated.world.scenario, &simulated.outcomes);
        comparison.baseline.rows = compare::against(&base, &base);
        for (variant, name) in variants.into_iter().zip(&selected) {
            let sample = Sample::run(variant, progress)?;
            comparison.variants.push(Compared {
                name: (*name).to_string(),
                description: declared
                    .iter()
                    .find(|v| v.name == *name)
                    .map(|v| v.description.clone())
                    .unwrap_or_default(),
                rows: compare::against(&base, &sample),
            });
        }
        Ok::<_, StudyError>(simulated)
    });
    progress.end();
    let simulated = simulated?;
    let info = RunInfo {
        variant: None,
        command,
        threads,
        run_seconds: started.elapsed().as_secs_f64(),
    };
    let summary = folder::write(out, Page::Run, |dir| {
        let summary = run_files(dir, &simulated, None, info)?;
        comparison.write(dir)?;
        Ok(summary)
    })?;
    Ok(CompareResult {
        comparison,
        summary,
        out: study.out.clone(),
    })
}
