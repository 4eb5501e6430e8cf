//! The engine against closed-form answers, one test per model feature. Tolerances come from the
//! Monte Carlo standard error of the replications (4 standard errors: a false alarm in about one
//! run in 16 000 per assertion), never from a magic number. Where the world's adoption draw
//! matters, the expectation is taken given the drawn world (its exact holder counts), so the only
//! noise left is the replications'.

use concrisk::engine::{self, RunConfig, Silent};
use concrisk::results::{RunInfo, RunResults};
use concrisk::scenario;
use concrisk::world::World;

/// A scenario with the common header: 1 M people simulated by 100 k agents (scale 10), a
/// 24-hour horizon from midnight, 400 replications.
fn scenario(body: &str) -> String {
    format!(
        "[scenario]\nname = \"test\"\nvalue_of_time_per_hour = 10\n\n[run]\nhorizon_hours = 24\nreplications = 400\nseed = 7\nagents = 100000\n\n[population]\nsize = 1000000\n{body}"
    )
}

struct Simulated {
    world: World,
    names: Vec<String>,
    values: Vec<Vec<f64>>,
}

impl Simulated {
    fn new(text: &str) -> Simulated {
        let scenario = scenario::parse(text, "test.toml")
            .unwrap_or_else(|e| panic!("test scenario is valid: {e}"));
        let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
        let replications = world.scenario.run.replications;
        let outcomes = engine::run(
            &world,
            &RunConfig {
                first_replication: 0,
                replications,
            },
            &Silent,
        );
        let hours = engine::step_starts(&world.scenario);
        let info = RunInfo {
            variant: None,
            command: String::new(),
            threads: 1,
            run_seconds: 0.0,
        };
        let results = RunResults::collect(&world, &outcomes, hours, info);
        let (names, values) = (results.metric_names.clone(), results.values.clone());
        Simulated {
            world,
            names,
            values,
        }
    }

    fn column(&self, metric: &str) -> Vec<f64> {
        let index = self
            .names
            .iter()
            .position(|n| n == metric)
            .unwrap_or_else(|| panic!("no metric {metric}"));
        self.values.iter().map(|row| row[index]).collect()
    }

    /// Agents holding a platform (all segments, or one).
    fn holders(&self, platform: &str, segment: Option<usize>) -> f64 {
        let node = self
            .world
            .scenario
            .nodes
            .iter()
            .position(|n| n.id == platform)
            .unwrap_or_else(|| panic!("no platform {platform}"));
        let bit =
            self.world.platform_bit[node].unwrap_or_else(|| panic!("{platform} is not a platform"));
        let starts = &self.world.people.segment_starts;
        let (from, to) = match segment {
            Some(g) => (starts[g] as usize, starts[g + 1] as usize),
            None => (0, self.world.people.count()),
        };
        self.world.people.platforms[from..to]
            .iter()
            .filter(|set| *set & (1 << bit) != 0)
            .count() as f64
    }

    fn scale(&self) -> f64 {
        self.world.scenario.scale()
    }

    /// Asserts that the mean of `metric` over replications is `expected` within 4 standard
    /// errors (plus 1e-9 relative, for metrics with no noise at all).
    fn assert_mean(&self, metric: &str, expected: f64) {
        let values = self.column(metric);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let standard_error = (variance / n).sqrt();
        let tolerance = 4.0 * standard_error + 1e-9 * expected.abs().max(1.0);
        assert!(
            (mean - expected).abs() <= tolerance,
            "{metric}: mean {mean} vs closed form {expected} (tolerance {tolerance}, standard error {standard_error})"
        );
    }
}

/// One platform on one data centre; the data centre fails at hour 2 for `duration` hours.
fn one_app(platform_extra: &str, channels: &str, service_extra: &str, duration: &str) -> String {
    scenario(&format!(
        r#"
[[infrastructure]]
id = "dc"

[[platforms]]
id = "app"
depends_on = ["dc"]
{platform_extra}

[[adoption]]
platform = "app"
share = 0.7

[[services]]
id = "pay"
demand_per_day = 24
channels = [{channels}]
value_per_unmet = 3
{service_extra}

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 2
duration_hours = {duration}
"#
    ))
}

