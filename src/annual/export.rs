//! The files of `annual`, one writer per kind behind one small trait, as `results/export.rs`
//! writes a run's: `years.csv`, `events.csv`, `annual.json` and, with variants,
//! `benefit_cost.csv`. `annual.json` is one type ([`AnnualFile`]) for its writer and the
//! report's reader.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::benefit::BenefitCost;
use super::stats::{Curves, Point, year_losses};
use super::table::EventTable;
use super::years::Years;
use crate::results::Unit;
use crate::results::{ExportError, write_whole};

/// What `annual.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualFile {
    /// The scenario's name.
    pub scenario: String,
    /// The file it was read from.
    pub file: String,
    /// The master seed.
    pub seed: u64,
    /// Years simulated.
    pub years: u64,
    /// Occurrences simulated per rated event (its table's rows).
    pub occurrences_per_event: u64,
    /// Agents of each replication.
    pub agents: u64,
    /// The scenario's currency.
    pub currency: String,
    /// Bootstrap replicates behind every interval.
    pub bootstrap: u64,
    /// The rated events.
    pub events: Vec<EventRate>,
    /// Per metric, in the order of `years.csv`.
    pub metrics: BTreeMap<String, MetricCurves>,
    /// The metric `benefit_cost.csv` weighs, and the headline of the report.
    pub headline_metric: String,
    /// Paths of the `[[uncertain]]` inputs other than rates: held at their central values in
    /// the years (absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_central: Vec<String>,
}

/// A rated event in `annual.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRate {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Occurrences per year.
    pub rate_per_year: f64,
    /// When `[[uncertain]]` gives the rate a distribution: the range its draws span and its
    /// source (absent for a rate that is certain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<UncertainRate>,
}

/// An uncertain rate in `annual.json`: the 2.5 % and 97.5 % points of the rates the bootstrap
/// replicates drew (one per replicate), and where the range comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainRate {
    /// 2.5 % point of the drawn rates.
    pub lo: f64,
    /// 97.5 % point of the drawn rates.
    pub hi: f64,
    /// The `[[uncertain]]` entry's source.
    pub source: String,
}

/// One metric's annual statistics in `annual.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricCurves {
    /// Its unit.
    pub unit: Unit,
    /// Annual average loss.
    pub aal: Aal,
    /// Aggregate exceedance (the year's summed loss).
    pub aep: Vec<CurvePoint>,
    /// Occurrence exceedance (the year's largest occurrence).
    pub oep: Vec<CurvePoint>,
    /// Tail value at risk of the summed loss.
    pub tvar: Vec<CurvePoint>,
}

/// `aal` in `annual.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Aal {
    /// Mean over the years.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
}

/// One point of a curve in `annual.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Return period in years.
    pub return_period_years: f64,
    /// The loss at it.
    pub value: f64,
    /// 95 % interval, low end.
    pub lo: f64,
    /// 95 % interval, high end.
    pub hi: f64,
    /// Distinct simulated occurrences behind the point.
    pub occurrences: u64,
}

impl From<&Point> for CurvePoint {
    fn from(p: &Point) -> Self {
        CurvePoint {
            return_period_years: p.return_period_years,
            value: p.value,
            lo: p.lo,
            hi: p.hi,
            occurrences: p.occurrences as u64,
        }
    }
}

impl MetricCurves {
    /// The file's form of `curves`, in `unit`.
    pub fn of(unit: Unit, curves: &Curves) -> MetricCurves {
        let points = |ps: &[Point]| ps.iter().map(CurvePoint::from).collect();
        MetricCurves {
            unit,
            aal: Aal {
                mean: curves.aal.mean,
                se: curves.aal.se,
            },
            aep: points(&curves.aep),
            oep: points(&curves.oep),
            tvar: points(&curves.tvar),
        }
    }
}

/// Everything the writers need.
pub struct Files<'a> {
    /// `annual.json`'s content.
    pub annual: &'a AnnualFile,
    /// The metrics' names, in table column order.
    pub metrics: &'a [String],
    /// The baseline's tables.
    pub tables: &'a [EventTable],
    /// The baseline's years.
    pub years: &'a Years,
    /// One row per variant weighed (none without `--variants`).
    pub benefit_cost: &'a [BenefitCost],
}

trait Exporter {
    fn file_name(&self) -> &'static str;
    fn render(&self, files: &Files<'_>) -> Result<Vec<u8>, ExportError>;
}

struct YearsCsv;
struct EventsCsv;
struct AnnualJson;
struct BenefitCostCsv;

fn encode(file: &'static str) -> impl Fn(csv::Error) -> ExportError {
    move |e| ExportError::Encode {
        file,
        message: e.to_string(),
    }
}

fn finish(file: &'static str, writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    writer.into_inner().map_err(|e| ExportError::Encode {
        file,
        message: e.to_string(),
    })
}

