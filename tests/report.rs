//! The report stage end to end: from a saved output folder (the `kakao-fire` fixture, written by
//! `tests/fixtures/make_kakao_fire.py` in the engine's format) to figures and a page.

use std::fs;
use std::path::{Path, PathBuf};

use concrisk::report::{ReportError, render};
use concrisk::results::{Summary, Unit};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kakao-fire");

/// Every figure the fixture should give.
const FIGURES: [&str; 7] = [
    "capacity",
    "dependency_graph",
    "timeline",
    "damage_distribution",
    "exceedance",
    "by_service",
    "by_segment",
];

/// A fresh copy of the fixture, so rendering never writes into the source tree.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for name in [
        "summary.json",
        "replications.csv",
        "timeseries.csv",
        "run.json",
    ] {
        fs::copy(Path::new(FIXTURE).join(name), dir.path().join(name)).expect("copy fixture");
    }
    dir
}

/// A fresh copy of the fixture whose `summary.json` `edit` has changed.
fn fixture_with_summary(edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let dir = fixture_copy();
    let path = dir.path().join("summary.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
    edit(&mut value);
    fs::write(&path, serde_json::to_string(&value).expect("JSON")).expect("write");
    dir
}

fn read_all(files: &[PathBuf]) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .iter()
        .map(|f| (f.clone(), fs::read(f).expect("read output")))
        .collect()
}

#[test]
fn fixture_renders_every_figure_and_the_page() {
    let dir = fixture_copy();
    let rendered = render(dir.path()).expect("render");
    for name in FIGURES {
        for ext in ["svg", "png"] {
            let path = dir.path().join("plots").join(format!("{name}.{ext}"));
            assert!(
                rendered.files.contains(&path),
                "{} not listed in {:?}",
                path.display(),
                rendered.files
            );
        }
        let svg = fs::read_to_string(dir.path().join(format!("plots/{name}.svg"))).expect("svg");
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}.svg is not XML: {e}"));

        let png = fs::File::open(dir.path().join(format!("plots/{name}.png"))).expect("png");
        let mut reader = png::Decoder::new(png).read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("png decodes");
        assert_eq!((info.width, info.height), (1200, 700), "{name}.png size");
    }
    assert_eq!(rendered.files.last(), Some(&dir.path().join("report.html")));
    // No temporary files left behind.
    for entry in fs::read_dir(dir.path().join("plots")).expect("plots") {
        let name = entry.expect("entry").file_name();
        assert!(
            !name.to_string_lossy().starts_with('.'),
            "left over: {name:?}"
        );
    }
}

#[test]
fn page_is_self_contained_and_escaped() {
    let dir = fixture_copy();
    render(dir.path()).expect("render");
    let html = fs::read_to_string(dir.path().join("report.html")).expect("page");
    // Namespace declarations inside inline SVG are names, not references; anything else that
    // points outside the page is a fault.
    let outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in ["http://", "https://", "<link", "@import", "<script"] {
        assert!(!outside.contains(bad), "page contains {bad}");
    }
    for (i, _) in outside.match_indices("src=\"") {
        assert!(
            outside[i + 5..].starts_with("data:"),
            "src to a file at byte {i}"
        );
    }
    for (i, _) in outside.match_indices("url(") {
        let rest = outside[i + 4..].trim_start_matches(['"', '\'']);
        assert!(
            rest.starts_with("data:") || rest.starts_with('#'),
            "url( to a file at byte {i}"
        );
    }
    // The fixture's sources hold `<2022-12>`: it must arrive as text.
    assert!(html.contains("&lt;2022-12&gt;"));
    assert!(!html.contains("<2022-12>"));
    for name in FIGURES {
        assert!(
            html.contains(&format!("id=\"fig-{name}\"")),
            "page lacks figure {name}"
        );
    }
    assert!(html.contains("concrisk run scenarios/kakao-fire-2022.toml --seed 20221015"));
    // A metric the report does not know still has its row.
    assert!(html.contains("switching_regret.messaging"));
}

#[test]
fn rendering_twice_gives_identical_files() {
    let dir = fixture_copy();
    let first = read_all(&render(dir.path()).expect("first render").files);
    let second = read_all(&render(dir.path()).expect("second render").files);
    assert_eq!(first.len(), second.len());
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{} differs between renders", path.display());
    }
}

/// Renders a folder whose summary.json is `summary` and returns the error message.
fn error_for(summary: Option<&str>) -> (tempfile::TempDir, ReportError) {
    let dir = fixture_copy();
    match summary {
        Some(text) => fs::write(dir.path().join("summary.json"), text).expect("write"),
        None => fs::remove_file(dir.path().join("summary.json")).expect("remove"),
    }
    let err = render(dir.path()).expect_err("render should fail");
    (dir, err)
}

