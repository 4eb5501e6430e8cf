//! The results stage: per-replication metric vectors, their summaries and time-series bands, and
//! the files a run writes (`summary.json`, `replications.csv`, `timeseries.csv`, `run.json`).

mod export;
pub mod metrics;
mod stats;
mod summary_file;

pub use export::{ExportError, write_run, write_whole};
pub use stats::{Stats, quantile};

use crate::engine::ReplicationOutcome;
use crate::world::World;

/// Facts about how a run was made that are not in the scenario.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub variant: Option<String>,
    /// The command that reproduces the run.
    pub command: String,
    /// Machine facts, written to `run.json` only: they vary between identical runs.
    pub threads: usize,
    pub run_seconds: f64,
}

/// Mean and p05–p95 band of one time series, by step.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub mean: Vec<f64>,
    pub p05: Vec<f64>,
    pub p95: Vec<f64>,
}

/// Everything a run produced, ready to write.
#[derive(Debug)]
pub struct RunResults<'w> {
    pub world: &'w World,
    pub info: RunInfo,
    pub metric_names: Vec<String>,
    pub replication_ids: Vec<u64>,
    /// `[replication][metric]`.
    pub values: Vec<Vec<f64>>,
    pub summaries: Vec<Stats>,
    pub hours: Vec<f64>,
    pub series_names: Vec<String>,
    pub bands: Vec<Band>,
}

impl<'w> RunResults<'w> {
    /// Summarises the outcomes of a run (given in replication order).
    pub fn collect(
        world: &'w World,
        outcomes: &[ReplicationOutcome],
        hours: Vec<f64>,
        info: RunInfo,
    ) -> RunResults<'w> {
        let scenario = &world.scenario;
        let metric_names = metrics::names(scenario);
        let values: Vec<Vec<f64>> = outcomes
            .iter()
            .map(|o| metrics::values(scenario, o))
            .collect();
        let summaries = (0..metric_names.len())
            .map(|m| Stats::of(&values.iter().map(|row| row[m]).collect::<Vec<_>>()))
            .collect();
        let series_names = metrics::series_names(scenario);
        let bands = (0..series_names.len())
            .map(|series| {
                let mut band = Band {
                    mean: Vec::new(),
                    p05: Vec::new(),
                    p95: Vec::new(),
                };
                for step in 0..hours.len() {
                    let mut column: Vec<f64> =
                        outcomes.iter().map(|o| o.series[series][step]).collect();
                    band.mean
                        .push(column.iter().sum::<f64>() / column.len().max(1) as f64);
                    column.sort_by(f64::total_cmp);
                    band.p05.push(quantile(&column, 0.05));
                    band.p95.push(quantile(&column, 0.95));
                }
                band
            })
            .collect();
        RunResults {
            world,
            info,
            metric_names,
            replication_ids: outcomes.iter().map(|o| o.replication).collect(),
            values,
            summaries,
            hours,
            series_names,
            bands,
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
