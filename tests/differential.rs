//! Differential tests: the fast, lumped engine against the plain reference engine of
//! `tests/reference/` on small scenarios that between them switch on every feature of the model.
//! Both engines run on the same world (the same agents with the same platforms), and replication
//! `r` of one is paired with replication `r` of the other: the reference draws its events and each
//! node's restores, ramps and failovers from the engine's own streams, so the two share their
//! outages (common random numbers), while needs and installs stay each engine's own draws. Each
//! engine's draws are still independent uniforms, so the pairing cannot make a wrong engine look
//! right; it only removes from the difference the noise that both would show alike.
//!
//! - every metric: the difference of the means, estimated from the pairs and the fast engine's
//!   other replications (`paired_difference`), is within 4 of its standard errors of 0; a false
//!   alarm about once in 16 000 metrics;
//! - the headline metrics: the distributions agree by the two-sample Kolmogorov–Smirnov distance,
//!   tested twice at α = 0.001: on the pairs, its p-value from swapping the members of random
//!   pairs (a paired permutation test), and on all the replications as independent samples
//!   (conservative when they share their outages).
//!
//! Power: with a tolerance of 4 standard errors, the smallest relative bias the means check
//! catches with 90 % power is about `(4 + 1.28) · SE / |mean|`; each check prints it ("detect")
//! beside what the same replications would give unpaired, and its tolerance relative to the mean.
//! Run `cargo test --release --test differential -- --nocapture` to see them. The pairing shrinks
//! the standard error of the metrics the outages drive by 3 to 100 times; the needs of small
//! groups and the installs, each engine's own draws, gain little, and they set how many pairs a
//! test needs. Where a test's counts changed, the comment above it gives its detectable bias
//! before and after.
//!
//! The reference is the slow side, and far slower unoptimised, so the checks are ignored in debug
//! builds: run `cargo test --release --test differential`.

mod reference;

use concrisk::engine::{self, RunConfig, Silent};
use concrisk::results::metrics;
use concrisk::scenario;
use concrisk::world::World;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Tick of the reference in the tests: 3 minutes (6 in `contacts_switching_and_congestion`, the
/// engine's longest slice with switching). Every fixed time in the scenarios below (start hours,
/// fixed durations, most failover minutes) is a whole number of ticks, so the discretisation
/// only rounds random times, by less than half a tick either way and about evenly.
const DT: f64 = 0.05;

/// Mean and sample variance.
fn mean_var(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Sample covariance of two series of the same length.
fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let (mean_a, _) = mean_var(a);
    let (mean_b, _) = mean_var(b);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - mean_a) * (y - mean_b))
        .sum::<f64>()
        / (a.len() as f64 - 1.0)
}

/// A value rounded to 9 significant digits, so that metrics with no noise, which the two engines
/// sum in different orders, tie in the KS test instead of differing in the last bits.
fn rounded(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powi(8 - value.abs().log10().floor() as i32);
    (value * magnitude).round() / magnitude
}

/// The two-sample Kolmogorov–Smirnov distance: the largest gap between the two empirical
/// distribution functions, evaluated after each distinct value (so ties are handled).
fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut a: Vec<f64> = a.iter().copied().map(rounded).collect();
    let mut b: Vec<f64> = b.iter().copied().map(rounded).collect();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut distance) = (0, 0, 0.0_f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        distance = distance.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    distance
}

