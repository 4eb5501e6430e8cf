//! The checked scenario: every id resolved to an index, every number validated. This is the
//! hand-off from `scenario` to `world`; nothing downstream re-checks user input.

use super::distribution::Distribution;
use super::graph::DependencyGraph;
use super::uncertain::Uncertain;
use crate::contacts::SocialModel;

/// A validated scenario, ready to build a world from.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it was read from, as the user named it.
    pub file: String,
    /// `[scenario]`: name, description, currency, value of time, sources.
    pub meta: Meta,
    /// `[run]`: horizon, replications, seed, agents, step, start hour.
    pub run: RunSettings,
    /// The real population the agents stand for.
    pub population: u64,
    /// `[[population.segments]]` in file order (one segment `all` when the file gives none).
    pub segments: Vec<Segment>,
    /// Infrastructure first, then platforms, each in file order.
    pub nodes: Vec<Node>,
    /// The requirements of `nodes` as a graph, with the order that puts dependencies first.
    pub dependencies: DependencyGraph,
    /// Adoption rules ordered so that a rule's `given` platform is drawn before it.
    pub adoption: Vec<Adoption>,
    /// `[[services]]` in file order.
    pub services: Vec<Service>,
    /// `[[events]]` in file order.
    pub events: Vec<Event>,
    /// The contact graph, needed by pairwise services and switching.
    pub social: Option<Social>,
    /// `[[behaviour.switching]]` rules in file order.
    pub switching: Vec<Switching>,
    /// `[economics]`, when the file has it: how `annual` discounts a variant's benefit and cost.
    pub economics: Option<Economics>,
    /// `[[uncertain]]` inputs in file order (none: every input is as written).
    pub uncertain: Vec<Uncertain>,
}

/// `[economics]`: the discounting of a measure's benefits and costs over its life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Economics {
    /// Yearly discount rate, a share in [0, 1).
    pub discount_rate: f64,
    /// Years over which benefits and per-year costs count (1 to 1000).
    pub horizon_years: u32,
}

impl Economics {
    /// The present value of 1 paid at the end of each year of the horizon:
    /// Σ_{t=1..H} (1 + r)^−t = (1 − (1 + r)^−H) / r, and H when r = 0.
    pub fn annuity(&self) -> f64 {
        let (r, h) = (self.discount_rate, f64::from(self.horizon_years));
        if r == 0.0 {
            h
        } else {
            (1.0 - (1.0 + r).powf(-h)) / r
        }
    }
}

/// A variant's `cost`: what the measure costs, in the scenario's currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariantCost {
    /// Paid once, at the start.
    pub upfront: f64,
    /// Paid at the end of each year of the horizon.
    pub per_year: f64,
}

impl VariantCost {
    /// The present value of the cost under `economics`: upfront + per_year × annuity.
    pub fn present_value(&self, economics: &Economics) -> f64 {
        self.upfront + self.per_year * economics.annuity()
    }
}

/// `[social]`: how the contact graph is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Social {
    /// Which generator, with its own parameters.
    pub model: SocialModelKind,
    /// Mean number of contacts per person.
    pub mean_degree: f64,
}

/// The kind of contact graph, with the parameters only it takes.
#[derive(Debug, Clone, PartialEq)]
pub enum SocialModelKind {
    /// G(n, p): every pair tied with the same probability.
    ErdosRenyi,
    /// A ring lattice whose ties are rewired to random people.
    WattsStrogatz {
        /// Probability that a lattice tie is rewired.
        rewire_probability: f64,
    },
    /// Preferential attachment: a few hubs with many contacts.
    BarabasiAlbert,
    /// Ties within a segment more likely than across segments.
    StochasticBlock {
        /// Share of a person's ties inside their own segment.
        homophily: f64,
    },
}

impl Social {
    /// The generator's description of this contact graph.
    pub fn model(&self) -> SocialModel {
        let mean_degree = self.mean_degree;
        match self.model {
            SocialModelKind::ErdosRenyi => SocialModel::ErdosRenyi { mean_degree },
            SocialModelKind::WattsStrogatz { rewire_probability } => SocialModel::WattsStrogatz {
                mean_degree,
                rewire_probability,
            },
            SocialModelKind::BarabasiAlbert => SocialModel::BarabasiAlbert { mean_degree },
            SocialModelKind::StochasticBlock { homophily } => SocialModel::StochasticBlock {
                mean_degree,
                homophily,
            },
        }
    }
}

/// Longest slice when people switch platforms (6 minutes): installs take effect at the end of a
/// slice, so a cascade changes who can message whom within minutes. A property of the model
/// that both the engine (its slices) and the memory estimate (their count) read.
pub const SWITCHING_SLICE_HOURS: f64 = 0.1;

