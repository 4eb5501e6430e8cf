//! The policy analyses in an output folder — `compare.json`, `rank.json`, `sweep.csv` with
//! `sweep.json`, `sensitivity.json` with `sensitivity.csv` (see `super::sensitivity`) — each drawn as a figure and a section of the page when its files are there.
//! Serde mirrors of those files live here, beside the reader of the run's own files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use maud::{Markup, html};
use serde::Deserialize;

use super::figures::Swatch;
use super::figures::intervals::{IntervalBars, Row};
use super::figures::sweep::{Point, Sweep};
use super::format::{self, Measure};
use super::html::figure_markup;
use super::input::read_json;
use super::palette::{self, GREY};
use super::{ReportError, Saved, save};
use crate::results::registry::{Family, PERSON_HOURS_CUT_OFF, UNMET_NEEDS};

#[derive(Deserialize)]
struct CompareRow {
    mean: f64,
    diff_mean: f64,
    diff_lo: f64,
    diff_hi: f64,
    #[serde(default)]
    unpaired_half_width: Option<f64>,
}

#[derive(Deserialize)]
struct CompareVariant {
    name: String,
    #[serde(default)]
    description: String,
    metrics: BTreeMap<String, CompareRow>,
}

#[derive(Deserialize)]
struct CompareFile {
    replications: u64,
    seed: u64,
    #[serde(default)]
    currency: String,
    headline_metric: String,
    variants: Vec<CompareVariant>,
}

#[derive(Deserialize)]
struct RankNode {
    rank: u64,
    node: String,
    name: String,
    kind: String,
    layer: String,
    expected_damage: f64,
    ci_lo: f64,
    ci_hi: f64,
}

#[derive(Deserialize)]
struct RankService {
    service: String,
    hhi_platforms: f64,
    hhi_owners: f64,
    no_alternative_share: f64,
}

#[derive(Deserialize)]
struct RankFile {
    scenario: String,
    replications: u64,
    #[serde(default)]
    currency: String,
    metric: String,
    timed_like: String,
    nodes: Vec<RankNode>,
    concentration: Vec<RankService>,
}

#[derive(Deserialize)]
struct SweepMeta {
    scenario: String,
    #[serde(default)]
    currency: String,
    paths: Vec<String>,
    metric: String,
    design: String,
}

/// The file each analysis writes that says the folder holds it.
const ANALYSIS_FILES: [&str; 5] = [
    "compare.json",
    "rank.json",
    "sweep.json",
    "sensitivity.json",
    "annual.json",
];

/// Whether `dir` holds the files of some analysis.
pub(crate) fn holds_any(dir: &Path) -> bool {
    ANALYSIS_FILES.iter().any(|name| dir.join(name).exists())
}

