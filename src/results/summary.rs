//! `summary.json`: one type that the run writes and the report reads (SCENARIO-SPEC section 3,
//! plus what a report needs to stand alone: the scenario's description, sources, graph and
//! events, and each metric's and series' unit from the registry).
//!
//! Fields that older or hand-edited summaries may lack have defaults, so that a report can still
//! be drawn from them; the ones without which nothing sensible can be said are required, and
//! reading a summary that lacks one fails naming it. Unknown fields are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::registry::{ECONOMIC_LOSS, PERSON_HOURS_CUT_OFF, Unit};
use super::{RunResults, Stats};
use crate::scenario::{Layer, Requirement};

/// The whole of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The scenario's name (`[scenario] name`).
    pub scenario: String,
    /// The scenario's description, in prose.
    #[serde(default)]
    pub description: String,
    /// Where the scenario happens.
    #[serde(default)]
    pub region: String,
    /// The currency of every money metric.
    #[serde(default)]
    pub currency: String,
    /// Money per person-hour lost on fallbacks.
    #[serde(default)]
    pub value_of_time_per_hour: f64,
    /// The scenario's sources, one entry each.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The scenario file, as the user named it.
    pub file: String,
    /// The `[[variants]]` name run, if not the baseline.
    #[serde(default)]
    pub variant: Option<String>,
    /// The master seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u64,
    /// Agents simulated.
    pub agents: u64,
    /// Real people the agents stand for.
    pub population: u64,
    /// Real people per agent.
    pub scale: f64,
    /// Simulated hours.
    pub horizon_hours: f64,
    /// Length of one output step of the time series, in minutes.
    #[serde(default = "default_step_minutes")]
    pub step_minutes: f64,
    /// Clock hour at hour 0 of the run.
    #[serde(default)]
    pub start_hour: f64,
    /// The local date and time of hour 0, RFC 3339 with its offset (`[run] start`); `null`
    /// when the scenario gives none.
    #[serde(default)]
    pub start: Option<String>,
    /// The concrisk version that wrote the file.
    pub version: String,
    /// The command that reproduces the run.
    #[serde(default)]
    pub command: Option<String>,
    /// The metric the report and the terminal lead with.
    #[serde(default)]
    pub headline_metric: Option<String>,
    /// The population segments.
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// The services people need.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The dependency graph's nodes, infrastructure then platforms.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The scenario's events, with the means of their timing.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Statistics of every metric over the replications, by name.
    pub metrics: BTreeMap<String, Metric>,
    /// The per-step bands of every time series.
    #[serde(default)]
    pub timeseries: Timeseries,
    /// How far the numbers can be trusted (`kind`: `horizon`, `replications`, `few_agents`).
    #[serde(default)]
    pub warnings: Vec<super::warnings::Warning>,
    /// Every person-hours metric per person of the people it is about (the population, or a
    /// segment's people), by metric name.
    #[serde(default)]
    pub per_person: BTreeMap<String, super::per_person::PerPerson>,
    /// Hours per person who lost it: each `person_hours_cut_off` metric of a service or of the
    /// union, and their breakdowns, over the people ever cut off (`people` is their mean), by
    /// metric name; a ratio of means (see `results/per_person.rs`).
    #[serde(default)]
    pub per_person_cut_off: BTreeMap<String, super::per_person::PerPerson>,
}

fn default_step_minutes() -> f64 {
    60.0
}

/// A population segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The segment's id.
    pub id: String,
    /// Display name (empty: use the id).
    #[serde(default)]
    pub name: String,
    /// Share of the population.
    #[serde(default)]
    pub share: f64,
}

/// A service people need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The service's id.
    pub id: String,
    /// Display name (empty: use the id).
    #[serde(default)]
    pub name: String,
    /// Money lost per unmet need.
    #[serde(default)]
    pub value_per_unmet: f64,
    /// Hours an unmet need can wait.
    #[serde(default)]
    pub deferrable_hours: f64,
    /// Whether a need is between two contacts.
    #[serde(default)]
    pub pairwise: bool,
}

/// A redundancy group: the node needs `need` of `any_of` up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Ids of the members.
    pub any_of: Vec<String>,
    /// How many members must be up.
    #[serde(default = "one")]
    pub need: u64,
    /// Whether it is a `{ primary, standby }` group: `any_of` is the primary then its standby,
    /// which serves only after the primary fails.
    #[serde(default)]
    pub standby: bool,
}

fn one() -> u64 {
    1
}

