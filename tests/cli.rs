//! The command line as a user meets it: every class of bad input exits with status 2, names the
//! file, line, column and field, says how to fix it, and leaves no output folder; the shipped
//! scenarios run at small scale; the same seed gives the same bytes on 1 and 4 threads.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn concrisk() -> Command {
    Command::cargo_bin("concrisk").unwrap_or_else(|e| panic!("binary builds: {e}"))
}

const VALID: &str = r#"[scenario]
name = "valid"

[run]
horizon_hours = 24
replications = 20

[population]
size = 10000
segments = [{ id = "young", share = 0.5 }, { id = "old", share = 0.5 }]

[[infrastructure]]
id = "dc"

[[platforms]]
id = "app"
depends_on = ["dc"]
restore_hours = 1

[[adoption]]
platform = "app"
share = 0.8

[[services]]
id = "pay"
demand_per_day = 4
channels = [{ platform = "app" }, { offline = "cash", success = 0.9 }]

[[events]]
id = "fire"
fails = ["dc"]
duration_hours = 5
"#;

/// Writes `text` as a scenario in a fresh folder, runs `concrisk run` on it with `--out` inside
/// that folder, and checks exit status 2, that the message holds each of `expected`, and that
/// no output folder was made.
fn refuses(text: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = dir.path().join("bad.toml");
    fs::write(&file, text).unwrap_or_else(|e| panic!("write: {e}"));
    let out = dir.path().join("out");
    let output = concrisk()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "exit status for:\n{stderr}");
    assert!(stderr.contains("bad.toml"), "names the file:\n{stderr}");
    assert!(stderr.contains("help:"), "says how to fix it:\n{stderr}");
    for needle in expected {
        assert!(
            stderr.contains(needle),
            "message should contain {needle:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "no panic:\n{stderr}");
    assert!(!out.exists(), "no output folder is left behind");
}

fn with(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "fixture holds {from:?}");
    VALID.replacen(from, to, 1)
}

#[test]
fn the_valid_fixture_runs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = dir.path().join("ok.toml");
    fs::write(&file, VALID).unwrap_or_else(|e| panic!("write: {e}"));
    concrisk()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    for name in ["summary.json", "replications.csv", "timeseries.csv"] {
        assert!(dir.path().join("out").join(name).exists(), "{name} written");
    }
}

#[test]
fn syntax_error() {
    refuses(
        &with("horizon_hours = 24", "horizon_hours = = 24"),
        &["bad.toml:5:17:", "TOML syntax"],
    );
}

