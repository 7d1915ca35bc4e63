//! Compile-time guarantees of the generated typed queries: each case in `tests/compile_fail/`
//! uses the checked-in Dataverse v9.1 SDK (`generated-example/`) the wrong way and must fail to
//! compile with the error its first line names (`//~ E0308 expected text`); the case
//! `ok_typed_query.rs` is the well-typed counterpart and must compile, so a failure cannot come
//! from the harness itself.
//!
//! The cases build as binaries of one crate in `target/compile-fail`, with
//! `CARGO_TARGET_DIR=target/generated-corpus/target` (shared with the other tests that build
//! generated code, so the runtime's dependencies compile once) and the project's `Cargo.lock`.

use std::path::PathBuf;
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (case name, expected error code and text; `None`: must compile).
fn cases() -> Vec<(String, Option<(String, String)>)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(manifest_dir().join("tests/compile_fail")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let spec = first
            .strip_prefix("//~ ")
            .unwrap_or_else(|| panic!("{name}: the first line must be `//~ CODE text`"));
        let expected = if spec.starts_with("compiles") {
            None
        } else {
            let (code, message) = spec.split_once(' ').unwrap();
            Some((code.to_owned(), message.to_owned()))
        };
        cases.push((name, expected));
    }
    cases.sort();
    cases
}

#[test]
fn misuses_of_typed_queries_do_not_compile() {
    let work = manifest_dir().join("../target/compile-fail");
    let bin = work.join("src/bin");
    let _ = std::fs::remove_dir_all(&bin);
    std::fs::create_dir_all(&bin).unwrap();
    let example = manifest_dir()
        .join("../generated-example")
        .canonicalize()
        .unwrap();
    let runtime = manifest_dir().join("../runtime").canonicalize().unwrap();
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[package]\nname = \"compile-fail-cases\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\ndataverse-example = {{ path = {:?} }}\n\
             dataverse-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            example.display().to_string(),
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(
        manifest_dir().join("../Cargo.lock"),
        work.join("Cargo.lock"),
    )
    .unwrap();
    let cases = cases();
    assert!(cases.len() >= 9, "the cases were found");
    for (name, _) in &cases {
        let source =
            std::fs::read_to_string(manifest_dir().join(format!("tests/compile_fail/{name}.rs")))
                .unwrap();
        std::fs::write(
            bin.join(format!("{name}.rs")),
            format!("{source}\nfn main() {{}}\n"),
        )
        .unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failures = Vec::new();
    for (name, expected) in &cases {
        let output = Command::new(&cargo)
            .current_dir(&work)
            .env(
                "CARGO_TARGET_DIR",
                manifest_dir().join("../target/generated-corpus/target"),
            )
            .args(["check", "--quiet", "--bin", name])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match expected {
            None if !output.status.success() => {
                failures.push(format!("{name}: must compile, but:\n{stderr}"))
            }
            None => {}
            Some(_) if output.status.success() => {
                failures.push(format!("{name}: compiled, but must not"))
            }
            Some((code, message))
                if !stderr.contains(&format!("error[{code}]"))
                    || !stderr.contains(message.as_str()) =>
            {
                failures.push(format!(
                    "{name}: expected error[{code}] with `{message}`, got:\n{stderr}"
                ))
            }
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
