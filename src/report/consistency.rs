//! Whether the files of an output folder belong to one run: `report DIR` draws nothing from a
//! folder whose files disagree (a summary of one run beside the CSV files of another, a file
//! edited by hand, the analyses of another scenario or seed), because such a page would look
//! right and say something false.
//!
//! Every check compares what two files say about the same thing and, on a mismatch, names both
//! files and both values ([`ReportError::Mismatch`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ReportError;
use super::input::{DAILY, Input, REPLICATIONS, SUMMARY, TIMESERIES, read_json};

/// The analysis files a folder may hold, with the file of rows each describes.
const ANALYSES: [(&str, Option<&str>); 4] = [
    ("compare.json", None),
    ("rank.json", Some("rank.csv")),
    ("sweep.json", Some("sweep.csv")),
    ("sensitivity.json", None),
];

/// What a file says about the run it belongs to; a field a file does not hold is `None`.
#[derive(Debug, Default, Deserialize)]
struct Stamp {
    scenario: Option<String>,
    seed: Option<u64>,
    /// Checked only for `compare.json`, which writes the baseline's run files beside itself;
    /// `rank` and `sweep` may run on fewer replications than the run in the same folder.
    replications: Option<u64>,
    /// Nodes of `rank.json` (one row each in `rank.csv`).
    #[serde(default)]
    nodes: Option<Vec<serde::de::IgnoredAny>>,
    /// Points of `sweep.json` (rows of `sweep.csv` per metric).
    points: Option<u64>,
    /// Swept paths of `sweep.json` (the first columns of `sweep.csv`).
    paths: Option<Vec<String>>,
}

fn mismatch(dir: &Path, first: &str, second: &str, message: String) -> ReportError {
    ReportError::Mismatch {
        first: dir.join(first),
        second: dir.join(second),
        message,
    }
}

/// Checks that the run files of `dir`, read into `input`, agree with each other and with the
/// analysis files beside them.
///
/// # Errors
/// [`ReportError::Mismatch`] naming the two files that disagree and how; the errors of reading
/// an analysis file that is there but does not parse.
pub(crate) fn check(dir: &Path, input: &Input) -> Result<(), ReportError> {
    run_files(dir, input)?;
    let s = &input.summary;
    let summary = Stamp {
        scenario: Some(s.scenario.clone()),
        seed: Some(s.seed),
        replications: Some(s.replications),
        ..Stamp::default()
    };
    analyses(dir, Some((SUMMARY, summary)))
}

/// Checks that the analysis files of a folder without a run agree with each other.
///
/// # Errors
/// As [`check`].
pub(crate) fn check_analyses(dir: &Path) -> Result<(), ReportError> {
    analyses(dir, None)
}