/// The asymptotic p-value of a KS distance between two independent samples (Kolmogorov's series
/// with the small-sample correction of Stephens, as in Numerical Recipes' `probks`). Conservative
/// when the distributions have atoms (replications with no damage), and when the samples share
/// their outages, which brings their distributions closer than independent samples would be.
fn ks_p_value(distance: f64, n1: usize, n2: usize) -> f64 {
    let effective = (n1 * n2) as f64 / (n1 + n2) as f64;
    let lambda = (effective.sqrt() + 0.12 + 0.11 / effective.sqrt()) * distance;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let term = (-2.0 * (j * j) as f64 * lambda * lambda).exp();
        sum += if j % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// Replication values of every metric, as columns by metric name.
struct Columns {
    names: Vec<String>,
    /// `values[metric][replication]`.
    values: Vec<Vec<f64>>,
}

fn fast_engine(world: &World, replications: u32) -> Columns {
    let names = metrics::names(&world.scenario);
    let outcomes = engine::run(
        world,
        &RunConfig {
            first_replication: 0,
            replications,
        },
        &Silent,
    );
    let rows: Vec<Vec<f64>> = outcomes
        .iter()
        .map(|outcome| metrics::values(&world.scenario, outcome))
        .collect();
    let values = (0..names.len())
        .map(|m| rows.iter().map(|row| row[m]).collect())
        .collect();
    Columns { names, values }
}

fn reference_engine(world: &World, replications: u64, dt: f64) -> Columns {
    let names = metrics::names(&world.scenario);
    let rows: Vec<reference::Metrics> = (0..replications)
        .into_par_iter()
        .map(|r| reference::replicate(world, dt, r))
        .collect();
    let values = names
        .iter()
        .map(|name| {
            rows.iter()
                .map(|row| {
                    *row.get(name)
                        .unwrap_or_else(|| panic!("the reference has no metric {name}"))
                })
                .collect()
        })
        .collect();
    Columns { names, values }
}

/// Whether a metric is a headline for the distribution test: the totals, each service's unmet
/// needs, extra hours and peak share, the pairwise measures and the installs.
fn is_headline(name: &str) -> bool {
    !name.contains(".by_segment.")
        && [
            "unmet_needs.",
            "person_hours_cut_off.",
            "economic_loss.",
            "extra_hours.",
            "peak_cut_off_share.",
            "delayed_needs.",
            "ties_cut_peak_share.",
            "reachable_min_share.",
            "installs.",
        ]
        .iter()
        .any(|family| name.starts_with(family))
}

/// The relative difference the two engines' time steps alone make in a metric without Monte
/// Carlo noise. Stranded hours are expectations given the timeline: where two ramping channels
/// overlap, the chance that neither serves is a product of two linear ramps, which the engine's
/// midpoints of 1/12 of a ramp and the reference's ticks integrate with different errors (of
/// order h²/12 of the overlap, a few parts in 10⁶ of the total in the fixed timeline); 1e-4 is
/// still far below any modelling bias worth finding (a wrong acceptance or channel shows at
/// several per cent).
fn discretisation(name: &str) -> f64 {
    if name.starts_with("person_hours_stranded.") || name.starts_with("peak_stranded_share.") {
        1e-4
    } else {
        0.0
    }
}

/// Permutations of the paired KS test: with 1 999 the smallest p-value is 1 / 2 000, below the
/// test's α = 0.001.
const PERMUTATIONS: usize = 1999;

/// The p-value of the KS distance between the two engines' values of one metric, `a[r]` and
/// `b[r]` from the same replication `r` (so sharing its outages), by a paired permutation test:
/// under the null the two values of a pair are exchangeable, so swapping the members of each pair
/// at random gives the distance's null distribution whatever the pairing's strength. The swaps
/// are drawn from a fixed stream, so the p-value is reproducible.
fn paired_ks_p_value(a: &[f64], b: &[f64], distance: f64, stream: u64) -> f64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x4B53_0000 ^ stream);
    let (mut x, mut y) = (a.to_vec(), b.to_vec());
    let mut at_least = 0;
    for _ in 0..PERMUTATIONS {
        for r in 0..a.len() {
            let swap = rng.random::<bool>();
            (x[r], y[r]) = if swap { (b[r], a[r]) } else { (a[r], b[r]) };
        }
        // The same distance up to rounding counts as reaching it (ties favour the null).
        if ks_distance(&x, &y) >= distance - 1e-12 {
            at_least += 1;
        }
    }
    (1 + at_least) as f64 / (1 + PERMUTATIONS) as f64
}

