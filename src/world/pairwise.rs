//! Pairwise services as the world holds them. A need is a message to a contact, so what matters
//! is which of the service's platform channels each person holds: a compact set of them per
//! person (the form every pass over the ties reads), and from one pass over every tie the pair
//! classes (ties alike in the sender's segment and the channels the two share, each weighing
//! 1 / degree of the sender's needs) and who normally reaches at least one contact.

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

use super::people::People;
use crate::agent_set::{self, ChunkBits};
use crate::contacts::ContactGraph;
use crate::locality;
use crate::observe::BuildObserver;
use crate::scenario::{Channel, Service};

/// Agents per parallel chunk: a whole number of bitset blocks, and fixed, so that sums are added
/// in the same order on any thread count.
const CHUNK: usize = 1 << 16;
/// Chunks counted at once before their sums are added up.
const WAVE: usize = 32;

/// A pairwise service's channels as held by the agents, and its ties as they normally work.
#[derive(Debug)]
pub struct Pairwise {
    /// Per platform channel, in channel order: its position among the service's channels and
    /// the platform's bit in an agent's platform set.
    pub platform_channels: Vec<(usize, u64)>,
    /// Bit i of `sets[agent]`: the agent holds the platform of platform channel i (validation
    /// allows at most `scenario::MAX_PAIRWISE_PLATFORM_CHANNELS`).
    pub sets: Vec<u16>,
    /// `weights[segment · 2^k + shared]`, k platform channels: Σ 1 / degree(i) over the ties
    /// i → j whose sender i is of the segment and where both hold exactly the channels `shared`.
    pub weights: Vec<f64>,
    /// Agents who share a platform channel with at least one contact.
    pub reaches_normally: FixedBitSet,
    /// How many of them in each segment.
    pub reaching_by_segment: Vec<u64>,
    /// Ties whose two people share a platform channel.
    pub working_ties: u64,
}

impl Pairwise {
    /// The channels of `service` held by every agent, and one pass over every tie.
    ///
    /// # Complexity
    /// O(agents + ties), in parallel; 2 bytes per agent.
    pub fn build(
        service: &Service,
        platform_bit: &[Option<u32>],
        people: &People,
        graph: &ContactGraph,
        observer: &dyn BuildObserver,
    ) -> Pairwise {
        let platform_channels: Vec<(usize, u64)> = service
            .channels
            .iter()
            .enumerate()
            .filter_map(|(k, channel)| match channel {
                Channel::Platform(node) => platform_bit[*node].map(|bit| (k, 1u64 << bit)),
                Channel::Offline(_) => None,
            })
            .collect();
        let sets: Vec<u16> = locality::filled(people.count(), |agent| {
            set_of(&platform_channels, people.platforms[agent])
        });
        let subsets = 1usize << platform_channels.len();
        let segments = people.segment_starts.len() - 1;
        let agents = people.count();
        let census = |first: usize| {
            let last = (first + CHUNK).min(agents);
            let mut census = Census {
                weights: vec![0.0; segments * subsets],
                reaching: ChunkBits::new(first, last),
                reaching_by_segment: vec![0; segments],
                working_ties: 0,
            };
            let mut segment = people.segment_of(first);
            graph.for_each_row(first..last, &sets, |person, contacts| {
                while person as u64 >= people.segment_starts[segment + 1] {
                    segment += 1;
                }
                let own = sets[person];
                let share = 1.0 / contacts.len().max(1) as f64;
                let weights = &mut census.weights[segment * subsets..][..subsets];
                let mut reaches = false;
                for &contact in contacts {
                    let shared = own & sets[contact as usize];
                    weights[usize::from(shared)] += share;
                    if shared != 0 {
                        reaches = true;
                        census.working_ties += u64::from(contact as usize > person);
                    }
                }
                if reaches {
                    census.reaching.insert(person);
                    census.reaching_by_segment[segment] += 1;
                }
            });
            observer.advance((last - first) as u64);
            census
        };
        let mut weights = vec![0.0; segments * subsets];
        let mut reaching_by_segment = vec![0; segments];
        let mut working_ties = 0;
        let mut reaching = Vec::with_capacity(agents.div_ceil(CHUNK));
        // A wave of chunks at a time, added up in chunk order: each chunk holds a weight per
        // class, up to 2^16 per segment, so they are not all kept at once.
        let firsts: Vec<usize> = (0..agents).step_by(CHUNK).collect();
        for wave in firsts.chunks(WAVE) {
            let chunks: Vec<Census> = wave.par_iter().map(|&first| census(first)).collect();
            for chunk in chunks {
                for (total, weight) in weights.iter_mut().zip(&chunk.weights) {
                    *total += weight;
                }
                for (total, count) in reaching_by_segment
                    .iter_mut()
                    .zip(&chunk.reaching_by_segment)
                {
                    *total += count;
                }
                working_ties += chunk.working_ties;
                reaching.push(chunk.reaching);
            }
        }
        Pairwise {
            platform_channels,
            sets,
            weights,
            reaches_normally: agent_set::join(agents, reaching),
            reaching_by_segment,
            working_ties,
        }
    }

    /// The set of every platform channel.
    pub fn all_channels(&self) -> u16 {
        ((1u32 << self.platform_channels.len()) - 1) as u16
    }

