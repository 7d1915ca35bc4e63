//! The public documents of `../metadata/public/` (and `large/`, which the corpus compile test
//! leaves to `scripts/check-large-corpus.sh`): each parses and resolves, and `inspect --json`
//! (the spawned binary, as a user runs it) gives exactly the counts that
//! `metadata/public/PROVENANCE.md` lists, which were taken with an independent XML parser
//! (`scripts/count-csdl.py`, Python's `xml.etree`). A new document needs a new row there.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const FIELDS: [&str; 15] = [
    "entity_types",
    "complex_types",
    "enum_types",
    "type_definitions",
    "terms",
    "properties",
    "navigation_properties",
    "actions",
    "bound_actions",
    "functions",
    "bound_functions",
    "entity_sets",
    "singletons",
    "action_imports",
    "function_imports",
];

fn public_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata/public")
}

/// The "Expected counts" table of PROVENANCE.md: file name -> field -> count.
fn expected_counts() -> BTreeMap<String, BTreeMap<String, u64>> {
    let text = std::fs::read_to_string(public_dir().join("PROVENANCE.md")).unwrap();
    let mut header: Vec<String> = Vec::new();
    let mut table = BTreeMap::new();
    for line in text.lines().filter(|l| l.trim_start().starts_with('|')) {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if cells[0] == "file" && cells.len() == FIELDS.len() + 1 {
            header = cells;
            continue;
        }
        if header.is_empty() || !cells[0].ends_with(".xml") || cells.len() != header.len() {
            continue;
        }
        let row = header
            .iter()
            .zip(&cells)
            .skip(1)
            .map(|(h, c)| (h.clone(), c.parse::<u64>().expect("a count")))
            .collect();
        table.insert(cells[0].clone(), row);
    }
    table
}

/// Every document: `metadata/public/*.xml` and `metadata/public/large/*.xml`.
fn documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [public_dir(), public_dir().join("large")] {
        files.extend(
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "xml")),
        );
    }
    files.sort();
    files
}

#[test]
fn inspect_json_matches_the_independent_counts_for_every_public_document() {
    let expected = expected_counts();
    let documents = documents();
    let names: Vec<String> = documents
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 5, "public documents found: {names:?}");
    for (path, name) in documents.iter().zip(&names) {
        let row = expected
            .get(name)
            .unwrap_or_else(|| panic!("PROVENANCE.md has no expected counts for {name}"));
        for field in FIELDS {
            assert!(
                row.contains_key(field),
                "PROVENANCE.md lacks {field} for {name}"
            );
        }
        let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
            .arg("inspect")
            .arg(path)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: inspect failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for (field, count) in row {
            assert_eq!(
                json[field].as_u64(),
                Some(*count),
                "{name}: `{field}` differs from PROVENANCE.md"
            );
        }
    }
    for name in expected.keys() {
        assert!(
            names.contains(name),
            "PROVENANCE.md lists {name}, which is missing"
        );
    }
}
