//! The reference needs: every agent's needs of one service drawn one by one (for a pairwise
//! service, each to a contact drawn uniformly), each walked through the channels twice on one
//! uniform per channel (the run with nothing failed, then the event run), and every agent's
//! cut-off checked tick by tick. ARCHITECTURE.md, "Needs", "Damage against the baseline", "Cut
//! off" and "Pairwise services", line by line.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use concrisk::scenario::{Channel, Scenario, Service};
use concrisk::world::World;
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::contacts::{Social, platform_set};
use super::timeline::Timeline;

/// Damage to one service in agent units (not yet scaled), by segment.
pub struct ServiceDamage {
    pub unmet: Vec<f64>,
    pub delayed: Vec<f64>,
    pub extra_hours: Vec<f64>,
    pub cut_off_hours: Vec<f64>,
    /// Agents cut off at some tick, by segment.
    pub ever_cut_off: Vec<f64>,
    pub peak_cut_off_share: f64,
    /// Agent-hours weighted by the chance that a need finds no channel that serves it, beyond
    /// the baseline's chance.
    pub stranded_hours: Vec<f64>,
    pub peak_stranded_share: f64,
}

/// The union over services, agent by agent and tick by tick, filled service by service.
pub struct Union {
    /// `[tick][agent]`: cut off from at least one service.
    pub cut: Vec<Vec<bool>>,
    /// `[tick][agent]`: the chance that the event loses no service's need that the baseline
    /// serves; empty for a scenario with a pairwise service.
    pub spared: Vec<Vec<f64>>,
}

/// The run with nothing failed, or the run with the events.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    Baseline,
    Event,
}

/// A clock hour (cut to the horizon): its ticks and its hour of the day.
struct Window {
    ticks: std::ops::Range<usize>,
    hour_of_day: usize,
}

/// Ticks grouped by the clock hour their middle falls in.
fn clock_hours(start_hour: f64, dt: f64, ticks: usize) -> Vec<Window> {
    let mut windows: Vec<(i64, Window)> = Vec::new();
    for k in 0..ticks {
        let clock = (start_hour + (k as f64 + 0.5) * dt).floor() as i64;
        match windows.last_mut() {
            Some((hour, window)) if *hour == clock => window.ticks.end = k + 1,
            _ => windows.push((
                clock,
                Window {
                    ticks: k..k + 1,
                    hour_of_day: clock.rem_euclid(24) as usize,
                },
            )),
        }
    }
    windows.into_iter().map(|(_, window)| window).collect()
}

/// Everything about one service that the walks read.
struct ServiceView<'a> {
    scenario: &'a Scenario,
    service: &'a Service,
    timeline: &'a Timeline,
    /// For each channel, its platform's bit in an agent's set (0 for offline channels).
    bits: Vec<u64>,
}

