//! `dataverse-codegen generate` as a user runs it (spawned binary): a crate, a module tree,
//! `--check` on fresh and on stale output, `--print-names`, and a missing file.

use std::path::PathBuf;
use std::process::Command;

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
}

fn trippin() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata/trippin-rw.xml")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dvcg-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn generate_then_check_fresh_and_stale() {
    let out = scratch("crate");
    let run = |extra: &[&str]| {
        exe()
            .args(["generate", "--metadata"])
            .arg(trippin())
            .arg("--out")
            .arg(&out)
            .args(["--runtime-path", "/opt/runtime"])
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(out.join("Cargo.toml").exists() && out.join("src/lib.rs").exists());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("dataverse-runtime = { path = \"/opt/runtime\" }"),
        "{manifest}"
    );
    // Fresh: --check passes and writes nothing.
    let check = run(&["--check"]);
    assert_eq!(check.status.code(), Some(0));
    // Stale: an edited file and a file that is no longer generated are both named.
    std::fs::write(out.join("src/enums.rs"), "// edited\n").unwrap();
    std::fs::write(out.join("src/entities/old_type.rs"), "// gone\n").unwrap();
    let check = run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("src/enums.rs"), "{stderr}");
    assert!(
        stderr.contains("src/entities/old_type.rs (no longer generated)"),
        "{stderr}"
    );
    // Regenerating rewrites only the changed file and removes the one no longer generated;
    // files outside the generated folders (a lock file, examples) are left alone.
    std::fs::create_dir_all(out.join("examples")).unwrap();
    std::fs::write(out.join("examples/mine.rs"), "fn main() {}\n").unwrap();
    let again = run(&[]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("1 written"), "{stdout}");
    assert!(
        stdout.contains("removed src/entities/old_type.rs (no longer generated)"),
        "{stdout}"
    );
    assert!(!out.join("src/entities/old_type.rs").exists());
    assert!(out.join("examples/mine.rs").exists());
    assert_eq!(run(&["--check"]).status.code(), Some(0));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn module_mode_and_name_map() {
    let out = scratch("module");
    let output = exe()
        .args(["generate", "--module", "--print-names", "--metadata"])
        .arg(trippin())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(out.join("mod.rs").exists() && !out.join("Cargo.toml").exists());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .contains("entity type Microsoft.OData.SampleService.Models.TripPin.Person -> Person"),
        "{stdout}"
    );
    assert!(
        stdout.contains("entity set People -> Service::people"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn missing_metadata_file_exits_1() {
    let output = exe()
        .args(["generate", "--metadata", "no/such.xml", "--out"])
        .arg(scratch("missing"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("no/such.xml: error: cannot read the file")
    );
}

#[test]
fn an_invalid_crate_name_is_refused_before_writing() {
    let out = scratch("bad-crate-name");
    let output = exe()
        .args(["generate", "--metadata"])
        .arg(trippin())
        .args(["--crate-name", "sdk-msgraph-v1.0", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"sdk-msgraph-v1.0\" is not a valid Cargo package name")
            && stderr.contains("(e.g. \"sdk-msgraph-v1-0\")"),
        "{stderr}"
    );
    assert!(!out.join("Cargo.toml").exists());
}
