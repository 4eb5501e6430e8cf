//! The reference contact side, agent by agent and tick by tick: for every pairwise service, who
//! can reach none of their contacts, how many ties are cut and the largest component of working
//! ties (by breadth-first search); and the installs of `[[behaviour.switching]]`: every agent cut
//! off draws at the base rate, then the threshold rule runs in synchronous rounds, and installs
//! hold from the next tick. ARCHITECTURE.md, "Pairwise services" and "Switching", line by line.

use concrisk::contacts::ContactGraph;
use concrisk::scenario::{Channel, Service};
use concrisk::world::World;
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::timeline::Timeline;

/// What happened on the contact graph in one replication.
pub struct Social {
    /// `[agent]`: the platforms the agent installed, each with the first tick it holds it.
    installed: Vec<Vec<(usize, u64)>>,
    /// `[tick]`: how many installs hold by then (the holdings change only when this does).
    installs_by_tick: Vec<usize>,
    /// `[service]`: the damage to each pairwise service.
    pub pairwise: Vec<Option<PairwiseDamage>>,
    /// `[rule]`: agents who installed its platform.
    pub installs: Vec<f64>,
    /// `[rule]`: agents who held its platform at the start.
    pub holders_before: Vec<f64>,
    /// `[tick][agent]`: cut off from at least one pairwise service (empty without contacts).
    pub cut_off_from_any: Vec<Vec<bool>>,
}

/// Cut-off, ties and the largest component of one pairwise service.
pub struct PairwiseDamage {
    /// `[segment]`: agent-hours cut off.
    pub cut_off_hours: Vec<f64>,
    /// `[agent]`: cut off at some tick.
    pub ever_cut_off: Vec<bool>,
    pub peak_cut_off_share: f64,
    pub ties_cut_peak_share: f64,
    pub reachable_min_share: f64,
}

impl Social {
    /// The platforms `agent` holds at tick `k`.
    pub fn holdings(&self, world: &World, agent: usize, k: usize) -> u64 {
        self.installed[agent]
            .iter()
            .filter(|(from, _)| *from <= k)
            .fold(world.people.platforms[agent], |held, (_, bit)| held | bit)
    }

    /// A number that changes whenever anyone's holdings change between ticks.
    pub fn version(&self, k: usize) -> usize {
        self.installs_by_tick.get(k).copied().unwrap_or(0)
    }
}

/// The platform bits of `service`'s platform channels.
pub fn platform_set(world: &World, service: &Service) -> u64 {
    service
        .channels
        .iter()
        .fold(0, |set, channel| match channel {
            Channel::Platform(node) => {
                set | world.platform_bit[*node].map_or_else(|| panic!("not a platform"), |b| 1 << b)
            }
            Channel::Offline(_) => set,
        })
}

/// Who reaches whom in one tick.
struct Tick {
    /// `[agent]`: shares a working platform with a contact.
    reaching: Vec<bool>,
    ties_cut: u64,
    largest: usize,
}

/// Counts, for one pairwise service whose platforms are `set`, who reaches whom when people hold
/// `held` and the platforms `up` are up; a tie is cut when it works with everything up and the
/// holdings of the start (`base`) and does not now.
fn count(graph: &ContactGraph, held: &[u64], base: &[u64], set: u64, up: u64) -> Tick {
    let n = held.len();
    let works = |a: usize, b: usize| held[a] & held[b] & set & up != 0;
    let reaching = reaching(graph, held, set, up);
    let mut ties_cut = 0;
    for a in 0..n {
        for &b in graph.neighbours(a as u32) {
            let b = b as usize;
            if b > a && base[a] & base[b] & set != 0 && !works(a, b) {
                ties_cut += 1;
            }
        }
    }
    let mut seen = vec![false; n];
    let mut largest = 0;
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut queue = std::collections::VecDeque::from([start]);
        let mut size = 0;
        while let Some(a) = queue.pop_front() {
            size += 1;
            for &b in graph.neighbours(a as u32) {
                let b = b as usize;
                if !seen[b] && works(a, b) {
                    seen[b] = true;
                    queue.push_back(b);
                }
            }
        }
        largest = largest.max(size);
    }
    Tick {
        reaching,
        ties_cut,
        largest,
    }
}