/// A node of the dependency graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// Display name (empty: use the id).
    #[serde(default)]
    pub name: String,
    /// Free-text kind.
    #[serde(default)]
    pub kind: String,
    /// Who owns it.
    #[serde(default)]
    pub owner: String,
    /// `infrastructure` or `platform`.
    #[serde(default)]
    pub layer: String,
    /// Ids of the nodes it needs, each alone.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Redundancy groups it needs.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Whether some event fails it directly.
    #[serde(default)]
    pub failed_by_events: bool,
    /// When it was back at full capacity, over the replications in which it dropped; `null`
    /// when it never dropped.
    #[serde(default)]
    pub recovery: Option<super::recovery::Recovery>,
}

/// An event of the scenario, with the means of its timing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event's id.
    pub id: String,
    /// Display name (empty: use the id).
    #[serde(default)]
    pub name: String,
    /// Ids of the nodes it holds down.
    #[serde(default)]
    pub fails: Vec<String>,
    /// Probability that it happens in a replication.
    #[serde(default = "certain")]
    pub probability: f64,
    /// Mean start hour.
    #[serde(default)]
    pub at_hour_mean: f64,
    /// Mean duration in hours.
    #[serde(default)]
    pub duration_hours_mean: f64,
}

fn certain() -> f64 {
    1.0
}

/// One metric: its unit (from the registry) and its statistics over the replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// Absent in summaries written before units were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Mean, spread and quantiles over the replications (over the input samples and the
    /// replications together in a run with `[[uncertain]]` inputs).
    #[serde(flatten)]
    pub stats: Stats,
    /// The share of the variance between input samples (one-way random-effects ANOVA; sums to
    /// 1 with `noise_share`, both 0 when the metric does not vary). Absent without
    /// `[[uncertain]]`, with `run --central`, or with fewer than 2 samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_share: Option<f64>,
    /// The share of the variance within input samples: the replications' noise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_share: Option<f64>,
    /// In a run over `[[uncertain]]` inputs, the same statistics in the central run (every
    /// input as written, the same replications' streams): the band chance alone gives, beside
    /// the band with the inputs. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<Stats>,
}

/// The per-step bands of every time series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeseries {
    /// Start of each step, in hours since the start of the run.
    pub hours: Vec<f64>,
    /// Each series' band, by series name.
    pub series: BTreeMap<String, Band>,
    /// In a run over `[[uncertain]]` inputs, each series' band in the central run (every input
    /// as written, the same replications' streams), so that a reader sees how much of the band
    /// the inputs make; absent otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub central: BTreeMap<String, Band>,
}

/// Mean and 5th–95th percentile band of one time series, by step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Absent in summaries written before units were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Mean over the replications, by step.
    pub mean: Vec<f64>,
    /// 5th percentile, by step.
    pub p05: Vec<f64>,
    /// 95th percentile, by step.
    pub p95: Vec<f64>,
}

