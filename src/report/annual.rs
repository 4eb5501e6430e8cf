//! The `annual` section of the report: the exceedance figure of the headline metric and, in
//! plain words, its annual average, its 1-in-10, 1-in-100 and 1-in-1000-year figures with the
//! occurrences behind each, and each weighed measure's averted loss, NPV and BCR. A folder
//! holding only an annual study gets a page of its own.

use std::path::{Path, PathBuf};

use maud::{Markup, html};

use super::format::{Measure, exact};
use super::html::figure_markup;
use super::input::read_json;
use super::{ReportError, save};
use crate::annual::export::AnnualFile;
use crate::report::figures::annual::AnnualExceedance;

/// One row of `benefit_cost.csv` as the page shows it.
struct Weighed {
    variant: String,
    values: Vec<f64>,
}

fn benefit_cost(path: &Path) -> Result<Vec<Weighed>, ReportError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let csv_error = |e: csv::Error| ReportError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let values = record
            .iter()
            .skip(1)
            .map(|cell| {
                cell.parse::<f64>().map_err(|_| ReportError::Csv {
                    path: path.to_path_buf(),
                    message: format!("\"{cell}\" is not a number"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(Weighed {
            variant: record.get(0).unwrap_or_default().to_string(),
            values,
        });
    }
    Ok(rows)
}

/// The annual section of `dir`, its figure drawn into `plots`; `None` without `annual.json`.
pub(crate) fn section(
    dir: &Path,
    plots: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Option<(String, Markup)>, ReportError> {
    let Some(annual) = read_json::<AnnualFile>(&dir.join("annual.json"))? else {
        return Ok(None);
    };
    let Some(curves) = annual.metrics.get(&annual.headline_metric) else {
        return Ok(None);
    };
    let measure = Measure::of(&annual.headline_metric, Some(curves.unit));
    let currency = annual.currency.clone();
    let words = |x: f64| measure.words(x, &currency);
    let figure = AnnualExceedance {
        measure: Measure::of(&annual.headline_metric, Some(curves.unit)),
        currency: currency.clone(),
        years: annual.years,
        aep: curves.aep.clone(),
        oep: curves.oep.clone(),
    };
    let saved = save(plots, &figure, files)?;
    let weighed = benefit_cost(&dir.join("benefit_cost.csv"))?;
    let rates: Vec<String> = annual
        .events
        .iter()
        .map(|e| match &e.uncertain {
            Some(u) => format!(
                "{} ({} a year; uncertain: its draws span {} to {}, from {})",
                e.name,
                exact(e.rate_per_year),
                exact(u.lo),
                exact(u.hi),
                u.source
            ),
            None => format!("{} ({} a year)", e.name, exact(e.rate_per_year)),
        })
        .collect();
    let rates_uncertain = annual.events.iter().any(|e| e.uncertain.is_some());
    let markup = html! {
        section id="annual" {
            h2 { "Annual risk" }
            p {
                "Events and how often they come: " (rates.join("; ")) ". "
                (annual.years) " years were simulated; each occurrence of an event is one of "
                (annual.occurrences_per_event) " simulations of that event alone, drawn at random. "
                "Two occurrences in one year add their damage."
                @if rates_uncertain {
                    " The figures below are at the rates written in the file; their intervals "
                    "also hold what we do not know of the rates (each bootstrap replicate draws "
                    "its own)."
                }
                @if !annual.held_central.is_empty() {
                    " Other uncertain inputs (" (annual.held_central.join(", ")) ") are held at "
                    "their central values here; " code { "concrisk run" } " and "
                    code { "concrisk sensitivity" } " spread them."
                }
            }
            p {
                "On average, " (measure.title.to_lowercase()) " comes to "
                strong { (words(curves.aal.mean)) } " a year (standard error "
                (words(curves.aal.se)) ")."
            }
            ul {
                @for p in curves.aep.iter().filter(|p| [10.0, 100.0, 1000.0].contains(&p.return_period_years)) {
                    li {
                        "Once in " (p.return_period_years) " years, the yearly total exceeds "
                        strong { (words(p.value)) } " (95\u{a0}% interval " (words(p.lo)) " to "
                        (words(p.hi)) "; it rests on " (p.occurrences) " simulated occurrences)."
                    }
                }
            }
            (figure_markup(&saved))
            @if !weighed.is_empty() {
                h3 { "Is a measure worth its cost?" }
                p {
                    "Each measure ran on the same years and occurrences as the baseline. Its "
                    "benefit is the yearly loss it averts, over the horizon and discounted; "
                    "BCR above 1 means it saves more than it costs."
                }
                ul {
                    @for w in &weighed {
                        li {
                            strong { (w.variant) } ": averts " (words(w.values[0])) " a year ("
                            (words(w.values[1])) " to " (words(w.values[2])) "); net present value "
                            (words(w.values[3])) "; benefit–cost ratio "
                            (format!("{:.2}", w.values[6])) " (" (format!("{:.2}", w.values[7]))
                            " to " (format!("{:.2}", w.values[8])) ")."
                        }
                    }
                }
            }
        }
    };
    Ok(Some((annual.scenario, markup)))
}
