//! A bounded fuzzer over scenario text (issue 11): structure-aware mutants of the shipped
//! scenarios go through the checks and, when accepted, a tiny run, in-process through the
//! library's entry points. Every mutant must be accepted or refused as bad input (never a panic,
//! never an error blamed on the machine), and every number a run writes must be finite.
//!
//! The check is `check`'s validation without its world: `Document::parse`, the scenario as
//! written and every variant (building the world of a file at its full size would cost seconds
//! per mutant). An accepted mutant then runs through `study::run` (the file or one of its
//! variants) or, one time in four when it has variants, `study::compare`, with at most 200 agents
//! and 3 replications, one thread, and `CONCRISK_MEMORY_LIMIT` at 200 MB unless set, so that a
//! world the estimate finds huge is refused rather than allocated.
//!
//! Each mutant is a pure function of (seed, index), so a finding is reproduced with
//! `CONCRISK_FUZZ_SEED=<seed> CONCRISK_FUZZ_FIRST=<index> CONCRISK_FUZZ_COUNT=1` (add
//! `CONCRISK_FUZZ_SHOW=1` to print each mutant and why it was refused). The budget is
//! time and count: `CONCRISK_FUZZ_SECONDS` (default 20, so the normal suite stays short; `.ci/run`
//! gives it 110) and `CONCRISK_FUZZ_COUNT` (default: no limit); the time is checked between
//! mutants. The figures are printed at the end (run with `--nocapture` to see them): inputs
//! tried, refused, run, time, findings, and the refusals that name no line.
//!
//! The mutations are those an attacker tries by hand: numbers replaced by edge values (0, -1,
//! 1e308, 5e-324, nan, inf, 2^32, integers past i64), lines, tables and array elements deleted
//! or duplicated, ids swapped or pointed elsewhere, unknown keys inserted, strings and values
//! replaced (an escaping probe, edge distributions), the text truncated, bytes flipped, and
//! tables of two files combined.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use concrisk::engine::Silent;
use concrisk::scenario::{Document, Edit};
use concrisk::streams::mix;
use concrisk::study::{self, CompareRequest, RunRequest, Source, Study};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The memory a tiny run may use, so worlds the estimate finds huge are refused, not allocated.
const MEMORY_LIMIT: &str = "200000000";
/// The largest run the fuzzer makes of an accepted mutant.
const MAX_AGENTS: u64 = 200;
const MAX_REPLICATIONS: u32 = 3;

/// Numbers at the edges of what TOML, f64, u32, u64 and the checks accept.
const EDGE_NUMBERS: &[&str] = &[
    "0",
    "-0.0",
    "-1",
    "1",
    "2",
    "0.5",
    "1.5",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e9",
    "1e20",
    "87600",
    "87601",
    "200001",
    "0.0001",
    "1e-9",
    "0.999999999",
    "1.000000001",
];

/// Strings that probe escaping, ids and sizes.
const EDGE_STRINGS: &[&str] = &[
    "\"\"",
    "\"<script>alert(1)</script>\"",
    "\"a.b\"",
    "\"default\"",
    "\"é中\u{1F600}\"",
    "\"../../etc/passwd\"",
    "\"x\\ny\"",
    "\" \"",
];

/// A string a page must escape; one of [`EDGE_STRINGS`].
const SCRIPT: &str = "<script>alert(1)</script>";

/// Keys nobody defined.
const UNKNOWN_KEYS: &[&str] = &[
    "colour = 3",
    "horizon_hour = 48",
    "id = \"dup\"",
    "dist = \"normal\"",
    "share = { default = 0.5 }",
    "[[variants]]\nname = \"x\"",
    "[nonsense]",
];

/// Distributions at the edges of their parameters.
const EDGE_DISTRIBUTIONS: &[&str] = &[
    "{ dist = \"empirical\", values = [1e308, 1e308] }",
    "{ dist = \"empirical\", values = [] }",
    "{ dist = \"lognormal\", median = 1, p95 = 1e200 }",
    "{ dist = \"lognormal\", median = 1, p95 = 1 }",
    "{ dist = \"lognormal\", median = 2, p95 = 1 }",
    "{ dist = \"weibull\", shape = 0.005, scale = 1 }",
    "{ dist = \"weibull\", shape = 0, scale = 1 }",
    "{ dist = \"triangular\", min = 0, mode = 0, max = 1.7e308 }",
    "{ dist = \"triangular\", min = 2, mode = 1, max = 0 }",
    "{ dist = \"triangular\", min = 1, mode = 1, max = 1 }",
    "{ dist = \"uniform\", min = 5, max = 5 }",
    "{ dist = \"uniform\", min = 0, max = 1e300 }",
    "{ dist = \"exponential\", mean = 0 }",
    "{ dist = \"exponential\", mean = 1e-300 }",
    "{ dist = \"fixed\" }",
    "{}",
    "[]",
    "{ default = 1, nobody = 2 }",
];

