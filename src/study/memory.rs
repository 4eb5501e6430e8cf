//! Refusing runs that cannot fit: the estimate of `world::memory` against the memory available
//! (`MemAvailable` in `/proc/meminfo`, or `CONCRISK_MEMORY_LIMIT` in bytes), checked before any
//! world is built.

use super::error::{StudyError, input};
use crate::scenario::{Document, Edit, Scenario};
use crate::world::memory::{self, MemoryEstimate, human};

/// Overrides the memory available, in bytes (for tests and for sharing a machine).
const LIMIT_VARIABLE: &str = "CONCRISK_MEMORY_LIMIT";

/// Bytes available to the run and where the figure comes from, or `None` when the system does
/// not say (no `/proc/meminfo`): then nothing is checked.
fn available() -> Result<Option<(u64, String)>, StudyError> {
    if let Ok(text) = std::env::var(LIMIT_VARIABLE) {
        let bytes = text.trim().parse::<u64>().map_err(|_| {
            input(anyhow::anyhow!(
                "{LIMIT_VARIABLE}={text}: not a number of bytes\n  help: set it to a whole number of bytes, e.g. 8589934592 for 8 GiB, or unset it"
            ))
        })?;
        return Ok(Some((bytes, LIMIT_VARIABLE.to_string())));
    }
    let Ok(meminfo) = std::fs::read_to_string("/proc/meminfo") else {
        return Ok(None);
    };
    Ok(kib_field(&meminfo, "MemAvailable")
        .map(|bytes| (bytes, "MemAvailable in /proc/meminfo".to_string())))
}

/// The bytes of a `NAME:   1234 kB` line of a `/proc` file such as `/proc/meminfo`, if it has one.
pub(super) fn kib_field(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib * 1024)
}

/// Refuses (exit 2) when the worlds of `scenarios`, held at once, and their replications on
/// `threads` threads are estimated to need more memory than is available, naming the largest
/// `--agents` that would fit.
///
/// # Errors
/// [`StudyError::Input`] when the run does not fit or `CONCRISK_MEMORY_LIMIT` is not a number.
pub(super) fn ensure_fits(
    document: &Document<'_>,
    edits: &[Edit],
    scenarios: &[&Scenario],
    threads: usize,
) -> Result<(), StudyError> {
    let file = document.file();
    let Some((limit, source)) = available()? else {
        return Ok(());
    };
    let estimates: Vec<_> = scenarios
        .iter()
        .map(|scenario| memory::estimate(scenario, threads))
        .collect();
    let needed = estimates
        .iter()
        .fold(0u64, |sum, e| sum.saturating_add(e.bytes));
    if needed <= limit {
        return Ok(());
    }
    let agents = scenarios.first().map_or(0, |s| s.run.agents);
    let worlds = if scenarios.len() > 1 {
        format!(
            " (the baseline's world and a variant's at once: {})",
            scenarios.len()
        )
    } else {
        String::new()
    };
    let help = match memory::largest_agents(scenarios, threads, limit) {
        Some(fits) => format!(
            "run with --agents {fits} or fewer (the most that fit; each agent then stands for more people), or with fewer --threads"
        ),
        None => "not even one agent fits: lower the inputs the largest part grows with, or free some memory".to_string(),
    };
    let driver = scenarios
        .iter()
        .zip(&estimates)
        .max_by_key(|(_, estimate)| estimate.bytes)
        .map(|(scenario, estimate)| driver(document, edits, scenario, estimate))
        .unwrap_or_default();
    Err(input(anyhow::anyhow!(
        "{file}: {agents} agents on {threads} threads need about {} of memory{worlds}, but {} is available ({source})\n  estimate: {}{driver}\n  help: {help}",
        human(needed),
        human(limit),
        estimates
            .iter()
            .map(|e| e.describe())
            .collect::<Vec<_>>()
            .join("; ")
    )))
}

/// The inputs that drive the largest part of `estimate`, each with where its value comes from
/// (a flag, a place in the file or the default), as a line of the refusal.
fn driver(
    document: &Document<'_>,
    edits: &[Edit],
    scenario: &Scenario,
    estimate: &MemoryEstimate,
) -> String {
    let Some(&(part, bytes)) = estimate.breakdown.first() else {
        return String::new();
    };
    let run = &scenario.run;
    let from = |key: &str| document.source_of("run", key, edits);
    let steps = format!(
        "output steps: horizon_hours = {} ({}) ÷ step_minutes = {} ({})",
        run.horizon_hours,
        from("horizon_hours"),
        run.step_minutes,
        from("step_minutes"),
    );
    let replications = format!(
        "replications = {} ({})",
        run.replications,
        from("replications")
    );
    let inputs = match part {
        memory::OUTCOMES => format!("{replications} × {steps}"),
        memory::SWITCHING => format!(
            "agents = {} ({}) on each thread, and horizon_hours = {} ({}) in 6-minute slices",
            run.agents,
            from("agents"),
            run.horizon_hours,
            from("horizon_hours"),
        ),
        memory::OUTPUT | memory::SLICES => {
            format!("{steps}, and the services, nodes and {replications}")
        }
        memory::FIXED => return String::new(),
        _ => format!("agents = {} ({})", run.agents, from("agents")),
    };
    format!(
        "\n  the largest part, {part} ({}), grows with {inputs}",
        human(bytes)
    )
}