#[test]
fn fixed_outage_times_adoption_times_demand() {
    let sim = Simulated::new(&one_app("", r#"{ platform = "app" }"#, "", "5"));
    let holders = sim.holders("app", None);
    // Demand 24 a day is 1 need an hour; every holder's need in the 5 hours is unmet.
    let expected_unmet = holders * 1.0 * 5.0 * sim.scale();
    sim.assert_mean("unmet_needs.pay", expected_unmet);
    sim.assert_mean("unmet_needs.total", expected_unmet);
    sim.assert_mean("economic_loss.pay", 3.0 * expected_unmet);
    // Cut-off time has no noise at all.
    sim.assert_mean("person_hours_cut_off.pay", holders * 5.0 * sim.scale());
    sim.assert_mean("peak_cut_off_share.pay", holders / 100_000.0);
    // And the holders are the adoption share of the agents, within 4 binomial standard errors.
    let sd = (100_000.0_f64 * 0.7 * 0.3).sqrt();
    assert!((holders - 70_000.0).abs() <= 4.0 * sd, "holders {holders}");
}

/// An app on the redundancy group `group` of `dc_a` and `dc_b`; the fire holds `failed` down
/// from hour 2 for 6 hours.
fn redundant_app(group: &str, failed: &str) -> String {
    scenario(&format!(
        r#"
[[infrastructure]]
id = "dc_a"
[[infrastructure]]
id = "dc_b"

[[platforms]]
id = "app"
depends_on = [{group}]

[[adoption]]
platform = "app"
share = 0.5

[[services]]
id = "pay"
demand_per_day = 24
channels = [{{ platform = "app" }}]
value_per_unmet = 3

[[events]]
id = "fire"
fails = ["{failed}"]
at_hour = 2
duration_hours = 6
"#
    ))
}

#[test]
fn redundancy_group_with_failover_and_failover_success() {
    let text = redundant_app(
        r#"{ any_of = ["dc_a", "dc_b"], need = 1, failover_minutes = 30, failover_success = 0.6 }"#,
        "dc_a",
    );
    // Whether the failover works is one coin per replication, a large variance: 4 000
    // replications make 4 standard errors about 1.5 % of the mean.
    let sim = Simulated::new(&text.replace("replications = 400", "replications = 4000"));
    let holders = sim.holders("app", None);
    // Down for the 0.5 h failover, then, when the failover fails (40 %), until dc_a is back.
    let expected_hours_down = 0.5 + 0.4 * (6.0 - 0.5);
    sim.assert_mean(
        "unmet_needs.pay",
        holders * expected_hours_down * sim.scale(),
    );
    sim.assert_mean(
        "person_hours_cut_off.pay",
        holders * expected_hours_down * sim.scale(),
    );
}

/// A primary with its standby: failover 30 minutes, success 0.9.
const STANDBY: &str =
    r#"{ primary = "dc_a", standby = "dc_b", failover_minutes = 30, failover_success = 0.9 }"#;

/// Issue 12: a standby serves only after its primary fails, so failing it alone does nothing.
#[test]
fn a_failed_standby_alone_does_no_damage() {
    let sim = Simulated::new(&redundant_app(STANDBY, "dc_b"));
    for (index, name) in sim.names.iter().enumerate() {
        for row in &sim.values {
            assert_eq!(
                row[index], 0.0,
                "{name} must be exactly 0 with only the standby down"
            );
        }
    }
}

/// Issue 12: a failed primary costs the failover's 30 minutes, and when the failover fails (one
/// draw, probability 0.1) the rest of the primary's 6 hours.
#[test]
fn a_failed_primary_costs_the_failover_and_its_failures() {
    // One coin per replication with a large variance: at 4 000 replications 4 standard errors
    // are about 2.4 % of the mean, so a failover time or a success probability off by a tenth
    // (0.5 vs 0.55 h, 0.9 vs 0.81) is caught.
    let sim = Simulated::new(
        &redundant_app(STANDBY, "dc_a").replace("replications = 400", "replications = 4000"),
    );
    let holders = sim.holders("app", None);
    let expected_hours_down = 0.5 + (1.0 - 0.9) * (6.0 - 0.5);
    sim.assert_mean(
        "person_hours_cut_off.pay",
        holders * expected_hours_down * sim.scale(),
    );
    sim.assert_mean(
        "unmet_needs.pay",
        holders * expected_hours_down * sim.scale(),
    );
    sim.assert_mean(
        "economic_loss.pay",
        3.0 * holders * expected_hours_down * sim.scale(),
    );
    // The share of replications with the whole outage is the failure probability: the
    // cut-off hours are 0.5 or 6 per holder, nothing else.
    let hours: Vec<f64> = sim
        .column("person_hours_cut_off.pay")
        .iter()
        .map(|v| v / (holders * sim.scale()))
        .collect();
    assert!(
        hours
            .iter()
            .all(|h| (h - 0.5).abs() < 1e-9 || (h - 6.0).abs() < 1e-9)
    );
    let failed = hours.iter().filter(|h| **h > 1.0).count() as f64 / hours.len() as f64;
    let se = (0.1 * 0.9 / hours.len() as f64).sqrt();
    assert!(
        (failed - 0.1).abs() <= 4.0 * se,
        "failover failed in {failed} of replications"
    );
}

#[test]
fn redundancy_group_needing_two_of_three() {
    let text = scenario(
        r#"
[[infrastructure]]
id = "a"
[[infrastructure]]
id = "b"
[[infrastructure]]
id = "c"

[[platforms]]
id = "app"
depends_on = [{ any_of = ["a", "b", "c"], need = 2 }]

[[adoption]]
platform = "app"
share = 1.0

[[services]]
id = "pay"
demand_per_day = 24
channels = [{ platform = "app" }]

[[events]]
id = "one"
fails = ["a"]
at_hour = 1
duration_hours = 10
[[events]]
id = "two"
fails = ["b"]
at_hour = 4
duration_hours = 2
"#,
    );
    let sim = Simulated::new(&text);
    // Two of three are up except during 4–6 h, when only c is.
    sim.assert_mean("person_hours_cut_off.pay", 100_000.0 * 2.0 * sim.scale());
}

#[test]
fn restore_and_ramp() {
    let sim = Simulated::new(&one_app(
        "restore_hours = 1.5\nramp_hours = 4",
        r#"{ platform = "app" }"#,
        "",
        "5",
    ));
    let holders = sim.holders("app", None);
    // Down for the outage plus the restore; then capacity climbs linearly, so half the needs in
    // the 4-hour ramp fail.
    sim.assert_mean(
        "unmet_needs.pay",
        holders * (5.0 + 1.5 + 4.0 / 2.0) * sim.scale(),
    );
    // Ramping is up, so only the outage and the restore count as cut off.
    sim.assert_mean("person_hours_cut_off.pay", holders * 6.5 * sim.scale());
}

#[test]
fn restore_drawn_from_a_distribution() {
    let sim = Simulated::new(&one_app(
        r#"restore_hours = { dist = "uniform", min = 1, max = 3 }"#,
        r#"{ platform = "app" }"#,
        "",
        r#"{ dist = "triangular", min = 2, mode = 4, max = 9 }"#,
    ));
    let holders = sim.holders("app", None);
    // E[duration] = (2 + 4 + 9) / 3 = 5, E[restore] = 2.
    sim.assert_mean("person_hours_cut_off.pay", holders * 7.0 * sim.scale());
    sim.assert_mean("unmet_needs.pay", holders * 7.0 * sim.scale());
}

#[test]
fn offline_success_and_extra_minutes() {
    let sim = Simulated::new(&one_app(
        "",
        r#"{ platform = "app" }, { offline = "cash", success = 0.8, extra_minutes = 12 }"#,
        "",
        "5",
    ));
    let holders = sim.holders("app", None);
    let pushed = holders * 5.0 * sim.scale();
    // Pushed onto cash: 20 % fail; every attempt costs 12 minutes. Non-holders use cash anyway,
    // in both runs, so they add nothing.
    sim.assert_mean("unmet_needs.pay", pushed * 0.2);
    sim.assert_mean("extra_hours.pay", pushed * 12.0 / 60.0);
    sim.assert_mean(
        "economic_loss.pay",
        pushed * 0.2 * 3.0 + pushed * 12.0 / 60.0 * 10.0,
    );
}

#[test]
fn offline_capacity_congestion() {
    // 1 M people, 1 need an hour each; 30 % use cash normally (300 k an hour), cash serves at
    // most 400 k an hour. During the outage everyone comes: 1 M attempts an hour for 400 k places.
    let sim = Simulated::new(&one_app(
        "",
        r#"{ platform = "app" }, { offline = "cash", capacity_per_hour = 400000 }"#,
        "",
        "5",
    ));
    let attempts_per_hour = 100_000.0 * sim.scale();
    let baseline_per_hour = (100_000.0 - sim.holders("app", None)) * sim.scale();
    assert!(
        baseline_per_hour < 400_000.0,
        "baseline demand fits the capacity"
    );
    sim.assert_mean("unmet_needs.pay", 5.0 * (attempts_per_hour - 400_000.0));
}

#[test]
fn deferrable_needs_wait_for_the_platform() {
    let sim = Simulated::new(&one_app(
        "",
        r#"{ platform = "app" }"#,
        "deferrable_hours = 2",
        "5",
    ));
    let holders = sim.holders("app", None);
    // Needs in the last 2 hours of the 5-hour cut-off are met when the app returns.
    sim.assert_mean("delayed_needs.pay", holders * 2.0 * sim.scale());
    sim.assert_mean("unmet_needs.pay", holders * 3.0 * sim.scale());
    let longer = Simulated::new(&one_app(
        "",
        r#"{ platform = "app" }"#,
        "deferrable_hours = 8",
        "5",
    ));
    longer.assert_mean("unmet_needs.pay", 0.0);
    longer.assert_mean(
        "delayed_needs.pay",
        longer.holders("app", None) * 5.0 * longer.scale(),
    );
}

#[test]
fn per_segment_adoption_with_given() {
    let text = scenario(
        r#"
segments = [{ id = "young", share = 0.6 }, { id = "old", share = 0.4 }]

[[infrastructure]]
id = "dc"

[[platforms]]
id = "messenger"
[[platforms]]
id = "wallet"
depends_on = ["dc"]

[[adoption]]
platform = "wallet"
share = 0.5
given = "messenger"
[[adoption]]
platform = "messenger"
share = { default = 0.9, old = 0.5 }

[[services]]
id = "pay"
demand_per_day = { default = 24, old = 12 }
channels = [{ platform = "wallet" }]

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 2
duration_hours = 4
"#,
    );
    let sim = Simulated::new(&text);
    // The world: wallet holders are half of the messenger holders of each segment, nobody else.
    for (segment, agents, messenger_share) in [(0, 60_000.0_f64, 0.9), (1, 40_000.0, 0.5)] {
        let share = messenger_share * 0.5;
        let sd = (agents * share * (1.0 - share)).sqrt();
        let wallet = sim.holders("wallet", Some(segment));
        assert!(
            (wallet - agents * share).abs() <= 4.0 * sd,
            "segment {segment}: {wallet} wallet holders"
        );
        assert!(wallet <= sim.holders("messenger", Some(segment)));
    }
    let young = sim.holders("wallet", Some(0));
    let old = sim.holders("wallet", Some(1));
    sim.assert_mean(
        "unmet_needs.pay.by_segment.young",
        young * 1.0 * 4.0 * sim.scale(),
    );
    sim.assert_mean(
        "unmet_needs.pay.by_segment.old",
        old * 0.5 * 4.0 * sim.scale(),
    );
    sim.assert_mean(
        "person_hours_cut_off.total.by_segment.old",
        old * 4.0 * sim.scale(),
    );
}

#[test]
fn no_event_means_exactly_zero_damage() {
    // Every feature on, but the event never happens.
    let text = scenario(
        r#"
segments = [{ id = "young", share = 0.5 }, { id = "old", share = 0.5 }]

[[infrastructure]]
id = "dc_a"
[[infrastructure]]
id = "dc_b"

[[platforms]]
id = "app"
depends_on = [{ any_of = ["dc_a", "dc_b"], failover_minutes = 20, failover_success = 0.5 }]
restore_hours = { dist = "exponential", mean = 2 }
ramp_hours = 3
[[platforms]]
id = "other"

[[adoption]]
platform = "app"
share = { default = 0.8, old = 0.4 }
[[adoption]]
platform = "other"
share = 0.3
given = "app"

[[services]]
id = "pay"
demand_per_day = 10
profile = "daytime"
channels = [{ platform = "app" }, { platform = "other" }, { offline = "cash", success = 0.7, extra_minutes = 5, capacity_per_hour = 20000, segments = ["old"] }]
value_per_unmet = 4
deferrable_hours = 2

[[events]]
id = "never"
fails = ["dc_a", "dc_b"]
at_hour = { dist = "uniform", min = 0, max = 10 }
duration_hours = 5
probability = 0
"#,
    );
    let sim = Simulated::new(&text);
    for (index, name) in sim.names.iter().enumerate() {
        for row in &sim.values {
            assert_eq!(row[index], 0.0, "{name} must be exactly 0 with no event");
        }
    }
}

#[test]
fn same_results_on_one_and_four_threads() {
    let text = one_app(
        "restore_hours = { dist = \"exponential\", mean = 2 }\nramp_hours = 2",
        r#"{ platform = "app" }, { offline = "cash", success = 0.9, capacity_per_hour = 50000 }"#,
        "deferrable_hours = 1",
        "{ dist = \"lognormal\", median = 4, p95 = 10 }",
    );
    let run_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("thread pool: {e}"));
        pool.install(|| Simulated::new(&text).values)
    };
    let one = run_with(1);
    let four = run_with(4);
    assert_eq!(one.len(), 400);
    for (a, b) in one.iter().zip(&four) {
        let bits = |row: &Vec<f64>| row.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b));
    }
}