/// The output steps of `step_hours` that cover a horizon of `horizon_hours`, at least one: the
/// one count the engine's time series, the scenario's bound on them and the memory estimate
/// share. A last sliver of horizon past a whole number of steps (within 1e-9 of it) belongs to
/// the last step. A float, because the ratio of two finite numbers can exceed every integer type.
pub fn output_steps(horizon_hours: f64, step_hours: f64) -> f64 {
    (horizon_hours / step_hours - 1e-9).ceil().max(1.0)
}

/// `[[behaviour.switching]]`: people cut off install `platform` during an outage.
#[derive(Debug, Clone)]
pub struct Switching {
    /// Node index of an installable platform.
    pub platform: usize,
    /// Hazard of installing, per hour, for a person cut off from a pairwise service.
    pub base_rate_per_hour: f64,
    /// Fractional threshold: a person installs as soon as this share of their contacts has it.
    pub threshold: Option<Distribution>,
}

/// `[scenario]`: what the scenario is and how it values time.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Title, shown on the report and the terminal.
    pub name: String,
    /// What the scenario describes, in prose.
    pub description: String,
    /// Where it happens (free text).
    pub region: String,
    /// The currency of every money figure (free text, e.g. `KRW`).
    pub currency: String,
    /// Money per person-hour lost on fallbacks.
    pub value_of_time_per_hour: f64,
    /// Where the inputs come from, one entry per source.
    pub sources: Vec<String>,
}

/// `[run]`: how much is simulated.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Simulated hours from the start.
    pub horizon_hours: f64,
    /// Monte Carlo replications.
    pub replications: u32,
    /// Master seed of every random stream.
    pub seed: u64,
    /// Simulated agents standing for the population.
    pub agents: u64,
    /// Length of one output step of the time series, in minutes.
    pub step_minutes: f64,
    /// Clock hour (0–24) at hour 0 of the simulation.
    pub start_hour: f64,
    /// `start`: the local date and time of hour 0 with its offset from UTC, when the file gives
    /// it (its clock hour is then `start_hour`).
    pub start: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// `input_samples`, resolved: how many samples of the `[[uncertain]]` inputs a run draws
    /// (1 to `replications`); each takes a contiguous group of the replications.
    pub input_samples: u32,
}

impl RunSettings {
    /// `start` as RFC 3339 (`2022-10-15T15:30:00+09:00`), the form `summary.json` carries.
    pub fn start_text(&self) -> Option<String> {
        self.start
            .map(|start| start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
    }

    /// The local calendar day of day `day` of the run (0: the day hour 0 falls on), when the run
    /// has a `start`.
    pub fn date_of_day(&self, day: i64) -> Option<chrono::NaiveDate> {
        let first = self.start?.date_naive();
        first.checked_add_signed(chrono::TimeDelta::try_days(day)?)
    }
}

/// A group of the population with its own demand and adoption.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The id that edit paths and per-segment values use.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Share of the population (the shares sum to 1).
    pub share: f64,
}

/// Whether a node is physical infrastructure or a platform people can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// `[[infrastructure]]`: data centres, networks, power.
    Infrastructure,
    /// `[[platforms]]`: what people hold and use.
    Platform,
}

/// A node of the dependency graph: infrastructure or a platform.
#[derive(Debug, Clone)]
pub struct Node {
    /// Unique id across infrastructure and platforms.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free-text kind (`datacenter`, `messaging` …).
    pub kind: String,
    /// Who owns it (for the owner concentration index).
    pub owner: String,
    /// Infrastructure or platform.
    pub layer: Layer,
    /// `depends_on`: what must be up for this node to be up.
    pub requires: Vec<Requirement>,
    /// Hours from its causes clearing to coming back up.
    pub restore_hours: Distribution,
    /// Hours over which its capacity climbs from 0 to 1 once up.
    pub ramp_hours: Distribution,
    /// Whether people can install it during an outage (switching).
    pub installable: bool,
}

/// One item of `depends_on`.
#[derive(Debug, Clone)]
pub enum Requirement {
    /// This node must be up.
    Node(usize),
    /// Enough members of a redundancy group must be up.
    Group(RedundancyGroup),
}

/// `{ any_of, need, failover_minutes, failover_success }`, or `{ primary, standby,
/// failover_minutes, failover_success }`.
#[derive(Debug, Clone)]
pub struct RedundancyGroup {
    /// Node indices of the members (`any_of`; for a standby group, the primary then its standby).
    pub members: Vec<usize>,
    /// How the members stand in for each other.
    pub mode: GroupMode,
    /// How many members must be up.
    pub need: usize,
    /// Hours the group does not hold while it fails over after a member goes down
    /// (`failover_minutes` / 60).
    pub failover_hours: f64,
    /// Probability that a failover works at all.
    pub failover_success: f64,
}