/// One shipped scenario: its name and text.
struct Seed {
    name: String,
    text: String,
}

fn seeds() -> Vec<Seed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seeds: Vec<Seed> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| Seed {
            name: path.display().to_string(),
            text: fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect();
    // Sorted, so (seed, index) names the same mutant on every machine.
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!seeds.is_empty(), "no scenarios in {}", dir.display());
    seeds
}

/// Byte ranges of the numbers in `line` outside strings and comments.
fn numbers_in(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            in_string = !in_string;
        } else if !in_string && c == b'#' {
            break;
        } else if !in_string
            && (c.is_ascii_digit()
                || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"._eE+-".contains(&bytes[i])) {
                i += 1;
            }
            found.push((start, i));
            continue;
        }
        i += 1;
    }
    found
}

/// Byte ranges of the quoted strings in `line` (quotes included), outside comments.
fn strings_in(line: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c, start) {
            ('"', None) => start = Some(i),
            ('"', Some(s)) => {
                found.push((s, i + 1));
                start = None;
            }
            ('#', None) => break,
            _ => {}
        }
    }
    found
}

/// Indices of the table headers (`[x]`, `[[x]]`) among `lines`.
fn headers(lines: &[String]) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with('['))
        .map(|(i, _)| i)
        .collect()
}

/// The lines of the table whose header is at `lines[start]`: up to the next header.
fn table_at(lines: &[String], start: usize) -> std::ops::Range<usize> {
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    start..end
}

/// A value of `items`, chosen by `rng`.
fn pick<'a, T>(rng: &mut Xoshiro256PlusPlus, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        Some(&items[rng.random_range(0..items.len())])
    }
}

/// A random line (by `rng`) that has something `find` finds, and what it found there.
fn line_with(
    rng: &mut Xoshiro256PlusPlus,
    lines: &[String],
    find: fn(&str) -> Vec<(usize, usize)>,
) -> Option<(usize, (usize, usize))> {
    let candidates: Vec<(usize, (usize, usize))> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| find(l).into_iter().map(move |r| (i, r)))
        .collect();
    pick(rng, &candidates).copied()
}

/// Replaces `range` of `lines[line]` by `with`.
fn splice(lines: &mut [String], line: usize, range: (usize, usize), with: &str) {
    lines[line].replace_range(range.0..range.1, with);
}

/// Replaces one of the tokens `find` finds in `lines` (chosen by `rng`) by one of `edges`;
/// says what it did, calling the token `what`.
fn replace_one(
    rng: &mut Xoshiro256PlusPlus,
    lines: &mut [String],
    find: fn(&str) -> Vec<(usize, usize)>,
    edges: &[&str],
    what: &str,
) -> String {
    match (line_with(rng, lines, find), pick(rng, edges)) {
        (Some((line, range)), Some(with)) => {
            splice(lines, line, range, with);
            format!("line {}: {what} -> {with}", line + 1)
        }
        _ => format!("no {what}"),
    }
}

/// The ids (`id = "x"`) defined in `lines`.
fn ids(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let rest = l
                .trim_start()
                .strip_prefix("id")?
                .trim_start()
                .strip_prefix('=')?;
            let (s, e) = *strings_in(rest).first()?;
            Some(rest[s..e].to_string())
        })
        .collect()
}

