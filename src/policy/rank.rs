//! `rank`: single points of failure. Each node (infrastructure and platforms) fails alone, timed
//! like the scenario's main event, and nodes are ranked by the expected damage; beside the
//! ranking, the concentration of each service. Written as `rank.csv`
//! (`rank,node,kind,metric,expected_damage`), `concentration.csv` and `rank.json`.
//!
//! A node whose failure alone does no damage at all (every damage metric 0 in every
//! replication, such as a standby whose primary is up) is not a single point of failure: it is
//! ranked after every node that does damage and carries a note saying so ("no damage alone
//! (standby of dc_a)"), in `rank.json`'s `note` and on the terminal.
//!
//! Timing: the failure of every node uses the first event's `id`, `at_hour` and `duration_hours`
//! with probability 1. Keeping the event's id keeps its random stream, so every node fails over
//! exactly the same hours in replication r as the scenario's event does: the ranking compares
//! nodes, not draws. Nodes run one after another, each on all threads; results are the same on
//! any thread count.

use std::path::Path;

use serde::Serialize;

use super::concentration::{self, ServiceConcentration};
use super::paired::Interval;
use super::{PolicyError, Progress, Sample};
use crate::results::registry::{PLATFORM_SHARE_AFTER, PLATFORM_SHARE_BEFORE, REACHABLE_MIN_SHARE};
use crate::results::t_975;
use crate::results::{metrics, write_whole};
use crate::scenario::{Event, GroupMode, Layer, Requirement, Scenario};
use crate::world::World;

/// One node's expected damage when it fails alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// 1 for the node whose failure does the most damage.
    pub rank: usize,
    /// The node's id.
    pub node: String,
    /// Its display name.
    pub name: String,
    /// The node's `kind`, or its layer when the file gives none.
    pub kind: String,
    /// Whether it is infrastructure rather than a platform.
    pub infrastructure: bool,
    /// Mean of the metric over replications, with its 95 % interval.
    pub expected_damage: Interval,
    /// Why the node is no single point of failure, when failing it alone does no damage at all:
    /// "no damage alone", with "(standby of X)" for the standby of a primary X.
    pub note: Option<String>,
}

/// A ranking and the concentration indices, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file, as the user named it.
    pub file: String,
    /// The seed every failure's run shares.
    pub seed: u64,
    /// Replications per failed node.
    pub replications: u32,
    /// Agents simulated.
    pub agents: u64,
    /// The currency of money metrics.
    pub currency: String,
    /// The metric the nodes are ranked by.
    pub metric: String,
    /// The event whose timing every failure borrows.
    pub timed_like: String,
    /// Every node, most damaging first.
    pub nodes: Vec<Ranked>,
    /// Concentration indices per service.
    pub concentration: Vec<ServiceConcentration>,
}

/// `scenario` with its events replaced by one: `node` fails, timed like the first event.
/// `None` when the scenario has no event to take the timing from.
pub fn failing_alone(scenario: &Scenario, node: usize) -> Option<Scenario> {
    let main = scenario.events.first()?;
    let mut alone = scenario.clone();
    alone.events = vec![Event {
        id: main.id.clone(),
        name: format!("{} fails alone", scenario.nodes[node].name),
        fails: vec![node],
        at_hour: main.at_hour.clone(),
        duration_hours: main.duration_hours.clone(),
        probability: 1.0,
        rate_per_year: None,
    }];
    Some(alone)
}

