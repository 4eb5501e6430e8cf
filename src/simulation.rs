//! One simulation of a scenario — build its world, plan what every replication shares, run the
//! replications — the step that `run`, every study and their tests repeat, written once; and
//! [`Progress`], what it tells as it goes (the command line draws bars from it, tests and benches
//! pass [`Silent`]).

use crate::engine::{self, Observer, Plan, ReplicationOutcome, RunConfig, Silent};
use crate::observe::BuildObserver;
use crate::scenario::Scenario;
use crate::world::{World, WorldError};

/// Told as a study goes: how much there is to do, then for each world the stages of its build,
/// its plan and its replications. Methods are called from worker threads; each has a default
/// that ignores what it is told.
pub trait Progress: Observer + BuildObserver {
    /// The study begins: `replications` replications in all, on worlds of `agents` agents.
    fn begin(&self, _replications: u64, _agents: u64) {}
    /// A world's plan is being made (`true`), or is made (`false`).
    fn planning(&self, _started: bool) {}
    /// The study's last replication is done (its files are written after).
    fn end(&self) {}
}

impl Progress for Silent {}

/// A world and the outcomes of its replications, in replication order.
pub struct Simulated {
    /// The world the replications ran on (it holds the checked scenario).
    pub world: World,
    /// One outcome per replication, in replication order whatever the number of threads.
    pub outcomes: Vec<ReplicationOutcome>,
}

/// Builds the world of `scenario` and runs all its replications (`[run] replications`, from
/// replication 0) on the current thread pool.
///
/// # Errors
/// [`WorldError`] when the contact graph asked for cannot be drawn for the agents simulated.
pub fn simulate(scenario: Scenario, progress: &dyn Progress) -> Result<Simulated, WorldError> {
    let world = World::build_observed(scenario, progress)?;
    let outcomes = replications(&world, progress);
    Ok(Simulated { world, outcomes })
}

/// Plans `world` and runs all its replications; the plan (with contacts, a pass over every tie)
/// is dropped before the outcomes are returned, so that it is not held while they are written.
pub fn replications(world: &World, progress: &dyn Progress) -> Vec<ReplicationOutcome> {
    let config = RunConfig {
        first_replication: 0,
        replications: world.scenario.run.replications,
    };
    planned(world, &config, progress)
}

/// Plans `world` and runs the replications of `config` (a range of them, as a group of a run
/// over input samples takes).
pub fn planned(
    world: &World,
    config: &RunConfig,
    progress: &dyn Progress,
) -> Vec<ReplicationOutcome> {
    progress.planning(true);
    let plan = Plan::new(world);
    progress.planning(false);
    engine::run_planned(&plan, config, progress)
}