/// Who shares a working platform of `set` with a contact, when people hold `held` and the
/// platforms `up` are up.
fn reaching(graph: &ContactGraph, held: &[u64], set: u64, up: u64) -> Vec<bool> {
    (0..held.len())
        .map(|a| {
            graph
                .neighbours(a as u32)
                .iter()
                .any(|&b| held[a] & held[b as usize] & set & up != 0)
        })
        .collect()
}

/// Whether `count` contacts holding a platform out of `degree` reach `threshold` (the share rule
/// of Watts 2002: at least one, and count / degree ≥ threshold).
fn reaches(count: usize, degree: usize, threshold: f32) -> bool {
    count > 0 && count as f64 >= f64::from(threshold) * degree as f64
}

/// Steps the contact side through `ticks` ticks of the timeline.
pub fn simulate(
    world: &World,
    timeline: &Timeline,
    ticks: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Social {
    let scenario = &world.scenario;
    let n = world.people.count();
    let base = &world.people.platforms;
    let rule_bit = |platform: usize| {
        world.platform_bit[platform].map_or_else(|| panic!("not a platform"), |b| 1u64 << b)
    };
    let holders_before: Vec<f64> = scenario
        .switching
        .iter()
        .map(|rule| {
            base.iter()
                .filter(|&&h| h & rule_bit(rule.platform) != 0)
                .count() as f64
        })
        .collect();
    let mut social = Social {
        installed: vec![Vec::new(); n],
        installs_by_tick: vec![0; ticks + 1],
        pairwise: vec![],
        installs: vec![0.0; scenario.switching.len()],
        holders_before,
        cut_off_from_any: Vec::new(),
    };
    let Some(graph) = world.contacts.as_ref() else {
        social.pairwise = scenario.services.iter().map(|_| None).collect();
        return social;
    };
    let segments = scenario.segments.len();
    let segment_of = |agent: usize| {
        world
            .people
            .segment_starts
            .partition_point(|&s| s <= agent as u64)
            - 1
    };
    let services: Vec<(usize, u64)> = scenario
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.pairwise)
        .map(|(i, s)| (i, platform_set(world, s)))
        .collect();
    let normally: Vec<Vec<bool>> = services
        .iter()
        .map(|&(_, set)| count(graph, base, base, set, u64::MAX).reaching)
        .collect();
    let mut damage: Vec<PairwiseDamage> = services
        .iter()
        .map(|_| PairwiseDamage {
            cut_off_hours: vec![0.0; segments],
            ever_cut_off: vec![false; n],
            peak_cut_off_share: 0.0,
            ties_cut_peak_share: 0.0,
            reachable_min_share: 1.0,
        })
        .collect();
    // People at their threshold before anything happens have settled and never move.
    let settled: Vec<Vec<bool>> = scenario
        .switching
        .iter()
        .zip(&world.thresholds)
        .map(|(rule, thresholds)| {
            let bit = rule_bit(rule.platform);
            (0..n)
                .map(|a| match thresholds {
                    None => true,
                    Some(thresholds) => {
                        let row = graph.neighbours(a as u32);
                        let holding = row.iter().filter(|&&b| base[b as usize] & bit != 0).count();
                        reaches(holding, row.len(), thresholds[a])
                    }
                })
                .collect()
        })
        .collect();
    let mut held = base.clone();
    let mut installs_so_far = 0;
    let mut last: Option<(u64, usize, Vec<Tick>)> = None;
    for k in 0..ticks {
        let up: u64 = (0..scenario.nodes.len())
            .filter(|&node| timeline.up[node][k])
            .filter_map(|node| world.platform_bit[node])
            .fold(0, |up, bit| up | 1 << bit);
        // Counted afresh only when the platforms up or anyone's holdings change.
        if last
            .as_ref()
            .is_none_or(|(u, i, _)| (*u, *i) != (up, installs_so_far))
        {
            let counts = services
                .iter()
                .map(|&(_, set)| count(graph, &held, base, set, up))
                .collect();
            last = Some((up, installs_so_far, counts));
        }
        let Some((_, _, counts)) = last.as_ref() else {
            unreachable!("counted above")
        };
        // Cut off from any pairwise service: who may install.
        let cut_off_from_any = |reaching: &[&[bool]]| -> Vec<bool> {
            (0..n)
                .map(|a| (0..services.len()).any(|s| normally[s][a] && !reaching[s][a]))
                .collect()
        };
        let mut cut_off =
            cut_off_from_any(&counts.iter().map(|t| &t.reaching[..]).collect::<Vec<_>>());
        social.cut_off_from_any.push(cut_off.clone());
        for (s, tick) in counts.iter().enumerate() {
            let mut cut = 0;
            for (a, (&normally, &reaching)) in normally[s].iter().zip(&tick.reaching).enumerate() {
                if normally && !reaching {
                    damage[s].cut_off_hours[segment_of(a)] += timeline.dt;
                    damage[s].ever_cut_off[a] = true;
                    cut += 1;
                }
            }
            let d = &mut damage[s];
            d.peak_cut_off_share = d.peak_cut_off_share.max(cut as f64 / n as f64);
            d.ties_cut_peak_share = d
                .ties_cut_peak_share
                .max(tick.ties_cut as f64 / graph.tie_count().max(1) as f64);
            d.reachable_min_share = d.reachable_min_share.min(tick.largest as f64 / n as f64);
        }
        // Installs during the tick hold from the next one; each rule sees the installs of the
        // rules before it in the file.
        for (r, rule) in scenario.switching.iter().enumerate() {
            let bit = rule_bit(rule.platform);
            let probability = 1.0 - (-rule.base_rate_per_hour * timeline.dt).exp();
            let mut new: Vec<usize> = (0..n)
                .filter(|&a| cut_off[a] && held[a] & bit == 0)
                .filter(|_| rng.random::<f64>() < probability)
                .collect();
            let mut round = new.clone();
            // Counts of contacts holding the platform change only when someone installs.
            if let Some(thresholds) = world.thresholds[r].as_ref().filter(|_| !new.is_empty()) {
                loop {
                    for &a in &round {
                        held[a] |= bit;
                    }
                    round = (0..n)
                        .filter(|&a| held[a] & bit == 0 && !settled[r][a])
                        .filter(|&a| {
                            let row = graph.neighbours(a as u32);
                            let holding =
                                row.iter().filter(|&&b| held[b as usize] & bit != 0).count();
                            reaches(holding, row.len(), thresholds[a])
                        })
                        .collect();
                    if round.is_empty() {
                        break;
                    }
                    new.extend(&round);
                }
            }
            for &a in &new {
                held[a] |= bit;
                social.installed[a].push((k + 1, bit));
            }
            social.installs[r] += new.len() as f64;
            installs_so_far += new.len();
            if !new.is_empty() {
                // Later rules see who is still cut off after these installs.
                let now: Vec<Vec<bool>> = services
                    .iter()
                    .map(|&(_, set)| reaching(graph, &held, set, up))
                    .collect();
                cut_off = cut_off_from_any(&now.iter().map(|r| &r[..]).collect::<Vec<_>>());
            }
        }
        social.installs_by_tick[k + 1] = installs_so_far;
    }
    let mut damage = damage.into_iter();
    social.pairwise = scenario
        .services
        .iter()
        .map(|s| if s.pairwise { damage.next() } else { None })
        .collect();
    social
}
