//! Contact-graph generation benchmarks: each model at 1 M people and mean degree 20, and with
//! `CONCRISK_BENCH_FULL=1` also at 10 M people (about 100 M ties each, several seconds per
//! build on 2 cores, hence opt-in).

use std::hint::black_box;
use std::time::Duration;

use concrisk::contacts::{ContactGraph, SocialModel};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const MEAN_DEGREE: f64 = 20.0;

fn models() -> [(&'static str, SocialModel); 4] {
    [
        (
            "erdos_renyi",
            SocialModel::ErdosRenyi {
                mean_degree: MEAN_DEGREE,
            },
        ),
        (
            "watts_strogatz",
            SocialModel::WattsStrogatz {
                mean_degree: MEAN_DEGREE,
                rewire_probability: 0.1,
            },
        ),
        (
            "barabasi_albert",
            SocialModel::BarabasiAlbert {
                mean_degree: MEAN_DEGREE,
            },
        ),
        (
            "stochastic_block",
            SocialModel::StochasticBlock {
                mean_degree: MEAN_DEGREE,
                homophily: 0.7,
            },
        ),
    ]
}

/// Eight equal segments (only the stochastic block model looks at them).
fn segments(people: u32) -> Vec<u32> {
    (0..=8u64)
        .map(|g| (u64::from(people) * g / 8) as u32)
        .collect()
}

fn generation(c: &mut Criterion) {
    let mut sizes = vec![1_000_000u32];
    if std::env::var_os("CONCRISK_BENCH_FULL").is_some_and(|v| v == "1") {
        sizes.push(10_000_000);
    }
    let mut group = c.benchmark_group("contact_graph_generation");
    // Builds take seconds: flat sampling and the minimum sample count keep the run short.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for &people in &sizes {
        group.measurement_time(Duration::from_secs(if people > 1_000_000 {
            120
        } else {
            15
        }));
        let segments = segments(people);
        for (name, model) in models() {
            group.bench_with_input(BenchmarkId::new(name, people), &people, |b, _| {
                b.iter(|| {
                    let graph = ContactGraph::generate(&model, &segments, black_box(7));
                    black_box(graph.map(|g| g.tie_count()))
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