/// The difference of the two engines' means and its standard error, from `fast` (all the fast
/// engine's replications) and `reference`, whose replication `r` is paired with `fast[r]`.
///
/// With `x` the paired fast replications, `y` the reference's and `z` the fast engine's others,
/// `d = mean(w x − y) + (1 − w) mean(z)` estimates the difference of the means for any weight
/// `w`, with variance `var(w x − y) / n + (1 − w)² var(z) / m`, each term a sample variance (never
/// negative). The weight that minimises it, `w = (c / n + σ² / m) / (σ² (1 / n + 1 / m))` (c the
/// pairs' covariance, σ² the fast engine's variance), runs from the plain difference of all the
/// means when the pairs are unrelated (c = 0) to the mean of the paired differences when they
/// move together (c = σ²), so the pairing helps as much as the metric allows and never hurts.
fn paired_difference(fast: &[f64], reference: &[f64]) -> (f64, f64) {
    let n = reference.len();
    let (paired, others) = fast.split_at(n);
    let covariance = covariance(paired, reference);
    let (w, others_term) = if others.len() < 2 {
        (1.0, (0.0, 0.0))
    } else {
        let (mean_z, var_z) = mean_var(others);
        let (n, m) = (n as f64, others.len() as f64);
        let sigma2 = mean_var(fast).1;
        let w = if sigma2 > 0.0 {
            (covariance / n + sigma2 / m) / (sigma2 * (1.0 / n + 1.0 / m))
        } else {
            1.0
        };
        (w, (mean_z, var_z / m))
    };
    let combined: Vec<f64> = paired
        .iter()
        .zip(reference)
        .map(|(x, y)| w * x - y)
        .collect();
    let (mean_c, var_c) = mean_var(&combined);
    let (mean_z, var_mean_z) = others_term;
    let difference = mean_c + (1.0 - w) * mean_z;
    let variance = var_c / n as f64 + (1.0 - w).powi(2) * var_mean_z;
    (difference, variance.sqrt())
}

/// Runs the fast engine for `fast_replications` and the reference for `pairs` replications,
/// replication `r` of one paired with replication `r` of the other (they share their event,
/// restore, ramp and failover draws), and checks every metric's mean and the headline metrics'
/// distributions; prints each check's tolerance and detectable bias. Panics listing every failed
/// check.
///
/// The means: the difference of the means ([`paired_difference`]) must be within 4 of its
/// standard errors of 0 (plus 1e-9 relative, for metrics with no noise at all); a false alarm
/// about once in 16 000 metrics. The smallest relative bias this catches with 90 % power is
/// `(4 + 1.28) · SE / |mean|` (printed as "detect"; "unpaired" is the same for the plain
/// difference of the means of these replications). The distributions of the headline metrics: a
/// paired permutation KS test on the pairs, and the two-sample KS test on all the replications
/// (independent samples: conservative here), each at α = 0.001.
fn check(label: &str, text: &str, fast_replications: u32, pairs: u32, dt: f64) {
    assert!(
        pairs <= fast_replications,
        "every reference replication has its pair"
    );
    let scenario =
        scenario::parse(text, "x.toml").unwrap_or_else(|e| panic!("{label} is valid: {e}"));
    let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
    let fast = fast_engine(&world, fast_replications);
    let plain = reference_engine(&world, u64::from(pairs), dt);
    let mut failures = Vec::new();
    println!(
        "== {label}: fast {fast_replications} replications, reference {pairs} in ticks of {dt} h paired with them"
    );
    println!(
        "{:<48} {:>14} {:>14} {:>10} {:>9} {:>8} {:>8} {:>7} {:>7} {:>7}",
        "metric",
        "fast mean",
        "reference",
        "diff/tol",
        "tol/mean",
        "detect",
        "unpaired",
        "KS D",
        "pair p",
        "KS p"
    );
    for (m, name) in fast.names.iter().enumerate() {
        let (a, b) = (&fast.values[m], &plain.values[m]);
        let (mean_a, var_a) = mean_var(a);
        let (mean_b, var_b) = mean_var(b);
        let (difference, standard_error) = paired_difference(a, b);
        // 1e-9 relative: metrics with no noise at all (always 0) must agree to rounding.
        let tolerance = 4.0 * standard_error
            + 1e-9 * mean_a.abs().max(mean_b.abs()).max(1.0)
            + discretisation(name) * mean_a.abs().max(mean_b.abs());
        let relative = |value: f64| {
            if mean_a == 0.0 {
                "-".to_string()
            } else {
                format!("{:.2}%", 100.0 * value / mean_a.abs())
            }
        };
        let unpaired = (var_a / a.len() as f64 + var_b / b.len() as f64).sqrt();
        let mut line = format!(
            "{name:<48} {mean_a:>14.6e} {mean_b:>14.6e} {:>10.2} {:>9} {:>8} {:>8}",
            difference / tolerance,
            relative(tolerance),
            relative(5.28 * standard_error),
            relative(5.28 * unpaired),
        );
        if difference.abs() > tolerance {
            failures.push(format!(
                "{name}: fast mean {mean_a} vs reference {mean_b}, difference {difference} > tolerance {tolerance}"
            ));
        }
        if is_headline(name) {
            let paired = &a[..b.len()];
            let pair_distance = ks_distance(paired, b);
            let pair_p = paired_ks_p_value(paired, b, pair_distance, m as u64);
            let distance = ks_distance(a, b);
            let p = ks_p_value(distance, a.len(), b.len());
            line += &format!(" {distance:>7.3} {pair_p:>7.4} {p:>7.4}");
            if pair_p < 0.001 {
                failures.push(format!(
                    "{name}: paired distributions differ, KS distance {pair_distance}, permutation p = {pair_p:.2e}"
                ));
            }
            if p < 0.001 {
                failures.push(format!(
                    "{name}: distributions differ, KS distance {distance}, p = {p:.2e}"
                ));
            }
        }
        println!("{line}");
    }
    let critical = 1.949
        * ((fast_replications as f64 + pairs as f64) / (fast_replications as f64 * pairs as f64))
            .sqrt();
    println!("KS critical distance of the unpaired test at α = 0.001: {critical:.3}");
    assert!(failures.is_empty(), "{label}:\n{}", failures.join("\n"));
}

