//! Damage per local calendar day, the rows of `daily.csv` (`date,metric,mean,p05,p95`): each
//! metric of the run that a day has, taken over each day's damage in the engine's outcome.
//!
//! A day's value of a metric is the metric's own declaration (the registry) applied to the
//! day's damage: additive metrics (counts, person-hours, money) are what accrued within the day,
//! so the days of a replication add up to its total; peak shares are the peak within the day;
//! the lowest reachable share is the lowest within the day. Metrics of switching rules (installs,
//! platform shares) and the people ever cut off are about the whole run and have no per-day
//! value, and the unions over services (`.any`) are computed over the whole horizon only.
//!
//! `date` is the local date (`2022-10-15`) when the scenario has `[run] start`; without it the
//! days are numbered from the day hour 0 falls on (at `start_hour`): `day 1`, `day 2`, ….

use super::metrics::{Column, Subject};
use super::quantile;
use crate::engine::{DayDamage, ReplicationOutcome, Series};
use crate::scenario::Scenario;

/// The per-day statistics of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Daily {
    /// Each day's label, in day order: its local ISO date, or `day N` without a `start`.
    pub dates: Vec<String>,
    /// The metrics a day has, in the order of `replications.csv`'s columns.
    pub metrics: Vec<String>,
    /// `[day][metric]`: the mean over replications.
    pub mean: Vec<Vec<f64>>,
    /// `[day][metric]`: the 5th percentile over replications.
    pub p05: Vec<Vec<f64>>,
    /// `[day][metric]`: the 95th percentile over replications.
    pub p95: Vec<Vec<f64>>,
}

/// The columns of the run that have a value per day (every one but the switching rules', the
/// unions over services and the counts of people over the whole run).
pub fn columns(columns: &[Column]) -> Vec<Column> {
    columns
        .iter()
        .filter(|c| {
            c.family.has_daily() && !matches!(c.subject, Subject::Switched(_) | Subject::Any)
        })
        .cloned()
        .collect()
}

/// One replication's values per day, `[day][column]`, for `columns` (from [`columns`]).
pub fn values(
    scenario: &Scenario,
    columns: &[Column],
    outcome: &ReplicationOutcome,
) -> Vec<Vec<f64>> {
    outcome
        .daily
        .iter()
        .map(|day| {
            let view = day_outcome(outcome.replication, day);
            columns.iter().map(|c| c.value(scenario, &view)).collect()
        })
        .collect()
}

/// One day's damage as an outcome of its own, so that each metric's declaration reads it.
fn day_outcome(replication: u64, day: &DayDamage) -> ReplicationOutcome {
    ReplicationOutcome {
        replication,
        installs: Vec::new(),
        holders_before: Vec::new(),
        services: day.services.clone(),
        below_full_at_end: false,
        full_again: Vec::new(),
        people_ever_cut_off: Vec::new(),
        union: None,
        daily: Vec::new(),
        series: Series {
            cut_off_share: Vec::new(),
            reachable_share: Vec::new(),
            capacity: Vec::new(),
        },
    }
}

/// The label of day `day` (0 for the day hour 0 falls on).
pub fn date_label(scenario: &Scenario, day: i64) -> String {
    match scenario.run.date_of_day(day) {
        Some(date) => date.format("%Y-%m-%d").to_string(),
        None => format!("day {}", day + 1),
    }
}

impl Daily {
    /// The per-day statistics of `outcomes` (in replication order) over the run's `columns`.
    /// Every replication has the same days: they follow from the horizon and the start alone.
    /// Replication `i` is priced by `priced[i]` (its input sample's scenario, or `scenario`).
    pub fn collect(
        scenario: &Scenario,
        priced: &[&Scenario],
        columns: &[Column],
        outcomes: &[ReplicationOutcome],
    ) -> Daily {
        let columns = self::columns(columns);
        let per_replication: Vec<Vec<Vec<f64>>> = outcomes
            .iter()
            .zip(priced)
            .map(|(o, priced)| values(priced, &columns, o))
            .collect();
        let days: Vec<i64> = outcomes
            .first()
            .map(|o| o.daily.iter().map(|d| d.day).collect())
            .unwrap_or_default();
        let mut daily = Daily {
            dates: days.iter().map(|&d| date_label(scenario, d)).collect(),
            metrics: columns.iter().map(|c| c.name.clone()).collect(),
            mean: Vec::with_capacity(days.len()),
            p05: Vec::with_capacity(days.len()),
            p95: Vec::with_capacity(days.len()),
        };
        for d in 0..days.len() {
            let (mut mean, mut p05, mut p95) = (Vec::new(), Vec::new(), Vec::new());
            for m in 0..columns.len() {
                let mut column: Vec<f64> = per_replication
                    .iter()
                    .map(|days| days.get(d).map_or(0.0, |row| row[m]))
                    .collect();
                mean.push(column.iter().sum::<f64>() / column.len().max(1) as f64);
                column.sort_by(f64::total_cmp);
                p05.push(quantile(&column, 0.05));
                p95.push(quantile(&column, 0.95));
            }
            daily.mean.push(mean);
            daily.p05.push(p05);
            daily.p95.push(p95);
        }
        daily
    }
}
