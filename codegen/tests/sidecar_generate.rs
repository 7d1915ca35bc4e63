//! Generation with the metadata sidecar: choices as enums (one per global option set, one per
//! local one), schema names with renames winning, labels in a chosen language, read-only
//! columns; and the errors of a sidecar that does not fit the `$metadata` document.
//!
//! The organisation is the bundled v9.1 document plus the two custom columns the fixture
//! sidecar describes (`new_region` on account and contact, `new_preferredchannels` on contact),
//! added by [`organisation`] as the organisation's own `$metadata` declares them.

use dataverse_codegen::select::{Pattern, Selection};
use dataverse_codegen::sidecar::Sidecar;
use dataverse_codegen::{ErrorKind, GenerateOptions, OutputKind, SidecarInput, generate};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn v91() -> String {
    std::fs::read_to_string(root().join("metadata/dataverse-v9.1.xml")).unwrap()
}

/// v9.1 with the fixture's custom columns.
fn organisation() -> String {
    let mut xml = v91();
    for (table, columns) in [
        (
            "account",
            r#"<Property Name="new_region" Type="Edm.Int32" />"#,
        ),
        (
            "contact",
            r#"<Property Name="new_region" Type="Edm.Int32" /><Property Name="new_preferredchannels" Type="Edm.String" />"#,
        ),
    ] {
        let at = xml
            .find(&format!(r#"<EntityType Name="{table}" "#))
            .unwrap();
        let key_end = xml[at..].find("</Key>").unwrap() + at + "</Key>".len();
        xml.insert_str(key_end, columns);
    }
    xml
}

fn fixture_sidecar() -> Sidecar {
    Sidecar::from_file(&root().join("codegen/tests/fixtures/sidecar/sidecar.json")).unwrap()
}

fn options(sidecar: Option<Sidecar>, language: Option<u32>) -> GenerateOptions {
    GenerateOptions {
        output: OutputKind::Module,
        selection: Selection {
            entity_sets: ["accounts", "contacts", "systemusers"]
                .into_iter()
                .map(Pattern::new)
                .collect(),
            ..Default::default()
        },
        sidecar: sidecar.map(|sidecar| SidecarInput {
            file: "org.sidecar.json".into(),
            sidecar,
            language,
        }),
        ..Default::default()
    }
}

#[test]
fn choices_become_enums_and_tables_take_their_schema_names() {
    let xml = organisation();
    let files = generate(
        "org.xml",
        xml.as_bytes(),
        &options(Some(fixture_sidecar()), None),
    )
    .unwrap();
    let choices = &files["choices.rs"];
    // The global choice is one enum, used by both tables.
    assert_eq!(
        choices.matches("pub enum NewRegion {").count(),
        1,
        "{choices}"
    );
    for name in [
        "AccountIndustryCode",
        "AccountStateCode",
        "AccountStatusCode",
        "ContactGenderCode",
        "ContactNewPreferredChannels",
        "SystemUserAccessMode",
    ] {
        assert!(choices.contains(&format!("pub enum {name} {{")), "{name}");
    }
    // Yes/no columns stay `bool`; their labels are documented.
    assert!(!choices.contains("DoNotEMail"));
    let account = &files["entities/account.rs"];
    assert!(
        account.contains("pub new_region: Field<NewRegion>"),
        "{account}"
    );
    assert!(account.contains("pub industry_code: Field<AccountIndustryCode>"));
    assert!(account.contains("yes/no: `true` is “Do Not Allow”, `false` “Allow”"));
    assert!(account.contains("pub created_on: ReadOnly<"));
    let contact = &files["entities/contact.rs"];
    assert!(
        contact.contains("pub new_region: Field<NewRegion>"),
        "{contact}"
    );
    assert!(contact.contains("Field<MultiChoice<"), "{contact}");
    // Schema names: the type and its file; wire names unchanged.
    let user = &files["entities/system_user.rs"];
    assert!(user.contains("pub struct SystemUser {"));
    assert!(user.contains("SystemUser(\"Microsoft.Dynamics.CRM.systemuser\", binds = binds);"));
    assert!(!files.contains_key("entities/systemuser.rs"));
    // The same input gives the same bytes.
    let again = generate(
        "org.xml",
        xml.as_bytes(),
        &options(Some(fixture_sidecar()), None),
    )
    .unwrap();
    assert_eq!(files, again);
}

#[test]
fn without_a_sidecar_nothing_changes() {
    let xml = organisation();
    let files = generate("org.xml", xml.as_bytes(), &options(None, None)).unwrap();
    assert!(!files.contains_key("choices.rs"));
    assert!(files.contains_key("entities/systemuser.rs"));
    assert!(files["entities/account.rs"].contains("pub industrycode: Field<i32>"));
}

#[test]
fn a_label_language_names_the_variants() {
    let xml = organisation();
    let files = generate(
        "org.xml",
        xml.as_bytes(),
        &options(Some(fixture_sidecar()), Some(1031)),
    )
    .unwrap();
    let choices = &files["choices.rs"];
    assert!(choices.contains("    Buchhaltung,"), "{choices}");
    assert!(choices.contains("(Self::Buchhaltung, 1, \"Buchhaltung\")"));
    assert!(choices.contains("    Mannlich,"), "{choices}");
    assert!(choices.contains("\"Männlich\""));
}

#[test]
fn renames_win_over_schema_names() {
    let xml = organisation();
    let mut options = options(Some(fixture_sidecar()), None);
    options.renames.insert("systemuser".into(), "User".into());
    options
        .renames
        .insert("new_region".into(), "SalesRegion".into());
    let files = generate("org.xml", xml.as_bytes(), &options).unwrap();
    assert!(files["entities/user.rs"].contains("pub struct User {"));
    assert!(files["choices.rs"].contains("pub enum SalesRegion {"));
    assert!(files["entities/account.rs"].contains("Field<SalesRegion>"));
}

#[test]
fn a_sidecar_from_another_organisation_is_refused_with_its_json_path() {
    // The stock v9.1 document has no `new_region` column.
    let xml = v91();
    let e = generate(
        "v9.1.xml",
        xml.as_bytes(),
        &options(Some(fixture_sidecar()), None),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("org.sidecar.json"), "{text}");
    assert!(text.contains("new_region"), "{text}");
    assert!(
        matches!(&*e.kind, ErrorKind::InvalidSidecar { path: Some(p), .. } if p.starts_with("tables[0].attributes[")),
        "{text}"
    );
}

#[test]
fn a_choice_on_a_column_of_another_type_is_refused() {
    let mut sidecar = fixture_sidecar();
    // `name` is `Edm.String`: it cannot be a choice.
    let account = &mut sidecar.tables[0];
    let industry = account
        .attributes
        .iter()
        .find(|a| a.logical_name == "industrycode")
        .unwrap()
        .clone();
    let name = account
        .attributes
        .iter_mut()
        .find(|a| a.logical_name == "name")
        .unwrap();
    name.option_set = industry.option_set;
    let xml = organisation();
    let e = generate("org.xml", xml.as_bytes(), &options(Some(sidecar), None)).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("`account.name` is `Edm.String`"), "{text}");
    assert!(
        matches!(&*e.kind, ErrorKind::InvalidSidecar { path: Some(p), .. } if p == "tables[0].attributes[5].attribute_type"),
        "{text}"
    );
}

#[test]
fn the_checked_in_sidecar_is_in_the_written_format() {
    let path = root().join("metadata/dataverse-v9.1.sidecar.json");
    let bytes = std::fs::read(&path).unwrap();
    let sidecar = Sidecar::from_json("dataverse-v9.1.sidecar.json", &bytes).unwrap();
    assert_eq!(
        String::from_utf8(sidecar.to_json()).unwrap(),
        String::from_utf8(bytes).unwrap()
    );
}

#[test]
fn diff_reports_removed_and_renumbered_choices_as_breaking() {
    use dataverse_codegen::diff;
    let xml = organisation();
    let load = |sidecar: &Sidecar| {
        let mut loaded =
            dataverse_codegen::load("org.xml", xml.as_bytes(), &Default::default()).unwrap();
        dataverse_codegen::sidecar::apply(&mut loaded.model, sidecar, "org.sidecar.json", None)
            .unwrap();
        loaded.model
    };
    let old = fixture_sidecar();
    let mut new = old.clone();
    let region = &mut new.global_option_sets[0];
    assert_eq!(region.name, "new_region");
    region.options.retain(|o| o.value != 100000002); // East removed
    region.options[0].value = 100000009; // North renumbered
    let changes = diff::diff(&load(&old), &load(&new));
    let lines: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{c}{}",
                if diff::breaking(c) {
                    "  (breaking)"
                } else {
                    ""
                }
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "- option new_region/East  (breaking)",
            "~ option new_region/North: value 100000000 -> 100000009  (breaking)",
        ]
    );
}

