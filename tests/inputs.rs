//! Issue 13: a run over `[[uncertain]]` inputs against closed forms. A fixed outage of an app:
//! unmet = holders × demand × duration × (1 − success), each need a Poisson count, so given an
//! input sample the replications' unmet needs are Poisson with that mean (scaled), and over
//! independent uniform inputs the mean, the variance and the share of it the inputs explain have
//! closed forms. Tolerances are 4 Monte Carlo standard errors (a false alarm in about one run in
//! 16 000 per assertion), each derived where it is used.

use std::ops::Range;

use concrisk::engine::{ReplicationOutcome, Silent};
use concrisk::results::{InputSamples, RunInfo, RunResults};
use concrisk::scenario::{Document, Scenario};
use concrisk::simulation::simulate;
use concrisk::uncertainty::samples;
use concrisk::uncertainty::simulate::simulate_samples;
use concrisk::world::World;

/// One app on one data centre that burns from hour 2 for `duration_hours` (written there, the
/// central value); needs go to sms when the app is down.
fn file(run: &str, uncertain: &str) -> String {
    format!(
        r#"[scenario]
name = "inputs"

[run]
horizon_hours = 24
seed = 11
{run}

[[infrastructure]]
id = "dc"

[[platforms]]
id = "app"
depends_on = ["dc"]

[[adoption]]
platform = "app"
share = 0.7

[[services]]
id = "talk"
demand_per_day = 24
channels = [{{ platform = "app" }}, {{ offline = "sms", success = 0.4 }}]
value_per_unmet = 3

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 2
duration_hours = 4

{uncertain}"#
    )
}

const SHARE: &str = r#"[[uncertain]]
path = "adoption.app.share"
value = { dist = "uniform", min = 0.5, max = 0.9 }
source = "assumed"
"#;

const DURATION: &str = r#"[[uncertain]]
path = "events.fire.duration_hours"
value = { dist = "uniform", min = 2, max = 6 }
source = "assumed"
"#;

const SUCCESS: &str = r#"[[uncertain]]
path = "services.talk.channels.sms.success"
value = { dist = "uniform", min = 0.2, max = 0.6 }
source = "assumed"
"#;

/// A run's samples and outcomes, with one metric's values per replication and its shares.
struct Run {
    samples: Vec<Scenario>,
    groups: Vec<Range<usize>>,
    outcomes: Vec<ReplicationOutcome>,
    scale: f64,
}

impl Run {
    fn new(text: &str) -> Run {
        let document = Document::parse(text, "inputs.toml").unwrap_or_else(|e| panic!("{e}"));
        let central = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        let mut sampled =
            samples::scenarios(&document, None, &[], &central).unwrap_or_else(|e| panic!("{e}"));
        let groups = samples::groups(central.run.replications, central.run.input_samples);
        let scale = central.scale();
        let simulated = simulate_samples(central, &mut sampled, &groups, &Silent)
            .unwrap_or_else(|e| panic!("{e}"));
        Run {
            samples: sampled,
            groups,
            outcomes: simulated.outcomes,
            scale,
        }
    }

    /// `metric` per replication, priced by each replication's sample, and its input share.
    fn metric(&self, text: &str, metric: &str) -> (Vec<f64>, Option<f64>) {
        let central =
            concrisk::scenario::parse(text, "inputs.toml").unwrap_or_else(|e| panic!("{e}"));
        let world = World::build(central).unwrap_or_else(|e| panic!("{e}"));
        let info = RunInfo {
            variant: None,
            command: String::new(),
            threads: 1,
            run_seconds: 0.0,
        };
        let hours = concrisk::engine::step_starts(&world.scenario);
        let inputs = InputSamples {
            scenarios: &self.samples,
            groups: &self.groups,
            central: &[],
        };
        let results =
            RunResults::collect_samples(&world, &self.outcomes, Some(inputs), hours, info);
        let m = results
            .metric_names
            .iter()
            .position(|n| n == metric)
            .unwrap_or_else(|| panic!("no {metric}"));
        let values = results.values.iter().map(|row| row[m]).collect();
        (values, results.shares[m].map(|s| s.input))
    }

