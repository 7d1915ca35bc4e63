//! Generates the SDK the benchmark calls: Dataverse v9.1 with the metadata sidecar of
//! `generated-example/` (choices as enums, schema names), accounts and contacts only (contacts
//! for the typed `primarycontactid` lookup).

fn main() {
    if let Err(e) = dataverse_codegen::Builder::new("../metadata/dataverse-v9.1.xml")
        .sidecar("../metadata/dataverse-v9.1.sidecar.json")
        .entity_sets(["accounts", "contacts"])
        .module_name("sdk")
        .generate()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
