//! The memory estimate against what a run really holds: `concrisk run` is spawned on small
//! scenarios whose outputs dominate (many output steps, many replications) and on a shipped
//! one, and the child's peak resident set (`wait4`'s `ru_maxrss`, Linux only) must stay below
//! `world::memory::estimate` — and not far below it, so the estimate cannot pass by being huge.

#[cfg(target_os = "linux")]
mod linux {
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use concrisk::scenario;
    use concrisk::world::memory::{estimate, human};

    /// Threads of every run here (the estimate grows with them).
    const THREADS: usize = 2;

    fn shipped(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name)
    }

    /// The shipped example with `[run]` fields replaced, written into `dir`.
    fn example_with(dir: &Path, horizon: &str, step: &str, replications: &str) -> PathBuf {
        let path = shipped("example.toml");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut replaced = 0;
        let edited: Vec<String> = text
            .lines()
            .map(|line| {
                let key = line.split('=').next().unwrap_or("").trim();
                let value = match key {
                    "horizon_hours" => horizon,
                    "step_minutes" => step,
                    "replications" => replications,
                    _ => return line.to_string(),
                };
                replaced += 1;
                format!("{key} = {value}")
            })
            .collect();
        assert_eq!(
            replaced, 3,
            "example.toml sets horizon, step and replications in [run]"
        );
        let file = dir.join(format!("example-{horizon}h-{step}min-{replications}.toml"));
        fs::write(&file, edited.join("\n") + "\n")
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        file
    }

    /// Runs `concrisk run FILE` in a child and returns its peak resident set in bytes.
    #[expect(
        clippy::zombie_processes,
        reason = "the child is reaped by wait4, which std's wait cannot replace: it drops the rusage"
    )]
    fn peak_of_run(file: &Path, out: &Path, extra: &[&str]) -> u64 {
        let child = Command::new(env!("CARGO_BIN_EXE_concrisk"))
            .arg("run")
            .arg(file)
            .arg("--out")
            .arg(out)
            .args(["--threads", &THREADS.to_string()])
            .args(extra)
            // The refusal must not stand in the way: this test measures, it does not plan.
            .env("CONCRISK_MEMORY_LIMIT", u64::MAX.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn concrisk: {e}"));
        let pid = libc::pid_t::try_from(child.id()).unwrap_or_else(|e| panic!("pid: {e}"));
        let mut status = 0;
        // SAFETY: `rusage` is plain data that `wait4` fills; an all-zero value is valid.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, not yet reaped (`Child` is never waited on), and both
        // pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "concrisk run {} failed: status {status}",
            file.display()
        );
        // Linux reports ru_maxrss in KiB.
        u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
    }

    /// The estimate of `file` (with `agents` and replications, if given) bounds the measured peak, and is at
    /// most `slack` times it.
    fn check_bound(file: &Path, agents: Option<(u64, u32)>, slack: f64) {
        let mut scenario = scenario::load(file).unwrap_or_else(|e| panic!("{e}"));
        let mut extra = Vec::new();
        let texts;
        if let Some((agents, replications)) = agents {
            scenario.run.agents = agents;
            scenario.run.replications = replications;
            texts = [agents.to_string(), replications.to_string()];
            extra.extend([
                "--agents",
                texts[0].as_str(),
                "--replications",
                texts[1].as_str(),
            ]);
        }
        let estimated = estimate(&scenario, THREADS).bytes;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let peak = peak_of_run(file, &dir.path().join("out"), &extra);
        let ratio = estimated as f64 / peak as f64;
        eprintln!(
            "{}: estimate {} ({estimated} B), peak {} ({peak} B), ratio {ratio:.2}",
            file.display(),
            human(estimated),
            human(peak)
        );
        assert!(
            peak <= estimated,
            "{}: peak {peak} B above the estimate {estimated} B",
            file.display()
        );
        assert!(
            ratio <= slack,
            "{}: the estimate {estimated} B is {ratio:.2}× the peak {peak} B (more than {slack}×)",
            file.display()
        );
    }

    /// Many output steps (48 h in 1.8-second steps: 96 000) and 16 replications: the outputs
    /// (bands, CSV and JSON text, the figures, the page) are most of the peak (322 MiB; the
    /// estimate before it counted them was 236 MiB), and the estimate bounds it.
    #[test]
    fn many_steps_and_replications_stay_below_the_estimate() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let file = example_with(dir.path(), "48", "0.03", "16");
        check_bound(&file, None, 3.0);
    }

    /// A long horizon at hourly steps (a year and a half: 13 140 steps) and few replications:
    /// the engine's slices of the horizon and the outputs (peak 128 MiB; the estimate before
    /// it counted them was 48 MiB).
    #[test]
    fn a_long_horizon_stays_below_the_estimate() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let file = example_with(dir.path(), "13140", "60", "4");
        check_bound(&file, None, 3.0);
    }

    /// Issue 12: a year at daily steps and 300 replications: each replication's per-day damage
    /// (`ReplicationOutcome.daily`, 366 days) and its per-day metric values are most of what the
    /// outputs hold, and the estimate counts them (peak 191 MiB, estimate 270 MiB; without
    /// them it was 129 MiB, below the peak).
    #[test]
    fn per_day_outcomes_stay_below_the_estimate() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let file = example_with(dir.path(), "8760", "1440", "300");
        check_bound(&file, None, 3.0);
    }

    /// A shipped scenario with a contact graph and switching at 200 000 agents: the world is
    /// most of the peak.
    #[test]
    fn a_contact_graph_stays_below_the_estimate() {
        check_bound(&shipped("kakao-fire-2022.toml"), Some((200_000, 50)), 3.0);
    }

    /// The estimate counts at most `METRIC_FAMILIES` (14) metric families; a new family must
    /// raise it.
    #[test]
    fn the_estimate_knows_every_metric_family() {
        assert!(concrisk::results::registry::FAMILIES.len() <= 14);
    }
}