#[test]
fn missing_summary_names_the_file() {
    let (dir, err) = error_for(None);
    let msg = err.to_string();
    assert!(matches!(err, ReportError::Missing { .. }), "{msg}");
    assert!(
        msg.contains(&dir.path().join("summary.json").display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("concrisk run"), "says how to fix it: {msg}");
}

#[test]
fn malformed_summary_names_the_file() {
    let (_dir, err) = error_for(Some("{\"scenario\": \"x\", "));
    let msg = err.to_string();
    assert!(matches!(err, ReportError::Json { .. }), "{msg}");
    assert!(
        msg.contains("summary.json") && msg.contains("line 1"),
        "{msg}"
    );
}

#[test]
fn missing_field_names_the_field() {
    let full = fs::read_to_string(Path::new(FIXTURE).join("summary.json")).expect("fixture");
    let mut value: serde_json::Value = serde_json::from_str(&full).expect("fixture is JSON");
    let top = value.as_object_mut().expect("object");
    top.remove("seed");
    let (_dir, err) = error_for(Some(&value.to_string()));
    let msg = err.to_string();
    assert!(
        msg.contains("summary.json") && msg.contains("`seed`"),
        "{msg}"
    );

    // A field missing deeper down is named with its path.
    let mut value: serde_json::Value = serde_json::from_str(&full).expect("fixture is JSON");
    value["metrics"]["unmet_needs.total"]
        .as_object_mut()
        .expect("stats")
        .remove("mean");
    let (_dir, err) = error_for(Some(&value.to_string()));
    let msg = err.to_string();
    assert!(msg.contains("metrics.unmet_needs.total.mean"), "{msg}");
}

#[test]
fn bad_csv_cell_names_the_file_line_and_column() {
    let dir = fixture_copy();
    let path = dir.path().join("timeseries.csv");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replacen("\n0.0,", "\nzero,", 1)).expect("write");
    let msg = render(dir.path()).expect_err("bad cell").to_string();
    assert!(
        msg.contains("timeseries.csv") && msg.contains("line 2") && msg.contains("`hour`"),
        "{msg}"
    );
}

#[test]
fn a_minimal_summary_still_gives_a_page() {
    // Only the required fields, and CSV files with a header and no rows: nothing to plot, but the
    // page is written and says which figures are missing.
    let dir = tempfile::tempdir().expect("temporary folder");
    let summary = r#"{"scenario": "Bare <run>", "file": "bare.toml", "seed": 1, "replications": 0,
        "agents": 1, "population": 1, "scale": 1.0, "horizon_hours": 0.0, "version": "0.1.0",
        "metrics": {"odd.metric": {"mean": null}}}"#;
    fs::write(dir.path().join("summary.json"), summary).expect("write");
    fs::write(
        dir.path().join("replications.csv"),
        "replication,odd.metric\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("timeseries.csv"),
        "hour,series,mean,p05,p95\n",
    )
    .expect("write");
    let rendered = render(dir.path()).expect("render");
    assert_eq!(rendered.files, vec![dir.path().join("report.html")]);
    let html = fs::read_to_string(dir.path().join("report.html")).expect("page");
    assert!(html.contains("Bare &lt;run&gt;"));
    assert!(html.contains("Not drawn"));
    assert!(html.contains("odd.metric"));
}

/// The page's text with tags removed and entities and no-break spaces made plain, in one line.
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace('\u{a0}', " ").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cells of the table row labelled `label` in the section after `heading`.
fn row_after(text: &str, heading: &str, label: &str) -> String {
    let section = text
        .split_once(heading)
        .unwrap_or_else(|| panic!("no heading {heading:?} in {text}"))
        .1;
    let row = section
        .split_once(&format!(" {label} "))
        .unwrap_or_else(|| panic!("no row {label:?} after {heading:?}"))
        .1;
    row.split(" CVaR95 ")
        .next()
        .unwrap_or(row)
        .chars()
        .take(60)
        .collect()
}

#[test]
fn summary_round_trips_through_the_one_type() {
    let text = fs::read_to_string(Path::new(FIXTURE).join("summary.json")).expect("fixture");
    let summary = Summary::from_json(&text).expect("the fixture reads");
    assert_eq!(
        summary.metrics["platform_share_before.line"].unit,
        Some(Unit::Share)
    );
    assert_eq!(
        summary.timeseries.series["capacity.pangyo_dc"].unit,
        Some(Unit::Level)
    );
    let written = summary.to_json().expect("writes");
    let again = Summary::from_json(std::str::from_utf8(&written).expect("UTF-8")).expect("reads");
    assert_eq!(again, summary);
    // Nothing of the file is lost on the way: the same JSON document, key for key.
    let before: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let after: serde_json::Value = serde_json::from_slice(&written).expect("JSON");
    assert_eq!(before, after);
}

