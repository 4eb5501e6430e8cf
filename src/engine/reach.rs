//! Who can still reach whom, for a pairwise service: the people who can reach none of their
//! contacts, the ties with no shared working platform, and the largest connected component of the
//! ties that still work. Each is a function of the set of platforms that are up alone, and that
//! set recurs across slices and replications, so each distinct set is computed once per run
//! (O(ties)) and remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::contacts::{ContactGraph, largest_component_share};
use crate::world::People;

/// Reachability of one pairwise service when the platforms in `up` are up.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Agents cut off, by segment: they normally share a platform with some contact, and now
    /// share a working one with none.
    pub cut_by_segment: Vec<f64>,
    /// Share of all ties that normally work and now do not.
    pub ties_cut_share: f64,
    /// Share of all agents in the largest connected component of working ties.
    pub reachable_share: f64,
}

/// Remembers [`Reach`] by (service, platforms up).
#[derive(Default)]
pub struct ReachMemo {
    entries: Mutex<HashMap<(usize, u64), Arc<Reach>>>,
}

/// Agents per parallel chunk; fixed so that results do not depend on the thread count.
const CHUNK: usize = 1 << 14;

impl ReachMemo {
    /// The reach of `service` (whose platform channels are the platform bits `channels`) when
    /// the platforms `up` are up. Computed outside the lock: two replications may compute the
    /// same entry at once, and get the same value.
    pub fn get(
        &self,
        service: usize,
        channels: u64,
        up: u64,
        people: &People,
        graph: &ContactGraph,
    ) -> Arc<Reach> {
        let key = (service, up & channels);
        if let Some(found) = self
            .entries
            .lock()
            .ok()
            .and_then(|map| map.get(&key).cloned())
        {
            return found;
        }
        let reach = Arc::new(compute(channels, up & channels, people, graph));
        if let Ok(mut map) = self.entries.lock() {
            map.entry(key).or_insert_with(|| reach.clone());
        }
        reach
    }
}

/// # Complexity
/// O(ties), in parallel.
fn compute(channels: u64, up: u64, people: &People, graph: &ContactGraph) -> Reach {
    let platforms = &people.platforms;
    let segments = people.segment_starts.len() - 1;
    let agents = platforms.len();
    let partial: Vec<(Vec<u64>, u64)> = (0..agents)
        .into_par_iter()
        .step_by(CHUNK)
        .map(|first| {
            let mut cut = vec![0u64; segments];
            let mut ties_cut = 0u64;
            let mut segment = people
                .segment_starts
                .partition_point(|&s| s <= first as u64)
                .saturating_sub(1);
            for person in first..(first + CHUNK).min(agents) {
                while person as u64 >= people.segment_starts[segment + 1] {
                    segment += 1;
                }
                let own = platforms[person] & channels;
                let mut normally = false;
                let mut now = false;
                for &contact in graph.neighbours(person as u32) {
                    let shared = own & platforms[contact as usize];
                    if shared != 0 {
                        normally = true;
                        let working = shared & up != 0;
                        now |= working;
                        if (contact as usize) > person {
                            ties_cut += u64::from(!working);
                        }
                    }
                }
                if normally && !now {
                    cut[segment] += 1;
                }
            }
            (cut, ties_cut)
        })
        .collect();
    let mut cut_by_segment = vec![0.0; segments];
    let mut ties_cut = 0u64;
    for (cut, chunk_ties_cut) in &partial {
        for (total, count) in cut_by_segment.iter_mut().zip(cut) {
            *total += *count as f64;
        }
        ties_cut += chunk_ties_cut;
    }
    let ties = graph.tie_count().max(1);
    let reachable_share = largest_component_share(graph, |a, b| {
        platforms[a as usize] & platforms[b as usize] & up != 0
    });
    Reach {
        cut_by_segment,
        ties_cut_share: ties_cut as f64 / ties as f64,
        reachable_share,
    }
}