impl ServiceView<'_> {
    /// How channel `c` treats an agent holding `set`, of `segment`, at tick `k`: `None` when it is
    /// skipped at no cost (a platform they do not hold, an offline channel closed to them), else
    /// the probability that it serves. `acceptance` is the clock hour's, for this run.
    fn chance(
        &self,
        c: usize,
        run: Run,
        (set, segment): (u64, usize),
        k: usize,
        acceptance: &[f64],
    ) -> Option<f64> {
        match &self.service.channels[c] {
            Channel::Platform(node) => (set & self.bits[c] != 0).then(|| match run {
                Run::Baseline => 1.0,
                Run::Event => self.timeline.capacity[*node][k],
            }),
            Channel::Offline(offline) => {
                (offline.open_to[segment]).then(|| offline.success * acceptance[c])
            }
        }
    }

    /// Walks one need through the channels: the channel that serves it (if any) and the minutes
    /// spent on offline attempts.
    fn walk(
        &self,
        run: Run,
        agent: (u64, usize),
        k: usize,
        acceptance: &[f64],
        uniforms: &[f64],
    ) -> (Option<usize>, f64) {
        let mut minutes = 0.0;
        for (c, channel) in self.service.channels.iter().enumerate() {
            let Some(p) = self.chance(c, run, agent, k, acceptance) else {
                continue;
            };
            if let Channel::Offline(offline) = channel {
                minutes += offline.extra_minutes;
            }
            if uniforms[c] < p {
                return (Some(c), minutes);
            }
        }
        (None, minutes)
    }

    /// The chance that no channel serves a need of `agent` at tick `k`: the product over the
    /// channels open to them of the chance that each does not serve.
    fn unserved(&self, run: Run, agent: (u64, usize), k: usize, acceptance: &[f64]) -> f64 {
        (0..self.service.channels.len())
            .map(|c| 1.0 - self.chance(c, run, agent, k, acceptance).unwrap_or(0.0))
            .product()
    }

    /// Each channel's acceptance in one clock hour for one run: `min(1, capacity_per_hour × hours
    /// / expected attempts)`, channel by channel in order, since an earlier offline channel's
    /// acceptance decides who reaches a later one. The expected attempts are the sum over agents
    /// (for a pairwise service, over their ties, each weighing 1 / degree) and ticks of need rate
    /// × dt × the chance of reaching the channel; needs alike in segment and platforms
    /// (`groups[tick in the window]`) have equal terms, so their term is taken once times their
    /// weight.
    fn acceptance(&self, run: Run, window: &Window, groups: &[Rc<Groups>]) -> Vec<f64> {
        let dt = self.timeline.dt;
        let scale = self.scenario.scale();
        let channels = self.service.channels.len();
        let mut acceptance = vec![1.0; channels];
        for c in 0..channels {
            let Channel::Offline(offline) = &self.service.channels[c] else {
                continue;
            };
            let Some(capacity_per_hour) = offline.capacity_per_hour else {
                continue;
            };
            let mut attempts = 0.0;
            for (k, groups) in window.ticks.clone().zip(groups) {
                for (&(segment, set), &count) in groups.iter() {
                    if !offline.open_to[segment] {
                        continue;
                    }
                    let rate = self.service.demand_per_day[segment] / 24.0
                        * self.service.profile[window.hour_of_day];
                    let reach: f64 = (0..c)
                        .map(|before| {
                            1.0 - self
                                .chance(before, run, (set, segment), k, &acceptance)
                                .unwrap_or(0.0)
                        })
                        .product();
                    attempts += count * rate * dt * reach;
                }
            }
            let capacity = capacity_per_hour * window.ticks.len() as f64 * dt;
            let people_attempting = attempts * scale;
            if people_attempting > capacity {
                acceptance[c] = capacity / people_attempting;
            }
        }
        acceptance
    }
}

/// Needs alike for the offline channels' expected attempts: (segment, platforms that can carry
/// them) → agents (or shares of agents' needs, for a pairwise service).
type Groups = BTreeMap<(usize, u64), f64>;

/// A Poisson count by inverting its distribution function (means here are a few needs at most).
fn poisson(mean: f64, rng: &mut Xoshiro256PlusPlus) -> u32 {
    let u = rng.random::<f64>();
    let mut k = 0;
    let mut p = (-mean).exp();
    let mut cdf = p;
    while u > cdf && p > 0.0 {
        k += 1;
        p *= mean / f64::from(k);
        cdf += p;
    }
    k
}

