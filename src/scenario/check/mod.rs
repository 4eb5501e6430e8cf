//! The checks serde cannot make, section by section: ranges and sums, ids resolved to indices,
//! cross-references, the dependency graph and its cycles, and whether the contact graph asked
//! for can be drawn on the agents simulated, and whether each `[[uncertain]]` input's range fits
//! its field. Each check records its problem and goes on, so that
//! one pass finds every problem of a file; the [`Scenario`] is built only when there is none.

mod adoption;
mod behaviour;
mod bounds;
mod checker;
mod economics;
mod events;
mod nodes;
mod numbers;
mod population;
mod run;
mod services;
mod social;
mod uncertain;

pub use economics::MAX_HORIZON_YEARS;
pub use events::MAX_RATE_PER_YEAR;
pub use nodes::MAX_PLATFORMS;
pub use run::{DEFAULT_MAX_AGENTS, MAX_HORIZON_HOURS, MAX_OUTPUT_STEPS};
pub use social::MAX_PAIRWISE_PLATFORM_CHANNELS;

use toml::Spanned;
use toml::de::DeTable;

use checker::Checker;

use super::error::{FORMAT_DOC, Pending};
use super::model::{Scenario, segment_sizes};
use super::sections;

/// Reads and checks `document` (an edited copy of a file's document).
///
/// # Errors
/// Every problem found, each with the span of the value or table that holds it.
pub(super) fn scenario(
    document: &Spanned<DeTable<'_>>,
    file: &str,
) -> Result<Scenario, Vec<Pending>> {
    let mut pending = Vec::new();
    let (raw, aside) = sections::read(document, &mut pending);
    let mut cx = Checker {
        document,
        aside,
        pending,
    };
    let meta = cx.require("scenario", raw.scenario, "name = \"…\" under [scenario]");
    let meta = meta.and_then(|meta| run::meta(&mut cx, meta));
    let population = cx.require(
        "population",
        raw.population,
        "size = 10000 under [population]",
    );
    let population = population.and_then(|p| population::population(&mut cx, p));
    let run = cx.require("run", raw.run, "horizon_hours = 48 under [run]");
    let run = run.and_then(|r| run::run(&mut cx, r, population.as_ref().map(|p| p.size)));
    let segments = population.as_ref().map(|p| p.segments.as_slice());
    let ids = nodes::NodeIds::of(&mut cx, &raw.infrastructure, &raw.platforms);
    let nodes = nodes::nodes(&mut cx, &raw.infrastructure, &raw.platforms, &ids);
    let dependencies = nodes
        .as_ref()
        .and_then(|nodes| nodes::graph(&mut cx, nodes, &ids));
    let adoption = adoption::rules(&mut cx, &raw.adoption, &ids, segments);
    let services = services::services(&mut cx, &raw.services, &ids, segments);
    let events = events::events(&mut cx, &raw.events, &ids);
    let agents = run
        .as_ref()
        .zip(population.as_ref())
        .map(|(run, population)| {
            let shares: Vec<f64> = population.segments.iter().map(|s| s.share).collect();
            let sizes = segment_sizes(&shares, run.agents);
            let ids = population.segments.iter().map(|s| s.id.clone());
            ids.zip(sizes).collect::<Vec<_>>()
        });
    // `None`: [social] could not be checked (its problem is recorded); `Some(None)`: no [social].
    let social = social::social(&mut cx, raw.social, agents);
    let contacts = social.as_ref().map(Option::as_ref);
    social::pairwise(&mut cx, &raw.services, contacts);
    let switching = behaviour::switching(
        &mut cx,
        raw.behaviour,
        &raw.services,
        &ids,
        nodes.as_deref(),
        contacts,
    );
    // `None`: [economics] could not be checked; `Some(None)`: the file has none.
    let economics = match raw.economics {
        Some(raw) => economics::economics(&mut cx, raw).map(Some),
        None => Some(None),
    };
    let uncertain = uncertain::inputs(&mut cx, &raw.uncertain);
    let built = (|| {
        let population = population?;
        Some(Scenario {
            file: file.to_string(),
            meta: meta?,
            run: run?,
            population: population.size,
            segments: population.segments,
            nodes: nodes?,
            dependencies: dependencies?,
            adoption: adoption?,
            services: services?,
            events: events?,
            social: social?,
            switching: switching?,
            economics: economics?,
            uncertain: uncertain?,
        })
    })();
    if let Some(scenario) = &built {
        bounds::results_stay_finite(&mut cx, scenario);
        if cx.pending.is_empty() {
            uncertain::supports_fit(&mut cx, &scenario.uncertain, file);
        }
    }
    let Checker { pending, .. } = cx;
    if !pending.is_empty() {
        return Err(pending);
    }
    built.ok_or_else(|| {
        vec![Pending::new(
            None,
            "(top level)",
            "the scenario could not be read",
            format!("compare the file with {FORMAT_DOC}"),
        )]
    })
}
