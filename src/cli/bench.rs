//! `concrisk bench`: world build, per-replication time and peak memory of a scenario at several
//! agent counts, as a table. Each row runs in a child process (this binary's hidden `bench-row`
//! command), so that each row's peak resident memory is its own and not the high-water mark of
//! the rows before it. What a row measures is the library's ([`concrisk::study::bench`]); here
//! are the flags, the child processes and the table.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use clap::Args;

use super::progress;
use concrisk::study::bench::{self, RowRequest};
use concrisk::study::{Source, StudyError};
use concrisk::world::memory::human;

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
pub(super) fn bench(args: &BenchArgs) -> Result<(), StudyError> {
    let counts = if args.agents.is_empty() {
        vec![1_000_000, 10_000_000]
    } else {
        args.agents.clone()
    };
    // Fail on a bad file or agent count here, once, rather than in a child.
    bench::check_rows(&Source::File(args.file.clone()), &counts, args.replications)?;
    let threads = threads_of(args.threads);
    let exe = std::env::current_exe()
        .map_err(|e| StudyError::Other(anyhow::anyhow!("cannot find this program: {e}")))?;
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
            .map_err(|e| {
                StudyError::Other(anyhow::anyhow!("cannot start {}: {e}", exe.display()))
            })?;
        if !output.status.success() {
            let error = anyhow::anyhow!("the row with {agents} agents failed (see above)");
            return Err(if output.status.code() == Some(2) {
                StudyError::Input(error)
            } else {
                StudyError::Other(error)
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let row = stdout
            .lines()
            .find_map(|line| line.strip_prefix(ROW_TAG))
            .ok_or_else(|| {
                StudyError::Other(anyhow::anyhow!(
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

/// One row, in the child: build, plan and run, then print the row.
pub(super) fn row(args: &RowArgs) -> Result<(), StudyError> {
    let row = bench::row(
        &RowRequest {
            source: Source::File(args.file.clone()),
            agents: args.agents,
            replications: args.replications,
            threads: args.threads,
        },
        &progress::Bars::default(),
    )?;
    let peak = row.peak_bytes.map_or_else(|| "unknown".to_string(), human);
    println!(
        "{ROW_TAG} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {peak} | {} |",
        args.agents,
        row.ties,
        args.replications,
        row.build_seconds,
        row.plan_seconds,
        row.per_replication_seconds * 1e3,
        human(row.estimate_bytes)
    );
    Ok(())
}
