//! `sensitivity`: every `[[uncertain]]` input on a Saltelli design
//! ([`crate::uncertainty::saltelli`]), each design point run for the scenario's replications on
//! the same random numbers (replication `r` of every point draws the same events, restores and
//! needs), the point's output the mean of each metric over its replications; then Sobol' indices
//! of each metric ([`crate::uncertainty::indices`]) and the study's files ([`files`]).
//!
//! Cost by where an input acts ([`Acts`]): the points are grouped by the values of their world
//! inputs (one world built per group), then by the values of their engine inputs (one set of
//! replications per group, on that world with the point's scenario swapped in), and every point
//! of a group takes its metrics from the group's outcomes under its own scenario — so a point
//! that differs from another only in valuation inputs (value of time, values per unmet need)
//! re-prices the same counts without simulating again. In a Saltelli design with `k_w` world,
//! `k_e` engine and `k_v` valuation inputs that is `N (2 + k_w + k_e)` simulations instead of
//! `N (2 + k)`, and `N (2 + k_w)` worlds when any input acts on the world (else one). A world
//! whose inputs are all adoption shares keeps the contact graph and thresholds of the world
//! before it ([`World::readopt`]) and redraws only the platforms, the pairwise census and the
//! classes.

pub mod files;

use std::collections::BTreeMap;

use super::{PolicyError, Progress, Sample};
use crate::results::metrics;
use crate::scenario::{Acts, Document, Edit, Scenario};
use crate::simulation::replications;
use crate::uncertainty::saltelli::{Design, Point};
use crate::world::World;

/// Whether the design points share their replications' random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// Every point runs replications `0..R` of the file's seed (common random numbers): the
    /// indices measure the inputs, not the Monte Carlo noise of each point's mean.
    Common,
    /// Each point runs on a seed of its own (`seed + 1 + point`): what independent runs would
    /// give, to measure what common random numbers save. Nothing is shared between points.
    Independent,
}

/// What a sensitivity study is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Rows `N` of each design matrix; the study runs `N (k + 2)` points.
    pub samples: usize,
    /// Common or independent random numbers.
    pub streams: Streams,
}

/// How much a study simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Worlds built.
    pub worlds: usize,
    /// Sets of replications run (one per group of points equal in world and engine inputs).
    pub simulations: usize,
    /// Design points in all; those beyond `simulations` only re-priced shared counts.
    pub points: usize,
}

/// The design and what every point gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// The uncertain inputs' paths, in file order.
    pub paths: Vec<String>,
    /// The design.
    pub design: Design,
    /// Every point of the design, in the order of [`Design::points`].
    pub points: Vec<Point>,
    /// Per point, each input's value (its distribution's quantile at the point's coordinate).
    pub values: Vec<Vec<f64>>,
    /// The metric names, in the order of `replications.csv`.
    pub metrics: Vec<String>,
    /// Per point, each metric's mean over the point's replications.
    pub means: Vec<Vec<f64>>,
    /// What it cost.
    pub cost: Cost,
}

