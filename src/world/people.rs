//! The agents: numbered segment by segment, each with the set of platforms they hold (one bit per
//! platform), drawn once per run from the seed in parallel chunks. Each adoption rule draws from
//! its own streams, keyed by its platform's id, the segment's id and the chunk of that segment's
//! agents, never by the rule's position, so that adding, removing or reordering other rules
//! leaves a rule's draws alone, and no thread count changes one.

use rand::RngExt;
use rayon::prelude::*;

use crate::observe::{BuildObserver, Stage};
use crate::scenario::Scenario;
use crate::streams::{Domain, StreamKey, key_of};

/// Agents per chunk of the parallel draw, counted from the start of their segment; fixed so that
/// the streams do not depend on threads.
const CHUNK: usize = 1 << 16;

/// The agents of a world and the platforms each holds.
#[derive(Debug)]
pub struct People {
    /// Segment g owns agents `segment_starts[g]..segment_starts[g + 1]`.
    pub segment_starts: Vec<u64>,
    /// Platform set of each agent: bit `b` set when the agent holds the platform with bit `b`.
    pub platforms: Vec<u64>,
}

impl People {
    /// The number of agents.
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

    /// Draws every agent's platforms. Each rule (one per platform) decides its agents with one
    /// uniform per agent whether or not the rule applies, drawn from the stream keyed by
    /// (seed, 0, adoption, its platform's id, the segment's id, the chunk within the segment):
    /// a rule's uniforms depend on nothing but what it draws, so changing a share, adding,
    /// removing or reordering other rules, or resizing another segment leaves them alone. Rules
    /// are applied in the scenario's order, where a rule's `given` platform comes first, so a
    /// rule given X sees X's holders; those too stay the same while X's rule does.
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
        let adoption = StreamKey::new(scenario.run.seed, 0, Domain::Adoption);
        let rules: Vec<Rule> = scenario
            .adoption
            .iter()
            .map(|rule| {
                let bit = |node: usize| platform_bit[node].map_or(0, |b| 1u64 << b);
                Rule {
                    bit: bit(rule.platform),
                    given: rule.given.map(bit),
                    share: rule.share.as_slice(),
                    key: adoption.then_id(&scenario.nodes[rule.platform].id),
                }
            })
            .collect();
        let segment_keys: Vec<u64> = scenario.segments.iter().map(|s| key_of(&s.id)).collect();
        let mut platforms = vec![0u64; agents];
        // The pieces of the parallel draw: (segment, chunk within it, its agents' sets).
        let mut pieces: Vec<(usize, u64, &mut [u64])> = Vec::new();
        let mut rest: &mut [u64] = &mut platforms;
        for (segment, &size) in sizes.iter().enumerate() {
            let (mine, tail) = rest.split_at_mut((size as usize).min(rest.len()));
            rest = tail;
            pieces.extend(
                mine.chunks_mut(CHUNK)
                    .enumerate()
                    .map(|(chunk, sets)| (segment, chunk as u64, sets)),
            );
        }
        observer.stage(Stage::Agents, agents as u64);
        pieces.into_par_iter().for_each(|(segment, chunk, sets)| {
            for rule in &rules {
                let mut rng = rule.key.then(segment_keys[segment]).then(chunk).stream();
                let share = rule.share[segment];
                // Eligible: holds the `given` platform (every agent when there is none).
                let (need, wanted) = rule.given.map_or((0, 0), |g| (g, g));
                for set in sets.iter_mut() {
                    let u: f64 = rng.random();
                    let eligible = *set & need == wanted;
                    // Without a branch: whether an agent adopts is a coin toss the predictor
                    // cannot learn, and a miss cost more than the draw.
                    *set |= rule.bit & u64::from(eligible & (u < share)).wrapping_neg();
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

/// One adoption rule as the draw reads it.
struct Rule<'a> {
    /// The platform's bit in a set.
    bit: u64,
    /// The bit of the platform an agent must already hold, if any.
    given: Option<u64>,
    /// The share of eligible agents who hold the platform, by segment.
    share: &'a [f64],
    /// The rule's stream key up to its platform; the segment and chunk follow.
    key: StreamKey,
}
