//! Writers of a run's files, each behind one small trait; every file is written whole (to a
//! temporary file in the same folder, then renamed), so a reader never sees half a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::RunResults;
use super::Summary;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "cannot write {path}: {source}\n  help: check that the output folder is writable (choose another with --out)"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode {file}: {message}")]
    Encode { file: &'static str, message: String },
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

/// Writes `bytes` to `dir/name` whole: a temporary file first, then a rename.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    let io = |source| ExportError::Io {
        path: path.clone(),
        source,
    };
    let mut file = fs::File::create(&temporary).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    fs::rename(&temporary, &path).map_err(io)
}

/// Writes every file of a run into `dir` (created if needed). Files are rendered before the
/// folder is touched, so an encoding failure leaves nothing behind.
///
/// # Errors
/// [`ExportError`] when the folder or a file cannot be written.
pub fn write_run(dir: &Path, results: &RunResults<'_>) -> Result<Vec<PathBuf>, ExportError> {
    let exporters: [&dyn Exporter; 4] = [&SummaryJson, &ReplicationsCsv, &TimeseriesCsv, &RunJson];
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
