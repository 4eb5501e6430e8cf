//! Barabási–Albert preferential attachment.
//!
//! Kept exact and sequential: each new person picks their ties among everyone who came before
//! with probability proportional to degree, which is what produces the p(k) ~ k⁻³ tail; chunked
//! parallel approximations distort the hubs, which are the very people concentration risk is
//! about. Speed comes from the repeated-endpoints trick: the edge list itself, read as a flat
//! list of endpoints, holds every person once per tie, so a uniform pick from it is a
//! degree-proportional pick, in O(1), with no extra memory. The CSR build afterwards is
//! parallel. Sequential generation is trivially independent of the thread count; a single RNG
//! stream is used.
//!
//! Mean degree c gives m = c/2 ties per new person: ⌊m⌋ always and one more with probability
//! m − ⌊m⌋, so non-integer and odd mean degrees come out right on average. The process starts
//! from a complete graph on ⌈m⌉ + 1 people, the smallest from which ⌈m⌉ distinct picks exist.

use rand::RngExt;

use super::csr::{self, ContactGraph, EdgeList};
use super::rng::{self, Stream};
use crate::observe::{BuildObserver, Stage};

/// Barabási–Albert graph (validated: 2 ≤ c ≤ people − 1).
pub(super) fn generate(
    people: u32,
    mean_degree: f64,
    seed: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    let m = mean_degree / 2.0;
    let (m_low, extra) = (m.floor() as usize, m - m.floor());
    let m_high = m.ceil() as usize;
    // c ≤ people − 1 and c ≥ 2 give ⌈c/2⌉ + 1 ≤ people.
    let founders = (m_high as u32 + 1).min(people);
    let clique = founders as usize * (founders as usize - 1) / 2;
    let mut edges: Vec<[u32; 2]> =
        Vec::with_capacity(clique + (people - founders) as usize * m_high);
    for a in 0..founders {
        for b in a + 1..founders {
            edges.push([a, b]);
        }
    }
    let mut rng = rng::chunk_rng(seed, Stream::BarabasiAlbert, 0);
    let mut picks: Vec<u32> = Vec::with_capacity(m_high);
    observer.stage(Stage::Attaching, u64::from(people));
    observer.advance(u64::from(founders));
    for newcomer in founders..people {
        if newcomer % PROGRESS_EVERY == 0 {
            observer.advance(u64::from(PROGRESS_EVERY));
        }
        let ties = m_low + usize::from(extra > 0.0 && rng.random_bool(extra));
        picks.clear();
        // Everyone already present has degree ≥ 1 and there are > m_high of them, so this
        // rejection loop (against repeats among this newcomer's picks) terminates quickly.
        let endpoints = edges.as_flattened();
        let len = endpoints.len() as u64;
        while picks.len() < ties {
            let pick = endpoints[rng.random_range(0..len) as usize];
            if !picks.contains(&pick) {
                picks.push(pick);
            }
        }
        edges.extend(picks.iter().map(|&p| [newcomer, p]));
    }
    csr::build(people, &EdgeList(&edges), edges.len() as u64, observer)
}

