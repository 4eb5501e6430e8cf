//! Reading an output folder: `summary.json` through the one type the run writes it with
//! ([`crate::results::Summary`]), `run.json`, the two CSV files, and any JSON file of the folder.
//!
//! The figures and the page work on these types; serde lives here and in the results stage,
//! nowhere else in the report.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use serde::Deserialize;

use super::ReportError;
pub(crate) use crate::results::Stats;
use crate::results::summary::ReadError;
pub(crate) use crate::results::summary::{Event, Node, Summary};

/// Everything the report reads from one output folder.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub summary: Summary,
    /// Facts about the machine run, when the folder has `run.json`.
    pub run: RunFacts,
    pub replications: Replications,
    pub timeseries: TimeSeries,
    /// `daily.csv`, when the folder has it (folders written before it existed do not).
    pub daily: Option<Days>,
}

/// `daily.csv`: each local calendar day's statistics of the metrics a day has.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Days {
    /// The days in file order (ISO dates, or `day N` without a start), each with its metrics'
    /// (mean, p05, p95) by name.
    pub days: Vec<(String, BTreeMap<String, [f64; 3]>)>,
}

/// `replications.csv`: one column of values per metric, in replication order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replications {
    pub columns: BTreeMap<String, Vec<f64>>,
    /// Rows of the file (replications), counted even when it has no metric columns.
    pub rows: usize,
}

/// `timeseries.csv`, grouped by series name.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeSeries {
    pub series: BTreeMap<String, Series>,
}

/// One time series: the step start hours with mean and the 5th/95th percentiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Series {
    pub hours: Vec<f64>,
    pub mean: Vec<f64>,
    pub p05: Vec<f64>,
    pub p95: Vec<f64>,
}

pub(crate) const SUMMARY: &str = "summary.json";
pub(crate) const REPLICATIONS: &str = "replications.csv";
pub(crate) const TIMESERIES: &str = "timeseries.csv";
pub(crate) const RUN: &str = "run.json";
pub(crate) const DAILY: &str = "daily.csv";

/// `run.json`: facts about the machine run, not about the scenario.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RunFacts {
    pub run_seconds: Option<f64>,
    pub threads: Option<u64>,
}

/// Reads the three files of an output folder.
///
/// # Errors
/// [`ReportError::Missing`] for an absent file, [`ReportError::Summary`] for JSON that does not
/// parse or lacks a field, [`ReportError::Csv`] for a malformed CSV file.
pub(crate) fn read(dir: &Path) -> Result<Input, ReportError> {
    let summary = parse_summary(&dir.join(SUMMARY), &read_text(&dir.join(SUMMARY))?)?;
    // Run time and threads vary between identical runs, so the run keeps them out of
    // summary.json (which must be byte-identical) in run.json; an older folder may lack it.
    let run_file = dir.join(RUN);
    let run = if run_file.exists() {
        serde_json::from_str(&read_text(&run_file)?).map_err(|e| ReportError::Json {
            path: run_file.clone(),
            message: e.to_string(),
        })?
    } else {
        RunFacts::default()
    };
    let replications = parse_replications(
        &dir.join(REPLICATIONS),
        &read_text(&dir.join(REPLICATIONS))?,
    )?;
    let timeseries = parse_timeseries(&dir.join(TIMESERIES), &read_text(&dir.join(TIMESERIES))?)?;
    let daily_file = dir.join(DAILY);
    let daily = if daily_file.exists() {
        Some(parse_daily(&daily_file, &read_text(&daily_file)?)?)
    } else {
        None
    };
    let input = Input {
        summary,
        run,
        replications,
        timeseries,
        daily,
    };
    Ok(input)
}

/// A JSON file of the folder, or `None` when it is not there.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, ReportError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ReportError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ReportError::Json {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

