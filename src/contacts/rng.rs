//! Random streams for graph generation: how one user seed becomes many independent,
//! reproducible `Xoshiro256PlusPlus` streams, one per (generator, chunk of people).
//!
//! Work is split into chunks of a fixed number of people, never into "one piece per thread", so
//! the stream a person's ties are drawn from does not depend on the thread count; that is what
//! makes graphs byte-identical across rayon pool sizes.

use rand::{Rng, RngExt};
use rand_distr::Exp1;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::streams::StreamKey;

/// People per generation chunk. Large enough that per-chunk overhead (an RNG seeding, a `Vec`)
/// is negligible, small enough that a country of 51.7 M people gives thousands of chunks for
/// rayon to balance (early chunks of G(n, p) carry more ties than late ones).
pub(super) const CHUNK_PEOPLE: u32 = 1 << 14;

/// Distinguishes the generators, so that e.g. an Erdős–Rényi graph and a stochastic block graph
/// built from the same seed do not share random numbers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stream {
    ErdosRenyi = 1,
    WattsStrogatz = 2,
    BarabasiAlbert = 3,
    StochasticBlock = 4,
}

/// The RNG for `chunk` of generator `stream` under the contact graph's `seed`: the key
/// (`seed`, generator, chunk), its components mixed in turn by [`StreamKey`] (the crate's one
/// SplitMix64), so nearby seeds and chunks give unrelated streams.
pub(super) fn chunk_rng(seed: u64, stream: Stream, chunk: u64) -> Xoshiro256PlusPlus {
    StreamKey::root(seed)
        .then(stream as u64)
        .then(chunk)
        .stream()
}

/// Number of generation chunks for a population.
pub(super) fn chunk_count(people: u32) -> usize {
    people.div_ceil(CHUNK_PEOPLE) as usize
}

/// The people of `chunk`: from its first person to one past its last.
pub(super) fn chunk_range(people: u32, chunk: usize) -> (u32, u32) {
    // chunk < chunk_count(people), so chunk · CHUNK_PEOPLE < people fits in u32.
    let lo = chunk as u32 * CHUNK_PEOPLE;
    (lo, people.min(lo.saturating_add(CHUNK_PEOPLE)))
}

/// Bernoulli(p) trials over runs of ids, decided by geometric skipping (Batagelj & Brandes
/// 2005): the gap before the next success is Geometric(p), drawn as ⌊E / −ln(1 − p)⌋ with E
/// exponential of mean 1 (the same law as ⌊ln U / ln(1 − p)⌋, but an exponential comes from
/// a ziggurat table in a few nanoseconds, where a logarithm per tie cost a third of the build).
#[derive(Debug, Clone, Copy)]
pub(super) struct BernoulliSkip {
    p: f64,
    /// 1 / −ln(1 − p): turns an exponential draw into a gap.
    gap_per_exponential: f64,
}

impl BernoulliSkip {
    pub(super) fn new(p: f64) -> BernoulliSkip {
        let gap_per_exponential = if p > 0.0 && p < 1.0 {
            -1.0 / (-p).ln_1p()
        } else {
            0.0
        };
        BernoulliSkip {
            p,
            gap_per_exponential,
        }
    }

    /// Calls `tie(j)` for every j in `from..to` independently with probability `p`, in
    /// increasing order, at a cost proportional to the number of calls rather than to
    /// `to − from`.
    pub(super) fn for_each<R: Rng>(
        &self,
        rng: &mut R,
        from: u32,
        to: u32,
        mut tie: impl FnMut(u32),
    ) {
        if self.p <= 0.0 || from >= to {
            return;
        }
        if self.p >= 1.0 {
            (from..to).for_each(tie);
            return;
        }
        let mut next = u64::from(from);
        let end = u64::from(to);
        loop {
            let exponential: f64 = rng.sample(Exp1);
            let gap = (exponential * self.gap_per_exponential).floor();
            // Compare in floating point first: a gap can be astronomically large when p is tiny.
            if gap >= (end - next) as f64 {
                return;
            }
            next += gap as u64;
            // `next < end ≤ u32::MAX`, so the conversion is lossless.
            tie(next as u32);
            next += 1;
            if next >= end {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_seed_stream_and_chunk() {
        let first = |seed, stream, chunk| chunk_rng(seed, stream, chunk).random::<u64>();
        let base = first(7, Stream::ErdosRenyi, 0);
        assert_ne!(base, first(8, Stream::ErdosRenyi, 0));
        assert_ne!(base, first(7, Stream::WattsStrogatz, 0));
        assert_ne!(base, first(7, Stream::ErdosRenyi, 1));
        assert_eq!(base, first(7, Stream::ErdosRenyi, 0));
    }

    #[test]
    fn chunks_cover_people_exactly() {
        let people = 3 * CHUNK_PEOPLE + 5;
        assert_eq!(chunk_count(people), 4);
        assert_eq!(chunk_range(people, 0), (0, CHUNK_PEOPLE));
        assert_eq!(chunk_range(people, 3), (3 * CHUNK_PEOPLE, people));
        assert_eq!(chunk_count(0), 0);
        assert_eq!(chunk_count(CHUNK_PEOPLE), 1);
    }

    /// The number of successes in `n` trials is Binomial(n, p); with n = 10⁶ and p = 0.01 the
    /// standard deviation is sqrt(n p (1 − p)) ≈ 99.5, and we allow 5 of them.
    #[test]
    fn bernoulli_skip_has_binomial_count() {
        let mut rng = chunk_rng(1, Stream::ErdosRenyi, 0);
        let (n, p) = (1_000_000u32, 0.01);
        let mut count = 0u64;
        let mut last = None;
        BernoulliSkip::new(p).for_each(&mut rng, 0, n, |j| {
            assert!(last.is_none_or(|l| l < j) && j < n);
            last = Some(j);
            count += 1;
        });
        let mean = f64::from(n) * p;
        let sd = (mean * (1.0 - p)).sqrt();
        assert!((count as f64 - mean).abs() < 5.0 * sd, "count {count}");
        let mut all = 0;
        BernoulliSkip::new(1.0).for_each(&mut rng, 5, 10, |_| all += 1);
        assert_eq!(all, 5);
    }
}