/// Redundancy groups (need 1 and need 2, failover time and failed failovers), restore and ramp
/// drawn from every kind of distribution, chains of platforms, four events each with a
/// probability below 1 and a random start, three segments with their own shares and demand,
/// `given`, a congested offline channel open to two segments only behind one open to all, a
/// deferrable service, "daytime" and 24-weight profiles, and a start at 06:30.
const GROUPS_AND_RAMPS: &str = r#"
[scenario]
name = "groups and ramps"
value_of_time_per_hour = 12

[run]
horizon_hours = 36
seed = 11
agents = 6000
start_hour = 6.5

[population]
size = 600000

[[population.segments]]
id = "young"
share = 0.3
[[population.segments]]
id = "working"
share = 0.5
[[population.segments]]
id = "elderly"
share = 0.2

[[infrastructure]]
id = "power"
[[infrastructure]]
id = "dc_a"
[[infrastructure]]
id = "dc_b"
restore_hours = { dist = "uniform", min = 0.5, max = 2 }
[[infrastructure]]
id = "dc_c"

[[platforms]]
id = "chat"
depends_on = [{ any_of = ["dc_a", "dc_b"], need = 1, failover_minutes = 30, failover_success = 0.6 }]
restore_hours = { dist = "triangular", min = 0.5, mode = 1, max = 3 }
ramp_hours = { dist = "lognormal", median = 2, p95 = 6 }

[[platforms]]
id = "wallet"
depends_on = ["power", { any_of = ["dc_a", "dc_b", "dc_c"], need = 2, failover_minutes = 15, failover_success = 0.8 }]
ramp_hours = { dist = "exponential", mean = 1.5 }

[[platforms]]
id = "chat_pay"
depends_on = ["chat"]
restore_hours = { dist = "weibull", shape = 1.5, scale = 2 }
ramp_hours = { dist = "uniform", min = 1, max = 4 }

[[platforms]]
id = "other_chat"
depends_on = [{ primary = "dc_c", standby = "dc_a", failover_minutes = 15, failover_success = 0.7 }]

[[adoption]]
platform = "chat"
share = { default = 0.9, elderly = 0.6 }

[[adoption]]
platform = "chat_pay"
given = "chat"
share = { default = 0.5, young = 0.2 }

[[adoption]]
platform = "wallet"
share = 0.4

[[adoption]]
platform = "other_chat"
share = { default = 0.1, young = 0.3 }

[[services]]
id = "messaging"
demand_per_day = { default = 12, elderly = 5 }
profile = "daytime"
channels = [
  { platform = "chat" },
  { platform = "other_chat" },
  { offline = "sms", success = 0.9, extra_minutes = 2 },
]
value_per_unmet = 1

[[services]]
id = "payments"
demand_per_day = { default = 3, young = 1 }
profile = [1, 1, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 5, 5, 5, 5, 6, 6, 5, 4, 3, 2, 1]
channels = [
  { platform = "chat_pay" },
  { platform = "wallet" },
  { offline = "cash", success = 0.85, extra_minutes = 4, capacity_per_hour = 25000, segments = ["working", "elderly"] },
  { offline = "bank", success = 0.95, extra_minutes = 20 },
]
value_per_unmet = 5
deferrable_hours = 6

[[events]]
id = "dc_a_fire"
fails = ["dc_a"]
at_hour = { dist = "uniform", min = 2, max = 12 }
duration_hours = { dist = "triangular", min = 3, mode = 6, max = 12 }
probability = 0.8

