//! The cost–benefit of a measure, as CLIMADA weighs an adaptation measure: the benefit is the
//! annual average loss it averts — the baseline's years against the variant's, on the same
//! years, occurrences and table rows (common random numbers) — paid each year of the horizon
//! and discounted; the cost is the upfront cost plus the discounted per-year cost.
//! NPV = benefit − cost and BCR = benefit / cost; both grow with the averted loss, so their
//! intervals are the averted loss's interval (paired bootstrap) carried through.

use rayon::prelude::*;

use super::stats::{BOOTSTRAP, RateDraws, Resample, year_losses};
use super::table::EventTable;
use super::years::Years;
use crate::scenario::{Economics, VariantCost};

/// The annual loss a variant averts: its mean and 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Averted {
    /// Baseline AAL − variant AAL over the same simulated years.
    pub mean: f64,
    /// 95 % interval (paired bootstrap), low end.
    pub lo: f64,
    /// 95 % interval, high end.
    pub hi: f64,
}

/// One row of `benefit_cost.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct BenefitCost {
    /// The variant's name.
    pub variant: String,
    /// The annual loss averted.
    pub averted: Averted,
    /// Net present value: discounted averted loss − discounted cost, with its interval.
    pub npv: [f64; 3],
    /// Benefit–cost ratio: discounted averted loss / discounted cost, with its interval.
    pub bcr: [f64; 3],
}

/// The averted annual loss of `metric`: `base` against `variant` (the same events, in the same
/// order, with tables of the same rows), each on its own years. With uncertain `rates`, each
/// bootstrap replicate redraws both runs' years with the same factors on their own rates (a
/// variant that halves a rate halves every draw of it).
pub fn averted(
    seed: u64,
    base: (&[EventTable], &Years),
    variant: (&[EventTable], &Years),
    metric: usize,
    rates: &RateDraws,
) -> Averted {
    let mean = |losses: &[f64]| losses.iter().sum::<f64>() / losses.len() as f64;
    let difference = |years: (&Years, &Years), resample: Option<&Resample>| {
        mean(&year_losses(base.0, years.0, metric, resample).sum)
            - mean(&year_losses(variant.0, years.1, metric, resample).sum)
    };
    let point = difference((base.1, variant.1), None);
    let mut boot: Vec<f64> = (0..BOOTSTRAP)
        .into_par_iter()
        .map(|b| {
            let own_base = rates.years(seed, b, base.0, base.1);
            let own_variant = rates.years(seed, b, variant.0, variant.1);
            let resample = Resample::new(seed, b, own_base.len(), base.0);
            difference((&own_base, &own_variant), Some(&resample))
        })
        .collect();
    boot.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| crate::results::quantile(&boot, q);
    Averted {
        mean: point,
        lo: at(0.025).min(point),
        hi: at(0.975).max(point),
    }
}

/// The row of `variant`: `averted` weighed against `cost` under `economics`. `cost` must have a
/// positive present value (the study refuses a free measure before this).
pub fn weigh(
    variant: &str,
    averted: Averted,
    cost: &VariantCost,
    economics: &Economics,
) -> BenefitCost {
    let annuity = economics.annuity();
    let pv = cost.present_value(economics);
    let benefit = |a: f64| a * annuity;
    let three = |f: &dyn Fn(f64) -> f64| [f(averted.mean), f(averted.lo), f(averted.hi)];
    BenefitCost {
        variant: variant.to_string(),
        averted,
        npv: three(&|a| benefit(a) - pv),
        bcr: three(&|a| benefit(a) / pv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(id: &str, rate: f64, losses: &[f64]) -> EventTable {
        let rows: Vec<Vec<f64>> = losses.iter().map(|&l| vec![l]).collect();
        EventTable::new(id, id, rate, 1, &rows)
    }

    /// Hand computation: averting 10 a year for 20 years at 4.5 % is worth
    /// 10 × 13.007 936 = 130.079 36; against 50 upfront + 2 a year (50 + 26.015 87) the NPV is
    /// 54.063 49 and the BCR 1.711 21.
    #[test]
    fn npv_and_bcr_match_a_hand_computation() {
        let economics = Economics {
            discount_rate: 0.045,
            horizon_years: 20,
        };
        let cost = VariantCost {
            upfront: 50.0,
            per_year: 2.0,
        };
        let row = weigh(
            "m",
            Averted {
                mean: 10.0,
                lo: 8.0,
                hi: 12.0,
            },
            &cost,
            &economics,
        );
        assert!((row.npv[0] - 54.063_49).abs() < 1e-4, "{:?}", row.npv);
        assert!((row.bcr[0] - 1.711_21).abs() < 1e-5, "{:?}", row.bcr);
        assert!(row.npv[1] < row.npv[0] && row.npv[0] < row.npv[2]);
        assert!((row.bcr[1] - 8.0 * 13.007_936 / 76.015_87).abs() < 1e-5);
    }

    /// The same tables and years: exactly nothing averted, interval included; halving every
    /// loss averts half the AAL, within the paired interval.
    #[test]
    fn a_variant_that_changes_nothing_averts_exactly_nothing() {
        let losses: Vec<f64> = (0..400).map(|i| f64::from(i % 17) * 3.0).collect();
        let base = [table("fire", 0.7, &losses)];
        let years = Years::draw(3, &[("fire", 0.7)], 3000, 400);
        let same = averted(
            3,
            (&base, &years),
            (&base, &years),
            0,
            &RateDraws::certain(),
        );
        assert_eq!((same.mean, same.lo, same.hi), (0.0, 0.0, 0.0));
        let halved: Vec<f64> = losses.iter().map(|l| l / 2.0).collect();
        let half = [table("fire", 0.7, &halved)];
        let a = averted(
            3,
            (&base, &years),
            (&half, &years),
            0,
            &RateDraws::certain(),
        );
        let mean_loss = losses.iter().sum::<f64>() / losses.len() as f64;
        let expected = 0.7 * mean_loss / 2.0;
        assert!(a.lo <= expected && expected <= a.hi, "{a:?} {expected}");
        assert!(a.lo > 0.0);
    }
}