/// Applies one mutation, chosen by `rng`, to `text`; `other` is another shipped file to take
/// tables from. Returns what it did, for the report.
fn mutate_once(rng: &mut Xoshiro256PlusPlus, text: &str, other: &str) -> (String, String) {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let kind = rng.random_range(0..15u32);
    let what = match kind {
        // Numbers carry most of the checks, so they are mutated most often.
        0..=3 => replace_one(rng, &mut lines, numbers_in, EDGE_NUMBERS, "number"),
        4 => {
            let line = rng.random_range(0..lines.len());
            lines.remove(line);
            format!("line {} deleted", line + 1)
        }
        5 => {
            let line = rng.random_range(0..lines.len());
            let copy = lines[line].clone();
            lines.insert(line, copy);
            format!("line {} duplicated", line + 1)
        }
        6 | 7 => match pick(rng, &headers(&lines)).copied() {
            Some(start) => {
                let range = table_at(&lines, start);
                let what = format!(
                    "table at line {} {}",
                    start + 1,
                    if kind == 6 { "deleted" } else { "duplicated" }
                );
                if kind == 6 {
                    lines.drain(range);
                } else {
                    let copy: Vec<String> = lines[range.clone()].to_vec();
                    lines.splice(range.end..range.end, copy);
                }
                what
            }
            None => "no table".into(),
        },
        8 => {
            // An element of an inline array deleted or duplicated: split at the top-level commas.
            let arrays: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.contains('[') && l.contains(',') && !l.trim_start().starts_with('[')
                })
                .map(|(i, _)| i)
                .collect();
            match pick(rng, &arrays).copied() {
                Some(line) => {
                    let l = lines[line].clone();
                    let open = l.find('[').unwrap_or(0) + 1;
                    let close = l.rfind(']').filter(|&c| c >= open).unwrap_or(l.len());
                    let mut items: Vec<&str> = l[open..close].split(',').collect();
                    let at = rng.random_range(0..items.len());
                    let delete = rng.random::<bool>();
                    if delete {
                        items.remove(at);
                    } else {
                        items.insert(at, items[at]);
                    }
                    lines[line] = format!("{}{}{}", &l[..open], items.join(","), &l[close..]);
                    format!(
                        "line {}: array element {} {}",
                        line + 1,
                        at,
                        if delete { "deleted" } else { "duplicated" }
                    )
                }
                None => "no array".into(),
            }
        }
        9 => {
            // A quoted id somewhere replaced by another id: references dangle, ids repeat.
            let known = ids(&lines);
            match (
                line_with(rng, &lines, strings_in),
                pick(rng, &known).cloned(),
            ) {
                (Some((line, range)), Some(id)) => {
                    splice(&mut lines, line, range, &id);
                    format!("line {}: string -> id {id}", line + 1)
                }
                _ => "no id".into(),
            }
        }
        10 => replace_one(rng, &mut lines, strings_in, EDGE_STRINGS, "string"),
        11 => {
            let line = match pick(rng, &headers(&lines)).copied() {
                Some(h) => h + 1,
                None => 0,
            };
            let key = *pick(rng, UNKNOWN_KEYS).unwrap_or(&"x = 1");
            lines.insert(line.min(lines.len()), key.to_string());
            format!("line {}: inserted {key:?}", line + 1)
        }
        12 => {
            // A value after `=` replaced by an edge distribution (durations, shares, anything).
            let values: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.contains('=') && !l.trim_start().starts_with('#'))
                .map(|(i, _)| i)
                .collect();
            match pick(rng, &values).copied() {
                Some(line) => {
                    let dist = *pick(rng, EDGE_DISTRIBUTIONS).unwrap_or(&"{}");
                    let key_end = lines[line].find('=').unwrap_or(0);
                    lines[line] = format!("{}= {dist}", &lines[line][..key_end]);
                    format!("line {}: value -> {dist}", line + 1)
                }
                None => "no value".into(),
            }
        }
        13 => {
            // A table of another file inserted at a table boundary of this one.
            let theirs: Vec<String> = other.lines().map(str::to_string).collect();
            match (
                pick(rng, &headers(&theirs)).copied(),
                pick(rng, &headers(&lines)).copied(),
            ) {
                (Some(from), Some(to)) => {
                    let copy: Vec<String> = theirs[table_at(&theirs, from)].to_vec();
                    let what = format!(
                        "table from other file's line {} inserted at line {}",
                        from + 1,
                        to + 1
                    );
                    lines.splice(to..to, copy);
                    what
                }
                _ => "no table to combine".into(),
            }
        }
        _ => {
            // Raw bytes: truncated at a random point, or one byte flipped.
            let mut bytes = (lines.join("\n") + "\n").into_bytes();
            let at = rng.random_range(0..bytes.len());
            let what = if rng.random::<bool>() {
                bytes.truncate(at);
                format!("truncated at byte {at}")
            } else {
                bytes[at] ^= 1 << rng.random_range(0..8u32);
                format!("byte {at} flipped")
            };
            return (String::from_utf8_lossy(&bytes).into_owned(), what);
        }
    };
    (lines.join("\n") + "\n", what)
}