/// Fails every node alone and ranks them, most damaging first (ties keep the file's order).
///
/// # Errors
/// [`PolicyError::Choice`] when the scenario has no event to time the failures by.
///
/// # Complexity
/// One run per node, each building its world: O(nodes × (agents + replications × cost of one)).
pub fn rank(scenario: &Scenario, progress: &dyn Progress) -> Result<Ranking, PolicyError> {
    if scenario.events.is_empty() {
        return Err(PolicyError::Choice {
            file: scenario.file.clone(),
            flag: "events".to_string(),
            message: "rank fails each node for the scenario's event duration, but the file has no [[events]]".to_string(),
            hint: "add an [[events]] table; its at_hour and duration_hours time every failure".to_string(),
        });
    }
    let metric = metrics::headline(scenario).to_string();
    let baseline = World::build_observed(scenario.clone(), progress)?;
    let concentration = concentration::of(&baseline);
    drop(baseline);
    let mut nodes = Vec::new();
    for (index, node) in scenario.nodes.iter().enumerate() {
        let Some(alone) = failing_alone(scenario, index) else {
            continue;
        };
        let sample = Sample::run(alone, progress)?;
        let values = sample.column(&metric).unwrap_or_default();
        let note = does_no_damage(&sample).then(|| match standby_of(scenario, index) {
            Some(primary) => format!("no damage alone (standby of {primary})"),
            None => "no damage alone".to_string(),
        });
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n.max(1) as f64;
        let variance = if n > 1 {
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        let half = if n > 1 {
            t_975(n - 1) * (variance / n as f64).sqrt()
        } else {
            0.0
        };
        let infrastructure = node.layer == Layer::Infrastructure;
        nodes.push(Ranked {
            rank: 0,
            node: node.id.clone(),
            name: node.name.clone(),
            kind: if node.kind.is_empty() {
                if infrastructure {
                    "infrastructure"
                } else {
                    "platform"
                }
                .to_string()
            } else {
                node.kind.clone()
            },
            infrastructure,
            expected_damage: Interval {
                mean,
                lo: mean - half,
                hi: mean + half,
            },
            note,
        });
    }
    // Nodes that do damage first, most damaging first; those that do none after them, and
    // last the standbys among those: they serve only once their primary is down, so they are
    // the furthest from a single point of failure. The sort is stable: ties keep file order.
    let standby = |r: &Ranked| {
        r.note.is_some()
            && scenario
                .nodes
                .iter()
                .position(|n| n.id == r.node)
                .and_then(|i| standby_of(scenario, i))
                .is_some()
    };
    nodes.sort_by(|a, b| {
        a.note
            .is_some()
            .cmp(&b.note.is_some())
            .then(standby(a).cmp(&standby(b)))
            .then(b.expected_damage.mean.total_cmp(&a.expected_damage.mean))
    });
    for (i, node) in nodes.iter_mut().enumerate() {
        node.rank = i + 1;
    }
    Ok(Ranking {
        scenario: scenario.meta.name.clone(),
        file: scenario.file.clone(),
        seed: scenario.run.seed,
        replications: scenario.run.replications,
        agents: scenario.run.agents,
        currency: scenario.meta.currency.clone(),
        metric,
        timed_like: scenario.events[0].id.clone(),
        nodes,
        concentration,
    })
}

/// Whether every damage metric of `sample` is exactly 0 in every replication. Levels are left
/// out: the lowest reachable share and the platform shares are not 0 when nothing happens.
fn does_no_damage(sample: &Sample) -> bool {
    let levels = [
        &REACHABLE_MIN_SHARE,
        &PLATFORM_SHARE_BEFORE,
        &PLATFORM_SHARE_AFTER,
    ];
    sample.names.iter().enumerate().all(|(m, name)| {
        let family = name.split_once('.').map_or(name.as_str(), |(f, _)| f);
        levels.iter().any(|l| l.name == family) || sample.values.iter().all(|row| row[m] == 0.0)
    })
}

/// The id of the primary that node `index` is the standby of, if it is one.
fn standby_of(scenario: &Scenario, index: usize) -> Option<&str> {
    scenario.nodes.iter().find_map(|node| {
        node.requires
            .iter()
            .find_map(|requirement| match requirement {
                Requirement::Group(group)
                    if group.mode == GroupMode::Standby && group.members[1] == index =>
                {
                    Some(scenario.nodes[group.members[0]].id.as_str())
                }
                _ => None,
            })
    })
}

#[derive(Serialize)]
struct JsonNode<'a> {
    rank: usize,
    node: &'a str,
    name: &'a str,
    kind: &'a str,
    layer: &'static str,
    expected_damage: f64,
    ci_lo: f64,
    ci_hi: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonService<'a> {
    service: &'a str,
    hhi_platforms: f64,
    hhi_owners: f64,
    no_alternative_share: f64,
    platform_shares: std::collections::BTreeMap<&'a str, f64>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    scenario: &'a str,
    file: &'a str,
    seed: u64,
    replications: u32,
    agents: u64,
    currency: &'a str,
    metric: &'a str,
    timed_like: &'a str,
    nodes: Vec<JsonNode<'a>>,
    concentration: Vec<JsonService<'a>>,
}

