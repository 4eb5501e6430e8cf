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

/// Change points of a node's timeline per span it is up: the span's start and end, and the
/// pieces of its ramp back to full capacity (the engine cuts a ramp into 12), rounded up.
const CHANGE_POINTS_PER_SPAN: f64 = 16.0;
/// Bytes a replication holds per slice of its horizon (every clock hour, output step, switching
/// slice and change of a node's capacity starts one), before the parts that grow with the
/// scenario: the slice itself (start, end, clock hour, hour of day, step: 40) and its vector of
/// node capacities (a 24-byte header and a heap block with its 16-byte allocator overhead).
const SLICE_BYTES: f64 = 40.0 + 24.0 + 16.0;
/// Bytes a replication holds per slice for each service, before its classes: the cut-off
/// flags and the ends of cut-off runs (`[slice][class]`, two vectors of 24 bytes each with a
/// heap block of at least 32).
const SLICE_SERVICE_BYTES: f64 = 2.0 * (24.0 + 32.0);
/// Bytes a replication holds per slice for each pairwise service it tracks with switching: the
/// cut-off share by segment (a vector, 24 + 16 of overhead), the share of ties cut and the
/// share reachable (8 each) and the shared class weights (a pointer, 8).
const SLICE_TRACK_BYTES: f64 = 24.0 + 16.0 + 3.0 * 8.0;
/// Bytes the output stage holds per band value (the mean, p05 or p95 of one series at one
/// output step), as if every stage's copy were held at once:
/// - as numbers: the collected results' bands, the summary rendered into `summary.json`, the
///   summary `run` returns and keeps while the report is drawn, the report's summary and time
///   series read back (5 × 8);
/// - as text, the files rendered together before any is written: `summary.json` (34: a number
///   prints in at most 24 characters, then its indentation in the pretty-printed band and
///   `,\n`) and `timeseries.csv` (34: the number and its comma, and a third of its row's hour,
///   series name and newline);
/// - the report's parsed rows of `timeseries.csv` (a third of a row's hour and name: 22);
/// - the figures' points: the time line's SVG path (a mean line and a band's two edges), kept
///   for the page and copied into it (2 × 12).
///
/// Measured (benches/README.md: `run`'s peak less `bench`'s, which writes nothing): 83 bytes
/// per band value for the example at 87 600 hourly steps, 72 at 192 000 steps of 0.9 s; so
/// this errs high by about 2× where outputs dominate.
const BAND_VALUE_BYTES: f64 = 40.0 + 68.0 + 22.0 + 24.0;
/// Families of metrics a run reports (`results::registry::FAMILIES`; tests/memory.rs checks
/// that this is no fewer).
const METRIC_FAMILIES: f64 = 14.0;
/// Bytes the output stage holds per metric of a replication: the collected values, the
/// report's values read back and the column a summary sorts (3 × 8), and `replications.csv`
/// text, rendered and read back (2 × 25: a number of at most 24 characters and its comma).
const METRIC_VALUE_BYTES: f64 = 3.0 * 8.0 + 2.0 * 25.0;

