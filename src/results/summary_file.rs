//! The serde shape of `summary.json` (SCENARIO-SPEC section 3, plus what a report needs to stand
//! alone: the scenario's description, sources, graph and events).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{RunResults, Stats};
use crate::scenario::{Layer, Requirement};

#[derive(Serialize)]
pub struct SummaryFile<'a> {
    scenario: &'a str,
    description: &'a str,
    region: &'a str,
    currency: &'a str,
    value_of_time_per_hour: f64,
    sources: &'a [String],
    file: &'a str,
    variant: Option<&'a str>,
    seed: u64,
    replications: usize,
    agents: u64,
    population: u64,
    scale: f64,
    horizon_hours: f64,
    step_minutes: f64,
    start_hour: f64,
    version: &'static str,
    command: &'a str,
    headline_metric: &'static str,
    segments: Vec<SegmentEntry<'a>>,
    services: Vec<ServiceEntry<'a>>,
    nodes: Vec<NodeEntry<'a>>,
    events: Vec<EventEntry<'a>>,
    metrics: BTreeMap<&'a str, Stats>,
    timeseries: Timeseries<'a>,
}

#[derive(Serialize)]
struct SegmentEntry<'a> {
    id: &'a str,
    name: &'a str,
    share: f64,
}

#[derive(Serialize)]
struct ServiceEntry<'a> {
    id: &'a str,
    name: &'a str,
    value_per_unmet: f64,
    deferrable_hours: f64,
    pairwise: bool,
}

#[derive(Serialize)]
struct GroupEntry<'a> {
    any_of: Vec<&'a str>,
    need: usize,
}

#[derive(Serialize)]
struct NodeEntry<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    owner: &'a str,
    layer: &'static str,
    depends_on: Vec<&'a str>,
    groups: Vec<GroupEntry<'a>>,
    failed_by_events: bool,
}

#[derive(Serialize)]
struct EventEntry<'a> {
    id: &'a str,
    name: &'a str,
    fails: Vec<&'a str>,
    probability: f64,
    at_hour_mean: f64,
    duration_hours_mean: f64,
}

#[derive(Serialize)]
struct Timeseries<'a> {
    hours: &'a [f64],
    series: BTreeMap<&'a str, BandEntry<'a>>,
}

#[derive(Serialize)]
struct BandEntry<'a> {
    mean: &'a [f64],
    p05: &'a [f64],
    p95: &'a [f64],
}

impl<'a> SummaryFile<'a> {
    pub fn new(results: &'a RunResults<'a>) -> SummaryFile<'a> {
        let scenario = &results.world.scenario;
        let id = |node: usize| scenario.nodes[node].id.as_str();
        let failed: Vec<bool> = (0..scenario.nodes.len())
            .map(|n| scenario.events.iter().any(|e| e.fails.contains(&n)))
            .collect();
        SummaryFile {
            scenario: &scenario.meta.name,
            description: &scenario.meta.description,
            region: &scenario.meta.region,
            currency: &scenario.meta.currency,
            value_of_time_per_hour: scenario.meta.value_of_time_per_hour,
            sources: &scenario.meta.sources,
            file: &scenario.file,
            variant: results.info.variant.as_deref(),
            seed: scenario.run.seed,
            replications: results.values.len(),
            agents: scenario.run.agents,
            population: scenario.population,
            scale: scenario.scale(),
            horizon_hours: scenario.run.horizon_hours,
            step_minutes: scenario.run.step_minutes,
            start_hour: scenario.run.start_hour,
            version: env!("CARGO_PKG_VERSION"),
            command: &results.info.command,
            headline_metric: super::metrics::headline(scenario),
            segments: scenario
                .segments
                .iter()
                .map(|s| SegmentEntry {
                    id: &s.id,
                    name: &s.name,
                    share: s.share,
                })
                .collect(),
            services: scenario
                .services
                .iter()
                .map(|s| ServiceEntry {
                    id: &s.id,
                    name: &s.name,
                    value_per_unmet: s.value_per_unmet,
                    deferrable_hours: s.deferrable_hours,
                    pairwise: s.pairwise,
                })
                .collect(),
            nodes: scenario
                .nodes
                .iter()
                .enumerate()
                .map(|(n, node)| NodeEntry {
                    id: &node.id,
                    name: &node.name,
                    kind: &node.kind,
                    owner: &node.owner,
                    layer: match node.layer {
                        Layer::Infrastructure => "infrastructure",
                        Layer::Platform => "platform",
                    },
                    depends_on: node
                        .requires
                        .iter()
                        .filter_map(|r| {
                            if let Requirement::Node(d) = r {
                                Some(id(*d))
                            } else {
                                None
                            }
                        })
                        .collect(),
                    groups: node
                        .requires
                        .iter()
                        .filter_map(|r| {
                            if let Requirement::Group(g) = r {
                                Some(GroupEntry {
                                    any_of: g.members.iter().map(|&m| id(m)).collect(),
                                    need: g.need,
                                })
                            } else {
                                None
                            }
                        })
                        .collect(),
                    failed_by_events: failed[n],
                })
                .collect(),
            events: scenario
                .events
                .iter()
                .map(|e| EventEntry {
                    id: &e.id,
                    name: &e.name,
                    fails: e.fails.iter().map(|&n| id(n)).collect(),
                    probability: e.probability,
                    at_hour_mean: e.at_hour.mean(),
                    duration_hours_mean: e.duration_hours.mean(),
                })
                .collect(),
            metrics: results
                .metric_names
                .iter()
                .map(String::as_str)
                .zip(results.summaries.iter().copied())
                .collect(),
            timeseries: Timeseries {
                hours: &results.hours,
                series: results
                    .series_names
                    .iter()
                    .zip(&results.bands)
                    .map(|(name, band)| {
                        (
                            name.as_str(),
                            BandEntry {
                                mean: &band.mean,
                                p05: &band.p05,
                                p95: &band.p95,
                            },
                        )
                    })
                    .collect(),
            },
        }
    }
}