fn finite(value: f64, what: impl FnOnce() -> String) -> Result<f64, ExportError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ExportError::NotFinite {
            what: what(),
            value,
        })
    }
}

impl Exporter for YearsCsv {
    fn file_name(&self) -> &'static str {
        "years.csv"
    }

    fn render(&self, f: &Files<'_>) -> Result<Vec<u8>, ExportError> {
        let error = encode(self.file_name());
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["year".to_string(), "occurrences".to_string()];
        for name in f.metrics {
            header.push(format!("{name}.sum"));
            header.push(format!("{name}.max"));
        }
        writer.write_record(&header).map_err(&error)?;
        let losses: Vec<_> = (0..f.metrics.len())
            .map(|m| year_losses(f.tables, f.years, m, None))
            .collect();
        for year in 0..f.years.len() {
            let mut row = vec![year.to_string(), f.years.year(year).len().to_string()];
            for (name, l) in f.metrics.iter().zip(&losses) {
                let sum = finite(l.sum[year], || format!("{name} in year {year}"))?;
                row.push(sum.to_string());
                row.push(l.max[year].to_string());
            }
            writer.write_record(&row).map_err(&error)?;
        }
        finish(self.file_name(), writer)
    }
}

impl Exporter for EventsCsv {
    fn file_name(&self) -> &'static str {
        "events.csv"
    }

    fn render(&self, f: &Files<'_>) -> Result<Vec<u8>, ExportError> {
        let error = encode(self.file_name());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([
                "event",
                "rate_per_year",
                "occurrences",
                "metric",
                "mean",
                "std",
                "max",
            ])
            .map_err(&error)?;
        for table in f.tables {
            for (m, name) in f.metrics.iter().enumerate() {
                let values: Vec<f64> = table.column(m).collect();
                let stats = crate::results::Stats::of(&values);
                writer
                    .write_record([
                        table.id.clone(),
                        table.rate.to_string(),
                        table.rows().to_string(),
                        name.clone(),
                        finite(stats.mean, || format!("the mean of {name}"))?.to_string(),
                        stats.std.to_string(),
                        stats.max.to_string(),
                    ])
                    .map_err(&error)?;
            }
        }
        finish(self.file_name(), writer)
    }
}

impl Exporter for AnnualJson {
    fn file_name(&self) -> &'static str {
        "annual.json"
    }

    fn render(&self, f: &Files<'_>) -> Result<Vec<u8>, ExportError> {
        for (name, m) in &f.annual.metrics {
            finite(m.aal.mean + m.aal.se, || format!("the AAL of {name}"))?;
            for p in m.aep.iter().chain(&m.oep).chain(&m.tvar) {
                finite(p.value + p.lo + p.hi, || format!("a curve of {name}"))?;
            }
        }
        let mut bytes = serde_json::to_vec_pretty(f.annual).map_err(|e| ExportError::Encode {
            file: self.file_name(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

impl Exporter for BenefitCostCsv {
    fn file_name(&self) -> &'static str {
        "benefit_cost.csv"
    }

    fn render(&self, f: &Files<'_>) -> Result<Vec<u8>, ExportError> {
        let error = encode(self.file_name());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([
                "variant",
                "averted_aal",
                "averted_aal_lo",
                "averted_aal_hi",
                "npv",
                "npv_lo",
                "npv_hi",
                "bcr",
                "bcr_lo",
                "bcr_hi",
            ])
            .map_err(&error)?;
        for row in f.benefit_cost {
            let a = row.averted;
            let mut record = vec![row.variant.clone()];
            for v in [a.mean, a.lo, a.hi]
                .into_iter()
                .chain(row.npv)
                .chain(row.bcr)
            {
                record.push(
                    finite(v, || format!("the benefit–cost of {}", row.variant))?.to_string(),
                );
            }
            writer.write_record(&record).map_err(&error)?;
        }
        finish(self.file_name(), writer)
    }
}

/// Writes the files of `annual` into `dir` (benefit_cost.csv only with variants); every file is
/// rendered before any is written.
///
/// # Errors
/// [`ExportError`] when a value is not finite or a file cannot be written.
pub fn write(dir: &Path, files: &Files<'_>) -> Result<(), ExportError> {
    let mut exporters: Vec<&dyn Exporter> = vec![&YearsCsv, &EventsCsv, &AnnualJson];
    if !files.benefit_cost.is_empty() {
        exporters.push(&BenefitCostCsv);
    }
    let rendered = exporters
        .iter()
        .map(|e| Ok((e.file_name(), e.render(files)?)))
        .collect::<Result<Vec<_>, ExportError>>()?;
    for (name, bytes) in rendered {
        write_whole(dir, name, &bytes)?;
    }
    Ok(())
}
