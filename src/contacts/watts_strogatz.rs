//! Watts–Strogatz small-world generation: a ring lattice with k/2 neighbours on each side, each
//! tie's far end rewired to a uniformly random person with probability β.
//!
//! k = round(mean_degree) must be even and ≥ 2, because a ring lattice gives everyone the same
//! number of neighbours on both sides; an odd k (e.g. mean_degree 5) is rejected by
//! `SocialModel::validate` rather than silently changed, so the user sees the mean degree they
//! get. Person i owns the ties to i+1..=i+k/2 (mod n) and decides their rewiring, so people are
//! processed in independent chunks. A rewired end avoids i, i's lattice neighbourhood and i's
//! other rewired ends; the only duplicates left are two people rewiring onto each other
//! (O((kβ)²) ties in the whole graph), which the CSR builder removes.

use rand::RngExt;

use super::csr::{self, ContactGraph, EdgeSource};
use super::rng::{self, Stream};
use crate::observe::BuildObserver;

/// The even lattice degree k = round(c) ≥ 2, or `None` if c does not round to one.
pub(super) fn lattice_degree(mean_degree: f64) -> Option<u32> {
    let k = mean_degree.round();
    (k >= 2.0 && k % 2.0 == 0.0 && k <= f64::from(u32::MAX)).then_some(k as u32)
}

/// Watts–Strogatz graph with lattice degree `k` (even, 2 ≤ k ≤ people − 1, as validated).
pub(super) fn generate(
    people: u32,
    k: u32,
    rewire: f64,
    seed: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    csr::build(
        people,
        &WattsStrogatz {
            people,
            half: k / 2,
            rewire,
            // Rewiring is impossible when everyone is in everyone's lattice neighbourhood.
            can_rewire: u64::from(people) > u64::from(k) + 1 + u64::from(k / 2),
            seed,
        },
        u64::from(people) * u64::from(k / 2),
        observer,
    )
}

/// The edges of a rewired ring lattice, one stream per chunk of people.
struct WattsStrogatz {
    people: u32,
    half: u32,
    rewire: f64,
    can_rewire: bool,
    seed: u64,
}

impl EdgeSource for WattsStrogatz {
    fn chunk_count(&self) -> usize {
        rng::chunk_count(self.people)
    }

    fn emit(&self, chunk: usize, mut edge: impl FnMut(u32, u32)) {
        let (lo, hi) = rng::chunk_range(self.people, chunk);
        let mut rng = rng::chunk_rng(self.seed, Stream::WattsStrogatz, chunk as u64);
        let mut rewired = Vec::with_capacity(self.half as usize);
        for i in lo..hi {
            rewired.clear();
            for j in 1..=self.half {
                let lattice = ((u64::from(i) + u64::from(j)) % u64::from(self.people)) as u32;
                let target = if self.can_rewire && rng.random_bool(self.rewire) {
                    loop {
                        let w = rng.random_range(0..self.people);
                        if ring_distance(i, w, self.people) > self.half && !rewired.contains(&w) {
                            rewired.push(w);
                            break w;
                        }
                    }
                } else {
                    lattice
                };
                edge(i, target);
            }
        }
    }
}

/// Distance between `a` and `b` going the short way round a ring of `people`.
fn ring_distance(a: u32, b: u32, people: u32) -> u32 {
    let d = a.abs_diff(b);
    d.min(people - d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::test_support::{assert_within, degree_stats};
    use crate::observe::Silent;

    #[test]
    fn lattice_degree_rounds_to_even() {
        assert_eq!(lattice_degree(20.0), Some(20));
        assert_eq!(lattice_degree(19.6), Some(20));
        assert_eq!(lattice_degree(5.0), None);
        assert_eq!(lattice_degree(1.0), None);
        assert_eq!(lattice_degree(0.4), None);
    }

    /// Without rewiring the graph is exactly the ring lattice: everyone has degree k and is tied
    /// to the k/2 nearest people on each side.
    #[test]
    fn unrewired_is_ring_lattice() {
        let (n, k) = (50_000u32, 6);
        let g = generate(n, k, 0.0, 1, &Silent);
        assert_eq!(g.tie_count(), u64::from(n) * u64::from(k) / 2);
        for v in [0, 1, 17, n - 1] {
            let mut expected: Vec<u32> = (1..=k / 2)
                .flat_map(|j| [(v + j) % n, (v + n - j) % n])
                .collect();
            expected.sort_unstable();
            assert_eq!(g.neighbours(v), expected.as_slice());
        }
    }

    /// With rewiring every person keeps the k/2 ties they own (only the far end moves), so
    /// every degree is ≥ k/2 — the one exception, two people rewiring onto each other, needs
    /// both to pick each other out of n people (probability ~ (β k/2 / n)² per pair) and also
    /// to lose all k/2 incoming lattice ties, which does not happen at β = 0.2.
    /// The number of ties is n k/2 minus the mutual rewirings, whose expected count is
    /// ≈ (n²/2)·(β k/2 / n)²·2 = (β k/2)², so the mean degree is k − O((βk)²/n): we allow five
    /// standard deviations of a Poisson count with that mean, plus the mean itself.
    #[test]
    fn rewired_degrees() {
        let (n, k, beta) = (200_000u32, 20, 0.2);
        let g = generate(n, k, beta, 3, &Silent);
        assert!((0..n).all(|v| g.degree(v) >= (k / 2) as usize));
        let mutual = (beta * f64::from(k) / 2.0).powi(2);
        let missing_ties = u64::from(n) * u64::from(k) / 2 - g.tie_count();
        assert!((missing_ties as f64) <= mutual + 5.0 * mutual.sqrt().max(1.0));
        let stats = degree_stats(&g);
        assert_within(
            "mean degree",
            stats.mean,
            f64::from(k),
            2.0 * (mutual + 5.0 * mutual.sqrt().max(1.0)) / f64::from(n),
        );
        // Degree variance: a person's degree is k/2 + (kept incoming lattice ties, Binomial(k/2,
        // 1 − β)) + (incoming rewired ties, ≈ Poisson(βk/2)), so σ² ≈ (k/2)β(1 − β) + βk/2.
        // The sample variance has variance (μ₄ − σ⁴)/n ≈ (2σ⁴ + σ²)/n for such near-Poisson
        // sums (μ₄ ≈ 3σ⁴ + σ²); ties make degrees weakly dependent, which we cover with a
        // factor 2, and allow five standard errors.
        let h = f64::from(k) / 2.0;
        let var = h * beta * (1.0 - beta) + h * beta;
        let var_se = (2.0 * (2.0 * var * var + var) / f64::from(n)).sqrt();
        assert_within("degree variance", stats.variance, var, 5.0 * var_se);
    }

    #[test]
    fn tiny_population_cannot_rewire() {
        // n = 5, k = 4: the lattice is the complete graph; rewiring must keep it.
        let g = generate(5, 4, 1.0, 9, &Silent);
        assert_eq!(g.tie_count(), 10);
    }
}