[[events]]
id = "dc_c_flood"
fails = ["dc_c"]
at_hour = { dist = "exponential", mean = 10 }
duration_hours = { dist = "empirical", values = [2, 4, 8] }
probability = 0.5

[[events]]
id = "power_cut"
fails = ["power"]
at_hour = { dist = "uniform", min = 0, max = 30 }
duration_hours = { dist = "uniform", min = 0.5, max = 3 }
probability = 0.4

[[events]]
id = "dc_b_glitch"
fails = ["dc_b"]
at_hour = { dist = "uniform", min = 5, max = 25 }
duration_hours = 1
probability = 0.3
"#;

/// Congestion that binds in the baseline at peak hours and hard in the outage, two offline
/// channels in a row (the first open to one segment), a deferrable service with long waits, a
/// "flat" profile, and a run that starts at 22:00 and crosses midnight. Every cut-off ends
/// before the horizon (see `deferred_need_whose_cut_off_ends_after_the_horizon`).
const CONGESTION_AND_DEFERRAL: &str = r#"
[scenario]
name = "congestion and deferral"
value_of_time_per_hour = 20

[run]
horizon_hours = 30
seed = 5
agents = 8000
start_hour = 22

[population]
size = 2000000

[[population.segments]]
id = "city"
share = 0.7
[[population.segments]]
id = "rural"
share = 0.3

[[infrastructure]]
id = "dc"

[[platforms]]
id = "ride"
depends_on = ["dc"]
restore_hours = { dist = "triangular", min = 1, mode = 2, max = 4 }
ramp_hours = { dist = "triangular", min = 2, mode = 5, max = 10 }

[[platforms]]
id = "notice"
depends_on = ["dc"]
restore_hours = { dist = "uniform", min = 4, max = 8 }
ramp_hours = 2

[[platforms]]
id = "ride2"

[[adoption]]
platform = "ride"
share = { default = 0.7, rural = 0.3 }

[[adoption]]
platform = "ride2"
share = 0.1

[[adoption]]
platform = "notice"
share = { default = 0.5, rural = 0.3 }

[[services]]
id = "taxi"
demand_per_day = { default = 0.3, rural = 0.1 }
profile = [2, 1, 1, 1, 1, 1, 2, 4, 5, 4, 3, 3, 3, 3, 3, 3, 4, 5, 5, 4, 3, 3, 3, 3]
channels = [
  { platform = "ride" },
  { platform = "ride2" },
  { offline = "hail", success = 0.7, extra_minutes = 10, capacity_per_hour = 5000, segments = ["city"] },
  { offline = "bus", success = 0.9, extra_minutes = 30 },
]
value_per_unmet = 20

[[services]]
id = "government"
demand_per_day = 0.5
profile = "flat"
channels = [
  { platform = "notice" },
  { offline = "post", success = 0.8, extra_minutes = 5 },
]
value_per_unmet = 8
deferrable_hours = 12

[[events]]
id = "outage"
fails = ["dc"]
at_hour = { dist = "uniform", min = 1, max = 6 }
duration_hours = { dist = "triangular", min = 3, mode = 6, max = 12 }
probability = 0.9
"#;

/// Every time fixed and on the tick grid, so that the only noise is the needs' and the checks
/// are sharp: cut-off is exact in both engines and must agree to rounding. The timeline walks
/// the corners of redundancy groups: a second member lost during a failover (need 1), a failed
/// failover that waits for its member while another member comes and goes (need 2 of 3), a
/// second failover later, a plain requirement lost under a chain that is still ramping, and a
/// deferrable service whose cut-off runs past the horizon. Starts at 17:30.
const FIXED_TIMELINE: &str = r#"
[scenario]
name = "fixed timeline"
value_of_time_per_hour = 10

[run]
horizon_hours = 24
seed = 3
agents = 10000
start_hour = 17.5

[population]
size = 1000000

[[population.segments]]
id = "working"
share = 0.6
[[population.segments]]
id = "other"
share = 0.4

[[infrastructure]]
id = "a"
[[infrastructure]]
id = "b"
[[infrastructure]]
id = "c"
[[infrastructure]]
id = "power"

[[platforms]]
id = "app1"
depends_on = [{ any_of = ["a", "b"], need = 1, failover_minutes = 30, failover_success = 1 }]
restore_hours = 1
ramp_hours = 2

[[platforms]]
id = "app2"
depends_on = [{ any_of = ["a", "b", "c"], need = 2, failover_minutes = 15, failover_success = 0 }]
ramp_hours = 1

