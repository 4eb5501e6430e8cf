//! The checked scenario: every id resolved to an index, every number validated. This is the
//! hand-off from `scenario` to `world`; nothing downstream re-checks user input.

use super::distribution::Distribution;
use super::graph::DependencyGraph;
use crate::contacts::SocialModel;

/// A validated scenario, ready to build a world from.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it was read from, as the user named it.
    pub file: String,
    pub meta: Meta,
    pub run: RunSettings,
    /// The real population the agents stand for.
    pub population: u64,
    pub segments: Vec<Segment>,
    /// Infrastructure first, then platforms, each in file order.
    pub nodes: Vec<Node>,
    /// The requirements of `nodes` as a graph, with the order that puts dependencies first.
    pub dependencies: DependencyGraph,
    /// Adoption rules ordered so that a rule's `given` platform is drawn before it.
    pub adoption: Vec<Adoption>,
    pub services: Vec<Service>,
    pub events: Vec<Event>,
    /// The contact graph, needed by pairwise services and switching.
    pub social: Option<Social>,
    pub switching: Vec<Switching>,
}

/// `[social]`: how the contact graph is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Social {
    pub model: SocialModelKind,
    pub mean_degree: f64,
}

/// The kind of contact graph, with the parameters only it takes.
#[derive(Debug, Clone, PartialEq)]
pub enum SocialModelKind {
    ErdosRenyi,
    WattsStrogatz { rewire_probability: f64 },
    BarabasiAlbert,
    StochasticBlock { homophily: f64 },
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

#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub region: String,
    pub currency: String,
    pub value_of_time_per_hour: f64,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RunSettings {
    pub horizon_hours: f64,
    pub replications: u32,
    pub seed: u64,
    pub agents: u64,
    pub step_minutes: f64,
    pub start_hour: f64,
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub share: f64,
}

/// Whether a node is physical infrastructure or a platform people can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Infrastructure,
    Platform,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub owner: String,
    pub layer: Layer,
    pub requires: Vec<Requirement>,
    pub restore_hours: Distribution,
    pub ramp_hours: Distribution,
    pub installable: bool,
}

/// One item of `depends_on`.
#[derive(Debug, Clone)]
pub enum Requirement {
    /// This node must be up.
    Node(usize),
    Group(RedundancyGroup),
}

/// `{ any_of, need, failover_minutes, failover_success }`.
#[derive(Debug, Clone)]
pub struct RedundancyGroup {
    pub members: Vec<usize>,
    pub need: usize,
    pub failover_hours: f64,
    pub failover_success: f64,
}

/// Who holds a platform: `share[segment]` of those who hold `given` (everyone when `None`).
#[derive(Debug, Clone)]
pub struct Adoption {
    pub platform: usize,
    pub share: Vec<f64>,
    pub given: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// Needs per person per day, by segment.
    pub demand_per_day: Vec<f64>,
    /// Relative demand by hour of the day (0 = midnight), scaled so that the mean is 1.
    pub profile: [f64; 24],
    pub channels: Vec<Channel>,
    pub pairwise: bool,
    pub value_per_unmet: f64,
    pub deferrable_hours: f64,
}

#[derive(Debug, Clone)]
pub enum Channel {
    /// Through a platform node (index into `Scenario::nodes`).
    Platform(usize),
    Offline(OfflineChannel),
}

#[derive(Debug, Clone)]
pub struct OfflineChannel {
    pub name: String,
    pub success: f64,
    pub extra_minutes: f64,
    /// Needs served per hour across the whole real population; `None` is unlimited.
    pub capacity_per_hour: Option<f64>,
    /// Which segments may use it, by segment index.
    pub open_to: Vec<bool>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub fails: Vec<usize>,
    pub at_hour: Distribution,
    pub duration_hours: Distribution,
    pub probability: f64,
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
