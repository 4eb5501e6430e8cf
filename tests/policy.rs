//! Policy studies (issue 5): variants on common random numbers, paired intervals, the redundancy
//! invariant as a property, single points of failure, concentration indices, and the `compare`,
//! `sweep` and `rank` commands as a user meets them. Tolerances come from the Monte Carlo
//! standard error of the paired differences, never from a magic number.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use concrisk::engine::Silent;
use concrisk::policy::compare::against;
use concrisk::policy::concentration::{self, hhi};
use concrisk::policy::{Sample, rank, sweep};
use concrisk::results::Summary;
use concrisk::scenario::{self, Edit, Scenario};
use concrisk::study;
use concrisk::world::World;
use proptest::prelude::*;

/// One data centre under two apps; messaging tries `app`, then `backup`, then the phone.
const BASE: &str = r#"[scenario]
name = "policy test"
value_of_time_per_hour = 10

[run]
horizon_hours = 48
replications = 200
seed = 11
agents = 20000

[population]
size = 200000
segments = [{ id = "young", share = 0.5 }, { id = "old", share = 0.5 }]

[[infrastructure]]
id = "dc"
owner = "Host"

[[infrastructure]]
id = "dc2"
owner = "Host"

[[platforms]]
id = "app"
owner = "Big"
depends_on = ["dc"]
restore_hours = { dist = "triangular", min = 1, mode = 3, max = 8 }
ramp_hours = { dist = "uniform", min = 1, max = 6 }

[[platforms]]
id = "backup"
owner = "Small"
depends_on = ["dc2"]

[[adoption]]
platform = "app"
share = { default = 0.9, old = 0.6 }

[[adoption]]
platform = "backup"
share = 0.2

[[services]]
id = "messaging"
demand_per_day = 6
profile = "daytime"
channels = [{ platform = "app" }, { platform = "backup" }, { offline = "phone", success = 0.8, extra_minutes = 3 }]
value_per_unmet = 50

[[events]]
id = "fire"
fails = ["dc"]
at_hour = { dist = "uniform", min = 2, max = 20 }
duration_hours = { dist = "lognormal", median = 6, p95 = 20 }
"#;

const VARIANTS: &str = r#"
[[variants]]
name = "same"
description = "sets the event's duration to what it already is"
set = { "events.fire.duration_hours" = { dist = "lognormal", median = 6, p95 = 20 } }

[[variants]]
name = "faster_restore"
description = "the app comes back sooner"
set = { "platforms.app.restore_hours" = 1 }

[[variants]]
name = "dual_site"
set = { "platforms.app.depends_on" = [{ any_of = ["dc", "dc2"], need = 1, failover_minutes = 15, failover_success = 0.9 }] }
"#;

fn text() -> String {
    format!("{BASE}{VARIANTS}")
}

fn variant(name: Option<&str>) -> Scenario {
    let text = text();
    scenario::Document::parse(&text, "policy.toml")
        .and_then(|document| document.variant(name, &[]))
        .unwrap_or_else(|e| panic!("fixture variant {name:?} is valid: {e}"))
}