/// Draws the figure of every analysis in `dir` into `plots` and returns the page sections.
pub(crate) fn render(
    dir: &Path,
    plots: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Markup, ReportError> {
    let mut sections = Vec::new();
    if let Some(compare) = read_json::<CompareFile>(&dir.join("compare.json"))? {
        let saved = save(plots, &compare_figure(&compare), files)?;
        sections.push(compare_section(&compare, &saved));
    }
    if let Some(rank) = read_json::<RankFile>(&dir.join("rank.json"))? {
        let saved = save(plots, &rank_figure(&rank), files)?;
        sections.push(rank_section(&rank, &saved));
    }
    if let Some(meta) = read_json::<SweepMeta>(&dir.join("sweep.json"))? {
        let figure = sweep_figure(&dir.join("sweep.csv"), &meta)?;
        let saved = save(plots, &figure, files)?;
        sections.push(html! {
            section id="sweep" {
                h2 { "Sweep" }
                p {
                    (meta.design) " design over " (meta.paths.join(", ")) "; every point runs on \
                     the same seed (common random numbers). " code { "sweep.csv" } " holds every \
                     metric at every point."
                }
                (figure_markup(&saved))
            }
        });
    }
    if let Some(section) = super::sensitivity::section(dir, plots, files)? {
        sections.push(section);
    }
    if let Some((_, section)) = super::annual::section(dir, plots, files)? {
        sections.push(section);
    }
    Ok(html! { @for section in &sections { (section) } })
}

fn compare_figure(c: &CompareFile) -> IntervalBars {
    let measure = Measure::of(&c.headline_metric, None);
    let baseline = c
        .variants
        .first()
        .and_then(|v| v.metrics.get(&c.headline_metric))
        .map_or(f64::NAN, |r| r.mean);
    let rows = c
        .variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let r = v.metrics.get(&c.headline_metric)?;
            let words = |x: f64| measure.words(x, &c.currency);
            let text = if i == 0 {
                words(r.mean)
            } else {
                format!(
                    "{} ({} vs baseline)",
                    words(r.mean),
                    signed(&words(r.diff_mean), r.diff_mean)
                )
            };
            Some(Row {
                label: v.name.replace('_', " "),
                mean: r.mean,
                lo: baseline + r.diff_lo,
                hi: baseline + r.diff_hi,
                colour: if i == 0 { GREY } else { palette::series(0) },
                text,
            })
        })
        .collect();
    IntervalBars {
        name: "compare",
        title: format!("{} by variant", measure.title),
        caption: format!(
            "{} by policy variant: mean over {} replications (bar); for each variant the whisker is \
             the 95 % confidence interval of its mean from the paired difference to the baseline \
             (same seed, same events and draws).",
            measure.title, c.replications
        ),
        measure,
        currency: c.currency.clone(),
        rows,
        legend: vec![
            (
                Swatch::Fill(GREY),
                "Baseline (the file as written)".to_string(),
            ),
            (Swatch::Fill(palette::series(0)), "Variant".to_string()),
            (
                Swatch::Line(palette::INK),
                "95 % CI from the paired difference".to_string(),
            ),
        ],
        notes: vec![format!(
            "Common random numbers: seed {}, {} replications.",
            c.seed, c.replications
        )],
    }
}

/// A difference with its sign spelled out: "+1.2 bn", "−3.4 M".
fn signed(words: &str, x: f64) -> String {
    if x > 0.0 {
        format!("+{words}")
    } else {
        words.replacen('-', "−", 1)
    }
}

fn compare_section(c: &CompareFile, saved: &Saved) -> Markup {
    let others = [&UNMET_NEEDS, &PERSON_HOURS_CUT_OFF]
        .into_iter()
        .filter_map(Family::total_name)
        .filter(|m| *m != c.headline_metric);
    let metrics: Vec<String> = std::iter::once(c.headline_metric.clone())
        .chain(others)
        .collect();
    html! {
        section id="compare" {
            h2 { "Policy variants" }
            p {
                "Each variant ran on the same seed as the baseline (" (c.replications)
                " replications): the same events at the same moments, the same draws wherever the \
                 scenario is the same, \
                 so the difference per replication is the policy's effect alone. The interval is \
                 the 95\u{a0}% confidence interval of the mean difference (Student t on the paired \
                 replications); \"unpaired\" is the width the same runs would give if drawn \
                 independently."
            }
            (figure_markup(saved))
            @for metric in &metrics { (compare_table(c, metric)) }
            p.note { "Every metric of every variant is in compare.csv and compare.json." }
        }
    }
}

