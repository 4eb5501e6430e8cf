//! Who can still reach whom, for a pairwise service: the people who can reach none of their
//! contacts, the ties with no shared working platform, and the largest connected component of the
//! ties that still work. Before anyone switches they are a function of the set of platforms up
//! alone, and that set recurs across slices and replications, so each distinct set is counted
//! once per run and remembered.
//!
//! A tie can work only between two people who both hold a platform channel that is up, so the
//! count walks the rows of those people alone: while the platform nearly everyone holds is down,
//! that is the few who hold another one, and the count costs a small share of a pass over every
//! tie.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

use crate::agent_set::{self, ChunkBits};
use crate::contacts::{ContactGraph, largest_component_share_among};
use crate::world::{Pairwise, People};

/// Reachability of one pairwise service when some of its platform channels are up.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Agents cut off, by segment: they normally share a platform with some contact, and now
    /// share a working one with none.
    pub cut_by_segment: Vec<f64>,
    /// Ties that normally work and now do not.
    pub ties_cut: u64,
    /// Share of all ties that normally work and now do not.
    pub ties_cut_share: f64,
    /// Share of all agents in the largest connected component of working ties.
    pub reachable_share: f64,
    /// Agents who share a working platform with at least one contact.
    pub reaching: FixedBitSet,
}

/// Remembers [`Reach`] by (service, platform channels up), for the sets people hold before
/// anyone switches.
#[derive(Default)]
pub struct ReachMemo {
    entries: Mutex<HashMap<(usize, u16), Arc<Reach>>>,
}

/// Agents per parallel chunk: a whole number of bitset blocks, and fixed, so that results do
/// not depend on the thread count.
const CHUNK: usize = 1 << 14;

impl ReachMemo {
    /// The reach of pairwise service `service` when its platform channels `up` are up and
    /// everyone holds what they held at the start. Computed outside the lock: two replications
    /// may compute the same entry at once, and get the same value.
    pub fn get(
        &self,
        service: usize,
        up: u16,
        pairwise: &Pairwise,
        people: &People,
        graph: &ContactGraph,
    ) -> Arc<Reach> {
        let key = (service, up);
        if let Some(found) = self
            .entries
            .lock()
            .ok()
            .and_then(|map| map.get(&key).cloned())
        {
            return found;
        }
        let reach = Arc::new(compute(pairwise, &pairwise.sets, up, people, graph));
        if let Ok(mut map) = self.entries.lock() {
            map.entry(key).or_insert_with(|| reach.clone());
        }
        reach
    }
}

