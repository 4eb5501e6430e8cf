//! The output folder is whole or absent (issue 11, rows 6–11): writes never leave the folder
//! through a planted symbolic link, two commands into one folder never mix it, `kill -9` at any
//! moment of publishing leaves the old folder or the new one and the next run cleans up, a full
//! disk leaves the old folder and no temporary file, derived names stay inside `output/`, and an
//! `--out` that cannot be a folder is refused with exit 2.
//!
//! Folders are compared byte for byte with a clean run of the same seed (runs are deterministic;
//! `run.json`, which holds the wall time, is left out). `CONCRISK_BIN` points the tests at another
//! binary (say, an older build) to see which of them it fails.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/example.toml");

fn binary() -> PathBuf {
    std::env::var_os("CONCRISK_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_concrisk")),
        PathBuf::from,
    )
}

/// `concrisk run` of the example at a small size with `seed` into `out`.
fn run_command(out: &Path, seed: u64) -> Command {
    let mut command = Command::new(binary());
    command
        .args(["run", SCENARIO, "--replications", "3", "--agents", "200"])
        .args(["--seed", &seed.to_string(), "--threads", "1", "--out"])
        .arg(out)
        .env_remove("CONCRISK_TEST_PAUSE_AT");
    command
}

fn run(out: &Path, seed: u64) -> Output {
    run_command(out, seed).output().expect("start concrisk")
}

fn run_ok(out: &Path, seed: u64) {
    let output = run(out, seed);
    assert!(
        output.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The page without its "Run time" row, the one thing that differs between identical runs.
fn without_run_time(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let Some(start) = text.find("<dt>Run time</dt>") else {
        return page.to_vec();
    };
    let end = text[start..]
        .find("</dd>")
        .map_or(text.len(), |e| start + e + "</dd>".len());
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// Every file under `dir` by its relative path, but `run.json` (wall time) and `notes.txt`;
/// the page without its run time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("list folder") {
            let path = entry.expect("entry").path();
            let relative = path.strip_prefix(root).expect("inside").to_path_buf();
            if path.is_dir() {
                walk(root, &path, into);
            } else if relative != Path::new("run.json") && relative != Path::new("notes.txt") {
                let mut bytes = fs::read(&path).expect("read file");
                if relative == Path::new("report.html") {
                    bytes = without_run_time(&bytes);
                }
                into.insert(relative, bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut files);
    }
    files
}

type Folder = BTreeMap<PathBuf, Vec<u8>>;

/// The paths where two folders differ (missing on one side or with other bytes).
fn differences(a: &Folder, b: &Folder) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = a
        .keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect();
    paths.dedup();
    paths
}

/// Asserts that two folders hold the same files, naming those that differ.
fn assert_same(actual: &Folder, expected: &Folder, context: &str) {
    let differ = differences(actual, expected);
    assert!(
        differ.is_empty(),
        "{context}: these files differ: {differ:?}"
    );
}

/// The folder a clean run of `seed` writes.
fn reference(seed: u64) -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("out");
    run_ok(&out, seed);
    snapshot(&out)
}

/// Names in `parent` that a run into `name` may leave only while it runs.
fn leftovers(parent: &Path, name: &str) -> Vec<String> {
    fs::read_dir(parent)
        .expect("list parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")) && !n.ends_with(".concrisk-lock"))
        .collect()
}

/// Which reference a folder equals: `Some(seed)`, or `None` for a mix.
fn which(
    folder: &BTreeMap<PathBuf, Vec<u8>>,
    refs: &[(u64, &BTreeMap<PathBuf, Vec<u8>>)],
) -> Option<u64> {
    refs.iter()
        .find(|(_, reference)| *reference == folder)
        .map(|(seed, _)| *seed)
}

