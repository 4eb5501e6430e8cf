//! The agents: numbered segment by segment, each with the set of platforms they hold (one bit per
//! platform), drawn once per run from the seed in parallel chunks with their own streams, so the
//! draw is the same on any thread count.

use rand::RngExt;
use rayon::prelude::*;

use crate::observe::{BuildObserver, Stage};
use crate::scenario::Scenario;
use crate::streams::{Domain, stream};

/// Agents per chunk of the parallel draw; fixed so that the streams do not depend on threads.
const CHUNK: usize = 1 << 16;

#[derive(Debug)]
pub struct People {
    /// Segment g owns agents `segment_starts[g]..segment_starts[g + 1]`.
    pub segment_starts: Vec<u64>,
    /// Platform set of each agent: bit `b` set when the agent holds the platform with bit `b`.
    pub platforms: Vec<u64>,
}

impl People {
    pub fn count(&self) -> usize {
        self.platforms.len()
    }

    /// The segment of `agent`: the last one starting at or before it (an empty segment shares
    /// its start with the next, so it is never the answer).
    pub fn segment_of(&self, agent: usize) -> usize {
        self.segment_starts
            .partition_point(|&start| start <= agent as u64)
            .saturating_sub(1)
    }

    /// Draws every agent's platforms: rule by rule, in an order where `given` comes first, one
    /// uniform per agent and rule whether or not the rule applies, so that changing one share
    /// leaves the other rules' draws alone.
    pub fn draw(
        scenario: &Scenario,
        platform_bit: &[Option<u32>],
        observer: &dyn BuildObserver,
    ) -> People {
        let sizes = scenario.agents_per_segment();
        let mut segment_starts = vec![0u64];
        for size in &sizes {
            segment_starts.push(segment_starts.last().copied().unwrap_or(0) + size);
        }
        let agents = scenario.run.agents as usize;
        let rules: Vec<(u64, Option<u64>, &[f64])> = scenario
            .adoption
            .iter()
            .map(|rule| {
                let bit = |node: usize| platform_bit[node].map_or(0, |b| 1u64 << b);
                (
                    bit(rule.platform),
                    rule.given.map(bit),
                    rule.share.as_slice(),
                )
            })
            .collect();
        let mut platforms = vec![0u64; agents];
        observer.stage(Stage::Agents, agents as u64);
        platforms
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(chunk, sets)| {
                let mut rng = stream(scenario.run.seed, 0, Domain::Adoption, chunk as u64);
                let first = (chunk * CHUNK) as u64;
                let mut segment = segment_starts
                    .partition_point(|&start| start <= first)
                    .saturating_sub(1);
                for (offset, set) in sets.iter_mut().enumerate() {
                    let agent = first + offset as u64;
                    while agent >= segment_starts[segment + 1] {
                        segment += 1;
                    }
                    for &(bit, given, share) in &rules {
                        let u: f64 = rng.random();
                        let eligible = given.is_none_or(|g| *set & g != 0);
                        if eligible && u < share[segment] {
                            *set |= bit;
                        }
                    }
                }
                observer.advance(sets.len() as u64);
            });
        People {
            segment_starts,
            platforms,
        }
    }
}