/// Issue 10: the Kakao page showed the raw headings `platform_share_before`/`_after` and LINE's
/// share rising from 0.87 % to 2.46 % as "0.01 → 0.02".
#[test]
fn platform_shares_show_as_percentages_with_their_names() {
    let dir = fixture_copy();
    render(dir.path()).expect("render");
    let html = fs::read_to_string(dir.path().join("report.html")).expect("page");
    let text = page_text(&html);
    assert!(!text.contains(" platform_share_before "), "raw heading");
    let before = row_after(
        &text,
        "Share of people holding the platform before the event",
        "LINE",
    );
    // Mean, standard error, the 95 % interval of the mean, then p05.
    assert!(
        before.starts_with("0.87 % 0.0 % 0.87 % to 0.87 % 0.87 %"),
        "{before}"
    );
    let after = row_after(
        &text,
        "Share of people holding the platform at the end of the run",
        "LINE",
    );
    assert!(after.split(' ').nth(1) == Some("%"), "{after}");
    assert!(
        text.contains("installed LINE during the run") && text.contains("rose from 0.87 % to"),
        "headline sentence: {text}"
    );
    // The unit is the file's: a family the report does not know formats as the file says.
    let regret = row_after(&text, "switching_regret", "Messaging");
    assert!(regret.split(' ').nth(1) == Some("%"), "{regret}");
}

/// The first number of a table row's cells, when it is a percentage.
fn percent(cells: &str) -> Option<f64> {
    let mut words = cells.split(' ');
    let number = words.next()?.parse().ok()?;
    (words.next() == Some("%")).then_some(number)
}

/// The same on the shipped Kakao scenario, run small: every switched platform's shares are
/// percentages under their titles, LINE's near the 0.87 % the file gives; and the run's
/// summary.json reads back through the one type and writes the same bytes again.
#[test]
fn shipped_kakao_page_shows_platform_shares_as_percentages() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("kakao");
    assert_cmd::Command::cargo_bin("concrisk")
        .expect("binary")
        .args([
            "run",
            "scenarios/kakao-fire-2022.toml",
            "--agents",
            "20000",
            "--replications",
            "20",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = page_text(&fs::read_to_string(out.join("report.html")).expect("page"));
    for platform in ["LINE", "Telegram", "Facebook Messenger"] {
        for heading in [
            "Share of people holding the platform before the event",
            "Share of people holding the platform at the end of the run",
        ] {
            let cells = row_after(&text, heading, platform);
            let share = percent(&cells).unwrap_or_else(|| panic!("{platform}: {cells}"));
            assert!(share > 0.0 && share < 10.0, "{platform}: {cells}");
        }
    }
    let line = percent(&row_after(
        &text,
        "Share of people holding the platform before the event",
        "LINE",
    ));
    assert!(line.is_some_and(|p| (0.5..1.3).contains(&p)), "{line:?}");
    assert!(text.contains("installed LINE during the run"));
    // The file has [[uncertain]] inputs: the page says how much of the loss's spread they make.
    assert!(
        text.contains("For the headline figure: ")
            && text.contains(" of the spread of economic loss (sum over services) comes from"),
        "{text}"
    );

    let written = fs::read_to_string(out.join("summary.json")).expect("summary");
    let summary = Summary::from_json(&written).expect("reads");
    let again = String::from_utf8(summary.to_json().expect("writes")).expect("UTF-8");
    if let Some((line, (a, b))) = again
        .lines()
        .zip(written.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "summary.json does not round-trip: line {}: {a} != {b}",
            line + 1
        );
    }
    assert_eq!(again.len(), written.len());
    assert!(summary.metrics.values().all(|m| m.unit.is_some()));
    assert!(summary.timeseries.series.values().all(|b| b.unit.is_some()));
}

/// The binary, run in the crate's folder.
fn concrisk() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("concrisk").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// A small study of `file` into `out`: `study` (run, compare, rank, sweep) with 4 replications
/// of 1 000 agents; sweep over the value of time.
fn study(study: &str, file: &Path, out: &Path) {
    let mut cmd = concrisk();
    cmd.arg(study)
        .arg(file)
        .args(["--replications", "4", "--agents", "1000", "--out"])
        .arg(out);
    if study == "sweep" {
        cmd.args([
            "--set",
            "scenario.value_of_time_per_hour",
            "--values",
            "10,20",
        ]);
    }
    cmd.assert().success();
}

/// A folder holding one whole run of the example, its compare, and the files of its rank and
/// sweep (each study written to a folder of its own, its files then copied beside the run's).
fn whole_folder(file: &Path, root: &Path) -> PathBuf {
    let dir = root.join("whole");
    study("compare", file, &dir);
    for (name, files) in [
        ("rank", ["rank.json", "rank.csv"]),
        ("sweep", ["sweep.json", "sweep.csv"]),
    ] {
        let own = root.join(name);
        study(name, file, &own);
        for f in files {
            fs::copy(own.join(f), dir.join(f)).expect("copy analysis file");
        }
    }
    dir
}

