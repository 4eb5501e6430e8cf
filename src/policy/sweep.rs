//! `sweep`: one run per point of a design over scenario paths, all on the seed of the file
//! (common random numbers), streamed to `sweep.csv` row by row — one row per point and metric:
//! one column per swept path, then `metric,mean,p05,p95` — so that no study is held in memory.
//! A full grid of given values, or a Latin hypercube over ranges.
//!
//! Rows go to `sweep.csv.partial` in the study's staging folder (see `crate::output`), flushed
//! after each point, and the file is renamed to `sweep.csv` when the study is done; the folder
//! reaches the target only whole, so a reader never mistakes half a study for a whole one. An
//! interrupted study leaves the target as it was.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use toml::Value;

use super::{PolicyError, Progress, Sample, lhs};
use crate::results::{Stats, create_new, metrics, write_whole};
use crate::scenario::{Document, Edit};

/// Which points a sweep runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Every combination of the given values; the first path varies slowest.
    Grid(Vec<(String, Vec<Value>)>),
    /// `samples` points over the ranges (lo, hi), by Latin hypercube.
    Lhs {
        /// Each path with its range (lo, hi).
        ranges: Vec<(String, f64, f64)>,
        /// How many points.
        samples: usize,
    },
}

impl Design {
    /// The swept paths, in column order.
    pub fn paths(&self) -> Vec<String> {
        match self {
            Design::Grid(axes) => axes.iter().map(|(p, _)| p.clone()).collect(),
            Design::Lhs { ranges, .. } => ranges.iter().map(|(p, _, _)| p.clone()).collect(),
        }
    }

    /// Every point, as one value per path.
    pub fn points(&self, seed: u64) -> Vec<Vec<Value>> {
        match self {
            Design::Grid(axes) => {
                let mut points: Vec<Vec<Value>> = vec![Vec::new()];
                for (_, values) in axes {
                    points = points
                        .into_iter()
                        .flat_map(|point| {
                            values.iter().map(move |v| {
                                let mut next = point.clone();
                                next.push(v.clone());
                                next
                            })
                        })
                        .collect();
                }
                points
            }
            Design::Lhs { ranges, samples } => lhs::unit(seed, *samples, ranges.len())
                .into_iter()
                .map(|unit| {
                    unit.iter()
                        .zip(ranges)
                        .map(|(u, (_, lo, hi))| Value::Float(lo + u * (hi - lo)))
                        .collect()
                })
                .collect(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Design::Grid(_) => "grid",
            Design::Lhs { .. } => "lhs",
        }
    }
}

/// Reads a `--values` list: a comma-separated list of TOML values (`0.6,0.7`, `[1, 2],[3]`,
/// `{ dist = "fixed", value = 2 }`); a list that is not TOML is taken as bare strings.
pub fn parse_values(list: &str) -> Vec<Value> {
    match format!("v = [{list}]").parse::<toml::Table>() {
        Ok(mut table) => match table.remove("v") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Err(_) => list
            .split(',')
            .map(|s| Value::String(s.trim().to_string()))
            .collect(),
    }
}

/// A cell of `sweep.csv`: numbers as numbers, strings bare, anything else as TOML.
pub fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Float(f) => f.to_string(),
        other => other.to_string(),
    }
}

/// What a finished sweep reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// Points run.
    pub points: usize,
    /// The metric reported per point.
    pub metric: String,
}

#[derive(Serialize)]
struct Meta<'a> {
    scenario: &'a str,
    file: &'a str,
    seed: u64,
    replications: u32,
    agents: u64,
    currency: &'a str,
    design: &'static str,
    paths: Vec<String>,
    points: usize,
    /// The metric of the figure.
    metric: &'a str,
}

