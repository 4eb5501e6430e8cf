//! Probability distributions a scenario may give for a number (durations, start times, restore and
//! ramp times): the checked form, how each is drawn, and its mean.

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, Exp, LogNormal, Triangular, Uniform, Weibull};

/// z-score of the 95th percentile of the standard normal, used to turn `{median, p95}` into the
/// parameters of ln X.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A checked distribution. Construction goes through [`crate::scenario`] validation, which refuses
/// impossible parameters, so drawing cannot fail.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Always this value (a plain number in the file).
    Fixed(f64),
    /// Uniform on [min, max].
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Triangular on [min, max] with its peak at `mode`.
    Triangular {
        /// Lower end.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Parameters of ln X: `mu = ln(median)`, `sigma = ln(p95 / median) / z95`.
    LogNormal {
        /// Mean of ln X.
        mu: f64,
        /// Standard deviation of ln X.
        sigma: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// The mean, 1 / rate.
        mean: f64,
    },
    /// Weibull with shape k and scale λ.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale λ.
        scale: f64,
    },
    /// One of the values, each equally likely.
    Empirical(Vec<f64>),
}

impl Distribution {
    /// Builds the log-normal from the two figures analysts usually know: the median and the p95.
    pub fn lognormal_from_median_p95(median: f64, p95: f64) -> Distribution {
        Distribution::LogNormal {
            mu: median.ln(),
            sigma: (p95 / median).ln() / Z95,
        }
    }

    /// Draws one value. Never negative for distributions validated as durations, and clamped at 0
    /// so that rounding cannot make it so.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let value = match self {
            Distribution::Fixed(v) => *v,
            Distribution::Uniform { min, max } => {
                if min == max {
                    *min
                } else {
                    Uniform::new_inclusive(*min, *max).map_or(*min, |d| d.sample(rng))
                }
            }
            Distribution::Triangular { min, mode, max } => {
                if min == max {
                    *min
                } else {
                    Triangular::new(*min, *max, *mode).map_or(*mode, |d| d.sample(rng))
                }
            }
            Distribution::LogNormal { mu, sigma } => {
                LogNormal::new(*mu, *sigma).map_or(mu.exp(), |d| d.sample(rng))
            }
            Distribution::Exponential { mean } => {
                Exp::new(1.0 / mean).map_or(*mean, |d| d.sample(rng))
            }
            Distribution::Weibull { shape, scale } => {
                Weibull::new(*scale, *shape).map_or(*scale, |d| d.sample(rng))
            }
            Distribution::Empirical(values) => values[rng.random_range(0..values.len())],
        };
        value.max(0.0)
    }

    /// The expected value, used in reports (the mean event window) and in closed-form tests.
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Fixed(v) => *v,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Distribution::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Distribution::Exponential { mean } => *mean,
            Distribution::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            Distribution::Empirical(values) => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The largest value the distribution can produce; `None` for the families unbounded above
    /// (lognormal, exponential, Weibull).
    pub fn upper_bound(&self) -> Option<f64> {
        match self {
            Distribution::Fixed(v) => Some(*v),
            Distribution::Uniform { max, .. } | Distribution::Triangular { max, .. } => Some(*max),
            Distribution::LogNormal { .. }
            | Distribution::Exponential { .. }
            | Distribution::Weibull { .. } => None,
            Distribution::Empirical(values) => {
                Some(values.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            }
        }
    }

    /// The smallest value the distribution can produce (0 where it is unbounded below at 0).
    pub fn lower_bound(&self) -> f64 {
        match self {
            Distribution::Fixed(v) => *v,
            Distribution::Uniform { min, .. } | Distribution::Triangular { min, .. } => *min,
            Distribution::LogNormal { .. }
            | Distribution::Exponential { .. }
            | Distribution::Weibull { .. } => 0.0,
            Distribution::Empirical(values) => values.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// The gamma function by the Lanczos approximation (g = 7, n = 9), accurate to about 1e-13 for
/// the arguments a Weibull mean needs; only used for reporting the mean.
fn gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x))
    } else {
        let x = x - 1.0;
        let t = x + 7.5;
        let series = COEFFICIENTS[1..]
            .iter()
            .enumerate()
            .fold(COEFFICIENTS[0], |sum, (i, c)| {
                sum + c / (x + i as f64 + 1.0)
            });
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * series
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Sample means agree with the closed-form means within 4 standard errors.
    #[test]
    fn sample_means_match_closed_forms() {
        let cases = [
            Distribution::Fixed(3.0),
            Distribution::Uniform { min: 1.0, max: 5.0 },
            Distribution::Triangular {
                min: 0.0,
                mode: 2.0,
                max: 10.0,
            },
            Distribution::lognormal_from_median_p95(4.0, 12.0),
            Distribution::Exponential { mean: 2.5 },
            Distribution::Weibull {
                shape: 1.5,
                scale: 3.0,
            },
            Distribution::Empirical(vec![1.0, 2.0, 6.0]),
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        for distribution in cases {
            let draws: Vec<f64> = (0..n).map(|_| distribution.sample(&mut rng)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let standard_error = (var / n as f64).sqrt();
            let expected = distribution.mean();
            assert!(
                (mean - expected).abs() <= 4.0 * standard_error + 1e-12,
                "{distribution:?}: sample mean {mean}, expected {expected}, se {standard_error}"
            );
        }
    }

    #[test]
    fn lognormal_median_and_p95_are_kept() {
        let d = Distribution::lognormal_from_median_p95(10.0, 30.0);
        let Distribution::LogNormal { mu, sigma } = d else {
            unreachable!("constructor returns a log-normal")
        };
        assert!((mu.exp() - 10.0).abs() < 1e-12);
        assert!(((mu + Z95 * sigma).exp() - 30.0).abs() < 1e-9);
    }

    #[test]
    fn gamma_matches_known_values() {
        assert!((gamma(5.0) - 24.0).abs() < 1e-10);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
    }
}