#[test]
fn unknown_id() {
    refuses(
        &with(r#"depends_on = ["dc"]"#, r#"depends_on = ["dcc"]"#),
        &[
            "bad.toml:17:",
            "platforms[0].depends_on[0]",
            "unknown id \"dcc\"",
            "dc",
        ],
    );
}

#[test]
fn cycle() {
    let text = with(
        r#"[[infrastructure]]
id = "dc""#,
        r#"[[infrastructure]]
id = "dc"
depends_on = ["app"]"#,
    );
    refuses(
        &text,
        &[
            "bad.toml:18:",
            "platforms[0].depends_on",
            "cycle: app → dc → app",
        ],
    );
}

#[test]
fn shares_that_do_not_sum_to_one() {
    refuses(
        &with(
            r#"{ id = "old", share = 0.5 }"#,
            r#"{ id = "old", share = 0.4 }"#,
        ),
        &["bad.toml:10:", "population.segments", "sum to 0.9"],
    );
}

#[test]
fn share_outside_zero_to_one() {
    refuses(
        &with("share = 0.8", "share = 1.8"),
        &["adoption[0].share", "not a share in [0, 1]"],
    );
}

#[test]
fn negative_distribution() {
    refuses(
        &with(
            "duration_hours = 5",
            r#"duration_hours = { dist = "uniform", min = -2, max = 5 }"#,
        ),
        &["events[0].duration_hours", "negative"],
    );
}

#[test]
fn impossible_distribution() {
    refuses(
        &with(
            "restore_hours = 1",
            r#"restore_hours = { dist = "lognormal", median = 4, p95 = 2 }"#,
        ),
        &["platforms[0].restore_hours", "p95 > median > 0"],
    );
    refuses(
        &with(
            "restore_hours = 1",
            r#"restore_hours = { dist = "gamma", k = 2 }"#,
        ),
        &["restore_hours.dist", "unknown distribution \"gamma\""],
    );
}

#[test]
fn wrong_type() {
    refuses(
        &with("horizon_hours = 24", r#"horizon_hours = "a day""#),
        &["bad.toml:5:17:", "run.horizon_hours", "expected f64"],
    );
    refuses(
        &with("replications = 20", "replications = 2.5"),
        &["run.replications"],
    );
}

#[test]
fn unknown_field() {
    refuses(
        &with("restore_hours = 1", "restore_hour = 1"),
        &["platforms[0]", "restore_hour"],
    );
}

#[test]
fn unknown_channel_platform() {
    refuses(
        &with(r#"{ platform = "app" }"#, r#"{ platform = "whatsapp" }"#),
        &[
            "services[0].channels[0].platform",
            "unknown platform \"whatsapp\"",
            "app",
        ],
    );
    refuses(
        &with(r#"{ platform = "app" }"#, r#"{ platform = "dc" }"#),
        &["is infrastructure, not a platform"],
    );
}

#[test]
fn pairwise_service_without_contacts() {
    refuses(
        &with("demand_per_day = 4", "demand_per_day = 4\npairwise = true"),
        &["services[0].pairwise", "no [social] section"],
    );
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let out = dir.path().join("out");
    let output = concrisk()
        .args(["run", "no/such/bad.toml", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no/such/bad.toml") && stderr.contains("cannot read"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn bad_flags_exit_2() {
    let output = concrisk()
        .args(["run", "scenarios/example.toml", "--replications", "0"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(output.status.code(), Some(2));
    let output = concrisk()
        .args([
            "run",
            "scenarios/example.toml",
            "--agents",
            "99999999999",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--agents"));
}

/// Runs a shipped scenario at small scale and returns the output folder.
fn run_small(scenario: &str, agents: u32, threads: u32, dir: &Path) -> std::path::PathBuf {
    let out = dir.join(format!(
        "{}-{threads}",
        Path::new(scenario)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    ));
    concrisk()
        .args([
            "run",
            scenario,
            "--replications",
            "40",
            "--agents",
            &agents.to_string(),
            "--threads",
            &threads.to_string(),
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn shipped_scenarios_check_and_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    for (scenario, agents) in [
        ("scenarios/kakao-fire-2022.toml", 20_000),
        ("scenarios/example.toml", 5_000),
        ("scenarios/whatsapp-outage-2022.toml", 20_000),
        ("scenarios/meta-outage-2021.toml", 20_000),
        ("scenarios/meta-openai-2024.toml", 20_000),
    ] {
        concrisk().args(["check", scenario]).assert().success();
        let dot = concrisk()
            .args(["graph", scenario])
            .output()
            .unwrap_or_else(|e| panic!("graph: {e}"));
        assert!(
            dot.status.success() && String::from_utf8_lossy(&dot.stdout).starts_with("digraph")
        );
        let out = run_small(scenario, agents, 2, dir.path());
        let summary: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap_or_default())
                .unwrap_or_else(|e| panic!("summary.json parses: {e}"));
        assert_eq!(summary["replications"], 40);
        let headline = summary["headline_metric"]
            .as_str()
            .unwrap_or("economic_loss.total");
        assert!(
            summary["metrics"][headline]["mean"]
                .as_f64()
                .is_some_and(|m| m > 0.0),
            "{scenario} does damage"
        );
        report_is_complete_and_reproducible(&out);
    }
}

const FIGURES: [&str; 7] = [
    "timeline",
    "capacity",
    "damage_distribution",
    "exceedance",
    "by_service",
    "by_segment",
    "dependency_graph",
];

/// Every figure and the page are there, and `concrisk report DIR` redraws them byte for byte
/// from the saved files alone.
fn report_is_complete_and_reproducible(out: &Path) {
    let mut files: Vec<std::path::PathBuf> = FIGURES
        .iter()
        .flat_map(|f| ["svg", "png"].map(|ext| out.join("plots").join(format!("{f}.{ext}"))))
        .collect();
    files.push(out.join("report.html"));
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(f).unwrap_or_else(|e| panic!("{} written by run: {e}", f.display())))
        .collect();
    for f in &files {
        fs::remove_file(f).unwrap_or_else(|e| panic!("remove {}: {e}", f.display()));
    }
    concrisk().arg("report").arg(out).assert().success();
    for (f, old) in files.iter().zip(&before) {
        let new = fs::read(f).unwrap_or_else(|e| panic!("{} redrawn by report: {e}", f.display()));
        assert!(&new == old, "{} differs when redrawn", f.display());
    }
}

#[test]
fn report_of_a_folder_without_a_run_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let output = concrisk()
        .arg("report")
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("report: {e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("summary.json"));
}

#[test]
fn kakao_has_the_four_services() {
    let output = concrisk()
        .args(["check", "scenarios/kakao-fire-2022.toml"])
        .output()
        .unwrap_or_else(|e| panic!("check: {e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    for service in ["messaging", "payments", "taxi", "government"] {
        assert!(
            text.contains(&format!("  {service} ")),
            "service {service} in:\n{text}"
        );
    }
}

#[test]
fn same_bytes_on_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let one = run_small("scenarios/kakao-fire-2022.toml", 20_000, 1, dir.path());
    let four = run_small("scenarios/kakao-fire-2022.toml", 20_000, 4, dir.path());
    for name in ["summary.json", "replications.csv", "timeseries.csv"] {
        let a = fs::read(one.join(name)).unwrap_or_default();
        let b = fs::read(four.join(name)).unwrap_or_default();
        assert!(!a.is_empty(), "{name} written");
        assert!(a == b, "{name} differs between 1 and 4 threads");
    }
}

/// Issue 6: a run that would not fit in memory is refused before anything is built (exit 2, no
/// output folder), naming the file, the estimate, what is available and the largest `--agents`
/// that fits; running with that count passes the check.
#[test]
fn run_that_cannot_fit_is_refused_with_the_agents_that_fit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let out = dir.path().join("out");
    let limit = (25u64 << 20).to_string();
    let run = |agents: &str| {
        concrisk()
            .env("CONCRISK_MEMORY_LIMIT", &limit)
            .args(["run", "scenarios/kakao-fire-2022.toml", "--threads", "1"])
            .args(["--replications", "2", "--agents", agents, "--out"])
            .arg(&out)
            .output()
            .unwrap_or_else(|e| panic!("runs: {e}"))
    };
    let refused = run("1000000");
    let message = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{message}");
    for expected in [
        "scenarios/kakao-fire-2022.toml",
        "1000000 agents on 1 threads need about",
        "MiB is available (CONCRISK_MEMORY_LIMIT)",
        "contact graph",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    assert!(!out.exists(), "an output folder was made");
    let fits = message
        .split("--agents ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no --agents in {message}"));
    let agents: u64 = fits
        .parse()
        .unwrap_or_else(|e| panic!("{fits} is not a count: {e}"));
    assert!((1_000..1_000_000).contains(&agents), "{agents}");
    let accepted = run(fits);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    let over = (agents + 1).to_string();
    assert_eq!(run(&over).status.code(), Some(2), "one more agent fits too");

    let bad = concrisk()
        .env("CONCRISK_MEMORY_LIMIT", "lots")
        .args(["check", "scenarios/kakao-fire-2022.toml"])
        .output()
        .unwrap_or_else(|e| panic!("runs: {e}"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("CONCRISK_MEMORY_LIMIT=lots"));
}

/// `bench` prints one row per agent count, each measured in its own process.
#[test]
fn bench_prints_a_row_per_agent_count() {
    let output = concrisk()
        .args([
            "bench",
            "scenarios/kakao-fire-2022.toml",
            "--agents",
            "2000,4000",
        ])
        .args(["--replications", "2", "--threads", "1"])
        .output()
        .unwrap_or_else(|e| panic!("runs: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("| agents | ties | replications | world build s"));
    for agents in ["| 2000 |", "| 4000 |"] {
        assert!(stdout.contains(agents), "{agents} not in {stdout}");
    }
}
