//! A run over input samples: each sample's group of replications simulated on its own
//! scenario, as cheaply as where its inputs act allows.
//!
//! - Only valuation inputs: the engine never reads them, so the replications run once on the
//!   central world and only their pricing differs (cost: none beyond the central run; counts
//!   bit-identical to it).
//! - Engine inputs: one world (the central one); for each sample the world's scenario is
//!   swapped for the sample's, a plan made (one pass over the scenario, and over the contact
//!   ties when there are contacts) and its group of replications run (cost: `input_samples`
//!   plans on top of the run's replications).
//! - World inputs: a world per sample, built before its group runs and dropped after, then the
//!   central world for the summary (cost: `input_samples` + 1 world builds; one world in memory
//!   at a time). When the world inputs are all adoption shares, each world keeps the contact
//!   graph and thresholds of the one before ([`World::readopt`]).

use std::ops::Range;

use crate::engine::{ReplicationOutcome, RunConfig};
use crate::scenario::{Acts, Scenario};
use crate::simulation::{Progress, Simulated, planned, simulate};
use crate::world::{World, WorldError};

/// Simulates `central`'s replications, replication positions `groups[k]` on `samples[k]`; the
/// returned world holds `central`, the outcomes are in replication order.
///
/// # Errors
/// [`WorldError`] when a contact graph cannot be drawn (the checks rule it out).
pub fn simulate_samples(
    central: Scenario,
    samples: &mut [Scenario],
    groups: &[Range<usize>],
    progress: &dyn Progress,
) -> Result<Simulated, WorldError> {
    let acts = |kind: Acts| central.uncertain.iter().any(|u| u.acts == kind);
    if acts(Acts::World) {
        let mut outcomes = Vec::with_capacity(central.run.replications as usize);
        let mut previous: Option<World> = None;
        for (sample, group) in samples.iter().zip(groups) {
            let world = World::build_after(previous.take(), sample.clone(), progress)?;
            let world = previous.insert(world);
            outcomes.extend(group_of(world, group, progress));
        }
        let world = World::build_after(previous, central, progress)?;
        return Ok(Simulated { world, outcomes });
    }
    if !acts(Acts::Engine) {
        return simulate(central, progress);
    }
    let mut world = World::build_observed(central, progress)?;
    let mut outcomes = Vec::with_capacity(world.scenario.run.replications as usize);
    for (sample, group) in samples.iter_mut().zip(groups) {
        std::mem::swap(&mut world.scenario, sample);
        outcomes.extend(group_of(&world, group, progress));
        std::mem::swap(&mut world.scenario, sample);
    }
    Ok(Simulated { world, outcomes })
}

/// The replications at positions `group` on `world`.
fn group_of(
    world: &World,
    group: &Range<usize>,
    progress: &dyn Progress,
) -> Vec<ReplicationOutcome> {
    let config = RunConfig {
        first_replication: group.start as u64,
        replications: group.len() as u32,
    };
    planned(world, &config, progress)
}
