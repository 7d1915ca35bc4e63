//! The build.rs mode: the root package generates its Dataverse SDKs at build time, the way
//! prost-build does it. Its tests (`tests/`) call the generated code.
//!
//! - `dataverse`: from the bundled metadata (Dynamics CRM 2016, with Sales: opportunities,
//!   WinOpportunity, queues, letters, teams) plus a custom action and a custom function of the
//!   organisation (`new_AddNoteToContact`, `new_GetAccountActivity`).
//! - `contoso`: the v9.1 metadata of an organisation generated with its metadata sidecar
//!   (`codegen/tests/fixtures/sidecar/sidecar.json`, what `dataverse-codegen fetch --sidecar`
//!   writes): choice columns as enums, schema names (`SystemUser`), read-only columns.
//! - `graph`: `codegen/tests/fixtures/real-service-constructs.xml`, constructs large public
//!   services publish: operations bound to a complex type, to a collection of one and to a
//!   primitive type; an operation named like a type; a key-less singleton type.

use std::path::PathBuf;

fn main() {
    if let Err(e) = generate() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), Box<dyn std::error::Error>> {
    dataverse_codegen::Builder::new("metadata/dataverse-v8.x-crm2016.xml")
        .extend_schema("metadata/custom/new_AddNoteToContact.xml")
        .extend_schema("metadata/custom/new_GetAccountActivity.xml")
        .module_name("dataverse")
        .generate()?;
    dataverse_codegen::Builder::new(contoso_metadata()?)
        .sidecar("codegen/tests/fixtures/sidecar/sidecar.json")
        .entity_sets(["accounts", "contacts", "systemusers"])
        .module_name("contoso")
        .generate()?;
    dataverse_codegen::Builder::new("codegen/tests/fixtures/real-service-constructs.xml")
        .module_name("graph")
        .generate()?;
    Ok(())
}

/// The organisation's `$metadata`: the bundled v9.1 document with the two custom columns the
/// sidecar fixture describes, declared as Dataverse declares such columns (a choice is
/// `Edm.Int32`, a choices column `Edm.String`): `new_region` on account and contact (one global
/// choice) and `new_preferredchannels` on contact.
fn contoso_metadata() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let source = "metadata/dataverse-v9.1.xml";
    println!("cargo:rerun-if-changed={source}");
    let mut xml = std::fs::read_to_string(source)?;
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
        let start = format!(r#"<EntityType Name="{table}" "#);
        let at = xml
            .find(&start)
            .ok_or(format!("{source}: no entity type {table}"))?;
        let key_end = xml[at..].find("</Key>").ok_or("no key")? + at + "</Key>".len();
        xml.insert_str(key_end, columns);
    }
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("contoso-v9.1.xml");
    // Written only when it changes: the generation below watches it, and a newer file would
    // make cargo run this script again on every build.
    if std::fs::read(&out).ok().as_deref() != Some(xml.as_bytes()) {
        std::fs::write(&out, xml)?;
    }
    Ok(out)
}
