//! Parse, parse + resolve, and emit + format of the bundled Dataverse v9.1 metadata (2.4 MB).
//!
//! `cargo bench -p dataverse-codegen --bench front_end`; figures in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn front_end(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata/dataverse-v9.1.xml");
    let bytes = std::fs::read(&path).unwrap();
    let mut group = c.benchmark_group("dataverse-v9.1");
    group.sample_size(30);
    group.bench_function("parse", |b| {
        b.iter(|| dataverse_codegen::parse::parse("v9.1", black_box(&bytes)).unwrap())
    });
    group.bench_function("parse+resolve", |b| {
        b.iter(|| dataverse_codegen::load("v9.1", black_box(&bytes), &Default::default()).unwrap())
    });
    let model = dataverse_codegen::load("v9.1", &bytes, &Default::default())
        .unwrap()
        .model;
    group.sample_size(10);
    group.bench_function("emit+format", |b| {
        b.iter(|| {
            dataverse_codegen::generate_from_model(
                black_box(&model),
                &bytes,
                &dataverse_codegen::GenerateOptions {
                    output: dataverse_codegen::OutputKind::Crate,
                    entity_set_features: true,
                    ..Default::default()
                },
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
