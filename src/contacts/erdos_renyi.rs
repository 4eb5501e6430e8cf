//! Erdős–Rényi G(n, p) generation with p = c / (n − 1).
//!
//! Each person draws their ties to higher ids by geometric skipping, so every pair is decided
//! exactly once, independently, with probability p: the graph is exact G(n, p) (no duplicates to
//! remove) and costs O(n + ties). People are processed in fixed chunks, each with its own stream.

use super::csr::{self, ContactGraph, EdgeSource};
use super::rng::{self, Stream};
use crate::observe::BuildObserver;

/// Exact G(`people`, c / (people − 1)). The caller has validated 0 ≤ c ≤ people − 1.
pub(super) fn generate(
    people: u32,
    mean_degree: f64,
    seed: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    let p = if people > 1 {
        mean_degree / f64::from(people - 1)
    } else {
        0.0
    };
    let expected = (f64::from(people) * mean_degree / 2.0) as u64;
    let tie = rng::BernoulliSkip::new(p);
    csr::build(
        people,
        &ErdosRenyi { people, tie, seed },
        expected,
        observer,
    )
}

/// The edges of G(n, p), one stream per chunk of people.
struct ErdosRenyi {
    people: u32,
    tie: rng::BernoulliSkip,
    seed: u64,
}

impl EdgeSource for ErdosRenyi {
    fn chunk_count(&self) -> usize {
        rng::chunk_count(self.people)
    }

    fn emit(&self, chunk: usize, mut edge: impl FnMut(u32, u32)) {
        let (lo, hi) = rng::chunk_range(self.people, chunk);
        let mut rng = rng::chunk_rng(self.seed, Stream::ErdosRenyi, chunk as u64);
        for i in lo..hi {
            self.tie
                .for_each(&mut rng, i + 1, self.people, |j| edge(i, j));
        }
    }

    /// Person i draws among the n − i − 1 people above them.
    fn chunk_weight(&self, chunk: usize) -> f64 {
        let (lo, hi) = rng::chunk_range(self.people, chunk);
        let middle = (f64::from(lo) + f64::from(hi)) / 2.0;
        f64::from(hi - lo) * (f64::from(self.people) - middle)
    }

    /// Each person's ties to higher ids come in ascending order, after every tie from a lower
    /// id (emitted by earlier people), so every row arrives sorted.
    fn rows_come_sorted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::largest_component_share;
    use crate::contacts::test_support::{
        assert_within, degree_stats, giant_share_sd, solve_giant, uniform_keep,
    };
    use crate::observe::Silent;

    /// Mean degree 2E/n with E ~ Binomial(n(n−1)/2, p): Var = 4·(n(n−1)/2)·p(1−p)/n² ≈ 2c/n,
    /// so the standard error is sqrt(2c/n). Degrees are Binomial(n − 1, p), variance c(1 − p).
    /// The sample variance of n Poisson-like values has variance (μ₄ − σ⁴)/n = (c + 2c²)/n;
    /// degrees are weakly dependent (each tie raises two of them), which at most doubles that.
    #[test]
    fn degree_mean_and_variance_are_poisson() {
        let (n, c) = (200_000u32, 10.0);
        let g = generate(n, c, 42, &Silent);
        let stats = degree_stats(&g);
        let nf = f64::from(n);
        assert_within("mean degree", stats.mean, c, 5.0 * (2.0 * c / nf).sqrt());
        let p = c / (nf - 1.0);
        let var_se = (2.0 * (c + 2.0 * c * c) / nf).sqrt();
        assert_within(
            "degree variance",
            stats.variance,
            c * (1.0 - p),
            5.0 * var_se,
        );
        assert!((0..n).all(|v| !g.neighbours(v).contains(&v)));
    }

    /// Giant component of G(n, c/n): S = 1 − exp(−cS). Its share is asymptotically normal with
    /// variance S(1 − S) / (n (1 − c(1 − S))²) (Pittel 1990); we allow 5 standard deviations.
    #[test]
    fn giant_component_matches_theory() {
        let n = 200_000u32;
        for c in [2.0, 4.0] {
            let g = generate(n, c, 7, &Silent);
            let s = solve_giant(c, 1.0);
            let measured = largest_component_share(&g, |_, _| true);
            let sd = giant_share_sd(c, 1.0, f64::from(n));
            assert_within(&format!("giant share c={c}"), measured, s, 5.0 * sd);
        }
        assert!((solve_giant(2.0, 1.0) - 0.7968).abs() < 1e-4);
    }

    /// Site percolation: keep each person with probability φ; the kept people form
    /// G(φn, c/n), whose giant share among kept people solves S' = 1 − exp(−φcS'), so the share
    /// of all people is S = φS', i.e. S = φ(1 − exp(−cS)). Below φc = 1 there is no giant
    /// component: the largest one has ≈ ln(N)/α people with α = φc − 1 − ln(φc) (Bollobás),
    /// and we allow three times that.
    #[test]
    fn site_percolated_giant_component() {
        let (n, c) = (200_000u32, 4.0);
        let g = generate(n, c, 11, &Silent);
        let nf = f64::from(n);

        let phi = 0.6;
        let keep = uniform_keep(n, phi, 3);
        let measured = largest_component_share(&g, |a, b| keep[a as usize] && keep[b as usize]);
        let s = solve_giant(c, phi);
        assert_within(
            "giant share φ=0.6",
            measured,
            s,
            5.0 * giant_share_sd(c, phi, nf),
        );

        let phi = 0.2;
        let keep = uniform_keep(n, phi, 4);
        let measured = largest_component_share(&g, |a, b| keep[a as usize] && keep[b as usize]);
        assert!(solve_giant(c, phi) < 1e-9);
        let (kept, z) = (phi * nf, phi * c);
        let alpha = z - 1.0 - z.ln();
        let bound = 3.0 * kept.ln() / alpha / nf;
        assert!(measured < bound, "subcritical share {measured} ≥ {bound}");
    }
}