/// Issue 11 row 5: every string of a scenario arrives on the page as text — the currency in
/// the compare table (which main put there raw), and names, descriptions, sources and variant
/// names wherever the page shows them, in run, compare, rank and sweep.
#[test]
fn scenario_markup_is_escaped_on_every_page() {
    let root = tempfile::tempdir().expect("temporary folder");
    let example =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example.toml"))
            .expect("example scenario");
    // (what the example says, what it says here, the markup that must arrive as text)
    let edits = [
        (
            "name = \"Toy town: one data centre, two apps\"",
            "name = \"Toy <script>name</script> town\"",
            "name",
        ),
        (
            "description = \"A flood takes out",
            "description = \"<script>description</script> A flood takes out",
            "description",
        ),
        (
            "currency = \"USD\"",
            "currency = \"<script>alert(1)</script>\"",
            "alert(1)",
        ),
        (
            "name = \"65 and over\"",
            "name = \"65 <script>segment</script> over\"",
            "segment",
        ),
        (
            "name = \"Messaging\"",
            "name = \"Messaging <script>service</script>\"",
            "service",
        ),
        (
            "name = \"Chatter messenger\"",
            "name = \"Chatter <script>node</script>\"",
            "node",
        ),
        (
            "name = \"Basement flood at the town data centre\"",
            "name = \"Flood <script>event</script>\"",
            "event",
        ),
        (
            "sources = [\"made-up numbers for teaching\"]",
            "sources = [\"<script>source</script> & co\"]",
            "source",
        ),
        (
            "name = \"backup_site\"",
            "name = \"backup<script>variant</script>\"",
            "variant",
        ),
        (
            "description = \"The tills take",
            "description = \"<script>variant description</script> The tills take",
            "variant description",
        ),
    ];
    let mut text = example;
    for (from, to, _) in edits {
        assert!(text.contains(from), "the example no longer holds {from}");
        text = text.replacen(from, to, 1);
    }
    let file = root.path().join("markup.toml");
    fs::write(&file, text).expect("write scenario");

    let run = root.path().join("run");
    study("run", &file, &run);
    let whole = whole_folder(&file, root.path());
    concrisk().arg("report").arg(&whole).assert().success();
    for dir in [&run, &whole] {
        let html = fs::read_to_string(dir.join("report.html")).expect("page");
        assert!(
            !html.to_lowercase().contains("<script"),
            "{}: unescaped <script at byte {:?}",
            dir.display(),
            html.to_lowercase().find("<script")
        );
    }
    let run_html = fs::read_to_string(run.join("report.html")).expect("page");
    let whole_html = fs::read_to_string(whole.join("report.html")).expect("page");
    for (_, _, what) in edits {
        let escaped = format!("&lt;script&gt;{what}&lt;/script&gt;");
        // The variant's name and description are on the compare page only.
        let page = if what.starts_with("variant") {
            &whole_html
        } else {
            &run_html
        };
        assert!(page.contains(&escaped), "{escaped} is not on the page");
        assert!(
            whole_html.contains(&escaped),
            "{escaped} is not on the compare page"
        );
    }
    assert!(run_html.contains("&lt;script&gt;source&lt;/script&gt; &amp; co"));
    // The compare section shows amounts with the currency, escaped.
    let compare = whole_html
        .split_once("id=\"compare\"")
        .expect("compare section")
        .1;
    assert!(compare.contains("&lt;script&gt;alert(1)&lt;/script&gt;\u{a0}"));
    assert!(whole_html.contains("id=\"rank\"") && whole_html.contains("id=\"sweep\""));
}

/// `report DIR` on `dir` after `edit` changed one of its files: refused with exit 2, the
/// message naming both files and containing each of `says`.
fn refused(dir: &Path, says: &[&str]) {
    let out = concrisk().arg("report").arg(dir).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    for s in says {
        assert!(stderr.contains(s), "{s:?} not in: {stderr}");
    }
    assert!(stderr.contains("re-run the scenario"), "no hint: {stderr}");
    assert!(!dir.join("report.html").exists(), "a page was drawn");
}

/// Replaces the first `from` in `dir/name` by `to`.
fn edit(dir: &Path, name: &str, from: &str, to: &str) {
    let path = dir.join(name);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{name} holds no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// Issue 12: `daily.csv` belongs to the run beside it: its metrics are the summary's and its
/// first day is the summary's start (`day 1` without one).
#[test]
fn report_refuses_a_daily_csv_of_another_run() {
    let dir = fixture_copy();
    let daily = dir.path().join("daily.csv");
    fs::write(
        &daily,
        "date,metric,mean,p05,p95\nday 1,not_a_metric.total,1,0,2\n",
    )
    .expect("write");
    refused(
        dir.path(),
        &["daily.csv", "summary.json", "not_a_metric.total"],
    );
    let dir = fixture_copy();
    let daily = dir.path().join("daily.csv");
    fs::write(
        &daily,
        "date,metric,mean,p05,p95\n2022-10-15,unmet_needs.total,1,0,2\n",
    )
    .expect("write");
    refused(
        dir.path(),
        &["daily.csv", "starts on \"2022-10-15\"", "\"day 1\""],
    );
}

/// Issue 11 row 14: a summary that says 999 999 replications beside a CSV file of 200 rows.
#[test]
fn report_refuses_a_replication_count_the_csv_does_not_have() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "summary.json",
        "\"replications\": 200",
        "\"replications\": 999999",
    );
    // The summary's own command line says 200 too: edit it alike, so that the CSV is what disagrees.
    edit(
        dir.path(),
        "summary.json",
        "--replications 200",
        "--replications 999999",
    );
    refused(
        dir.path(),
        &[
            "summary.json",
            "replications.csv",
            "summary.json says 999999 replications, replications.csv has 200 rows",
        ],
    );
}

