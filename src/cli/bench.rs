//! `concrisk bench`: world build, per-replication time and peak memory of a scenario at several
//! agent counts, as a table. Each row runs in a child process (this binary's hidden `bench-row`
//! command), so that each row's peak resident memory is its own and not the high-water mark of
//! the rows before it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use clap::Args;

use super::{Failure, input, memory, progress};
use crate::engine::{self, RunConfig};
use crate::scenario::{self, Document, Edit};
use crate::world::World;
use crate::world::memory::{estimate, human};

#[derive(Debug, Args)]
pub(super) struct BenchArgs {
    /// The scenario file (TOML).
    file: PathBuf,
    /// Agent counts, comma-separated, one row each (default: 1000000,10000000).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u64).range(1..))]
    agents: Vec<u64>,
    /// Replications timed per row.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    replications: u32,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

#[derive(Debug, Args)]
pub(super) struct RowArgs {
    file: PathBuf,
    #[arg(long)]
    agents: u64,
    #[arg(long)]
    replications: u32,
    #[arg(long)]
    threads: usize,
}

/// One row as the child prints it: a line starting with this tag, then the numbers.
const ROW_TAG: &str = "concrisk-bench-row";

fn threads_of(threads: Option<u64>) -> usize {
    threads.map_or_else(rayon::current_num_threads, |t| {
        usize::try_from(t).unwrap_or(1)
    })
}

/// Runs every row in its own process and prints the table.
pub(super) fn bench(args: &BenchArgs) -> Result<(), Failure> {
    let counts = if args.agents.is_empty() {
        vec![1_000_000, 10_000_000]
    } else {
        args.agents.clone()
    };
    // Fail on a bad file or agent count here, once, rather than in a child.
    let text = scenario::read(&args.file).map_err(input)?;
    let document = Document::parse(&text, &args.file.display().to_string()).map_err(input)?;
    for &agents in &counts {
        document
            .scenario(&row_edits(agents, args.replications))
            .map_err(input)?;
    }
    let threads = threads_of(args.threads);
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot find this program: {e}")))?;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{}: {} replications per row, {threads} threads",
        args.file.display(),
        args.replications
    );
    let _ = writeln!(
        table,
        "| agents | ties | replications | world build s | plan s | per replication ms | peak memory | estimate |"
    );
    let _ = writeln!(table, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for agents in counts {
        let output = Command::new(&exe)
            .arg("bench-row")
            .arg(&args.file)
            .args(["--agents", &agents.to_string()])
            .args(["--replications", &args.replications.to_string()])
            .args(["--threads", &threads.to_string()])
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start {}: {e}", exe.display())))?;
        if !output.status.success() {
            let error = anyhow::anyhow!("the row with {agents} agents failed (see above)");
            return Err(if output.status.code() == Some(2) {
                Failure::Input(error)
            } else {
                Failure::Other(error)
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let row = stdout
            .lines()
            .find_map(|line| line.strip_prefix(ROW_TAG))
            .ok_or_else(|| {
                Failure::Other(anyhow::anyhow!(
                    "the row with {agents} agents printed no result"
                ))
            })?;
        let _ = writeln!(table, "{}", row.trim());
        print!("{}", table);
        table.clear();
    }
    println!(
        "peak memory: the row's own process (VmHWM), everything from start to exit; estimate: \
         what `run` checks against the memory available.\n\
         speed-up against the plain agent-by-agent engine of the tests (tests/reference), both on \
         one thread: CONCRISK_SCALE_FILE=FILE CONCRISK_SCALE_AGENTS=1000000 cargo bench --bench scale"
    );
    Ok(())
}

/// The edits of one row: its agents and replications.
fn row_edits(agents: u64, replications: u32) -> [Edit; 2] {
    [
        Edit::flag("--agents", "run.agents", agents),
        Edit::flag("--replications", "run.replications", replications),
    ]
}

/// One row, in the child: build, plan and run, then print the row.
pub(super) fn row(args: &RowArgs) -> Result<(), Failure> {
    let text = scenario::read(&args.file).map_err(input)?;
    let scenario = Document::parse(&text, &args.file.display().to_string())
        .and_then(|document| document.scenario(&row_edits(args.agents, args.replications)))
        .map_err(input)?;
    memory::ensure_fits(&args.file, &[&scenario], args.threads)?;
    let estimated = estimate(&scenario, args.threads).bytes;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start worker threads: {e}")))?;
    let (build, ties, plan_seconds, per_replication) = pool.install(|| {
        let started = Instant::now();
        let world = progress::building_world(args.agents, |observer| {
            World::build_observed(scenario, observer)
        })
        .map_err(input)?;
        let build = started.elapsed().as_secs_f64();
        let ties = world.contacts.as_ref().map_or(0, |g| g.tie_count());
        let started = Instant::now();
        let plan = progress::planning(|| engine::Plan::new(&world));
        let plan_seconds = started.elapsed().as_secs_f64();
        let observer = progress::Replications::new(u64::from(args.replications));
        let started = Instant::now();
        let outcomes = engine::run_planned(
            &plan,
            &RunConfig {
                first_replication: 0,
                replications: args.replications,
            },
            &observer,
        );
        observer.finish();
        let per_replication = started.elapsed().as_secs_f64() / outcomes.len().max(1) as f64;
        Ok::<_, Failure>((build, ties, plan_seconds, per_replication))
    })?;
    let peak = peak_resident_bytes().map_or_else(|| "unknown".to_string(), human);
    println!(
        "{ROW_TAG} | {} | {ties} | {} | {build:.2} | {plan_seconds:.2} | {:.2} | {peak} | {} |",
        args.agents,
        args.replications,
        per_replication * 1e3,
        human(estimated)
    );
    Ok(())
}

/// The peak resident memory of this process so far (`VmHWM` in `/proc/self/status`, the figure
/// `getrusage` reports as `ru_maxrss`), when the system says.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib * 1024)
}
