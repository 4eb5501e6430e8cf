//! Summary statistics of a metric over replications: mean, spread, quantiles and the expected
//! shortfall (CVaR) of the worst 5 %.

use serde::{Deserialize, Deserializer, Serialize};

/// What `summary.json` reports for each metric.
///
/// JSON has no NaN: a statistic that is not a number is written `null` (by serde_json) and, like
/// a statistic a hand-edited file lacks, reads back as NaN; only `mean` is required.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Mean over the replications.
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 for a single replication.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub std: f64,
    /// Monte Carlo standard error of the mean, `std / √n` (0 for a single replication, whose
    /// precision is unknown: the run warns about too few replications).
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub se: f64,
    /// Lower end of the 95 % interval of the mean, `mean − t × se` (Student t with n − 1
    /// degrees of freedom); the mean itself for a single replication.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub mean_lo: f64,
    /// Upper end of the 95 % interval of the mean, `mean + t × se`.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub mean_hi: f64,
    /// Smallest value.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub min: f64,
    /// 5th percentile.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p05: f64,
    /// Median.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p50: f64,
    /// 95th percentile.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p95: f64,
    /// 99th percentile.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p99: f64,
    /// Largest value.
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub max: f64,
    /// Mean of the worst ⌈5 %⌉ of replications (at least one).
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub cvar95: f64,
}

fn nan() -> f64 {
    f64::NAN
}

fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Stats {
    /// Summarises `values` (one per replication). Summed in replication order, so the same
    /// values give the same bits.
    pub fn of(values: &[f64]) -> Stats {
        if values.is_empty() {
            return Stats {
                mean: 0.0,
                std: 0.0,
                se: 0.0,
                mean_lo: 0.0,
                mean_hi: 0.0,
                min: 0.0,
                p05: 0.0,
                p50: 0.0,
                p95: 0.0,
                p99: 0.0,
                max: 0.0,
                cvar95: 0.0,
            };
        }
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        let std = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let se = std / (n as f64).sqrt();
        let half = if n > 1 {
            crate::results::t_975(n - 1) * se
        } else {
            0.0
        };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let tail = n.div_ceil(20).max(1);
        let cvar95 = sorted[n - tail..].iter().sum::<f64>() / tail as f64;
        Stats {
            mean,
            std,
            se,
            mean_lo: mean - half,
            mean_hi: mean + half,
            min: sorted[0],
            p05: quantile(&sorted, 0.05),
            p50: quantile(&sorted, 0.50),
            p95: quantile(&sorted, 0.95),
            p99: quantile(&sorted, 0.99),
            max: sorted[n - 1],
            cvar95,
        }
    }
}

/// Quantile of sorted values by linear interpolation between order statistics (Hyndman–Fan
/// type 7, the default of R and numpy).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let position = q * (n - 1) as f64;
            let low = position.floor() as usize;
            let high = (low + 1).min(n - 1);
            sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_one_to_hundred() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let stats = Stats::of(&values);
        assert_eq!(stats.mean, 50.5);
        assert_eq!(stats.min, 1.0);
        assert_eq!(stats.max, 100.0);
        assert!((stats.p50 - 50.5).abs() < 1e-12);
        assert!((stats.p05 - 5.95).abs() < 1e-12);
        assert!((stats.p95 - 95.05).abs() < 1e-12);
        assert_eq!(stats.cvar95, 98.0);
        assert!((stats.std - 29.011_491_975_882_016).abs() < 1e-9);
    }

    /// The standard error is the sample's std / √n, and the interval is mean ± t(n − 1) × se,
    /// on values whose std is known in closed form: 1..=100 has variance 100 × 101 / 12.
    #[test]
    fn standard_error_is_the_samples_std_over_root_n() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let stats = Stats::of(&values);
        let std = (100.0_f64 * 101.0 / 12.0).sqrt();
        assert!((stats.se - std / 10.0).abs() < 1e-12, "{}", stats.se);
        let half = crate::results::t_975(99) * std / 10.0;
        assert!((stats.mean_lo - (50.5 - half)).abs() < 1e-12);
        assert!((stats.mean_hi - (50.5 + half)).abs() < 1e-12);
        // Five values: t(4) = 2.7764 from the tables.
        let stats = Stats::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let se = (2.5_f64 / 5.0).sqrt();
        assert!((stats.se - se).abs() < 1e-12);
        assert!((stats.mean_hi - (3.0 + 2.7764 * se)).abs() < 1e-12);
    }

    #[test]
    fn single_value_has_no_spread() {
        let stats = Stats::of(&[3.0]);
        assert_eq!(
            (
                stats.std,
                stats.se,
                stats.mean_lo,
                stats.mean_hi,
                stats.cvar95
            ),
            (0.0, 0.0, 3.0, 3.0, 3.0)
        );
    }
}
