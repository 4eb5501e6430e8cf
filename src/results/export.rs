//! Writers of a run's files, each behind one small trait. They write into a study's staging
//! folder (see `crate::output`), which no reader sees until it is whole, so a file is written in
//! place: the name is unlinked first (it may be a hard link into the old folder, which must not
//! change) and created anew with `O_EXCL`, so no symbolic link planted there is followed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::RunResults;
use super::Summary;

/// Why a run's file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file could not be created or written (a full disk, no permission).
    #[error(
        "cannot write {path}: {source}\n  help: check that the output folder is writable (choose another with --out)"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A result is not a finite number. The scenario's bounds keep every result finite, so this
    /// is a bug in them; nothing is written rather than a file with inf or NaN in it.
    #[error(
        "{what} is {value}, not a finite number; nothing was written\n  help: this is a bug in the bounds concrisk puts on scenarios: please report it with the scenario file"
    )]
    NotFinite {
        /// Which result: the metric or series, and the replication or statistic.
        what: String,
        /// The value found.
        value: f64,
    },
    /// The file's bytes could not be made (a JSON or CSV encoder failed).
    #[error("cannot encode {file}: {message}")]
    Encode {
        /// The file's name in the folder.
        file: &'static str,
        /// What the encoder said.
        message: String,
    },
}

/// One output file.
trait Exporter {
    fn file_name(&self) -> &'static str;
    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError>;
}

struct SummaryJson;
struct ReplicationsCsv;
struct TimeseriesCsv;
struct RunJson;
struct DailyCsv;

impl Exporter for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError> {
        Summary::of(results)
            .to_json()
            .map_err(|e| ExportError::Encode {
                file: self.file_name(),
                message: e.to_string(),
            })
    }
}

impl Exporter for RunJson {
    fn file_name(&self) -> &'static str {
        "run.json"
    }

    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError> {
        let facts = serde_json::json!({ "threads": results.info.threads, "run_seconds": results.info.run_seconds });
        let mut bytes = serde_json::to_vec_pretty(&facts).map_err(|e| ExportError::Encode {
            file: self.file_name(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

fn csv_error(file: &'static str) -> impl Fn(csv::Error) -> ExportError {
    move |e| ExportError::Encode {
        file,
        message: e.to_string(),
    }
}

impl Exporter for ReplicationsCsv {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }

    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError> {
        let error = csv_error(self.file_name());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(
                std::iter::once("replication")
                    .chain(results.metric_names.iter().map(String::as_str)),
            )
            .map_err(&error)?;
        for (id, row) in results.replication_ids.iter().zip(&results.values) {
            writer
                .write_record(std::iter::once(id.to_string()).chain(row.iter().map(f64::to_string)))
                .map_err(&error)?;
        }
        writer.into_inner().map_err(|e| ExportError::Encode {
            file: self.file_name(),
            message: e.to_string(),
        })
    }
}

impl Exporter for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError> {
        let error = csv_error(self.file_name());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["hour", "series", "mean", "p05", "p95"])
            .map_err(&error)?;
        for (series, band) in results.series.iter().zip(&results.bands) {
            for (step, hour) in results.hours.iter().enumerate() {
                writer
                    .write_record([
                        hour.to_string(),
                        series.name.clone(),
                        band.mean[step].to_string(),
                        band.p05[step].to_string(),
                        band.p95[step].to_string(),
                    ])
                    .map_err(&error)?;
            }
        }
        writer.into_inner().map_err(|e| ExportError::Encode {
            file: self.file_name(),
            message: e.to_string(),
        })
    }
}

impl Exporter for DailyCsv {
    fn file_name(&self) -> &'static str {
        "daily.csv"
    }

    fn render(&self, results: &RunResults<'_>) -> Result<Vec<u8>, ExportError> {
        let error = csv_error(self.file_name());
        let daily = &results.daily;
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["date", "metric", "mean", "p05", "p95"])
            .map_err(&error)?;
        for (d, date) in daily.dates.iter().enumerate() {
            for (m, metric) in daily.metrics.iter().enumerate() {
                writer
                    .write_record([
                        date.as_str(),
                        metric.as_str(),
                        &daily.mean[d][m].to_string(),
                        &daily.p05[d][m].to_string(),
                        &daily.p95[d][m].to_string(),
                    ])
                    .map_err(&error)?;
            }
        }
        writer.into_inner().map_err(|e| ExportError::Encode {
            file: self.file_name(),
            message: e.to_string(),
        })
    }
}