/// The mutant `index` of the run seeded `seed`: a shipped file and one to four mutations.
fn mutant(seeds: &[Seed], seed: u64, index: u64) -> (String, String, Vec<String>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed) ^ index));
    let base = &seeds[rng.random_range(0..seeds.len())];
    let other = &seeds[rng.random_range(0..seeds.len())];
    let mut text = base.text.clone();
    let mut done = Vec::new();
    // Mostly one mutation, so that a mutant is often refused at one place or runs; sometimes
    // up to four, for faults that need two edits together.
    let mutations = [1, 1, 1, 1, 2, 2, 3, 4][rng.random_range(0..8usize)];
    for _ in 0..mutations {
        let (next, what) = mutate_once(&mut rng, &text, &other.text);
        text = next;
        done.push(what);
    }
    (base.name.clone(), text, done)
}

/// What happened to one mutant.
enum Outcome {
    /// `check` refused it as bad input; the first line of the message when it names no line.
    Refused(Option<String>),
    /// Checked, and its tiny run refused it as bad input (the memory bound, the contact graph).
    RunRefused,
    /// Checked and ran (`true`: its variants compared); every number it wrote is finite.
    Ran(bool),
    /// A bug: a panic, an error not blamed on the input, or a non-finite number written.
    Finding(String),
}

/// The fields of the output's JSON files that may be `null`: options that are not numbers
/// (`start` without a date; a node's `recovery` when it never dropped, and its percentiles
/// when they need a replication not back by the horizon). serde_json writes a NaN or an
/// infinity as `null`, so any other `null` is a non-finite number.
const OPTIONAL_FIELDS: &[&str] = &["variant", "command", "headline_metric", "start", "recovery"];

/// Whether the `null` at `path` is one of the [`OPTIONAL_FIELDS`] or inside a node's recovery.
fn may_be_null(path: &str) -> bool {
    let field = path.rsplit('.').next().unwrap_or_default();
    OPTIONAL_FIELDS.contains(&field) || path.contains(".recovery.")
}

