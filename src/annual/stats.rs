//! The statistics of simulated years: the annual average loss (AAL), the aggregate and
//! occurrence exceedance curves (AEP: the year's losses summed; OEP: its largest occurrence) at
//! the standard return periods, and the tail value at risk (TVaR: the mean of the years at or
//! beyond the AEP value), each with a 95 % interval, and the number of table rows behind each.
//!
//! The value at return period T is the loss exceeded in a share 1/T of the years: with the N
//! years sorted ascending, the (N − ⌊N/T⌋)-th (the largest when T > N). Intervals come from a
//! two-level bootstrap (`BOOTSTRAP` replicates): each replicate resamples every event's table
//! (its rows with replacement) and the years (with replacement), so an interval holds both the
//! years' sampling and the table's — a tail value resting on few rows gets a wide interval. The
//! AAL's standard error is the bootstrap's standard deviation of the mean.
//!
//! When a rate is uncertain, each replicate also stands on its own years: drawn again with the
//! rates of that replicate's input draw ([`RateDraws`]), on the same keys, so the interval holds
//! what we do not know of how often events come as well as the sampling; the values themselves
//! stay those of the rates written in the file (the central ones).

use std::borrow::Cow;

use rand::RngExt;
use rayon::prelude::*;

use super::table::EventTable;
use super::years::Years;
use crate::streams::{Domain, StreamKey};

/// The return periods of every curve, in years.
pub const RETURN_PERIODS: [f64; 10] = [
    2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0,
];

/// Bootstrap replicates behind every interval.
pub const BOOTSTRAP: u64 = 200;

/// Component after the domain for the bootstrap's draws.
const RESAMPLE: u64 = 2;

/// A mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean over the simulated years.
    pub mean: f64,
    /// Its standard error (bootstrap).
    pub se: f64,
}

/// One point of a curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The return period, in years.
    pub return_period_years: f64,
    /// The loss at it.
    pub value: f64,
    /// 95 % interval, low end.
    pub lo: f64,
    /// 95 % interval, high end.
    pub hi: f64,
    /// Distinct table rows (simulated occurrences) with a loss in the years at or beyond the
    /// value: how many simulations the point rests on.
    pub occurrences: usize,
}

/// The annual statistics of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    /// Annual average loss.
    pub aal: Estimate,
    /// Aggregate exceedance: the year's summed loss at each return period.
    pub aep: Vec<Point>,
    /// Occurrence exceedance: the year's largest occurrence at each return period.
    pub oep: Vec<Point>,
    /// Tail value at risk of the summed loss: the mean of the years at or beyond the AEP value.
    pub tvar: Vec<Point>,
}

/// Each year's loss of one metric: summed over its occurrences, and its largest occurrence.
#[derive(Debug, Clone, PartialEq)]
pub struct YearLosses {
    /// The summed loss of each year.
    pub sum: Vec<f64>,
    /// The largest occurrence of each year (0 without one).
    pub max: Vec<f64>,
}

/// The rates of each bootstrap replicate when some are uncertain: `factors[b][e]` multiplies
/// event `e`'s rate in replicate `b` (1 for a rate that is certain). Empty when every rate is
/// certain: then every replicate stands on the years drawn once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RateDraws {
    factors: Vec<Vec<f64>>,
}

impl RateDraws {
    /// Every rate certain.
    pub fn certain() -> RateDraws {
        RateDraws::default()
    }

    /// `factors[b][e]`: replicate `b`'s factor on event `e`'s rate; one row per bootstrap
    /// replicate ([`BOOTSTRAP`]), each factor finite and at least 0.
    pub fn new(factors: Vec<Vec<f64>>) -> RateDraws {
        RateDraws { factors }
    }

    /// Whether some rate is uncertain.
    pub fn is_uncertain(&self) -> bool {
        !self.factors.is_empty()
    }

