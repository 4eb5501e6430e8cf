//! `compare`: the baseline and its variants on common random numbers. For every metric, each
//! variant's mean and its paired difference to the baseline with a 95 % interval; written as
//! `compare.json` and `compare.csv` (`variant,metric,mean,diff_mean,diff_lo,diff_hi`).

use std::path::Path;

use serde::Serialize;

use super::paired::{self, Interval};
use super::{PolicyError, Sample};
use crate::results::write_whole;

/// One metric of one variant against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The metric's name.
    pub metric: String,
    /// The variant's mean.
    pub mean: f64,
    /// Paired difference variant − baseline.
    pub diff: Interval,
    /// The same difference as if the runs had been independent, for contrast.
    pub unpaired: Interval,
}

/// Rows for every metric of the baseline that the variant also has, in the baseline's order.
/// Both samples must come from the same seed and number of replications.
pub fn against(baseline: &Sample, variant: &Sample) -> Vec<Row> {
    baseline
        .names
        .iter()
        .filter_map(|metric| {
            let b = baseline.column(metric)?;
            let v = variant.column(metric)?;
            Some(Row {
                metric: metric.clone(),
                mean: v.iter().sum::<f64>() / v.len().max(1) as f64,
                diff: paired::paired(&b, &v),
                unpaired: paired::unpaired(&b, &v),
            })
        })
        .collect()
}

/// A variant and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The variant's name (`baseline` for the file as written).
    pub name: String,
    /// What the variant changes, in prose.
    pub description: String,
    /// One row per metric, in the baseline's order.
    pub rows: Vec<Row>,
}

/// A whole comparison, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file, as the user named it.
    pub file: String,
    /// The seed every run shares.
    pub seed: u64,
    /// Replications of each run.
    pub replications: u32,
    /// Agents of each run.
    pub agents: u64,
    /// The currency of money metrics.
    pub currency: String,
    /// The metric the figure and the report lead with.
    pub headline_metric: String,
    /// The baseline against itself: every difference 0.
    pub baseline: Compared,
    /// The variants, in the order asked for.
    pub variants: Vec<Compared>,
}

#[derive(Serialize)]
struct JsonRow {
    mean: f64,
    diff_mean: f64,
    diff_lo: f64,
    diff_hi: f64,
    /// Half-width of the 95 % interval had the runs been independent (Welch).
    unpaired_half_width: f64,
}

#[derive(Serialize)]
struct JsonVariant<'a> {
    name: &'a str,
    description: &'a str,
    metrics: std::collections::BTreeMap<&'a str, JsonRow>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    scenario: &'a str,
    file: &'a str,
    seed: u64,
    replications: u32,
    agents: u64,
    currency: &'a str,
    headline_metric: &'a str,
    confidence: f64,
    variants: Vec<JsonVariant<'a>>,
}

impl Comparison {
    fn all(&self) -> impl Iterator<Item = &Compared> {
        std::iter::once(&self.baseline).chain(&self.variants)
    }

    /// `compare.json`: the baseline first (named `baseline`), then each variant.
    pub fn json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let variants = self
            .all()
            .map(|v| JsonVariant {
                name: &v.name,
                description: &v.description,
                metrics: v
                    .rows
                    .iter()
                    .map(|r| {
                        (
                            r.metric.as_str(),
                            JsonRow {
                                mean: r.mean,
                                diff_mean: r.diff.mean,
                                diff_lo: r.diff.lo,
                                diff_hi: r.diff.hi,
                                unpaired_half_width: r.unpaired.half_width(),
                            },
                        )
                    })
                    .collect(),
            })
            .collect();
        let mut bytes = serde_json::to_vec_pretty(&JsonFile {
            scenario: &self.scenario,
            file: &self.file,
            seed: self.seed,
            replications: self.replications,
            agents: self.agents,
            currency: &self.currency,
            headline_metric: &self.headline_metric,
            confidence: 0.95,
            variants,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// `compare.csv`: `variant,metric,mean,diff_mean,diff_lo,diff_hi`, baseline rows first.
    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            "variant",
            "metric",
            "mean",
            "diff_mean",
            "diff_lo",
            "diff_hi",
        ])?;
        for variant in self.all() {
            for r in &variant.rows {
                writer.write_record([
                    variant.name.clone(),
                    r.metric.clone(),
                    r.mean.to_string(),
                    r.diff.mean.to_string(),
                    r.diff.lo.to_string(),
                    r.diff.hi.to_string(),
                ])?;
            }
        }
        writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }

    /// Writes `compare.json` and `compare.csv` into `dir` (which exists), each whole.
    ///
    /// # Errors
    /// [`PolicyError::Write`] or [`PolicyError::Export`] when a file cannot be encoded or written.
    pub fn write(&self, dir: &Path) -> Result<(), PolicyError> {
        let encode = |file: &str, message: String| PolicyError::Write {
            path: dir.join(file),
            message,
        };
        let json = self
            .json()
            .map_err(|e| encode("compare.json", e.to_string()))?;
        let csv = self
            .csv()
            .map_err(|e| encode("compare.csv", e.to_string()))?;
        write_whole(dir, "compare.json", &json)?;
        write_whole(dir, "compare.csv", &csv)?;
        Ok(())
    }
}
