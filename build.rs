//! The build.rs mode: the root package generates its Dataverse SDK at build time from the
//! bundled metadata (Dynamics CRM 2016, with Sales: opportunities, WinOpportunity, queues,
//! letters, teams) plus a custom action and a custom function of the organisation (`new_AddNoteToContact`,
//! `new_GetAccountActivity`), the
//! way prost-build does it. Its tests (`tests/`) call the generated code.

fn main() {
    if let Err(e) = dataverse_codegen::Builder::new("metadata/dataverse-v8.x-crm2016.xml")
        .extend_schema("metadata/custom/new_AddNoteToContact.xml")
        .extend_schema("metadata/custom/new_GetAccountActivity.xml")
        .module_name("dataverse")
        .generate()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
