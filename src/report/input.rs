//! Reading an output folder: the serde mirror of `summary.json` and the two CSV files.
//!
//! Serde lives here and nowhere else in the report: the figures and the page work on these plain
//! types. Fields that older or hand-edited summaries may lack have defaults, so that a report can
//! still be drawn; the ones without which nothing sensible can be said are required, and a summary
//! missing one is an error that names it.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use super::ReportError;

/// Everything the report reads from one output folder.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub summary: Summary,
    pub replications: Replications,
    pub timeseries: TimeSeries,
}

/// The parts of `summary.json` the report uses (unknown fields are ignored).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Summary {
    pub scenario: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub value_of_time_per_hour: f64,
    #[serde(default)]
    pub sources: Vec<String>,
    pub file: String,
    #[serde(default)]
    pub variant: Option<String>,
    pub seed: u64,
    pub replications: u64,
    pub agents: u64,
    pub population: u64,
    pub scale: f64,
    pub horizon_hours: f64,
    #[serde(default = "default_step_minutes")]
    pub step_minutes: f64,
    #[serde(default)]
    pub start_hour: f64,
    pub version: String,
    #[serde(default)]
    pub run_seconds: Option<f64>,
    #[serde(default)]
    pub threads: Option<u64>,
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default)]
    pub headline_metric: Option<String>,
    #[serde(default)]
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub events: Vec<Event>,
    pub metrics: BTreeMap<String, Stats>,
}

fn default_step_minutes() -> f64 {
    60.0
}

impl Summary {
    /// The metric the page leads with: the engine names it; a summary that does not falls back
    /// to the same rule the engine uses (money when the scenario has money values).
    pub fn headline(&self) -> String {
        if let Some(h) = &self.headline_metric {
            return h.clone();
        }
        let money = self.value_of_time_per_hour > 0.0
            || self.services.iter().any(|s| s.value_per_unmet > 0.0);
        if money && self.metrics.contains_key("economic_loss.total") {
            "economic_loss.total".to_string()
        } else {
            "person_hours_cut_off.total".to_string()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Segment {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub share: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Service {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value_per_unmet: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Node {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub layer: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub failed_by_events: bool,
}

/// A redundancy group: the node needs `need` of `any_of` up.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Group {
    pub any_of: Vec<String>,
    #[serde(default = "one")]
    pub need: u64,
}

fn one() -> u64 {
    1
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Event {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub probability: Option<f64>,
    #[serde(default)]
    pub at_hour_mean: f64,
    #[serde(default)]
    pub duration_hours_mean: f64,
}

/// Statistics of one metric across replications. JSON has no NaN, so an engine that has nothing
/// to say writes `null`; that, or an absent statistic, reads as NaN and is shown as "–".
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct Stats {
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p05: f64,
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p50: f64,
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub p95: f64,
    #[serde(default = "nan", deserialize_with = "nullable")]
    pub cvar95: f64,
}

fn nan() -> f64 {
    f64::NAN
}

fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// `replications.csv`: one column of values per metric, in replication order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replications {
    pub columns: BTreeMap<String, Vec<f64>>,
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

/// `run.json`: facts about the machine run, not about the scenario.
#[derive(Debug, Deserialize)]
struct RunFacts {
    run_seconds: Option<f64>,
    threads: Option<u64>,
}

/// Reads the three files of an output folder.
///
/// # Errors
/// [`ReportError::Missing`] for an absent file, [`ReportError::Summary`] for JSON that does not
/// parse or lacks a field, [`ReportError::Csv`] for a malformed CSV file.
pub(crate) fn read(dir: &Path) -> Result<Input, ReportError> {
    let mut summary = parse_summary(&dir.join(SUMMARY), &read_text(&dir.join(SUMMARY))?)?;
    // Run time and threads vary between identical runs, so the engine keeps them out of
    // summary.json (which must be byte-identical) in run.json; an older folder may lack it.
    let run_file = dir.join(RUN);
    if run_file.exists() {
        let facts: RunFacts =
            serde_json::from_str(&read_text(&run_file)?).map_err(|e| ReportError::Json {
                path: run_file.clone(),
                message: e.to_string(),
            })?;
        summary.run_seconds = summary.run_seconds.or(facts.run_seconds);
        summary.threads = summary.threads.or(facts.threads);
    }
    let replications = parse_replications(
        &dir.join(REPLICATIONS),
        &read_text(&dir.join(REPLICATIONS))?,
    )?;
    let timeseries = parse_timeseries(&dir.join(TIMESERIES), &read_text(&dir.join(TIMESERIES))?)?;
    Ok(Input {
        summary,
        replications,
        timeseries,
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
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ReportError::Json {
                path: path.to_path_buf(),
                message: inner.to_string(),
            };
        }
        // A missing field is reported by serde at its parent; name the field itself so the
        // message points at what to add.
        let message = inner.to_string();
        let field = match missing_field(&message) {
            Some(name) if field == "." => name.to_string(),
            Some(name) => format!("{field}.{name}"),
            None => field,
        };
        ReportError::Summary {
            path: path.to_path_buf(),
            field,
            message,
        }
    })
}

/// The field name in serde's "missing field `x` at line .." message.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
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
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        for (i, cell) in record.iter().enumerate().skip(1) {
            columns[i].push(number(path, line, &header[i], cell)?);
        }
    }
    Ok(Replications {
        columns: header.into_iter().zip(columns).skip(1).collect(),
    })
}

pub(crate) fn parse_timeseries(path: &Path, text: &str) -> Result<TimeSeries, ReportError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let want = ["hour", "series", "mean", "p05", "p95"];
    let mut at = [0usize; 5];
    for (slot, name) in at.iter_mut().zip(want) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ReportError::Csv {
                path: path.to_path_buf(),
                message: format!(
                    "the header has no `{name}` column (expected `hour,series,mean,p05,p95`)"
                ),
            })?;
    }
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

impl Service {
    /// The name to show: the scenario's name, or the id when it gave none.
    pub(crate) fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

impl Segment {
    pub(crate) fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

impl Node {
    pub(crate) fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}