/// A metric of the summary with no column in replications.csv, and a column the summary lacks.
#[test]
fn report_refuses_replication_columns_that_are_not_the_summarys_metrics() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "replications.csv",
        "replication,delayed_needs.login,",
        "replication,stray_metric.x,",
    );
    refused(
        dir.path(),
        &[
            "replications.csv",
            "only in summary.json: delayed_needs.login",
            "stray_metric.x",
        ],
    );
}

/// An empty `timeseries.hours` beside series of 132 values (row 14's second case).
#[test]
fn report_refuses_series_longer_than_the_hours() {
    let dir = fixture_with_summary(|value| value["timeseries"]["hours"] = serde_json::json!([]));
    refused(
        dir.path(),
        &["summary.json", "`timeseries.hours` has 0 values", "has 132"],
    );
}

/// timeseries.csv of a shorter run beside the summary's 132 steps.
#[test]
fn report_refuses_a_timeseries_csv_of_other_length() {
    let dir = fixture_copy();
    let path = dir.path().join("timeseries.csv");
    let text = fs::read_to_string(&path).expect("read");
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("131.0,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(kept.len() < text.len(), "the fixture has no hour 131");
    fs::write(&path, kept).expect("write");
    refused(
        dir.path(),
        &["summary.json", "timeseries.csv", "132 steps", "131 rows"],
    );
}

/// A seed edited in the summary, which its own command line contradicts.
#[test]
fn report_refuses_a_summary_whose_command_gives_another_seed() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "summary.json",
        "\"seed\": 20221015",
        "\"seed\": 11",
    );
    refused(dir.path(), &["summary.json", "--seed 20221015", "seed 11"]);
}

/// compare.json, rank.json and sweep.json of another seed or scenario than the run beside them,
/// and rank.csv and sweep.csv that do not hold what their JSON says; the whole folder is drawn.
#[test]
fn report_refuses_analyses_of_another_run_and_accepts_a_whole_folder() {
    let root = tempfile::tempdir().expect("temporary folder");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example.toml");
    let whole = whole_folder(&file, root.path());
    concrisk().arg("report").arg(&whole).assert().success();
    assert!(whole.join("report.html").exists());

    let copy = |name: &str| {
        let dir = root.path().join(name);
        fs::create_dir(&dir).expect("folder");
        for entry in fs::read_dir(&whole).expect("whole folder") {
            let entry = entry.expect("entry");
            if entry.file_type().expect("type").is_file() && entry.file_name() != "report.html" {
                fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
            }
        }
        dir
    };
    let dir = copy("compare-seed");
    edit(&dir, "compare.json", "\"seed\": 42", "\"seed\": 7");
    refused(
        &dir,
        &["summary.json", "compare.json", "seed 42, compare.json 7"],
    );

    let dir = copy("compare-replications");
    edit(
        &dir,
        "compare.json",
        "\"replications\": 4",
        "\"replications\": 8",
    );
    refused(&dir, &["compare.json", "replications 4, compare.json 8"]);

    let dir = copy("rank-scenario");
    edit(
        &dir,
        "rank.json",
        "\"scenario\": \"Toy town",
        "\"scenario\": \"Other town",
    );
    refused(&dir, &["summary.json", "rank.json", "`Other town"]);

    let dir = copy("sweep-seed");
    edit(&dir, "sweep.json", "\"seed\": 42", "\"seed\": 43");
    refused(&dir, &["sweep.json", "seed 42, sweep.json 43"]);

    let dir = copy("rank-rows");
    let path = dir.join("rank.csv");
    let text = fs::read_to_string(&path).expect("read");
    let (head, _) = text.trim_end().rsplit_once('\n').expect("rows");
    fs::write(&path, format!("{head}\n")).expect("write");
    refused(&dir, &["rank.json", "rank.csv", "rows"]);

    let dir = copy("sweep-points");
    edit(&dir, "sweep.json", "\"points\": 2", "\"points\": 3");
    refused(
        &dir,
        &["sweep.json", "sweep.csv", "says 3 points, sweep.csv has 2"],
    );
}