/// Simulates every agent's needs of service `s` over the first `ticks` ticks of the timeline.
/// For a pairwise service each need goes to a contact drawn uniformly, and the platforms are
/// those both hold at that tick (`social`); agents with no contacts have no such needs.
pub fn simulate(
    world: &World,
    s: usize,
    timeline: &Timeline,
    social: &Social,
    ticks: usize,
    rng: &mut Xoshiro256PlusPlus,
    union: &mut Union,
) -> ServiceDamage {
    let scenario = &world.scenario;
    let service = &scenario.services[s];
    let dt = timeline.dt;
    let segments = scenario.segments.len();
    let platforms = &world.people.platforms;
    let starts = &world.people.segment_starts;
    let agents_of = |g: usize| starts[g] as usize..starts[g + 1] as usize;
    let bits: Vec<u64> = service
        .channels
        .iter()
        .map(|channel| match channel {
            Channel::Platform(node) => world.platform_bit[*node].map_or_else(
                || panic!("channel node {node} is not a platform"),
                |bit| 1u64 << bit,
            ),
            Channel::Offline(_) => 0,
        })
        .collect();
    let view = ServiceView {
        scenario,
        service,
        timeline,
        bits,
    };
    let service_set = platform_set(world, service);
    // The service's platforms that are up at each tick, over the extended timeline.
    let up_sets: Vec<u64> = (0..timeline.up[0].len())
        .map(|k| {
            service
                .channels
                .iter()
                .zip(&view.bits)
                .filter(|(channel, _)| matches!(channel, Channel::Platform(node) if timeline.up[*node][k]))
                .fold(0, |all, (_, bit)| all | bit)
        })
        .collect();
    // Cut off: holds at least one of the service's platforms (for a pairwise need, one both
    // people hold), and every one held is down.
    let cut_off = |set: u64, k: usize| {
        let held = set & service_set;
        held != 0 && held & up_sets[k] == 0
    };
    let graph = world.contacts.as_ref().filter(|_| service.pairwise);
    // What a need of `agent` at tick `k` can use: their platforms, or for a pairwise service
    // the platforms they and the contact `to` hold.
    let usable = |agent: usize, to: Option<usize>, k: usize| match to {
        Some(contact) => social.holdings(world, agent, k) & social.holdings(world, contact, k),
        None => platforms[agent],
    };

    let mut damage = ServiceDamage {
        unmet: vec![0.0; segments],
        delayed: vec![0.0; segments],
        extra_hours: vec![0.0; segments],
        cut_off_hours: vec![0.0; segments],
        ever_cut_off: vec![0.0; segments],
        peak_cut_off_share: 0.0,
        stranded_hours: vec![0.0; segments],
        peak_stranded_share: 0.0,
    };

    if let Some(pairwise) = &social.pairwise[s] {
        damage.cut_off_hours.clone_from(&pairwise.cut_off_hours);
        for g in 0..segments {
            damage.ever_cut_off[g] =
                agents_of(g).filter(|&a| pairwise.ever_cut_off[a]).count() as f64;
        }
        damage.peak_cut_off_share = pairwise.peak_cut_off_share;
    } else {
        // Cut-off, agent by agent and tick by tick.
        let agents = platforms.len();
        let mut ever = vec![false; agents];
        for k in 0..ticks {
            let mut cut = 0usize;
            for g in 0..segments {
                for agent in agents_of(g) {
                    if cut_off(platforms[agent], k) {
                        damage.cut_off_hours[g] += dt;
                        union.cut[k][agent] = true;
                        ever[agent] = true;
                        cut += 1;
                    }
                }
            }
            damage.peak_cut_off_share = damage.peak_cut_off_share.max(cut as f64 / agents as f64);
        }
        for g in 0..segments {
            damage.ever_cut_off[g] = agents_of(g).filter(|&a| ever[a]).count() as f64;
        }
    }

    // Needs alike for the offline channels' expected attempts, tick by tick (only a pairwise
    // service's change, as people install), when some channel has a capacity.
    let congested = service.channels.iter().any(
        |channel| matches!(channel, Channel::Offline(offline) if offline.capacity_per_hour.is_some()),
    );
    let mut cache: HashMap<usize, Rc<Groups>> = HashMap::new();
    let mut groups_at = |k: usize| -> Rc<Groups> {
        let version = if graph.is_some() {
            social.version(k)
        } else {
            0
        };
        cache
            .entry(version)
            .or_insert_with(|| {
                let mut groups = Groups::new();
                for g in 0..segments {
                    for agent in agents_of(g) {
                        match graph {
                            Some(graph) => {
                                let row = graph.neighbours(agent as u32);
                                for &contact in row {
                                    let set = usable(agent, Some(contact as usize), k);
                                    *groups.entry((g, set & service_set)).or_default() +=
                                        1.0 / row.len() as f64;
                                }
                            }
                            None => {
                                *groups
                                    .entry((g, usable(agent, None, k) & service_set))
                                    .or_default() += 1.0;
                            }
                        }
                    }
                }
                Rc::new(groups)
            })
            .clone()
    };

    let mut uniforms = vec![0.0; service.channels.len()];
    for window in clock_hours(scenario.run.start_hour, dt, ticks) {
        let groups: Vec<Rc<Groups>> = if congested {
            window.ticks.clone().map(&mut groups_at).collect()
        } else {
            Vec::new()
        };
        let acceptance_baseline = view.acceptance(Run::Baseline, &window, &groups);
        let acceptance_event = view.acceptance(Run::Event, &window, &groups);
        // Stranded, tick by tick: the chance depends only on the segment, the service's platforms
        // a need can use and the tick, so it is taken once per group of alike needs times the
        // group's weight (agents, or for a pairwise service ties weighing 1 / degree: the
        // groups of the acceptance above). The union still goes agent by agent.
        for k in window.ticks.clone() {
            let groups = groups_at(k);
            let mut stranded = 0.0;
            let mut chances: HashMap<(usize, u64), f64> = HashMap::new();
            for (&(g, set), &weight) in groups.iter() {
                let chance = view.unserved(Run::Event, (set, g), k, &acceptance_event)
                    - view.unserved(Run::Baseline, (set, g), k, &acceptance_baseline);
                damage.stranded_hours[g] += weight * chance * dt;
                stranded += weight * chance;
                chances.insert((g, set), chance);
            }
            if graph.is_none() && !union.spared.is_empty() {
                for g in 0..segments {
                    for agent in agents_of(g) {
                        let lost = chances[&(g, usable(agent, None, k) & service_set)];
                        union.spared[k][agent] *= 1.0 - lost.max(0.0);
                    }
                }
            }
            damage.peak_stranded_share = damage
                .peak_stranded_share
                .max(stranded / platforms.len() as f64);
        }
        let begin = window.ticks.start as f64 * dt;
        let hours = window.ticks.len() as f64 * dt;
        for g in 0..segments {
            let mean =
                service.demand_per_day[g] / 24.0 * service.profile[window.hour_of_day] * hours;
            for agent in agents_of(g) {
                let contacts = graph.map(|graph| graph.neighbours(agent as u32));
                if contacts.is_some_and(|row| row.is_empty()) {
                    continue;
                }
                for _ in 0..poisson(mean, rng) {
                    // A Poisson process of constant rate in the hour: each need at a uniform time.
                    let time = begin + rng.random::<f64>() * hours;
                    let k = ((time / dt) as usize).clamp(window.ticks.start, window.ticks.end - 1);
                    let to = contacts.map(|row| row[rng.random_range(0..row.len())] as usize);
                    let set = usable(agent, to, k);
                    for u in uniforms.iter_mut() {
                        *u = rng.random::<f64>();
                    }
                    let (base, base_minutes) =
                        view.walk(Run::Baseline, (set, g), k, &acceptance_baseline, &uniforms);
                    let (event, event_minutes) =
                        view.walk(Run::Event, (set, g), k, &acceptance_event, &uniforms);
                    // The coupling: what the event run serves, the baseline serves no later.
                    assert!(
                        match (base, event) {
                            (Some(i), Some(j)) => i <= j,
                            (None, served) => served.is_none(),
                            (Some(_), None) => true,
                        },
                        "coupling broken: baseline {base:?}, event {event:?}"
                    );
                    damage.extra_hours[g] += (event_minutes - base_minutes) / 60.0;
                    if base.is_some() && event.is_none() {
                        if deferred(service, set, k, time, &cut_off, up_sets.len(), dt) {
                            damage.delayed[g] += 1.0;
                        } else {
                            damage.unmet[g] += 1.0;
                        }
                    }
                }
            }
        }
    }
    damage
}

/// Whether a need at `time` (tick `k`) that no channel served is met late: the service is
/// deferrable and the person is not cut off then, or their cut-off ends within
/// `deferrable_hours`.
fn deferred(
    service: &Service,
    set: u64,
    k: usize,
    time: f64,
    cut_off: &dyn Fn(u64, usize) -> bool,
    timeline_ticks: usize,
    dt: f64,
) -> bool {
    if service.deferrable_hours <= 0.0 {
        return false;
    }
    if !cut_off(set, k) {
        return true;
    }
    let mut end = k + 1;
    while end < timeline_ticks && cut_off(set, end) {
        end += 1;
    }
    // Still cut off at the end of the extended timeline: the wait is longer than any allowed.
    end < timeline_ticks && end as f64 * dt - time <= service.deferrable_hours
}