/// Counts who reaches whom when the platform channels `up` are up and people hold the channel
/// sets `sets` (the world's, or a replication's after some people installed a platform),
/// against the world's normal state.
///
/// # Complexity
/// O(agents + the ties of the people who hold a channel that is up), in parallel.
pub fn compute(
    pairwise: &Pairwise,
    sets: &[u16],
    up: u16,
    people: &People,
    graph: &ContactGraph,
) -> Reach {
    let starts = &people.segment_starts;
    let segments = starts.len() - 1;
    let agents = sets.len();
    let normal = &pairwise.sets;
    let holds_up = |person: usize| sets[person] & up != 0;
    let partial: Vec<(ChunkBits, Vec<u64>, u64)> = (0..agents)
        .into_par_iter()
        .step_by(CHUNK)
        .map(|first| {
            let last = (first + CHUNK).min(agents);
            let mut reaching = ChunkBits::new(first, last);
            let mut still_reaching = vec![0u64; segments];
            let mut still_working = 0u64;
            let mut segment = people.segment_of(first);
            let mut person = first;
            while person < last {
                // Skip the people who hold no channel that is up without touching their rows.
                if !holds_up(person) {
                    person += 1;
                    continue;
                }
                let run_end = (person..last).find(|&p| !holds_up(p)).unwrap_or(last);
                graph.for_each_row(person..run_end, sets, |person, contacts| {
                    while person as u64 >= starts[segment + 1] {
                        segment += 1;
                    }
                    let own = sets[person] & up;
                    let mut reaches = false;
                    for &contact in contacts {
                        let c = contact as usize;
                        if own & sets[c] != 0 {
                            reaches = true;
                            if c > person && normal[person] & normal[c] != 0 {
                                still_working += 1;
                            }
                        }
                    }
                    if reaches {
                        reaching.insert(person);
                        if pairwise.reaches_normally.contains(person) {
                            still_reaching[segment] += 1;
                        }
                    }
                });
                person = run_end;
            }
            (reaching, still_reaching, still_working)
        })
        .collect();
    let mut blocks = Vec::with_capacity(partial.len());
    let mut still_reaching = vec![0u64; segments];
    let mut still_working = 0u64;
    for (chunk_blocks, chunk_reaching, chunk_working) in partial {
        blocks.push(chunk_blocks);
        for (total, count) in still_reaching.iter_mut().zip(chunk_reaching) {
            *total += count;
        }
        still_working += chunk_working;
    }
    let ties_cut = pairwise.working_ties.saturating_sub(still_working);
    let reachable_share = largest_component_share_among(
        graph,
        |v| holds_up(v as usize),
        |a, b| sets[a as usize] & sets[b as usize] & up != 0,
    );
    Reach {
        cut_by_segment: pairwise
            .reaching_by_segment
            .iter()
            .zip(&still_reaching)
            .map(|(normally, still)| normally.saturating_sub(*still) as f64)
            .collect(),
        ties_cut,
        ties_cut_share: ties_cut as f64 / graph.tie_count().max(1) as f64,
        reachable_share,
        reaching: agent_set::join(agents, blocks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::test_support::largest_by_search;
    use crate::scenario;
    use crate::world::World;
    use proptest::prelude::*;

    /// Three segments on a stochastic block graph; four messengers held independently, so every
    /// set of them occurs.
    const FOUR_MESSENGERS: &str = r#"
[scenario]
name = "four messengers"
[run]
horizon_hours = 10
agents = 3000
seed = 9
[population]
size = 3000
[[population.segments]]
id = "a"
share = 0.5
[[population.segments]]
id = "b"
share = 0.3
[[population.segments]]
id = "c"
share = 0.2
[social]
model = "stochastic_block"
mean_degree = 6
homophily = 0.5
[[platforms]]
id = "m1"
[[platforms]]
id = "m2"
[[platforms]]
id = "m3"
[[platforms]]
id = "m4"
[[adoption]]
platform = "m1"
share = 0.8
[[adoption]]
platform = "m2"
share = 0.3
[[adoption]]
platform = "m3"
share = 0.2
[[adoption]]
platform = "m4"
share = { default = 0.1, c = 0.4 }
[[services]]
id = "messaging"
pairwise = true
demand_per_day = 5
channels = [{ platform = "m1" }, { offline = "sms" }, { platform = "m2" }, { platform = "m3" }, { platform = "m4" }]
"#;

    fn world() -> World {
        let scenario = scenario::parse(FOUR_MESSENGERS, "four.toml")
            .unwrap_or_else(|e| panic!("valid scenario: {e}"));
        World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"))
    }

    /// Everything `compute` counts, counted tie by tie, with the largest component by search.
    fn naive(world: &World, sets: &[u16], up: u16) -> (Vec<f64>, u64, f64, Vec<bool>) {
        let graph = world
            .contacts
            .as_ref()
            .unwrap_or_else(|| panic!("contacts"));
        let normal = &world.pairwise[0]
            .as_ref()
            .unwrap_or_else(|| panic!("pairwise"))
            .sets;
        let n = sets.len();
        let starts = &world.people.segment_starts;
        let works = |a: usize, b: usize| sets[a] & sets[b] & up != 0;
        let mut cut = vec![0.0; starts.len() - 1];
        let mut ties_cut = 0;
        let mut reaching = vec![false; n];
        for person in 0..n {
            let row = graph.neighbours(person as u32);
            let normally = row
                .iter()
                .any(|&c| normal[person] & normal[c as usize] != 0);
            reaching[person] = row.iter().any(|&c| works(person, c as usize));
            if normally && !reaching[person] {
                cut[world.people.segment_of(person)] += 1.0;
            }
            ties_cut += row
                .iter()
                .filter(|&&c| {
                    c as usize > person
                        && normal[person] & normal[c as usize] != 0
                        && !works(person, c as usize)
                })
                .count() as u64;
        }
        let largest = largest_by_search(graph, |a, b| works(a as usize, b as usize));
        (cut, ties_cut, largest as f64 / n as f64, reaching)
    }

    fn check(world: &World, sets: &[u16], up: u16) -> Result<(), TestCaseError> {
        let graph = world
            .contacts
            .as_ref()
            .unwrap_or_else(|| panic!("contacts"));
        let pairwise = world.pairwise[0]
            .as_ref()
            .unwrap_or_else(|| panic!("pairwise"));
        let reach = compute(pairwise, sets, up, &world.people, graph);
        let (cut, ties_cut, largest, reaching) = naive(world, sets, up);
        prop_assert_eq!(&reach.cut_by_segment, &cut, "up {:04b}", up);
        prop_assert_eq!(reach.ties_cut, ties_cut, "up {:04b}", up);
        prop_assert_eq!(reach.reachable_share, largest, "up {:04b}", up);
        let bits: Vec<bool> = (0..sets.len())
            .map(|p| reach.reaching.contains(p))
            .collect();
        prop_assert_eq!(bits, reaching);
        Ok(())
    }

    /// The world's own sets, with every set of messengers up: nobody is cut off with all up,
    /// and every count agrees with the tie-by-tie one.
    #[test]
    fn every_set_of_platforms_up_matches_a_count_tie_by_tie() {
        let world = world();
        let pairwise = world.pairwise[0]
            .as_ref()
            .unwrap_or_else(|| panic!("pairwise"));
        for up in 0..16u16 {
            check(&world, &pairwise.sets, up).unwrap_or_else(|e| panic!("{e}"));
        }
        let graph = world
            .contacts
            .as_ref()
            .unwrap_or_else(|| panic!("contacts"));
        let all = compute(pairwise, &pairwise.sets, 15, &world.people, graph);
        assert!(all.cut_by_segment.iter().all(|&c| c == 0.0) && all.ties_cut == 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// After installs (sets that only grow), the counts still agree with the tie by tie
        /// ones, measured against the world's normal state.
        #[test]
        fn installs_are_counted_against_the_normal_state(
            installs in proptest::collection::vec((0usize..3000, 0u16..4), 0..400),
            up in 0u16..16,
        ) {
            let world = world();
            let pairwise = world.pairwise[0].as_ref().unwrap_or_else(|| panic!("pairwise"));
            let mut sets = pairwise.sets.clone();
            for (person, channel) in installs {
                sets[person] |= 1 << channel;
            }
            check(&world, &sets, up)?;
        }
    }
}