fn sample(name: Option<&str>) -> Sample {
    Sample::run(variant(name), &Silent).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn identical_variant_differs_by_exactly_zero() {
    let baseline = sample(None);
    let same = sample(Some("same"));
    assert_eq!(
        baseline, same,
        "same scenario, same seed: same values bit for bit"
    );
    for row in against(&baseline, &same) {
        assert_eq!(
            (row.diff.mean, row.diff.lo, row.diff.hi),
            (0.0, 0.0, 0.0),
            "{}",
            row.metric
        );
    }
}

#[test]
fn paired_interval_is_much_narrower_than_unpaired() {
    let baseline = sample(None);
    let faster = sample(Some("faster_restore"));
    let rows = against(&baseline, &faster);
    for metric in ["economic_loss.total", "person_hours_cut_off.total"] {
        let row = rows
            .iter()
            .find(|r| r.metric == metric)
            .unwrap_or_else(|| panic!("{metric} compared"));
        let ratio = row.diff.half_width() / row.unpaired.half_width();
        println!(
            "{metric}: difference {:.1}, paired ±{:.1}, unpaired ±{:.1}, ratio {ratio:.3}",
            row.diff.mean,
            row.diff.half_width(),
            row.unpaired.half_width()
        );
        assert!(row.diff.hi < 0.0, "a faster restore spares damage: {row:?}");
        assert!(
            ratio < 0.25,
            "{metric}: paired/unpaired width ratio {ratio}"
        );
    }
}

#[test]
fn a_variant_changes_only_what_it_sets() {
    let baseline = variant(None);
    let dual = variant(Some("dual_site"));
    assert_eq!(baseline.events.len(), dual.events.len());
    assert_eq!(baseline.adoption.len(), dual.adoption.len());
    let app = |s: &Scenario| format!("{:?}", s.nodes[2].requires);
    assert_ne!(app(&baseline), app(&dual));
    assert_eq!(
        format!("{:?}", baseline.services),
        format!("{:?}", dual.services)
    );
}

/// A random small dependency graph: `platforms` apps on `infra` data centres, each app on one or
/// two of them; the event fails one data centre. Restore is fixed so that the only thing a
/// redundancy group changes is when a node is up.
fn random_graph(
    infra: usize,
    deps: &[(usize, Option<usize>)],
    shares: &[f64],
    failed: usize,
    duration: f64,
    group: Option<(usize, usize)>,
) -> String {
    let mut text = String::from(
        "[scenario]\nname = \"random\"\nvalue_of_time_per_hour = 10\n\n[run]\nhorizon_hours = 24\nreplications = 20\nseed = 3\nagents = 3000\n\n[population]\nsize = 30000\n",
    );
    for i in 0..infra {
        text.push_str(&format!("\n[[infrastructure]]\nid = \"dc{i}\"\n"));
    }
    for (p, (first, second)) in deps.iter().enumerate() {
        let mut items = Vec::new();
        match group {
            Some((platform, other)) if platform == p => items.push(format!(
                "{{ any_of = [\"dc{first}\", \"dc{other}\"], need = 1 }}"
            )),
            _ => items.push(format!("\"dc{first}\"")),
        }
        if let Some(second) = second {
            items.push(format!("\"dc{second}\""));
        }
        text.push_str(&format!(
            "\n[[platforms]]\nid = \"p{p}\"\ndepends_on = [{}]\nrestore_hours = 1\n\n[[adoption]]\nplatform = \"p{p}\"\nshare = {}\n",
            items.join(", "),
            shares[p]
        ));
    }
    let channels: Vec<String> = (0..deps.len())
        .map(|p| format!("{{ platform = \"p{p}\" }}"))
        .chain(std::iter::once(
            "{ offline = \"cash\", success = 0.5, extra_minutes = 5 }".to_string(),
        ))
        .collect();
    text.push_str(&format!(
        "\n[[services]]\nid = \"s\"\ndemand_per_day = 8\nchannels = [{}]\nvalue_per_unmet = 3\n\n[[events]]\nid = \"e\"\nfails = [\"dc{failed}\"]\nat_hour = {{ dist = \"uniform\", min = 0, max = 10 }}\nduration_hours = {duration}\n",
        channels.join(", ")
    ));
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Adding a redundant path (a plain dependency becomes "this or another data centre") never
    /// raises damage: person-hours cut off never rise in any replication, and expected economic
    /// loss does not rise beyond 4 standard errors of the paired difference (the needs are
    /// Poisson draws, so single replications may).
    #[test]
    fn adding_a_redundant_path_never_raises_expected_damage(
        infra in 2usize..5,
        raw_deps in prop::collection::vec((0usize..5, prop::option::of(0usize..5)), 1..4),
        shares in prop::collection::vec(0.1f64..1.0, 4),
        failed in 0usize..5,
        other in 0usize..5,
        platform in 0usize..4,
        duration in 1.0f64..12.0,
    ) {
        let deps: Vec<(usize, Option<usize>)> = raw_deps
            .iter()
            .map(|(a, b)| (a % infra, b.map(|b| b % infra).filter(|b| *b != a % infra)))
            .collect();
        let platform = platform % deps.len();
        let other = if other % infra == deps[platform].0 { (other + 1) % infra } else { other % infra };
        let failed = failed % infra;
        let plain = random_graph(infra, &deps, &shares, failed, duration, None);
        let redundant = random_graph(infra, &deps, &shares, failed, duration, Some((platform, other)));
        let run = |text: &str| {
            let scenario = scenario::parse(text, "random.toml")
                .unwrap_or_else(|e| panic!("generated scenario is valid: {e}\n{text}"));
            Sample::run(scenario, &Silent).unwrap_or_else(|e| panic!("{e}"))
        };
        let (before, after) = (run(&plain), run(&redundant));
        let column = |s: &Sample, m: &str| s.column(m).unwrap_or_else(|| panic!("{m}"));
        for (b, a) in column(&before, "person_hours_cut_off.total").iter().zip(column(&after, "person_hours_cut_off.total")) {
            prop_assert!(a <= b + 1e-9 * b.abs().max(1.0), "cut off {a} > {b}");
        }
        let rows = against(&before, &after);
        let loss = rows.iter().find(|r| r.metric == "economic_loss.total")
            .unwrap_or_else(|| panic!("economic loss compared"));
        // diff.half_width() is t·se; 4 standard errors is at most about twice that for n = 20.
        let tolerance = 4.0 * loss.diff.half_width() / 2.093 + 1e-9;
        prop_assert!(loss.diff.mean <= tolerance, "economic loss rose by {} (tolerance {tolerance})", loss.diff.mean);
    }
}

/// Issue 12: a standby is no single point of failure. Failing it alone does nothing, and rank
/// says so instead of ranking it beside its primary; the primary costs the failover (30
/// minutes, and the rest of the outage when it fails).
#[test]
fn rank_says_a_standby_does_no_damage_alone() {
    let text = r#"
[scenario]
name = "card payments"

[run]
horizon_hours = 24
replications = 200
agents = 2000

[population]
size = 10000000

[[infrastructure]]
id = "primary_dc"
[[infrastructure]]
id = "failover_dc"

[[platforms]]
id = "switch"
depends_on = [{ primary = "primary_dc", standby = "failover_dc", failover_minutes = 30, failover_success = 0.9 }]

[[adoption]]
platform = "switch"
share = 0.9

[[services]]
id = "shop_payments"
demand_per_day = 2
channels = [{ platform = "switch" }, { offline = "cash", success = 0.6 }]
value_per_unmet = 20

[[events]]
id = "outage"
fails = ["primary_dc"]
at_hour = 10
duration_hours = 7.5
"#;
    let scenario = scenario::parse(text, "card.toml").unwrap_or_else(|e| panic!("{e}"));
    let ranking = rank::rank(&scenario, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let node = |id: &str| {
        ranking
            .nodes
            .iter()
            .find(|n| n.node == id)
            .unwrap_or_else(|| panic!("{id} ranked"))
    };
    let standby = node("failover_dc");
    assert_eq!(
        standby.note.as_deref(),
        Some("no damage alone (standby of primary_dc)")
    );
    assert_eq!(standby.expected_damage.mean, 0.0);
    assert_eq!(node("primary_dc").note, None);
    assert!(node("primary_dc").expected_damage.mean > 0.0);
    assert_eq!(
        ranking.nodes.last().map(|n| n.node.as_str()),
        Some("failover_dc")
    );
    let json = String::from_utf8(ranking.json().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        json.contains(r#""note": "no damage alone (standby of primary_dc)""#),
        "{json}"
    );
}

/// Issue 12: the shipped card-payment scenario. Its standby data centre ranks last, with the
/// note, below the phone wallet (which also does no damage alone: every wallet holder holds a
/// card, tried first); the primary and the switch on it do damage.
#[test]
fn the_card_scenarios_standby_ranks_last_with_its_note() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/card-outage.toml");
    let mut scenario = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    scenario.run.replications = 20;
    let ranking = rank::rank(&scenario, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let last = ranking
        .nodes
        .last()
        .unwrap_or_else(|| panic!("nodes ranked"));
    assert_eq!(last.node, "failover_dc");
    assert_eq!(
        last.note.as_deref(),
        Some("no damage alone (standby of primary_dc)")
    );
    for id in ["primary_dc", "card_switch", "cards"] {
        let node = ranking
            .nodes
            .iter()
            .find(|n| n.node == id)
            .unwrap_or_else(|| panic!("{id} ranked"));
        assert!(
            node.note.is_none() && node.expected_damage.mean > 0.0,
            "{node:?}"
        );
    }
}

#[test]
fn rank_puts_the_node_everything_depends_on_first() {
    let text = r#"[scenario]
name = "rank"

[run]
horizon_hours = 24
replications = 30
seed = 5
agents = 5000

[population]
size = 50000

[[infrastructure]]
id = "power"

[[infrastructure]]
id = "dc_a"
depends_on = ["power"]

[[infrastructure]]
id = "dc_b"
depends_on = ["power"]

[[platforms]]
id = "chat"
depends_on = ["dc_a"]

[[platforms]]
id = "pay"
depends_on = ["dc_b"]

[[adoption]]
platform = "chat"
share = 0.9

[[adoption]]
platform = "pay"
share = 0.7

[[services]]
id = "messaging"
demand_per_day = 5
channels = [{ platform = "chat" }]

[[services]]
id = "payments"
demand_per_day = 2
channels = [{ platform = "pay" }, { offline = "cash", success = 0.5 }]

[[events]]
id = "storm"
fails = ["dc_b"]
at_hour = 3
duration_hours = { dist = "uniform", min = 2, max = 6 }
"#;
    let scenario = scenario::parse(text, "rank.toml").unwrap_or_else(|e| panic!("{e}"));
    let ranking = rank::rank(&scenario, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let order: Vec<&str> = ranking.nodes.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(order[0], "power", "{order:?}");
    assert_eq!(ranking.metric, "person_hours_cut_off.total");
    let damage = |id: &str| {
        ranking
            .nodes
            .iter()
            .find(|n| n.node == id)
            .map_or(f64::NAN, |n| n.expected_damage.mean)
    };
    // Failing power cuts off everything dc_a and dc_b each cut off (same hours, same people).
    assert!((damage("power") - damage("dc_a") - damage("dc_b")).abs() < 1e-6 * damage("power"));
    assert_eq!(damage("dc_a"), damage("chat"));
    assert_eq!(ranking.timed_like, "storm");
}

#[test]
fn hhi_is_ten_thousand_for_a_monopoly_and_ten_thousand_over_n_for_n_equal_platforms() {
    assert_eq!(hhi([1.0]), 10_000.0);
    for n in 1..=10 {
        let equal = vec![1.0 / n as f64; n];
        assert!((hhi(equal) - 10_000.0 / n as f64).abs() < 1e-9, "n = {n}");
    }
    // From a world: one platform held by everyone is a monopoly; the phone open to everyone is
    // an alternative (issue 12: offline channels count), so nobody is without one.
    let text = BASE
        .replace("share = { default = 0.9, old = 0.6 }", "share = 1.0")
        .replace("share = 0.2", "share = 0.0");
    let world = World::build(scenario::parse(&text, "m.toml").unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let c = &concentration::of(&world)[0];
    assert_eq!(
        (c.hhi_platforms, c.hhi_owners, c.no_alternative_share),
        (10_000.0, 10_000.0, 0.0)
    );
    // The phone open to the old only: the young (half the agents exactly) have no alternative.
    let young_only = text.replace(
        r#"{ offline = "phone", success = 0.8, extra_minutes = 3 }"#,
        r#"{ offline = "phone", success = 0.8, extra_minutes = 3, segments = ["old"] }"#,
    );
    assert_ne!(young_only, text);
    let world =
        World::build(scenario::parse(&young_only, "y.toml").unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let starts = &world.people.segment_starts;
    let young = (starts[1] - starts[0]) as f64 / world.people.count() as f64;
    let c = &concentration::of(&world)[0];
    assert_eq!(c.no_alternative_share, young);
    // Two platforms of one owner: one owner, whatever the platforms' split.
    let same_owner = BASE.replace("owner = \"Small\"", "owner = \"Big\"");
    let world =
        World::build(scenario::parse(&same_owner, "o.toml").unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let c = &concentration::of(&world)[0];
    assert_eq!(c.hhi_owners, 10_000.0);
    assert!(c.hhi_platforms < 10_000.0);
    let app_share = c.platform_shares[0].1;
    assert!((c.hhi_platforms - hhi([app_share, 1.0 - app_share])).abs() < 1e-9);
}

// ---------------------------------------------------------------------------------------------
// The commands.

fn concrisk() -> Command {
    Command::cargo_bin("concrisk").unwrap_or_else(|e| panic!("binary builds: {e}"))
}

fn write_fixture(dir: &Path, text: &str) -> std::path::PathBuf {
    let file = dir.join("policy.toml");
    fs::write(&file, text).unwrap_or_else(|e| panic!("write: {e}"));
    file
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn compare_writes_its_table_figure_and_report_section() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = write_fixture(dir.path(), &text());
    let out = dir.path().join("out");
    concrisk()
        .arg("compare")
        .arg(&file)
        .args([
            "--variants",
            "same,dual_site",
            "--replications",
            "40",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = read(&out.join("compare.csv"));
    assert!(
        csv.starts_with("variant,metric,mean,diff_mean,diff_lo,diff_hi\n"),
        "{csv}"
    );
    assert!(csv.contains("\nsame,economic_loss.total,"));
    assert!(csv.contains("\ndual_site,economic_loss.total,"));
    assert!(
        !csv.contains("faster_restore"),
        "only the variants asked for"
    );
    for row in csv.lines().filter(|l| l.starts_with("same,")) {
        assert!(row.ends_with(",0,0,0"), "identical variant: {row}");
    }
    let json = read(&out.join("compare.json"));
    assert!(json.contains("\"unpaired_half_width\""));
    for name in ["plots/compare.svg", "plots/compare.png", "summary.json"] {
        assert!(out.join(name).exists(), "{name} written");
    }
    let page = read(&out.join("report.html"));
    assert!(page.contains("id=\"compare\"") && page.contains("id=\"fig-compare\""));
}

#[test]
fn sweep_grid_and_latin_hypercube_stream_one_row_per_point_and_metric() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = write_fixture(dir.path(), BASE);
    let out = dir.path().join("grid");
    concrisk()
        .arg("sweep")
        .arg(&file)
        .args([
            "--set",
            "adoption.app.share",
            "--values",
            "0.5,0.9",
            "--set",
            "events.fire.duration_hours",
            "--values",
            "2,4,8",
            "--replications",
            "20",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = read(&out.join("sweep.csv"));
    assert!(csv.starts_with("adoption.app.share,events.fire.duration_hours,metric,mean,p05,p95\n"));
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",economic_loss.total,"))
        .collect();
    assert_eq!(rows.len(), 6, "2 × 3 grid");
    assert!(!out.join("sweep.csv.partial").exists());
    assert!(out.join("plots/sweep.png").exists());

    let out = dir.path().join("lhs");
    concrisk()
        .arg("sweep")
        .arg(&file)
        .args([
            "--design",
            "lhs",
            "--samples",
            "5",
            "--range",
            "adoption.app.share=0.5..0.95",
            "--range",
            "platforms.app.restore_hours=0..6",
            "--metric",
            "unmet_needs.total",
            "--replications",
            "10",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = read(&out.join("sweep.csv"));
    let mut shares: Vec<f64> = csv
        .lines()
        .filter(|l| l.contains(",unmet_needs.total,"))
        .filter_map(|l| l.split(',').next()?.parse().ok())
        .collect();
    shares.sort_by(f64::total_cmp);
    assert_eq!(shares.len(), 5);
    for (i, share) in shares.iter().enumerate() {
        let stratum = ((share - 0.5) / 0.45 * 5.0).floor() as usize;
        assert_eq!(stratum, i, "one point per stratum: {shares:?}");
    }
}

#[test]
fn rank_writes_ranking_and_concentration() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = write_fixture(dir.path(), BASE);
    let out = dir.path().join("out");
    concrisk()
        .arg("rank")
        .arg(&file)
        .args(["--replications", "20", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rank = read(&out.join("rank.csv"));
    assert!(
        rank.starts_with("rank,node,kind,metric,expected_damage\n1,dc,"),
        "{rank}"
    );
    let concentration = read(&out.join("concentration.csv"));
    assert!(
        concentration
            .starts_with("service,hhi_platforms,hhi_owners,no_alternative_share\nmessaging,")
    );
    assert!(out.join("rank.json").exists() && out.join("plots/rank.png").exists());
}

/// Runs a command that must fail on input: exit 2, a message holding each of `expected`, no
/// output folder.
fn refuses(args: &[&str], text: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = write_fixture(dir.path(), text);
    let out = dir.path().join("out");
    let output = concrisk()
        .arg(args[0])
        .arg(&file)
        .args(&args[1..])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "exit status for:\n{stderr}");
    assert!(stderr.contains("policy.toml"), "names the file:\n{stderr}");
    for needle in expected {
        assert!(
            stderr.contains(needle),
            "message should contain {needle:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "no output folder is left behind");
}

#[test]
fn bad_variants_paths_and_flags_exit_2_with_a_located_message() {
    let text = text();
    refuses(
        &["run", "--variant", "nope"],
        &text,
        &[
            "no variant named \"nope\"",
            "same, faster_restore, dual_site",
        ],
    );
    refuses(
        &["compare", "--variants", "same,nope"],
        &text,
        &["nope", "faster_restore"],
    );
    refuses(
        &["run"],
        &text.replace("platforms.app.restore_hours", "platforms.ap.restore_hours"),
        &[
            "policy.toml:64:",
            "\"ap\"",
            "platforms\" has: app, backup",
            "faster_restore",
        ],
    );
    refuses(
        &["run", "--variant", "faster_restore"],
        &text.replace(
            "\"platforms.app.restore_hours\" = 1",
            "\"platforms.app.restore_hours\" = -1",
        ),
        &[
            "policy.toml:64:",
            "platforms[0].restore_hours",
            "comes from variant \"faster_restore\"",
        ],
    );
    refuses(
        &[
            "sweep",
            "--set",
            "adoption.app.share",
            "--values",
            "0.5,1.5",
        ],
        BASE,
        &["not a share", "--set adoption.app.share = 1.5"],
    );
    refuses(
        &["sweep", "--set", "adoption.apps.share", "--values", "0.5"],
        BASE,
        &["\"apps\"", "app, backup"],
    );
    refuses(
        &[
            "sweep",
            "--set",
            "adoption.app.share",
            "--values",
            "0.5",
            "--metric",
            "nothing",
        ],
        BASE,
        &["--metric nothing", "economic_loss.total"],
    );
    refuses(&["compare"], BASE, &["declares no [[variants]]"]);
    refuses(
        &[
            "sweep",
            "--design",
            "lhs",
            "--samples",
            "4",
            "--range",
            "adoption.app.share=0.9..0.1",
        ],
        BASE,
        &["--range", "lo ≤ hi"],
    );
}

// ---------------------------------------------------------------------------------------------
// The library's entry points (`concrisk::study`), as a program embedding concrisk meets them.

/// A study of the fixture with `text`, `replications` replications, into `out`.
fn study_of(text: &str, replications: u32, threads: usize, out: &Path) -> study::Study {
    study::Study {
        source: study::Source::Text {
            name: "policy.toml".to_string(),
            text: text.to_string(),
        },
        edits: vec![Edit::flag(
            "--replications",
            "run.replications",
            replications,
        )],
        threads: Some(threads),
        out: out.to_path_buf(),
    }
}

fn read_summary(out: &Path) -> Summary {
    Summary::from_json(&read(&out.join("summary.json"))).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_run_entry_point_returns_what_it_writes_and_the_same_bytes_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut written = Vec::new();
    for threads in [1, 2] {
        let out = dir.path().join(format!("threads{threads}"));
        let request = study::RunRequest {
            study: study_of(BASE, 20, threads, &out),
            variant: None,
            central: false,
        };
        let ran = study::run(&request, &Silent).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ran.out, out);
        assert_eq!(
            ran.summary,
            read_summary(&out),
            "the result is the file written"
        );
        assert_eq!(
            ran.summary.replications, 20,
            "the request's edit was applied"
        );
        assert!(
            ran.summary.metrics["economic_loss.total"].stats.mean > 0.0,
            "the data centre always fails, so the run loses money"
        );
        assert!(out.join("report.html").exists(), "the report is drawn");
        written.push(
            ["summary.json", "replications.csv", "timeseries.csv"].map(|f| read(&out.join(f))),
        );
    }
    assert!(
        written[0] == written[1],
        "1 and 2 threads write the same bytes"
    );
}

#[test]
fn the_compare_entry_point_returns_the_comparison_it_writes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let out = dir.path().join("out");
    let request = study::CompareRequest {
        study: study_of(&text(), 20, 2, &out),
        variants: vec!["faster_restore".to_string(), "same".to_string()],
    };
    let compared = study::compare(&request, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let comparison = &compared.comparison;
    let names: Vec<&str> = comparison
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["faster_restore", "same"],
        "the variants asked for, in order"
    );
    let csv = comparison.csv().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        String::from_utf8_lossy(&csv),
        read(&out.join("compare.csv"))
    );
    assert_eq!(
        compared.summary,
        read_summary(&out),
        "the baseline's run is written"
    );
    let same = &comparison.variants[1];
    assert!(!same.rows.is_empty());
    for row in &same.rows {
        assert_eq!(
            (row.diff.mean, row.diff.lo, row.diff.hi),
            (0.0, 0.0, 0.0),
            "{}",
            row.metric
        );
    }
    assert!(read(&out.join("report.html")).contains("id=\"compare\""));
}

#[test]
fn the_sweep_and_rank_entry_points_return_what_they_write() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let out = dir.path().join("sweep");
    let path = "platforms.app.restore_hours";
    let request = study::SweepRequest {
        study: study_of(BASE, 10, 2, &out),
        design: sweep::Design::Grid(vec![(path.to_string(), sweep::parse_values("1,4"))]),
        metric: None,
    };
    let swept = study::sweep(&request, &Silent).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(swept.points, 2);
    assert_eq!(swept.paths, [path]);
    assert_eq!(swept.metric, "economic_loss.total");
    let metrics = concrisk::results::metrics::names(&variant(None)).len();
    assert_eq!(
        read(&out.join("sweep.csv")).lines().count(),
        1 + 2 * metrics
    );

    let out = dir.path().join("rank");
    let ranked =
        study::rank(&study_of(BASE, 10, 2, &out), &Silent).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ranked.out, out);
    assert_eq!(ranked.ranking.nodes.len(), 4, "dc, dc2, app and backup");
    assert_eq!(
        ranked.ranking.rank_csv().unwrap_or_else(|e| panic!("{e}")),
        fs::read(out.join("rank.csv")).unwrap_or_else(|e| panic!("{e}"))
    );
}

#[test]
fn entry_points_say_the_input_is_at_fault_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let out = dir.path().join("out");
    let no_events = BASE.split("[[events]]").next().unwrap_or_default();
    let failures = [
        (
            study::compare(
                &study::CompareRequest {
                    study: study_of(BASE, 20, 1, &out),
                    variants: Vec::new(),
                },
                &Silent,
            )
            .err(),
            "declares no [[variants]]",
        ),
        (
            study::run(
                &study::RunRequest {
                    study: study_of(&text(), 20, 1, &out),
                    variant: Some("nope".to_string()),
                    central: false,
                },
                &Silent,
            )
            .err(),
            "nope",
        ),
        (
            study::rank(&study_of(no_events, 20, 1, &out), &Silent).err(),
            "no [[events]]",
        ),
        (
            study::run(
                &study::RunRequest {
                    study: study_of(BASE, 0, 1, &out),
                    variant: None,
                    central: false,
                },
                &Silent,
            )
            .err(),
            "--replications",
        ),
    ];
    for (failure, expected) in failures {
        let failure = failure.unwrap_or_else(|| panic!("a study with {expected:?} fails"));
        assert!(failure.is_input(), "{failure}");
        assert!(failure.to_string().contains(expected), "{failure}");
    }
    assert!(!out.exists(), "a refused study writes nothing");
}

// ---------------------------------------------------------------------------------------------
// Issue 14: `annual`.

/// The fixture with a rated fire, costed variants and `[economics]`.
fn annual_text() -> String {
    let base = BASE.replace(
        "duration_hours = { dist = \"lognormal\", median = 6, p95 = 20 }\n",
        "duration_hours = { dist = \"lognormal\", median = 6, p95 = 20 }\nrate_per_year = 0.5\n",
    );
    let variants = VARIANTS
        .replace(
            "name = \"same\"\n",
            "name = \"same\"\ncost = { upfront = 1000, per_year = 10 }\n",
        )
        .replace(
            "name = \"dual_site\"\n",
            "name = \"dual_site\"\ncost = { upfront = 5000, per_year = 100 }\n",
        );
    format!("{base}{variants}\n[economics]\ndiscount_rate = 0.045\nhorizon_years = 20\n")
}

fn annual_of(threads: usize, out: &Path) -> study::AnnualResult {
    let request = study::AnnualRequest {
        study: study_of(&annual_text(), 60, threads, out),
        years: 2000,
        variants: vec!["same".to_string(), "dual_site".to_string()],
    };
    study::annual(&request, &Silent).unwrap_or_else(|e| panic!("{e}"))
}

/// The files of `annual`, the same bytes on any thread count; the AAL is the rate times the mean
/// loss of an occurrence (within 4 standard errors); a variant that changes nothing averts
/// exactly 0, so its NPV is minus its cost and its BCR 0; the measure that helps averts more.
#[test]
fn annual_writes_its_files_the_same_on_any_thread_count_and_weighs_variants() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let done = annual_of(1, &one);
    annual_of(2, &two);
    for name in ["annual.json", "years.csv", "events.csv", "benefit_cost.csv"] {
        assert_eq!(read(&one.join(name)), read(&two.join(name)), "{name}");
    }
    let loss = &done.annual.metrics["economic_loss.total"];
    assert_eq!(loss.aep.len(), 10);
    assert_eq!(loss.aep[5].return_period_years, 100.0);
    assert!(loss.aep.iter().all(|p| p.lo <= p.value && p.value <= p.hi));
    assert!(loss.aep.windows(2).all(|w| w[0].value <= w[1].value));
    let events = read(&one.join("events.csv"));
    let row = events
        .lines()
        .find(|l| l.starts_with("fire,0.5,60,economic_loss.total,"))
        .unwrap_or_else(|| panic!("{events}"));
    let mean: f64 = row
        .split(',')
        .nth(4)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    assert!(
        (loss.aal.mean - 0.5 * mean).abs() < 4.0 * loss.aal.se,
        "{:?} against {}",
        loss.aal,
        0.5 * mean
    );
    let same = &done.benefit_cost[0];
    assert_eq!(
        (same.averted.mean, same.averted.lo, same.averted.hi),
        (0.0, 0.0, 0.0)
    );
    let annuity = (1.0 - 1.045f64.powi(-20)) / 0.045;
    assert!((same.npv[0] + (1000.0 + 10.0 * annuity)).abs() < 1e-9);
    assert_eq!(same.bcr, [0.0, 0.0, 0.0]);
    let dual = &done.benefit_cost[1];
    assert!(dual.averted.lo > 0.0, "{dual:?}");
    let pv = 5000.0 + 100.0 * annuity;
    assert!((dual.bcr[0] - dual.averted.mean * annuity / pv).abs() < 1e-9 * dual.bcr[0]);
    let csv = read(&one.join("benefit_cost.csv"));
    assert!(csv.starts_with(
        "variant,averted_aal,averted_aal_lo,averted_aal_hi,npv,npv_lo,npv_hi,bcr,bcr_lo,bcr_hi\nsame,0,0,0,"
    ), "{csv}");
    let years = read(&one.join("years.csv"));
    assert!(
        years.starts_with("year,occurrences,unmet_needs.messaging.sum,"),
        "{years}"
    );
    assert_eq!(years.lines().count(), 2001);
    for name in ["plots/annual_exceedance.svg", "plots/annual_exceedance.png"] {
        assert!(one.join(name).exists(), "{name} written");
    }
    let page = read(&one.join("report.html"));
    assert!(page.contains("id=\"annual\"") && page.contains("id=\"fig-annual_exceedance\""));
    assert!(
        page.contains("Once in 100 years, the yearly total exceeds"),
        "{page}"
    );
    assert!(page.contains("benefit–cost ratio"));
    // `report DIR` draws an annual folder again: the same page from its files.
    std::fs::remove_file(one.join("report.html")).unwrap_or_else(|e| panic!("{e}"));
    study::report(&one).unwrap_or_else(|e| panic!("report DIR: {e}"));
    assert_eq!(read(&one.join("report.html")), page);
}

/// An uncertain rate (uniform 0.25–1 around the file's 0.5): the values stay those of the rate
/// in the file, the same bytes of `years.csv`; `annual.json` gives the draws' 2.5–97.5 % span
/// (0.269–0.981 for a uniform; 200 Latin-hypercube draws put it within 0.01); the AAL's
/// standard error grows to the spread the rate adds, (AAL / 0.5) × 0.75 / √12, in quadrature
/// with the sampling's (within 20 %: the bootstrap's own error on a standard deviation from 200
/// replicates is 5 %, and the table's resampling moves it too); a measure that changes nothing
/// still averts exactly 0; the page says the intervals hold the rate.
#[test]
fn an_uncertain_rate_widens_the_annual_intervals() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let certain = annual_of(2, &dir.path().join("certain"));
    let text = format!(
        "{}\n[[uncertain]]\npath = \"events.fire.rate_per_year\"\nvalue = {{ dist = \"uniform\", min = 0.25, max = 1.0 }}\nsource = \"assumed\"\n",
        annual_text()
    );
    let out = dir.path().join("uncertain");
    let request = study::AnnualRequest {
        study: study_of(&text, 60, 2, &out),
        years: 2000,
        variants: vec!["same".to_string(), "dual_site".to_string()],
    };
    let done = study::annual(&request, &Silent).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        read(&out.join("years.csv")),
        read(&dir.path().join("certain").join("years.csv"))
    );
    let rate = done.annual.events[0]
        .uncertain
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", done.annual.events));
    assert!(
        (rate.lo - 0.268_75).abs() < 0.01 && (rate.hi - 0.981_25).abs() < 0.01,
        "{rate:?}"
    );
    let (was, now) = (
        &certain.annual.metrics["economic_loss.total"].aal,
        &done.annual.metrics["economic_loss.total"].aal,
    );
    assert_eq!(was.mean, now.mean);
    let spread = was.mean / 0.5 * 0.75 / 12f64.sqrt();
    let expected = (was.se.powi(2) + spread.powi(2)).sqrt();
    assert!(
        (now.se / expected - 1.0).abs() < 0.2,
        "{now:?} against {expected} ({was:?})"
    );
    let same = &done.benefit_cost[0];
    assert_eq!((same.averted.lo, same.averted.hi), (0.0, 0.0));
    let (a, b) = (
        &certain.benefit_cost[1].averted,
        &done.benefit_cost[1].averted,
    );
    assert!(b.hi - b.lo > a.hi - a.lo, "{a:?} {b:?}");
    let page = read(&out.join("report.html"));
    assert!(
        page.contains("also hold what we do not know of the rates"),
        "{page}"
    );
}

#[test]
fn annual_refuses_a_file_without_rates_and_a_variant_without_cost() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = write_fixture(dir.path(), &text());
    concrisk()
        .args(["annual"])
        .arg(&file)
        .args(["--out"])
        .arg(dir.path().join("a"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no [[events]] has rate_per_year"));
    let file = write_fixture(dir.path(), &annual_text());
    concrisk()
        .args(["annual"])
        .arg(&file)
        .args(["--variants", "faster_restore", "--out"])
        .arg(dir.path().join("b"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "variant \"faster_restore\" has no cost",
        ));
}
