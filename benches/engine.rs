//! Speed of the core engine on the Kakao fire scenario without its contact graph (messaging as a
//! plain service): building the world, one replication, and a
//! whole 1 000-replication run (the library's one build → plan → run step,
//! `concrisk::simulation::simulate`), at 1 M agents (and 10 M with `CONCRISK_BENCH_FULL=1`).

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use concrisk::engine::{self, Plan, Silent};
use concrisk::simulation::simulate;
use concrisk::world::World;

fn world_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("world_build");
    group.sample_size(10);
    for agents in common::agent_counts() {
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                b.iter(|| {
                    World::build(black_box(common::kakao_plain(agents, 1)))
                        .unwrap_or_else(|e| panic!("world: {e}"))
                });
            },
        );
    }
    group.finish();
}

fn one_replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("replication");
    for agents in common::agent_counts() {
        let world =
            World::build(common::kakao_plain(agents, 1)).unwrap_or_else(|e| panic!("world: {e}"));
        let plan = Plan::new(&world);
        let mut replication = 0u64;
        group.bench_with_input(BenchmarkId::from_parameter(agents), &agents, |b, _| {
            b.iter(|| {
                replication += 1;
                engine::replicate(&plan, black_box(replication))
            });
        });
    }
    group.finish();
}

fn whole_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("run_1000_replications");
    group.sample_size(10);
    for agents in common::agent_counts() {
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                b.iter(|| {
                    simulate(common::kakao_plain(agents, 1000), &Silent)
                        .unwrap_or_else(|e| panic!("world: {e}"))
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, world_build, one_replication, whole_run);
criterion_main!(benches);