/// Starts `command` with the test pause at `moment` and waits until it says it paused there.
fn paused_at(mut command: Command, moment: &str) -> Child {
    let mut child = command
        .env("CONCRISK_TEST_PAUSE_AT", format!("{moment}:60"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start concrisk");
    let stderr = child.stderr.take().expect("stderr");
    let mut said = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("read stderr");
        if line.contains(&format!("test pause at {moment}")) {
            return child;
        }
        said.push(line);
    }
    let status = child.wait().expect("wait");
    panic!("concrisk never paused at {moment} ({status}); it said: {said:?}");
}

#[test]
fn a_symlink_at_a_temporary_name_is_not_followed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").expect("victim");
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("plots")).expect("out");
    for name in [
        ".summary.json.tmp",
        ".replications.csv.tmp",
        ".timeseries.csv.tmp",
        ".run.json.tmp",
        ".report.html.tmp",
        "plots/.timeline.svg.tmp",
        "plots/.timeline.tmp.png",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).expect("plant link");
    }
    let output = run(&out, 11);
    assert_eq!(
        fs::read_to_string(&victim).expect("victim"),
        "precious",
        "a write followed a link out of the folder"
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_same(&snapshot(&out), &reference(11), "after the run");
}

#[test]
fn two_runs_into_one_folder_never_mix_it() {
    let a = reference(11);
    let b = reference(22);
    let refs = [(11, &a), (22, &b)];

    // While one run holds the folder, a second refuses at once with exit 2.
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("out");
    let mut first = paused_at(run_command(&out, 11), "written");
    let second = run(&out, 22);
    let _ = first.kill();
    let _ = first.wait();
    assert_eq!(second.status.code(), Some(2), "the second run must refuse");
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("another concrisk is writing") && message.contains("out"),
        "{message}"
    );

    // Started together, each either finishes or refuses, and the folder is one run's.
    for attempt in 0..6 {
        let out = dir.path().join(format!("race{attempt}"));
        let children: Vec<Child> = [11, 22]
            .into_iter()
            .map(|seed| {
                run_command(&out, seed)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start concrisk")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("wait");
            let code = output.status.code();
            assert!(
                code == Some(0) || code == Some(2),
                "attempt {attempt}: exit {code:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert!(
            which(&snapshot(&out), &refs).is_some(),
            "attempt {attempt}: a mixed folder"
        );
        assert_eq!(
            leftovers(dir.path(), &format!("race{attempt}")),
            Vec::<String>::new()
        );
    }
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_or_the_new_folder() {
    let old = reference(11);
    let new = reference(22);
    let refs = [(11, &old), (22, &new)];
    for moment in ["staged", "written", "synced", "published"] {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("out");
        run_ok(&out, 11);
        fs::write(out.join("notes.txt"), "mine").expect("notes");

        let mut child = paused_at(run_command(&out, 22), moment);
        child.kill().expect("kill -9");
        let _ = child.wait();
        let seen = which(&snapshot(&out), &refs);
        assert!(seen.is_some(), "{moment}: a mixed folder after kill -9");
        if moment == "published" {
            assert_eq!(seen, Some(22), "published means the new folder is in place");
        }
        assert_eq!(
            fs::read_to_string(out.join("notes.txt")).expect("notes kept"),
            "mine"
        );

        // The next run removes what the killed one left and publishes whole.
        run_ok(&out, 22);
        assert_same(&snapshot(&out), &new, &format!("{moment}: the next run"));
        assert_eq!(
            leftovers(dir.path(), "out"),
            Vec::<String>::new(),
            "{moment}"
        );
        assert_eq!(
            fs::read_to_string(out.join("notes.txt")).expect("notes"),
            "mine"
        );
    }
}

#[test]
fn a_full_disk_leaves_the_old_folder_and_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let host = dir.path();
    let script = r#"
        set -u
        bin="$1"; scenario="$2"; host="$3"
        small="$host/small"; big="$host/big"
        mkdir -p "$small" "$big"
        mount -t tmpfs -o size=200k tmpfs "$small" || exit 77
        mount -t tmpfs -o size=1400k tmpfs "$big" || exit 77
        common="--replications 3 --agents 200 --threads 1"
        "$bin" run "$scenario" $common --seed 11 --out "$small/out" >/dev/null 2>"$host/small.err"
        echo "small=$?"
        "$bin" run "$scenario" $common --seed 11 --out "$big/out" >/dev/null 2>"$host/first.err"
        echo "first=$?"
        "$bin" run "$scenario" $common --seed 22 --out "$big/out" >/dev/null 2>"$host/second.err"
        echo "second=$?"
        echo "small-left: $(cd "$small" && find . -mindepth 1 ! -name '.out.concrisk-lock' | sort | tr '\n' ' ')"
        echo "big-left: $(cd "$big" && find . -maxdepth 1 -mindepth 1 ! -name out ! -name '.out.concrisk-lock' | sort | tr '\n' ' ')"
        echo "temp: $(cd "$big" && find . -name '*.tmp*' -o -name '*concrisk-stage*' | tr '\n' ' ')"
        cp -a "$big/out" "$host/after"
    "#;
    let output = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, "sh"])
        .arg(binary())
        .arg(SCENARIO)
        .arg(host)
        .output();
    let output = match output {
        Ok(output) if output.status.code() != Some(77) && output.status.success() => output,
        Ok(output) => {
            println!(
                "skipped: no tmpfs in a user namespace here ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("skipped: cannot start unshare: {e}");
            return;
        }
    };
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = |key: &str| {
        said.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {said}"))
            .trim()
            .to_string()
    };
    assert_ne!(line("small="), "0", "200 KB cannot hold a run: {said}");
    assert_eq!(
        line("small-left:"),
        "",
        "a failed run leaves nothing on a small disk"
    );
    assert_eq!(line("first="), "0", "{said}");
    assert_ne!(line("second="), "0", "the second run cannot fit: {said}");
    assert_eq!(line("big-left:"), "", "no staging folder after a failure");
    assert_eq!(line("temp:"), "", "no temporary file after a failure");
    let message = fs::read_to_string(host.join("second.err")).unwrap_or_default();
    assert!(message.contains("No space left"), "{message}");
    assert_same(
        &snapshot(&host.join("after")),
        &reference(11),
        "the old folder",
    );
}