    /// Per sample, the expected unmet needs given its inputs: holders (counted in the sample's
    /// world) × 1 need an hour × duration × (1 − success) × scale.
    fn conditional_means(&self) -> Vec<f64> {
        self.samples
            .iter()
            .map(|sample| {
                let duration = sample.events[0].duration_hours.mean();
                let success = match &sample.services[0].channels[1] {
                    concrisk::scenario::Channel::Offline(sms) => sms.success,
                    concrisk::scenario::Channel::Platform(_) => panic!("sms is second"),
                };
                let world = World::build(sample.clone()).unwrap_or_else(|e| panic!("{e}"));
                let holders = world.people.platforms.iter().filter(|p| **p != 0).count() as f64;
                holders * duration * (1.0 - success) * self.scale
            })
            .collect()
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

/// Share, duration and success uniform and independent; 200 samples of 2 replications on 20 000
/// agents standing for 1 M people (scale 50).
#[test]
fn mean_and_variance_over_inputs_match_their_closed_forms() {
    let text = file(
        "replications = 400\ninput_samples = 200\nagents = 20000\n\n[population]\nsize = 1000000",
        &format!("{SHARE}\n{DURATION}\n{SUCCESS}"),
    );
    let run = Run::new(&text);
    let (unmet, share) = run.metric(&text, "unmet_needs.talk");
    let conditional = run.conditional_means();
    // Given the samples, each replication is 50 × Poisson(m_k / 50): its variance is 50 m_k, and
    // the run's mean has standard error sqrt(Σ_r 50 m_k(r)) / N.
    let n = unmet.len() as f64;
    let mut expected = 0.0;
    let mut noise = 0.0;
    for (group, m) in run.groups.iter().zip(&conditional) {
        expected += group.len() as f64 * m / n;
        noise += group.len() as f64 * run.scale * m;
    }
    let tolerance = 4.0 * noise.sqrt() / n;
    assert!(
        (mean(&unmet) - expected).abs() <= tolerance,
        "given the samples: {} against {expected} ± {tolerance}",
        mean(&unmet)
    );
    // Over the inputs: E = 50 × 20 000 × E[s] E[D] E[1 − p] with E[s] = 0.7, E[D] = 4,
    // E[1 − p] = 0.6. Holders are the world's count of uniforms below s, within
    // sqrt(s(1 − s) / A) ≈ 0.3 % of A s. The design's mean has at most the standard error of
    // independent draws, sqrt(Var_between / K + Var_within / N).
    let (a, k) = (20_000.0 * run.scale, conditional.len() as f64);
    let e1 = [0.7, 4.0, 0.6];
    let e2 = [
        0.7f64.powi(2) + 0.4f64.powi(2) / 12.0,
        16.0 + 16.0 / 12.0,
        0.36 + 0.16 / 12.0,
    ];
    let closed_mean = a * e1.iter().product::<f64>();
    let between = a * a * e2.iter().product::<f64>() - closed_mean.powi(2);
    let within = run.scale * closed_mean;
    let se = (between / k + within / n).sqrt();
    assert!(
        (mean(&unmet) - closed_mean).abs() <= 4.0 * se + 0.003 * closed_mean,
        "over the inputs: {} against {closed_mean} ± {}",
        mean(&unmet),
        4.0 * se
    );
    // The variance over inputs and replications together: Var_between + E[Var_within]. Its
    // estimate from K independent-like samples has standard error about
    // sqrt((μ₄ − σ⁴) / K), μ₄ the fourth central moment, estimated from the values.
    let total = between + within;
    let m = mean(&unmet);
    let mu4 = unmet.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    let var = variance(&unmet);
    let var_se = ((mu4 - var * var).max(0.0) / k).sqrt();
    assert!(
        (var - total).abs() <= 4.0 * var_se + 0.01 * total,
        "variance {var} against {total} ± {}",
        4.0 * var_se
    );
    // Poisson noise is tiny beside the inputs here: the share is within(1 − …) of 1.
    let closed_share = between / total;
    let share = share.unwrap_or_else(|| panic!("200 samples of 2 have shares"));
    assert!(
        (share - closed_share).abs() < 0.01,
        "{share} against {closed_share}"
    );
}

/// Only engine inputs (duration and success) on 200 agents all holding the app, with 1 need in
/// 400 hours per person: the noise is comparable to the inputs' spread and the input share is
/// far from 0 and from 1. m = 200 × D/400 × (1 − p) = 0.5 D (1 − p): E m = 1.2,
/// Var_between = 0.25 (E[D²] E[(1 − p)²] − 2.4²) = 0.25 (17.333 × 0.37333 − 5.76) ≈ 0.178,
/// Var_within = E m = 1.2 (Poisson), so the share is 0.178 / 1.378 ≈ 0.129. With K = 1000
/// samples of n = 10, MSB ≈ n σ_b² + σ_w² ≈ 2.98 has relative standard error sqrt(2 / (K − 1)),
/// so σ_b² = (MSB − MSW)/n has standard error about 0.0133 and the share about 0.0097; 4 of them
/// is 0.039.
#[test]
fn the_input_share_matches_its_closed_form() {
    let text = file(
        "replications = 10000\ninput_samples = 1000\n\n[population]\nsize = 200",
        &format!("{DURATION}\n{SUCCESS}"),
    )
    .replace("share = 0.7", "share = 1")
    .replace("demand_per_day = 24", "demand_per_day = 0.06");
    let run = Run::new(&text);
    let (unmet, share) = run.metric(&text, "unmet_needs.talk");
    let between = 0.25 * ((16.0 + 16.0 / 12.0) * (0.36 + 0.16 / 12.0) - 2.4f64.powi(2));
    let closed = between / (between + 1.2);
    let share = share.unwrap_or_else(|| panic!("1000 samples of 10 have shares"));
    assert!((share - closed).abs() <= 0.039, "{share} against {closed}");
    // And the mean, given only the design: E m = 1.2 within 4 standard errors of
    // sqrt(Var_between / K + Var_within / N).
    let se = (between / 1000.0 + 1.2 / 10_000.0).sqrt();
    assert!((mean(&unmet) - 1.2).abs() <= 4.0 * se, "{}", mean(&unmet));
}

/// A valuation input re-prices the counts: every count is bit-identical to the central run's,
/// and each replication's loss is its unmet needs times its sample's value per unmet need.
/// `concrisk run` on `text` into `dir/out`, on one thread.
fn run_study(
    dir: &std::path::Path,
    text: String,
    central: bool,
    out: &str,
) -> concrisk::study::RunResult {
    use concrisk::study::{self, RunRequest, Source, Study};
    let request = RunRequest {
        study: Study {
            source: Source::Text {
                name: "inputs.toml".to_string(),
                text,
            },
            edits: Vec::new(),
            threads: Some(1),
            out: dir.join(out),
        },
        variant: None,
        central,
    };
    study::run(&request, &Silent).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_valuation_input_leaves_the_counts_as_they_were() {
    let valuation = r#"[[uncertain]]
path = "services.talk.value_per_unmet"
value = { dist = "uniform", min = 1, max = 5 }
source = "assumed"
"#;
    let text = file(
        "replications = 40\ninput_samples = 8\nagents = 2000\n\n[population]\nsize = 100000",
        valuation,
    );
    let run = Run::new(&text);
    let mut central =
        concrisk::scenario::parse(&text, "inputs.toml").unwrap_or_else(|e| panic!("{e}"));
    central.uncertain.clear();
    let plain = simulate(central, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let counts = |outcomes: &[ReplicationOutcome]| -> Vec<Vec<f64>> {
        outcomes
            .iter()
            .map(|o| {
                o.services[0]
                    .by_segment
                    .iter()
                    .map(|d| d.unmet_needs)
                    .collect()
            })
            .collect()
    };
    assert_eq!(counts(&run.outcomes), counts(&plain.outcomes));
    let (unmet, _) = run.metric(&text, "unmet_needs.talk");
    let (loss, share) = run.metric(&text, "economic_loss.talk");
    for (group, sample) in run.groups.iter().zip(&run.samples) {
        let price = sample.services[0].value_per_unmet;
        assert!((1.0..=5.0).contains(&price));
        for r in group.clone() {
            assert!((loss[r] - unmet[r] * price).abs() <= 1e-9 * loss[r].abs().max(1.0));
        }
    }
    let prices: Vec<f64> = run
        .samples
        .iter()
        .map(|s| s.services[0].value_per_unmet)
        .collect();
    assert!(prices.windows(2).any(|w| w[0] != w[1]), "{prices:?}");
    assert!(share.is_some());
}

/// `run --central` ignores `[[uncertain]]`: its files are byte for byte those of the file without
/// the entries (but for the command that reproduces it), and carry no shares; without
/// `--central` every metric carries them, summing to 1.
#[test]
fn central_runs_are_the_file_without_its_inputs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run_of = |text: String, central: bool, out: &str| run_study(dir.path(), text, central, out);
    let run = "replications = 20\nagents = 2000\n\n[population]\nsize = 100000";
    let inputs = format!("{DURATION}\n{SUCCESS}");
    let plain = run_of(file(run, ""), false, "plain");
    let central = run_of(file(run, &inputs), true, "central");
    let drawn = run_of(file(run, &inputs), false, "drawn");
    for name in ["replications.csv", "timeseries.csv", "daily.csv"] {
        let read = |out: &std::path::Path| {
            std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        assert_eq!(read(&plain.out), read(&central.out), "{name}");
        assert_ne!(read(&plain.out), read(&drawn.out), "{name}");
    }
    let mut summary = central.summary.clone();
    assert_eq!(
        summary
            .command
            .as_deref()
            .map(|c| c.ends_with(" --central")),
        Some(true)
    );
    summary.command = plain.summary.command.clone();
    assert_eq!(summary, plain.summary);
    assert!(
        plain
            .summary
            .metrics
            .values()
            .all(|m| m.input_share.is_none())
    );
    for (name, metric) in &drawn.summary.metrics {
        let (input, noise) = (metric.input_share, metric.noise_share);
        let sum = input.zip(noise).map(|(i, n)| i + n);
        assert!(
            sum.is_some_and(|s| s == 0.0 || (s - 1.0).abs() < 1e-12),
            "{name}: {input:?} {noise:?}"
        );
    }
    let unmet = &drawn.summary.metrics["unmet_needs.talk"];
    assert!(unmet.input_share.is_some_and(|s| s > 0.0), "{unmet:?}");
    // Beside its bands, the run over inputs carries the central run's: the same replications'
    // streams with every input as written, so exactly the bands of the plain run.
    assert!(plain.summary.timeseries.central.is_empty());
    assert_eq!(
        drawn.summary.timeseries.central,
        plain.summary.timeseries.series
    );
    assert_ne!(
        drawn.summary.timeseries.series,
        plain.summary.timeseries.series
    );
    // And each metric's central statistics are exactly the plain run's; the plain run has none.
    assert!(plain.summary.metrics.values().all(|m| m.central.is_none()));
    for (name, metric) in &drawn.summary.metrics {
        assert_eq!(
            metric.central,
            Some(plain.summary.metrics[name].stats),
            "{name}"
        );
    }
    let unmet_central = unmet.central.map(|c| (c.p05, c.p95));
    assert_ne!(unmet_central, Some((unmet.stats.p05, unmet.stats.p95)));
}

/// Inputs that only price the counts: the central statistics are still the plain run's (the
/// central run is the run's own counts, priced as written), while the money metrics move.
#[test]
fn a_valuation_only_run_prices_its_central_statistics_as_written() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run_of = |text: String, out: &str| run_study(dir.path(), text, false, out);
    let price = r#"[[uncertain]]
path = "services.talk.value_per_unmet"
value = { dist = "uniform", min = 1, max = 5 }
source = "assumed"
"#;
    let run = "replications = 20\nagents = 2000\n\n[population]\nsize = 100000";
    let plain = run_of(file(run, ""), "plain");
    let priced = run_of(file(run, price), "priced");
    for (name, metric) in &priced.summary.metrics {
        assert_eq!(
            metric.central,
            Some(plain.summary.metrics[name].stats),
            "{name}"
        );
    }
    let unmet = &priced.summary.metrics["unmet_needs.talk"];
    assert_eq!(unmet.stats, plain.summary.metrics["unmet_needs.talk"].stats);
    let loss = &priced.summary.metrics["economic_loss.talk"];
    assert_ne!(
        loss.stats,
        plain.summary.metrics["economic_loss.talk"].stats
    );
}