    /// The years replicate `replicate` stands on: `central` when every rate is certain, else
    /// years drawn again on the same keys with the tables' rates times the replicate's factors.
    pub fn years<'a>(
        &self,
        seed: u64,
        replicate: u64,
        tables: &[EventTable],
        central: &'a Years,
    ) -> Cow<'a, Years> {
        let Some(factors) = self.factors.get(replicate as usize) else {
            return Cow::Borrowed(central);
        };
        let rates: Vec<(&str, f64)> = tables
            .iter()
            .zip(factors)
            .map(|(t, f)| (t.id.as_str(), t.rate * f))
            .collect();
        let rows = tables.first().map_or(1, EventTable::rows);
        let rows = u32::try_from(rows).unwrap_or(u32::MAX);
        let count = u32::try_from(central.len()).unwrap_or(u32::MAX);
        Cow::Owned(Years::draw(seed, &rates, count, rows))
    }
}

/// One bootstrap replicate: which years, and which row stands for each row of each table.
pub struct Resample {
    years: Vec<u32>,
    rows: Vec<Vec<u32>>,
}

impl Resample {
    /// Replicate `replicate` for `years` years of `tables`; keyed by the replicate and each
    /// event's id, so a variant's tables with the same events and rows get the same replicate.
    pub fn new(seed: u64, replicate: u64, years: usize, tables: &[EventTable]) -> Resample {
        let key = StreamKey::new(seed, 0, Domain::Annual)
            .then(RESAMPLE)
            .then(replicate);
        let n = u32::try_from(years).unwrap_or(u32::MAX);
        let mut stream = key.then(0).stream();
        let picks = (0..years)
            .map(|_| stream.random_range(0..n.max(1)))
            .collect();
        let rows = tables
            .iter()
            .map(|table| {
                let size = u32::try_from(table.rows()).unwrap_or(u32::MAX).max(1);
                let mut stream = key.then(1).then_id(&table.id).stream();
                (0..size).map(|_| stream.random_range(0..size)).collect()
            })
            .collect();
        Resample { years: picks, rows }
    }
}

/// The losses of `metric` in each year, or in each year of `resample` with its rows.
pub fn year_losses(
    tables: &[EventTable],
    years: &Years,
    metric: usize,
    resample: Option<&Resample>,
) -> YearLosses {
    let count = years.len();
    let mut sum = Vec::with_capacity(count);
    let mut max = Vec::with_capacity(count);
    for i in 0..count {
        let year = resample.map_or(i, |r| r.years[i] as usize);
        let (mut s, mut m) = (0.0, 0.0f64);
        for occurrence in years.year(year) {
            let row = resample.map_or(occurrence.row, |r| {
                r.rows[occurrence.event][occurrence.row as usize]
            });
            let v = tables[occurrence.event].value(row as usize, metric);
            s += v;
            m = m.max(v);
        }
        sum.push(s);
        max.push(m);
    }
    YearLosses { sum, max }
}

/// Position in ascending `n` values of the value at return period `t`.
fn position(n: usize, t: f64) -> usize {
    let beyond = (n as f64 / t).floor() as usize;
    n.saturating_sub(beyond.max(1))
}

/// The value at return period `t` of `sorted` (ascending, not empty).
pub fn value_at(sorted: &[f64], t: f64) -> f64 {
    sorted[position(sorted.len(), t)]
}

/// The mean of the values at or beyond the one at return period `t` (`sorted` ascending).
pub fn tvar_at(sorted: &[f64], t: f64) -> f64 {
    let tail = &sorted[position(sorted.len(), t)..];
    tail.iter().sum::<f64>() / tail.len() as f64
}

/// The share of `losses` above `level`, with its 95 % Wilson interval.
pub fn exceedance(losses: &[f64], level: f64) -> (f64, f64, f64) {
    let n = losses.len() as f64;
    let p = losses.iter().filter(|&&l| l > level).count() as f64 / n;
    let z = 1.959_964;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (p, (centre - half).max(0.0), (centre + half).min(1.0))
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut values = values.to_vec();
    values.sort_unstable_by(f64::total_cmp);
    values
}

