//! The checked-in SDK `generated-example/` is what its configuration gives (the test fails when
//! it is stale: regenerate with the command in `generated-example/dataverse-codegen.toml`), and
//! it builds without warnings with all its entity-set features, with a single one and with none.

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
fn builds_without_warnings_with_all_features_with_one_and_with_none() {
    let crate_dir = project().join("generated-example");
    // The project's lock file pins what it builds with; the target directory is shared with the
    // corpus test, so the runtime's dependencies compile once.
    std::fs::copy(project().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let target = project().join("target/generated-corpus/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str], features: &[&str]| {
        let output = Command::new(&cargo)
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(args)
            .args(features)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success() && !stderr.contains("warning"),
            "generated-example, {args:?} with {features:?}:\n{stderr}"
        );
    };
    for features in [
        &[][..],
        &["--no-default-features", "--features", "letters"][..],
        &["--no-default-features"][..],
    ] {
        let with_lints = [features, &["--", "-D", "warnings"]].concat();
        run(&["clippy", "--quiet", "--all-targets"], &with_lints);
    }
    // `tests/stand_ins.rs`: navigation properties to a type that is compiled, and to one that
    // is not.
    for features in [
        &[][..],
        &["--no-default-features", "--features", "letters"][..],
    ] {
        run(&["test", "--quiet", "--test", "stand_ins"], features);
    }
}