/// Writes `bytes` to `path` as a new file: whatever had the name (a file, or a hard link into
/// the old folder) is unlinked first, and the file is created exclusively, so a symbolic link
/// there is never followed. Flushing to disk is left to the folder's publishing.
///
/// # Errors
/// The [`std::io::Error`] of the unlink, the creation or the write.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create_new(path)?.write_all(bytes)
}

/// Opens `path` for writing as a new file: whatever had the name is unlinked first, then the
/// file is created with `O_EXCL` (which never follows a symbolic link).
///
/// # Errors
/// The [`std::io::Error`] of the unlink or the creation.
pub fn create_new(path: &Path) -> std::io::Result<fs::File> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Writes `bytes` to `dir/name` as a new file ([`write_new`]).
///
/// # Errors
/// [`ExportError::Io`] naming the file.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
    let path = dir.join(name);
    write_new(&path, bytes).map_err(|source| ExportError::Io { path, source })
}

/// Writes every file of a run into `dir` (created if needed; in practice a study's staging
/// folder). Files are rendered before the folder is touched.
///
/// # Errors
/// [`ExportError`] when the folder or a file cannot be written.
pub fn write_run(dir: &Path, results: &RunResults<'_>) -> Result<Vec<PathBuf>, ExportError> {
    check_finite(results)?;
    let exporters: [&dyn Exporter; 5] = [
        &SummaryJson,
        &ReplicationsCsv,
        &TimeseriesCsv,
        &DailyCsv,
        &RunJson,
    ];
    let rendered = exporters
        .iter()
        .map(|e| Ok((e.file_name(), e.render(results)?)))
        .collect::<Result<Vec<_>, ExportError>>()?;
    fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, bytes) in rendered {
        write_whole(dir, name, &bytes)?;
        written.push(dir.join(name));
    }
    Ok(written)
}

/// Every number a run writes — each replication's metrics, their statistics and the series'
/// bands — is finite, or the first that is not is named. Names are made only for that one: a
/// long run has millions of band values.
fn check_finite(results: &RunResults<'_>) -> Result<(), ExportError> {
    for (id, row) in results.replication_ids.iter().zip(&results.values) {
        for (name, &value) in results.metric_names.iter().zip(row) {
            finite(value, || format!("{name} in replication {id}"))?;
        }
    }
    for (name, stats) in results.metric_names.iter().zip(&results.summaries) {
        for (statistic, value) in [
            ("mean", stats.mean),
            ("std", stats.std),
            ("min", stats.min),
            ("p05", stats.p05),
            ("p50", stats.p50),
            ("p95", stats.p95),
            ("p99", stats.p99),
            ("max", stats.max),
            ("cvar95", stats.cvar95),
        ] {
            finite(value, || format!("the {statistic} of {name}"))?;
        }
    }
    for (series, band) in results.series.iter().zip(&results.bands) {
        for (statistic, steps) in [("mean", &band.mean), ("p05", &band.p05), ("p95", &band.p95)] {
            for (step, &value) in steps.iter().enumerate() {
                finite(value, || {
                    format!("the {statistic} of {} at step {step}", series.name)
                })?;
            }
        }
    }
    let daily = &results.daily;
    for (d, date) in daily.dates.iter().enumerate() {
        for (statistic, rows) in [
            ("mean", &daily.mean),
            ("p05", &daily.p05),
            ("p95", &daily.p95),
        ] {
            for (m, &value) in rows[d].iter().enumerate() {
                finite(value, || {
                    format!("the {statistic} of {} on {date}", daily.metrics[m])
                })?;
            }
        }
    }
    Ok(())
}

/// `value` if finite, else an error naming it as `what()` says.
fn finite(value: f64, what: impl FnOnce() -> String) -> Result<(), ExportError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ExportError::NotFinite {
            what: what(),
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_finite_value_is_named_and_a_finite_one_passes() {
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            match finite(bad, || "b in replication 3".to_string()) {
                Err(ExportError::NotFinite { what, value }) => {
                    assert_eq!(what, "b in replication 3");
                    assert_eq!(value.is_nan(), bad.is_nan());
                }
                other => panic!("{bad} passed: {other:?}"),
            }
        }
        for good in [0.0, -0.0, 1e300, -1e300, f64::MIN_POSITIVE] {
            assert!(finite(good, || unreachable!("named only on failure")).is_ok());
        }
    }
}
