//! The engine stage: replications of one world, in parallel, each from its own random streams.
//! One replication draws the events, computes every node's timeline, cuts time into slices in
//! which nothing changes, and counts the damage to each service against the same replication
//! with nothing failed. The engine does no I/O and cannot fail.

mod demand;
mod ever;
mod intervals;
mod outcome;
mod reach;
mod slices;
mod switching;
mod timeline;
mod union;

pub use outcome::{
    DayDamage, PairwiseDamage, ReplicationOutcome, SegmentDamage, Series, ServiceDamage,
    UnionDamage,
};

use std::sync::Arc;

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

use crate::world::{World, pairwise_classes};
use demand::ServicePlan;

pub use crate::scenario::SWITCHING_SLICE_HOURS;

/// Which replications to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Replication indices `first_replication..first_replication + replications`, so that a large
    /// study can be split into ranges and merged.
    pub first_replication: u64,
    /// How many replications to run.
    pub replications: u32,
}

pub use crate::observe::{Observer, Silent};

/// What every replication of a run shares.
pub struct Plan<'w> {
    world: &'w World,
    services: Vec<ServicePlan<'w>>,
    union: Option<union::UnionPlan>,
    reach: reach::ReachMemo,
    switching: Option<switching::SwitchingPlan>,
    /// Per switching rule: people holding the platform before anything happens (scaled).
    holders_before: Vec<f64>,
    fixed_points: Vec<f64>,
    step_hours: f64,
    steps: usize,
}