/// Issue 12: the page's per-day table, from `daily.csv`: one row per day with the mean and the
/// 5th–95th percentiles of the headline metrics (the headline first), and `report DIR` draws
/// it again from the folder alone.
#[test]
fn the_page_has_a_row_per_day_from_daily_csv() {
    let dir = fixture_copy();
    fs::write(
        dir.path().join("daily.csv"),
        "date,metric,mean,p05,p95\n\
         day 1,economic_loss.total,2500000,1000000,4000000\n\
         day 1,person_hours_cut_off.total,300,200,400\n\
         day 2,economic_loss.total,1500000,500000,3000000\n\
         day 2,person_hours_cut_off.total,100,50,150\n",
    )
    .expect("write");
    render(dir.path()).expect("renders");
    let text = page_text(&fs::read_to_string(dir.path().join("report.html")).expect("page"));
    let days = text
        .split_once("Day by day")
        .unwrap_or_else(|| panic!("no per-day section in {text}"))
        .1;
    let row = |label: &str| {
        days.split_once(&format!(" {label} "))
            .unwrap_or_else(|| panic!("no row {label:?}"))
            .1
            .chars()
            .take(50)
            .collect::<String>()
    };
    assert!(
        row("Day 1").starts_with("2.5 M (1.0 M to 4.0 M) 300 (200 to 400)"),
        "{}",
        row("Day 1")
    );
    assert!(
        row("Day 2").starts_with("1.5 M (500.0 k to 3.0 M) 100 (50 to 150)"),
        "{}",
        row("Day 2")
    );
    // The headline metric (economic loss) leads the columns.
    let header = days.split(" Day 1 ").next().unwrap_or("");
    let (loss, cut) = (
        header.find("Economic loss"),
        header.find("Person-hours cut off"),
    );
    assert!(loss.is_some() && cut.is_some() && loss < cut, "{header}");
}

/// Issue 12: a dated run's page names its days in words, and `report DIR` draws them again.
#[test]
fn a_dated_run_names_its_days_in_words() {
    let root = tempfile::tempdir().expect("temporary folder");
    let out = root.path().join("run");
    study("run", Path::new("scenarios/kakao-fire-2022.toml"), &out);
    let page = || page_text(&fs::read_to_string(out.join("report.html")).expect("page"));
    for text in [page(), {
        fs::remove_file(out.join("report.html")).expect("remove");
        concrisk().arg("report").arg(&out).assert().success();
        page()
    }] {
        // The union's hours per person of each segment, from summary.json's `per_person`.
        assert!(
            text.contains("per resident; per person: Under 20 "),
            "no per-segment hours in {text}"
        );
        let days = text.split_once("Day by day").expect("a per-day section").1;
        for day in ["Sat 15 Oct 2022", "Sun 16 Oct 2022", "Fri 21 Oct 2022"] {
            assert!(days.contains(day), "{day} not in {days}");
        }
    }
}

/// The fixture's summary, read through the one type.
fn fixture_summary() -> Summary {
    let text = fs::read_to_string(Path::new(FIXTURE).join("summary.json")).expect("fixture");
    Summary::from_json(&text).expect("the fixture reads")
}

/// A number as the page prints it (`1.4 tn`, `481.4 M`, `82.5 %`, `950`) and half a unit of its
/// last digit: the page rounds, so a value is right when it lies within that of the truth.
fn printed(words: &[&str]) -> (f64, f64) {
    let digits = words[0].replace('\u{2212}', "-");
    let number: f64 = digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {words:?}"));
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let scale = match words.get(1).copied() {
        Some("k") => 1e3,
        Some("M") => 1e6,
        Some("bn") => 1e9,
        Some("tn") => 1e12,
        Some("%") => 0.01,
        _ => 1.0,
    };
    (number * scale, 0.5 * 10f64.powi(-decimals) * scale)
}

/// A printed share of a variance as the page words it ("38 %", "under 1 %", "over 99 %"):
/// the interval of shares it stands for.
fn share_words(cell: &str) -> (f64, f64) {
    if let Some(p) = cell.strip_prefix("under ") {
        assert_eq!(p, "1 %");
        return (0.0, 0.005);
    }
    if let Some(p) = cell.strip_prefix("over ") {
        assert_eq!(p, "99 %");
        return (0.995, 1.0);
    }
    let p: f64 = cell
        .strip_suffix(" %")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("not a share: {cell}"));
    ((p - 0.5) / 100.0, (p + 0.5) / 100.0)
}

