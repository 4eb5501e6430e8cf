//! `annual`: how often events come and what that costs a year. Each rated event's table is
//! simulated alone on the scenario's world, N years are drawn from the tables, and the folder
//! gets `years.csv`, `events.csv`, `annual.json`, its figure and report page; with variants,
//! each is simulated on the same years, occurrences and rows (common random numbers) and
//! weighed in `benefit_cost.csv`.

use std::path::PathBuf;

use super::error::{StudyError, input, other};
use super::folder::{self, Page};
use super::{Study, memory, setup};
use crate::annual::export::{self, AnnualFile, EventRate, Files, MetricCurves, UncertainRate};
use crate::annual::{
    BOOTSTRAP, BenefitCost, EventTable, RateDraws, Years, averted, curves, table, weigh,
};
use crate::policy::PolicyError;
use crate::results::metrics::{self, Column};
use crate::scenario::{Document, Event, FORMAT_DOC, Scenario, Uncertain};
use crate::simulation::Progress;
use crate::uncertainty::design;
use crate::world::World;

/// Years simulated when `--years` is not given.
pub const DEFAULT_YEARS: u32 = 10_000;

/// The most years one study simulates.
pub const MAX_YEARS: u32 = 1_000_000;

/// An annual study.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualRequest {
    /// The scenario, the command line's edits, threads and output folder; `[run] replications`
    /// is the number of occurrences simulated per rated event.
    pub study: Study,
    /// Years to simulate (1 to [`MAX_YEARS`]).
    pub years: u32,
    /// Variants to weigh against the baseline, by name; none for the baseline alone.
    pub variants: Vec<String>,
}

/// What a finished annual study wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualResult {
    /// `annual.json`, as written.
    pub annual: AnnualFile,
    /// `benefit_cost.csv`'s rows (empty without variants).
    pub benefit_cost: Vec<BenefitCost>,
    /// The output folder.
    pub out: PathBuf,
}

/// The metrics a year can add up: counts, person-hours and money (shares and levels are not
/// summed over occurrences).
fn additive(scenario: &Scenario) -> Vec<Column> {
    metrics::columns(scenario)
        .into_iter()
        .filter(|c| !c.family.unit.is_fraction())
        .collect()
}

fn rated(scenario: &Scenario) -> Vec<Event> {
    scenario
        .events
        .iter()
        .filter(|e| e.rate_per_year.is_some())
        .cloned()
        .collect()
}