/// Messaging between contacts on an Erdős–Rényi graph (mean degree 10) where people hold
/// WhatsApp (90 %) and Telegram (30 %) independently, and WhatsApp fails for 4 hours.
fn pairwise_text(extra: &str) -> String {
    scenario(&format!(
        r#"
[social]
model = "erdos_renyi"
mean_degree = 10

[[infrastructure]]
id = "dc"

[[platforms]]
id = "wa"
depends_on = ["dc"]
[[platforms]]
id = "tg"
installable = true

[[adoption]]
platform = "wa"
share = 0.9
[[adoption]]
platform = "tg"
share = 0.3

[[services]]
id = "messaging"
pairwise = true
demand_per_day = 24
channels = [{{ platform = "wa" }}, {{ platform = "tg" }}]

[[events]]
id = "down"
fails = ["dc"]
at_hour = 2
duration_hours = 4
{extra}
"#
    ))
}

/// The world's sampling error of a share estimated over `agents` people whose ties overlap:
/// each person's platforms enter about `c` ties, and bounding every covariance by the variance
/// gives a standard error of at most 2·sqrt(p(1 − p)/agents) (with ties = agents·c/2).
fn world_standard_error(p: f64, agents: f64) -> f64 {
    2.0 * (p * (1.0 - p) / agents).sqrt()
}

#[test]
fn pairwise_ties_cut_reach_and_unmet_match_independent_holding() {
    let sim = Simulated::new(&pairwise_text(""));
    let (a, b, c, agents) = (0.9_f64, 0.3_f64, 10.0_f64, 100_000.0);
    // A tie works normally when both hold WhatsApp or both hold Telegram; during the outage only
    // the second.
    let ties_cut = 1.0 - (1.0 - a * a) * (1.0 - b * b) - b * b;
    let measured = sim.column("ties_cut_peak_share.messaging")[0];
    assert!(
        (measured - ties_cut).abs() <= 4.0 * world_standard_error(ties_cut, agents),
        "ties cut {measured} vs {ties_cut}"
    );
    // A need goes to a random contact: unmet when the two share WhatsApp but not Telegram.
    let unmet_share = a * a * (1.0 - b * b);
    let expected_unmet = agents * sim.scale() * 1.0 * 4.0 * unmet_share;
    let values = sim.column("unmet_needs.messaging");
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let tolerance = 4.0
        * (world_standard_error(unmet_share, agents) * agents * sim.scale() * 4.0
            + (expected_unmet * sim.scale()).sqrt());
    assert!(
        (mean - expected_unmet).abs() <= tolerance,
        "unmet {mean} vs {expected_unmet} ± {tolerance}"
    );
    // Cut off: WhatsApp users who normally reach someone and share Telegram with no contact.
    // Contacts are Poisson(c); a contact shares WhatsApp with probability a, Telegram with b.
    let cut = a * (1.0 - b) * (1.0 - (-c * a).exp())
        + a * b * ((-c * b).exp() - (-c * (1.0 - (1.0 - a) * (1.0 - b))).exp());
    let measured = sim.column("peak_cut_off_share.messaging")[0];
    assert!(
        (measured - cut).abs() <= 4.0 * world_standard_error(cut, agents),
        "cut off {measured} vs {cut}"
    );
    sim.assert_mean(
        "person_hours_cut_off.messaging",
        measured * agents * 4.0 * sim.scale(),
    );
    // The working ties during the outage are those between Telegram holders: site percolation
    // with occupation b, whose giant component S solves S = b (1 − exp(−c S)).
    let giant = (0..200).fold(b, |s, _| b * (1.0 - (-c * s).exp()));
    let measured = sim.column("reachable_min_share.messaging")[0];
    assert!(
        (measured - giant).abs() <= 4.0 * world_standard_error(giant, agents) + 1.0 / agents.sqrt(),
        "giant component {measured} vs {giant}"
    );
}

