//! People switching apps during an outage (`[[behaviour.switching]]`): a person cut off from a
//! pairwise service installs an installable platform at a base rate, and anyone installs as soon
//! as their threshold share of contacts has it (the fractional-threshold rule, run as a frontier
//! cascade from the new installers, so it touches only people whose contacts changed; people
//! whose threshold is already met before the outage are taken to have settled where they are).
//! Installs last past the event.
//!
//! Platform sets change during a replication, so this is the one place the engine follows
//! agents one by one. The expensive part, who can reach whom, is rebuilt over all ties only when
//! the set of platforms up changes; between such changes each install updates the counts of the
//! installer's ties alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand_distr::{Distribution as _, Geometric};
use rayon::prelude::*;

use super::slices::Slice;
use crate::contacts::{ContactGraph, largest_component_share, reaches, threshold_cascade};
use crate::scenario::{Channel, Service};
use crate::streams::{Domain, key_of, stream};
use crate::world::{ServiceClass, World};

/// Classes of a pairwise service when platform sets change: every combination of the
/// service's platform channels, for every segment, so a pair can move between classes.
#[derive(Debug, Clone)]
pub struct DenseClasses {
    /// Per platform channel (in channel order): (the channel's bit, the platform's bit).
    platform_channels: Vec<(u64, u64)>,
    /// Per segment: the bits of the offline channels open to it.
    offline: Vec<u64>,
}

impl DenseClasses {
    pub fn new(service: &Service, platform_bit: &[Option<u32>], segments: usize) -> DenseClasses {
        let platform_channels = service
            .channels
            .iter()
            .enumerate()
            .filter_map(|(k, channel)| match channel {
                Channel::Platform(node) => platform_bit[*node].map(|bit| (1u64 << k, 1u64 << bit)),
                Channel::Offline(_) => None,
            })
            .collect();
        let offline = (0..segments)
            .map(|segment| {
                service
                    .channels
                    .iter()
                    .enumerate()
                    .fold(0, |mask, (k, channel)| match channel {
                        Channel::Offline(offline) if offline.open_to[segment] => mask | 1 << k,
                        _ => mask,
                    })
            })
            .collect();
        DenseClasses {
            platform_channels,
            offline,
        }
    }

    fn per_segment(&self) -> usize {
        1 << self.platform_channels.len()
    }

    /// The class of a need from a person of `segment` whose pair shares the platforms `shared`.
    pub fn index(&self, segment: usize, shared: u64) -> usize {
        let subset =
            self.platform_channels
                .iter()
                .enumerate()
                .fold(0, |index, (i, &(_, platform))| {
                    if shared & platform != 0 {
                        index | 1 << i
                    } else {
                        index
                    }
                });
        segment * self.per_segment() + subset
    }

    /// Every class, in index order, with weight 0.
    pub fn classes(&self) -> Vec<ServiceClass> {
        let mut classes = Vec::new();
        for (segment, &offline) in self.offline.iter().enumerate() {
            for subset in 0..self.per_segment() {
                let open = self.platform_channels.iter().enumerate().fold(
                    offline,
                    |mask, (i, &(channel, _))| {
                        if subset & (1 << i) != 0 {
                            mask | channel
                        } else {
                            mask
                        }
                    },
                );
                classes.push(ServiceClass {
                    segment,
                    open_channels: open,
                    weight: 0.0,
                });
            }
        }
        classes
    }

    /// The weights of the classes for the platform sets `held`: each tie i → j weighs 1/degree(i).
    pub fn weights(&self, held: &[u64], segment_of: &[u16], graph: &ContactGraph) -> Vec<f64> {
        let chunks: Vec<Vec<f64>> = (0..held.len())
            .into_par_iter()
            .step_by(CHUNK)
            .map(|first| {
                let mut weights = vec![0.0; self.offline.len() * self.per_segment()];
                for person in first..(first + CHUNK).min(held.len()) {
                    let contacts = graph.neighbours(person as u32);
                    let share = 1.0 / contacts.len().max(1) as f64;
                    for &contact in contacts {
                        weights[self.index(
                            segment_of[person] as usize,
                            held[person] & held[contact as usize],
                        )] += share;
                    }
                }
                weights
            })
            .collect();
        let mut total = vec![0.0; self.offline.len() * self.per_segment()];
        for chunk in chunks {
            for (t, w) in total.iter_mut().zip(chunk) {
                *t += w;
            }
        }
        total
    }
}

