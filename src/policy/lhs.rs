//! Latin hypercube sampling: `n` points in `d` dimensions such that, in every dimension, each of
//! the `n` equal strata of [0, 1) holds exactly one point. Strata are permuted independently per
//! dimension and each point is uniform within its stratum, all from the seed, so a design is
//! the same on every machine.

use rand::RngExt;

use crate::streams::{Domain, stream};

/// `samples` points of `dimensions` coordinates in [0, 1).
pub fn unit(seed: u64, samples: usize, dimensions: usize) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; dimensions]; samples];
    for d in 0..dimensions {
        let mut rng = stream(seed, 0, Domain::Design, d as u64);
        let mut strata: Vec<usize> = (0..samples).collect();
        // Fisher–Yates.
        for i in (1..samples).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i, j);
        }
        for (point, stratum) in points.iter_mut().zip(&strata) {
            let u: f64 = rng.random();
            point[d] = (*stratum as f64 + u) / samples as f64;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stratum_of_every_dimension_holds_one_point() {
        let n = 50;
        let points = unit(7, n, 3);
        for d in 0..3 {
            let mut seen = vec![false; n];
            for p in &points {
                assert!((0.0..1.0).contains(&p[d]));
                let stratum = (p[d] * n as f64).floor() as usize;
                assert!(!seen[stratum], "stratum {stratum} twice in dimension {d}");
                seen[stratum] = true;
            }
        }
        assert_eq!(points, unit(7, n, 3), "same seed, same design");
        assert_ne!(points, unit(8, n, 3));
    }
}
