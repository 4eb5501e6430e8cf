//! Differences between two runs on common random numbers: the paired difference per replication,
//! its mean and 95 % confidence interval (Student t), and for contrast the interval the same
//! runs would give if they had been drawn independently.

use crate::results::t_975;

/// The 95 % confidence interval of a mean difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub lo: f64,
    /// Upper end of the 95 % interval.
    pub hi: f64,
}

impl Interval {
    /// Half the interval's width: the ± of `mean ± half_width`.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// Mean of `variant[r] − baseline[r]` with mean ± t₀.₉₇₅,ₙ₋₁ · sd / √n.
///
/// Replications are paired by position; both slices must be the same length (at least 2). With
/// identical inputs every difference is exactly 0, and so is the interval.
pub fn paired(baseline: &[f64], variant: &[f64]) -> Interval {
    let differences: Vec<f64> = variant.iter().zip(baseline).map(|(v, b)| v - b).collect();
    let n = differences.len();
    let (mean, variance) = mean_variance(&differences);
    let half = t_975(n.saturating_sub(1)) * (variance / n as f64).sqrt();
    Interval {
        mean,
        lo: mean - half,
        hi: mean + half,
    }
}

/// The interval of the same difference of means had the runs been independent (Welch): what
/// common random numbers save, shown beside the paired interval.
pub fn unpaired(baseline: &[f64], variant: &[f64]) -> Interval {
    let (mean_b, var_b) = mean_variance(baseline);
    let (mean_v, var_v) = mean_variance(variant);
    let (nb, nv) = (baseline.len() as f64, variant.len() as f64);
    let (sb, sv) = (var_b / nb, var_v / nv);
    let se = (sb + sv).sqrt();
    // Welch–Satterthwaite degrees of freedom; when both spreads are 0 any value will do.
    let df = if se > 0.0 {
        (sb + sv).powi(2) / (sb.powi(2) / (nb - 1.0) + sv.powi(2) / (nv - 1.0))
    } else {
        nb + nv - 2.0
    };
    let half = t_975(df.floor().max(1.0) as usize) * se;
    let mean = mean_v - mean_b;
    Interval {
        mean,
        lo: mean - half,
        hi: mean + half,
    }
}

/// Mean and sample variance (n − 1), summed in order so that the same values give the same bits.
fn mean_variance(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = if n > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    (mean, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_runs_differ_by_exactly_zero() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0];
        assert_eq!(
            paired(&values, &values),
            Interval {
                mean: 0.0,
                lo: 0.0,
                hi: 0.0
            }
        );
    }

    #[test]
    fn a_constant_shift_is_known_exactly_when_paired() {
        let baseline = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0];
        let variant: Vec<f64> = baseline.iter().map(|b| b - 2.0).collect();
        let interval = paired(&baseline, &variant);
        assert_eq!((interval.mean, interval.half_width()), (-2.0, 0.0));
        assert!(unpaired(&baseline, &variant).half_width() > 1.0);
    }
}