/// The first non-finite number in the JSON `value`, with its path.
fn non_finite_json(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::Null => (!may_be_null(path)).then(|| format!("{path} = null")),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => None,
            _ => Some(format!("{path} = {n}")),
        },
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| non_finite_json(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| non_finite_json(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

/// The first number in the output folder `dir` that is not finite, with its file and place:
/// `inf`/`NaN` in a CSV, a `null` (how serde writes them) in a JSON file, or `NaN`/`inf` shown
/// on a page whose scenario does not itself say so; or a page with the scenario's [`SCRIPT`]
/// not escaped.
fn non_finite_output(dir: &Path, scenario: &str) -> Result<Option<String>, String> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path.display().to_string();
            match path.extension().and_then(|e| e.to_str()) {
                Some("csv") => {
                    let text = fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
                    for (row, line) in text.lines().enumerate() {
                        for (column, field) in line.split(',').enumerate() {
                            if field.trim().parse::<f64>().is_ok_and(|x| !x.is_finite()) {
                                return Ok(Some(format!(
                                    "{name} row {row} column {column}: {field}"
                                )));
                            }
                        }
                    }
                }
                Some("json") => {
                    let text = fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
                    let value: serde_json::Value =
                        serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
                    if let Some(bad) = non_finite_json(&value, "") {
                        return Ok(Some(format!("{name}: {bad}")));
                    }
                }
                Some("html") | Some("svg") => {
                    let text = fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
                    if text.contains(SCRIPT) {
                        return Ok(Some(format!("{name}: the scenario's {SCRIPT} unescaped")));
                    }
                    for word in ["NaN", "inf"] {
                        // The page quotes the scenario's own text, which a mutant may make "inf".
                        if !has_number_token(scenario, word) && has_number_token(&text, word) {
                            return Ok(Some(format!("{name}: the page shows {word}")));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(None)
}

/// Whether `word` stands alone in `text` as a number would.
fn has_number_token(text: &str, word: &str) -> bool {
    text.match_indices(word)
        .any(|(i, _)| is_number_token(text, i, word.len()))
}
/// Whether the `len` bytes at `at` of `text` stand alone as a number would (not inside a word
/// such as "info" or "infrastructure").
fn is_number_token(text: &str, at: usize, len: usize) -> bool {
    let bytes = text.as_bytes();
    let before = at.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(at + len).copied();
    let word =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    // "-inf" counts: the minus sign is part of the number.
    let before_ok = before.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_');
    before_ok && !word(after)
}

/// The check of the output can fail: it flags `inf` in a CSV, `null` for a number in JSON,
/// `NaN` on a page and a script not escaped, and passes the same files fixed.
fn detector_finds_non_finite_numbers(scratch: &Path) {
    let dir = scratch.join("detector");
    let cases = [
        (
            "replications.csv",
            "replication,loss\n0,1.5\n1,inf\n",
            "1,2.5\n",
        ),
        (
            "summary.json",
            r#"{"variant": null, "m": {"mean": null}}"#,
            r#"{"variant": null, "m": {"mean": 1}}"#,
        ),
        ("report.html", "<td>NaN</td>", "<td>1.5</td>"),
        (
            "compare.html",
            "<td><script>alert(1)</script></td>",
            "<td>&lt;script&gt;</td>",
        ),
    ];
    for (file, bad, good) in cases {
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        fs::write(dir.join(file), bad).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            matches!(non_finite_output(&dir, ""), Ok(Some(_))),
            "{file} with {bad:?} is flagged"
        );
        fs::write(dir.join(file), good).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            non_finite_output(&dir, ""),
            Ok(None),
            "{file} with {good:?} passes"
        );
        fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
}

/// A panic's message, recorded by the hook the fuzzer installs (panics in worker threads too).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Checks `text` and, when accepted, runs it tiny into `out`.
fn try_mutant(name: &str, text: &str, pick_variant: u64, out: &Path) -> Outcome {
    let checked = panic::catch_unwind(AssertUnwindSafe(|| {
        let document = Document::parse(text, name)?;
        let scenario = document.scenario(&[])?;
        document.check_variants(&[])?;
        let variants: Vec<String> = document.variants().map(|v| v.name.clone()).collect();
        Ok::<_, concrisk::scenario::ScenarioError>((
            scenario.run.agents,
            scenario.run.replications,
            variants,
        ))
    }));
    let (agents, replications, variants) = match checked {
        Err(_) => return Outcome::Finding(format!("check panicked: {}", panic_message())),
        Ok(Err(error)) => {
            let message = error.to_string();
            if std::env::var_os("CONCRISK_FUZZ_SHOW").is_some() {
                println!("refused: {message}");
            }
            if message.trim().is_empty() {
                return Outcome::Finding("check refused with an empty message".into());
            }
            let unlocated = error
                .location()
                .is_none()
                .then(|| message.lines().next().unwrap_or_default().to_string());
            return Outcome::Refused(unlocated);
        }
        Ok(Ok(found)) => found,
    };
    // The file as written, or one of its variants.
    // The file as written, one of its variants, or (one time in four) all of them compared: the
    // compare page quotes the scenario's strings too.
    let compare_all = !variants.is_empty() && pick_variant % 4 == 0;
    let variant = match (pick_variant / 4) as usize % (variants.len() + 1) {
        0 => None,
        i => Some(variants[i - 1].clone()),
    };
    let study = Study {
        source: Source::Text {
            name: name.to_string(),
            text: text.to_string(),
        },
        edits: vec![
            Edit::flag("--agents", "run.agents", agents.min(MAX_AGENTS)),
            Edit::flag(
                "--replications",
                "run.replications",
                // compare needs two for its intervals.
                replications.clamp(2, MAX_REPLICATIONS),
            ),
        ],
        threads: Some(1),
        out: out.to_path_buf(),
    };
    let (what, ran) = if compare_all {
        let request = CompareRequest {
            study,
            variants: Vec::new(),
        };
        let ran = panic::catch_unwind(AssertUnwindSafe(|| {
            study::compare(&request, &Silent).map(|_| ())
        }));
        ("compare".to_string(), ran)
    } else {
        let request = RunRequest {
            study,
            variant: variant.clone(),
            central: false,
        };
        let ran = panic::catch_unwind(AssertUnwindSafe(|| {
            study::run(&request, &Silent).map(|_| ())
        }));
        (format!("run (variant {variant:?})"), ran)
    };
    let outcome = match ran {
        Err(_) => Outcome::Finding(format!("{what} panicked: {}", panic_message())),
        Ok(Err(error)) if error.is_input() => Outcome::RunRefused,
        Ok(Err(error)) => {
            Outcome::Finding(format!("{what} failed, not blamed on the input: {error}"))
        }
        Ok(Ok(())) => match non_finite_output(out, text) {
            Ok(None) => Outcome::Ran(compare_all),
            Ok(Some(bad)) => Outcome::Finding(format!("{what} wrote {bad}")),
            Err(e) => Outcome::Finding(format!("{what} wrote an unreadable file: {e}")),
        },
    };
    let _ = fs::remove_dir_all(out);
    outcome
}

fn panic_message() -> String {
    LAST_PANIC
        .lock()
        .map(|mut m| m.take())
        .unwrap_or_else(|p| p.into_inner().take())
        .unwrap_or_else(|| "(no message)".into())
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text}: not a whole number")),
        Err(_) => default,
    }
}

#[test]
fn mutants_of_the_shipped_scenarios_are_refused_or_run_finite() {
    if std::env::var_os("CONCRISK_MEMORY_LIMIT").is_none() {
        // SAFETY: this is the only test of this binary and it sets the variable before it
        // starts any thread; nothing else reads or writes the environment concurrently.
        unsafe { std::env::set_var("CONCRISK_MEMORY_LIMIT", MEMORY_LIMIT) };
    }
    let seconds = env_number("CONCRISK_FUZZ_SECONDS", 20);
    let count = env_number("CONCRISK_FUZZ_COUNT", u64::MAX);
    let seed = env_number("CONCRISK_FUZZ_SEED", 11);
    let first = env_number("CONCRISK_FUZZ_FIRST", 0);
    let seeds = seeds();
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir: {e}"));

    detector_finds_non_finite_numbers(scratch.path());

    // Panics are expected to be caught and reported with their mutant; keep their message.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let message = format!("{info}");
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(message);
        }
    }));

    let started = Instant::now();
    let budget = Duration::from_secs(seconds);
    let mut tried = 0u64;
    let (mut refused, mut run_refused, mut ran, mut compares) = (0u64, 0u64, 0u64, 0u64);
    let mut findings: Vec<String> = Vec::new();
    // Refusals that name no line: not failures (some problems belong to no one line), but
    // counted so that a class of bad input that loses its location shows up in the figures.
    let mut unlocated: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut index = first;
    while tried < count && started.elapsed() < budget {
        let (name, text, done) = mutant(&seeds, seed, index);
        let out: PathBuf = scratch.path().join(format!("m{index}"));
        if std::env::var_os("CONCRISK_FUZZ_SHOW").is_some() {
            println!("--- index {index}: {name}; {}\n{text}", done.join("; "));
        }
        match try_mutant(&name, &text, mix(index), &out) {
            Outcome::Refused(no_line) => {
                refused += 1;
                if let Some(message) = no_line {
                    let message = message
                        .strip_prefix(&format!("{name}: "))
                        .unwrap_or(&message);
                    *unlocated.entry(message.to_string()).or_insert(0u64) += 1;
                }
            }
            Outcome::RunRefused => run_refused += 1,
            Outcome::Ran(compared) => {
                ran += 1;
                compares += u64::from(compared);
            }
            Outcome::Finding(what) => {
                let kind: String = what.chars().take(120).collect();
                let repeats = by_kind.entry(kind).or_insert(0);
                *repeats += 1;
                // The text of the first few mutants of each kind, to reproduce and minimise.
                if *repeats <= 2 {
                    let saved =
                        std::env::temp_dir().join(format!("concrisk-fuzz-{seed}-{index}.toml"));
                    let _ = fs::write(&saved, &text);
                    findings.push(format!(
                        "seed {seed} index {index} ({name}; {}): {what}\n  mutant saved to {}",
                        done.join("; "),
                        saved.display()
                    ));
                }
            }
        }
        tried += 1;
        index += 1;
    }
    panic::set_hook(default_hook);

    let elapsed = started.elapsed().as_secs_f64();
    let found: u64 = by_kind.values().sum();
    println!(
        "fuzz: seed {seed}, indices {first}..{index}: {tried} inputs in {elapsed:.1} s; refused by check {refused}, refused by run {run_refused}, ran {ran} ({compares} of them compare); findings {found} ({} kinds)",
        by_kind.len()
    );
    println!(
        "  refusals that name no line or column: {}",
        unlocated.values().sum::<u64>()
    );
    for (message, times) in &unlocated {
        println!("    {times} x {message}");
    }
    for finding in &findings {
        println!("  {finding}");
    }
    assert!(tried > 0, "the budget allowed no input");
    assert!(
        findings.is_empty(),
        "{found} mutants crashed or wrote non-finite numbers:\n{}",
        findings.join("\n")
    );
}