/// Agents per parallel chunk; fixed so that sums do not depend on the thread count.
const CHUNK: usize = 1 << 14;

/// What switching does to one pairwise service, slice by slice.
#[derive(Debug, Clone)]
pub struct ServiceTrack {
    /// `[slice][segment]`: agents cut off.
    pub cut_by_segment: Vec<Vec<f64>>,
    pub ties_cut_share: Vec<f64>,
    /// Share of agents in the largest component of working ties, as of the last change of the
    /// platforms up (installs only join components, so its lowest value is exact).
    pub reachable_share: Vec<f64>,
    /// `[slice][class]`: weights of the dense classes.
    pub weights: Vec<Vec<f64>>,
}

/// What switching did in one replication.
#[derive(Debug, Clone)]
pub struct SwitchingRun {
    /// Per service: its track when pairwise.
    pub tracks: Vec<Option<ServiceTrack>>,
    /// Per switching rule: agents who installed.
    pub installs: Vec<f64>,
}

/// What every replication shares: who is who, and who normally reaches whom.
pub struct SwitchingPlan {
    segment_of: Vec<u16>,
    /// Per switching rule with a threshold, each agent's threshold — infinite for agents whose
    /// share of contacts holding the platform already reaches it before anything happens: they
    /// have settled where they are, and only a contact who installs during the run can move
    /// someone still below their threshold.
    thresholds: Vec<Option<Vec<f32>>>,
    /// Per pairwise service (by service index): its dense classes, platform bits of its channels,
    /// who normally reaches a contact, and the class weights before anyone installs.
    services: Vec<Option<PairwiseBase>>,
}

struct PairwiseBase {
    classes: DenseClasses,
    channels: u64,
    normally_reaches: Vec<bool>,
    weights: Vec<f64>,
    /// Contacts reached by each agent, and the giant component, with every platform up and
    /// nobody switched: where every replication starts.
    initial_reach: Vec<u32>,
    initial_reachable_share: f64,
    /// Who reaches whom before anyone switches, by the platforms up: the same in every
    /// replication, so counted once.
    before_switching: Mutex<HashMap<u64, Arc<Reachability>>>,
}

impl SwitchingPlan {
    pub fn new(world: &World) -> Option<SwitchingPlan> {
        let graph = world.contacts.as_ref()?;
        if world.scenario.switching.is_empty() {
            return None;
        }
        let people = &world.people;
        let mut segment_of = vec![0u16; people.count()];
        for segment in 0..people.segment_starts.len() - 1 {
            let (start, end) = (
                people.segment_starts[segment] as usize,
                people.segment_starts[segment + 1] as usize,
            );
            segment_of[start..end].fill(segment as u16);
        }
        let services = world
            .scenario
            .services
            .iter()
            .map(|service| {
                service.pairwise.then(|| {
                    let classes = DenseClasses::new(
                        service,
                        &world.platform_bit,
                        world.scenario.segments.len(),
                    );
                    let channels = classes
                        .platform_channels
                        .iter()
                        .fold(0, |mask, &(_, platform)| mask | platform);
                    let held = &people.platforms;
                    let weights = classes.weights(held, &segment_of, graph);
                    let initial_reach = (0..held.len())
                        .into_par_iter()
                        .map(|person| {
                            graph
                                .neighbours(person as u32)
                                .iter()
                                .filter(|&&c| held[person] & held[c as usize] & channels != 0)
                                .count() as u32
                        })
                        .collect::<Vec<u32>>();
                    // Reaching someone normally is having a contact in that starting state.
                    let normally_reaches = initial_reach.iter().map(|&n| n > 0).collect();
                    let initial_reachable_share = largest_component_share(graph, |a, b| {
                        held[a as usize] & held[b as usize] & channels != 0
                    });
                    PairwiseBase {
                        classes,
                        channels,
                        normally_reaches,
                        weights,
                        initial_reach,
                        initial_reachable_share,
                        before_switching: Mutex::default(),
                    }
                })
            })
            .collect();
        let held = &people.platforms;
        let thresholds = world
            .scenario
            .switching
            .iter()
            .zip(&world.thresholds)
            .map(|(rule, thresholds)| {
                let bit = world.platform_bit[rule.platform].map_or(0, |b| 1u64 << b);
                thresholds.as_ref().map(|thresholds| {
                    (0..held.len())
                        .into_par_iter()
                        .map(|person| {
                            let contacts = graph.neighbours(person as u32);
                            let holding = contacts
                                .iter()
                                .filter(|&&c| held[c as usize] & bit != 0)
                                .count();
                            // The cascade's own rule, so that the two agree at exact shares.
                            let settled =
                                reaches(holding as u32, contacts.len(), thresholds[person]);
                            if settled {
                                f32::INFINITY
                            } else {
                                thresholds[person]
                            }
                        })
                        .collect()
                })
            })
            .collect();
        Some(SwitchingPlan {
            segment_of,
            thresholds,
            services,
        })
    }