/// Why `summary.json` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The text is not JSON (the message gives line and column).
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// A field is missing or of the wrong type.
    #[error("field `{field}`: {message}")]
    Field {
        /// Where in the document, e.g. `metrics.unmet_needs.total.mean` (`.` for the document).
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Summary {
    /// The summary of a run.
    pub fn of(results: &RunResults<'_>) -> Summary {
        let scenario = &results.world.scenario;
        let id = |node: usize| scenario.nodes[node].id.clone();
        let mut summary = Summary {
            scenario: scenario.meta.name.clone(),
            description: scenario.meta.description.clone(),
            region: scenario.meta.region.clone(),
            currency: scenario.meta.currency.clone(),
            value_of_time_per_hour: scenario.meta.value_of_time_per_hour,
            sources: scenario.meta.sources.clone(),
            file: scenario.file.clone(),
            variant: results.info.variant.clone(),
            seed: scenario.run.seed,
            replications: results.values.len() as u64,
            agents: scenario.run.agents,
            population: scenario.population,
            scale: scenario.scale(),
            horizon_hours: scenario.run.horizon_hours,
            step_minutes: scenario.run.step_minutes,
            start_hour: scenario.run.start_hour,
            start: scenario.run.start_text(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: Some(results.info.command.clone()),
            headline_metric: Some(super::metrics::headline(scenario)),
            segments: scenario
                .segments
                .iter()
                .map(|s| Segment {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    share: s.share,
                })
                .collect(),
            services: scenario
                .services
                .iter()
                .map(|s| Service {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    value_per_unmet: s.value_per_unmet,
                    deferrable_hours: s.deferrable_hours,
                    pairwise: s.pairwise,
                })
                .collect(),
            nodes: scenario
                .nodes
                .iter()
                .enumerate()
                .map(|(n, node)| Node {
                    id: node.id.clone(),
                    name: node.name.clone(),
                    kind: node.kind.clone(),
                    owner: node.owner.clone(),
                    layer: match node.layer {
                        Layer::Infrastructure => "infrastructure",
                        Layer::Platform => "platform",
                    }
                    .to_string(),
                    depends_on: node
                        .requires
                        .iter()
                        .filter_map(|r| match r {
                            Requirement::Node(d) => Some(id(*d)),
                            Requirement::Group(_) => None,
                        })
                        .collect(),
                    groups: node
                        .requires
                        .iter()
                        .filter_map(|r| match r {
                            Requirement::Group(g) => Some(Group {
                                any_of: g.members.iter().map(|&m| id(m)).collect(),
                                need: g.need as u64,
                                standby: g.mode == crate::scenario::GroupMode::Standby,
                            }),
                            Requirement::Node(_) => None,
                        })
                        .collect(),
                    failed_by_events: scenario.events.iter().any(|e| e.fails.contains(&n)),
                    recovery: results.recovery.get(n).copied().flatten(),
                })
                .collect(),
            events: scenario
                .events
                .iter()
                .map(|e| Event {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    fails: e.fails.iter().map(|&n| id(n)).collect(),
                    probability: e.probability,
                    at_hour_mean: e.at_hour.mean(),
                    duration_hours_mean: e.duration_hours.mean(),
                })
                .collect(),
            metrics: results
                .columns
                .iter()
                .zip(&results.summaries)
                .zip(&results.shares)
                .enumerate()
                .map(|(m, ((column, stats), shares))| {
                    (
                        column.name.clone(),
                        Metric {
                            unit: Some(column.family.unit),
                            stats: *stats,
                            input_share: shares.map(|s| s.input),
                            noise_share: shares.map(|s| s.noise),
                            central: results.central_summaries.get(m).copied(),
                        },
                    )
                })
                .collect(),
            timeseries: Timeseries {
                hours: results.hours.clone(),
                series: results
                    .series
                    .iter()
                    .zip(&results.bands)
                    .map(|(series, band)| (series.name.clone(), band.clone()))
                    .collect(),
                central: results
                    .series
                    .iter()
                    .zip(&results.central_bands)
                    .map(|(series, band)| (series.name.clone(), band.clone()))
                    .collect(),
            },
            warnings: results.warnings.clone(),
            per_person: BTreeMap::new(),
            per_person_cut_off: super::per_person::who_lost_it(
                &results.metric_names,
                &results.values,
            ),
        };
        let segments = &summary.segments;
        summary.per_person = super::per_person::of(
            summary.metrics.iter().map(|(k, m)| (k, m.unit, &m.stats)),
            |id| segments.iter().find(|g| g.id == id).map(|g| g.share),
            summary.population,
        );
        summary
    }

    /// The text of `summary.json`: pretty-printed, with a final newline.
    ///
    /// # Errors
    /// When serde_json cannot encode it (it always can: every key is a string).
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads the text of a `summary.json`.
    ///
    /// # Errors
    /// [`ReadError::Syntax`] for text that is not JSON, [`ReadError::Field`] for a missing field or
    /// one of the wrong type, named by its path.
    pub fn from_json(text: &str) -> Result<Summary, ReadError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return ReadError::Syntax(inner.to_string());
            }
            // A missing field is reported by serde at its parent; name the field itself so the
            // message points at what to add.
            let message = inner.to_string();
            let field = match missing_field(&message) {
                Some(name) if field == "." => name.to_string(),
                Some(name) => format!("{field}.{name}"),
                None => field,
            };
            ReadError::Field { field, message }
        })
    }

    /// The metric the page leads with: the run names it; a summary that does not falls back to
    /// the rule the run uses (money when the scenario values damage in money).
    pub fn headline(&self) -> String {
        if let Some(h) = &self.headline_metric {
            return h.clone();
        }
        let money = self.value_of_time_per_hour > 0.0
            || self.services.iter().any(|s| s.value_per_unmet > 0.0);
        let family = if money {
            &ECONOMIC_LOSS
        } else {
            &PERSON_HOURS_CUT_OFF
        };
        format!("{}.total", family.name)
    }
}

/// The field name in serde's "missing field `x` at line .." message.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The name to show: the scenario's name, or the id when it gave none.
fn shown<'a>(name: &'a str, id: &'a str) -> &'a str {
    if name.is_empty() { id } else { name }
}

impl Segment {
    /// The segment's name, or its id when the file gave none.
    pub fn display_name(&self) -> &str {
        shown(&self.name, &self.id)
    }
}

impl Service {
    /// The service's name, or its id when the file gave none.
    pub fn display_name(&self) -> &str {
        shown(&self.name, &self.id)
    }
}

impl Node {
    /// The node's name, or its id when the file gave none.
    pub fn display_name(&self) -> &str {
        shown(&self.name, &self.id)
    }
}

impl Event {
    /// The event's name, or its id when the file gave none.
    pub fn display_name(&self) -> &str {
        shown(&self.name, &self.id)
    }
}
