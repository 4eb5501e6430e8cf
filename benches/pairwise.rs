//! Speed of messaging between contacts on the Kakao fire scenario: building the world with its
//! contact graph, and one replication with and without people switching apps, at 1 M agents
//! (and 10 M with `CONCRISK_BENCH_FULL=1`).

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use concrisk::engine::{self, Plan};
use concrisk::world::World;

fn world_with_contacts(c: &mut Criterion) {
    let mut group = c.benchmark_group("world_build_with_contacts");
    group.sample_size(10);
    for agents in common::agent_counts() {
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                b.iter(|| {
                    World::build(black_box(common::kakao(agents, 1)))
                        .unwrap_or_else(|e| panic!("world: {e}"))
                });
            },
        );
    }
    group.finish();
}

fn replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("pairwise_replication");
    group.sample_size(10);
    for agents in common::agent_counts() {
        for (label, scenario) in [
            ("contacts", common::kakao_contacts(agents, 1)),
            ("switching", common::kakao(agents, 1)),
        ] {
            let world = World::build(scenario).unwrap_or_else(|e| panic!("world: {e}"));
            let plan = Plan::new(&world);
            let mut replication = 0u64;
            group.bench_with_input(BenchmarkId::new(label, agents), &agents, |b, _| {
                b.iter(|| {
                    replication += 1;
                    engine::replicate(&plan, black_box(replication))
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, world_with_contacts, replication);
criterion_main!(benches);
