//! The files of a sensitivity study: `sensitivity.csv` (each metric's indices for each input,
//! with their intervals), `design.csv` (every design point: its matrix, each input's value and
//! each metric's mean) and `sensitivity.json` (what the study was, for the report).

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::{Cost, Evaluated, Streams};
use crate::policy::PolicyError;
use crate::results::write_whole;
use crate::scenario::{Acts, Scenario};
use crate::uncertainty::indices::{self, Indices, RESAMPLES};

/// The columns of `sensitivity.csv`, exactly.
pub const COLUMNS: [&str; 8] = [
    "metric",
    "input",
    "first_order",
    "first_order_lo",
    "first_order_hi",
    "total_order",
    "total_order_lo",
    "total_order_hi",
];

/// One metric's indices, one per input in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricIndices {
    /// The metric.
    pub metric: String,
    /// Each input's indices.
    pub indices: Vec<Indices>,
}

/// The indices of each of `metrics` (names of `evaluated.metrics`), with bootstrap intervals
/// keyed by `seed`; metrics in parallel, collected in order.
pub fn indices(evaluated: &Evaluated, metrics: &[String], seed: u64) -> Vec<MetricIndices> {
    metrics
        .par_iter()
        .filter_map(|metric| {
            let m = evaluated.metrics.iter().position(|n| n == metric)?;
            let column: Vec<f64> = evaluated.means.iter().map(|row| row[m]).collect();
            let outputs = evaluated.design.split(&column);
            Some(MetricIndices {
                metric: metric.clone(),
                indices: indices::estimate(&outputs, seed, RESAMPLES),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct Input<'a> {
    path: &'a str,
    source: &'a str,
    acts: &'static str,
}

#[derive(Serialize)]
struct Meta<'a> {
    scenario: &'a str,
    file: &'a str,
    seed: u64,
    samples: usize,
    replications: u32,
    agents: u64,
    currency: &'a str,
    streams: &'static str,
    /// The metric of the figure.
    metric: &'a str,
    inputs: Vec<Input<'a>>,
    worlds: usize,
    simulations: usize,
    points: usize,
    resamples: usize,
}

/// The word `sensitivity.json` gives an input's kind.
pub fn acts_word(acts: Acts) -> &'static str {
    match acts {
        Acts::Valuation => "valuation",
        Acts::Engine => "engine",
        Acts::World => "world",
    }
}

/// Writes `sensitivity.csv`, `design.csv` and `sensitivity.json` into `dir`.
///
/// # Errors
/// [`PolicyError::Write`] or [`PolicyError::Export`] when a file cannot be written.
pub fn write(
    dir: &Path,
    baseline: &Scenario,
    file: &str,
    evaluated: &Evaluated,
    indices: &[MetricIndices],
    figure_metric: &str,
    streams: Streams,
) -> Result<(), PolicyError> {
    let mut table = Table::new(dir, "sensitivity.csv");
    table.row(COLUMNS.iter().map(|s| (*s).to_string()))?;
    for metric in indices {
        for (path, index) in evaluated.paths.iter().zip(&metric.indices) {
            let (s, t) = (index.first_order, index.total_order);
            table.row(
                [metric.metric.clone(), path.clone()]
                    .into_iter()
                    .chain([s.value, s.lo, s.hi, t.value, t.lo, t.hi].map(|x| x.to_string())),
            )?;
        }
    }
    table.finish()?;

    let mut design = Table::new(dir, "design.csv");
    design.row(
        ["point", "matrix", "row"]
            .map(String::from)
            .into_iter()
            .chain(evaluated.paths.iter().cloned())
            .chain(evaluated.metrics.iter().cloned()),
    )?;
    for (id, ((point, values), means)) in evaluated
        .points
        .iter()
        .zip(&evaluated.values)
        .zip(&evaluated.means)
        .enumerate()
    {
        design.row(
            [
                id.to_string(),
                point.matrix.label(&evaluated.paths),
                point.row.to_string(),
            ]
            .into_iter()
            .chain(values.iter().chain(means).map(f64::to_string)),
        )?;
    }
    design.finish()?;

    let Cost {
        worlds,
        simulations,
        points,
    } = evaluated.cost;
    let meta = Meta {
        scenario: &baseline.meta.name,
        file,
        seed: baseline.run.seed,
        samples: evaluated.design.samples(),
        replications: baseline.run.replications,
        agents: baseline.run.agents,
        currency: &baseline.meta.currency,
        streams: match streams {
            Streams::Common => "common",
            Streams::Independent => "independent",
        },
        metric: figure_metric,
        inputs: baseline
            .uncertain
            .iter()
            .map(|u| Input {
                path: &u.path,
                source: &u.source,
                acts: acts_word(u.acts),
            })
            .collect(),
        worlds,
        simulations,
        points,
        resamples: RESAMPLES,
    };
    let mut json = serde_json::to_vec_pretty(&meta).map_err(|e| PolicyError::Write {
        path: dir.join("sensitivity.json"),
        message: e.to_string(),
    })?;
    json.push(b'\n');
    write_whole(dir, "sensitivity.json", &json)?;
    Ok(())
}

/// A CSV file built in memory and written whole.
struct Table<'d> {
    dir: &'d Path,
    name: &'static str,
    writer: csv::Writer<Vec<u8>>,
}

impl<'d> Table<'d> {
    fn new(dir: &'d Path, name: &'static str) -> Table<'d> {
        Table {
            dir,
            name,
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    fn failed(&self, message: String) -> PolicyError {
        PolicyError::Write {
            path: self.dir.join(self.name),
            message,
        }
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<(), PolicyError> {
        let cells: Vec<String> = cells.into_iter().collect();
        self.writer
            .write_record(&cells)
            .map_err(|e| self.failed(e.to_string()))
    }

    fn finish(self) -> Result<(), PolicyError> {
        let Table { dir, name, writer } = self;
        let bytes = writer.into_inner().map_err(|e| PolicyError::Write {
            path: dir.join(name),
            message: e.to_string(),
        })?;
        write_whole(dir, name, &bytes)?;
        Ok(())
    }
}