/// The name of the estimate's part that keeps every replication's series and metrics.
pub const OUTCOMES: &str = "outcomes";
/// The name of the part each thread holds while people switch platforms.
pub const SWITCHING: &str = "switching state of each thread";
/// The name of the part each replication holds per slice of its horizon.
pub const SLICES: &str = "slices of each replication";
/// The name of the part that writing the output folder holds.
pub const OUTPUT: &str = "writing the outputs";
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
/// - slices, per thread: what a replication holds for each slice of its horizon (a slice
///   starts at every clock hour, output step, 6-minute switching slice and change of a node's
///   capacity; see `slice_bytes`) — the part that grows with a long horizon;
/// - outcomes: every replication's series and metrics, kept for the output files, and its
///   per-day damage (one copy of the damage per local day) and per-day metric values;
/// - writing the outputs: every band value of every series as numbers, `summary.json` and
///   `timeseries.csv` text, parsed rows and figure points (see `output_bytes`) — the part
///   that grows with a fine step. It is added to the engine's, not maxed with it: the main
///   thread builds it while the worker threads' allocator arenas still hold the engine's
///   small blocks.
///
/// Measured against peak RSS on every shipped scenario at its default size and at 10× its
/// agents, at 87 600 hourly steps and at 192 000 steps (benches/README.md, "The memory
/// estimate against the peak"), it is 1.05–1.95× the peak.
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
    let slices = concurrent * slice_bytes(scenario, switching);
    let outcomes = outcome_bytes(scenario).saturating_add(metric_bytes(scenario));
    let output = output_bytes(scenario);
    // The generator's scratch is freed before the engine starts, so the peak is the larger of
    // the two stages on top of what the world keeps.
    let engine = reach + per_replication + slices;
    let mut breakdown = vec![
        ("platform sets", platform_sets as u64),
        ("contact graph", graph as u64),
        ("pairwise services", pairwise_sets as u64),
        ("thresholds", thresholds as u64),
        (OUTCOMES, outcomes),
        // Added, not the larger of it and the engine's: the engine's many small blocks are
        // freed into the worker threads' allocator arenas, which keep them, while the output
        // is built on the main thread (the example at 87 600 hourly steps peaks at the engine's
        // peak plus the output's).
        (OUTPUT, output),
        (FIXED, FIXED_BYTES),
    ];
    if generation >= engine {
        breakdown.push(("building the contact graph", generation as u64));
    } else {
        breakdown.push(("reach of pairwise services", reach as u64));
        breakdown.push((SWITCHING, per_replication as u64));
        breakdown.push((SLICES, slices as u64));
    }
    breakdown.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    MemoryEstimate {
        bytes: breakdown
            .iter()
            .fold(0u64, |sum, (_, bytes)| sum.saturating_add(*bytes)),
        breakdown,
    }
}

/// The output steps of a run, as the engine counts them.
fn output_steps(scenario: &Scenario) -> f64 {
    let run = &scenario.run;
    crate::scenario::output_steps(run.horizon_hours, run.step_minutes / 60.0)
}

/// Classes of agents a service can have at most: per segment, every set of its platform
/// channels held.
fn classes_at_most(scenario: &Scenario, service: &crate::scenario::Service) -> f64 {
    let platforms = service
        .channels
        .iter()
        .filter(|c| matches!(c, Channel::Platform(_)))
        .count();
    scenario.segments.len() as f64 * 2f64.powi(platforms as i32)
}

/// What one replication holds per slice of its horizon, all slices at once.
///
/// A slice starts at every clock hour, every output step, every switching slice (with
/// switching) and every change of a node's capacity (a span's start and end and its ramp's
/// pieces, per node and span: a node is up in at most one span more than there are events).
/// Per slice: [`SLICE_BYTES`], a capacity per node, its fixed point and the platforms up (8
/// each),
/// the cut-off state of the one service whose damage is being drawn
/// ([`SLICE_SERVICE_BYTES`] and a flag and an end, 9 bytes, per class), and with switching
/// the track of each pairwise service ([`SLICE_TRACK_BYTES`] and 8 bytes per segment).
fn slice_bytes(scenario: &Scenario, switching: bool) -> f64 {
    let horizon = scenario.run.horizon_hours;
    let nodes = scenario.nodes.len() as f64;
    let segments = scenario.segments.len() as f64;
    let switching_slices = if switching {
        (horizon / SWITCHING_SLICE_HOURS).ceil()
    } else {
        0.0
    };
    let changes = nodes * (scenario.events.len() as f64 + 1.0) * CHANGE_POINTS_PER_SPAN;
    let slices = horizon.ceil() + 1.0 + output_steps(scenario) + 1.0 + switching_slices + changes;
    let service = scenario
        .services
        .iter()
        .map(|service| SLICE_SERVICE_BYTES + 9.0 * classes_at_most(scenario, service))
        .fold(0.0, f64::max);
    let tracks = if switching {
        scenario.services.iter().filter(|s| s.pairwise).count() as f64
            * (SLICE_TRACK_BYTES + 8.0 * segments)
    } else {
        0.0
    };
    slices * (SLICE_BYTES + 8.0 * nodes + 16.0 + service + tracks)
}