#[test]
fn pairwise_with_no_event_does_no_damage() {
    let sim =
        Simulated::new(&pairwise_text("").replace("at_hour = 2", "at_hour = 2\nprobability = 0"));
    for (index, name) in sim.names.iter().enumerate() {
        // The lowest reachable share is a level, not a damage: with nothing failed it is the
        // normal giant component.
        if name.starts_with("reachable_min_share") {
            continue;
        }
        for row in &sim.values {
            assert_eq!(row[index], 0.0, "{name} must be exactly 0 with no event");
        }
    }
}

/// Everyone holds WhatsApp, nobody Telegram; WhatsApp fails for 4 hours; people cut off install
/// Telegram.
fn switching_text(rule: &str) -> String {
    pairwise_text(&format!(
        "[[behaviour.switching]]\nplatform = \"tg\"\n{rule}"
    ))
    .replace(
        "platform = \"wa\"\nshare = 0.9",
        "platform = \"wa\"\nshare = 1.0",
    )
    .replace(
        "platform = \"tg\"\nshare = 0.3",
        "platform = \"tg\"\nshare = 0.0",
    )
}

/// Power of `switching_at_a_base_rate`. Each agent with a contact installs independently with
/// probability p = 1 − exp(−rate × 4 h), so `installs.tg` is binomial: per replication its
/// standard deviation over its mean is sqrt((1 − p) / (N p)) for N agents with a contact, and the
/// smallest relative bias that `assert_mean` (4 standard errors) catches with 90 % power over R
/// replications is about (4 + 1.28) · sqrt((1 − p) / (N p R)). With N = 100 000 and R = 400:
/// 0.18 % at 0.05 an hour (p = 0.181) and 0.011 % at 1 an hour (p = 0.982); in the install hazard
/// (rate × hours) these are 0.20 % and 0.15 %, before and after. They depend on N, R and p, not
/// on the contact graph, so the test keeps them and runs on a ring (Watts–Strogatz, 2 contacts
/// each) instead of Erdős–Rényi with 10: an install updates the counts of each contact, and the
/// 98 000 installs a replication at 1 an hour were nearly all of the test's time (about 15 s of
/// CPU before, 5 s after). On the old graph about 4.5 of the 100 000 agents had no contact and can never be cut
/// off, which moved the closed form by about 2 of the 4 standard errors at 1 an hour; the
/// expectation now counts the agents with a contact in the drawn world.
#[test]
fn switching_at_a_base_rate() {
    // Nobody else holds Telegram, so a non-installer is never reconnected: everyone with a
    // contact is exposed for the whole outage and installs with probability 1 − exp(−rate × 4 h).
    // At 0.05 an hour a 6-minute slice draws few installers (skipping through all agents); at 1
    // an hour, many (skipping through the people cut off).
    for rate in [0.05_f64, 1.0] {
        let sim = Simulated::new(
            &switching_text(&format!("base_rate_per_hour = {rate}")).replace(
                "model = \"erdos_renyi\"\nmean_degree = 10",
                "model = \"watts_strogatz\"\nmean_degree = 2",
            ),
        );
        let graph = sim
            .world
            .contacts
            .as_ref()
            .unwrap_or_else(|| panic!("contacts"));
        let exposed = (0..sim.world.people.count())
            .filter(|&a| graph.degree(a as u32) > 0)
            .count() as f64;
        assert!(exposed > 99_000.0, "a ring leaves almost no one alone");
        let p = 1.0 - (-rate * 4.0).exp();
        sim.assert_mean("installs.tg", exposed * p * sim.scale());
        sim.assert_mean("platform_share_before.tg", 0.0);
        sim.assert_mean("platform_share_after.tg", exposed * p / 100_000.0);
    }
}

#[test]
fn switching_by_threshold_spreads_through_the_giant_component() {
    // A threshold of 1 % means one contact with Telegram is enough: from the first installer the
    // cascade takes the whole connected component, whose share S solves S = 1 − exp(−c S).
    // The cascade's reach barely varies between replications: 40 suffice.
    let sim = Simulated::new(
        &switching_text("base_rate_per_hour = 0.01\nthreshold = 0.01")
            .replace("replications = 400", "replications = 40"),
    );
    let giant = (0..200).fold(1.0, |s: f64, _| 1.0 - (-10.0 * s).exp());
    let installs = sim.column("installs.tg");
    let share = installs.iter().sum::<f64>() / installs.len() as f64 / (100_000.0 * sim.scale());
    // The seeds outside the giant component add at most 1 − S more.
    assert!(
        share >= giant - 4.0 * world_standard_error(giant, 100_000.0) && share <= 1.0,
        "installed share {share} vs giant component {giant}"
    );
    // Installs take effect at the end of a 6-minute slice: until the first slice with an
    // installer ends every message fails; after the cascade only pairs outside the giant
    // component fail (at most a share 2 (1 − S) of the 3.9 hours left).
    let needs_per_hour = 100_000.0 * sim.scale();
    let first_slices = needs_per_hour * 0.1 * (1.0 / (1.0 - (-0.01_f64 * 100_000.0 * 0.1).exp()));
    let bound = first_slices + needs_per_hour * 3.9 * 2.0 * (1.0 - giant);
    let unmet = sim.column("unmet_needs.messaging");
    let mean = unmet.iter().sum::<f64>() / unmet.len() as f64;
    assert!(
        mean <= bound + 4.0 * (bound * sim.scale()).sqrt(),
        "unmet {mean} vs at most {bound}"
    );
    assert!(
        mean >= needs_per_hour * 0.1 * 0.9,
        "unmet {mean}: the first slice fails"
    );
}

#[test]
fn switching_with_no_event_installs_nothing() {
    let sim = Simulated::new(
        &switching_text("base_rate_per_hour = 0.5\nthreshold = 0.01")
            .replace("at_hour = 2", "at_hour = 2\nprobability = 0")
            .replace("replications = 400", "replications = 40"),
    );
    sim.assert_mean("installs.tg", 0.0);
    sim.assert_mean("unmet_needs.messaging", 0.0);
}

