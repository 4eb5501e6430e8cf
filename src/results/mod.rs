//! The results stage: per-replication metric vectors, their summaries and time-series bands, and
//! the files a run writes (`summary.json`, `replications.csv`, `timeseries.csv`, `daily.csv`,
//! `run.json`).

pub mod anova;
pub mod daily;
mod export;
pub mod metrics;
pub mod per_person;
pub mod recovery;
pub mod registry;
mod stats;
mod student;
pub mod summary;
pub mod warnings;

pub use export::{ExportError, create_new, write_new, write_run, write_whole};
pub use registry::Unit;
pub use stats::{Stats, quantile};
pub use student::t_975;
pub use summary::{Band, Summary};

use std::ops::Range;

use crate::engine::ReplicationOutcome;
use crate::scenario::Scenario;
use crate::world::World;

/// The input samples of a run over `[[uncertain]]` inputs: sample `k` is `scenarios[k]` (the
/// scenario with its input values written in) and took the replications at positions
/// `groups[k]` (contiguous, covering the run).
#[derive(Debug, Clone, Copy)]
pub struct InputSamples<'s> {
    /// One checked scenario per sample.
    pub scenarios: &'s [Scenario],
    /// The positions of each sample's replications, in order.
    pub groups: &'s [Range<usize>],
    /// The same replications in the central run (every input as written), for the central
    /// bands; may be empty.
    pub central: &'s [ReplicationOutcome],
}

/// Facts about how a run was made that are not in the scenario.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The `[[variants]]` name run, if not the baseline.
    pub variant: Option<String>,
    /// The command that reproduces the run.
    pub command: String,
    /// Machine facts, written to `run.json` only: they vary between identical runs.
    pub threads: usize,
    /// Wall-clock seconds the run took.
    pub run_seconds: f64,
}

/// Everything a run produced, ready to write.
#[derive(Debug)]
pub struct RunResults<'w> {
    /// The world the replications ran on (its scenario included).
    pub world: &'w World,
    /// How the run was made.
    pub info: RunInfo,
    /// The run's metrics, in the order of `replications.csv`'s columns.
    pub columns: Vec<metrics::Column>,
    /// The names of `columns`, for look-ups by name.
    pub metric_names: Vec<String>,
    /// The index of each replication, in row order.
    pub replication_ids: Vec<u64>,
    /// `[replication][metric]`, metrics in the order of `columns`.
    pub values: Vec<Vec<f64>>,
    /// Per metric, in the order of `columns`.
    pub summaries: Vec<Stats>,
    /// Start of each output step, in hours since the start of the run.
    pub hours: Vec<f64>,
    /// The run's time series, in the order of `timeseries.csv`.
    pub series: Vec<metrics::SeriesColumn>,
    /// Per series, in the order of `series`.
    pub bands: Vec<Band>,
    /// Per series, the central run's band in a run over input samples with
    /// [`InputSamples::central`] outcomes; empty otherwise.
    pub central_bands: Vec<Band>,
    /// How far the numbers can be trusted: the horizon, the replications, the agents.
    pub warnings: Vec<warnings::Warning>,
    /// The metrics per local calendar day (`daily.csv`).
    pub daily: daily::Daily,
    /// Per node, in node order: when it was back, `None` when it never dropped.
    pub recovery: Vec<Option<recovery::Recovery>>,
    /// Per metric, in the order of `columns`: the shares of its variance between input samples
    /// and within them; `None` for a run without input samples (or with too few to tell).
    pub shares: Vec<Option<anova::Shares>>,
    /// Per metric, in the order of `columns`, in a run over input samples with
    /// [`InputSamples::central`] outcomes: its statistics in the central run (every input as
    /// written, the same replications' streams); empty otherwise.
    pub central_summaries: Vec<Stats>,
}