/// What writing the output folder holds on top of the outcomes: every band value of every
/// series ([`BAND_VALUE_BYTES`] each), counted from the scenario alone.
///
/// The series are one per service (its cut-off share), one more per pairwise service (its
/// reachable share) and one per node (its capacity); each has three bands (mean, p05, p95)
/// with a value per output step.
fn output_bytes(scenario: &Scenario) -> u64 {
    let services = scenario.services.len() as f64;
    let pairwise = scenario.services.iter().filter(|s| s.pairwise).count() as f64;
    let series = services + pairwise + scenario.nodes.len() as f64;
    let band_values = 3.0 * series * output_steps(scenario);
    // A float past u64 converts to u64::MAX: "more than any machine has", as saturating.
    (band_values * BAND_VALUE_BYTES) as u64
}

/// What the metrics of every replication hold while they are written: at most one per metric
/// family (14) for each service, for the total over services, for the union over services
/// (`.any`), for each switching rule, and for each of these by segment, [`METRIC_VALUE_BYTES`]
/// each.
fn metric_bytes(scenario: &Scenario) -> u64 {
    let services = scenario.services.len() as f64;
    let segments = scenario.segments.len() as f64;
    let rules = scenario.switching.len() as f64;
    let metrics = METRIC_FAMILIES * ((services + 2.0) * (segments + 1.0) + rules);
    (f64::from(scenario.run.replications) * metrics * METRIC_VALUE_BYTES) as u64
}

/// Every replication's series (services, reachability, nodes; one value per output step) and
/// its damage rows, twice: as outcomes and as the collected results written out; and its
/// per-day damage and when each node was back (see [`daily_bytes`]).
fn outcome_bytes(scenario: &Scenario) -> u64 {
    let run = &scenario.run;
    let steps = output_steps(scenario) as u64;
    let series = (2 * scenario.services.len() + scenario.nodes.len()) as u64;
    let damage = (scenario.services.len() * scenario.segments.len() * 16) as u64;
    // Saturating: a product past u64 is "more than any machine has", which is all the check
    // needs to know.
    (2 * 8 * u64::from(run.replications))
        .saturating_mul(series.saturating_mul(steps).saturating_add(damage))
        .saturating_add(daily_bytes(scenario))
}

/// Local calendar days a run touches at most: the horizon from `start_hour`, cut at midnights.
fn days_at_most(scenario: &Scenario) -> f64 {
    ((scenario.run.start_hour.rem_euclid(24.0) + scenario.run.horizon_hours) / 24.0).floor() + 1.0
}

