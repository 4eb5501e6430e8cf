//! Memory planning: how much a run of a scenario will hold at its peak, computed from the
//! scenario alone before anything is allocated, so that a run that cannot fit is refused at once
//! instead of being killed by the kernel minutes later.
//!
//! The estimate adds up the largest arrays of every stage, per agent, as the code allocates
//! them; it errs high (row capacities rather than what the pages touch, every transient of a
//! stage counted at once, a small margin on random tie counts). It is affine in the agents for
//! every model, so [`largest_agents`] can solve it for the agent count that fits.

use crate::contacts::MAX_PARTITIONS;
use crate::scenario::SWITCHING_SLICE_HOURS;
use crate::scenario::{Channel, Scenario, SocialModelKind};

/// Bytes for the binary, the allocator, thread stacks, scratch of the output writers and the
/// report (a `bench` row at 100 000 agents peaks 7 MiB above its arrays; `run` adds the report).
const FIXED_BYTES: u64 = 24 << 20;
/// Random tie counts (Erdős–Rényi, stochastic block) exceed their mean by a few standard
/// deviations at most, far below this margin at any scale worth checking.
const TIE_MARGIN: f64 = 1.01;
/// States of who reaches whom a pairwise service remembers in a run, at most: every set of its
/// platforms up that occurs (a Kakao-like outage has two or three).
const REMEMBERED_STATES: f64 = 8.0;

/// The name of the estimate's part that keeps every replication's series.
pub const OUTCOMES: &str = "outcomes";
/// The name of the part each thread holds while people switch platforms.
pub const SWITCHING: &str = "switching state of each thread";
/// The name of the part that does not grow with the scenario.
pub const FIXED: &str = "fixed";

/// What a run is estimated to hold at its peak.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryEstimate {
    /// The peak, in bytes.
    pub bytes: u64,
    /// What it is made of, largest parts first: (what, bytes).
    pub breakdown: Vec<(&'static str, u64)>,
}