/// The uncertainty table's row of `label`: mean, p05, p95, the central run's p05 and p95, then
/// the two shares as printed.
fn uncertainty_row(text: &str, label: &str) -> (Vec<String>, String, String) {
    let section = text
        .split_once("What we do not know")
        .expect("the page has the uncertainty section")
        .1;
    let section = section.split_once("Share from chance").expect("table").1;
    let row = section
        .split_once(&format!(" {label} "))
        .unwrap_or_else(|| panic!("no row {label:?} in {section}"))
        .1;
    let words: Vec<&str> = row.split(' ').collect();
    // "1.4 tn 481.4 bn to 2.8 tn 636.1 bn to 2.0 tn 38 % 62 %": numbers with an optional suffix,
    // "to" between.
    let mut i = 0;
    let mut numbers = Vec::new();
    while numbers.len() < 5 {
        let has_suffix = words
            .get(i + 1)
            .is_some_and(|w| ["k", "M", "bn", "tn", "%"].contains(w));
        let n = if has_suffix { 2 } else { 1 };
        numbers.push(words[i..i + n].join(" "));
        i += n;
        if words.get(i) == Some(&"to") {
            i += 1;
        }
    }
    let mut share = || {
        let n = if words[i] == "under" || words[i] == "over" {
            3
        } else {
            2
        };
        let cell = words[i..i + n].join(" ");
        i += n;
        cell
    };
    let inputs = share();
    let noise = share();
    (numbers, inputs, noise)
}

/// Issue 13: a run over `[[uncertain]]` inputs shows, for the headline metrics, the band over
/// inputs and chance together and how much of each metric's variance the inputs make, with the
/// largest share in words; the numbers are the fixture's, within the page's rounding.
#[test]
fn the_page_says_how_much_of_each_band_is_what_we_do_not_know() {
    let summary = fixture_summary();
    let dir = fixture_copy();
    render(dir.path()).expect("render");
    let text = page_text(&fs::read_to_string(dir.path().join("report.html")).expect("page"));
    let rows = [
        (
            "economic_loss.total",
            "Economic loss (KRW): Sum over services",
        ),
        (
            "person_hours_cut_off.total",
            "Person-hours cut off: Sum over services",
        ),
        ("unmet_needs.total", "Unmet needs: Sum over services"),
        (
            "peak_cut_off_share.messaging",
            "Peak share of the population cut off: Messaging",
        ),
        (
            "peak_cut_off_share.login",
            "Peak share of the population cut off: Log-in to other services",
        ),
    ];
    for (name, label) in rows {
        let m = &summary.metrics[name];
        let (numbers, inputs, noise) = uncertainty_row(&text, label);
        let central = m.central.expect("the fixture has the central run");
        let truths = [
            m.stats.mean,
            m.stats.p05,
            m.stats.p95,
            central.p05,
            central.p95,
        ];
        for (cell, truth) in numbers.iter().zip(truths) {
            let words: Vec<&str> = cell.split(' ').collect();
            let (value, half) = printed(&words);
            assert!(
                (value - truth).abs() <= half * (1.0 + 1e-9),
                "{name}: {cell} for {truth}"
            );
        }
        for (cell, truth) in [(inputs, m.input_share), (noise, m.noise_share)] {
            let truth = truth.expect("the fixture is a run over inputs");
            let (lo, hi) = share_words(&cell);
            assert!(lo <= truth && truth <= hi, "{name}: {cell} for {truth}");
        }
    }
    // The fixture's shares are not all alike: the money's valuation input makes part of the
    // loss's spread, the adoption input most of the peak shares'.
    let share = |name: &str| summary.metrics[name].input_share.expect("share");
    assert!(share("economic_loss.total") > 0.2 && share("economic_loss.total") < 0.6);
    assert!(share("peak_cut_off_share.messaging") > 0.7);
    // The largest input share among the table's metrics, in words; and the headline's.
    let mut shown: Vec<String> = ["economic_loss", "person_hours_cut_off", "unmet_needs"]
        .iter()
        .map(|f| format!("{f}.total"))
        .collect();
    shown.extend(
        summary
            .services
            .iter()
            .map(|s| format!("peak_cut_off_share.{}", s.id)),
    );
    let largest = shown.iter().map(|n| share(n)).fold(0.0, f64::max);
    let said = format!(
        "{:.0} % of the spread of peak share of the population cut off (",
        largest * 100.0
    );
    assert!(text.contains(&said), "no {said:?} in {text}");
    let headline = format!(
        "For the headline figure: {:.0} % of the spread of economic loss (sum over services) \
         comes from what we do not know of the inputs; the rest is chance",
        share("economic_loss.total") * 100.0
    );
    assert!(text.contains(&headline), "no {headline:?}");
}

/// Issue 13: a run without `[[uncertain]]` inputs, or with `--central`, has no input shares in
/// its summary, and the page says nothing about them.
#[test]
fn a_run_without_input_shares_has_no_uncertainty_section() {
    let dir = fixture_with_summary(|value| {
        for metric in value["metrics"]
            .as_object_mut()
            .expect("metrics")
            .values_mut()
        {
            let metric = metric.as_object_mut().expect("a metric");
            metric.remove("input_share");
            metric.remove("noise_share");
        }
    });
    render(dir.path()).expect("render");
    let html = fs::read_to_string(dir.path().join("report.html")).expect("page");
    assert!(!html.contains("id=\"uncertainty\""));
    assert!(!page_text(&html).contains("What we do not know"));
}