impl<'w> Plan<'w> {
    /// The plan of every replication of : its services' classes and channels, the slices where
    /// anything changes, the memo of who can reach whom, the switching rules.
    /// What every replication of `world` shares: each service's classes and channels, the
    /// slices where anything changes, the memo of who can reach whom, the switching rules.
    pub fn new(world: &'w World) -> Plan<'w> {
        let scenario = &world.scenario;
        let run = &scenario.run;
        let step_hours = run.step_minutes / 60.0;
        let switching = switching::SwitchingPlan::new(world);
        let services: Vec<ServicePlan<'w>> = scenario
            .services
            .iter()
            .zip(&world.service_classes)
            .enumerate()
            .map(|(index, (service, classes))| {
                // With switching, pairs move between classes during a replication: give them
                // every class they could move to.
                let classes = match (&switching, &world.pairwise[index]) {
                    (Some(_), Some(pairwise)) => {
                        pairwise_classes(service, pairwise, scenario.segments.len())
                    }
                    _ => classes.clone(),
                };
                ServicePlan::new(service, classes, scenario.segments.len())
            })
            .collect();
        Plan {
            world,
            union: union::UnionPlan::new(scenario, &world.people, &world.platform_bit, &services),
            services,
            reach: {
                // Every run meets the state with everything up (the normal largest component,
                // a pass over every tie): count it here, once, with every thread, rather than
                // in the first replications, where each thread would count it at once.
                let memo = reach::ReachMemo::default();
                for (service, pairwise) in world.pairwise.iter().enumerate() {
                    if let (Some(pairwise), Some(graph)) = (pairwise, &world.contacts) {
                        memo.get(
                            service,
                            pairwise.all_channels(),
                            pairwise,
                            &world.people,
                            graph,
                        );
                    }
                }
                memo
            },
            // Switching needs contacts (validation says so), so every rule has a plan.
            holders_before: switching.as_ref().map_or_else(Vec::new, |plan| {
                plan.holders_before()
                    .into_iter()
                    .map(|holders| holders * scenario.scale())
                    .collect()
            }),
            switching,
            fixed_points: {
                let mut points =
                    slices::fixed_points(run.horizon_hours, run.start_hour, step_hours);
                if !scenario.switching.is_empty() {
                    // Installs take effect at the end of a slice: keep slices short so that a
                    // cascade changes who can message whom within minutes, not at the next hour.
                    points.extend(
                        (1..)
                            .map(|k| f64::from(k) * SWITCHING_SLICE_HOURS)
                            .take_while(|t| *t < run.horizon_hours),
                    );
                }
                points
            },
            step_hours,
            steps: slices::step_count(run.horizon_hours, step_hours),
        }
    }

    /// Start of each output step, in hours since the start of the run.
    pub fn step_hours(&self) -> Vec<f64> {
        step_starts(&self.world.scenario)
    }
}

/// Start of each output step of a run of `scenario`, in hours since its start.
pub fn step_starts(scenario: &crate::scenario::Scenario) -> Vec<f64> {
    let step_hours = scenario.run.step_minutes / 60.0;
    (0..slices::step_count(scenario.run.horizon_hours, step_hours))
        .map(|s| s as f64 * step_hours)
        .collect()
}

/// The slices of each local calendar day, in order: day `d` (0 for the day hour 0 falls on)
/// holds the slices whose clock hour is in `24 d .. 24 d + 24`. Slices are cut at every clock
/// hour, so local midnight always falls between two slices.
fn day_ranges(slices: &[slices::Slice]) -> Vec<(i64, std::ops::Range<usize>)> {
    let mut days: Vec<(i64, std::ops::Range<usize>)> = Vec::new();
    for (s, slice) in slices.iter().enumerate() {
        let day = slice.clock_hour.div_euclid(24);
        match days.last_mut() {
            Some((last, range)) if *last == day => range.end = s + 1,
            _ => days.push((day, s..s + 1)),
        }
    }
    days
}

/// Runs the replications in parallel; outcomes come back in replication order whatever the
/// number of threads.
pub fn run(world: &World, config: &RunConfig, observer: &dyn Observer) -> Vec<ReplicationOutcome> {
    run_planned(&Plan::new(world), config, observer)
}

/// [`run`] on a plan already made (so that making it can be timed apart).
pub fn run_planned(
    plan: &Plan<'_>,
    config: &RunConfig,
    observer: &dyn Observer,
) -> Vec<ReplicationOutcome> {
    let first = config.first_replication;
    (first..first + u64::from(config.replications))
        .into_par_iter()
        .map(|replication| {
            let outcome = replicate(plan, replication);
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
    // Timelines run past the horizon as far as a need can wait, so that a cut-off still
    // running at the horizon knows when it ends.
    let longest_wait = scenario
        .services
        .iter()
        .map(|s| s.deferrable_hours)
        .fold(0.0, f64::max);
    let timelines = timeline::compute(
        scenario,
        world.scenario.dependencies.order(),
        replication,
        horizon + longest_wait,
    );
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
                world.scenario.dependencies.order(),
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
    let cuts: Vec<demand::CutOff> = plan
        .services
        .iter()
        .map(|service| {
            demand::cut_off(service, &slices, &capacity, &|node| {
                timelines.next_up(node, horizon)
            })
        })
        .collect();
    // Per slice: who is cut off from some service that is not pairwise (memoised per set of
    // platforms up), for the union over services.
    let outsides: Option<Vec<Arc<union::Outside>>> = plan.union.as_ref().map(|u| {
        (0..slices.len())
            .map(|s| {
                u.outside(up_platforms[s], &world.people, &|service, class| {
                    cuts[service].cut[s][class]
                })
            })
            .collect()
    });
    let switched = plan.switching.as_ref().map(|switching| {
        switching::simulate(
            world,
            switching,
            &plan.reach,
            &slices,
            &up_platforms,
            replication,
            outsides.as_deref(),
        )
    });
    let segments = scenario.segments.len();
    // Per pairwise service: the agents cut off from it at some moment, over the distinct sets
    // of its platforms up (switching follows its own reach states).
    let pairwise_ever: Vec<Option<FixedBitSet>> = (0..plan.services.len())
        .map(|index| {
            let (graph, pairwise) = world
                .contacts
                .as_ref()
                .zip(world.pairwise[index].as_ref())?;
            if let Some(track) = switched.as_ref().and_then(|run| run.tracks[index].as_ref()) {
                return Some(track.ever_cut_off.clone());
            }
            let mut ever = FixedBitSet::with_capacity(world.people.count());
            let mut seen: Vec<u16> = Vec::new();
            for &up in &up_platforms {
                let set = pairwise.set_of(up);
                if !seen.contains(&set) {
                    seen.push(set);
                    let reach = plan.reach.get(index, set, pairwise, &world.people, graph);
                    ever::add_cut(&mut ever, &pairwise.reaches_normally, &reach.reaching);
                }
            }
            Some(ever)
        })
        .collect();
    let people_ever_cut_off: Vec<Vec<f64>> = pairwise_ever
        .iter()
        .zip(plan.services.iter().zip(&cuts))
        .map(|(bits, (service, cut))| {
            let agents = match bits {
                Some(bits) => ever::people_by_segment(&world.people, bits),
                None => ever::classes_ever_cut(service, cut, segments),
            };
            agents.into_iter().map(|a| a * scale).collect()
        })
        .collect();
    let keep_unserved = plan.union.as_ref().is_some_and(|u| u.pairwise.is_none());
    // Per service: the unserved chances of every (slice, class), slice-major over the horizon.
    let mut unserved: Vec<Vec<(f64, f64)>> = Vec::with_capacity(plan.services.len());
    let days = day_ranges(&slices);
    let mut cut_off_share: Vec<Vec<f64>> = Vec::with_capacity(plan.services.len());
    let mut reachable_share: Vec<Option<Vec<f64>>> = Vec::with_capacity(plan.services.len());
    // `[day][service]`, filled service by service.
    let mut daily: Vec<DayDamage> = days
        .iter()
        .map(|(day, _)| DayDamage {
            day: *day,
            services: Vec::with_capacity(plan.services.len()),
        })
        .collect();
    for (index, plan_service) in plan.services.iter().enumerate() {
        let track = switched.as_ref().and_then(|run| run.tracks[index].as_ref());
        let cut = &cuts[index];
        let mut service_unserved = Vec::new();
        let mut share_series = vec![0.0; plan.steps];
        let contacts = world.contacts.as_ref().zip(world.pairwise[index].as_ref());
        let mut reachable_series = contacts.map(|_| vec![0.0; plan.steps]);
        for ((day, range), day_damage) in days.iter().zip(daily.iter_mut()) {
            // The day's needs are drawn from the day's category means, in streams keyed by
            // the day too: the day's damage is what the whole run's would be on its slices.
            let day_cut = demand::CutOff {
                cut: cut.cut[range.clone()].to_vec(),
                run_end: cut.run_end[range.clone()].to_vec(),
            };
            let mut means = demand::category_means(
                plan_service,
                &slices[range.clone()],
                &capacity[range.clone()],
                &day_cut,
                scale,
                track.map(|t| &t.weights[range.clone()]),
                keep_unserved,
            );
            // Days are consecutive ranges of slices, so appending keeps the order slice-major.
            service_unserved.append(&mut means.unserved);
            let mut by_segment =
                demand::draw_damage(plan_service, &means, run.seed, replication, *day, scale);
            for (segment, hours) in by_segment.iter_mut().zip(&means.stranded_hours) {
                segment.person_hours_stranded = hours * scale;
            }
            let peak_stranded_share = means
                .stranded
                .iter()
                .fold(0.0, |peak: f64, stranded| peak.max(stranded / agents));
            let mut peak: f64 = 0.0;
            let mut pairwise = contacts.map(|_| PairwiseDamage {
                ties_cut_peak_share: 0.0,
                reachable_min_share: 1.0,
            });
            for s in range.clone() {
                let slice = &slices[s];
                let weight = slice.length() / step_length[slice.step];
                let cut_agents = match (contacts, pairwise.as_mut(), reachable_series.as_mut()) {
                    (Some((graph, pairwise)), Some(damage), Some(reachable)) => {
                        // Pairwise: cut off means no contact can be reached, a property of
                        // people and their whole contact lists, not of pair classes.
                        let memo;
                        let (cut_by_segment, ties_cut_share, reachable_share) = match track {
                            Some(track) => (
                                track.cut_by_segment[s].as_slice(),
                                track.ties_cut_share[s],
                                track.reachable_share[s],
                            ),
                            None => {
                                memo = plan.reach.get(
                                    index,
                                    pairwise.set_of(up_platforms[s]),
                                    pairwise,
                                    &world.people,
                                    graph,
                                );
                                (
                                    memo.cut_by_segment.as_slice(),
                                    memo.ties_cut_share,
                                    memo.reachable_share,
                                )
                            }
                        };
                        for (segment, cut) in by_segment.iter_mut().zip(cut_by_segment) {
                            segment.person_hours_cut_off += cut * slice.length() * scale;
                        }
                        damage.ties_cut_peak_share = damage.ties_cut_peak_share.max(ties_cut_share);
                        damage.reachable_min_share =
                            damage.reachable_min_share.min(reachable_share);
                        reachable[slice.step] += reachable_share * weight;
                        cut_by_segment.iter().sum::<f64>()
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
            day_damage.services.push(ServiceDamage {
                by_segment,
                peak_cut_off_share: peak,
                peak_stranded_share,
                pairwise,
            });
        }
        unserved.push(service_unserved);
        cut_off_share.push(share_series);
        reachable_share.push(reachable_series);
    }
    let services = (0..plan.services.len())
        .map(|index| {
            let days: Vec<ServiceDamage> = daily
                .iter()
                .map(|day| day.services[index].clone())
                .collect();
            // A horizon has at least one slice, so at least one day.
            ServiceDamage::combine(&days).unwrap_or_else(|| ServiceDamage {
                by_segment: vec![SegmentDamage::default(); scenario.segments.len()],
                peak_cut_off_share: 0.0,
                peak_stranded_share: 0.0,
                pairwise: None,
            })
        })
        .collect();
    let union = plan
        .union
        .as_ref()
        .zip(outsides.as_ref())
        .map(|(u, outsides)| {
            let mut cut_off = vec![0.0; segments];
            let mut stranded = u.pairwise.is_none().then(|| vec![0.0; segments]);
            for (s, slice) in slices.iter().enumerate() {
                let hours = slice.length() * scale;
                let add = |by_segment: &[f64], into: &mut Vec<f64>| {
                    for (total, agents) in into.iter_mut().zip(by_segment) {
                        *total += agents * hours;
                    }
                };
                add(&u.cut_by_segment(&outsides[s], segments), &mut cut_off);
                if let (Some(p), Some(free)) = (u.pairwise, outsides[s].free.as_ref()) {
                    let only = match switched.as_ref().and_then(|run| run.tracks[p].as_ref()) {
                        Some(track) => track.pairwise_only[s].clone(),
                        None => match (&world.contacts, &world.pairwise[p]) {
                            (Some(graph), Some(pairwise)) => {
                                let reach = plan.reach.get(
                                    p,
                                    pairwise.set_of(up_platforms[s]),
                                    pairwise,
                                    &world.people,
                                    graph,
                                );
                                union::pairwise_only_by_segment(
                                    &world.people,
                                    &pairwise.reaches_normally,
                                    &reach.reaching,
                                    free,
                                )
                            }
                            _ => vec![0.0; segments],
                        },
                    };
                    add(&only, &mut cut_off);
                }
                if let Some(stranded) = stranded.as_mut() {
                    let by_segment = u.stranded_by_segment(segments, &|service, class| {
                        unserved[service][s * plan.services[service].classes.len() + class]
                    });
                    add(&by_segment, stranded);
                }
            }
            let people_ever_cut_off = ever::union_ever_cut(
                u,
                &world.people,
                outsides,
                u.pairwise.and_then(|p| pairwise_ever[p].as_ref()),
                segments,
            )
            .into_iter()
            .map(|a| a * scale)
            .collect();
            UnionDamage {
                cut_off,
                stranded,
                people_ever_cut_off,
            }
        });
    // The last slice ends at the horizon and nothing changes within it (a ramp is cut in pieces).
    let below_full_at_end = capacity
        .last()
        .is_some_and(|last| last.iter().any(|&c| c < 1.0));
    let full_again = (0..nodes)
        .map(|node| {
            capacity
                .iter()
                .rposition(|c| c[node] < 1.0)
                .map(|last| slices[last].end)
        })
        .collect();
    let capacity = (0..nodes)
        .map(|node| {
            let mut node_series = vec![0.0; plan.steps];
            for (slice, capacity) in slices.iter().zip(&capacity) {
                node_series[slice.step] +=
                    capacity[node] * slice.length() / step_length[slice.step];
            }
            node_series
        })
        .collect();
    let installs = switched.map_or_else(
        || vec![0.0; scenario.switching.len()],
        |run| run.installs.iter().map(|n| n * scale).collect(),
    );
    ReplicationOutcome {
        replication,
        installs,
        holders_before: plan.holders_before.clone(),
        services,
        below_full_at_end,
        full_again,
        people_ever_cut_off,
        union,
        daily,
        series: Series {
            cut_off_share,
            reachable_share,
            capacity,
        },
    }
}