    /// Number of sets of platform channels, 2^k.
    pub fn subsets(&self) -> usize {
        1 << self.platform_channels.len()
    }

    /// The set of platform channels whose platforms are among the platform bits `platforms`.
    pub fn set_of(&self, platforms: u64) -> u16 {
        set_of(&self.platform_channels, platforms)
    }

    /// The channel bits (bit k for channel k of the service) of the platform channels in `set`.
    pub fn open_channels(&self, set: u16) -> u64 {
        self.platform_channels
            .iter()
            .enumerate()
            .fold(0, |open, (i, &(k, _))| {
                if set & (1 << i) != 0 {
                    open | 1 << k
                } else {
                    open
                }
            })
    }
}

/// The set of the `platform_channels` whose platforms are among the platform bits `platforms`.
fn set_of(platform_channels: &[(usize, u64)], platforms: u64) -> u16 {
    platform_channels
        .iter()
        .enumerate()
        .fold(0, |set, (i, &(_, platform))| {
            if platforms & platform != 0 {
                set | 1 << i
            } else {
                set
            }
        })
}

/// What one chunk of agents adds up.
struct Census {
    weights: Vec<f64>,
    /// The chunk's part of `Pairwise::reaches_normally`.
    reaching: ChunkBits,
    reaching_by_segment: Vec<u64>,
    working_ties: u64,
}

#[cfg(test)]
mod tests {
    use crate::scenario;
    use crate::world::World;

    /// Two segments on an Erdős–Rényi graph, three messengers, an offline channel between them.
    const THREE_MESSENGERS: &str = r#"
[scenario]
name = "three messengers"
[run]
horizon_hours = 10
agents = 5000
seed = 4
[population]
size = 50000
[[population.segments]]
id = "young"
share = 0.4
[[population.segments]]
id = "old"
share = 0.6
[social]
model = "erdos_renyi"
mean_degree = 4
[[platforms]]
id = "a"
[[platforms]]
id = "b"
[[platforms]]
id = "c"
[[adoption]]
platform = "a"
share = { default = 0.9, old = 0.5 }
[[adoption]]
platform = "b"
share = 0.3
[[adoption]]
platform = "c"
share = 0.1
[[services]]
id = "messaging"
pairwise = true
demand_per_day = 5
channels = [{ platform = "b" }, { offline = "sms" }, { platform = "a" }, { platform = "c" }]
"#;

    /// The census of one pass over the ties agrees with counting tie by tie, and every agent
    /// with contacts spreads exactly one agent's worth of needs over the classes.
    #[test]
    fn census_matches_a_count_tie_by_tie() {
        let scenario = scenario::parse(THREE_MESSENGERS, "three.toml")
            .unwrap_or_else(|e| panic!("valid scenario: {e}"));
        let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
        let graph = world
            .contacts
            .as_ref()
            .unwrap_or_else(|| panic!("contacts"));
        let pairwise = world.pairwise[0]
            .as_ref()
            .unwrap_or_else(|| panic!("pairwise"));
        let people = &world.people;
        // Channel order b, sms, a, c: set bit 0 is b, bit 1 is a, bit 2 is c.
        let bit = |id: &str| {
            let node = world.scenario.nodes.iter().position(|n| n.id == id);
            node.and_then(|node| world.platform_bit[node])
                .map_or_else(|| panic!("{id} is a platform"), |b| 1u64 << b)
        };
        let (a, b, c) = (bit("a"), bit("b"), bit("c"));
        let mut weights = vec![0.0; 2 * 8];
        let mut reaching = [0u64; 2];
        let mut working_ties = 0;
        for person in 0..people.count() {
            let set = |p: usize| {
                let held = people.platforms[p];
                u16::from(held & b != 0)
                    | u16::from(held & a != 0) << 1
                    | u16::from(held & c != 0) << 2
            };
            assert_eq!(pairwise.sets[person], set(person));
            let segment = usize::from(person as u64 >= people.segment_starts[1]);
            let row = graph.neighbours(person as u32);
            for &contact in row {
                let shared = set(person) & set(contact as usize);
                weights[segment * 8 + usize::from(shared)] += 1.0 / row.len() as f64;
                working_ties += u64::from(shared != 0 && contact as usize > person);
            }
            let reaches = row.iter().any(|&c| set(person) & set(c as usize) != 0);
            assert_eq!(pairwise.reaches_normally.contains(person), reaches);
            reaching[segment] += u64::from(reaches);
        }
        for (computed, counted) in pairwise.weights.iter().zip(&weights) {
            assert!((computed - counted).abs() < 1e-9, "{computed} vs {counted}");
        }
        assert_eq!(pairwise.reaching_by_segment, reaching);
        assert_eq!(pairwise.working_ties, working_ties);
        let with_contacts = (0..people.count() as u32)
            .filter(|&p| graph.degree(p) > 0)
            .count() as f64;
        let total: f64 = pairwise.weights.iter().sum();
        assert!(
            (total - with_contacts).abs() < 1e-6,
            "{total} vs {with_contacts}"
        );
        assert_eq!(pairwise.open_channels(0b101), 0b1001);
    }
}