/// Runs the annual study of `request` and writes its folder.
///
/// # Errors
/// [`StudyError::Input`] for a bad file or value, a file without a rated event, a bad number of
/// years, an unknown variant, a variant without `cost` or a file without `[economics]` when
/// variants are weighed, or a study that does not fit in memory; [`StudyError::Other`] when the
/// folder cannot be written.
pub fn annual(
    request: &AnnualRequest,
    progress: &dyn Progress,
) -> Result<AnnualResult, StudyError> {
    let study = &request.study;
    let text = setup::text(&study.source)?;
    let file = &text.file;
    let document = Document::parse(&text.text, file).map_err(input)?;
    let edits = &study.edits;
    let baseline = document.scenario(edits).map_err(input)?;
    let events = rated(&baseline);
    if events.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{file}: annual: no [[events]] has rate_per_year\n  help: give each event you want in the years its occurrences per year, e.g. rate_per_year = 0.4 ({FORMAT_DOC})"
        )));
    }
    if !(1..=MAX_YEARS).contains(&request.years) {
        return Err(input(anyhow::anyhow!(
            "{file}: --years {}: give between 1 and {MAX_YEARS} years\n  help: 10000 years read the 1-in-1000-year loss from 10 years each",
            request.years
        )));
    }
    let known: Vec<String> = document.variants().map(|v| v.name.clone()).collect();
    let mut variants = Vec::new();
    for name in &request.variants {
        if !known.contains(name) {
            return Err(input(anyhow::anyhow!(
                "{file}: --variants: no variant named \"{name}\"\n  help: use one of: {}",
                if known.is_empty() {
                    "(the file declares none)".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        let Some(cost) = document.cost(name) else {
            return Err(input(anyhow::anyhow!(
                "{file}: variant \"{name}\" has no cost\n  help: add cost = {{ upfront = …, per_year = … }} to its [[variants]] table ({FORMAT_DOC})"
            )));
        };
        let Some(economics) = baseline.economics else {
            return Err(input(anyhow::anyhow!(
                "{file}: annual --variants needs [economics]\n  help: add [economics] with discount_rate = 0.045 and horizon_years = 20 ({FORMAT_DOC})"
            )));
        };
        if cost.present_value(&economics) <= 0.0 {
            return Err(input(anyhow::anyhow!(
                "{file}: variant \"{name}\": its cost is 0, so it has no benefit–cost ratio\n  help: give what the measure costs, upfront or per year"
            )));
        }
        let scenario = document.variant(Some(name), edits).map_err(input)?;
        let ids = |s: &Scenario| rated(s).into_iter().map(|e| e.id).collect::<Vec<_>>();
        if ids(&scenario) != ids(&baseline) {
            return Err(input(anyhow::anyhow!(
                "{file}: variant \"{name}\" rates other events than the baseline ({} against {})\n  help: a variant may change a rate, not which events have one",
                ids(&scenario).join(", "),
                ids(&baseline).join(", ")
            )));
        }
        variants.push((name.clone(), scenario, cost, economics));
    }
    let out = folder::claim(&study.out)?;
    let (pool, threads) = setup::pool(study.threads)?;
    let held: Vec<&Scenario> = std::iter::once(&baseline)
        .chain(variants.iter().map(|v| &v.1).take(1))
        .collect();
    memory::ensure_fits(&document, edits, &held, threads)?;
    let columns = additive(&baseline);
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let headline = metrics::headline(&baseline);
    let weighed = names
        .iter()
        .position(|n| n == "economic_loss.total")
        .or_else(|| names.iter().position(|n| *n == headline))
        .unwrap_or(0);
    let (seed, rows, years) = (baseline.run.seed, baseline.run.replications, request.years);
    let runs = 1 + variants.len() as u64;
    progress.begin(
        u64::from(rows) * events.len() as u64 * runs,
        baseline.run.agents,
    );
    // Each rated event's uncertain rate, drawn once: its source and one draw per replicate.
    let drawn: Vec<Option<(String, Vec<f64>)>> = events
        .iter()
        .map(|e| uncertain_rate(&baseline, e).map(|u| (u.source.clone(), rate_draws_of(seed, u))))
        .collect();
    let annual_file = AnnualFile {
        scenario: baseline.meta.name.clone(),
        file: file.clone(),
        seed,
        years: u64::from(years),
        occurrences_per_event: u64::from(rows),
        agents: baseline.run.agents,
        currency: baseline.meta.currency.clone(),
        bootstrap: crate::annual::BOOTSTRAP,
        events: events
            .iter()
            .zip(&drawn)
            .map(|(e, drawn)| EventRate {
                id: e.id.clone(),
                name: e.name.clone(),
                rate_per_year: e.rate_per_year.unwrap_or(0.0),
                uncertain: drawn.as_ref().map(|(source, rates)| {
                    let mut sorted = rates.clone();
                    sorted.sort_unstable_by(f64::total_cmp);
                    UncertainRate {
                        lo: crate::results::quantile(&sorted, 0.025),
                        hi: crate::results::quantile(&sorted, 0.975),
                        source: source.clone(),
                    }
                }),
            })
            .collect(),
        metrics: Default::default(),
        headline_metric: names.get(weighed).cloned().unwrap_or_default(),
        held_central: baseline
            .uncertain
            .iter()
            .filter(|u| !events.iter().any(|e| rate_path(e) == u.path))
            .map(|u| u.path.clone())
            .collect(),
    };
    let rates = rate_draws(&events, &drawn);
    let done = pool.install(|| {
        let (base_tables, base_years) = simulate(baseline, &columns, years, progress)?;
        let mut rows_out = Vec::new();
        for (name, scenario, cost, economics) in variants {
            let (tables, years) = simulate(scenario, &columns, request.years, progress)?;
            let a = averted(
                seed,
                (&base_tables, &base_years),
                (&tables, &years),
                weighed,
                &rates,
            );
            rows_out.push(weigh(&name, a, &cost, &economics));
        }
        let curves = curves(seed, &base_tables, &base_years, columns.len(), &rates);
        Ok::<_, StudyError>((base_tables, base_years, curves, rows_out))
    });
    progress.end();
    let (tables, years_drawn, curves, benefit_cost) = done?;
    let mut annual_file = annual_file;
    annual_file.metrics = columns
        .iter()
        .zip(&curves)
        .map(|(c, curves)| (c.name.clone(), MetricCurves::of(c.family.unit, curves)))
        .collect();
    folder::write(out, Page::Analyses, |dir| {
        export::write(
            dir,
            &Files {
                annual: &annual_file,
                metrics: &names,
                tables: &tables,
                years: &years_drawn,
                benefit_cost: &benefit_cost,
            },
        )
        .map_err(other)
    })?;
    Ok(AnnualResult {
        annual: annual_file,
        benefit_cost,
        out: study.out.clone(),
    })
}

/// Builds `scenario`'s world, simulates the tables of its rated events and draws `years` years.
fn simulate(
    scenario: Scenario,
    columns: &[Column],
    years: u32,
    progress: &dyn Progress,
) -> Result<(Vec<EventTable>, Years), StudyError> {
    let events = rated(&scenario);
    let (rows, seed) = (scenario.run.replications, scenario.run.seed);
    let mut world = World::build_observed(scenario, progress)
        .map_err(|e| StudyError::from(PolicyError::from(e)))?;
    let tables = table::simulate(&mut world, &events, columns, rows, progress);
    let rates: Vec<(&str, f64)> = tables.iter().map(|t| (t.id.as_str(), t.rate)).collect();
    let drawn = Years::draw(seed, &rates, years, rows);
    Ok((tables, drawn))
}

/// The edit path of an event's rate.
fn rate_path(event: &Event) -> String {
    format!("events.{}.rate_per_year", event.id)
}

/// The `[[uncertain]]` entry of `event`'s rate, if any.
fn uncertain_rate<'a>(scenario: &'a Scenario, event: &Event) -> Option<&'a Uncertain> {
    let path = rate_path(event);
    scenario.uncertain.iter().find(|u| u.path == path)
}

/// One draw of an uncertain rate per bootstrap replicate: a Latin-hypercube column keyed by the
/// rate's path, through the distribution's quantiles.
fn rate_draws_of(seed: u64, uncertain: &Uncertain) -> Vec<f64> {
    design::column(seed, &uncertain.path, BOOTSTRAP as usize)
        .into_iter()
        .map(|u| uncertain.distribution.quantile(u))
        .collect()
}

/// Each bootstrap replicate's factors on the rates written in the file: the replicate's draw
/// (`drawn[e]`, per rated event) over the central rate for an uncertain one, 1 for the rest;
/// certain when none is uncertain. A variant's rates take the same factors (a measure that
/// halves a rate halves every draw).
fn rate_draws(events: &[Event], drawn: &[Option<(String, Vec<f64>)>]) -> RateDraws {
    let mut factors = vec![vec![1.0; events.len()]; BOOTSTRAP as usize];
    let mut any = false;
    for (e, (event, drawn)) in events.iter().zip(drawn).enumerate() {
        let (Some((_, rates)), Some(central)) = (drawn, event.rate_per_year) else {
            continue;
        };
        if central <= 0.0 {
            continue;
        }
        for (row, rate) in factors.iter_mut().zip(rates) {
            row[e] = rate / central;
        }
        any = true;
    }
    if any {
        RateDraws::new(factors)
    } else {
        RateDraws::certain()
    }
}