/// Runs the sweep of `design` over `document`, each point with `edits` (the command line's
/// overrides) after its own, and writes `sweep.csv` and `sweep.json` into `dir`. Every point is
/// checked before the first runs, so a bad value writes nothing.
///
/// # Errors
/// [`PolicyError::Scenario`] for a bad path or value (naming the `--set` path and value),
/// [`PolicyError::Choice`] for an unknown metric, [`PolicyError::Write`] when a file cannot be
/// written.
pub fn run(
    document: &Document<'_>,
    design: &Design,
    edits: &[Edit],
    metric: Option<&str>,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Done, PolicyError> {
    let file = document.file();
    let baseline = document.scenario(edits)?;
    let metric = metric.map_or_else(|| metrics::headline(&baseline), str::to_string);
    if let Err(why) = metrics::find(&baseline, &metric) {
        return Err(PolicyError::Choice {
            file: file.to_string(),
            flag: format!("--metric {metric}"),
            message: "the scenario has no such metric".to_string(),
            hint: format!("use one of the columns of replications.csv: {why}"),
        });
    }
    let paths = design.paths();
    let points = design.points(baseline.run.seed);
    let point_scenario = |point: &[Value]| {
        let point_edits: Vec<Edit> = paths
            .iter()
            .zip(point)
            .map(|(path, value)| Edit::set(path, value))
            .chain(edits.iter().cloned())
            .collect();
        Ok::<_, PolicyError>(document.scenario(&point_edits)?)
    };
    for point in &points {
        point_scenario(point)?;
    }
    let failed = |name: &str, message: String| PolicyError::Write {
        path: dir.join(name),
        message,
    };
    fs::create_dir_all(dir).map_err(|e| failed("", e.to_string()))?;
    let partial = dir.join("sweep.csv.partial");
    let handle = create_new(&partial).map_err(|e| failed("sweep.csv.partial", e.to_string()))?;
    let mut writer = csv::Writer::from_writer(handle);
    let csv_failed = |e: csv::Error| failed("sweep.csv.partial", e.to_string());
    let mut header = paths.clone();
    header.extend(["metric", "mean", "p05", "p95"].map(String::from));
    writer.write_record(&header).map_err(csv_failed)?;
    for point in &points {
        let sample = Sample::run(point_scenario(point)?, progress)?;
        let cells: Vec<String> = point.iter().map(cell).collect();
        for (m, name) in sample.names.iter().enumerate() {
            let column: Vec<f64> = sample.values.iter().map(|row| row[m]).collect();
            let stats = Stats::of(&column);
            let mut record = cells.clone();
            record.extend([
                name.clone(),
                stats.mean.to_string(),
                stats.p05.to_string(),
                stats.p95.to_string(),
            ]);
            writer.write_record(&record).map_err(csv_failed)?;
        }
        writer
            .flush()
            .map_err(|e| failed("sweep.csv.partial", e.to_string()))?;
    }
    let mut handle = writer
        .into_inner()
        .map_err(|e| failed("sweep.csv.partial", e.to_string()))?;
    // Flushed to disk with the whole folder when it is published.
    handle
        .flush()
        .map_err(|e| failed("sweep.csv.partial", e.to_string()))?;
    fs::rename(&partial, dir.join("sweep.csv")).map_err(|e| failed("sweep.csv", e.to_string()))?;
    let meta = Meta {
        scenario: &baseline.meta.name,
        file,
        seed: baseline.run.seed,
        replications: baseline.run.replications,
        agents: baseline.run.agents,
        currency: &baseline.meta.currency,
        design: design.name(),
        paths,
        points: points.len(),
        metric: &metric,
    };
    let mut json =
        serde_json::to_vec_pretty(&meta).map_err(|e| failed("sweep.json", e.to_string()))?;
    json.push(b'\n');
    write_whole(dir, "sweep.json", &json)?;
    Ok(Done {
        points: points.len(),
        metric,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_vary_the_first_path_slowest() {
        let design = Design::Grid(vec![
            ("a".into(), parse_values("1,2")),
            ("b".into(), parse_values("0.5,0.6,0.7")),
        ]);
        let points = design.points(0);
        assert_eq!(points.len(), 6);
        assert_eq!(points[0], vec![Value::Integer(1), Value::Float(0.5)]);
        assert_eq!(points[5], vec![Value::Integer(2), Value::Float(0.7)]);
    }

    #[test]
    fn values_are_toml_or_bare_strings() {
        assert_eq!(
            parse_values("[1, 2],[3]"),
            vec![
                Value::Array(vec![Value::Integer(1), Value::Integer(2)]),
                Value::Array(vec![Value::Integer(3)])
            ]
        );
        assert_eq!(
            parse_values("flat, daytime"),
            vec![
                Value::String("flat".into()),
                Value::String("daytime".into())
            ]
        );
    }
}
