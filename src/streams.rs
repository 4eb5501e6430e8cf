//! Random-number streams. Every source of randomness (adoption, each event, each node's restore
//! draws, the needs of each service, each chunk of a contact graph) gets its own stream, keyed by
//! what it draws — the master seed, the replication, a domain, then the ids and indices that say
//! which draws these are — so that changing one part of a scenario does not reshuffle the draws
//! of the others, and no thread count changes a number.
//!
//! A key is built by [`StreamKey`], which mixes its components in turn through the one
//! SplitMix64 finaliser of the crate ([`mix`]); nothing combines two keys by XOR alone (two
//! different (id, chunk) pairs can XOR to the same value; mixed in turn they do not collide).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The one generator type of concrisk, named after its algorithm so that its streams are the
/// same on every platform and rand version.
pub type Stream = Xoshiro256PlusPlus;

/// What a stream is for; part of its key.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Domain {
    /// Who holds which platform (the world's draw).
    Adoption = 1,
    /// Whether an event happens, when, and for how long.
    Event = 2,
    /// A node's restore and ramp times, and its failovers.
    NodeRestore = 3,
    /// The needs of a service's categories of people.
    Needs = 4,
    /// The contact graph's seed.
    Contacts = 5,
    /// Each person's switching threshold (the world's draw).
    Thresholds = 6,
    /// Installs during an outage.
    Behaviour = 7,
    /// Whether a primary/standby group's failover works, one stream per occurrence.
    Failover = 8,
    /// The sampling plan of a sweep (Latin hypercube); far from the model's domains so that new
    /// model domains can take the next numbers.
    Design = 16,
    /// The design of `[[uncertain]]` inputs: one stratified column per input, keyed by its path
    /// (`uncertainty::design`), beside `Design`.
    Inputs = 17,
    /// `annual`: the seeds of the event-loss tables, the occurrences of each year and the
    /// bootstrap of the curves' intervals (a study's draws, beside `Design`).
    Annual = 20,
    /// `sensitivity`: the Saltelli design's matrices (keyed by matrix and input path) and the
    /// bootstrap of the indices' intervals.
    Sensitivity = 24,
}

/// The SplitMix64 finaliser (Steele, Lea & Flood 2014), the only one in the crate: a bijective
/// avalanche mix, so distinct inputs give distinct outputs and nearby inputs (seed, seed + 1,
/// chunk, chunk + 1) give unrelated ones.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit key for an id (FNV-1a), so that a stream follows a node or a service by name,
/// not by its position in the file.
pub fn key_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The key of a stream: a sequence of components (a seed first, then e.g. the replication, a
/// [`Domain`], an id's [`key_of`], a segment, a chunk), each mixed into the key so far in turn:
/// `k₀ = mix(seed)`, `kᵢ = mix(kᵢ₋₁ ^ cᵢ)`.
///
/// For a given prefix each step is a bijection of the component, so two sequences that differ
/// only in their last component never share a stream; sequences that differ earlier meet only by
/// a 64-bit accident (probability 2⁻⁶⁴), unlike `key_of(id) ^ chunk`, where the chunk of one id
/// can equal another id's key on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey(u64);

impl StreamKey {
    /// The key of everything drawn from `seed`, before any other component.
    pub fn root(seed: u64) -> StreamKey {
        StreamKey(mix(seed))
    }

    /// The key of a model stream: `seed`, `replication` (0 for what a run holds fixed across
    /// replications, such as the agents), then `domain`.
    pub fn new(seed: u64, replication: u64, domain: Domain) -> StreamKey {
        StreamKey::root(seed).then(replication).then(domain as u64)
    }

    /// This key followed by one more component.
    #[must_use]
    pub fn then(self, component: u64) -> StreamKey {
        StreamKey(mix(self.0 ^ component))
    }

    /// This key followed by the key of an id ([`key_of`]).
    #[must_use]
    pub fn then_id(self, id: &str) -> StreamKey {
        self.then(key_of(id))
    }

    /// The stream of this key: Xoshiro's 256-bit state expanded from the key by `seed_from_u64`.
    pub fn stream(self) -> Stream {
        Stream::seed_from_u64(self.0)
    }
}

/// The stream for (`seed`, `replication`, `domain`, `key`): `StreamKey::new(seed, replication,
/// domain).then(key).stream()`, for the streams keyed by one id or index.
pub fn stream(seed: u64, replication: u64, domain: Domain, key: u64) -> Stream {
    StreamKey::new(seed, replication, domain).then(key).stream()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn nearby_seeds_and_replications_do_not_collide() {
        let a = stream(42, 1, Domain::Event, 0).next_u64();
        let b = stream(43, 0, Domain::Event, 0).next_u64();
        let c = stream(42, 1, Domain::Needs, 0).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, stream(42, 1, Domain::Event, 0).next_u64());
    }

    /// The key composition of the streams keyed by one component is the one they had before
    /// `StreamKey` existed, `mix(mix(mix(mix(seed) ^ replication) ^ domain) ^ key)`, so their
    /// numbers did not change.
    #[test]
    fn one_component_keys_keep_their_composition() {
        let (seed, replication, key) = (20_221_015u64, 7u64, key_of("kakaotalk"));
        let state = mix(mix(mix(mix(seed) ^ replication) ^ Domain::Event as u64) ^ key);
        let expected = Stream::seed_from_u64(state).next_u64();
        assert_eq!(
            stream(seed, replication, Domain::Event, key).next_u64(),
            expected
        );
    }

    /// (a, chunk 3) and (a ^ 1, chunk 2) XOR to the same value, so `key_of(id) ^ chunk` gave
    /// them one stream; mixed in turn they get two. The same holds for every pair tried: the
    /// ids of a small scenario against the first thousand chunks.
    #[test]
    fn sequences_with_equal_xor_give_different_streams() {
        let base = StreamKey::new(1, 0, Domain::Thresholds);
        let a = key_of("kakaotalk");
        assert_eq!(a ^ 3, (a ^ 1) ^ 2);
        assert_ne!(
            base.then(a).then(3).stream().next_u64(),
            base.then(a ^ 1).then(2).stream().next_u64()
        );
        let ids = ["kakaotalk", "line", "telegram", "whatsapp", "naver"];
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            for chunk in 0..1000u64 {
                assert!(seen.insert(base.then_id(id).then(chunk)), "{id} {chunk}");
            }
        }
        // And a key is not its own prefix: one more component, even 0, moves it.
        assert_ne!(base.then(a), base.then(a).then(0));
    }
}
