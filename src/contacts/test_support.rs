//! Shared statistics helpers for the contact-graph tests: degree moments, random-graph theory
//! (giant component share and its finite-size spread) and tolerance assertions.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::ContactGraph;

/// Population mean and variance of the degree sequence.
pub(super) struct DegreeStats {
    pub mean: f64,
    pub variance: f64,
}

pub(super) fn degree_stats(g: &ContactGraph) -> DegreeStats {
    let n = g.people() as f64;
    let (sum, sum_sq) = (0..g.people() as u32).fold((0.0, 0.0), |(s, q), v| {
        let d = g.degree(v) as f64;
        (s + d, q + d * d)
    });
    let mean = sum / n;
    DegreeStats {
        mean,
        variance: sum_sq / n - mean * mean,
    }
}

/// Panics unless |measured − expected| ≤ tolerance, printing all three.
pub(super) fn assert_within(what: &str, measured: f64, expected: f64, tolerance: f64) {
    assert!(
        (measured - expected).abs() <= tolerance,
        "{what}: measured {measured}, expected {expected} ± {tolerance}"
    );
}

/// Largest root of S = φ(1 − exp(−cS)): the share of all people in the giant component of a
/// G(n, c/n) graph after keeping each person with probability φ. Iterating from S = φ descends
/// monotonically onto the largest fixed point (0 below the threshold φc ≤ 1).
pub(super) fn solve_giant(c: f64, phi: f64) -> f64 {
    let mut s = phi;
    for _ in 0..100_000 {
        let next = phi * (1.0 - (-c * s).exp());
        if (next - s).abs() < 1e-15 {
            return next;
        }
        s = next;
    }
    s
}

/// Standard deviation of the giant share (of all n people) under site percolation φ.
///
/// Given the N kept people, the kept graph is G(N, z/N) with z = Nc/n, whose giant share S'
/// has variance S'(1 − S')/(N(1 − z(1 − S'))²) (Pittel 1990). N itself is Binomial(n, φ); the
/// share of all people φS'(z) moves with N through both factors, with
/// dS'/dz = S'(1 − S')/(1 − z(1 − S')). The two sources are independent, so variances add.
pub(super) fn giant_share_sd(c: f64, phi: f64, n: f64) -> f64 {
    let z = phi * c;
    let s1 = solve_giant(z, 1.0);
    let slope = 1.0 - z * (1.0 - s1);
    let within = phi * s1 * (1.0 - s1) / (n * slope * slope);
    let ds_dz = s1 * (1.0 - s1) / slope;
    let from_n = phi * (1.0 - phi) / n * (s1 + z * ds_dz).powi(2);
    (within + from_n).sqrt()
}

/// Keeps each of `n` people with probability `phi`.
pub(super) fn uniform_keep(n: u32, phi: f64, seed: u64) -> Vec<bool> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| rng.random_bool(phi)).collect()
}

/// The size of the largest component of the ties for which `works(a, b)` holds (asked with
/// a < b), by breadth-first search from every person: slow and obviously right.
pub(crate) fn largest_by_search(g: &ContactGraph, works: impl Fn(u32, u32) -> bool) -> usize {
    let n = g.people();
    let mut seen = vec![false; n];
    let mut largest = 0;
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut queue = vec![start as u32];
        let mut size = 0;
        while let Some(v) = queue.pop() {
            size += 1;
            for &w in g.neighbours(v) {
                if !seen[w as usize] && works(v.min(w), v.max(w)) {
                    seen[w as usize] = true;
                    queue.push(w);
                }
            }
        }
        largest = largest.max(size);
    }
    largest
}
