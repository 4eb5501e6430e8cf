//! The scale table: for each agent count, the fast engine's world build, plan, time per
//! replication and peak memory (each row in its own process, `concrisk bench-row`, so that its
//! peak is its own), then — up to a size where the plain engine finishes in minutes — its
//! speed-up against the agent-by-agent reference engine of `tests/reference/`: both engines on
//! one thread, on the same world, the reference in ticks of 3 minutes as in the differential
//! tests that show the two give the same distributions. Beside it, the headline metric of each
//! engine, and their difference in standard errors (the fast engine's spread between
//! replications standing for both).
//!
//! ```sh
//! cargo bench --bench scale
//! CONCRISK_SCALE_AGENTS=1000000,10000000,51740000 CONCRISK_SCALE_FILE=/tmp/kakao-d20.toml \
//!     cargo bench --bench scale
//! ```
//!
//! Settings (environment): `CONCRISK_SCALE_FILE` (default the shipped Kakao scenario),
//! `CONCRISK_SCALE_AGENTS` (comma-separated, default 1000000), `CONCRISK_SCALE_REPLICATIONS`
//! (timed per row, default 20), `CONCRISK_SCALE_THREADS` (default all cores),
//! `CONCRISK_REFERENCE_UP_TO` (the largest agent count the reference runs at, default 1000000),
//! `CONCRISK_REFERENCE_REPLICATIONS` (default 1).

#[path = "../tests/reference/mod.rs"]
mod reference;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use concrisk::engine::{self, Plan};
use concrisk::results::metrics;
use concrisk::scenario;
use concrisk::world::World;

/// The reference's tick, as in `tests/differential.rs`.
const REFERENCE_TICK_HOURS: f64 = 0.05;

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text}: not a valid value")),
        Err(_) => default,
    }
}

fn main() {
    let file = setting(
        "CONCRISK_SCALE_FILE",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/kakao-fire-2022.toml"
        )
        .to_string(),
    );
    let agents: Vec<u64> = setting("CONCRISK_SCALE_AGENTS", "1000000".to_string())
        .split(',')
        .map(|a| {
            a.trim()
                .parse()
                .unwrap_or_else(|_| panic!("CONCRISK_SCALE_AGENTS: {a} is not a count"))
        })
        .collect();
    let replications: u32 = setting("CONCRISK_SCALE_REPLICATIONS", 20);
    let threads: usize = setting("CONCRISK_SCALE_THREADS", rayon::current_num_threads());
    let reference_up_to: u64 = setting("CONCRISK_REFERENCE_UP_TO", 1_000_000);
    let reference_replications: u64 = setting("CONCRISK_REFERENCE_REPLICATIONS", 1);

    println!(
        "{file}: {replications} replications per row on {threads} threads; one thread: \
         {replications} fast and {reference_replications} reference replications"
    );
    println!(
        "| agents | ties | replications | world build s | plan s | per replication ms | peak memory | estimate | one thread: fast ms | reference s | speed-up | headline: fast mean | reference mean | difference / se |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &count in &agents {
        let row = fast_row(&file, count, replications, threads);
        let comparison = if count <= reference_up_to {
            let c = compare(
                Path::new(&file),
                count,
                replications,
                reference_replications,
            );
            format!(
                "{:.2} | {:.1} | {:.0}× | {:.4e} | {:.4e} | {:+.2} |",
                c.fast_seconds * 1e3,
                c.reference_seconds,
                c.reference_seconds / c.fast_seconds,
                c.fast_headline.mean,
                c.reference_headline.mean,
                (c.reference_headline.mean - c.fast_headline.mean)
                    / (c.fast_headline.sd
                        * (1.0 / c.fast_headline.count + 1.0 / c.reference_headline.count).sqrt())
            )
        } else {
            "— | — | — | — | — | — |".to_string()
        };
        println!("| {row} | {comparison}");
    }
}

/// The fast engine's columns of one row, from `concrisk bench-row` in its own process.
fn fast_row(file: &str, agents: u64, replications: u32, threads: usize) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_concrisk"))
        .arg("bench-row")
        .arg(file)
        .args(["--agents", &agents.to_string()])
        .args(["--replications", &replications.to_string()])
        .args(["--threads", &threads.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run concrisk bench-row: {e}"));
    assert!(
        output.status.success(),
        "bench-row failed for {agents} agents"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("concrisk-bench-row"))
        .unwrap_or_else(|| panic!("bench-row printed no row: {stdout}"))
        .trim()
        .trim_matches('|')
        .trim()
        .to_string()
}

/// One thread, one world: what each engine takes per replication (the fast engine's plan
/// included), and its headline metric.
struct Comparison {
    fast_seconds: f64,
    reference_seconds: f64,
    fast_headline: Spread,
    reference_headline: Spread,
}

/// Mean and standard deviation of a metric over replications.
struct Spread {
    mean: f64,
    sd: f64,
    count: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let count = values.len() as f64;
        let mean = values.iter().sum::<f64>() / count;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0);
        Spread {
            mean,
            sd: variance.sqrt(),
            count,
        }
    }
}

fn compare(file: &Path, agents: u64, replications: u32, reference_replications: u64) -> Comparison {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| panic!("thread pool: {e}"));
    pool.install(|| {
        let mut scenario =
            scenario::load(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        scenario.run.agents = agents;
        let world = World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"));
        let headline = &metrics::headline(&world.scenario);
        let column = metrics::find(&world.scenario, headline)
            .unwrap_or_else(|why| panic!("no metric {headline}: {why}"));
        let started = Instant::now();
        let plan = Plan::new(&world);
        let fast: Vec<f64> = (0..u64::from(replications))
            .map(|r| column.value(&world.scenario, &engine::replicate(&plan, r)))
            .collect();
        let fast_seconds = started.elapsed().as_secs_f64() / f64::from(replications);
        let started = Instant::now();
        let plain: Vec<f64> = (0..reference_replications)
            .map(|r| reference::replicate(&world, REFERENCE_TICK_HOURS, r)[headline])
            .collect();
        let reference_seconds = started.elapsed().as_secs_f64() / reference_replications as f64;
        Comparison {
            fast_seconds,
            reference_seconds,
            fast_headline: Spread::of(&fast),
            reference_headline: Spread::of(&plain),
        }
    })
}
