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
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let tail = n.div_ceil(20).max(1);
        let cvar95 = sorted[n - tail..].iter().sum::<f64>() / tail as f64;
        Stats {
            mean,
            std,
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

    #[test]
    fn single_value_has_no_spread() {
        let stats = Stats::of(&[3.0]);
        assert_eq!(
            (stats.std, stats.p05, stats.p99, stats.cvar95),
            (0.0, 3.0, 3.0, 3.0)
        );
    }
}
