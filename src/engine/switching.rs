//! People switching apps during an outage (`[[behaviour.switching]]`): a person cut off from a
//! pairwise service installs an installable platform at a base rate, and anyone installs as soon
//! as their threshold share of contacts has it (the fractional-threshold rule, run as a frontier
//! cascade from the new installers, so it touches only people whose contacts changed; people
//! whose threshold is already met before the outage are taken to have settled where they are).
//! Installs last past the event.
//!
//! Platform sets change during a replication, so this is the one place the engine follows
//! agents one by one. Who can reach whom is counted afresh (`reach::compute`) only when the set
//! of platforms up changes after someone has installed; before that it is the memoised count of
//! the world's own sets. Between such changes each install updates the counts of the
//! installer's ties alone.

use std::borrow::Cow;
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use rand_distr::{Distribution as _, Geometric};

use super::reach::{self, Reach, ReachMemo};
use super::slices::Slice;
use super::{ever, union};
use crate::agent_set;
use crate::contacts::{AtThreshold, ContactGraph, spread, waiting_for};
use crate::locality;
use crate::streams::{Domain, key_of, stream};
use crate::world::{Pairwise, People, World};

/// What switching does to one pairwise service, slice by slice.
#[derive(Debug, Clone)]
pub struct ServiceTrack {
    /// `[slice][segment]`: agents cut off.
    pub cut_by_segment: Vec<Vec<f64>>,
    /// `[slice][segment]`: agents cut off from this service and from no other (for the union
    /// over services; empty without one).
    pub pairwise_only: Vec<Vec<f64>>,
    pub ties_cut_share: Vec<f64>,
    /// Share of agents in the largest component of working ties, as of the last change of the
    /// platforms up (installs only join components, so its lowest value is exact).
    pub reachable_share: Vec<f64>,
    /// `[slice][class]`: weights of the service's classes, in the order of `Pairwise::weights`;
    /// slices in which nobody installed share their predecessor's.
    pub weights: Vec<Arc<Vec<f64>>>,
    /// Agents cut off from the service at some moment of the replication.
    pub ever_cut_off: FixedBitSet,
}

/// What switching did in one replication.
#[derive(Debug, Clone)]
pub struct SwitchingRun {
    /// Per service: its track when pairwise.
    pub tracks: Vec<Option<ServiceTrack>>,
    /// Per switching rule: agents who installed.
    pub installs: Vec<f64>,
}

/// What every replication shares: per rule, who holds its platform before anything happens and,
/// for a threshold rule, how many more contacts each agent waits for.
pub struct SwitchingPlan {
    rules: Vec<RulePlan>,
}

struct RulePlan {
    /// Per service: the rule's platform as a channel in the service's sets (0 when the service
    /// is not pairwise or has no such channel).
    channel_in: Vec<u16>,
    holders: FixedBitSet,
    /// How many contacts must install before the agent does: `u32::MAX` for agents whose share
    /// of contacts holding the platform already reaches their threshold before anything
    /// happens (they have settled where they are) and for those who can never reach it.
    waiting_for: Option<Vec<u32>>,
}

/// Agents per parallel chunk: a whole number of bitset blocks.
const CHUNK: usize = 1 << 14;

impl SwitchingPlan {
    /// Per rule: agents who hold its platform before anything happens.
    pub fn holders_before(&self) -> Vec<f64> {
        self.rules
            .iter()
            .map(|rule| rule.holders.count_ones(..) as f64)
            .collect()
    }

