//! The checked-in SDK `generated-example/` is what its configuration gives (the test fails when
//! it is stale: regenerate with the command in `generated-example/dataverse-codegen.toml`), and
//! it builds without warnings with all its entity-set features and with a single one.

use std::path::PathBuf;
use std::process::Command;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

#[test]
fn the_checked_in_sdk_is_fresh() {
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["generate", "--check", "--config"])
        .arg(project().join("generated-example/dataverse-codegen.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generated-example/ is stale; regenerate it with\n  cargo run -p dataverse-codegen -- \
         generate --config generated-example/dataverse-codegen.toml\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn builds_with_all_features_and_with_one_without_warnings() {
    let crate_dir = project().join("generated-example");
    // The project's lock file pins what it builds with; the target directory is shared with the
    // corpus test, so the runtime's dependencies compile once.
    std::fs::copy(project().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let target = project().join("target/generated-corpus/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for features in [
        &[][..],
        &["--no-default-features", "--features", "letters"][..],
    ] {
        let output = Command::new(&cargo)
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(["clippy", "--quiet", "--all-targets"])
            .args(features)
            .args(["--", "-D", "warnings"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !stderr.contains("warning"),
            "generated-example with {features:?}:\n{stderr}"
        );
    }
}