/// Per return period: the AEP, OEP and TVaR values of one set of year losses.
fn points(losses: &YearLosses) -> (f64, Vec<[f64; 3]>) {
    let sum = sorted(&losses.sum);
    let max = sorted(&losses.max);
    let mean = losses.sum.iter().sum::<f64>() / losses.sum.len() as f64;
    let values = RETURN_PERIODS
        .iter()
        .map(|&t| [value_at(&sum, t), value_at(&max, t), tvar_at(&sum, t)])
        .collect();
    (mean, values)
}

/// Distinct rows with a positive loss in the years whose loss (`by`) is at least `level`; for
/// the OEP (`single`), the rows that themselves reach it.
fn behind(
    tables: &[EventTable],
    years: &Years,
    metric: usize,
    by: &[f64],
    level: f64,
    single: bool,
) -> usize {
    let mut rows: Vec<(usize, u32)> = Vec::new();
    for (y, &loss) in by.iter().enumerate() {
        if loss < level || loss <= 0.0 {
            continue;
        }
        for o in years.year(y) {
            let v = tables[o.event].value(o.row as usize, metric);
            if v > 0.0 && (!single || v >= level) {
                rows.push((o.event, o.row));
            }
        }
    }
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// The 2.5 % and 97.5 % points of `values` (not empty).
fn interval(values: &mut [f64]) -> (f64, f64) {
    values.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| crate::results::quantile(values, q);
    (at(0.025), at(0.975))
}

/// The curves of every metric of `tables` over `years` (at least one year); with uncertain
/// `rates`, each replicate on its own years.
///
/// # Complexity
/// O(BOOTSTRAP × metrics × (occurrences + years × log years)), in parallel over replicates.
pub fn curves(
    seed: u64,
    tables: &[EventTable],
    years: &Years,
    metrics: usize,
    rates: &RateDraws,
) -> Vec<Curves> {
    let replicates: Vec<Vec<(f64, Vec<[f64; 3]>)>> = (0..BOOTSTRAP)
        .into_par_iter()
        .map(|b| {
            let own = rates.years(seed, b, tables, years);
            let resample = Resample::new(seed, b, own.len(), tables);
            (0..metrics)
                .map(|m| points(&year_losses(tables, &own, m, Some(&resample))))
                .collect()
        })
        .collect();
    (0..metrics)
        .map(|m| {
            let losses = year_losses(tables, years, m, None);
            let (mean, values) = points(&losses);
            let means: Vec<f64> = replicates.iter().map(|r| r[m].0).collect();
            let centre = means.iter().sum::<f64>() / means.len() as f64;
            let se = (means.iter().map(|x| (x - centre).powi(2)).sum::<f64>()
                / (means.len() as f64 - 1.0))
                .sqrt();
            let curve = |kind: usize| -> Vec<Point> {
                RETURN_PERIODS
                    .iter()
                    .enumerate()
                    .map(|(i, &t)| {
                        let mut boot: Vec<f64> =
                            replicates.iter().map(|r| r[m].1[i][kind]).collect();
                        let (lo, hi) = interval(&mut boot);
                        let value = values[i][kind];
                        // TVaR rests on the same years as the AEP value it starts from.
                        let level = values[i][if kind == 1 { 1 } else { 0 }];
                        let by = if kind == 1 { &losses.max } else { &losses.sum };
                        Point {
                            return_period_years: t,
                            value,
                            lo: lo.min(value),
                            hi: hi.max(value),
                            occurrences: behind(tables, years, m, by, level, kind == 1),
                        }
                    })
                    .collect()
            };
            Curves {
                aal: Estimate { mean, se },
                aep: curve(0),
                oep: curve(1),
                tvar: curve(2),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `rows` occurrences that all do damage `s`.
    fn fixed(id: &str, rate: f64, s: f64, rows: usize) -> EventTable {
        EventTable::new(id, id, rate, 1, &vec![vec![s]; rows])
    }

    /// |estimate − truth| within 4 standard errors of a share over `n` years: a bias of
    /// 4 SE (0.016 at p = 0.4 and 4 000 years) would fail.
    fn close(estimate: f64, truth: f64, n: usize) -> bool {
        let se = (truth * (1.0 - truth) / n as f64).sqrt();
        (estimate - truth).abs() <= 4.0 * se + 1e-12
    }

    /// One event of rate λ and fixed damage S: AAL = λS; AEP and OEP below S are 1 − e^−λ; AEP
    /// in [S, 2S) is 1 − e^−λ(1 + λ); OEP above S is 0. Each within its interval (4 SE), and
    /// the intervals shrink with the years (about as 1/√N: 4× the years, half the width).
    #[test]
    fn one_event_of_fixed_damage_has_the_closed_forms() {
        let (rate, s) = (0.5, 10.0);
        let mut widths = Vec::new();
        for n in [4_000u32, 16_000] {
            let tables = [fixed("fire", rate, s, 50)];
            let years = Years::draw(11, &[("fire", rate)], n, 50);
            let losses = year_losses(&tables, &years, 0, None);
            let n = n as usize;
            let once = 1.0 - (-rate).exp();
            let twice = 1.0 - (-rate).exp() * (1.0 + rate);
            let (p, lo, hi) = exceedance(&losses.sum, 0.5 * s);
            assert!(
                close(p, once, n) && lo <= p && p <= hi,
                "AEP < S: {p} {once}"
            );
            let (p, ..) = exceedance(&losses.max, 0.5 * s);
            assert!(close(p, once, n), "OEP < S: {p} {once}");
            let (p, ..) = exceedance(&losses.sum, 1.5 * s);
            assert!(close(p, twice, n), "AEP in [S, 2S): {p} {twice}");
            let (p, lo, hi) = exceedance(&losses.max, 1.5 * s);
            assert_eq!((p, lo), (0.0, 0.0), "OEP above S");
            assert!(hi < 4.0 / n as f64);
            let curves = &curves(11, &tables, &years, 1, &RateDraws::certain())[0];
            // AAL = λS within 4 SE of a Poisson sum: SE = S √(λ / N).
            let se = s * (rate / n as f64).sqrt();
            assert!(
                (curves.aal.mean - rate * s).abs() < 4.0 * se,
                "{:?}",
                curves.aal
            );
            assert!(
                (curves.aal.se / se - 1.0).abs() < 0.25,
                "{:?} {se}",
                curves.aal
            );
            widths.push(hi - lo);
            // Values at the return periods where the closed form is far from a jump: P(L ≥ 2S)
            // = 0.090 > 1/20 > P(L ≥ 3S) = 0.014 > 1/100 > P(L ≥ 4S) = 0.0018 > 1/1000.
            let aep = |t: f64| curves.aep.iter().find(|p| p.return_period_years == t);
            for (t, value) in [
                (5.0, s),
                (20.0, 2.0 * s),
                (100.0, 3.0 * s),
                (1000.0, 4.0 * s),
            ] {
                let point = aep(t).unwrap_or_else(|| panic!("T = {t}"));
                assert_eq!(point.value, value, "T = {t}: {point:?}");
                assert!(point.lo <= value && value <= point.hi);
                assert!(point.occurrences > 0);
            }
            for point in &curves.oep {
                if point.return_period_years >= 5.0 {
                    assert_eq!((point.value, point.lo, point.hi), (s, s, s), "{point:?}");
                }
            }
        }
        let (wide, narrow) = (widths[0], widths[1]);
        assert!(wide > 0.0 && narrow / wide < 0.7, "{widths:?}");
    }

    /// Two independent events: below both damages the AEP is 1 − e^−(λa + λb); the OEP between
    /// them is the larger event's 1 − e^−λb.
    #[test]
    fn two_independent_events_add_their_rates() {
        let (a, b) = (0.3, 0.2);
        let tables = [fixed("a", a, 1.0, 20), fixed("b", b, 10.0, 20)];
        let n = 20_000;
        let years = Years::draw(5, &[("a", a), ("b", b)], n, 20);
        let losses = year_losses(&tables, &years, 0, None);
        let both = 1.0 - (-(a + b)).exp();
        let (p, ..) = exceedance(&losses.sum, 0.5);
        assert!(close(p, both, n as usize), "{p} {both}");
        let larger = 1.0 - (-b).exp();
        let (p, ..) = exceedance(&losses.max, 5.0);
        assert!(close(p, larger, n as usize), "{p} {larger}");
    }

    /// A tail resting on one row of a large table: its interval is wide (the bootstrap
    /// resamples the table), and the point says it rests on one occurrence.
    #[test]
    fn a_tail_on_few_rows_says_so_and_has_a_wide_interval() {
        let mut rows = vec![vec![1.0]; 199];
        rows.push(vec![1000.0]);
        let tables = [EventTable::new("rare", "rare", 1.0, 1, &rows)];
        let years = Years::draw(9, &[("rare", 1.0)], 20_000, 200);
        let c = &curves(9, &tables, &years, 1, &RateDraws::certain())[0];
        let oep = c.oep.iter().find(|p| p.return_period_years == 1000.0);
        let oep = oep.unwrap_or_else(|| panic!("T = 1000"));
        assert_eq!(oep.value, 1000.0);
        assert_eq!(oep.occurrences, 1);
        assert!(oep.lo <= 1.0, "{oep:?}");
    }

    /// An uncertain rate widens the bands to the rate's own spread: rate λ = 0.4 × f with f
    /// spread evenly over [0.5, 1.5] (λ over [0.2, 0.6]) and a fixed damage S = 10.
    /// - AAL: the value stays the central λS = 4; its standard error becomes the spread of
    ///   λ_b S, S × 0.4 / √12 = 1.155 (sampling adds 0.045 over 20 000 years, in quadrature).
    /// - TVaR at 2 years is the mean of the top half of the years: all years with a loss
    ///   (P(L > 0) ≤ 1 − e^−0.6 = 0.45), so 2 λ S; its band is 2 S × [0.21, 0.59] (the 2.5 and
    ///   97.5 % points of 200 rates spread evenly), against ±0.18 of sampling alone (2 SE).
    ///   Tolerance 0.4: 4 sampling SE plus the grid's step.
    #[test]
    fn an_uncertain_rate_widens_the_band_to_its_spread() {
        let (rate, s, n) = (0.4, 10.0, 20_000);
        let tables = [fixed("fire", rate, s, 50)];
        let years = Years::draw(3, &[("fire", rate)], n, 50);
        let factors: Vec<Vec<f64>> = (0..BOOTSTRAP)
            .map(|b| vec![0.5 + (b as f64 + 0.5) / BOOTSTRAP as f64])
            .collect();
        let certain = &curves(3, &tables, &years, 1, &RateDraws::certain())[0];
        let uncertain = &curves(3, &tables, &years, 1, &RateDraws::new(factors))[0];
        assert_eq!(
            certain.aal.mean, uncertain.aal.mean,
            "the value is the central one"
        );
        let spread = s * 0.4 / 12f64.sqrt();
        assert!(
            (uncertain.aal.se / spread - 1.0).abs() < 0.1,
            "{:?} against {spread}",
            uncertain.aal
        );
        assert!(certain.aal.se < 0.1, "{:?}", certain.aal);
        let tvar = uncertain.tvar[0];
        assert_eq!(tvar.return_period_years, 2.0);
        assert!((tvar.lo - 2.0 * s * 0.21).abs() < 0.4, "{tvar:?}");
        assert!((tvar.hi - 2.0 * s * 0.59).abs() < 0.4, "{tvar:?}");
        let narrow = certain.tvar[0];
        assert!(narrow.hi - narrow.lo < 0.5, "{narrow:?}");
    }
}