impl Ranking {
    /// `rank.json`: the ranking with 95 % intervals, and the concentration with platform shares.
    pub fn json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let file = JsonFile {
            scenario: &self.scenario,
            file: &self.file,
            seed: self.seed,
            replications: self.replications,
            agents: self.agents,
            currency: &self.currency,
            metric: &self.metric,
            timed_like: &self.timed_like,
            nodes: self
                .nodes
                .iter()
                .map(|n| JsonNode {
                    rank: n.rank,
                    node: &n.node,
                    name: &n.name,
                    kind: &n.kind,
                    layer: if n.infrastructure {
                        "infrastructure"
                    } else {
                        "platform"
                    },
                    expected_damage: n.expected_damage.mean,
                    ci_lo: n.expected_damage.lo,
                    ci_hi: n.expected_damage.hi,
                    note: n.note.as_deref(),
                })
                .collect(),
            concentration: self
                .concentration
                .iter()
                .map(|c| JsonService {
                    service: &c.service,
                    hhi_platforms: c.hhi_platforms,
                    hhi_owners: c.hhi_owners,
                    no_alternative_share: c.no_alternative_share,
                    platform_shares: c
                        .platform_shares
                        .iter()
                        .map(|(id, s)| (id.as_str(), *s))
                        .collect(),
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&file)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// `rank.csv`: `rank,node,kind,metric,expected_damage`, most damaging first.
    pub fn rank_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["rank", "node", "kind", "metric", "expected_damage"])?;
        for n in &self.nodes {
            writer.write_record([
                n.rank.to_string(),
                n.node.clone(),
                n.kind.clone(),
                self.metric.clone(),
                n.expected_damage.mean.to_string(),
            ])?;
        }
        writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }

    /// `concentration.csv`: `service,hhi_platforms,hhi_owners,no_alternative_share`.
    pub fn concentration_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            "service",
            "hhi_platforms",
            "hhi_owners",
            "no_alternative_share",
        ])?;
        for c in &self.concentration {
            writer.write_record([
                c.service.clone(),
                c.hhi_platforms.to_string(),
                c.hhi_owners.to_string(),
                c.no_alternative_share.to_string(),
            ])?;
        }
        writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }

    /// Writes `rank.json`, `rank.csv` and `concentration.csv` into `dir` (created if needed).
    ///
    /// # Errors
    /// [`PolicyError::Write`] or [`PolicyError::Export`] when a file cannot be encoded or written.
    pub fn write(&self, dir: &Path) -> Result<(), PolicyError> {
        let failed = |file: &str, message: String| PolicyError::Write {
            path: dir.join(file),
            message,
        };
        let json = self
            .json()
            .map_err(|e| failed("rank.json", e.to_string()))?;
        let rank = self
            .rank_csv()
            .map_err(|e| failed("rank.csv", e.to_string()))?;
        let concentration = self
            .concentration_csv()
            .map_err(|e| failed("concentration.csv", e.to_string()))?;
        std::fs::create_dir_all(dir).map_err(|e| failed("", e.to_string()))?;
        write_whole(dir, "rank.json", &json)?;
        write_whole(dir, "rank.csv", &rank)?;
        write_whole(dir, "concentration.csv", &concentration)?;
        Ok(())
    }
}