fn read_text(path: &Path) -> Result<String, ReportError> {
    fs::read_to_string(path).map_err(|source| match source.kind() {
        ErrorKind::NotFound => ReportError::Missing {
            path: path.to_path_buf(),
        },
        _ => ReportError::Io {
            path: path.to_path_buf(),
            source,
        },
    })
}

pub(crate) fn parse_summary(path: &Path, text: &str) -> Result<Summary, ReportError> {
    Summary::from_json(text).map_err(|e| match e {
        ReadError::Syntax(message) => ReportError::Json {
            path: path.to_path_buf(),
            message,
        },
        ReadError::Field { field, message } => ReportError::Summary {
            path: path.to_path_buf(),
            field,
            message,
        },
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> ReportError {
    ReportError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn number(path: &Path, line: u64, column: &str, cell: &str) -> Result<f64, ReportError> {
    let cell = cell.trim();
    // The engine may write an empty cell or NaN where a statistic is undefined.
    if cell.is_empty() || cell.eq_ignore_ascii_case("nan") {
        return Ok(f64::NAN);
    }
    cell.parse().map_err(|_| ReportError::Csv {
        path: path.to_path_buf(),
        message: format!("line {line}, column `{column}`: `{cell}` is not a number"),
    })
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

pub(crate) fn parse_replications(path: &Path, text: &str) -> Result<Replications, ReportError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.first().map(String::as_str) != Some("replication") {
        return Err(ReportError::Csv {
            path: path.to_path_buf(),
            message: "the header must start with `replication`".to_string(),
        });
    }
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
    let mut rows = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        rows += 1;
        let line = line_of(&record);
        for (i, cell) in record.iter().enumerate().skip(1) {
            columns[i].push(number(path, line, &header[i], cell)?);
        }
    }
    Ok(Replications {
        columns: header.into_iter().zip(columns).skip(1).collect(),
        rows,
    })
}

/// Where each of `want`'s columns is in a CSV file's header.
fn columns_at<const N: usize>(
    path: &Path,
    header: &csv::StringRecord,
    want: [&str; N],
) -> Result<[usize; N], ReportError> {
    let mut at = [0usize; N];
    for (slot, name) in at.iter_mut().zip(want) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ReportError::Csv {
                path: path.to_path_buf(),
                message: format!(
                    "the header has no `{name}` column (expected `{}`)",
                    want.join(",")
                ),
            })?;
    }
    Ok(at)
}

pub(crate) fn parse_timeseries(path: &Path, text: &str) -> Result<TimeSeries, ReportError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let want = ["hour", "series", "mean", "p05", "p95"];
    let at = columns_at(path, &header, want)?;
    let mut out = TimeSeries::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        let cell = |i: usize| record.get(at[i]).unwrap_or("");
        let s = out.series.entry(cell(1).to_string()).or_default();
        s.hours.push(number(path, line, want[0], cell(0))?);
        s.mean.push(number(path, line, want[2], cell(2))?);
        s.p05.push(number(path, line, want[3], cell(3))?);
        s.p95.push(number(path, line, want[4], cell(4))?);
    }
    Ok(out)
}

/// `daily.csv` (`date,metric,mean,p05,p95`), its days in the order they first appear.
pub(crate) fn parse_daily(path: &Path, text: &str) -> Result<Days, ReportError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let want = ["date", "metric", "mean", "p05", "p95"];
    let at = columns_at(path, &header, want)?;
    let mut out = Days::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        let cell = |i: usize| record.get(at[i]).unwrap_or("");
        let date = cell(0);
        if out.days.last().is_none_or(|(d, _)| d != date) {
            out.days.push((date.to_string(), BTreeMap::new()));
        }
        let stats = [
            number(path, line, want[2], cell(2))?,
            number(path, line, want[3], cell(3))?,
            number(path, line, want[4], cell(4))?,
        ];
        if let Some((_, metrics)) = out.days.last_mut() {
            metrics.insert(cell(1).to_string(), stats);
        }
    }
    Ok(out)
}
