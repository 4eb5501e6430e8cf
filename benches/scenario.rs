//! Speed of the scenario stage on the shipped Kakao file: parsing the text into a document (once
//! per command), and "document + edits → checked Scenario" (once per variant, sweep point or,
//! later, design point): the baseline, a variant, and a sweep point with a command-line flag.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use concrisk::scenario::{Document, Edit};

const FILE: &str = "scenarios/kakao-fire-2022.toml";

fn text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/kakao-fire-2022.toml"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("shipped scenario reads: {e}"))
}

fn scenario_stage(c: &mut Criterion) {
    let text = text();
    let mut group = c.benchmark_group("scenario");
    group.bench_function("parse_document", |b| {
        b.iter(|| Document::parse(black_box(&text), FILE).unwrap_or_else(|e| panic!("{e}")));
    });
    let document = Document::parse(&text, FILE).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("baseline", |b| {
        b.iter(|| {
            document
                .scenario(black_box(&[]))
                .unwrap_or_else(|e| panic!("{e}"))
        });
    });
    group.bench_function("variant_dual_site", |b| {
        b.iter(|| {
            document
                .variant(black_box(Some("dual_site")), &[])
                .unwrap_or_else(|e| panic!("{e}"))
        });
    });
    let point = [
        Edit::set("adoption.kakaotalk.share.elderly", &toml::Value::Float(0.7)),
        Edit::set(
            "services.payments.channels.card_or_cash.success",
            &toml::Value::Float(0.8),
        ),
        Edit::flag("--agents", "run.agents", 100_000),
    ];
    group.bench_function("sweep_point_with_flag", |b| {
        b.iter(|| {
            document
                .scenario(black_box(&point))
                .unwrap_or_else(|e| panic!("{e}"))
        });
    });
    group.finish();
}

criterion_group!(benches, scenario_stage);
criterion_main!(benches);