/// Runs every point of the Saltelli design over the `[[uncertain]]` inputs of `baseline` (the
/// document with `edits`). Every point's scenario is checked before the first simulation, so a
/// bad value writes nothing.
///
/// # Errors
/// [`PolicyError::Choice`] when the scenario has no `[[uncertain]]` input or `samples` is 0;
/// [`PolicyError::Scenario`] when an input value makes the scenario invalid (located at its
/// `[[uncertain]]`); [`PolicyError::World`] when a world cannot be drawn.
pub fn evaluate(
    document: &Document<'_>,
    edits: &[Edit],
    baseline: &Scenario,
    plan: Plan,
    progress: &dyn Progress,
) -> Result<Evaluated, PolicyError> {
    let uncertain = &baseline.uncertain;
    if uncertain.is_empty() {
        return Err(PolicyError::Choice {
            file: document.file().to_string(),
            flag: "[[uncertain]]".to_string(),
            message: "the scenario has no uncertain input, so there is nothing to rank".to_string(),
            hint: "add an [[uncertain]] table for each input you are unsure of, e.g.\n  \
                   [[uncertain]]\n  path = \"scenario.value_of_time_per_hour\"\n  \
                   value = { dist = \"uniform\", min = 5310, max = 14185 }\n  \
                   source = \"where the range comes from, or \\\"assumed\\\"\""
                .to_string(),
        });
    }
    if plan.samples == 0 {
        return Err(PolicyError::Choice {
            file: document.file().to_string(),
            flag: "--samples 0".to_string(),
            message: "a design needs at least one row".to_string(),
            hint: "use --samples N with N ≥ 1 (indices need a few hundred rows to be tight)"
                .to_string(),
        });
    }
    let paths: Vec<String> = uncertain.iter().map(|u| u.path.clone()).collect();
    let design = Design::new(baseline.run.seed, &paths, plan.samples);
    let points = design.points();
    let values: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            p.unit
                .iter()
                .zip(uncertain)
                .map(|(u, input)| input.distribution.quantile(*u))
                .collect()
        })
        .collect();
    let scenarios = values
        .iter()
        .enumerate()
        .map(|(index, point)| {
            let inputs: Vec<Edit> = paths
                .iter()
                .zip(point)
                .map(|(path, value)| Edit::input(path, *value))
                .collect();
            let mut point_edits = edits.to_vec();
            if plan.streams == Streams::Independent {
                let seed = baseline.run.seed.wrapping_add(1 + index as u64);
                point_edits.push(Edit::flag("--seed", "run.seed", seed));
            }
            document.variant_with_inputs(None, &point_edits, &inputs)
        })
        .collect::<Result<Vec<Scenario>, _>>()?;
    let groups = groups(&values, &acts(baseline), plan.streams);
    let simulations: usize = groups.values().map(BTreeMap::len).sum();
    progress.begin(
        simulations as u64 * u64::from(baseline.run.replications),
        baseline.run.agents,
    );
    // The columns follow the scenario's structure (services, segments), which no input changes.
    let metrics = metrics::names(baseline);
    let mut means = vec![Vec::new(); points.len()];
    let mut previous: Option<World> = None;
    for engine_groups in groups.values() {
        let first = engine_groups.values().next().map_or(0, |g| g[0]);
        let scenario = scenarios[first].clone();
        // Points whose world inputs are all adoption shares keep the previous world's contact
        // graph and thresholds: `readopt` redraws only who holds which platform.
        let world = World::build_after(previous.take(), scenario, progress)?;
        let world = previous.insert(world);
        for group in engine_groups.values() {
            world.scenario = scenarios[group[0]].clone();
            let outcomes = replications(world, progress);
            for &point in group {
                means[point] = column_means(&Sample::of(&scenarios[point], &outcomes));
            }
        }
    }
    Ok(Evaluated {
        paths,
        design,
        points,
        values,
        metrics,
        means,
        cost: Cost {
            worlds: groups.len(),
            simulations,
            points: scenarios.len(),
        },
    })
}

/// Where each uncertain input acts, in file order.
fn acts(scenario: &Scenario) -> Vec<Acts> {
    scenario.uncertain.iter().map(|u| u.acts).collect()
}

/// A group key: the bits of the values of the inputs that act as `kind`.
type Key = Vec<u64>;

/// The points grouped by their world inputs' values, then by their engine inputs' values, each
/// group's points in design order (a group's first point is its smallest). With independent
/// streams every point is a group of its own.
fn groups(
    values: &[Vec<f64>],
    acts: &[Acts],
    streams: Streams,
) -> BTreeMap<Key, BTreeMap<Key, Vec<usize>>> {
    let key = |point: usize, kind: Acts| -> Key {
        let mut key: Key = values[point]
            .iter()
            .zip(acts)
            .filter(|(_, a)| **a == kind)
            .map(|(v, _)| v.to_bits())
            .collect();
        if streams == Streams::Independent {
            key.push(point as u64);
        }
        key
    };
    let mut groups: BTreeMap<Key, BTreeMap<Key, Vec<usize>>> = BTreeMap::new();
    for point in 0..values.len() {
        groups
            .entry(key(point, Acts::World))
            .or_default()
            .entry(key(point, Acts::Engine))
            .or_default()
            .push(point);
    }
    groups
}

/// Each metric's mean over the replications of a sample, summed in replication order.
fn column_means(sample: &Sample) -> Vec<f64> {
    let n = sample.values.len().max(1) as f64;
    (0..sample.names.len())
        .map(|m| sample.values.iter().map(|row| row[m]).sum::<f64>() / n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two inputs, one acting on the engine and one only on valuation: points that differ only
    /// in the valuation input share a simulation, and there is one world.
    #[test]
    fn valuation_only_points_share_a_simulation() {
        let values = vec![
            vec![1.0, 10.0],
            vec![1.0, 20.0],
            vec![2.0, 10.0],
            vec![2.0, 30.0],
        ];
        let acts = [Acts::Engine, Acts::Valuation];
        let common = groups(&values, &acts, Streams::Common);
        assert_eq!(common.len(), 1);
        let engine: Vec<&Vec<usize>> = common
            .values()
            .next()
            .into_iter()
            .flat_map(|g| g.values())
            .collect();
        assert_eq!(engine, [&vec![0, 1], &vec![2, 3]]);
        let independent = groups(&values, &acts, Streams::Independent);
        assert_eq!(independent.len(), 4);
        let worlds = groups(&values, &[Acts::World, Acts::Valuation], Streams::Common);
        assert_eq!(worlds.len(), 2);
        assert!(worlds.values().all(|g| g.len() == 1));
    }
}
