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
fn refuses(text: &str, expected: &[&str]) -> String {
    refuses_with(&["run"], &[], text, expected)
}

/// Writes `text` as `bad.toml` in a fresh folder and runs `concrisk COMMAND bad.toml ARGS`
/// (with `--out` inside the folder for the commands that write one); checks exit status 2, that
/// the message names the file, says how to fix it and holds each of `expected`, and that no
/// output folder was made. Returns the message.
fn refuses_with(command: &[&str], args: &[&str], text: &str, expected: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = dir.path().join("bad.toml");
    fs::write(&file, text).unwrap_or_else(|e| panic!("write: {e}"));
    let out = dir.path().join("out");
    let mut cmd = concrisk();
    cmd.args(command).arg(&file).args(args);
    if command != ["check"] {
        cmd.arg("--out").arg(&out);
    }
    let output = cmd.output().unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
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
    stderr
}

/// `bad.toml:LINE:COLUMN:` of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> String {
    at_in(text, needle, needle)
}

/// `bad.toml:LINE:COLUMN:` of `value` in the first `context` in `text`.
fn at_in(text: &str, context: &str, value: &str) -> String {
    let offset = text
        .find(context)
        .and_then(|start| Some(start + context.find(value)?))
        .unwrap_or_else(|| panic!("{value:?} in {context:?} in the fixture"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("bad.toml:{line}:{column}:")
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

/// Issue 12: a primary/standby group's mistakes are located at the field.
#[test]
fn primary_standby_groups_are_checked_where_written() {
    let text = with(
        r#"depends_on = ["dc"]"#,
        r#"depends_on = [{ primary = "dc", standby = "dc" }]"#,
    );
    refuses(
        &text,
        &[
            &at_in(&text, r#"standby = "dc""#, "\"dc\""),
            "platforms[0].depends_on[0].standby",
            "is the primary itself",
        ],
    );
    let text = with(
        r#"depends_on = ["dc"]"#,
        r#"depends_on = [{ primary = "dc" }]"#,
    );
    refuses(
        &text,
        &["platforms[0].depends_on[0].primary", "without a `standby`"],
    );
    let text = with(
        r#"depends_on = ["dc"]"#,
        r#"depends_on = [{ primary = "dc", standby = "app", any_of = ["dc"] }]"#,
    );
    refuses(&text, &["platforms[0].depends_on[0]", "not both"]);
    let text = with(
        r#"depends_on = ["dc"]"#,
        r#"depends_on = [{ primary = "dc", standby = "dc2", need = 1 }]"#,
    );
    refuses(
        &text,
        &["platforms[0].depends_on[0].standby", "unknown id \"dc2\""],
    );
}

/// Issue 12: `[run] start` is RFC 3339 with an offset, and agrees with `start_hour` when both
/// are given; each mistake is located at its field.
#[test]
fn start_is_checked_where_written() {
    let text = with(
        "replications = 20",
        "replications = 20\nstart = \"2022-10-15 15:30\"",
    );
    refuses(
        &text,
        &[&at(&text, "\"2022-10-15 15:30\""), "run.start", "RFC 3339"],
    );
    let text = with(
        "replications = 20",
        "replications = 20\nstart = \"2022-10-15T15:30:00\"",
    );
    refuses(
        &text,
        &["run.start", "not an RFC 3339 date and time with an offset"],
    );
    let text = with(
        "replications = 20",
        "replications = 20\nstart_hour = 15\nstart = \"2022-10-15T15:30:00+09:00\"",
    );
    refuses(
        &text,
        &[
            &at(&text, "15\nstart"),
            "run.start_hour",
            "puts hour 0 at 15.5 o'clock",
            "start_hour = 15.5",
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
        &[
            "bad.toml:18:26:",
            "restore_hours.dist",
            "unknown variant `gamma`",
            "`lognormal`",
        ],
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
        // Issue 12: every shipped scenario is dated, and summary.json says when hour 0 was.
        let start = summary["start"].as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(start).is_ok(),
            "{scenario}: start {start:?}"
        );
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
    // Above the fixed part and what writing a run's outputs holds (a few MiB for Kakao).
    let limit = (32u64 << 20).to_string();
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
        .split("help:")
        .nth(1)
        .and_then(|help| help.split("--agents ").nth(1))
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

/// Issue 10: the contact graph's parameters are checked with the scenario, at their line and
/// column, once (the generator's message is not printed again).
#[test]
fn watts_strogatz_odd_degree_is_located() {
    let text = format!("{VALID}\n[social]\nmodel = \"watts_strogatz\"\nmean_degree = 5\n");
    let message = refuses(
        &text,
        &[
            &at_in(&text, "mean_degree = 5", "5"),
            "social.mean_degree",
            "even number",
        ],
    );
    assert_eq!(message.matches("even number").count(), 1, "{message}");
    let text = format!("{VALID}\n[social]\nmodel = \"barabasi_albert\"\nmean_degree = 1\n");
    refuses(
        &text,
        &[
            &at_in(&text, "mean_degree = 1", "1"),
            "social.mean_degree",
            "at least 2",
        ],
    );
}

/// Issue 10: `--agents` past u32 is refused at the flag by the check the file's `agents` meets.
#[test]
fn agents_past_u32_are_refused_at_the_flag() {
    let text = with("size = 10000", "size = 10_000_000_000");
    refuses_with(
        &["run"],
        &["--agents", "5000000000"],
        &text,
        &[
            "bad.toml: --agents 5000000000: run.agents:",
            "4 294 967 295",
        ],
    );
    let in_file = text.replacen(
        "replications = 20",
        "replications = 20\nagents = 5000000000",
        1,
    );
    refuses(
        &in_file,
        &[&at(&in_file, "5000000000"), "run.agents:", "4 294 967 295"],
    );
    refuses_with(
        &["run"],
        &["--replications", "0"],
        VALID,
        &["--replications 0: run.replications:", "≥ 1"],
    );
}

/// Issue 10: `check` validates every variant: one setting a share to 7 fails at its set entry.
#[test]
fn check_catches_a_bad_variant() {
    let text = format!(
        "{VALID}\n[[variants]]\nname = \"everyone\"\nset = {{ \"adoption.app.share\" = 7 }}\n"
    );
    refuses_with(
        &["check"],
        &[],
        &text,
        &[
            &at(&text, "7 }"),
            "adoption[0].share: 7 is not a share",
            "comes from variant \"everyone\"",
        ],
    );
}

/// Issue 10: a variant's bad value is located at its place in the variant's `set` entry, even
/// inside the table the entry sets.
#[test]
fn a_variants_bad_value_is_located_at_its_set_entry() {
    let text = format!(
        "{VALID}\n[[variants]]\nname = \"dual\"\n[variants.set]\n\"platforms.app.depends_on\" = [{{ any_of = [\"dc\"], failover_success = 1.5 }}]\n"
    );
    for command in [&["check"][..], &["run", "--variant", "dual"][..]] {
        refuses_with(
            &command[..1],
            &command[1..],
            &text,
            &[
                &at(&text, "1.5 }"),
                "platforms[0].depends_on[0].failover_success",
                "comes from variant \"dual\"",
            ],
        );
    }
}

/// Issue 10: a file with three problems reports the three, in file order, as rustc does.
#[test]
fn three_problems_are_reported_in_file_order() {
    let text = with(r#"depends_on = ["dc"]"#, r#"depends_on = ["dcc"]"#)
        .replacen("share = 0.8", "share = 1.8", 1)
        .replacen("duration_hours = 5", "duration_hours = -5", 1);
    let message = refuses(
        &text,
        &[
            "unknown id \"dcc\"",
            "not a share",
            "negative",
            "bad.toml: 3 problems",
        ],
    );
    let positions: Vec<usize> = [at(&text, "\"dcc\""), at(&text, "1.8"), at(&text, "-5")]
        .iter()
        .map(|place| {
            message
                .find(place.as_str())
                .unwrap_or_else(|| panic!("{place} in {message}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{message}");
    assert_eq!(message.matches("\nerror: ").count(), 2, "{message}");
}

/// Issue 11 (read side, done with the pipeline): devices, FIFOs and directories are refused
/// without being read.
#[test]
fn special_files_are_refused_without_reading() {
    for (path, expected) in [("/dev/zero", "is a device"), ("/", "is a directory")] {
        let output = concrisk()
            .args(["check", path])
            .output()
            .unwrap_or_else(|e| panic!("check: {e}"));
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains(expected));
    }
}

/// Issue 11 row 12: a FIFO no one writes to, a file past 16 MiB and a binary file are refused at
/// once (a FIFO used to hang `check`, `/dev/zero` to be read without limit).
#[test]
fn a_fifo_a_huge_file_and_a_binary_file_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|status| status.success());
    let huge = dir.path().join("huge.toml");
    let file = fs::File::create(&huge).unwrap_or_else(|e| panic!("create: {e}"));
    // Sparse: 17 MiB on paper, nothing on disk.
    file.set_len(17 << 20)
        .unwrap_or_else(|e| panic!("set_len: {e}"));
    let binary = dir.path().join("binary.toml");
    fs::write(&binary, [0x7f, b'E', b'L', b'F', 0, 0, 0xff, 0xfe])
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut cases = vec![(huge, "16 MiB"), (binary, "binary")];
    if made {
        cases.push((fifo, "FIFO"));
    } else {
        eprintln!("skipping the FIFO case: mkfifo is not available");
    }
    for (path, expected) in cases {
        let output = concrisk()
            .arg("check")
            .arg(&path)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap_or_else(|e| panic!("check: {e}"));
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {message}",
            path.display()
        );
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
}

// Inputs that are each finite but would make the engine count, allocate or multiply past any
// bound: refused at the field, by `check` and `run` alike, with nothing written.

#[test]
fn a_horizon_or_step_that_would_make_endless_slices_is_refused_at_its_field() {
    for (from, to, field) in [
        (
            "horizon_hours = 24",
            "horizon_hours = 1e20",
            "horizon_hours",
        ),
        ("horizon_hours = 24", "horizon_hours = 1e6", "horizon_hours"),
        (
            "horizon_hours = 24",
            "horizon_hours = 24\nstep_minutes = 1e-300",
            "step_minutes",
        ),
        (
            "horizon_hours = 24",
            "horizon_hours = 24\nstep_minutes = 5e-324",
            "step_minutes",
        ),
        (
            "horizon_hours = 24",
            "horizon_hours = 48\nstep_minutes = 0.001",
            "step_minutes",
        ),
    ] {
        let text = with(from, to);
        let value = to.rsplit('=').next().map_or(to, str::trim);
        let place = at_in(&text, to, value);
        for command in [&["check"][..], &["run"]] {
            refuses_with(command, &[], &text, &[&place, field]);
        }
    }
    refuses_with(
        &["sweep"],
        &["--set", "run.horizon_hours", "--values", "24,1e300"],
        VALID,
        &["--set", "horizon_hours"],
    );
}

#[test]
fn a_distribution_with_an_astronomical_mean_is_refused_at_its_field() {
    for distribution in [
        "{ dist = \"empirical\", values = [1e308, 1e308] }",
        "{ dist = \"lognormal\", median = 1, p95 = 1e200 }",
        "{ dist = \"weibull\", shape = 0.005, scale = 1 }",
        "{ dist = \"triangular\", min = 0, mode = 1, max = 1.7e308 }",
    ] {
        for field in ["duration_hours", "at_hour"] {
            let text = if field == "at_hour" {
                with(
                    "duration_hours = 5",
                    &format!("duration_hours = 5\nat_hour = {distribution}"),
                )
            } else {
                with(
                    "duration_hours = 5",
                    &format!("duration_hours = {distribution}"),
                )
            };
            let place = at_in(&text, &format!("{field} = {distribution}"), distribution);
            for command in [&["check"][..], &["run"]] {
                refuses_with(command, &[], &text, &[&place, field]);
            }
        }
    }
}

#[test]
fn values_whose_products_overflow_are_refused_at_the_value() {
    for (from, to, field) in [
        (
            "name = \"valid\"",
            "name = \"valid\"\nvalue_of_time_per_hour = 1e308",
            "value_of_time_per_hour",
        ),
        (
            "demand_per_day = 4",
            "demand_per_day = 1e308",
            "demand_per_day",
        ),
        (
            "{ offline = \"cash\", success = 0.9 }",
            "{ offline = \"cash\", success = 0.9, extra_minutes = 1e308 }",
            "extra_minutes",
        ),
    ] {
        let mut text = with(from, to);
        match field {
            // Extra minutes cost money only at a value of time, and a value of time only on
            // extra minutes.
            "extra_minutes" => {
                text = text.replacen(
                    "name = \"valid\"",
                    "name = \"valid\"\nvalue_of_time_per_hour = 10",
                    1,
                );
            }
            "value_of_time_per_hour" => {
                text = text.replacen(
                    "{ offline = \"cash\", success = 0.9 }",
                    "{ offline = \"cash\", success = 0.9, extra_minutes = 10 }",
                    1,
                );
            }
            _ => {}
        }
        let place = at_in(&text, to, "1e308");
        for command in [&["check"][..], &["run"]] {
            refuses_with(command, &[], &text, &[&place, field, "1e100"]);
        }
    }
}

/// Every metric of a run at the edge of what is accepted is finite: the largest horizon and the
/// largest values whose products stay in range.
#[test]
fn the_largest_accepted_inputs_give_finite_results() {
    let text = with(
        "horizon_hours = 24",
        "horizon_hours = 87600\nstep_minutes = 1440",
    )
    .replacen(
        "name = \"valid\"",
        "name = \"valid\"\nvalue_of_time_per_hour = 1e60",
        1,
    )
    .replacen("replications = 20", "replications = 2", 1)
    .replacen(
        "{ offline = \"cash\", success = 0.9 }",
        "{ offline = \"cash\", success = 0.9, extra_minutes = 10 }",
        1,
    )
    .replacen(
        "duration_hours = 5",
        "duration_hours = { dist = \"exponential\", mean = 1e9 }",
        1,
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let file = dir.path().join("edge.toml");
    fs::write(&file, &text).unwrap_or_else(|e| panic!("write: {e}"));
    let out = dir.path().join("out");
    concrisk()
        .arg("run")
        .arg(&file)
        .args(["--agents", "100", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = fs::read_to_string(out.join("replications.csv"))
        .unwrap_or_else(|e| panic!("replications.csv: {e}"));
    for cell in csv.lines().skip(1).flat_map(|line| line.split(',')) {
        let value: f64 = cell
            .parse()
            .unwrap_or_else(|e| panic!("cell {cell:?}: {e}"));
        assert!(value.is_finite(), "{cell} in replications.csv");
    }
    let summary = fs::read_to_string(out.join("summary.json"))
        .unwrap_or_else(|e| panic!("summary.json: {e}"));
    let summary: serde_json::Value =
        serde_json::from_str(&summary).unwrap_or_else(|e| panic!("summary.json: {e}"));
    // A non-finite number is written as null.
    fn nulls(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Null => 1,
            serde_json::Value::Array(items) => items.iter().map(nulls).sum(),
            serde_json::Value::Object(fields) => fields.values().map(nulls).sum(),
            _ => 0,
        }
    }
    for part in ["metrics", "timeseries"] {
        assert_eq!(
            nulls(&summary[part]),
            0,
            "a non-finite number in summary.json's {part}"
        );
    }
    assert!(
        summary["metrics"]["economic_loss.total"]["mean"]
            .as_f64()
            .is_some_and(|loss| loss > 1e60),
        "the value of time makes the loss large: {}",
        summary["metrics"]["economic_loss.total"]
    );
}

/// Issue 11 row 13: when what does not fit is the replications' series, not the agents, the
/// refusal names the inputs that drive it and where each comes from (a flag or its line).
#[test]
fn a_run_too_large_in_replications_or_horizon_names_what_drives_it() {
    let long = with(
        "horizon_hours = 24",
        "horizon_hours = 87600\nstep_minutes = 30",
    );
    for (text, args, expected) in [
        (
            VALID.to_string(),
            &["--replications", "4294967295"][..],
            vec![
                "the largest part, outcomes".to_string(),
                "horizon_hours = 24 (".to_string(),
                "replications = 4294967295 (--replications 4294967295)".to_string(),
                format!("{})", at(VALID, "24").trim_end_matches(':')),
                "step_minutes = 60 (the default)".to_string(),
                "lower the inputs the largest part grows with".to_string(),
            ],
        ),
        (
            long.clone(),
            &["--replications", "1000"][..],
            vec![
                "the largest part, outcomes".to_string(),
                "horizon_hours = 87600 (".to_string(),
                "step_minutes = 30 (".to_string(),
                format!("{})", at(&long, "87600").trim_end_matches(':')),
                format!(
                    "{})",
                    at_in(&long, "step_minutes = 30", "30").trim_end_matches(':')
                ),
            ],
        ),
    ] {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let file = dir.path().join("bad.toml");
        fs::write(&file, &text).unwrap_or_else(|e| panic!("write: {e}"));
        let out = dir.path().join("out");
        let output = concrisk()
            .env("CONCRISK_MEMORY_LIMIT", (1u64 << 30).to_string())
            .arg("run")
            .arg(&file)
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap_or_else(|e| panic!("runs: {e}"));
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{message}");
        for needle in expected {
            assert!(message.contains(needle), "{needle:?} not in {message}");
        }
        assert!(!out.exists(), "an output folder was made");
    }
}