    /// The plan, when the scenario has contacts and switching rules.
    ///
    /// # Complexity
    /// O(agents) per rule, plus O(ties) per rule with a threshold, in parallel.
    pub fn new(world: &World) -> Option<SwitchingPlan> {
        let graph = world.contacts.as_ref()?;
        if world.scenario.switching.is_empty() {
            return None;
        }
        let held = &world.people.platforms;
        let rules = world
            .scenario
            .switching
            .iter()
            .zip(&world.thresholds)
            .map(|(rule, thresholds)| {
                let bit = world.platform_bit[rule.platform].map_or(0, |b| 1u64 << b);
                let holders = agent_set::collect(held.len(), CHUNK, |agent| held[agent] & bit != 0);
                // Already at their threshold before anything happens: settled, never moved.
                let waiting_for = thresholds.as_ref().map(|thresholds| {
                    waiting_for(
                        graph,
                        thresholds,
                        held,
                        |&h| h & bit != 0,
                        AtThreshold::Settled,
                    )
                });
                RulePlan {
                    channel_in: world
                        .pairwise
                        .iter()
                        .map(|pairwise| pairwise.as_ref().map_or(0, |p| p.set_of(bit)))
                        .collect(),
                    holders,
                    waiting_for,
                }
            })
            .collect();
        Some(SwitchingPlan { rules })
    }
}

/// Per pairwise service, the running state of one replication.
struct Tracking<'w> {
    service: usize,
    pairwise: &'w Pairwise,
    /// The channel sets people hold now: the world's until someone installs.
    sets: Cow<'w, [u16]>,
    /// The platform channels up, as of the last change (none before the first slice).
    up: Option<u16>,
    /// Every channel is up, so nobody is cut off and no tie is cut whatever anyone installs.
    all_up: bool,
    reach: Arc<Reach>,
    /// The last slice's count of agents cut off from this service only, with the `Outside` it
    /// was counted against: reused while neither `reach` nor the outside changes (a slice per
    /// clock hour and output step, but platforms change state only a few times a run). Cleared
    /// whenever `reach` changes.
    only: Option<(Arc<union::Outside>, Vec<f64>)>,
    weights: Arc<Vec<f64>>,
    track: ServiceTrack,
}

/// Per switching rule, the running state of one replication.
struct RuleState {
    holders: FixedBitSet,
    /// For a threshold rule: per agent, how many contacts installed during the run (made when
    /// the first person installs).
    gained: Option<Vec<u32>>,
    installed: u64,
}