#[test]
fn the_cli_takes_the_sidecar_for_generate_and_diff() {
    let dir = std::env::temp_dir().join(format!("dvcg-sidecar-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let xml = dir.join("org.xml");
    std::fs::write(&xml, organisation()).unwrap();
    let old = root().join("codegen/tests/fixtures/sidecar/sidecar.json");
    let mut changed = fixture_sidecar();
    changed.global_option_sets[0]
        .options
        .retain(|o| o.value != 100000003);
    let new = dir.join("new.sidecar.json");
    std::fs::write(&new, changed.to_json()).unwrap();
    let cli = env!("CARGO_BIN_EXE_dataverse-codegen");
    let out = dir.join("sdk");
    let generate = std::process::Command::new(cli)
        .args([
            "generate",
            "--module",
            "--entity-set",
            "accounts",
            "--label-language",
            "1031",
        ])
        .arg("--metadata")
        .arg(&xml)
        .arg("--sidecar")
        .arg(&old)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        generate.status.success(),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let choices = std::fs::read_to_string(out.join("choices.rs")).unwrap();
    assert!(choices.contains("    Buchhaltung,"), "{choices}");
    let diff = std::process::Command::new(cli)
        .arg("diff")
        .arg(&xml)
        .arg(&xml)
        .arg("--old-sidecar")
        .arg(&old)
        .arg("--new-sidecar")
        .arg(&new)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&diff.stdout);
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    assert_eq!(
        stdout,
        "- option new_region/West  (breaking)\n0 added, 1 removed, 0 changed (1 breaking)\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
