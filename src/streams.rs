//! Random-number streams. Every source of randomness (adoption, each event, each node's restore
//! draws, the needs of each service) gets its own stream, keyed by the master seed, the
//! replication, a domain and a key, so that changing one part of a scenario does not reshuffle
//! the draws of the others, and no thread count changes a number.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The one generator type of concrisk, named after its algorithm so that its streams are the
/// same on every platform and rand version.
pub type Stream = Xoshiro256PlusPlus;

/// What a stream is for; part of its key.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Domain {
    Adoption = 1,
    Event = 2,
    NodeRestore = 3,
    Needs = 4,
    Contacts = 5,
    Thresholds = 6,
    Behaviour = 7,
    /// The sampling plan of a sweep (Latin hypercube); far from the model's domains so that new
    /// model domains can take the next numbers.
    Design = 16,
}

/// The SplitMix64 finaliser: a bijective mix, so distinct inputs give distinct outputs.
fn mix(mut z: u64) -> u64 {
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

/// The stream for (`seed`, `replication`, `domain`, `key`). Each component is mixed in turn, so
/// that nearby seeds and indices give unrelated streams (unlike `seed ^ i`).
pub fn stream(seed: u64, replication: u64, domain: Domain, key: u64) -> Stream {
    let state = mix(mix(mix(mix(seed) ^ replication) ^ domain as u64) ^ key);
    Stream::seed_from_u64(state)
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
}
