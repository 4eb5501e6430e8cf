//! Needs, channels and damage for one service in one replication, on lumped classes of people.
//!
//! Each need is coupled to the same need in the run with nothing failed: channel k serves it in
//! the event run with probability `p_event[k]` and in the baseline with `p_base[k] ≥ p_event[k]`,
//! from one shared uniform, so success in the event implies success in the baseline. A need's
//! joint outcome is then (baseline channel i, event outcome j ≥ i): served later at channel j,
//! unmet, or delayed. Needs of a class form a Poisson process, so the counts of the categories
//! are independent Poisson variables whose means add over classes and slices: one draw per
//! (segment, i, j) gives exactly the distribution of drawing every need, at a cost that does not
//! depend on the number of people. With nothing failed, `p_event == p_base` bit for bit and every
//! damage category has mean 0.

use std::sync::Arc;

use rand_distr::{Distribution as _, Poisson};

use super::slices::Slice;
use crate::scenario::{Channel, Service};
use crate::streams::{Domain, StreamKey, key_of};
use crate::world::ServiceClass;

/// What the engine needs to know about one service, prepared once per run.
#[derive(Debug)]
pub struct ServicePlan<'w> {
    pub service: &'w Service,
    pub classes: Vec<ServiceClass>,
    /// `[segment][channel]`: minutes an attempt costs (offline channels open to the segment).
    pub extra_minutes: Vec<Vec<f64>>,
    /// Per class: whether it normally has a platform channel for the service.
    pub has_platform: Vec<bool>,
    segments: usize,
}