    /// The dense classes of service `index`, when it is pairwise.
    pub fn classes(&self, index: usize) -> Option<Vec<ServiceClass>> {
        self.services[index]
            .as_ref()
            .map(|base| base.classes.classes())
    }
}

/// Per pairwise service, the running state of one replication.
struct Tracking<'p> {
    base: &'p PairwiseBase,
    reach_count: Vec<u32>,
    cut_by_segment: Vec<f64>,
    ties_cut: u64,
    reachable_share: f64,
    weights: Vec<f64>,
    /// People cut off when the platforms up last changed (some may have been reached since).
    cut_list: Vec<u32>,
    /// Every channel is up, so nobody is cut off and no tie is cut whatever anyone installs;
    /// `reach_count` is then not kept (the next change of the platforms up recounts it).
    all_up: bool,
    track: ServiceTrack,
}

/// Runs switching over the slices of one replication. `up_platforms[s]` are the platform bits
/// with some capacity in slice `s`.
pub fn simulate(
    world: &World,
    plan: &SwitchingPlan,
    slices: &[Slice],
    up_platforms: &[u64],
    replication: u64,
) -> SwitchingRun {
    let scenario = &world.scenario;
    let Some(graph) = world.contacts.as_ref() else {
        return SwitchingRun {
            tracks: vec![None; scenario.services.len()],
            installs: vec![0.0; scenario.switching.len()],
        };
    };
    let base_held = &world.people.platforms;
    let mut held = base_held.clone();
    let segments = scenario.segments.len();
    let rule_bits: Vec<u64> = scenario
        .switching
        .iter()
        .map(|rule| world.platform_bit[rule.platform].map_or(0, |bit| 1u64 << bit))
        .collect();
    // Who holds each platform, for the rules whose threshold cascade needs it.
    let mut adopted: Vec<Option<Vec<bool>>> = rule_bits
        .iter()
        .zip(&plan.thresholds)
        .map(|(&bit, thresholds)| {
            thresholds
                .as_ref()
                .map(|_| held.par_iter().map(|h| h & bit != 0).collect())
        })
        .collect();
    let mut rngs: Vec<_> = scenario
        .switching
        .iter()
        .map(|rule| {
            stream(
                scenario.run.seed,
                replication,
                Domain::Behaviour,
                key_of(&scenario.nodes[rule.platform].id),
            )
        })
        .collect();
    let mut installs = vec![0.0; rule_bits.len()];
    let mut tracking: Vec<Option<Tracking<'_>>> = plan
        .services
        .iter()
        .map(|base| {
            base.as_ref().map(|base| Tracking {
                base,
                reach_count: Vec::new(),
                cut_by_segment: vec![0.0; segments],
                ties_cut: 0,
                reachable_share: 0.0,
                weights: base.weights.clone(),
                cut_list: Vec::new(),
                all_up: false,
                track: ServiceTrack {
                    cut_by_segment: Vec::new(),
                    ties_cut_share: Vec::new(),
                    reachable_share: Vec::new(),
                    weights: Vec::new(),
                },
            })
        })
        .collect();
    let ties = graph.tie_count().max(1) as f64;
    // Only the platforms of the pairwise services' channels matter to who reaches whom.
    let tracked = plan
        .services
        .iter()
        .flatten()
        .fold(0u64, |mask, base| mask | base.channels);
    let mut current_up: Option<u64> = None;
    for (s, slice) in slices.iter().enumerate() {
        let up = up_platforms[s] & tracked;
        if current_up != Some(up) {
            current_up = Some(up);
            let nobody_switched = installs.iter().all(|n| *n == 0.0);
            for state in tracking.iter_mut().flatten() {
                let all_up = up & state.base.channels == state.base.channels;
                state.all_up = all_up;
                if all_up && nobody_switched {
                    // The state every replication starts from.
                    state.reach_count.clone_from(&state.base.initial_reach);
                    state.ties_cut = 0;
                    state.cut_by_segment = vec![0.0; segments];
                    state.cut_list.clear();
                    state.reachable_share = state.base.initial_reachable_share;
                } else if all_up {
                    // Every channel is back: nobody is cut off and no tie is cut, so nobody
                    // installs until something fails again (which recounts). The giant
                    // component can only have grown from the normal one; recounting it over
                    // every tie would cost seconds at country scale and cannot change the
                    // lowest share, so the series shows the normal one from here on.
                    state.ties_cut = 0;
                    state.cut_by_segment = vec![0.0; segments];
                    state.cut_list.clear();
                    state.reachable_share = state.base.initial_reachable_share;
                } else if nobody_switched {
                    // Before anyone installs, the state depends on the platforms up alone.
                    let found = state
                        .base
                        .before_switching
                        .lock()
                        .ok()
                        .and_then(|memo| memo.get(&up).cloned());
                    let reachability = found.unwrap_or_else(|| {
                        let counted = Arc::new(recount(
                            state.base,
                            &held,
                            base_held,
                            &plan.segment_of,
                            graph,
                            up,
                            segments,
                        ));
                        if let Ok(mut memo) = state.base.before_switching.lock() {
                            memo.entry(up).or_insert_with(|| counted.clone());
                        }
                        counted
                    });
                    state.take(&reachability);
                } else {
                    let counted = recount(
                        state.base,
                        &held,
                        base_held,
                        &plan.segment_of,
                        graph,
                        up,
                        segments,
                    );
                    state.take(&counted);
                }
            }
        }
        for state in tracking.iter_mut().flatten() {
            state
                .track
                .cut_by_segment
                .push(state.cut_by_segment.clone());
            state
                .track
                .ties_cut_share
                .push(state.ties_cut as f64 / ties);
            state.track.reachable_share.push(state.reachable_share);
            state.track.weights.push(state.weights.clone());
        }
        // Installs during the slice take effect at its end.
        for (rule_index, rule) in scenario.switching.iter().enumerate() {
            let probability = 1.0 - (-rule.base_rate_per_hour * slice.length()).exp();
            let mut seeds: Vec<u32> = Vec::new();
            if probability > 0.0 {
                let Ok(gap) = Geometric::new(probability) else {
                    continue;
                };
                // Each person cut off installs with `probability`: skip ahead geometrically
                // through the lists of people cut off instead of drawing for each of them.
                // A person cut off from two services is one candidate, drawn once.
                let union: Vec<u32>;
                let mut lists = tracking
                    .iter()
                    .flatten()
                    .map(|state| &state.cut_list)
                    .filter(|l| !l.is_empty());
                let list = match (lists.next(), lists.next()) {
                    (None, _) => &Vec::new(),
                    (Some(only), None) => only,
                    (Some(first), Some(second)) => {
                        let mut all: Vec<u32> = first
                            .iter()
                            .chain(second)
                            .chain(lists.flatten())
                            .copied()
                            .collect();
                        all.sort_unstable();
                        all.dedup();
                        union = all;
                        &union
                    }
                };
                {
                    let mut position = gap.sample(&mut rngs[rule_index]) as usize;
                    while position < list.len() {
                        let person = list[position] as usize;
                        let still_cut = tracking.iter().flatten().any(|state| {
                            !state.all_up
                                && state.base.normally_reaches[person]
                                && state.reach_count[person] == 0
                        });
                        if still_cut && held[person] & rule_bits[rule_index] == 0 {
                            seeds.push(person as u32);
                        }
                        position = position
                            .saturating_add(1)
                            .saturating_add(gap.sample(&mut rngs[rule_index]) as usize);
                    }
                }
                seeds.sort_unstable();
                seeds.dedup();
            }
            if seeds.is_empty() {
                continue;
            }
            let mut new = match (&plan.thresholds[rule_index], adopted[rule_index].as_mut()) {
                (Some(thresholds), Some(adopted)) => {
                    let cascade = threshold_cascade(graph, thresholds, adopted, &seeds);
                    seeds.extend(cascade);
                    seeds
                }
                _ => seeds,
            };
            new.retain(|&person| held[person as usize] & rule_bits[rule_index] == 0);
            installs[rule_index] += new.len() as f64;
            let bit = rule_bits[rule_index];
            for person in new {
                let old = held[person as usize];
                held[person as usize] = old | bit;
                for state in tracking.iter_mut().flatten() {
                    if state.base.channels & bit != 0 {
                        install(
                            state,
                            person,
                            old,
                            &held,
                            base_held,
                            &plan.segment_of,
                            graph,
                            up,
                        );
                    }
                }
            }
        }
    }
    let tracks = tracking
        .into_iter()
        .map(|state| state.map(|s| s.track))
        .collect();
    SwitchingRun { tracks, installs }
}