impl<'w> RunResults<'w> {
    /// Summarises the outcomes of a run (given in replication order).
    pub fn collect(
        world: &'w World,
        outcomes: &[ReplicationOutcome],
        hours: Vec<f64>,
        info: RunInfo,
    ) -> RunResults<'w> {
        Self::collect_samples(world, outcomes, None, hours, info)
    }

    /// [`RunResults::collect`] for a run over input samples: each replication's counts are
    /// priced by its sample's scenario (a valuation input changes only that), and each metric
    /// gets its [`anova::Shares`]. `world` holds the central scenario, which the summary
    /// describes.
    pub fn collect_samples(
        world: &'w World,
        outcomes: &[ReplicationOutcome],
        samples: Option<InputSamples<'_>>,
        hours: Vec<f64>,
        info: RunInfo,
    ) -> RunResults<'w> {
        let scenario = &world.scenario;
        let mut priced: Vec<&Scenario> = vec![scenario; outcomes.len()];
        if let Some(samples) = samples {
            for (group, sample) in samples.groups.iter().zip(samples.scenarios) {
                for slot in &mut priced[group.clone()] {
                    *slot = sample;
                }
            }
        }
        let columns = metrics::columns(scenario);
        let values: Vec<Vec<f64>> = outcomes
            .iter()
            .zip(&priced)
            .map(|(o, priced)| columns.iter().map(|c| c.value(priced, o)).collect())
            .collect();
        let column_of = |m: usize| values.iter().map(|row| row[m]).collect::<Vec<_>>();
        let summaries = (0..columns.len())
            .map(|m| Stats::of(&column_of(m)))
            .collect();
        let shares = (0..columns.len())
            .map(|m| samples.and_then(|s| anova::shares(&column_of(m), s.groups)))
            .collect();
        let series = metrics::series(scenario);
        let bands = bands_of(&series, outcomes, hours.len());
        let central = samples.map_or(&[][..], |s| s.central);
        let central_bands = if central.is_empty() {
            Vec::new()
        } else {
            bands_of(&series, central, hours.len())
        };
        // The central run is priced by the central scenario (every input as written).
        let central_summaries = if central.is_empty() {
            Vec::new()
        } else {
            columns
                .iter()
                .map(|c| {
                    let column: Vec<f64> = central.iter().map(|o| c.value(scenario, o)).collect();
                    Stats::of(&column)
                })
                .collect()
        };
        let still_down = outcomes.iter().filter(|o| o.below_full_at_end).count();
        let warnings = warnings::of(
            scenario,
            outcomes.len() as u64,
            still_down as f64 / outcomes.len().max(1) as f64,
        );
        let daily = daily::Daily::collect(scenario, &priced, &columns, outcomes);
        let recovery = recovery::Recovery::of_nodes(
            scenario.nodes.len(),
            scenario.run.horizon_hours,
            outcomes,
        );
        RunResults {
            recovery,
            world,
            info,
            warnings,
            daily,
            metric_names: columns.iter().map(|c| c.name.clone()).collect(),
            columns,
            replication_ids: outcomes.iter().map(|o| o.replication).collect(),
            values,
            summaries,
            shares,
            hours,
            series,
            bands,
            central_bands,
            central_summaries,
        }
    }

    /// The summary of one metric by name.
    pub fn metric(&self, name: &str) -> Option<&Stats> {
        self.metric_names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.summaries[i])
    }
}

/// The mean and 5th–95th percentile band of each of `series` over `outcomes`, step by step.
fn bands_of(
    series: &[metrics::SeriesColumn],
    outcomes: &[ReplicationOutcome],
    steps: usize,
) -> Vec<Band> {
    series
        .iter()
        .map(|series| {
            let mut band = Band {
                unit: Some(series.kind.unit),
                mean: Vec::new(),
                p05: Vec::new(),
                p95: Vec::new(),
            };
            for step in 0..steps {
                let mut column: Vec<f64> = outcomes
                    .iter()
                    .map(|o| series.steps(o).get(step).copied().unwrap_or(0.0))
                    .collect();
                band.mean
                    .push(column.iter().sum::<f64>() / column.len().max(1) as f64);
                column.sort_by(f64::total_cmp);
                band.p05.push(quantile(&column, 0.05));
                band.p95.push(quantile(&column, 0.95));
            }
            band
        })
        .collect()
}