#[test]
fn switching_gives_the_same_results_on_one_and_four_threads() {
    let text = switching_text(
        "base_rate_per_hour = 0.02\nthreshold = { dist = \"uniform\", min = 0.05, max = 0.5 }",
    )
    .replace("replications = 400", "replications = 20");
    let run_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("thread pool: {e}"));
        pool.install(|| Simulated::new(&text).values)
    };
    let bits = |rows: Vec<Vec<f64>>| {
        rows.into_iter()
            .flatten()
            .map(f64::to_bits)
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(run_with(1)), bits(run_with(4)));
}

#[test]
fn people_already_at_their_threshold_have_settled() {
    // Half hold Telegram. With a threshold of 0, everyone with at least one Telegram contact is
    // already at their threshold before the outage: they have settled, so no cascade moves them
    // and only the base rate acts; non-holders are cut off for the whole outage and install with
    // probability p = 1 − exp(−rate × 4 h). The few with no Telegram contact at all are not at
    // their threshold (it takes one adopting contact), so a contact's install can move them:
    // they install with probability between p and 1.
    let text = switching_text("base_rate_per_hour = 0.05\nthreshold = 0")
        .replace(
            "platform = \"tg\"\nshare = 0.0",
            "platform = \"tg\"\nshare = 0.5",
        )
        .replace("replications = 400", "replications = 100");
    let sim = Simulated::new(&text);
    let node = sim
        .world
        .scenario
        .nodes
        .iter()
        .position(|n| n.id == "tg")
        .unwrap_or_else(|| panic!("tg"));
    let bit = 1u64 << sim.world.platform_bit[node].unwrap_or_else(|| panic!("tg is a platform"));
    let graph = sim
        .world
        .contacts
        .as_ref()
        .unwrap_or_else(|| panic!("contacts"));
    let platforms = &sim.world.people.platforms;
    let non_holders = platforms.iter().filter(|set| *set & bit == 0).count() as f64;
    let unsettled = (0..platforms.len())
        .filter(|&i| {
            platforms[i] & bit == 0
                && graph.degree(i as u32) > 0
                && graph
                    .neighbours(i as u32)
                    .iter()
                    .all(|&c| platforms[c as usize] & bit == 0)
        })
        .count() as f64;
    let p = 1.0 - (-0.05_f64 * 4.0).exp();
    let installs = sim.column("installs.tg");
    let n = installs.len() as f64;
    let mean = installs.iter().sum::<f64>() / n;
    let se = (installs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
    let lower = non_holders * p * sim.scale();
    let upper = ((non_holders - unsettled) * p + unsettled) * sim.scale();
    assert!(
        mean >= lower - 4.0 * se && mean <= upper + 4.0 * se,
        "installs {mean} outside [{lower}, {upper}] ± 4 × {se}"
    );
    // The old rule (anyone at their threshold moves when touched) would take almost everyone.
    assert!(upper < 0.5 * non_holders * sim.scale());
}

/// Two pairwise services through the same apps: a person cut off from both is still one
/// person, who installs at the base rate once, not twice (review of issue 3).
#[test]
fn a_person_cut_off_from_two_services_installs_at_the_base_rate() {
    let text = switching_text("base_rate_per_hour = 0.05").replace(
        "[[events]]",
        "[[services]]\nid = \"calls\"\npairwise = true\ndemand_per_day = 6\nchannels = [{ platform = \"wa\" }, { platform = \"tg\" }]\n\n[[events]]",
    );
    let sim = Simulated::new(&text);
    let p = 1.0 - (-0.05_f64 * 4.0).exp();
    sim.assert_mean("installs.tg", 100_000.0 * p * sim.scale());
}

/// Service A (x, y) gets its channel back while service B (z, y) is still down and people keep
/// installing y: A's counts must stay those of a full recount, never negative (review of
/// issue 3).
#[test]
fn one_service_back_while_another_is_down_keeps_counts_whole() {
    let text = scenario(
        r#"
[social]
model = "erdos_renyi"
mean_degree = 6

[[platforms]]
id = "x"
[[platforms]]
id = "z"
[[platforms]]
id = "y"
installable = true

[[adoption]]
platform = "x"
share = 1.0
[[adoption]]
platform = "z"
share = 1.0

[[services]]
id = "a"
pairwise = true
demand_per_day = 24
channels = [{ platform = "x" }, { platform = "y" }]
[[services]]
id = "b"
pairwise = true
demand_per_day = 24
channels = [{ platform = "z" }, { platform = "y" }]

[[events]]
id = "x_down"
fails = ["x"]
at_hour = 1
duration_hours = 2
[[events]]
id = "z_down"
fails = ["z"]
at_hour = 1
duration_hours = 10

[[behaviour.switching]]
platform = "y"
base_rate_per_hour = 0.3
"#,
    )
    .replace("replications = 400", "replications = 20")
    .replace("agents = 100000", "agents = 20000");
    let sim = Simulated::new(&text);
    for (index, name) in sim.names.iter().enumerate() {
        for row in &sim.values {
            assert!(row[index] >= 0.0, "{name} is {} < 0", row[index]);
        }
    }
    // A is cut off exactly while x is down and before anyone installs: at most 2 hours each.
    let a = sim.column("person_hours_cut_off.a");
    assert!(
        a.iter().all(|v| *v <= 20_000.0 * sim.scale() * 2.0 + 1e-6),
        "A's cut-off {a:?}"
    );
}

/// A horizon a hair past a whole number of output steps puts its last sliver in the last step
/// (review of issue 2: it indexed past the end).
#[test]
fn a_sliver_of_horizon_past_the_last_step_is_kept_in_it() {
    let text = one_app("", r#"{ platform = "app" }"#, "", "5")
        .replace(
            "horizon_hours = 24",
            "horizon_hours = 30.000000005\nstep_minutes = 600",
        )
        .replace("replications = 400", "replications = 5");
    let sim = Simulated::new(&text);
    sim.assert_mean(
        "person_hours_cut_off.pay",
        sim.holders("app", None) * 5.0 * sim.scale(),
    );
}

/// Issue 12: the `cash_ready` variant (cash success 0.6 → 0.9) lowers the person-hours stranded
/// to their closed form, holders × 5 h × (1 − success), and leaves the person-hours cut off
/// ("lost their platform") exactly as they were. Stranded hours are expectations given the
/// timeline, and the timeline here is fixed, so both are exact to rounding (the 4-standard-error
/// tolerance is the 1e-9 relative floor): a bias of one part in 10⁹ would show.
#[test]
fn cash_ready_lowers_stranded_hours_and_leaves_cut_off_as_it_was() {
    let with_cash = |success: &str| {
        Simulated::new(&one_app(
            "",
            &format!(r#"{{ platform = "app" }}, {{ offline = "cash", success = {success} }}"#),
            "",
            "5",
        ))
    };
    let (today, cash_ready) = (with_cash("0.6"), with_cash("0.9"));
    let holders = today.holders("app", None);
    assert_eq!(holders, cash_ready.holders("app", None), "the same world");
    let hours = holders * 5.0 * today.scale();
    today.assert_mean("person_hours_stranded.pay", hours * 0.4);
    cash_ready.assert_mean("person_hours_stranded.pay", hours * 0.1);
    today.assert_mean("person_hours_stranded.total", hours * 0.4);
    today.assert_mean("peak_stranded_share.pay", holders / 100_000.0 * 0.4);
    today.assert_mean("person_hours_cut_off.pay", hours);
    assert_eq!(
        today.column("person_hours_cut_off.pay"),
        cash_ready.column("person_hours_cut_off.pay"),
        "cut off counts platforms only: the same bits"
    );
}

/// Issue 12: congestion strands people who never held the platform. Cash serves 400 k an hour;
/// during the outage all 1 M people come (acceptance 0.4) while the baseline's 300 k fit: every
/// person, holder or not, is stranded with chance 0.6 for the 5 hours.
#[test]
fn congested_cash_strands_everyone_who_needs_it() {
    let sim = Simulated::new(&one_app(
        "",
        r#"{ platform = "app" }, { offline = "cash", capacity_per_hour = 400000 }"#,
        "",
        "5",
    ));
    let people = 100_000.0 * sim.scale();
    sim.assert_mean("person_hours_stranded.pay", people * 5.0 * 0.6);
    sim.assert_mean("peak_stranded_share.pay", 0.6);
    sim.assert_mean(
        "person_hours_cut_off.pay",
        sim.holders("app", None) * 5.0 * sim.scale(),
    );
}

/// The warnings of a run of `text`, and the share of its replications still below full capacity
/// at the end (read back from the horizon warning's kind).
fn warnings_of(text: &str) -> Vec<concrisk::results::warnings::Warning> {
    let scenario = scenario::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
    let outcomes = engine::run(
        &world,
        &RunConfig {
            first_replication: 0,
            replications: world.scenario.run.replications,
        },
        &Silent,
    );
    let info = RunInfo {
        variant: None,
        command: String::new(),
        threads: 1,
        run_seconds: 0.0,
    };
    let hours = engine::step_starts(&world.scenario);
    RunResults::collect(&world, &outcomes, hours, info).warnings
}

/// Issue 12: the horizon warning appears exactly when a draw can pass the horizon — an outage at
/// hour 2 for 5 hours ends at 7: none at horizon 7 (it ends exactly there), one at 6.9 (with
/// every replication still down), one when a restore can carry it past, one for a duration
/// unbounded above; and the share it states is the share of replications still down, here
/// P(uniform 2–6 > 5) = 1/4 within 4 binomial standard errors of 400 replications.
#[test]
fn the_horizon_warning_appears_exactly_when_a_draw_can_pass_the_horizon() {
    let with = |horizon: &str, platform: &str, duration: &str| {
        let text = one_app(platform, r#"{ platform = "app" }"#, "", duration)
            .replace("horizon_hours = 24", &format!("horizon_hours = {horizon}"))
            .replace("agents = 100000", "agents = 2000");
        let kinds: Vec<(String, String)> = warnings_of(&text)
            .into_iter()
            .map(|w| (w.kind, w.message))
            .collect();
        kinds
    };
    let horizon = |w: &[(String, String)]| {
        w.iter()
            .find(|(kind, _)| kind == "horizon")
            .map(|(_, message)| message.clone())
    };
    assert_eq!(horizon(&with("24", "", "5")), None);
    assert_eq!(
        horizon(&with("7", "", "5")),
        None,
        "ends exactly at the horizon"
    );
    let cut = horizon(&with("6.9", "", "5")).expect("a 5-hour outage from hour 2 passes 6.9");
    assert!(cut.contains("In 100 % of the replications"), "{cut}");
    let restored = horizon(&with("7.5", "restore_hours = 1", "5")).expect("restore passes 7.5");
    assert!(restored.contains("hour 8"), "{restored}");
    assert!(horizon(&with("7.5", "ramp_hours = 0.4", "5")).is_none());
    assert!(horizon(&with("72", "", r#"{ dist = "exponential", mean = 1 }"#)).is_some());
    let some = horizon(&with("7", "", r#"{ dist = "uniform", min = 2, max = 6 }"#))
        .expect("a uniform 2–6 h outage from hour 2 can pass hour 7");
    let share: f64 = some
        .split("In ")
        .nth(1)
        .and_then(|rest| rest.split(" %").next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("a share in {some}"));
    let sd = 100.0 * (0.25_f64 * 0.75 / 400.0).sqrt();
    assert!(
        (share - 25.0).abs() <= 4.0 * sd + 0.05,
        "{share} % in {some}"
    );
}

/// Issue 12: fewer than 30 replications and a segment with fewer than 400 agents are warned
/// about; 30 replications and 400 agents are not.
#[test]
fn too_few_replications_and_agents_are_warned_about() {
    let kinds = |replications: u32, agents: u32| -> Vec<String> {
        let text = one_app("", r#"{ platform = "app" }"#, "", "5")
            .replace(
                "replications = 400",
                &format!("replications = {replications}"),
            )
            .replace("agents = 100000", &format!("agents = {agents}"));
        warnings_of(&text).into_iter().map(|w| w.kind).collect()
    };
    assert_eq!(kinds(29, 399), ["replications", "few_agents"]);
    assert!(kinds(30, 400).is_empty());
}

/// Two services on the platforms `a` and `b` (both on one data centre, down 2–7 h), held as
/// `adoption` says, each with the `channels_tail` after its platform.
fn two_services(adoption: &str, channels_tail: &str) -> String {
    scenario(&format!(
        r#"
[[population.segments]]
id = "x"
share = 0.5
[[population.segments]]
id = "y"
share = 0.5

[[infrastructure]]
id = "dc"

[[platforms]]
id = "a"
depends_on = ["dc"]
[[platforms]]
id = "b"
depends_on = ["dc"]

{adoption}

[[services]]
id = "shop"
demand_per_day = 24
channels = [{{ platform = "a" }}{channels_tail}]

[[services]]
id = "bank"
demand_per_day = 24
channels = [{{ platform = "b" }}{channels_tail}]

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 2
duration_hours = 5
"#
    ))
}

/// Issue 12: the union over services. Disjoint services (segment x holds only a, y only b): the
/// union equals the sum, the x and y agents × 5 h. Overlapping services (everyone holds both):
/// the union is half the sum, each person once. Stranded, with cash (success 0.6) behind each
/// platform and both held by all: each service strands a person
/// with chance 0.4, at least one of two with 1 − 0.6² = 0.64 < 0.8. Cut-off and stranded are
/// exact given the fixed timeline (tolerance: 1e-9 relative).
#[test]
fn the_union_equals_the_sum_for_disjoint_services_and_is_below_it_for_overlapping_ones() {
    let disjoint = Simulated::new(&two_services(
        "[[adoption]]\nplatform = \"a\"\nshare = { default = 0, x = 1 }\n\
         [[adoption]]\nplatform = \"b\"\nshare = { default = 0, y = 1 }",
        "",
    ));
    let people = 100_000.0 * disjoint.scale();
    disjoint.assert_mean("person_hours_cut_off.total", people * 5.0);
    disjoint.assert_mean("person_hours_cut_off.any", people * 5.0);
    let starts = disjoint.world.people.segment_starts.clone();
    let x = (starts[1] - starts[0]) as f64 * disjoint.scale();
    disjoint.assert_mean("person_hours_cut_off.any.by_segment.x", x * 5.0);
    disjoint.assert_mean("person_hours_stranded.any", people * 5.0);

    let both =
        "[[adoption]]\nplatform = \"a\"\nshare = 1\n[[adoption]]\nplatform = \"b\"\nshare = 1";
    let overlapping = Simulated::new(&two_services(both, ""));
    overlapping.assert_mean("person_hours_cut_off.total", 2.0 * people * 5.0);
    overlapping.assert_mean("person_hours_cut_off.any", people * 5.0);

    let cash = Simulated::new(&two_services(
        both,
        r#", { offline = "cash", success = 0.6 }"#,
    ));
    cash.assert_mean("person_hours_stranded.total", people * 5.0 * 0.8);
    cash.assert_mean("person_hours_stranded.any", people * 5.0 * 0.64);
    cash.assert_mean("person_hours_cut_off.any", people * 5.0);
}

/// The world of a scenario text and the outcomes of its 400 replications.
fn outcomes_of(text: &str) -> (World, Vec<engine::ReplicationOutcome>) {
    let scenario = scenario::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    let world = World::build(scenario).unwrap_or_else(|e| panic!("{e}"));
    let outcomes = engine::run(
        &world,
        &RunConfig {
            first_replication: 0,
            replications: 400,
        },
        &Silent,
    );
    (world, outcomes)
}

/// Issue 12: `daily.csv`'s days. A fixed outage from 22:00 to 03:00 local time spans midnight:
/// 2 hours of it fall on the first day and 3 on the second, in closed form; and every additive
/// metric's days add up to the run's total, replication by replication.
#[test]
fn damage_per_local_day_splits_at_midnight_and_adds_up() {
    let text = one_app("", r#"{ platform = "app" }"#, "", "5").replace(
        "seed = 7",
        "seed = 7\nstart = \"2022-10-15T20:00:00+09:00\"",
    );
    let (world, outcomes) = outcomes_of(&text);
    let scenario = &world.scenario;
    let columns = concrisk::results::metrics::columns(scenario);
    let priced = vec![scenario; outcomes.len()];
    let daily = concrisk::results::daily::Daily::collect(scenario, &priced, &columns, &outcomes);
    assert_eq!(daily.dates, ["2022-10-15", "2022-10-16"]);
    let sim = Simulated::new(&text);
    let holders = sim.holders("app", None);
    let metric = |name: &str| {
        daily
            .metrics
            .iter()
            .position(|m| m == name)
            .unwrap_or_else(|| panic!("no daily {name}"))
    };
    // Cut-off time has no noise: exact to rounding.
    for (day, hours) in [(0, 2.0), (1, 3.0)] {
        let expected = holders * hours * sim.scale();
        let got = daily.mean[day][metric("person_hours_cut_off.pay")];
        assert!(
            (got - expected).abs() <= 1e-9 * expected,
            "day {day}: {got} vs {expected}"
        );
        let peak = daily.mean[day][metric("peak_cut_off_share.pay")];
        assert!(
            (peak - holders / 100_000.0).abs() < 1e-12,
            "day {day}: peak {peak}"
        );
    }
    // Unmet needs per day: Poisson with mean holders × 1 an hour × hours × scale per
    // replication; the mean of 400 is within 4 standard errors (sqrt(mean / scale) × scale / 20),
    // which detects a bias of about 0.5 % (a need counted on the wrong side of midnight).
    for (day, hours) in [(0, 2.0), (1, 3.0)] {
        let expected = holders * hours * sim.scale();
        let se = (expected * sim.scale() / 400.0).sqrt();
        let got = daily.mean[day][metric("unmet_needs.pay")];
        assert!(
            (got - expected).abs() <= 4.0 * se,
            "day {day}: {got} vs {expected}"
        );
    }
    // Additive metrics: the days of each replication add up to its total.
    let additive = [
        "unmet_needs.pay",
        "unmet_needs.total",
        "person_hours_cut_off.total",
        "economic_loss.total",
        "extra_hours.pay",
    ];
    for outcome in &outcomes {
        let days = concrisk::results::daily::values(
            scenario,
            &concrisk::results::daily::columns(&columns),
            outcome,
        );
        for name in additive {
            let column = columns
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("{name}"));
            let total = column.value(scenario, outcome);
            let sum: f64 = days.iter().map(|row| row[metric(name)]).sum();
            assert!(
                (sum - total).abs() <= 1e-12 * total.abs(),
                "{name}: days {sum} vs total {total}"
            );
        }
    }
}

/// Issue 12: "back at" is the median return with its 5th–95th percentiles. The data centre is
/// down from hour 2 for a fixed 5 hours in half the replications; the app on it then restores
/// in U(1, 3) hours, so among the replications in which it went down its return hour is
/// 7 + U(1, 3): median 9, 5th percentile 8.1, 95th 9.9, and the data centre's is exactly 7.
#[test]
fn back_at_is_the_median_return_with_its_five_to_ninety_five_span() {
    let text = one_app(
        r#"restore_hours = { dist = "uniform", min = 1, max = 3 }"#,
        r#"{ platform = "app" }"#,
        "",
        "5\nprobability = 0.5",
    );
    let (world, outcomes) = outcomes_of(&text);
    let node = |id: &str| {
        let n = world
            .scenario
            .nodes
            .iter()
            .position(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"));
        concrisk::results::recovery::Recovery::of_nodes(world.scenario.nodes.len(), 24.0, &outcomes)
            [n]
            .unwrap_or_else(|| panic!("{id} went down"))
    };
    let (dc, app) = (node("dc"), node("app"));
    // The share of replications it went down in is binomial(400, 0.5): standard error 0.025.
    assert!((app.share_down - 0.5).abs() <= 4.0 * 0.025, "{app:?}");
    assert_eq!(dc.share_down, app.share_down);
    assert_eq!((dc.p05, dc.p50, dc.p95), (Some(7.0), Some(7.0), Some(7.0)));
    // A sample quantile of m draws has standard error sqrt(q (1 − q) / m) / f, with f = 1/2 the
    // density of 7 + U(1, 3), m the replications that went down (about 200): 0.071 at the
    // median, 0.031 at the 5th and 95th percentiles. Four of them are 0.28 and 0.12 hours: a
    // return read one hour late (a whole step), or the slowest replication's, fails.
    let m = app.share_down * 400.0;
    let se = |q: f64| (q * (1.0 - q) / m).sqrt() / 0.5;
    for (got, expected, q) in [
        (app.p05, 8.1, 0.05),
        (app.p50, 9.0, 0.5),
        (app.p95, 9.9, 0.95),
    ] {
        let got = got.unwrap_or_else(|| panic!("quantile {q} is back"));
        assert!(
            (got - expected).abs() <= 4.0 * se(q),
            "quantile {q}: {got} vs {expected} (tolerance {})",
            4.0 * se(q)
        );
    }
}

/// Issue 12: people ever cut off. A fixed outage of the one platform, twice (2–7 h and 12–15 h):
/// the people ever cut off are its holders, each once however often they lost it, exactly (no
/// noise given the drawn world: tolerance 1e-9 relative), while their hours add up (8 h each),
/// so that the hours per person who lost it are 8 exactly.
#[test]
fn people_ever_cut_off_are_the_holders_once_however_often_they_lose_it() {
    let text = one_app("", r#"{ platform = "app" }"#, "", "5")
        + "\n[[events]]\nid = \"again\"\nfails = [\"dc\"]\nat_hour = 12\nduration_hours = 3\n";
    let sim = Simulated::new(&text);
    let holders = sim.holders("app", None) * sim.scale();
    sim.assert_mean("people_ever_cut_off.pay", holders);
    sim.assert_mean("people_ever_cut_off.any", holders);
    sim.assert_mean("person_hours_cut_off.pay", holders * 8.0);
    // Hours per person who lost it: the 8 hours each holder lost, with no noise at all.
    let per = concrisk::results::per_person::who_lost_it(&sim.names, &sim.values);
    for name in ["person_hours_cut_off.pay", "person_hours_cut_off.any"] {
        let p = per[name];
        assert!((p.mean - 8.0).abs() < 1e-9 && p.se < 1e-9, "{name}: {p:?}");
        assert!((p.people - holders).abs() < 1e-9 * holders, "{name}: {p:?}");
    }
}

/// `two_services` with `b` on a second data centre that fails at 10–13 h, after `a`'s 2–7 h.
fn two_services_at_disjoint_times(adoption: &str) -> String {
    two_services(adoption, "")
        .replace(
            "id = \"b\"\ndepends_on = [\"dc\"]",
            "id = \"b\"\ndepends_on = [\"dc2\"]\n[[infrastructure]]\nid = \"dc2\"",
        )
        .replace(
            "duration_hours = 5\n",
            "duration_hours = 5\n[[events]]\nid = \"flood\"\nfails = [\"dc2\"]\nat_hour = 10\nduration_hours = 3\n",
        )
}

/// Issue 12: the union of people ever cut off, for two platforms failing at disjoint times.
/// Disjoint holders (segment x holds only a, y only b): the union is the sum, everyone once.
/// Overlapping holders (everyone holds a, x holds b too): the sum counts x twice (people + x),
/// the union everyone once. Exact given the drawn world (tolerance 1e-9 relative).
#[test]
fn people_ever_cut_off_union_is_the_sum_for_disjoint_holders_and_below_it_for_overlapping() {
    let disjoint = Simulated::new(&two_services_at_disjoint_times(
        "[[adoption]]\nplatform = \"a\"\nshare = { default = 0, x = 1 }\n\
         [[adoption]]\nplatform = \"b\"\nshare = { default = 0, y = 1 }",
    ));
    let scale = disjoint.scale();
    let people = 100_000.0 * scale;
    let starts = disjoint.world.people.segment_starts.clone();
    let x = (starts[1] - starts[0]) as f64 * scale;
    disjoint.assert_mean("people_ever_cut_off.shop", x);
    disjoint.assert_mean("people_ever_cut_off.bank", people - x);
    disjoint.assert_mean("people_ever_cut_off.any", people);
    disjoint.assert_mean("people_ever_cut_off.any.by_segment.x", x);
    disjoint.assert_mean("people_ever_cut_off.shop.by_segment.y", 0.0);

    let overlapping = Simulated::new(&two_services_at_disjoint_times(
        "[[adoption]]\nplatform = \"a\"\nshare = 1\n\
         [[adoption]]\nplatform = \"b\"\nshare = { default = 0, x = 1 }",
    ));
    overlapping.assert_mean("people_ever_cut_off.shop", people);
    overlapping.assert_mean("people_ever_cut_off.bank", x);
    overlapping.assert_mean("people_ever_cut_off.any", people);
    overlapping.assert_mean("people_ever_cut_off.any.by_segment.y", people - x);
}

/// Issue 12: people ever cut off from a pairwise service are those who normally reach a contact
/// and, while WhatsApp is down, share a working platform with none: counted from the world
/// itself (its bitset of who normally reaches someone and a fresh count of who reaches someone
/// on Telegram alone), exactly. Switching at 1 an hour reconnects most of them within the
/// outage, which lowers their hours but not who was ever cut off (everyone is cut off in the
/// first slice). A second service on WhatsApp alone cuts off every WhatsApp holder, and everyone
/// cut off from messaging holds WhatsApp: the union is the WhatsApp holders, each once.
#[test]
fn people_ever_cut_off_from_a_pairwise_service_are_counted_person_by_person() {
    let pay =
        "\n[[services]]\nid = \"pay\"\ndemand_per_day = 24\nchannels = [{ platform = \"wa\" }]\n";
    let sim = Simulated::new(&(pairwise_text("") + pay));
    let graph = sim
        .world
        .contacts
        .as_ref()
        .unwrap_or_else(|| panic!("contacts"));
    let people = &sim.world.people;
    let bit = |id: &str| {
        let node = sim.world.scenario.nodes.iter().position(|n| n.id == id);
        node.and_then(|n| sim.world.platform_bit[n])
            .map_or(0, |b| 1u64 << b)
    };
    let (wa, tg) = (bit("wa"), bit("tg"));
    // Cut off: holds WhatsApp and shares it with a contact (normally reaching via WhatsApp, or
    // via Telegram) and shares Telegram with no contact.
    let shares = |a: usize, platform: u64| {
        graph
            .neighbours(a as u32)
            .iter()
            .any(|&c| people.platforms[a] & people.platforms[c as usize] & platform != 0)
    };
    let cut = (0..people.count())
        .filter(|&a| shares(a, wa | tg) && !shares(a, tg))
        .count() as f64
        * sim.scale();
    assert!(cut > 0.0);
    sim.assert_mean("people_ever_cut_off.messaging", cut);
    sim.assert_mean(
        "people_ever_cut_off.pay",
        sim.holders("wa", None) * sim.scale(),
    );
    sim.assert_mean(
        "people_ever_cut_off.any",
        sim.holders("wa", None) * sim.scale(),
    );

    let switching = Simulated::new(
        &(pairwise_text("[[behaviour.switching]]\nplatform = \"tg\"\nbase_rate_per_hour = 1\n")
            + pay),
    );
    switching.assert_mean("people_ever_cut_off.messaging", cut);
    switching.assert_mean(
        "people_ever_cut_off.any",
        sim.holders("wa", None) * sim.scale(),
    );
    let hours = |s: &Simulated| {
        let v = s.column("person_hours_cut_off.messaging");
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        hours(&switching) < 0.9 * hours(&sim),
        "installs reconnect people"
    );
}