/// How the members of a redundancy group stand in for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupMode {
    /// `any_of`: any `need` members up serve; a member going down while the group holds starts a
    /// failover.
    AnyOf,
    /// `primary`/`standby`: the primary (`members[0]`) serves while it is up; the standby
    /// (`members[1]`, `need` 1) serves only after a failover from a primary that went down, and
    /// the group fails back to the primary as soon as it is up again.
    Standby,
}

/// Who holds a platform: `share[segment]` of those who hold `given` (everyone when `None`).
#[derive(Debug, Clone)]
pub struct Adoption {
    /// Node index of the platform held.
    pub platform: usize,
    /// Share of the eligible people who hold it, by segment.
    pub share: Vec<f64>,
    /// Node index of the platform a holder must already hold.
    pub given: Option<usize>,
}

/// A need of society (messaging, payments …) and the channels that serve it, in order of
/// preference.
#[derive(Debug, Clone)]
pub struct Service {
    /// Unique id of the service.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Needs per person per day, by segment.
    pub demand_per_day: Vec<f64>,
    /// Relative demand by hour of the day (0 = midnight), scaled so that the mean is 1.
    pub profile: [f64; 24],
    /// Channels in order of preference; a need takes the first that works.
    pub channels: Vec<Channel>,
    /// Whether a need is between two contacts, who must share a working platform.
    pub pairwise: bool,
    /// Money lost per need left unmet.
    pub value_per_unmet: f64,
    /// Hours an unmet need can wait to be met late.
    pub deferrable_hours: f64,
}

/// One way of meeting a service's need.
#[derive(Debug, Clone)]
pub enum Channel {
    /// Through a platform node (index into `Scenario::nodes`).
    Platform(usize),
    /// A fallback without a platform: cash, SMS, a phone call.
    Offline(OfflineChannel),
}

/// A fallback channel that no modelled node carries.
#[derive(Debug, Clone)]
pub struct OfflineChannel {
    /// Its name (`cash`, `sms` …), also its id in edit paths.
    pub name: String,
    /// Probability that it meets a need when tried.
    pub success: f64,
    /// Extra minutes a need met through it costs the person.
    pub extra_minutes: f64,
    /// Needs served per hour across the whole real population; `None` is unlimited.
    pub capacity_per_hour: Option<f64>,
    /// Which segments may use it, by segment index.
    pub open_to: Vec<bool>,
}

/// Something that breaks: nodes held down over `[at, at + duration)`.
#[derive(Debug, Clone)]
pub struct Event {
    /// Unique id; keys the event's random stream.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Node indices held down.
    pub fails: Vec<usize>,
    /// Hour the event starts.
    pub at_hour: Distribution,
    /// Hours it holds its nodes down.
    pub duration_hours: Distribution,
    /// Probability that it happens in a replication.
    pub probability: f64,
    /// Occurrences per year (a Poisson process), for `annual`; `None` when the file gives none.
    pub rate_per_year: Option<f64>,
}

impl Scenario {
    /// The indices of platform nodes, in node order.
    pub fn platform_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.layer == Layer::Platform)
            .map(|(index, _)| index)
    }

    /// Agents per segment: the largest remainder of `share × agents`, so they add up to
    /// `agents`.
    pub fn agents_per_segment(&self) -> Vec<u64> {
        let shares: Vec<f64> = self.segments.iter().map(|s| s.share).collect();
        segment_sizes(&shares, self.run.agents)
    }

    /// Real people per simulated agent.
    pub fn scale(&self) -> f64 {
        self.population as f64 / self.run.agents as f64
    }

    /// Whether any number in the scenario turns damage into money.
    pub fn has_money_values(&self) -> bool {
        self.meta.value_of_time_per_hour > 0.0
            || self.services.iter().any(|s| s.value_per_unmet > 0.0)
    }
}

/// Agents per segment by largest remainder of `share × agents`, so they add up to `agents`.
pub(crate) fn segment_sizes(shares: &[f64], agents: u64) -> Vec<u64> {
    let exact: Vec<f64> = shares.iter().map(|s| s * agents as f64).collect();
    let mut sizes: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut remainder = agents.saturating_sub(sizes.iter().sum());
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &segment in order.iter().cycle().take(sizes.len() * 2) {
        if remainder == 0 {
            break;
        }
        sizes[segment] += 1;
        remainder -= 1;
    }
    sizes
}