/// summary.json against replications.csv and timeseries.csv, and against itself.
fn run_files(dir: &Path, input: &Input) -> Result<(), ReportError> {
    let s = &input.summary;
    let columns = &input.replications.columns;
    let rows = input.replications.rows;
    if rows as u64 != s.replications {
        return Err(mismatch(
            dir,
            SUMMARY,
            REPLICATIONS,
            format!(
                "{SUMMARY} says {} replications, {REPLICATIONS} has {rows} rows",
                s.replications
            ),
        ));
    }
    let in_summary: BTreeSet<&str> = s.metrics.keys().map(String::as_str).collect();
    let in_csv: BTreeSet<&str> = columns.keys().map(String::as_str).collect();
    if in_summary != in_csv {
        let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
            let names: Vec<&str> = a.difference(b).copied().take(3).collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        return Err(mismatch(
            dir,
            SUMMARY,
            REPLICATIONS,
            format!(
                "the metrics differ: only in {SUMMARY}: {}; only in {REPLICATIONS}: {}",
                only(&in_summary, &in_csv),
                only(&in_csv, &in_summary)
            ),
        ));
    }
    // A seed the summary's own command line gives must be the seed it reports.
    if let Some(command) = &s.command {
        let words: Vec<&str> = command.split_whitespace().collect();
        for pair in words.windows(2) {
            let said = |flag: &str| pair[0] == flag && pair[1].parse::<u64>().is_ok();
            let differs = |flag: &str, value: u64| said(flag) && pair[1] != value.to_string();
            if differs("--seed", s.seed) || differs("--replications", s.replications) {
                return Err(mismatch(
                    dir,
                    SUMMARY,
                    SUMMARY,
                    format!(
                        "its command says `{} {}`, its fields say seed {} and {} replications",
                        pair[0], pair[1], s.seed, s.replications
                    ),
                ));
            }
        }
    }
    daily(dir, input)?;
    let steps = s.timeseries.hours.len();
    for (name, band) in &s.timeseries.series {
        for (what, values) in [("mean", &band.mean), ("p05", &band.p05), ("p95", &band.p95)] {
            if values.len() != steps {
                return Err(mismatch(
                    dir,
                    SUMMARY,
                    SUMMARY,
                    format!(
                        "`timeseries.hours` has {steps} values, `timeseries.series.{name}.{what}` \
                         has {}",
                        values.len()
                    ),
                ));
            }
        }
    }
    let csv = &input.timeseries.series;
    let json: BTreeSet<&str> = s.timeseries.series.keys().map(String::as_str).collect();
    let names: BTreeSet<&str> = csv.keys().map(String::as_str).collect();
    if json != names {
        return Err(mismatch(
            dir,
            SUMMARY,
            TIMESERIES,
            format!(
                "{SUMMARY} has {} time series, {TIMESERIES} has {}{}",
                json.len(),
                names.len(),
                json.symmetric_difference(&names)
                    .next()
                    .map_or(String::new(), |n| format!(" (`{n}` is in one only)"))
            ),
        ));
    }
    for (name, series) in csv {
        if series.hours != s.timeseries.hours {
            return Err(mismatch(
                dir,
                SUMMARY,
                TIMESERIES,
                format!(
                    "`timeseries.hours` has {steps} steps, {TIMESERIES} has {} rows of series \
                     `{name}`{}",
                    series.hours.len(),
                    if series.hours.len() == steps {
                        " at other hours"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    Ok(())
}

/// Each analysis file present against `reference` (the summary, or else the first analysis file
/// found), and against its file of rows.
fn analyses(dir: &Path, reference: Option<(&str, Stamp)>) -> Result<(), ReportError> {
    let mut reference = reference;
    for (name, rows) in ANALYSES {
        let Some(stamp) = read_json::<Stamp>(&dir.join(name))? else {
            continue;
        };
        if let Some(rows) = rows {
            rows_agree(dir, name, rows, &stamp)?;
        }
        match &reference {
            Some((first, expected)) => agree(dir, first, expected, name, &stamp)?,
            None => reference = Some((name, stamp)),
        }
    }
    Ok(())
}

/// Two files' scenario and seed (and replications, for compare.json). Not the scenario file's
/// path: the same file may be named by another path.
fn agree(dir: &Path, first: &str, a: &Stamp, second: &str, b: &Stamp) -> Result<(), ReportError> {
    let text = |what: &str, x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) if x != y => Some(format!(
            "{first} is of {what} `{x}`, {second} of {what} `{y}`"
        )),
        _ => None,
    };
    let number = |what: &str, x: Option<u64>, y: Option<u64>| match (x, y) {
        (Some(x), Some(y)) if x != y => Some(format!("{first} says {what} {x}, {second} {y}")),
        _ => None,
    };
    let replications = if second == "compare.json" {
        number("replications", a.replications, b.replications)
    } else {
        None
    };
    let found = text("scenario", &a.scenario, &b.scenario)
        .or_else(|| number("seed", a.seed, b.seed))
        .or(replications);
    found.map_or(Ok(()), |message| Err(mismatch(dir, first, second, message)))
}

/// rank.csv holds one row per node of rank.json; sweep.csv, for each metric, one row per point
/// of sweep.json.
fn rows_agree(dir: &Path, name: &str, rows: &str, stamp: &Stamp) -> Result<(), ReportError> {
    let path: PathBuf = dir.join(rows);
    let csv_error = |message: String| ReportError::Csv {
        path: path.clone(),
        message,
    };
    let mut reader = match csv::Reader::from_path(&path) {
        Ok(reader) => reader,
        Err(e) => {
            return Err(match e.kind() {
                csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                    ReportError::Missing { path }
                }
                _ => csv_error(e.to_string()),
            });
        }
    };
    let dims = stamp.paths.as_ref().map_or(0, Vec::len);
    let mut points = BTreeSet::new();
    let mut count = 0u64;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(e.to_string()))?;
        count += 1;
        let point: Vec<String> = record.iter().take(dims).map(str::to_string).collect();
        points.insert(point);
    }
    if let Some(nodes) = stamp.nodes.as_ref().map(Vec::len) {
        if nodes as u64 != count {
            return Err(mismatch(
                dir,
                name,
                rows,
                format!("{name} ranks {nodes} nodes, {rows} has {count} rows"),
            ));
        }
    }
    let expected = stamp.points.unwrap_or(points.len() as u64);
    if expected != points.len() as u64 {
        return Err(mismatch(
            dir,
            name,
            rows,
            format!(
                "{name} says {expected} points, {rows} has {} distinct points",
                points.len()
            ),
        ));
    }
    Ok(())
}

/// `daily.csv`, when the folder has it (folders written before it existed do not): each of its
/// metrics is a metric of summary.json, and its first day is the day of summary.json's `start`
/// (`day 1` without one).
fn daily(dir: &Path, input: &Input) -> Result<(), ReportError> {
    let Some(days) = &input.daily else {
        return Ok(());
    };
    let s = &input.summary;
    let expected_first = s
        .start
        .as_deref()
        .map_or("day 1", |start| start.get(..10).unwrap_or(start));
    if let Some((date, _)) = days.days.first().filter(|(date, _)| date != expected_first) {
        return Err(mismatch(
            dir,
            DAILY,
            SUMMARY,
            format!("{DAILY} starts on {date:?}, {SUMMARY}'s start says {expected_first:?}"),
        ));
    }
    for (_, metrics) in &days.days {
        if let Some(metric) = metrics.keys().find(|m| !s.metrics.contains_key(*m)) {
            return Err(mismatch(
                dir,
                DAILY,
                SUMMARY,
                format!("{DAILY} has the metric {metric:?}, which {SUMMARY} does not"),
            ));
        }
    }
    Ok(())
}