[[platforms]]
id = "app3"
depends_on = ["app1", "power"]
restore_hours = 0.5
ramp_hours = 3

[[platforms]]
id = "app4"
depends_on = [{ primary = "c", standby = "a", failover_minutes = 30, failover_success = 0.7 }]

[[adoption]]
platform = "app1"
share = { default = 0.8, other = 0.5 }

[[adoption]]
platform = "app3"
given = "app1"
share = 0.6

[[adoption]]
platform = "app2"
share = 0.5

[[adoption]]
platform = "app4"
share = 0.2

[[services]]
id = "msg"
demand_per_day = { default = 24, other = 12 }
profile = [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3, 2, 2, 1, 1]
channels = [
  { platform = "app1" },
  { platform = "app4" },
  { offline = "sms", success = 0.9, extra_minutes = 2, capacity_per_hour = 20000 },
]
value_per_unmet = 1

[[services]]
id = "pay"
demand_per_day = 6
profile = "daytime"
channels = [
  { platform = "app3" },
  { platform = "app2" },
  { offline = "cash", success = 0.8, extra_minutes = 5, segments = ["working"] },
]
value_per_unmet = 4
deferrable_hours = 3

[[events]]
id = "a_first"
fails = ["a"]
at_hour = 2
duration_hours = 6
[[events]]
id = "b_during_failover"
fails = ["b"]
at_hour = 2.2
duration_hours = 1
[[events]]
id = "c_later"
fails = ["c"]
at_hour = 10
duration_hours = 2
[[events]]
id = "power_cut"
fails = ["power"]
at_hour = 14
duration_hours = 1
[[events]]
id = "a_again"
fails = ["a"]
at_hour = 16
duration_hours = 1
[[events]]
id = "b_and_c"
fails = ["c", "b"]
at_hour = 20
duration_hours = 3
"#;

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn fixed_timeline_through_the_corners_of_redundancy_groups() {
    check("fixed timeline", FIXED_TIMELINE, 2000, 200, DT);
}

/// 1 000 fast and 200 reference replications paired (before: 2 000 and 400 unpaired); the
/// weakest metric, payments' unmet needs among the young (a few needs a replication), sets the
/// count; every other metric detects a smaller bias than before.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn groups_failovers_restores_and_ramps() {
    check("groups and ramps", GROUPS_AND_RAMPS, 1000, 200, DT);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn congestion_and_deferral() {
    check(
        "congestion and deferral",
        CONGESTION_AND_DEFERRAL,
        2000,
        400,
        DT,
    );
}

/// The shipped Kakao scenario at 3 000 agents, as shipped: 144 hours, four services, Naver's
/// failover, messaging between contacts on a stochastic block graph, three messengers installed
/// at base rates.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn kakao_fire_at_small_scale() {
    let text = std::fs::read_to_string("scenarios/kakao-fire-2022.toml")
        .unwrap_or_else(|e| panic!("the Kakao scenario is readable: {e}"));
    let text = text.replacen("seed = 20221015", "seed = 20221015\nagents = 3000", 1);
    check("kakao fire, 3 000 agents", &text, 2000, 200, DT);
}

/// Contacts on a Watts–Strogatz graph with two pairwise services through the same apps, one of
/// them deferrable and the other with a congested offline channel; switching at base rates and
/// by a threshold cascade; the second messenger behind a redundancy group that fails during the
/// first one's outage (so the counts are redone after people have installed), and the first
/// messenger failing again later (installs from the first outage count in the second).
const CONTACTS_AND_SWITCHING: &str = r#"
[scenario]
name = "contacts and switching"
value_of_time_per_hour = 10

[run]
horizon_hours = 24
seed = 21
agents = 3000
start_hour = 8

[population]
size = 400000

[[population.segments]]
id = "young"
share = 0.4
[[population.segments]]
id = "old"
share = 0.6

[social]
model = "watts_strogatz"
mean_degree = 8
rewire_probability = 0.2

[[infrastructure]]
id = "dc_a"
[[infrastructure]]
id = "dc_b"
[[infrastructure]]
id = "backbone"

[[platforms]]
id = "chat"
depends_on = ["dc_a"]
restore_hours = { dist = "triangular", min = 0.5, mode = 1, max = 2 }
ramp_hours = { dist = "uniform", min = 1, max = 3 }

[[platforms]]
id = "chat_calls"
depends_on = ["chat"]
restore_hours = 0.5

