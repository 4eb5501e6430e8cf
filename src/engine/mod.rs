//! The engine stage: replications of one world, in parallel, each from its own random streams.
//! One replication draws the events, computes every node's timeline, cuts time into slices in
//! which nothing changes, and counts the damage to each service against the same replication
//! with nothing failed. The engine does no I/O and cannot fail.

mod demand;
mod intervals;
mod outcome;
mod slices;
mod timeline;

pub use outcome::{ReplicationOutcome, SegmentDamage, ServiceDamage};

use rayon::prelude::*;

use crate::world::World;
use demand::ServicePlan;

/// Which replications to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Replication indices `first_replication..first_replication + replications`, so that a large
    /// study can be split into ranges and merged.
    pub first_replication: u64,
    pub replications: u32,
}

/// Told as replications finish; the CLI shows a progress bar through it, tests plug in nothing.
pub trait Observer: Sync {
    fn replication_done(&self) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}

/// What every replication of a run shares.
pub struct Plan<'w> {
    world: &'w World,
    services: Vec<ServicePlan<'w>>,
    fixed_points: Vec<f64>,
    step_hours: f64,
    steps: usize,
}

impl<'w> Plan<'w> {
    pub fn new(world: &'w World) -> Plan<'w> {
        let scenario = &world.scenario;
        let run = &scenario.run;
        let step_hours = run.step_minutes / 60.0;
        let services = scenario
            .services
            .iter()
            .zip(&world.service_classes)
            .map(|(service, classes)| ServicePlan::new(service, classes, scenario.segments.len()))
            .collect();
        Plan {
            world,
            services,
            fixed_points: slices::fixed_points(run.horizon_hours, run.start_hour, step_hours),
            step_hours,
            steps: slices::step_count(run.horizon_hours, step_hours),
        }
    }

    /// Start of each output step, in hours since the start of the run.
    pub fn step_hours(&self) -> Vec<f64> {
        (0..self.steps)
            .map(|s| s as f64 * self.step_hours)
            .collect()
    }
}

/// Runs the replications in parallel; outcomes come back in replication order whatever the
/// number of threads.
pub fn run(world: &World, config: &RunConfig, observer: &dyn Observer) -> Vec<ReplicationOutcome> {
    let plan = Plan::new(world);
    let first = config.first_replication;
    (first..first + u64::from(config.replications))
        .into_par_iter()
        .map(|replication| {
            let outcome = replicate(&plan, replication);
            observer.replication_done();
            outcome
        })
        .collect()
}

/// One replication.
pub fn replicate(plan: &Plan<'_>, replication: u64) -> ReplicationOutcome {
    let world = plan.world;
    let scenario = &world.scenario;
    let run = &scenario.run;
    let horizon = run.horizon_hours;
    let scale = scenario.scale();
    let timelines = timeline::compute(scenario, &world.dependency_order, replication);
    let slices = slices::cut(
        horizon,
        run.start_hour,
        plan.step_hours,
        &plan.fixed_points,
        &timelines.change_points(horizon),
    );
    let nodes = scenario.nodes.len();
    let mut scratch = Vec::new();
    let capacity: Vec<Vec<f64>> = slices
        .iter()
        .map(|slice| {
            let mut capacity = vec![0.0; nodes];
            timelines.capacities_at(
                scenario,
                &world.dependency_order,
                slice.middle(),
                &mut capacity,
                &mut scratch,
            );
            capacity
        })
        .collect();
    let step_length: Vec<f64> = (0..plan.steps)
        .map(|s| (horizon - s as f64 * plan.step_hours).min(plan.step_hours))
        .collect();
    let agents = run.agents as f64;
    let mut series: Vec<Vec<f64>> = Vec::with_capacity(plan.services.len() + nodes);
    let mut services = Vec::with_capacity(plan.services.len());
    for plan_service in &plan.services {
        let cut = demand::cut_off(plan_service, &slices, &capacity);
        let mut by_segment = demand::draw_damage(
            plan_service,
            &demand::category_means(plan_service, &slices, &capacity, &cut, scale),
            run.seed,
            replication,
            scale,
        );
        let mut share_series = vec![0.0; plan.steps];
        let mut peak: f64 = 0.0;
        for (s, slice) in slices.iter().enumerate() {
            let mut cut_agents = 0.0;
            for (c, class) in plan_service.classes.iter().enumerate() {
                if cut.cut[s][c] {
                    cut_agents += class.agents as f64;
                    by_segment[class.segment].person_hours_cut_off +=
                        class.agents as f64 * slice.length() * scale;
                }
            }
            let share = cut_agents / agents;
            peak = peak.max(share);
            share_series[slice.step] += share * slice.length() / step_length[slice.step];
        }
        series.push(share_series);
        services.push(ServiceDamage {
            by_segment,
            peak_cut_off_share: peak,
        });
    }
    series.extend((0..nodes).map(|node| {
        let mut node_series = vec![0.0; plan.steps];
        for (slice, capacity) in slices.iter().zip(&capacity) {
            node_series[slice.step] += capacity[node] * slice.length() / step_length[slice.step];
        }
        node_series
    }));
    ReplicationOutcome {
        replication,
        services,
        series,
    }
}