impl<'w> ServicePlan<'w> {
    pub fn new(
        service: &'w Service,
        classes: Vec<ServiceClass>,
        segments: usize,
    ) -> ServicePlan<'w> {
        let extra_minutes = (0..segments)
            .map(|segment| {
                service
                    .channels
                    .iter()
                    .map(|channel| match channel {
                        Channel::Offline(offline) if offline.open_to[segment] => {
                            offline.extra_minutes
                        }
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        let has_platform = classes
            .iter()
            .map(|class| {
                service
                    .channels
                    .iter()
                    .enumerate()
                    .any(|(k, c)| matches!(c, Channel::Platform(_)) && class.is_open(k))
            })
            .collect();
        ServicePlan {
            service,
            classes,
            extra_minutes,
            has_platform,
            segments,
        }
    }

    fn channels(&self) -> usize {
        self.service.channels.len()
    }

    /// Categories per segment: baseline channel i × event outcome j (served at j, unmet, delayed).
    fn category_index(&self, segment: usize, i: usize, j: usize) -> usize {
        let m = self.channels();
        (segment * m + i) * (m + 2) + j
    }
}

/// Cut-off state of every class in every slice, and what follows from it.
pub struct CutOff {
    /// `[slice][class]`.
    pub cut: Vec<Vec<bool>>,
    /// `[slice][class]`: when the run of cut-off time containing the slice ends (∞ past horizon).
    pub run_end: Vec<Vec<f64>>,
}

/// Which classes are cut off in each slice: they normally have a platform channel and every one
/// they hold is down. `next_up_after_horizon(node)` says when a node still down at the horizon
/// comes back, so that a cut-off running past the horizon has an end.
pub fn cut_off(
    plan: &ServicePlan<'_>,
    slices: &[Slice],
    capacity: &[Vec<f64>],
    next_up_after_horizon: &dyn Fn(usize) -> f64,
) -> CutOff {
    let cut: Vec<Vec<bool>> = slices
        .iter()
        .enumerate()
        .map(|(s, _)| {
            plan.classes
                .iter()
                .zip(&plan.has_platform)
                .map(|(class, &has_platform)| {
                    has_platform
                        && plan.service.channels.iter().enumerate().all(
                            |(k, channel)| match channel {
                                Channel::Platform(node) => {
                                    !class.is_open(k) || capacity[s][*node] <= 0.0
                                }
                                Channel::Offline(_) => true,
                            },
                        )
                })
                .collect()
        })
        .collect();
    let mut run_end = vec![vec![f64::INFINITY; plan.classes.len()]; slices.len()];
    for s in (0..slices.len()).rev() {
        for c in 0..plan.classes.len() {
            if cut[s][c] {
                run_end[s][c] = if s + 1 == slices.len() {
                    let class = &plan.classes[c];
                    plan.service
                        .channels
                        .iter()
                        .enumerate()
                        .filter_map(|(k, channel)| match channel {
                            Channel::Platform(node) if class.is_open(k) => {
                                Some(next_up_after_horizon(*node))
                            }
                            _ => None,
                        })
                        .fold(f64::INFINITY, f64::min)
                } else if cut[s + 1][c] {
                    run_end[s + 1][c]
                } else {
                    slices[s].end
                };
            }
        }
    }
    CutOff { cut, run_end }
}

/// Expected counts (in agents) of each damage category, accumulated over slices, and the
/// stranded agents: each class weighted by the probability that a need of its people finds no
/// open channel that serves it (offline channels with their success and acceptance), less the
/// same probability in the run with nothing failed.
pub struct CategoryMeans {
    means: Vec<f64>,
    /// `[segment]`: stranded agent-hours (agents × hours, not yet scaled).
    pub stranded_hours: Vec<f64>,
    /// `[slice]`: stranded agents (not yet scaled).
    pub stranded: Vec<f64>,
    /// `[slice × classes + class]`: the chance that no channel serves a need, (event, baseline);
    /// kept only when asked for (the union over services reads it).
    pub unserved: Vec<(f64, f64)>,
}

/// Buffers reused from block to block.
#[derive(Default)]
struct Scratch {
    p_event: Vec<f64>,
    p_base: Vec<f64>,
    reach_event: Vec<f64>,
    reach_base: Vec<f64>,
    demand: Vec<f64>,
}

/// Accumulates the category means of all slices for one service. `weights`, when given, are the
/// classes' weights slice by slice (`[slice][class]`: people install platforms during the run);
/// otherwise every class keeps its weight. `keep_unserved` keeps each class's chance of no
/// channel serving, slice by slice.
pub fn category_means(
    plan: &ServicePlan<'_>,
    slices: &[Slice],
    capacity: &[Vec<f64>],
    cut: &CutOff,
    scale: f64,
    weights: Option<&[Arc<Vec<f64>>]>,
    keep_unserved: bool,
) -> CategoryMeans {
    let m = plan.channels();
    let mut means = CategoryMeans {
        means: vec![0.0; plan.segments * m * (m + 2)],
        stranded_hours: vec![0.0; plan.segments],
        stranded: vec![0.0; slices.len()],
        unserved: if keep_unserved {
            Vec::with_capacity(slices.len() * plan.classes.len())
        } else {
            Vec::new()
        },
    };
    let mut scratch = Scratch::default();
    let mut block_start = 0;
    while block_start < slices.len() {
        let hour = slices[block_start].clock_hour;
        let block_end = block_start
            + slices[block_start..]
                .iter()
                .take_while(|s| s.clock_hour == hour)
                .count();
        block(
            plan,
            &slices[block_start..block_end],
            block_start,
            capacity,
            cut,
            scale,
            weights,
            &mut scratch,
            &mut means,
        );
        block_start = block_end;
    }
    means
}

/// One clock hour: channel probabilities with offline capacity shared by everyone who reaches
/// the channel in that hour, then the categories.
#[allow(clippy::too_many_arguments)]
fn block(
    plan: &ServicePlan<'_>,
    slices: &[Slice],
    first: usize,
    capacity: &[Vec<f64>],
    cut: &CutOff,
    scale: f64,
    weights: Option<&[Arc<Vec<f64>>]>,
    scratch: &mut Scratch,
    out: &mut CategoryMeans,
) {
    let m = plan.channels();
    let classes = plan.classes.len();
    let cells = slices.len() * classes;
    scratch.p_event.clear();
    scratch.p_event.resize(cells * m, 0.0);
    scratch.p_base.clear();
    scratch.p_base.resize(cells * m, 0.0);
    scratch.reach_event.clear();
    scratch.reach_event.resize(cells, 1.0);
    scratch.reach_base.clear();
    scratch.reach_base.resize(cells, 1.0);
    scratch.demand.clear();
    for (s, slice) in slices.iter().enumerate() {
        for (c, class) in plan.classes.iter().enumerate() {
            let per_hour = plan.service.demand_per_day[class.segment] / 24.0
                * plan.service.profile[slice.hour_of_day];
            let weight = weights.map_or(class.weight, |w| w[first + s][c]);
            scratch.demand.push(weight * per_hour * slice.length());
        }
    }
    let block_hours: f64 = slices.iter().map(Slice::length).sum();
    for (k, channel) in plan.service.channels.iter().enumerate() {
        let (accept_event, accept_base, success) = match channel {
            Channel::Platform(_) => (1.0, 1.0, 1.0),
            Channel::Offline(offline) => match offline.capacity_per_hour {
                None => (1.0, 1.0, offline.success),
                Some(per_hour) => {
                    let mut attempts_event = 0.0;
                    let mut attempts_base = 0.0;
                    // Cell order (slice-major), as the sums have always been added.
                    for row in 0..slices.len() {
                        for (c, class) in plan.classes.iter().enumerate() {
                            if class.is_open(k) {
                                let cell = row * classes + c;
                                attempts_event += scratch.demand[cell] * scratch.reach_event[cell];
                                attempts_base += scratch.demand[cell] * scratch.reach_base[cell];
                            }
                        }
                    }
                    let capacity_here = per_hour * block_hours;
                    let accept = |attempts: f64| {
                        if attempts * scale > capacity_here {
                            capacity_here / (attempts * scale)
                        } else {
                            1.0
                        }
                    };
                    (
                        accept(attempts_event),
                        accept(attempts_base),
                        offline.success,
                    )
                }
            },
        };
        let offline = {
            let base = success * accept_base;
            ((success * accept_event).min(base), base)
        };
        for row in 0..slices.len() {
            let (p_event, p_base) = match channel {
                Channel::Platform(node) => (capacity[first + row][*node], 1.0),
                Channel::Offline(_) => offline,
            };
            for (c, class) in plan.classes.iter().enumerate() {
                if !class.is_open(k) {
                    continue;
                }
                let cell = row * classes + c;
                scratch.p_event[cell * m + k] = p_event;
                scratch.p_base[cell * m + k] = p_base;
                scratch.reach_event[cell] *= 1.0 - p_event;
                scratch.reach_base[cell] *= 1.0 - p_base;
            }
        }
    }
    // Stranded: the chance that no open channel serves a need, beyond the baseline's chance.
    // Weighted by the class's people, not its needs: a moment without demand still counts.
    for (s, slice) in slices.iter().enumerate() {
        let cells = s * classes..(s + 1) * classes;
        let reach = scratch.reach_event[cells.clone()]
            .iter()
            .zip(&scratch.reach_base[cells]);
        for (c, (class, (event, base))) in plan.classes.iter().zip(reach).enumerate() {
            let weight = weights.map_or(class.weight, |w| w[first + s][c]);
            let stranded = weight * (event - base).max(0.0);
            out.stranded[first + s] += stranded;
            out.stranded_hours[class.segment] += stranded * slice.length();
        }
    }
    if out.unserved.capacity() > 0 {
        out.unserved.extend(
            scratch
                .reach_event
                .iter()
                .copied()
                .zip(scratch.reach_base.iter().copied()),
        );
    }
    let means = &mut out.means;
    let deferrable = plan.service.deferrable_hours;
    for (s, slice) in slices.iter().enumerate() {
        for (c, class) in plan.classes.iter().enumerate() {
            let cell = s * classes + c;
            let demand = scratch.demand[cell];
            if demand <= 0.0 {
                continue;
            }
            let p_event = &scratch.p_event[cell * m..(cell + 1) * m];
            let p_base = &scratch.p_base[cell * m..(cell + 1) * m];
            let delayed_share = if deferrable <= 0.0 {
                0.0
            } else if !cut.cut[first + s][c] {
                // A channel still works for these people: the need is retried and met late.
                1.0
            } else {
                let met_from = cut.run_end[first + s][c] - deferrable;
                ((slice.end - met_from.max(slice.start)) / slice.length()).clamp(0.0, 1.0)
            };
            let mut reach_base = 1.0;
            for i in 0..m {
                let lost = reach_base * (p_base[i] - p_event[i]);
                reach_base *= 1.0 - p_base[i];
                if lost <= 0.0 {
                    continue;
                }
                // The categories (segment, i, ·), as `ServicePlan::category_index` lays them out.
                let row = &mut means[plan.category_index(class.segment, i, 0)..][..m + 2];
                let mut still = demand * lost;
                for j in i + 1..m {
                    if p_event[j] > 0.0 {
                        row[j] += still * p_event[j];
                        still *= 1.0 - p_event[j];
                    }
                }
                row[m] += still * (1.0 - delayed_share);
                row[m + 1] += still * delayed_share;
            }
        }
    }
}

/// Draws the category counts of one local day (`day`, from 0) and turns them into damage per
/// segment (scaled to real people).
pub fn draw_damage(
    plan: &ServicePlan<'_>,
    means: &CategoryMeans,
    seed: u64,
    replication: u64,
    day: i64,
    scale: f64,
) -> Vec<super::outcome::SegmentDamage> {
    let m = plan.channels();
    let service_key = key_of(&plan.service.id);
    (0..plan.segments)
        .map(|segment| {
            let mut damage = super::outcome::SegmentDamage::default();
            for i in 0..m {
                for j in i + 1..m + 2 {
                    let index = plan.category_index(segment, i, j);
                    let mean = means.means[index];
                    if mean <= 0.0 {
                        continue;
                    }
                    // One stream per category and local day keeps draws aligned across
                    // policy variants.
                    let mut rng = StreamKey::new(seed, replication, Domain::Needs)
                        .then(service_key)
                        .then(index as u64)
                        .then(day as u64)
                        .stream();
                    let count =
                        Poisson::new(mean).map_or(mean.round(), |poisson| poisson.sample(&mut rng));
                    // The event run attempted channels i+1..=j (all of them when unmet) beyond
                    // what the baseline did.
                    let extra_minutes: f64 = plan.extra_minutes[segment][i + 1..j.min(m - 1) + 1]
                        .iter()
                        .sum();
                    damage.extra_hours += count * extra_minutes / 60.0 * scale;
                    if j == m {
                        damage.unmet_needs += count * scale;
                    } else if j == m + 1 {
                        damage.delayed_needs += count * scale;
                    }
                }
            }
            damage
        })
        .collect()
}
