//! What `concrisk bench` measures, one row at a time: for one agent count, the world build, the
//! plan and the replications timed apart, the ties drawn, the process's peak resident memory and
//! the estimate `run` checks against the memory available. (Each row runs in its own process, so
//! that its peak memory is its own; starting those processes is the command line's business.)

use std::time::Instant;

use super::error::{StudyError, input};
use super::{Source, memory, setup};
use crate::engine::{self, Plan, RunConfig};
use crate::scenario::{Document, Edit};
use crate::simulation::Progress;
use crate::world::World;
use crate::world::memory::estimate;

/// One row: a scenario at one agent count.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRequest {
    /// The scenario.
    pub source: Source,
    /// Simulated agents (sets `[run] agents`).
    pub agents: u64,
    /// Replications timed (sets `[run] replications`).
    pub replications: u32,
    /// Worker threads.
    pub threads: usize,
}

/// What one row measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Ties of the contact graph (0 without one).
    pub ties: u64,
    /// Seconds to build the world.
    pub build_seconds: f64,
    /// Seconds to plan it.
    pub plan_seconds: f64,
    /// Seconds per replication.
    pub per_replication_seconds: f64,
    /// Peak resident memory of this process so far, in bytes, when the system says.
    pub peak_bytes: Option<u64>,
    /// The memory estimate of the run, in bytes.
    pub estimate_bytes: u64,
}

/// The edits of one row: its agents and replications.
fn row_edits(agents: u64, replications: u32) -> [Edit; 2] {
    [
        Edit::flag("--agents", "run.agents", agents),
        Edit::flag("--replications", "run.replications", replications),
    ]
}

/// Checks the scenario of `source` at every agent count of `counts` (so that a bad file or count
/// fails once, before any row runs).
///
/// # Errors
/// [`StudyError::Input`] for a bad file or agent count.
pub fn check_rows(source: &Source, counts: &[u64], replications: u32) -> Result<(), StudyError> {
    let text = setup::text(source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    for &agents in counts {
        document
            .scenario(&row_edits(agents, replications))
            .map_err(input)?;
    }
    Ok(())
}

/// Builds, plans and runs one row, timing each.
///
/// # Errors
/// [`StudyError::Input`] for a bad file, a row that does not fit in memory or a contact graph
/// that cannot be drawn; [`StudyError::Other`] when the threads cannot start.
pub fn row(request: &RowRequest, progress: &dyn Progress) -> Result<Row, StudyError> {
    let text = setup::text(&request.source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let edits = row_edits(request.agents, request.replications);
    let scenario = document.scenario(&edits).map_err(input)?;
    memory::ensure_fits(&document, &edits, &[&scenario], request.threads)?;
    let estimate_bytes = estimate(&scenario, request.threads).bytes;
    let (pool, _) = setup::pool(Some(request.threads))?;
    progress.begin(u64::from(request.replications), request.agents);
    let measured = pool.install(|| {
        let started = Instant::now();
        let world = World::build_observed(scenario, progress).map_err(input)?;
        let build_seconds = started.elapsed().as_secs_f64();
        let ties = world.contacts.as_ref().map_or(0, |g| g.tie_count());
        let started = Instant::now();
        progress.planning(true);
        let plan = Plan::new(&world);
        progress.planning(false);
        let plan_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let outcomes = engine::run_planned(
            &plan,
            &RunConfig {
                first_replication: 0,
                replications: request.replications,
            },
            progress,
        );
        let per_replication_seconds =
            started.elapsed().as_secs_f64() / outcomes.len().max(1) as f64;
        Ok::<_, StudyError>(Row {
            ties,
            build_seconds,
            plan_seconds,
            per_replication_seconds,
            peak_bytes: None,
            estimate_bytes,
        })
    });
    progress.end();
    Ok(Row {
        peak_bytes: peak_resident_bytes(),
        ..measured?
    })
}

/// The peak resident memory of this process so far (`VmHWM` in `/proc/self/status`, the figure
/// `getrusage` reports as `ru_maxrss`), when the system says.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    memory::kib_field(&status, "VmHWM")
}