/// Runs switching over the slices of one replication. `up_platforms[s]` are the platform bits
/// with some capacity in slice `s`; `memo` holds the counts before anyone switches; `outsides`,
/// for the union over services, who is cut off from no other service in each slice.
pub fn simulate(
    world: &World,
    plan: &SwitchingPlan,
    memo: &ReachMemo,
    slices: &[Slice],
    up_platforms: &[u64],
    replication: u64,
    outsides: Option<&[Arc<union::Outside>]>,
) -> SwitchingRun {
    let scenario = &world.scenario;
    let Some(graph) = world.contacts.as_ref() else {
        return SwitchingRun {
            tracks: vec![None; scenario.services.len()],
            installs: vec![0.0; scenario.switching.len()],
        };
    };
    let people = &world.people;
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
    let mut rules: Vec<RuleState> = plan
        .rules
        .iter()
        .map(|rule| RuleState {
            holders: rule.holders.clone(),
            gained: None,
            installed: 0,
        })
        .collect();
    let mut tracking: Vec<Tracking<'_>> = world
        .pairwise
        .iter()
        .enumerate()
        .filter_map(|(service, pairwise)| {
            let pairwise = pairwise.as_ref()?;
            Some(Tracking {
                service,
                pairwise,
                sets: Cow::Borrowed(&pairwise.sets),
                up: None,
                all_up: false,
                reach: memo.get(service, pairwise.all_channels(), pairwise, people, graph),
                only: None,
                weights: Arc::new(pairwise.weights.clone()),
                track: ServiceTrack {
                    cut_by_segment: Vec::with_capacity(slices.len()),
                    pairwise_only: Vec::new(),
                    ties_cut_share: Vec::with_capacity(slices.len()),
                    reachable_share: Vec::with_capacity(slices.len()),
                    weights: Vec::with_capacity(slices.len()),
                    ever_cut_off: FixedBitSet::with_capacity(people.count()),
                },
            })
        })
        .collect();
    let agents = people.count();
    for (s, slice) in slices.iter().enumerate() {
        for state in &mut tracking {
            let up = state.pairwise.set_of(up_platforms[s]);
            if state.up == Some(up) {
                continue;
            }
            state.up = Some(up);
            state.all_up = up == state.pairwise.all_channels();
            state.only = None;
            state.reach = if state.all_up || matches!(state.sets, Cow::Borrowed(_)) {
                // Every channel back: nobody is cut off and no tie is cut, so nobody installs
                // until something fails again (which counts afresh); the giant component can
                // only have grown from the normal one, so the series shows the normal one. Or
                // nobody has installed yet: the counts of the world's own sets.
                let up = if state.all_up {
                    state.pairwise.all_channels()
                } else {
                    up
                };
                memo.get(state.service, up, state.pairwise, people, graph)
            } else {
                Arc::new(reach::compute(
                    state.pairwise,
                    &state.sets,
                    up,
                    people,
                    graph,
                ))
            };
            // Installs between changes only let more people reach someone: everyone cut off
            // until the next change is cut off now.
            ever::add_cut(
                &mut state.track.ever_cut_off,
                &state.pairwise.reaches_normally,
                &state.reach.reaching,
            );
        }
        for state in &mut tracking {
            let reach = &state.reach;
            state
                .track
                .cut_by_segment
                .push(reach.cut_by_segment.clone());
            if let Some(outside) = outsides.map(|o| &o[s]) {
                if let Some(free) = outside.free.as_ref() {
                    let only = match &state.only {
                        Some((counted, only)) if Arc::ptr_eq(counted, outside) => only.clone(),
                        _ => {
                            let only = union::pairwise_only_by_segment(
                                people,
                                &state.pairwise.reaches_normally,
                                &reach.reaching,
                                free,
                            );
                            state.only = Some((Arc::clone(outside), only.clone()));
                            only
                        }
                    };
                    state.track.pairwise_only.push(only);
                }
            }
            state.track.ties_cut_share.push(reach.ties_cut_share);
            state.track.reachable_share.push(reach.reachable_share);
            state.track.weights.push(Arc::clone(&state.weights));
        }
        // Installs during the slice take effect at its end; only people cut off start them.
        let anyone_cut_off = tracking
            .iter()
            .any(|state| !state.all_up && state.reach.cut_by_segment.iter().any(|&n| n > 0.0));
        if !anyone_cut_off {
            continue;
        }
        for (r, rule) in scenario.switching.iter().enumerate() {
            let probability = 1.0 - (-rule.base_rate_per_hour * slice.length()).exp();
            if probability <= 0.0 {
                continue;
            }
            let Ok(gap) = Geometric::new(probability) else {
                continue;
            };
            // Every agent cut off (from any pairwise service, so a person cut off from two is
            // drawn once) who lacks the platform installs with `probability`.
            let holders = &rules[r].holders;
            let candidate = |person: usize| {
                !holders.contains(person)
                    && tracking.iter().any(|state| {
                        !state.all_up
                            && state.pairwise.reaches_normally.contains(person)
                            && !state.reach.reaching.contains(person)
                    })
            };
            let mut seeds: Vec<u32> = Vec::new();
            let rng = &mut rngs[r];
            if probability < 1.0 / 64.0 {
                // Few draws: skip ahead geometrically through all agents, keep the candidates.
                let mut agent = gap.sample(rng);
                while agent < agents as u64 {
                    if candidate(agent as usize) {
                        seeds.push(agent as u32);
                    }
                    agent = agent.saturating_add(1).saturating_add(gap.sample(rng));
                }
            } else {
                // Many draws: skip geometrically through the candidates themselves, 64 at a time.
                let words = candidate_words(&tracking, holders);
                let mut skip = gap.sample(rng);
                for (w, mut word) in words.enumerate() {
                    while word != 0 {
                        let count = u64::from(word.count_ones());
                        if skip >= count {
                            skip -= count;
                            break;
                        }
                        for _ in 0..skip {
                            word &= word - 1;
                        }
                        seeds.push(
                            (w * usize::BITS as usize + word.trailing_zeros() as usize) as u32,
                        );
                        word &= word - 1;
                        skip = gap.sample(rng);
                    }
                }
            }
            if seeds.is_empty() {
                continue;
            }
            let state = &mut rules[r];
            for &seed in &seeds {
                state.holders.insert(seed as usize);
            }
            let new = match &plan.rules[r].waiting_for {
                Some(waiting_for) => {
                    let gained = state
                        .gained
                        .get_or_insert_with(|| locality::zeroed(waiting_for.len()));
                    spread(graph, waiting_for, gained, &mut state.holders, seeds)
                }
                None => seeds,
            };
            state.installed += new.len() as u64;
            for state in &mut tracking {
                let added = plan.rules[r].channel_in[state.service];
                if added != 0 {
                    for &person in &new {
                        install(state, person, added, graph, people);
                    }
                }
            }
        }
    }
    let mut tracks = vec![None; scenario.services.len()];
    for state in tracking {
        tracks[state.service] = Some(state.track);
    }
    SwitchingRun {
        tracks,
        installs: rules.iter().map(|rule| rule.installed as f64).collect(),
    }
}

