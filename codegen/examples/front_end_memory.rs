//! Time and peak memory of parse + resolve and of the whole generation, for BENCHMARKS.md:
//! `cargo run --release -p dataverse-codegen --example front_end_memory -- metadata/dataverse-v9.1.xml`
//!
//! Prints the process's peak resident set (VmHWM, Linux) before and after loading, so the
//! difference is what the front end needed.

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "metadata/dataverse-v9.1.xml".into());
    let bytes = std::fs::read(&path).expect("the metadata file is readable");
    let before = peak_rss_kib();
    let start = std::time::Instant::now();
    let document = dataverse_codegen::parse::parse(&path, &bytes).expect("well-formed");
    let parsed = start.elapsed();
    let model =
        dataverse_codegen::resolve::resolve(&path, &document, &Default::default()).expect("valid");
    let elapsed = start.elapsed();
    let after = peak_rss_kib();
    let generate_start = std::time::Instant::now();
    let files = dataverse_codegen::generate_from_model(
        &model,
        &bytes,
        &dataverse_codegen::GenerateOptions {
            output: dataverse_codegen::OutputKind::Crate,
            entity_set_features: true,
            ..Default::default()
        },
    )
    .unwrap();
    let generated = generate_start.elapsed();
    let total: usize = files.values().map(String::len).sum();
    let after_generate = peak_rss_kib();
    println!(
        "{path}: {} bytes, {} entity types, parse {:.1} ms, parse+resolve {:.1} ms",
        bytes.len(),
        model.entity_types.len(),
        parsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1000.0
    );
    println!(
        "emit+format: {:.0} ms, {} files, {:.1} MB of Rust; end to end {:.0} ms",
        generated.as_secs_f64() * 1000.0,
        files.len(),
        total as f64 / 1e6,
        (elapsed + generated).as_secs_f64() * 1000.0
    );
    if let Some(peak) = after_generate {
        println!("peak RSS after generation {:.1} MiB", peak as f64 / 1024.0);
    }
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "peak RSS {:.1} MiB (before loading {:.1} MiB, the file itself included)",
            after as f64 / 1024.0,
            before as f64 / 1024.0
        );
    }
}