/// The width of `text` in DejaVu Sans (the page's first font, and the one bundled for the
/// figures) at `size` px per em, from the font's advances.
fn text_width(text: &str, size: f64) -> f64 {
    use ab_glyph::{Font, FontRef};
    let font = FontRef::try_from_slice(include_bytes!("../assets/fonts/DejaVuSans.ttf"))
        .expect("bundled font");
    let per_em = f64::from(font.units_per_em().unwrap_or(2048.0));
    text.chars()
        .map(|c| f64::from(font.h_advance_unscaled(font.glyph_id(c))))
        .sum::<f64>()
        * size
        / per_em
}

/// The text of each cell of each row of an HTML table, tags removed and entities made plain.
fn table_cells(table: &str) -> Vec<Vec<(bool, String)>> {
    let plain = |cell: &str| {
        let mut text = String::new();
        let mut in_tag = false;
        for c in cell.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    table
        .split("<tr")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or(row);
            let mut cells = Vec::new();
            for (i, _) in row.match_indices("<t") {
                let rest = &row[i + 2..];
                let header = rest.starts_with('h');
                if !(header || rest.starts_with('d'))
                    || rest[1..].starts_with(|c: char| c.is_alphanumeric())
                {
                    continue;
                }
                let body = rest.split_once('>').map_or("", |(_, b)| b);
                let end = body
                    .find(if header { "</th>" } else { "</td>" })
                    .unwrap_or(body.len());
                cells.push((header, plain(&body[..end])));
            }
            cells
        })
        .collect()
}

/// The tables of a page that cannot fit the width of an A4 page in print: with auto table
/// layout a column is as wide as its widest unbreakable piece (words split at ordinary spaces;
/// numbers keep their units by no-break spaces) plus its padding, so a table whose columns add
/// up to more than the 180 mm between the margins runs over the page or into itself.
fn tables_too_wide_for_a4(html: &str) -> Vec<String> {
    // Print: tables at 0.8rem (12.8 px), cells padded 0.4rem each side; 180 mm is 680 px.
    const SIZE: f64 = 12.8;
    const PADDING: f64 = 2.0 * 0.4 * 16.0;
    const WIDTH: f64 = 180.0 / 25.4 * 96.0;
    // Headers are bold: DejaVu Sans Bold is at most about 15 % wider than the book face.
    const BOLD: f64 = 1.15;
    let mut wide = Vec::new();
    for table in html.split("<table").skip(1) {
        let table = table.split("</table>").next().unwrap_or(table);
        let rows = table_cells(table);
        let mut columns: Vec<f64> = Vec::new();
        for row in &rows {
            for (i, (header, text)) in row.iter().enumerate() {
                let scale = if *header { BOLD } else { 1.0 };
                let piece = text
                    .split(' ')
                    .map(|w| text_width(w, SIZE) * scale)
                    .fold(0.0, f64::max);
                if columns.len() <= i {
                    columns.resize(i + 1, 0.0);
                }
                columns[i] = columns[i].max(piece + PADDING);
            }
        }
        let total: f64 = columns.iter().sum();
        if total > WIDTH {
            let head: String = rows.first().map_or(String::new(), |r| {
                r.iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            });
            wide.push(format!("{total:.0} px > {WIDTH:.0} px: {head}"));
        }
    }
    wide
}

/// Issue 12: printed, the tables' columns ran into each other ("95 % interval of the mean"
/// over p05 and p50; a day's "(48.4 bn to 110.3 bn)" over the next column): fixed layout and
/// cells that could not wrap. The page's stylesheet lets the browser size columns by content and
/// cells wrap, and every table of the fixture's page and of a whole folder's (compare, rank,
/// sweep) fits A4 between the margins.
#[test]
fn every_table_fits_a_printed_page() {
    let dir = fixture_copy();
    render(dir.path()).expect("render");
    let fixture = fs::read_to_string(dir.path().join("report.html")).expect("page");
    // The model above holds only for auto layout and cells that wrap.
    for bad in ["table-layout: fixed", "nowrap"] {
        assert!(!fixture.contains(bad), "the stylesheet says {bad}");
    }
    let root = tempfile::tempdir().expect("temporary folder");
    let whole = whole_folder(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example.toml"),
        root.path(),
    );
    concrisk().arg("report").arg(&whole).assert().success();
    let folder = fs::read_to_string(whole.join("report.html")).expect("page");
    assert!(folder.matches("<table").count() > fixture.matches("<table").count());
    for (name, html) in [("fixture", &fixture), ("example", &folder)] {
        let wide = tables_too_wide_for_a4(html);
        assert!(wide.is_empty(), "{name}: {wide:#?}");
    }
    // The measure sees a table too wide: twelve columns of "KRW 123.4 bn" do not fit.
    let row = "<td class=\"num\">KRW\u{a0}123.4\u{a0}bn</td>".repeat(12);
    assert_eq!(
        tables_too_wide_for_a4(&format!("<table><tr>{row}</tr></table>")).len(),
        1
    );
}
