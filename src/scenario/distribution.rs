//! Probability distributions a scenario may give for a number (durations, start times, restore and
//! ramp times): the checked form, how each is drawn, its mean and its inverse CDF.

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, Exp, LogNormal, Triangular, Uniform, Weibull};

/// z-score of the 95th percentile of the standard normal, used to turn `{median, p95}` into the
/// parameters of ln X.
const Z95: f64 = 1.644_853_626_951_472_2;

/// The smallest u [`Distribution::quantile`] reads, 2⁻⁵³; it reads `1 − QUANTILE_EDGE` for the
/// largest. A design's u lie in [QUANTILE_EDGE, 1 − QUANTILE_EDGE], so the quantiles there are the
/// ends of what an uncertain input can take (finite, also for the families unbounded above).
pub const QUANTILE_EDGE: f64 = 1.0 / 9_007_199_254_740_992.0;

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

    /// The inverse CDF at `u` in (0, 1): the value below which a share `u` of draws lie. `u` is
    /// first clamped into [[`QUANTILE_EDGE`], 1 − [`QUANTILE_EDGE`]] (NaN reads as 0.5), so the
    /// answer is finite. Closed forms for every family but the log-normal, whose standard normal
    /// quantile is Acklam's rational approximation (relative error below 1.2e-9). `Empirical`:
    /// the value at position ⌊u·len⌋ of the values sorted ascending.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() {
            0.5
        } else {
            u.clamp(QUANTILE_EDGE, 1.0 - QUANTILE_EDGE)
        };
        match self {
            Distribution::Fixed(v) => *v,
            Distribution::Uniform { min, max } => min + u * (max - min),
            Distribution::Triangular { min, mode, max } => {
                let width = max - min;
                if width <= 0.0 {
                    return *min;
                }
                if u < (mode - min) / width {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
            Distribution::LogNormal { mu, sigma } => {
                (mu + sigma * standard_normal_quantile(u)).exp()
            }
            Distribution::Exponential { mean } => -mean * (-u).ln_1p(),
            Distribution::Weibull { shape, scale } => scale * (-(-u).ln_1p()).powf(1.0 / shape),
            Distribution::Empirical(values) => {
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let position = ((u * sorted.len() as f64) as usize).min(sorted.len() - 1);
                sorted[position]
            }
        }
    }

    /// The ends of what [`Distribution::quantile`] gives over a design: [`Self::lower_bound`]
    /// and [`Self::upper_bound`], or the quantile at 1 − [`QUANTILE_EDGE`] for the families
    /// unbounded above.
    pub fn support(&self) -> (f64, f64) {
        let upper = self
            .upper_bound()
            .unwrap_or_else(|| self.quantile(1.0 - QUANTILE_EDGE));
        (self.lower_bound(), upper)
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

/// The standard normal quantile by Acklam's algorithm (a rational approximation in the central
/// region and in each tail; relative error below 1.15e-9 over (0, 1)).
fn standard_normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (-p).ln_1p()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
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

    /// Every quantile against its closed form, and monotone in u.
    #[test]
    fn quantiles_match_closed_forms() {
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= 1e-8 * b.abs().max(1.0),
                "{what}: {a} against {b}"
            );
        };
        close(
            standard_normal_quantile(0.975),
            1.959_963_984_540_054,
            "z 0.975",
        );
        close(standard_normal_quantile(0.5), 0.0, "z 0.5");
        close(
            standard_normal_quantile(0.001),
            -3.090_232_306_167_813_5,
            "z 0.001",
        );
        close(
            standard_normal_quantile(1e-10),
            -6.361_340_902_404_056,
            "z 1e-10",
        );
        close(Distribution::Fixed(3.0).quantile(0.2), 3.0, "fixed");
        close(
            Distribution::Uniform { min: 2.0, max: 6.0 }.quantile(0.25),
            3.0,
            "uniform",
        );
        let triangular = Distribution::Triangular {
            min: 0.0,
            mode: 2.0,
            max: 10.0,
        };
        // F(x) = x² / (10·2) below the mode, 1 − (10 − x)² / (10·8) above it.
        close(
            triangular.quantile(0.05),
            (0.05f64 * 20.0).sqrt(),
            "triangular low",
        );
        close(triangular.quantile(0.2), 2.0, "triangular mode");
        close(
            triangular.quantile(0.9),
            10.0 - (0.1f64 * 80.0).sqrt(),
            "triangular high",
        );
        let lognormal = Distribution::lognormal_from_median_p95(4.0, 12.0);
        close(lognormal.quantile(0.5), 4.0, "lognormal median");
        close(lognormal.quantile(0.95), 12.0, "lognormal p95");
        close(
            Distribution::Exponential { mean: 2.5 }.quantile(0.5),
            2.5 * std::f64::consts::LN_2,
            "exponential median",
        );
        let weibull = Distribution::Weibull {
            shape: 1.5,
            scale: 3.0,
        };
        // F(x) = 1 − exp(−(x/λ)^k): F(λ) = 1 − 1/e.
        close(
            weibull.quantile(1.0 - (-1.0f64).exp()),
            3.0,
            "weibull scale",
        );
        let empirical = Distribution::Empirical(vec![6.0, 1.0, 2.0]);
        close(empirical.quantile(0.1), 1.0, "empirical first third");
        close(empirical.quantile(0.5), 2.0, "empirical second third");
        close(empirical.quantile(0.99), 6.0, "empirical last third");
        close(empirical.quantile(1.0), 6.0, "empirical at the edge");
        for distribution in [triangular, lognormal, weibull, empirical] {
            let values: Vec<f64> = (1..1000)
                .map(|i| distribution.quantile(i as f64 / 1000.0))
                .collect();
            assert!(values.windows(2).all(|w| w[0] <= w[1]), "{distribution:?}");
            let (low, high) = distribution.support();
            assert!(low <= values[0] && values[998] <= high && high.is_finite());
        }
    }

    /// The quantile of a uniform u is distributed as the distribution: its sample mean agrees with
    /// the closed-form mean within 4 standard errors.
    #[test]
    fn quantiles_of_uniforms_have_the_closed_form_mean() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let n = 200_000;
        for distribution in [
            Distribution::lognormal_from_median_p95(4.0, 12.0),
            Distribution::Weibull {
                shape: 0.8,
                scale: 2.0,
            },
            Distribution::Triangular {
                min: 1.0,
                mode: 1.5,
                max: 4.0,
            },
        ] {
            let draws: Vec<f64> = (0..n)
                .map(|_| distribution.quantile(rng.random::<f64>()))
                .collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let standard_error = (var / n as f64).sqrt();
            assert!(
                (mean - distribution.mean()).abs() <= 4.0 * standard_error,
                "{distribution:?}: {mean} against {}",
                distribution.mean()
            );
        }
    }

    #[test]
    fn gamma_matches_known_values() {
        assert!((gamma(5.0) - 24.0).abs() < 1e-10);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
    }
}
