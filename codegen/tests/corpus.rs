//! Every real document in `../shared/csdl/` parses and resolves, and `inspect --json` (the
//! spawned binary, as a user runs it) gives exactly the counts that `SOURCES.md` lists, which
//! were taken with an independent XML parser. A new document with a new row in the table is
//! tested by itself.

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

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/csdl")
}

/// The "Expected counts" table of SOURCES.md: file name -> field -> count.
fn expected_counts() -> BTreeMap<String, BTreeMap<String, u64>> {
    let text = std::fs::read_to_string(corpus_dir().join("SOURCES.md"))
        .expect("../shared/csdl/SOURCES.md is readable");
    let mut header: Vec<String> = Vec::new();
    let mut table = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if !line.trim_start().starts_with('|') {
            continue;
        }
        if cells.first().map(String::as_str) == Some("file") {
            header = cells;
            continue;
        }
        if header.is_empty() || cells[0].starts_with("---") || !cells[0].ends_with(".xml") {
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

#[test]
fn inspect_json_matches_the_independent_counts_for_every_corpus_document() {
    let expected = expected_counts();
    let mut documents: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("../shared/csdl exists beside the project")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    documents.sort();
    assert!(
        documents.len() >= 6,
        "corpus documents found: {documents:?}"
    );
    for name in &documents {
        let row = expected
            .get(name)
            .unwrap_or_else(|| panic!("SOURCES.md has no expected counts for {name}"));
        for field in FIELDS {
            assert!(
                row.contains_key(field),
                "SOURCES.md lacks {field} for {name}"
            );
        }
        let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
            .arg("inspect")
            .arg(corpus_dir().join(name))
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
                "{name}: `{field}` differs from SOURCES.md"
            );
        }
        assert!(json["warnings"].is_array(), "{name}: warnings array");
    }
    for name in expected.keys() {
        assert!(
            documents.contains(name),
            "SOURCES.md lists {name}, which is missing"
        );
    }
}