[[platforms]]
id = "alt"
installable = true
depends_on = [{ any_of = ["dc_b", "backbone"], need = 2, failover_minutes = 20, failover_success = 0.7 }]

[[platforms]]
id = "third"
installable = true

[[platforms]]
id = "pay"
depends_on = ["dc_a"]

[[adoption]]
platform = "chat"
share = { default = 0.85, old = 0.7 }
[[adoption]]
platform = "chat_calls"
given = "chat"
share = 0.5
[[adoption]]
platform = "alt"
share = { default = 0.15, young = 0.3 }
[[adoption]]
platform = "third"
share = 0.05
[[adoption]]
platform = "pay"
share = 0.5

[[services]]
id = "messaging"
pairwise = true
demand_per_day = { default = 10, old = 5 }
profile = "daytime"
channels = [
  { platform = "chat" },
  { platform = "alt" },
  { platform = "third" },
  { offline = "sms", success = 0.9, extra_minutes = 2, capacity_per_hour = 3000 },
]
value_per_unmet = 1

[[services]]
id = "calls"
pairwise = true
demand_per_day = 12
profile = "flat"
channels = [
  { platform = "chat_calls" },
  { platform = "alt" },
  { offline = "phone", success = 0.95, extra_minutes = 5 },
]
value_per_unmet = 2
deferrable_hours = 4

[[services]]
id = "payments"
demand_per_day = 3
profile = "daytime"
channels = [
  { platform = "pay" },
  { offline = "cash", success = 0.9, extra_minutes = 3, segments = ["old"] },
]
value_per_unmet = 5

[[behaviour.switching]]
platform = "alt"
base_rate_per_hour = 0.03
threshold = { dist = "uniform", min = 0.3, max = 0.7 }

[[behaviour.switching]]
platform = "third"
base_rate_per_hour = 0.03

[[events]]
id = "dc_a_fire"
fails = ["dc_a"]
at_hour = { dist = "uniform", min = 1, max = 4 }
duration_hours = { dist = "triangular", min = 3, mode = 5, max = 8 }

[[events]]
id = "dc_b_cut"
fails = ["dc_b"]
at_hour = { dist = "uniform", min = 2, max = 10 }
duration_hours = 2
probability = 0.5

[[events]]
id = "backbone_flap"
fails = ["backbone"]
at_hour = { dist = "uniform", min = 0, max = 20 }
duration_hours = { dist = "uniform", min = 0.5, max = 2 }
probability = 0.4

[[events]]
id = "dc_a_again"
fails = ["dc_a"]
at_hour = { dist = "uniform", min = 14, max = 16 }
duration_hours = 2
probability = 0.5
"#;

/// Power: the smallest relative bias of a metric's mean caught with 90 % power is about
/// `(4 + 1.28) · SE / |mean|` (the "detect" column). Before (2 000 fast and 300 reference
/// replications, unpaired, calls at 2 a day, reference ticks of 3 minutes; about 48 s of CPU):
/// 5.3 % for messaging's unmet needs, 4.6 % for `installs.alt`, 6.9 % for payments' unmet needs
/// among the old, 19 % for `unmet_needs.calls`, 26 % for its young, 35 % for
/// `reachable_min_share.calls`. After (600 fast, 130 reference paired with them, calls at 12 a
/// day so that their needs are counted in thousands, not hundreds, reference ticks of 6 minutes,
/// the engine's longest slice with switching; about 14 s of CPU): 2.5 %, 3.7 %, 6.8 %, 12 %,
/// 17 % and 9.5 %; every metric's detectable bias is at or below its value before. Installs and
/// the needs of small groups are each engine's own draws, which the pairing cannot share: they
/// set the number of pairs.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn contacts_switching_and_congestion() {
    check(
        "contacts and switching",
        CONTACTS_AND_SWITCHING,
        600,
        130,
        2.0 * DT,
    );
}

/// A threshold cascade through the hubs of a Barabási–Albert graph: low thresholds, so that a few
/// installers at the base rate set off cascades of very different sizes; deferrable messaging
/// between contacts, whose unmet needs wait for the platform both people hold; a platform that
/// ramps back, and three segments with their own adoption.
const CASCADES_THROUGH_HUBS: &str = r#"
[scenario]
name = "cascades through hubs"
value_of_time_per_hour = 6

[run]
horizon_hours = 12
seed = 8
agents = 2500
start_hour = 19.5

[population]
size = 1000000

