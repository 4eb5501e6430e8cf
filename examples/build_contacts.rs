//! Builds one contact graph and reports how long it took, for sizing runs and peak-memory
//! measurements (`/usr/bin/time -v cargo run --release --example build_contacts -- er 10000000 20`).
//!
//! Usage: build_contacts MODEL PEOPLE MEAN_DEGREE [SEED]
//! with MODEL one of `er`, `ws` (rewire 0.1), `ba`, `sbm` (8 equal segments, homophily 0.7).

use std::time::Instant;

use anyhow::{Context, bail};
use concrisk::contacts::{ContactGraph, SocialModel};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, people, degree, rest @ ..] = args.as_slice() else {
        bail!("usage: build_contacts er|ws|ba|sbm PEOPLE MEAN_DEGREE [SEED]");
    };
    let people: u32 = people.parse().context("PEOPLE must be a whole number")?;
    let mean_degree: f64 = degree.parse().context("MEAN_DEGREE must be a number")?;
    let seed: u64 = match rest.first() {
        Some(s) => s.parse().context("SEED must be a whole number")?,
        None => 1,
    };
    let model = match model.as_str() {
        "er" => SocialModel::ErdosRenyi { mean_degree },
        "ws" => SocialModel::WattsStrogatz {
            mean_degree,
            rewire_probability: 0.1,
        },
        "ba" => SocialModel::BarabasiAlbert { mean_degree },
        "sbm" => SocialModel::StochasticBlock {
            mean_degree,
            homophily: 0.7,
        },
        other => bail!("unknown model {other:?}; use er, ws, ba or sbm"),
    };
    let segments: Vec<u32> = if matches!(model, SocialModel::StochasticBlock { .. }) {
        (0..=8u64)
            .map(|g| (u64::from(people) * g / 8) as u32)
            .collect()
    } else {
        vec![0, people]
    };
    let start = Instant::now();
    let graph = ContactGraph::generate(&model, &segments, seed)?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "model={model:?} people={} ties={} mean_degree={:.4} build_seconds={seconds:.2} graph_bytes={} threads={}",
        graph.people(),
        graph.tie_count(),
        graph.mean_degree(),
        graph.memory_bytes(),
        rayon::current_num_threads(),
    );
    Ok(())
}