/// The people who may install a rule's platform, 64 to a word: cut off from a pairwise service
/// (normally reaching someone, now no one) and not holding it.
fn candidate_words<'a>(
    tracking: &'a [Tracking<'_>],
    holders: &'a FixedBitSet,
) -> impl Iterator<Item = usize> + 'a {
    holders
        .as_slice()
        .iter()
        .enumerate()
        .map(move |(w, &held)| {
            let cut_off = tracking
                .iter()
                .filter(|state| !state.all_up)
                .fold(0, |cut, state| {
                    let normally = state.pairwise.reaches_normally.as_slice()[w];
                    cut | (normally & !state.reach.reaching.as_slice()[w])
                });
            cut_off & !held
        })
}

/// Updates the counts after `person` installed the platform of the channels `added`.
fn install(
    state: &mut Tracking<'_>,
    person: u32,
    added: u16,
    graph: &ContactGraph,
    people: &People,
) {
    let p = person as usize;
    let old = state.sets[p];
    if old & added == added {
        return;
    }
    let new = old | added;
    if let Cow::Borrowed(sets) = state.sets {
        // The first install of the replication: copy the world's sets, in huge pages.
        state.sets = Cow::Owned(locality::filled(sets.len(), |agent| sets[agent]));
    }
    state.sets.to_mut()[p] = new;
    let subsets = state.pairwise.subsets();
    let own_segment = people.segment_of(p);
    let own_share = 1.0 / graph.degree(person).max(1) as f64;
    let normal = &state.pairwise.sets;
    for &contact in graph.neighbours(person) {
        let c = contact as usize;
        let theirs = state.sets[c];
        // Only a contact who holds the new platform shares something new with the installer.
        if theirs & added == 0 {
            continue;
        }
        let (was, is) = (old & theirs, new & theirs);
        let up = state.up.unwrap_or(0);
        if !state.all_up && is & up != 0 && was & up == 0 {
            let reach = Arc::make_mut(&mut state.reach);
            state.only = None;
            for who in [p, c] {
                if !reach.reaching.put(who) && state.pairwise.reaches_normally.contains(who) {
                    reach.cut_by_segment[people.segment_of(who)] -= 1.0;
                }
            }
            if normal[p] & normal[c] != 0 {
                reach.ties_cut = reach.ties_cut.saturating_sub(1);
                reach.ties_cut_share = reach.ties_cut as f64 / graph.tie_count().max(1) as f64;
            }
        }
        let their_segment = people.segment_of(c);
        let their_share = 1.0 / graph.degree(contact).max(1) as f64;
        let weights = Arc::make_mut(&mut state.weights);
        weights[own_segment * subsets + usize::from(was)] -= own_share;
        weights[own_segment * subsets + usize::from(is)] += own_share;
        weights[their_segment * subsets + usize::from(was)] -= their_share;
        weights[their_segment * subsets + usize::from(is)] += their_share;
    }
}