/// One metric of every variant: mean, paired difference with its interval, unpaired width.
fn compare_table(c: &CompareFile, metric: &str) -> Markup {
    let measure = Measure::of(metric, None);
    let words = |x: f64| measure.words(x, &c.currency);
    html! {
        h3 { (measure.title) " (" (metric) ")" }
        table {
            thead {
                tr {
                    th { "Variant" } th.num { "Mean" } th.num { "Difference" }
                    th.num { "95\u{a0}% CI" } th.num { "Unpaired ±" }
                }
            }
            tbody {
                @for v in &c.variants {
                    @if let Some(r) = v.metrics.get(metric) {
                        tr {
                            td title=(v.description) { (v.name) }
                            td.num { (words(r.mean)) }
                            td.num { (signed(&words(r.diff_mean), r.diff_mean)) }
                            td.num { (words(r.diff_lo)) " to " (words(r.diff_hi)) }
                            td.num {
                                (r.unpaired_half_width.map_or(format::MISSING.to_string(), words))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn rank_figure(r: &RankFile) -> IntervalBars {
    let measure = Measure::of(&r.metric, None);
    let infrastructure = palette::FAILED;
    let platform = palette::series(0);
    let rows = r
        .nodes
        .iter()
        .take(15)
        .map(|n| Row {
            label: format!("{}. {}", n.rank, n.name),
            mean: n.expected_damage,
            lo: n.ci_lo,
            hi: n.ci_hi,
            colour: if n.layer == "infrastructure" {
                infrastructure
            } else {
                platform
            },
            text: measure.words(n.expected_damage, &r.currency),
        })
        .collect();
    let mut notes = vec![format!(
        "Each node fails alone, timed like event {}.",
        r.timed_like
    )];
    if r.nodes.len() > 15 {
        notes.push(format!(
            "Top 15 of {} nodes; rank.csv has all.",
            r.nodes.len()
        ));
    }
    IntervalBars {
        name: "rank",
        title: "Single points of failure".to_string(),
        caption: format!(
            "Expected {} when each node fails alone for the duration of the scenario's event, \
             most damaging first; whiskers are 95 % confidence intervals over {} replications.",
            measure.title.to_lowercase(),
            r.replications
        ),
        measure,
        currency: r.currency.clone(),
        rows,
        legend: vec![
            (Swatch::Fill(infrastructure), "Infrastructure".to_string()),
            (Swatch::Fill(platform), "Platform".to_string()),
            (
                Swatch::Line(palette::INK),
                "95 % confidence interval".to_string(),
            ),
        ],
        notes,
    }
}

fn rank_section(r: &RankFile, saved: &Saved) -> Markup {
    let measure = Measure::of(&r.metric, None);
    let words = |x: f64| measure.words(x, &r.currency);
    html! {
        section id="rank" {
            h2 { "Single points of failure" }
            p {
                "Each node of the dependency graph failed alone, over the same hours as event "
                code { (r.timed_like) } " in each replication; nodes ranked by expected "
                (measure.title.to_lowercase()) " (" (r.scenario) ")."
            }
            (figure_markup(saved))
            table {
                thead {
                    tr {
                        th { "Rank and node" } th { "Kind" } th.num { "Expected damage" }
                        th.num { "95\u{a0}% CI" }
                    }
                }
                tbody {
                    @for n in &r.nodes {
                        tr {
                            td title=(n.node) { (n.rank) ". " (n.name) }
                            td { (n.kind) }
                            td.num { (words(n.expected_damage)) }
                            td.num { (words(n.ci_lo)) " to " (words(n.ci_hi)) }
                        }
                    }
                }
            }
            h3 { "Concentration by service" }
            p.note {
                "A platform's share is the share of people whose first platform channel it is, \
                 among people with any; HHI = 10\u{a0}000 × Σ share² (10\u{a0}000 is a monopoly, \
                 10\u{a0}000/n for n equal platforms). No alternative: share of the whole \
                 population with exactly one platform channel for the service and no offline \
                 channel open to them (an offline channel counts whatever its success)."
            }
            table {
                thead {
                    tr {
                        th { "Service" } th.num { "HHI platforms" } th.num { "HHI owners" }
                        th.num { "No alternative" }
                    }
                }
                tbody {
                    @for c in &r.concentration {
                        tr {
                            td { (c.service) }
                            td.num { (format!("{:.0}", c.hhi_platforms)) }
                            td.num { (format!("{:.0}", c.hhi_owners)) }
                            td.num { (format::share(c.no_alternative_share)) }
                        }
                    }
                }
            }
        }
    }
}

/// Reads the rows of the plotted metric from `sweep.csv`: x is the first path's value (its
/// position among the distinct values, named on the axis, when one is not a number), lines are
/// the other paths' values; a Latin hypercube keeps every path's value of each point.
fn sweep_figure(path: &Path, meta: &SweepMeta) -> Result<Sweep, ReportError> {
    let csv_error = |message: String| ReportError::Csv {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(e.to_string()))?;
    let dims = meta.paths.len();
    let mut rows: Vec<(Vec<String>, f64, f64, f64)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(e.to_string()))?;
        if record.get(dims) != Some(meta.metric.as_str()) {
            continue;
        }
        let number = |i: usize| -> Result<f64, ReportError> {
            record
                .get(i)
                .and_then(|s| s.parse::<f64>().ok())
                .ok_or_else(|| csv_error(format!("column {} of a row is not a number", i + 1)))
        };
        let values = (0..dims)
            .map(|i| record.get(i).unwrap_or_default().to_string())
            .collect();
        rows.push((
            values,
            number(dims + 1)?,
            number(dims + 2)?,
            number(dims + 3)?,
        ));
    }
    let numeric = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite());
    if meta.design == "lhs" {
        let design = rows
            .into_iter()
            .map(|(values, mean, p05, p95)| {
                let xs = values
                    .iter()
                    .map(|v| numeric(v).unwrap_or(f64::NAN))
                    .collect();
                (xs, mean, p05, p95)
            })
            .collect();
        return Ok(Sweep {
            metric: meta.metric.clone(),
            currency: meta.currency.clone(),
            paths: meta.paths.clone(),
            categories: None,
            groups: Vec::new(),
            design,
            scenario: meta.scenario.clone(),
        });
    }
    let all_numbers = rows
        .iter()
        .all(|(v, ..)| v.first().is_some_and(|x| numeric(x).is_some()));
    let mut categories: Vec<String> = Vec::new();
    let mut groups: Vec<(Vec<String>, Vec<Point>)> = Vec::new();
    for (values, mean, p05, p95) in rows {
        let first = values.first().cloned().unwrap_or_default();
        let x = match numeric(&first).filter(|_| all_numbers) {
            Some(x) => x,
            None => match categories.iter().position(|c| *c == first) {
                Some(i) => i as f64,
                None => {
                    categories.push(first);
                    (categories.len() - 1) as f64
                }
            },
        };
        let others = values.get(1..).unwrap_or_default().to_vec();
        let point = (x, mean, p05, p95);
        match groups.iter_mut().find(|(l, _)| *l == others) {
            Some((_, points)) => points.push(point),
            None => groups.push((others, vec![point])),
        }
    }
    for (_, points) in &mut groups {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(Sweep {
        metric: meta.metric.clone(),
        currency: meta.currency.clone(),
        paths: meta.paths.clone(),
        categories: (!all_numbers).then_some(categories),
        groups,
        design: Vec::new(),
        scenario: meta.scenario.clone(),
    })
}

/// Draws the analyses of a folder that holds no run (so no page): the figures only.
pub(crate) fn figures_only(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let plots = dir.join("plots");
    fs::create_dir_all(&plots).map_err(|source| ReportError::Io {
        path: plots.clone(),
        source,
    })?;
    let mut files = Vec::new();
    let sections = render(dir, &plots, &mut files)?;
    // An annual or a sensitivity study's folder has no run, but a page of its own.
    let title = if dir.join("annual.json").exists() {
        Some("concrisk annual risk")
    } else if dir.join("sensitivity.json").exists() {
        Some("concrisk sensitivity")
    } else {
        None
    };
    if let Some(title) = title {
        let page = dir.join("report.html");
        super::write_whole(&page, super::html::plain_page(title, &sections).as_bytes())?;
        files.push(page);
    }
    Ok(files)
}
