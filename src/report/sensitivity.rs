//! The section and figure of a `sensitivity` study, from `sensitivity.json` and
//! `sensitivity.csv`: each input's first- and total-order index of the study's metric with their
//! 95 % intervals, inputs sorted by total order, and a sentence on what they mean.

use std::path::{Path, PathBuf};

use maud::{Markup, html};
use serde::Deserialize;

use super::figures::Swatch;
use super::figures::intervals::{IntervalBars, Row};
use super::figures::sweep::path_words;
use super::format::{Measure, share};
use super::html::figure_markup;
use super::input::read_json;
use super::palette::{self, INK};
use super::{ReportError, save};
use crate::results::Unit;

/// The inputs drawn in the figure at most (two bars each); the table has them all.
const DRAWN: usize = 12;

#[derive(Deserialize)]
struct InputMeta {
    path: String,
    source: String,
    acts: String,
}

#[derive(Deserialize)]
struct Meta {
    scenario: String,
    #[serde(default)]
    currency: String,
    samples: u64,
    replications: u64,
    metric: String,
    inputs: Vec<InputMeta>,
    simulations: u64,
    points: u64,
}

/// One input's indices of the figure's metric, read from `sensitivity.csv`.
struct Indexed {
    path: String,
    first: (f64, f64, f64),
    total: (f64, f64, f64),
}

/// The section and figure when `dir` holds a sensitivity study; `None` otherwise.
///
/// # Errors
/// [`ReportError::Json`] or [`ReportError::Csv`] for a malformed file; what drawing fails with.
pub(super) fn section(
    dir: &Path,
    plots: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Option<Markup>, ReportError> {
    let Some(meta) = read_json::<Meta>(&dir.join("sensitivity.json"))? else {
        return Ok(None);
    };
    let mut rows = read_rows(&dir.join("sensitivity.csv"), &meta.metric)?;
    rows.sort_by(|a, b| b.total.0.total_cmp(&a.total.0));
    let saved = save(plots, &figure(&meta, &rows), files)?;
    let measure = Measure::of(&meta.metric, None);
    let source_of = |path: &str| {
        meta.inputs
            .iter()
            .find(|i| i.path == path)
            .map_or(("", ""), |i| (i.source.as_str(), i.acts.as_str()))
    };
    let inputs = match meta.inputs.len() {
        1 => "The one uncertain input was".to_string(),
        n => format!("Each of the {n} uncertain inputs was"),
    };
    let range = |(_, lo, hi): (f64, f64, f64)| format!("{} to {}", share(lo), share(hi));
    Ok(Some(html! {
        section id="sensitivity" {
            h2 { "Which uncertain input matters" }
            p {
                (inputs) " drawn from its range over a Saltelli design ("
                (meta.samples) " rows, " (meta.points) " points, " (meta.simulations)
                " simulations: points that differ only in prices, or not at all, share one and \
                 re-price its counts). Every point ran " (meta.replications)
                " replications on the same random numbers, so what moves between points is the \
                 inputs, not the noise. The first-order index is the share of the variance of "
                (measure.title.to_lowercase()) " that an input explains alone; the total-order \
                 index adds what it explains together with the others. An input whose total \
                 order is near 0 can be left at its central value; one with a large total order \
                 is where better evidence pays most."
            }
            @if let Some(top) = rows.first() {
                p {
                    "Here, " (path_words(&top.path, &meta.currency)) " explains "
                    (share(top.first.0)) " of the variance alone and " (share(top.total.0))
                    " with its interactions (" (meta.scenario) ")."
                }
            }
            (figure_markup(&saved))
            table {
                thead {
                    tr {
                        th { "Input" } th { "Acts on" } th.num { "First order" }
                        th.num { "95\u{a0}% CI" } th.num { "Total order" } th.num { "95\u{a0}% CI" }
                        th { "Source" }
                    }
                }
                tbody {
                    @for r in &rows {
                        @let (source, acts) = source_of(&r.path);
                        tr {
                            td title=(r.path) { (path_words(&r.path, &meta.currency)) }
                            td { (acts) }
                            td.num { (share(r.first.0)) } td.num { (range(r.first)) }
                            td.num { (share(r.total.0)) } td.num { (range(r.total)) }
                            td { (source) }
                        }
                    }
                }
            }
            p.note {
                "sensitivity.csv has the indices of every metric; design.csv every design point \
                 with its inputs' values and its metrics' means."
            }
        }
    }))
}

fn figure(meta: &Meta, rows: &[Indexed]) -> IntervalBars {
    let (total, first) = (palette::series(0), palette::series(1));
    let bar = |label: String, (mean, lo, hi): (f64, f64, f64), colour| Row {
        label,
        mean,
        lo,
        hi,
        colour,
        text: share(mean),
    };
    let bars = rows
        .iter()
        .take(DRAWN)
        .flat_map(|r| {
            let words = path_words(&r.path, &meta.currency);
            [
                bar(format!("{words}: total"), r.total, total),
                bar(format!("{words}: alone"), r.first, first),
            ]
        })
        .collect();
    let title = Measure::of(&meta.metric, None).title;
    let mut notes = vec![format!(
        "{} rows, {} design points, {} replications each on common random numbers.",
        meta.samples, meta.points, meta.replications
    )];
    if rows.len() > DRAWN {
        notes.push(format!(
            "The {DRAWN} inputs of largest total order of {}; sensitivity.csv has all.",
            rows.len()
        ));
    }
    IntervalBars {
        name: "sensitivity",
        title: format!("What drives {}", title.to_lowercase()),
        caption: format!(
            "Sobol' indices of the mean {} for each uncertain input, sorted by total order: the \
             share of its variance an input explains alone (first order) and with its \
             interactions (total order); whiskers are bootstrap 95 % intervals.",
            title.to_lowercase()
        ),
        measure: Measure {
            title: "Share of variance".to_string(),
            unit: Unit::Share,
        },
        currency: meta.currency.clone(),
        rows: bars,
        legend: vec![
            (
                Swatch::Fill(total),
                "Total order (with interactions)".to_string(),
            ),
            (Swatch::Fill(first), "First order (alone)".to_string()),
            (Swatch::Line(INK), "Bootstrap 95 % interval".to_string()),
        ],
        notes,
    }
}

/// The rows of `metric` in `sensitivity.csv`.
fn read_rows(path: &Path, metric: &str) -> Result<Vec<Indexed>, ReportError> {
    let csv_error = |message: String| ReportError::Csv {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(e.to_string()))?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(e.to_string()))?;
        if record.get(0) != Some(metric) {
            continue;
        }
        let number = |i: usize| -> Result<f64, ReportError> {
            record
                .get(i)
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .ok_or_else(|| csv_error(format!("column {} of a row is not a number", i + 1)))
        };
        rows.push(Indexed {
            path: record.get(1).unwrap_or_default().to_string(),
            first: (number(2)?, number(3)?, number(4)?),
            total: (number(5)?, number(6)?, number(7)?),
        });
    }
    Ok(rows)
}