impl MemoryEstimate {
    /// The breakdown as one line: `contact graph 4.2 GiB, platform sets 395 MiB, …`.
    pub fn describe(&self) -> String {
        self.breakdown
            .iter()
            .filter(|(_, bytes)| *bytes > 0)
            .map(|(what, bytes)| format!("{what} {}", human(*bytes)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Bytes in binary units: `812 MiB`, `4.24 GiB`.
pub fn human(bytes: u64) -> String {
    let mib = bytes as f64 / f64::from(1 << 20);
    if mib < 1024.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{:.2} GiB", mib / 1024.0)
    }
}

/// The peak memory of building the world of `scenario` and running its replications on
/// `threads` worker threads.
///
/// Parts, per agent (n agents, c mean degree, e = n·c tie ends, p pairwise services, r
/// switching rules of which t have a threshold):
/// - platform sets: 8 bytes;
/// - contact graph: 8 bytes of row offset plus 4 per tie end; while it is built, an 8-byte
///   counter per person for each of min(threads, 8) partitions, and for Barabási–Albert the
///   edge list (8 bytes per tie, ⌈c/2⌉ per person) as well;
/// - pairwise services: 2 bytes (the channels each agent holds) and a bit (who normally
///   reaches a contact) each;
/// - thresholds: 4 bytes per threshold rule (the world's draw), and with switching 4 more (the
///   plan's count of contacts each agent waits for);
/// - reach of pairwise services: a union–find of 4 bytes per agent for the largest component,
///   once per thread computing it, and a bit per agent for each state remembered (a few);
/// - switching, per thread: each pairwise service's channel sets (2) once someone installs,
///   the holders of each rule's platform (a bit each), each threshold rule's counts (4), and a
///   recount's union–find (4); and, not per agent, the class weights of every slice in which
///   someone installs (segments × 2^k weights for k platform channels, at most one set per
///   6-minute slice of the horizon);
/// - outcomes: every replication's series, kept for the output files.
///
/// # Complexity
/// O(1) in the agents: nothing is allocated.
pub fn estimate(scenario: &Scenario, threads: usize) -> MemoryEstimate {
    estimate_for(scenario, scenario.run.agents, threads)
}

/// [`estimate`] with `agents` agents instead of the scenario's.
pub fn estimate_for(scenario: &Scenario, agents: u64, threads: usize) -> MemoryEstimate {
    let n = agents as f64;
    let concurrent = threads.clamp(1, scenario.run.replications.max(1) as usize) as f64;
    let partitions = threads.clamp(1, MAX_PARTITIONS) as f64;
    let contacts = scenario.social.is_some();
    let pairwise = if contacts {
        scenario.services.iter().filter(|s| s.pairwise).count() as f64
    } else {
        0.0
    };
    let switching = contacts && !scenario.switching.is_empty();
    let rules = scenario.switching.len() as f64;
    let threshold_rules = scenario
        .switching
        .iter()
        .filter(|rule| rule.threshold.is_some())
        .count() as f64;
    let bit = 1.0 / 8.0;
    let platform_sets = 8.0 * n;
    let (graph, generation) = match &scenario.social {
        None => (0.0, 0.0),
        Some(social) => {
            let c = social.mean_degree;
            let (ends, edge_list) = match social.model {
                SocialModelKind::ErdosRenyi | SocialModelKind::StochasticBlock { .. } => {
                    (n * c * TIE_MARGIN, 0.0)
                }
                SocialModelKind::WattsStrogatz { .. } => (n * c.round(), 0.0),
                SocialModelKind::BarabasiAlbert => (n * c, 8.0 * n * (c / 2.0).ceil()),
            };
            (
                8.0 * (n + 1.0) + 4.0 * ends,
                8.0 * partitions * n + edge_list,
            )
        }
    };
    let pairwise_sets = pairwise * (2.0 + bit) * n;
    let thresholds = if switching { 2.0 } else { 1.0 } * 4.0 * threshold_rules * n;
    let reach = if pairwise > 0.0 {
        (4.0 + bit) * n * concurrent + pairwise * REMEMBERED_STATES * bit * n
    } else {
        0.0
    };
    let per_replication = if switching {
        let slices = (scenario.run.horizon_hours / SWITCHING_SLICE_HOURS).ceil();
        let weights: f64 = scenario
            .services
            .iter()
            .filter(|s| s.pairwise)
            .map(|s| {
                let k = s
                    .channels
                    .iter()
                    .filter(|c| matches!(c, Channel::Platform(_)))
                    .count();
                scenario.segments.len() as f64 * 2f64.powi(k as i32) * 8.0 * slices
            })
            .sum();
        concurrent
            * (n * (pairwise * (2.0 + bit) + rules * bit + threshold_rules * 4.0 + 4.0) + weights)
            + rules * bit * n
    } else {
        0.0
    };
    let outcomes = outcome_bytes(scenario);
    // The generator's scratch is freed before the engine starts, so the peak is the larger of
    // the two stages on top of what the world keeps.
    let engine = reach + per_replication;
    let mut breakdown = vec![
        ("platform sets", platform_sets as u64),
        ("contact graph", graph as u64),
        ("pairwise services", pairwise_sets as u64),
        ("thresholds", thresholds as u64),
        (OUTCOMES, outcomes),
        (FIXED, FIXED_BYTES),
    ];
    if generation >= engine {
        breakdown.push(("building the contact graph", generation as u64));
    } else {
        breakdown.push(("reach of pairwise services", reach as u64));
        breakdown.push((SWITCHING, per_replication as u64));
    }
    breakdown.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    MemoryEstimate {
        bytes: breakdown
            .iter()
            .fold(0u64, |sum, (_, bytes)| sum.saturating_add(*bytes)),
        breakdown,
    }
}

/// Every replication's series (services, reachability, nodes; one value per output step) and
/// its damage rows, twice: as outcomes and as the collected results written out.
fn outcome_bytes(scenario: &Scenario) -> u64 {
    let run = &scenario.run;
    let steps = (run.horizon_hours / (run.step_minutes / 60.0))
        .ceil()
        .max(1.0) as u64;
    let series = (2 * scenario.services.len() + scenario.nodes.len()) as u64;
    let damage = (scenario.services.len() * scenario.segments.len() * 16) as u64;
    // Saturating: a product past u64 is "more than any machine has", which is all the check
    // needs to know.
    (2 * 8 * u64::from(run.replications))
        .saturating_mul(series.saturating_mul(steps).saturating_add(damage))
}

/// The largest number of agents (at most the smallest population) for which the estimates of
/// `scenarios`, held at once, add up to at most `limit` bytes; `None` when not even one agent
/// fits.
pub fn largest_agents(scenarios: &[&Scenario], threads: usize, limit: u64) -> Option<u64> {
    let fits = |agents: u64| {
        scenarios
            .iter()
            .map(|scenario| estimate_for(scenario, agents, threads).bytes)
            .fold(0u64, u64::saturating_add)
            <= limit
    };
    if !fits(1) {
        return None;
    }
    // The estimate grows with the agents, so bisect between a count that fits and one that
    // does not.
    let population = scenarios.iter().map(|s| s.population).min().unwrap_or(1);
    let (mut low, mut high) = (1u64, population.max(1));
    if fits(high) {
        return Some(high);
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if fits(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    fn shipped() -> Vec<Scenario> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| scenario::load(path).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    /// More agents (or threads) never need less memory, for every shipped scenario.
    #[test]
    fn estimate_is_monotone_in_agents_and_threads() {
        for scenario in shipped() {
            for threads in [1, 2, 8] {
                let mut last = 0;
                for agents in [1, 10, 1_000, 65_537, 1_000_000, 51_740_000] {
                    let bytes = estimate_for(&scenario, agents, threads).bytes;
                    assert!(bytes >= last, "{}: {agents} agents", scenario.file);
                    last = bytes;
                }
                assert!(
                    estimate_for(&scenario, 1_000_000, threads + 1).bytes
                        >= estimate_for(&scenario, 1_000_000, threads).bytes
                );
            }
        }
    }

    /// The largest count that fits does, and one more does not.
    #[test]
    fn largest_agents_solves_the_estimate() {
        for scenario in shipped() {
            let limit = 2u64 << 30;
            let Some(fits) = largest_agents(&[&scenario], 2, limit) else {
                panic!("{}: nothing fits in 2 GiB", scenario.file);
            };
            assert!(estimate_for(&scenario, fits, 2).bytes <= limit);
            if fits < scenario.population {
                assert!(estimate_for(&scenario, fits + 1, 2).bytes > limit);
            }
        }
        let Some(kakao) = shipped().into_iter().find(|s| s.file.contains("kakao")) else {
            panic!("no Kakao scenario");
        };
        assert_eq!(largest_agents(&[&kakao], 2, 1 << 20), None);
        assert_eq!(
            largest_agents(&[&kakao], 2, u64::MAX),
            Some(kakao.population)
        );
    }
}
