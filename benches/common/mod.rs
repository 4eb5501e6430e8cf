//! Shared set-up of the benches: the shipped Kakao scenario at a chosen number of agents, with
//! or without its contact graph.

// Each bench binary compiles this module and uses a part of it.
#![allow(dead_code)]

use concrisk::scenario::{self, Scenario};

fn kakao_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/kakao-fire-2022.toml"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("shipped scenario reads: {e}"))
}

fn with_run(text: &str, agents: u64, replications: u32) -> Scenario {
    let mut scenario = scenario::parse(text, "scenarios/kakao-fire-2022.toml")
        .unwrap_or_else(|e| panic!("shipped scenario loads: {e}"));
    scenario.run.agents = agents;
    scenario.run.replications = replications;
    scenario
}

/// The Kakao fire scenario as shipped: messaging between contacts, people switching apps.
pub fn kakao(agents: u64, replications: u32) -> Scenario {
    with_run(&kakao_text(), agents, replications)
}

/// The Kakao fire scenario with messaging as a plain service (no contact graph, no switching):
/// the core engine alone.
pub fn kakao_plain(agents: u64, replications: u32) -> Scenario {
    let mut document: toml::Table =
        toml::from_str(&kakao_text()).unwrap_or_else(|e| panic!("scenario parses: {e}"));
    document.remove("social");
    document.remove("behaviour");
    if let Some(toml::Value::Array(services)) = document.get_mut("services") {
        for service in services.iter_mut().filter_map(toml::Value::as_table_mut) {
            service.remove("pairwise");
        }
    }
    let text = toml::to_string(&document).unwrap_or_else(|e| panic!("scenario serialises: {e}"));
    with_run(&text, agents, replications)
}

/// The Kakao fire scenario with its contact graph but without switching.
pub fn kakao_contacts(agents: u64, replications: u32) -> Scenario {
    let mut scenario = kakao(agents, replications);
    scenario.switching.clear();
    scenario
}

/// Agent counts to bench: 1 M always, 10 M with `CONCRISK_BENCH_FULL=1` (world builds take
/// seconds there, too slow for every `cargo bench`).
pub fn agent_counts() -> Vec<u64> {
    let mut counts = vec![1_000_000];
    if std::env::var("CONCRISK_BENCH_FULL").is_ok_and(|v| v == "1") {
        counts.push(10_000_000);
    }
    counts
}
