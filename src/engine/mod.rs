//! The engine stage: replications of one world, in parallel, each from its own random streams.
//! One replication draws the events, computes every node's timeline, cuts time into slices in
//! which nothing changes, and counts the damage to each service against the same replication
//! with nothing failed. The engine does no I/O and cannot fail.

mod demand;
mod intervals;
mod outcome;
mod reach;
mod slices;
mod timeline;

pub use outcome::{PairwiseDamage, ReplicationOutcome, SegmentDamage, ServiceDamage};

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
    /// Per service, the platform bits of its platform channels.
    channel_platforms: Vec<u64>,
    reach: reach::ReachMemo,
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
        let channel_platforms = scenario
            .services
            .iter()
            .map(|service| {
                service
                    .channels
                    .iter()
                    .fold(0u64, |mask, channel| match channel {
                        crate::scenario::Channel::Platform(node) => {
                            world.platform_bit[*node].map_or(mask, |bit| mask | 1 << bit)
                        }
                        crate::scenario::Channel::Offline(_) => mask,
                    })
            })
            .collect();
        Plan {
            world,
            services,
            channel_platforms,
            reach: reach::ReachMemo::default(),
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
    // Platforms with some capacity, as platform bits, in each slice.
    let up_platforms: Vec<u64> = capacity
        .iter()
        .map(|capacity| {
            world
                .platform_bit
                .iter()
                .zip(capacity)
                .fold(0u64, |mask, (bit, &c)| match bit {
                    Some(bit) if c > 0.0 => mask | 1 << bit,
                    _ => mask,
                })
        })
        .collect();
    let mut cut_series: Vec<Vec<f64>> = Vec::with_capacity(plan.services.len());
    let mut reach_series: Vec<Vec<f64>> = Vec::new();
    let mut services = Vec::with_capacity(plan.services.len());
    for (index, plan_service) in plan.services.iter().enumerate() {
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
        let contacts = world
            .contacts
            .as_ref()
            .filter(|_| plan_service.service.pairwise);
        let mut pairwise = contacts.map(|_| {
            (
                PairwiseDamage {
                    ties_cut_peak_share: 0.0,
                    reachable_min_share: 1.0,
                },
                vec![0.0; plan.steps],
            )
        });
        for (s, slice) in slices.iter().enumerate() {
            let weight = slice.length() / step_length[slice.step];
            let cut_agents = match (contacts, pairwise.as_mut()) {
                (Some(graph), Some((damage, reachable))) => {
                    // Pairwise: cut off means no contact can be reached, a property of people
                    // and their whole contact lists, not of pair classes.
                    let reach = plan.reach.get(
                        index,
                        plan.channel_platforms[index],
                        up_platforms[s],
                        &world.people,
                        graph,
                    );
                    for (segment, cut) in by_segment.iter_mut().zip(&reach.cut_by_segment) {
                        segment.person_hours_cut_off += cut * slice.length() * scale;
                    }
                    damage.ties_cut_peak_share =
                        damage.ties_cut_peak_share.max(reach.ties_cut_share);
                    damage.reachable_min_share =
                        damage.reachable_min_share.min(reach.reachable_share);
                    reachable[slice.step] += reach.reachable_share * weight;
                    reach.cut_by_segment.iter().sum::<f64>()
                }
                _ => {
                    let mut cut_agents = 0.0;
                    for (c, class) in plan_service.classes.iter().enumerate() {
                        if cut.cut[s][c] {
                            cut_agents += class.weight;
                            by_segment[class.segment].person_hours_cut_off +=
                                class.weight * slice.length() * scale;
                        }
                    }
                    cut_agents
                }
            };
            let share = cut_agents / agents;
            peak = peak.max(share);
            share_series[slice.step] += share * weight;
        }
        cut_series.push(share_series);
        services.push(ServiceDamage {
            by_segment,
            peak_cut_off_share: peak,
            pairwise: pairwise.map(|(damage, reachable)| {
                reach_series.push(reachable);
                damage
            }),
        });
    }
    let mut series = cut_series;
    series.append(&mut reach_series);
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