/// Who reaches whom, counted over every tie.
#[derive(Debug, Clone)]
struct Reachability {
    reach_count: Vec<u32>,
    ties_cut: u64,
    cut_by_segment: Vec<f64>,
    cut_list: Vec<u32>,
    reachable_share: f64,
}

/// Counts, over every tie, who reaches whom with the platforms `up`.
///
/// # Complexity
/// O(ties), in parallel.
fn recount(
    base: &PairwiseBase,
    held: &[u64],
    base_held: &[u64],
    segment_of: &[u16],
    graph: &ContactGraph,
    up: u64,
    segments: usize,
) -> Reachability {
    let working = base.channels & up;
    let normal = base.channels;
    let counts: Vec<(u32, u64)> = (0..held.len())
        .into_par_iter()
        .map(|person| {
            let mut reach = 0u32;
            let mut cut_ties = 0u64;
            for &contact in graph.neighbours(person as u32) {
                let works = held[person] & held[contact as usize] & working != 0;
                reach += u32::from(works);
                if contact as usize > person
                    && !works
                    && base_held[person] & base_held[contact as usize] & normal != 0
                {
                    cut_ties += 1;
                }
            }
            (reach, cut_ties)
        })
        .collect();
    let reach_count: Vec<u32> = counts.iter().map(|c| c.0).collect();
    let mut cut_by_segment = vec![0.0; segments];
    let mut cut_list = Vec::new();
    for (person, &reach) in reach_count.iter().enumerate() {
        if reach == 0 && base.normally_reaches[person] {
            cut_by_segment[segment_of[person] as usize] += 1.0;
            cut_list.push(person as u32);
        }
    }
    Reachability {
        reach_count,
        ties_cut: counts.iter().map(|c| c.1).sum(),
        cut_by_segment,
        cut_list,
        reachable_share: largest_component_share(graph, |a, b| {
            held[a as usize] & held[b as usize] & working != 0
        }),
    }
}

