//! The design of uncertain inputs: one stratified (Latin-hypercube) column of u in (0, 1) per
//! input. A column is drawn from its own stream, keyed by the seed and a stable hash of the
//! input's path ([`crate::streams::key_of`]), never by the input's position: adding, removing or
//! reordering `[[uncertain]]` entries leaves every other input's draws as they were. The value
//! of input `i` at sample `k` is `distribution.quantile(column(seed, path, samples)[k])`.

use rand::RngExt;

use crate::scenario::QUANTILE_EDGE;
use crate::streams::{Domain, StreamKey};

/// `samples` values in [QUANTILE_EDGE, 1 − QUANTILE_EDGE] ⊂ (0, 1) for the input at `path`: each
/// of the `samples` equal strata of (0, 1) holds exactly one, at a uniform place within it, the
/// strata in a random order (Fisher–Yates). The permutation and the places come from the
/// stream (seed, 0, `Domain::Inputs`, key_of(path)). The clamp to the edges moves a value only
/// when it falls within 2⁻⁵³ of 0 or 1.
///
/// # Complexity
/// O(samples) time and memory.
pub fn column(seed: u64, path: &str, samples: usize) -> Vec<f64> {
    let mut rng = StreamKey::new(seed, 0, Domain::Inputs)
        .then_id(path)
        .stream();
    let mut strata: Vec<usize> = (0..samples).collect();
    for i in (1..samples).rev() {
        let j = rng.random_range(0..=i);
        strata.swap(i, j);
    }
    strata
        .into_iter()
        .map(|stratum| {
            let place: f64 = rng.random();
            ((stratum as f64 + place) / samples as f64).clamp(QUANTILE_EDGE, 1.0 - QUANTILE_EDGE)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each of the n strata [k/n, (k+1)/n) holds exactly one value, every value in (0, 1).
    #[test]
    fn each_stratum_holds_one_value() {
        for samples in [1, 2, 7, 64, 1000] {
            let values = column(42, "scenario.value_of_time_per_hour", samples);
            assert_eq!(values.len(), samples);
            let mut seen = vec![0usize; samples];
            for u in &values {
                assert!(*u > 0.0 && *u < 1.0, "{u}");
                seen[((u * samples as f64) as usize).min(samples - 1)] += 1;
            }
            assert!(seen.iter().all(|&n| n == 1), "{samples}: {seen:?}");
        }
    }

    /// A column depends on the seed and its own path only: the same path gives the same column
    /// whatever other inputs exist, and another path or seed gives another column.
    #[test]
    fn columns_are_keyed_by_path_not_position() {
        let a = column(7, "adoption.kakaotalk.share", 50);
        let _others: Vec<Vec<f64>> = ["events.fire.duration_hours.median", "x.y"]
            .iter()
            .map(|path| column(7, path, 50))
            .collect();
        assert_eq!(a, column(7, "adoption.kakaotalk.share", 50));
        assert_ne!(a, column(7, "adoption.kakaotalk.share.elderly", 50));
        assert_ne!(a, column(8, "adoption.kakaotalk.share", 50));
    }

    /// Within its strata a column is uniform: over many columns the mean of one sample's u is
    /// 1/2 and its variance 1/12 (not the 1/(12 n²) of a column's stratum alone). With 4000
    /// columns the mean's standard error is sqrt(1/12 / 4000) ≈ 0.0046; 4 of them is 0.018.
    /// Pairs of columns of different paths are uncorrelated: the correlation of two independent
    /// columns of n = 4000 values has standard error 1/sqrt(4000) ≈ 0.016; 4 of them is 0.064.
    #[test]
    fn columns_are_uniform_and_independent_of_each_other() {
        let first: Vec<f64> = (0..4000).map(|seed| column(seed, "a.b", 5)[2]).collect();
        let mean = first.iter().sum::<f64>() / first.len() as f64;
        let var = first.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / first.len() as f64;
        assert!((mean - 0.5).abs() < 0.018, "{mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.01, "{var}");
        let a = column(3, "a.b", 4000);
        let b = column(3, "a.c", 4000);
        let covariance: f64 = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - 0.5) * (y - 0.5))
            .sum::<f64>()
            / 4000.0;
        let correlation = covariance * 12.0;
        assert!(correlation.abs() < 0.064, "{correlation}");
    }
}