[[population.segments]]
id = "young"
share = 0.3
[[population.segments]]
id = "adult"
share = 0.5
[[population.segments]]
id = "senior"
share = 0.2

[social]
model = "barabasi_albert"
mean_degree = 6

[[infrastructure]]
id = "cloud"

[[platforms]]
id = "main"
depends_on = ["cloud"]
restore_hours = { dist = "exponential", mean = 0.5 }
ramp_hours = { dist = "uniform", min = 0.5, max = 2 }

[[platforms]]
id = "rival"
installable = true

[[adoption]]
platform = "main"
share = { default = 0.9, senior = 0.6 }
[[adoption]]
platform = "rival"
share = { default = 0.04, young = 0.1 }

[[services]]
id = "messaging"
pairwise = true
demand_per_day = { default = 12, senior = 4 }
profile = "daytime"
channels = [
  { platform = "main" },
  { platform = "rival" },
  { offline = "sms", success = 0.8, extra_minutes = 3 },
]
value_per_unmet = 1
deferrable_hours = 2

[[behaviour.switching]]
platform = "rival"
base_rate_per_hour = 0.02
threshold = { dist = "uniform", min = 0.3, max = 0.9 }

[[events]]
id = "outage"
fails = ["cloud"]
at_hour = { dist = "uniform", min = 0.5, max = 3 }
duration_hours = { dist = "lognormal", median = 3, p95 = 6 }
"#;

/// 1 000 fast and 220 reference replications paired (before: 4 000 and 800 unpaired); the
/// seniors' unmet messages set the count.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn threshold_cascades_through_hubs() {
    check(
        "cascades through hubs",
        CASCADES_THROUGH_HUBS,
        1000,
        220,
        DT,
    );
}

/// Regression test for a disagreement the differential tests found: ARCHITECTURE.md says an
/// unmet deferrable need is met late "when their cut-off ends within `deferrable_hours`"; here
/// the outage holds `dc` over [8, 11) and the horizon is 10, so every need in [8, 10) has its
/// cut-off end at 11, within the 6 hours: 20 000 delayed, 0 unmet. The fast engine used to count
/// all of them unmet, taking a cut-off that reaches the horizon to last for ever; its timelines
/// now run past the horizon as far as a need can wait.
#[test]
fn deferred_need_whose_cut_off_ends_after_the_horizon() {
    check(
        "cut-off past the horizon",
        CUT_OFF_PAST_THE_HORIZON,
        200,
        50,
        DT,
    );
}

const CUT_OFF_PAST_THE_HORIZON: &str = r#"
[scenario]
name = "cut-off past the horizon"

[run]
horizon_hours = 10
seed = 1
agents = 10000

[population]
size = 10000

[[infrastructure]]
id = "dc"

[[platforms]]
id = "app"
depends_on = ["dc"]

[[adoption]]
platform = "app"
share = 1.0

[[services]]
id = "pay"
demand_per_day = 24
channels = [{ platform = "app" }]
deferrable_hours = 6

[[events]]
id = "out"
fails = ["dc"]
at_hour = 8
duration_hours = 3
"#;

/// The pairing that the replication counts above rely on: the reference draws its outages from
/// the engine's streams, so a metric that only the outages drive (who is cut off and for how long
/// depends on the timeline and the world alone) moves together in the two engines, its paired
/// values correlated to within the reference's rounding to ticks. Without the pairing (if the
/// engine's stream keys changed and the reference did not follow) the correlation would be about
/// 0 ± 0.2 and the tests above would lose their power without failing: this one fails instead.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow unoptimised: cargo test --release --test differential"
)]
fn the_reference_shares_the_engines_outages() {
    let scenario = scenario::parse(GROUPS_AND_RAMPS, "x.toml")
        .unwrap_or_else(|e| panic!("groups and ramps is valid: {e}"));
    let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
    let fast = fast_engine(&world, 30);
    let plain = reference_engine(&world, 30, DT);
    let m = fast
        .names
        .iter()
        .position(|n| n == "person_hours_cut_off.total")
        .unwrap_or_else(|| panic!("no person_hours_cut_off.total"));
    let (a, b) = (&fast.values[m], &plain.values[m]);
    let correlation = covariance(a, b) / (mean_var(a).1 * mean_var(b).1).sqrt();
    assert!(
        correlation > 0.9,
        "the paired replications' cut-off hours correlate at {correlation}: the reference no longer draws the engine's outages"
    );
}
