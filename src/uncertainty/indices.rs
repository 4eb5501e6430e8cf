//! First- and total-order Sobol' indices from the outputs of a Saltelli design
//! ([`super::saltelli`]), with bootstrap 95 % intervals.
//!
//! With `f(A)`, `f(B)` and `f(ABᵢ)` on `N` rows and `V` the variance of `f(A)` and `f(B)` taken
//! together:
//! - first order (Saltelli et al. 2010, table 2 (b)): `Sᵢ = mean(f(B) · (f(ABᵢ) − f(A))) / V`,
//!   with `f` centred on the mean of `f(A)` and `f(B)`;
//! - total order (Jansen 1999): `Tᵢ = mean((f(A) − f(ABᵢ))²) / 2 / V`.
//!
//! These are SALib's `sobol.analyze` estimators. The intervals resample the `N` rows with
//! replacement (the same rows for every input of a resample, so that the indices of one resample
//! belong together), recompute both indices, and take the 2.5 % and 97.5 % quantiles of the
//! resamples (percentile intervals, not SALib's normal approximation, so that an index near 0 or 1
//! gets an asymmetric interval). Each resample's rows come from a stream keyed by the resample's
//! number, so the intervals are the same on every machine and thread count.

use rand::RngExt;

use super::saltelli::Outputs;
use crate::results::quantile;
use crate::streams::{Domain, StreamKey};

/// An index and its bootstrap 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate on all `N` rows.
    pub value: f64,
    /// The 2.5 % quantile of the resamples' estimates.
    pub lo: f64,
    /// The 97.5 % quantile of the resamples' estimates.
    pub hi: f64,
}

/// One input's indices for one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    /// The share of the output's variance the input explains alone.
    pub first_order: Estimate,
    /// The share it explains with all its interactions.
    pub total_order: Estimate,
}

/// The number of bootstrap resamples of every interval.
pub const RESAMPLES: usize = 1000;

/// The stream component of the bootstrap, beside the design's matrices.
const BOOTSTRAP: u64 = 0xB007;

/// Each input's indices (in the order of `outputs.ab`), with intervals from `resamples` bootstrap
/// resamples drawn from `seed`.
///
/// An output that does not vary (`V = 0`, e.g. a metric the inputs cannot move and with no
/// noise) has no share to explain: every index and bound is then 0 rather than NaN.
///
/// # Complexity
/// `O(resamples · N · k)` for `N` rows and `k` inputs.
pub fn estimate(outputs: &Outputs, seed: u64, resamples: usize) -> Vec<Indices> {
    let n = outputs.a.len();
    let all: Vec<usize> = (0..n).collect();
    let point = point_estimates(outputs, &all);
    let mut draws: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(resamples); outputs.ab.len()];
    let mut rows = vec![0; n];
    for resample in 0..resamples {
        let mut rng = StreamKey::new(seed, 0, Domain::Sensitivity)
            .then(BOOTSTRAP)
            .then(resample as u64)
            .stream();
        for row in &mut rows {
            *row = rng.random_range(0..n);
        }
        for (input, estimate) in point_estimates(outputs, &rows).into_iter().enumerate() {
            draws[input].push(estimate);
        }
    }
    point
        .into_iter()
        .zip(draws)
        .map(|((first, total), draws)| {
            let (firsts, totals): (Vec<f64>, Vec<f64>) = draws.into_iter().unzip();
            Indices {
                first_order: interval(first, firsts),
                total_order: interval(total, totals),
            }
        })
        .collect()
}

/// The estimate with the percentile interval of its resamples (the estimate alone when there
/// are none).
fn interval(value: f64, mut resampled: Vec<f64>) -> Estimate {
    if resampled.is_empty() {
        return Estimate {
            value,
            lo: value,
            hi: value,
        };
    }
    resampled.sort_by(f64::total_cmp);
    Estimate {
        value,
        lo: quantile(&resampled, 0.025),
        hi: quantile(&resampled, 0.975),
    }
}

/// `(Sᵢ, Tᵢ)` for each input on the given rows (a row may repeat).
fn point_estimates(outputs: &Outputs, rows: &[usize]) -> Vec<(f64, f64)> {
    let n = rows.len() as f64;
    let (a, b) = (&outputs.a, &outputs.b);
    let mean = rows.iter().map(|&r| a[r] + b[r]).sum::<f64>() / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&r| (a[r] - mean).powi(2) + (b[r] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    outputs
        .ab
        .iter()
        .map(|ab| {
            if !(variance > 0.0 && variance.is_finite()) {
                return (0.0, 0.0);
            }
            // Centred on the mean: the same expectation (f(ABᵢ) − f(A) has mean 0) with far less
            // noise when the output's mean is large against its spread, as SALib's
            // standardised outputs do.
            let first = rows
                .iter()
                .map(|&r| (b[r] - mean) * (ab[r] - a[r]))
                .sum::<f64>()
                / n;
            let total = rows.iter().map(|&r| (a[r] - ab[r]).powi(2)).sum::<f64>() / (2.0 * n);
            (first / variance, total / variance)
        })
        .collect()
}

#[cfg(test)]
mod tests;
