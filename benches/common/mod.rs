//! Shared set-up of the benches: the shipped scenarios at a chosen number of agents.

use concrisk::scenario::{self, Scenario};

/// The Kakao fire scenario with `agents` agents and `replications` replications.
pub fn kakao(agents: u64, replications: u32) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/kakao-fire-2022.toml"
    );
    let mut scenario = scenario::load(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("shipped scenario loads: {e}"));
    scenario.run.agents = agents;
    scenario.run.replications = replications;
    scenario
}

/// Agent counts to bench: 1 M always, 10 M with `CONCRISK_BENCH_FULL=1` (world build allocates
/// 80 MB and takes seconds there, too slow for every `cargo bench`).
pub fn agent_counts() -> Vec<u64> {
    let mut counts = vec![1_000_000];
    if std::env::var("CONCRISK_BENCH_FULL").is_ok_and(|v| v == "1") {
        counts.push(10_000_000);
    }
    counts
}