/// Newcomers between two progress reports.
const PROGRESS_EVERY: u32 = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::test_support::{assert_within, degree_stats};
    use crate::observe::Silent;

    /// The number of ties is fixed up to the Bernoulli extras: E = founders(founders − 1)/2 +
    /// Σ m_t, so the mean degree is c + founders(founders − 1 − c)/n (the clique's finite-size
    /// correction) with standard error 2·sqrt(n·f(1 − f))/n from the extras (f = frac(c/2)).
    #[test]
    fn mean_degree_is_c() {
        let n = 200_000u32;
        for c in [20.0, 7.0] {
            let g = generate(n, c, 5, &Silent);
            let nf = f64::from(n);
            let founders = (c / 2.0f64).ceil() + 1.0;
            let expected = c + founders * (founders - 1.0 - c) / nf;
            let f = c / 2.0 - (c / 2.0f64).floor();
            let se = 2.0 * (nf * f * (1.0 - f)).sqrt() / nf;
            assert_within(
                &format!("mean degree c={c}"),
                degree_stats(&g).mean,
                expected,
                5.0 * se + 1e-12,
            );
            assert!((0..n).all(|v| g.degree(v) >= (c / 2.0f64).floor() as usize));
        }
    }

    /// Discrete power-law MLE (Clauset, Shalizi & Newman 2009, eq. 3.7):
    /// α̂ = 1 + N / Σ ln(d_i / (d_min − ½)) over the N degrees ≥ d_min.
    fn clauset_alpha(degrees: impl Iterator<Item = f64>, d_min: f64) -> (f64, f64) {
        let (count, sum) = degrees
            .filter(|&d| d >= d_min)
            .fold((0.0, 0.0), |(n, s), d| {
                (n + 1.0, s + (d / (d_min - 0.5)).ln())
            });
        (1.0 + count / sum, count)
    }

    /// The tail exponent is 3. The exact BA degree law p_k = 2m(m+1)/(k(k+1)(k+2)) is only
    /// asymptotically k⁻³, so at finite d_min the MLE converges to α* = 1 + 1/E[ln(k/(d_min −
    /// ½)) | k ≥ d_min] under that law (α* ≈ 2.96 at d_min = 10m, → 3 as d_min grows). The MLE's
    /// standard error is (α − 1)/√N (N degrees ≥ d_min). We check both that α̂ is within five
    /// standard errors of α* (the generator follows the exact law) and that it is within that
    /// plus the known bias |α* − 3| of 3.
    #[test]
    fn tail_exponent_is_three() {
        let (n, c) = (1_000_000u32, 6.0);
        let g = generate(n, c, 17, &Silent);
        let m = c / 2.0;
        let d_min = 10.0 * m;
        let (alpha, count) = clauset_alpha((0..n).map(|v| g.degree(v) as f64), d_min);
        let exact = |k: f64| 2.0 * m * (m + 1.0) / (k * (k + 1.0) * (k + 2.0));
        // Truncating the sums at 10⁷ leaves a relative error of order ln(10⁷)/10¹⁴·d_min².
        let (mut mass, mut log_mass) = (0.0, 0.0);
        let mut k = d_min;
        while k < 1e7 {
            mass += exact(k);
            log_mass += exact(k) * (k / (d_min - 0.5)).ln();
            k += 1.0;
        }
        let alpha_star = 1.0 + mass / log_mass;
        let se = (alpha - 1.0) / count.sqrt();
        assert_within("tail exponent vs exact law", alpha, alpha_star, 5.0 * se);
        assert_within(
            "tail exponent",
            alpha,
            3.0,
            (alpha_star - 3.0).abs() + 5.0 * se,
        );
    }

    /// A person's degree grows like m·sqrt(t/i), so the largest degree grows like √n. The
    /// generator is a single stream, so the n-person graph is the first n people of the
    /// 16n-person graph with the same seed, and we can follow the hub h of the small graph.
    /// Its degree evolves as a Yule process in log-time whose expected growth factor from n to
    /// 16n is √16 = 4; a Yule process started at k₀ that grows by a factor G has relative
    /// variance (1 − 1/G)/k₀ (negative binomial), so log(ratio)/log(16) has standard deviation
    /// sqrt(0.75/k₀)/ln 16. We allow five of them, for the hub and for the maximum degree (which
    /// may pass to another old person, whose growth has the same law).
    #[test]
    fn max_degree_grows_like_sqrt_n() {
        let (small, c) = (50_000u32, 10.0);
        let g_small = generate(small, c, 23, &Silent);
        let g_large = generate(16 * small, c, 23, &Silent);
        let (hub, k_small) = (0..small)
            .map(|v| (v, g_small.degree(v)))
            .max_by_key(|&(_, d)| d)
            .unwrap_or((0, 1));
        let k_large = (0..16 * small)
            .map(|v| g_large.degree(v))
            .max()
            .unwrap_or(0);
        let k_small = k_small as f64;
        let tolerance = 5.0 * (0.75 / k_small).sqrt() / 16f64.ln();
        let exponent = |k: f64| (k / k_small).ln() / 16f64.ln();
        assert_within(
            "hub degree exponent",
            exponent(g_large.degree(hub) as f64),
            0.5,
            tolerance,
        );
        assert_within(
            "max degree exponent",
            exponent(k_large as f64),
            0.5,
            tolerance,
        );
    }
}