#[test]
fn a_file_named_dots_toml_writes_inside_output() {
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::copy(SCENARIO, dir.path().join("...toml")).expect("copy");
    let output = Command::new(binary())
        .current_dir(dir.path())
        .args(["run", "...toml", "--replications", "2", "--agents", "200"])
        .output()
        .expect("start concrisk");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !dir.path().join("summary.json").exists(),
        "wrote into the working folder"
    );
    assert!(
        !dir.path().join("output/summary.json").exists(),
        "wrote into output/ itself"
    );
    assert!(dir.path().join("output/run/summary.json").is_file());
}

#[test]
fn an_out_that_cannot_be_a_folder_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("file.txt");
    fs::write(&file, "keep me").expect("file");
    let real = dir.path().join("real");
    fs::create_dir(&real).expect("real");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("link");
    for (out, expected) in [
        (file.clone(), "is a file, not a folder"),
        (PathBuf::from("/dev/null"), "is a device"),
        (PathBuf::from("/dev/full"), "is a device"),
        (link.clone(), "is a symbolic link"),
        (real.join(".."), "names no folder of its own"),
    ] {
        let output = run(&out, 11);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {message}",
            out.display()
        );
        assert!(message.contains(expected), "{}: {message}", out.display());
        assert!(message.contains(&*out.to_string_lossy()), "{message}");
    }
    assert_eq!(fs::read_to_string(&file).expect("file"), "keep me");
    assert!(!dir.path().join(".file.txt.concrisk-lock").exists());
    assert!(!Path::new("/dev/.null.concrisk-lock").exists());
    assert_eq!(
        fs::read_dir(&real).expect("real").count(),
        0,
        "nothing through the link"
    );
}

#[test]
fn report_of_a_saved_folder_republishes_it_whole_and_keeps_the_users_files() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("out");
    run_ok(&out, 11);
    fs::write(out.join("notes.txt"), "mine").expect("notes");
    fs::write(out.join("plots/keep.txt"), "mine too").expect("keep");
    fs::remove_file(out.join("report.html")).expect("remove page");
    let output = Command::new(binary())
        .arg("report")
        .arg(&out)
        .output()
        .expect("start concrisk");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut expected = reference(11);
    expected.insert(PathBuf::from("plots/keep.txt"), b"mine too".to_vec());
    assert_same(&snapshot(&out), &expected, "after report");
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "mine"
    );
    assert_eq!(leftovers(dir.path(), "out"), Vec::<String>::new());

    // A folder that does not exist is bad input, and nothing is created beside it.
    let missing = dir.path().join("missing");
    let output = Command::new(binary())
        .arg("report")
        .arg(&missing)
        .output()
        .expect("start concrisk");
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join(".missing.concrisk-lock").exists());
}