/// What every replication keeps per local day and per node, all replications at once:
/// - its days' damage (`ReplicationOutcome.daily`): per day a `DayDamage` (32 bytes) and its
///   services' heap block (16 of overhead), per service a `ServiceDamage` (64) and its segments'
///   heap block (16), and per segment a `SegmentDamage` (40);
/// - the same days as metric values while `daily.csv`'s statistics are taken
///   (`results::daily::collect`): per day a row (24 + 16) of 8 bytes per metric a day has (at
///   most [`METRIC_FAMILIES`] for each service and the total, each by segment too);
/// - when each node was back (`ReplicationOutcome.full_again`): 16 bytes per node.
fn daily_bytes(scenario: &Scenario) -> u64 {
    let services = scenario.services.len() as f64;
    let segments = scenario.segments.len() as f64;
    let metrics = METRIC_FAMILIES * (services + 1.0) * (segments + 1.0);
    let damage = 32.0 + 16.0 + services * (64.0 + 16.0 + 40.0 * segments);
    let values = 24.0 + 16.0 + 8.0 * metrics;
    let per_replication =
        days_at_most(scenario) * (damage + values) + 16.0 * scenario.nodes.len() as f64;
    // A float past u64 converts to u64::MAX: "more than any machine has", as saturating.
    (f64::from(scenario.run.replications) * per_replication) as u64
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

    /// Sets one input of a scenario to a value.
    type SetInput = fn(&mut Scenario, f64);

    /// More replications, a longer horizon, a finer step, more services or more nodes never
    /// need less memory, for every shipped scenario, at a few agent and thread counts; and the
    /// estimate stays finite (saturating) at the largest inputs the checks accept.
    #[test]
    fn estimate_is_monotone_in_every_input() {
        let bytes =
            |scenario: &Scenario, agents, threads| estimate_for(scenario, agents, threads).bytes;
        for base in shipped() {
            for (agents, threads) in [(1_000, 1), (1_000_000, 2), (51_740_000, 8)] {
                let name = format!("{} at {agents} agents on {threads} threads", base.file);
                // Each input in increasing order of what it asks for: the estimate never falls.
                let inputs: [(&str, Vec<f64>, SetInput); 3] = [
                    (
                        "replications",
                        vec![1.0, 2.0, 100.0, 1e3, 1e5, f64::from(u32::MAX)],
                        |s, v| s.run.replications = v as u32,
                    ),
                    (
                        "horizon_hours",
                        vec![1.0, 7.0, 48.0, 1e3, 2e4, 87_600.0],
                        |s, v| s.run.horizon_hours = v,
                    ),
                    (
                        "step_minutes",
                        vec![1_440.0, 60.0, 15.0, 1.0, 0.1, 0.0144],
                        |s, v| s.run.step_minutes = v,
                    ),
                ];
                for (input, values, set) in inputs {
                    let mut last = 0;
                    for value in values {
                        let mut scenario = base.clone();
                        set(&mut scenario, value);
                        let now = bytes(&scenario, agents, threads);
                        assert!(now >= last, "{name}: {input} = {value}");
                        last = now;
                    }
                }
                let mut scenario = base.clone();
                let mut last = bytes(&scenario, agents, threads);
                for extra in 0..3 {
                    let mut service = scenario.services[extra % base.services.len()].clone();
                    service.id = format!("{}_copy{extra}", service.id);
                    scenario.services.push(service);
                    let now = bytes(&scenario, agents, threads);
                    assert!(now > last, "{name}: {} services", scenario.services.len());
                    last = now;
                    let mut node = scenario.nodes[0].clone();
                    node.id = format!("{}_copy{extra}", node.id);
                    scenario.nodes.push(node);
                    let now = bytes(&scenario, agents, threads);
                    assert!(now > last, "{name}: {} nodes", scenario.nodes.len());
                    last = now;
                }
            }
        }
    }

    /// The parts that grow with the output steps grow in proportion to them: the series of
    /// every replication and what writing the outputs holds, counted per band value.
    #[test]
    fn output_part_counts_every_band_value() {
        let Some(mut example) = shipped().into_iter().find(|s| s.file.contains("example")) else {
            panic!("no example scenario");
        };
        example.run.horizon_hours = 48.0;
        example.run.step_minutes = 60.0;
        let hourly = output_bytes(&example);
        example.run.step_minutes = 6.0;
        let tenfold = output_bytes(&example);
        let series = (example.services.len()
            + example.services.iter().filter(|s| s.pairwise).count()
            + example.nodes.len()) as f64;
        // Ten times the steps: 432 more steps of 3 band values per series.
        let expected = 432.0 * 3.0 * series * BAND_VALUE_BYTES;
        assert!(
            ((tenfold - hourly) as f64 - expected).abs() <= 2.0,
            "{tenfold} - {hourly} against {expected}"
        );
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