impl Tracking<'_> {
    fn take(&mut self, reachability: &Reachability) {
        self.reach_count.clone_from(&reachability.reach_count);
        self.ties_cut = reachability.ties_cut;
        self.cut_by_segment.clone_from(&reachability.cut_by_segment);
        self.cut_list.clone_from(&reachability.cut_list);
        self.reachable_share = reachability.reachable_share;
    }
}

/// Updates the counts after `person` went from the platforms `old` to `held[person]`.
#[allow(clippy::too_many_arguments)]
fn install(
    state: &mut Tracking<'_>,
    person: u32,
    old: u64,
    held: &[u64],
    base_held: &[u64],
    segment_of: &[u16],
    graph: &ContactGraph,
    up: u64,
) {
    let working = state.base.channels & up;
    let new = held[person as usize];
    let p = person as usize;
    let own_share = 1.0 / graph.degree(person).max(1) as f64;
    let added = new & !old;
    for &contact in graph.neighbours(person) {
        let c = contact as usize;
        let theirs = held[c];
        // Only a contact who holds the new platform shares something new with the installer.
        if theirs & added == 0 {
            continue;
        }
        let was = old & theirs & working != 0;
        let is = new & theirs & working != 0;
        if is && !was && !state.all_up {
            for who in [p, c] {
                state.reach_count[who] += 1;
                if state.reach_count[who] == 1 && state.base.normally_reaches[who] {
                    state.cut_by_segment[segment_of[who] as usize] -= 1.0;
                }
            }
            if base_held[p] & base_held[c] & state.base.channels != 0 {
                state.ties_cut = state.ties_cut.saturating_sub(1);
            }
        }
        let classes = &state.base.classes;
        let their_share = 1.0 / graph.degree(contact).max(1) as f64;
        state.weights[classes.index(segment_of[p] as usize, old & theirs)] -= own_share;
        state.weights[classes.index(segment_of[p] as usize, new & theirs)] += own_share;
        state.weights[classes.index(segment_of[c] as usize, theirs & old)] -= their_share;
        state.weights[classes.index(segment_of[c] as usize, theirs & new)] += their_share;
    }
}
